package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/internal/retry"
	"github.com/nitrokit/nitro/sign"
)

// envelopeState is the lifecycle scenarios' envelope, step by step: each
// scenario needs the one before it, and is skipped when that one failed.
type envelopeState struct {
	env, doc, signer uuid.UUID
	sent             bool
}

// The placeholder address of the participants never sent to.
const nobody = "conformance-never-sent@example.com"

// signScenarios: an envelope's lifecycle (create → upload → participants →
// fields → send → signing URLs → reminders → downloads → cancel → delete),
// with every operation of the Sign API on the way, then a sealed envelope's
// downloads, a conversion, and pagination.
func signScenarios() []scenario {
	st := &envelopeState{}
	need := func(ok bool, what string) error {
		if !ok {
			return skip("needs %s, which did not happen", what)
		}
		return nil
	}
	return []scenario{
		{"sign/envelope: create, get, update, list", func(ctx context.Context, r *runner) error {
			env, err := r.newEnvelope(ctx, "Conformance lifecycle")
			if err != nil {
				return err
			}
			st.env = env
			got, err := r.sign.GetEnvelope(ctx, env)
			if err != nil || got.ID != env || got.Status != sign.EnvelopeStatusDrafted {
				return fmt.Errorf("GetEnvelope: %+v, %v", got, err)
			}
			if _, err := r.sign.UpdateEnvelope(ctx, env, sign.EnvelopeUpdate{Name: nitro.Ptr("Conformance lifecycle (renamed)")}); err != nil {
				return fmt.Errorf("UpdateEnvelope: %w", err)
			}
			if _, err := r.sign.ListEnvelopes(ctx, sign.ListEnvelopesParams{}); err != nil {
				return fmt.Errorf("ListEnvelopes: %w", err)
			}
			return nil
		}},
		{"sign/documents: upload, get, rename, reorder, list, delete", func(ctx context.Context, r *runner) error {
			if err := need(st.env != uuid.Nil, "an envelope"); err != nil {
				return err
			}
			doc, err := r.upload(ctx, st.env, "contract.pdf")
			if err != nil {
				return err
			}
			other, err := r.upload(ctx, st.env, "annex.pdf")
			if err != nil {
				return err
			}
			st.doc = doc
			if d, err := r.sign.GetDocument(ctx, st.env, doc); err != nil || d.ID != doc {
				return fmt.Errorf("GetDocument: %+v, %v", d, err)
			}
			if _, err := r.sign.UpdateDocument(ctx, st.env, doc, sign.RenameDocumentRequest{Name: "Contract.pdf"}); err != nil {
				return fmt.Errorf("UpdateDocument: %w", err)
			}
			if _, err := r.sign.ReorderDocuments(ctx, st.env, sign.ReorderDocumentsRequest{Order: []uuid.UUID{other, doc}}); err != nil {
				return fmt.Errorf("ReorderDocuments: %w", err)
			}
			list, err := r.sign.ListDocuments(ctx, st.env)
			if err != nil || len(list.Items) != 2 || list.Items[0].ID != other {
				return fmt.Errorf("ListDocuments after the reorder: %+v, %v", list, err)
			}
			if err := r.sign.DeleteDocument(ctx, st.env, other); err != nil {
				return fmt.Errorf("DeleteDocument: %w", err)
			}
			return nil
		}},
		{"sign/participants: one, bulk, update, list, delete, batch delete", func(ctx context.Context, r *runner) error {
			if err := need(st.doc != uuid.Nil, "a document"); err != nil {
				return err
			}
			email := r.cfg.SignerEmail
			if email == "" {
				email = nobody
			}
			ps, err := r.sign.CreateParticipant(ctx, st.env, sign.NewCreateParticipantRequest(sign.SingleParticipantRequest{Email: email, Role: sign.ParticipantRoleSigner}))
			if err != nil || len(ps) != 1 {
				return fmt.Errorf("CreateParticipant: %+v, %v", ps, err)
			}
			st.signer = ps[0].ID
			// Two more, removed before anything is sent: no mail reaches them.
			var bulk sign.BulkParticipantRequest
			if err := json.Unmarshal([]byte(`{"items":[{"email":"`+nobody+`","role":"signer"},{"email":"cc-`+nobody+`","role":"cc"}]}`), &bulk); err != nil {
				return err
			}
			more, err := r.sign.CreateParticipant(ctx, st.env, sign.NewCreateParticipantRequest(bulk))
			if err != nil || len(more) != 2 {
				return fmt.Errorf("CreateParticipant, two: %+v, %v", more, err)
			}
			authn := sign.NewParticipantUpdate_Authentication(sign.AccessCode{AccessCode: "123456", Type: sign.AccessCodeTypeAccessCode})
			if _, err := r.sign.UpdateParticipant(ctx, st.env, more[0].ID, sign.ParticipantUpdate{Authentication: &authn}); err != nil {
				return fmt.Errorf("UpdateParticipant: %w", err)
			}
			if list, err := r.sign.ListParticipants(ctx, st.env); err != nil || list.Total != 3 {
				return fmt.Errorf("ListParticipants: %+v, %v", list, err)
			}
			if err := r.sign.DeleteParticipant(ctx, st.env, more[1].ID); err != nil {
				return fmt.Errorf("DeleteParticipant: %w", err)
			}
			if err := r.sign.DeleteParticipants(ctx, st.env, sign.DeleteParticipantsRequest{Items: []uuid.UUID{more[0].ID}}); err != nil {
				return fmt.Errorf("DeleteParticipants: %w", err)
			}
			return nil
		}},
		{"sign/fields: one, bulk of every type, update, list, delete, batch delete", func(ctx context.Context, r *runner) error {
			if err := need(st.signer != uuid.Nil, "a signer"); err != nil {
				return err
			}
			return r.fields(ctx, st.env, st.doc, st.signer)
		}},
		{"sign/send for signing", func(ctx context.Context, r *runner) error {
			if err := need(st.signer != uuid.Nil, "a signer with a field"); err != nil {
				return err
			}
			if r.cfg.SignerEmail == "" {
				return skip("NITRO_SIGNER_EMAIL is not set: nothing is sent")
			}
			if err := r.onlySigner(ctx, st.env); err != nil {
				return err
			}
			env, err := r.sign.SendForSigning(ctx, st.env)
			if err != nil {
				return fmt.Errorf("SendForSigning: %w", err)
			}
			st.sent = true
			r.found("envelope status after sending", "%s", env.Status)
			return nil
		}},
		{"sign/signing URLs", func(ctx context.Context, r *runner) error {
			if err := need(st.sent, "a sent envelope"); err != nil {
				return err
			}
			urls, err := r.sign.ListSignerSigningUrls(ctx, st.env)
			if err != nil || urls.Total != 1 || urls.Items[0].SigningURL == "" {
				return fmt.Errorf("ListSignerSigningUrls: %d URLs, %v", urls.Total, err)
			}
			return nil
		}},
		{"sign/reminders", func(ctx context.Context, r *runner) error {
			if err := need(st.sent, "a sent envelope"); err != nil {
				return err
			}
			return r.sign.SendReminders(ctx, st.env, sign.SendReminders{Notification: sign.Notification{Subject: "Reminder", Body: "A conformance run: please ignore"}})
		}},
		{"sign/downloads: original, audit trail", func(ctx context.Context, r *runner) error {
			if err := need(st.sent, "a sent envelope"); err != nil {
				return err
			}
			if err := downloaded("DownloadOriginalEnvelope", func(w io.Writer) (int64, error) { return r.sign.DownloadOriginalEnvelope(ctx, st.env, w) }); err != nil {
				return err
			}
			return downloaded("DownloadAuditTrailOfEnvelope", func(w io.Writer) (int64, error) { return r.sign.DownloadAuditTrailOfEnvelope(ctx, st.env, w) })
		}},
		{"sign/cancel", func(ctx context.Context, r *runner) error {
			if err := need(st.sent, "a sent envelope"); err != nil {
				return err
			}
			env, err := r.sign.CancelEnvelope(ctx, st.env)
			if err != nil || env.Status != sign.EnvelopeStatusCancelled {
				return fmt.Errorf("CancelEnvelope: %s, %v", env.Status, err)
			}
			return nil
		}},
		{"sign/delete", func(ctx context.Context, r *runner) error {
			if err := need(st.env != uuid.Nil, "an envelope"); err != nil {
				return err
			}
			if err := r.sign.DeleteEnvelope(ctx, st.env); err != nil {
				return fmt.Errorf("DeleteEnvelope: %w", err)
			}
			return nil
		}},
		{"sign/sealed downloads: envelope, document", func(ctx context.Context, r *runner) error {
			return r.sealed(ctx)
		}},
		{"sign/conversion: convert, status, download", func(ctx context.Context, r *runner) error {
			return r.signConversion(ctx)
		}},
		{"sign/pagination: every page of the envelopes", func(ctx context.Context, r *runner) error {
			return r.pagination(ctx)
		}},
	}
}

// onlySigner checks, before an envelope is sent, that its every participant
// is Config.SignerEmail: the lifecycle adds placeholders and deletes them,
// and if deleting them failed, sending would mail them.
func (r *runner) onlySigner(ctx context.Context, env uuid.UUID) error {
	list, err := r.sign.ListParticipants(ctx, env)
	if err != nil {
		return fmt.Errorf("listing the participants before sending: %w", err)
	}
	if int(list.Total) != len(list.Items) {
		return fmt.Errorf("not sent: the envelope lists %d of its %d participants, so whom it would mail is unknown", len(list.Items), list.Total)
	}
	for _, p := range list.Items {
		if !strings.EqualFold(p.Email, r.cfg.SignerEmail) {
			return fmt.Errorf("not sent: participant %s is not NITRO_SIGNER_EMAIL", p.Email)
		}
	}
	return nil
}

func (r *runner) newEnvelope(ctx context.Context, name string) (uuid.UUID, error) {
	env, err := r.sign.CreateEnvelope(ctx, sign.EnvelopeCreate{Name: name, Mode: sign.EnvelopeModeSequential,
		Notification: sign.Notification{Subject: "A conformance run", Body: "Sent by nitro's conformance suite; please ignore."}})
	if err != nil {
		return uuid.Nil, fmt.Errorf("CreateEnvelope: %w", err)
	}
	r.created(env.ID)
	return env.ID, nil
}

func (r *runner) upload(ctx context.Context, env uuid.UUID, name string) (uuid.UUID, error) {
	b := pdfBytes(docText, "page two")
	d, err := r.sign.CreateDocument(ctx, env, sign.DocumentUpload{Name: name, ContentType: "application/pdf", Body: bytes.NewReader(b), Size: int64(len(b))})
	if err != nil {
		return uuid.Nil, fmt.Errorf("CreateDocument %s: %w", name, err)
	}
	return d.ID, nil
}

// fields adds a signature field and one of each type, updates, lists and
// deletes some: the signature field stays, so the envelope can be sent.
func (r *runner) fields(ctx context.Context, env, doc, signer uuid.UUID) error {
	one, err := r.sign.CreateField(ctx, env, doc, sign.NewCreateFieldRequest(sign.CreateSignatureField{
		ParticipantID: signer, Page: 1, BoundingBox: []float32{100, 200, 150, 50}, Required: true}))
	if err != nil || len(one) != 1 {
		return fmt.Errorf("CreateField: %+v, %v", one, err)
	}
	var items []string
	for i, typ := range []string{"checkbox", "company", "custom", "date", "initials", "name", "signature", "title"} {
		items = append(items, fmt.Sprintf(`{"type":%q,"participantID":%q,"page":1,"boundingBox":[10,%d,100,20],"required":false}`, typ, signer, 300+30*i))
	}
	var bulk sign.BulkFieldRequest
	if err := json.Unmarshal([]byte(`{"items":[`+strings.Join(items, ",")+`]}`), &bulk); err != nil {
		return err
	}
	many, err := r.sign.CreateField(ctx, env, doc, sign.NewCreateFieldRequest(bulk))
	if err != nil || len(many) != 8 {
		return fmt.Errorf("CreateField, one of each type: %d fields, %v", len(many), err)
	}
	up := sign.NewFieldUpdate(sign.UpdateSignatureField{Type: sign.UpdateSignatureFieldTypeSignature, Page: nitro.Ptr(int32(2))})
	if f, err := r.sign.UpdateField(ctx, env, doc, one[0].ID, up); err != nil || f.Page != 2 {
		return fmt.Errorf("UpdateField: page %d, %v", f.Page, err)
	}
	list, err := r.sign.ListFields(ctx, env, doc)
	if err != nil || len(list.Items) != 9 {
		return fmt.Errorf("ListFields: %d fields, %v", len(list.Items), err)
	}
	if err := r.sign.DeleteField(ctx, env, doc, many[0].ID); err != nil {
		return fmt.Errorf("DeleteField: %w", err)
	}
	if err := r.sign.DeleteFields(ctx, env, doc, sign.DeleteFieldsRequest{Items: []uuid.UUID{many[1].ID}}); err != nil {
		return fmt.Errorf("DeleteFields: %w", err)
	}
	return nil
}

// downloaded runs a download into a buffer and checks it brought bytes.
func downloaded(what string, get func(io.Writer) (int64, error)) error {
	var b bytes.Buffer
	n, err := get(&b)
	if err != nil || n == 0 || n != int64(b.Len()) {
		return fmt.Errorf("%s: %d bytes (%d written), %v", what, n, b.Len(), err)
	}
	return nil
}

// sealed sends an envelope, has it signed (the fake's hook, or the signer
// within SealWait), waits for it to seal, and downloads the sealed files.
func (r *runner) sealed(ctx context.Context) error {
	switch {
	case r.cfg.SignerEmail == "":
		return skip("NITRO_SIGNER_EMAIL is not set: nothing is sent")
	case r.cfg.Sign == nil && r.cfg.SealWait <= 0:
		return skip("someone must sign: set NITRO_SEAL_WAIT (say 10m) and sign from the email")
	}
	env, err := r.newEnvelope(ctx, "Conformance sealed")
	if err != nil {
		return err
	}
	doc, err := r.upload(ctx, env, "contract.pdf")
	if err != nil {
		return err
	}
	ps, err := r.sign.CreateParticipant(ctx, env, sign.NewCreateParticipantRequest(sign.SingleParticipantRequest{Email: r.cfg.SignerEmail, Role: sign.ParticipantRoleSigner}))
	if err != nil || len(ps) != 1 {
		return fmt.Errorf("CreateParticipant: %v", err)
	}
	if _, err := r.sign.CreateField(ctx, env, doc, sign.NewCreateFieldRequest(sign.CreateSignatureField{
		ParticipantID: ps[0].ID, Page: 1, BoundingBox: []float32{100, 200, 150, 50}, Required: true})); err != nil {
		return fmt.Errorf("CreateField: %w", err)
	}
	if err := r.onlySigner(ctx, env); err != nil {
		return err
	}
	if _, err := r.sign.SendForSigning(ctx, env); err != nil {
		return fmt.Errorf("SendForSigning: %w", err)
	}
	wait := max(r.cfg.SealWait, time.Minute)
	if r.cfg.Sign != nil {
		if err := r.cfg.Sign(env.String()); err != nil {
			return fmt.Errorf("signing: %w", err)
		}
	}
	wctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	if _, err := r.sign.WaitForEnvelopeStatus(wctx, env, sign.EnvelopeStatusSealed); err != nil {
		return fmt.Errorf("waiting %s for the envelope to seal: %w", wait, err)
	}
	if err := downloaded("DownloadSealedEnvelope", func(w io.Writer) (int64, error) { return r.sign.DownloadSealedEnvelope(ctx, env, w) }); err != nil {
		return err
	}
	return downloaded("DownloadSealedDocument", func(w io.Writer) (int64, error) { return r.sign.DownloadSealedDocument(ctx, env, doc, w) })
}

// signConversion converts a Word document through Sign's conversions and
// downloads the PDF once its job is done.
func (r *runner) signConversion(ctx context.Context) error {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	w, err := mw.CreateFormFile("file", "conformance.docx")
	if err == nil {
		_, err = w.Write(docxBytes(docText))
	}
	if err == nil {
		err = mw.Close()
	}
	if err != nil {
		return err
	}
	ct := mw.FormDataContentType()
	//lint:ignore SA1019 the API still serves its deprecated conversion operations; conformance checks them while it does
	job, err := r.sign.ConvertFile(ctx, ct, &body)
	if err != nil {
		return fmt.Errorf("ConvertFile: %w", err)
	}
	deadline := time.Now().Add(r.cfg.JobWait)
	for {
		//lint:ignore SA1019 the API still serves its deprecated conversion operations; conformance checks them while it does
		st, err := r.sign.GetJobStatus(ctx, job.JobID)
		if err != nil {
			return fmt.Errorf("GetJobStatus: %w", err)
		}
		switch st.Status {
		case sign.JobStatusCompleted:
			//lint:ignore SA1019 the API still serves its deprecated conversion operations; conformance checks them while it does
			return downloaded("DownloadConvertedFile", func(w io.Writer) (int64, error) { return r.sign.DownloadConvertedFile(ctx, job.JobID, w) })
		case sign.JobStatusFailed:
			return fmt.Errorf("the conversion job failed")
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the conversion still %s after %s", st.Status, r.cfg.JobWait)
		}
		if err := retry.Sleep(ctx, r.pollEvery()); err != nil {
			return err
		}
	}
}

// pagination walks every page of the account's envelopes until the three
// it created are seen (or 50 pages), counting the pages.
func (r *runner) pagination(ctx context.Context) error {
	want := map[uuid.UUID]bool{}
	for i := range 3 {
		env, err := r.newEnvelope(ctx, fmt.Sprintf("Conformance page %d", i+1))
		if err != nil {
			return err
		}
		want[env] = true
	}
	before := r.rec.count()
	seen := 0
	for env, err := range r.sign.ListEnvelopesAutoPaging(ctx) {
		if err != nil {
			return fmt.Errorf("ListEnvelopesAutoPaging: %w", err)
		}
		if want[env.ID] {
			delete(want, env.ID)
		}
		if seen++; len(want) == 0 || r.rec.count()-before > 50 {
			break
		}
	}
	pages := r.rec.count() - before
	r.found("pagination", "%d envelopes over %d pages to find the 3 created", seen, pages)
	if len(want) > 0 {
		return fmt.Errorf("%d created envelopes not found over %d pages", len(want), pages)
	}
	return nil
}

// errorScenarios: the answers a caller must be able to tell apart.
func errorScenarios() []scenario {
	return []scenario{
		{"errors/400: a request the API refuses, with its validation errors", func(ctx context.Context, r *runner) error {
			env, err := r.sign.CreateEnvelope(ctx, sign.EnvelopeCreate{Name: "", Mode: "neither"})
			if err == nil {
				r.created(env.ID) // the API took it after all: deleted at the end
			}
			var apiErr *nitro.APIError
			if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusBadRequest {
				return fmt.Errorf("an envelope with no name and a mode that is none: %v, want a 400", err)
			}
			r.found("400 validation_errors", "%d fields named", len(apiErr.ValidationErrors))
			return nil
		}},
		{"errors/404: an envelope that does not exist", func(ctx context.Context, r *runner) error {
			_, err := r.sign.GetEnvelope(ctx, uuid.New())
			if !nitro.IsNotFound(err) {
				return fmt.Errorf("GetEnvelope of a random ID: %v, want a 404", err)
			}
			return nil
		}},
		{"errors/409: signing URLs of an envelope not sent", func(ctx context.Context, r *runner) error {
			env, err := r.newEnvelope(ctx, "Conformance draft")
			if err != nil {
				return err
			}
			_, err = r.sign.ListSignerSigningUrls(ctx, env)
			if !nitro.IsConflict(err) {
				return fmt.Errorf("ListSignerSigningUrls of a draft: %v, want a 409", err)
			}
			return nil
		}},
	}
}
