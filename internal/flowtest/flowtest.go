// Package flowtest drives the Nitro Sign API through a generated client
// against nitrotest: helpers that build envelopes in each state, and
// EveryOperation, which calls each operation of the spec once. The fake's
// own tests and the nitro client's tests share it.
package flowtest

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"net/textproto"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/nitrokit/nitro/gen/signapi"
	"github.com/nitrokit/nitro/nitrotest"
)

func NewEnvelope(t *testing.T, c *signapi.ClientWithResponses, name string) uuid.UUID {
	t.Helper()
	r, err := c.CreateEnvelopeWithResponse(context.Background(), signapi.CreateEnvelopeJSONRequestBody{
		Name: name, Mode: signapi.EnvelopeCreateModeSequential, Notification: signapi.Notification{Subject: "Please sign", Body: "Thanks"}})
	if err != nil || r.JSON201 == nil {
		t.Fatalf("CreateEnvelope: %v %s", err, Body(r))
	}
	return *r.JSON201.ID
}

// MultipartDoc builds a createDocument body: a JSON metadata part and, if
// payload is not nil, a binary payload part.
func MultipartDoc(t *testing.T, name, contentType string, payload []byte) (string, *bytes.Buffer) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="metadata"`)
	h.Set("Content-Type", "application/json")
	pw, _ := mw.CreatePart(h)
	meta := map[string]string{"name": name}
	if contentType != "" {
		meta["contentType"] = contentType
	}
	json.NewEncoder(pw).Encode(meta)
	if payload != nil {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="payload"; filename="doc"`)
		h.Set("Content-Type", "application/octet-stream")
		pw, _ := mw.CreatePart(h)
		pw.Write(payload)
	}
	mw.Close()
	return mw.FormDataContentType(), &buf
}

func UploadDoc(t *testing.T, c *signapi.ClientWithResponses, env uuid.UUID, pages int) uuid.UUID {
	t.Helper()
	ct, b := MultipartDoc(t, "contract.pdf", "application/pdf", MinimalPDF(pages))
	r, err := c.CreateDocumentWithBodyWithResponse(context.Background(), env, nil, ct, b)
	if err != nil || r.JSON201 == nil {
		t.Fatalf("CreateDocument: %v %d %s", err, r.StatusCode(), Body(r))
	}
	return r.JSON201.ID
}

func MinimalPDF(pages int) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n1 0 obj << /Type /Pages /Count 1 >> endobj\n")
	for range pages {
		b.WriteString("2 0 obj << /Type /Page /Parent 1 0 R >> endobj\n")
	}
	b.WriteString("%%EOF\n")
	return b.Bytes()
}

func AddSigner(t *testing.T, c *signapi.ClientWithResponses, env uuid.UUID, email string) uuid.UUID {
	t.Helper()
	var b signapi.CreateParticipantJSONRequestBody
	Must(t, b.UnmarshalJSON([]byte(`{"email":"`+email+`","role":"signer"}`)))
	r, err := c.CreateParticipantWithResponse(context.Background(), env, b)
	if err != nil || r.JSON201 == nil {
		t.Fatalf("CreateParticipant: %v %s", err, Body(r))
	}
	return *r.JSON201.ID
}

func AddField(t *testing.T, c *signapi.ClientWithResponses, env, doc, signer uuid.UUID) uuid.UUID {
	t.Helper()
	var b signapi.CreateFieldJSONRequestBody
	Must(t, b.FromCreateSignatureField(signapi.CreateSignatureField{ParticipantID: signer, Page: Ptr(int32(1)),
		BoundingBox: []float32{100, 200, 150, 50}, Required: Ptr(true), Type: signapi.CreateSignatureFieldTypeSignature}))
	r, err := c.CreateFieldWithResponse(context.Background(), env, doc, b)
	if err != nil || r.JSON201 == nil {
		t.Fatalf("CreateField: %v %s", err, Body(r))
	}
	f, err := r.JSON201.AsCreateSignatureFieldResponse()
	Must(t, err)
	return *f.ID
}

// SentEnvelope is a draft with a document, a signer and a field, sent.
func SentEnvelope(t *testing.T, c *signapi.ClientWithResponses) (env, doc, signer uuid.UUID) {
	t.Helper()
	env = NewEnvelope(t, c, "Contract")
	doc = UploadDoc(t, c, env, 1)
	signer = AddSigner(t, c, env, "signer@example.com")
	AddField(t, c, env, doc, signer)
	r, err := c.SendForSigningWithResponse(context.Background(), env)
	if err != nil || r.JSON200 == nil {
		t.Fatalf("SendForSigning: %v %s", err, Body(r))
	}
	return env, doc, signer
}

// Body is the raw body of a generated response, for failure messages.
func Body(r any) string {
	v := reflect.ValueOf(r)
	if !v.IsValid() || v.IsNil() {
		return "<nil response>"
	}
	return string(v.Elem().FieldByName("Body").Bytes())
}

func Must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func Ptr[T any](v T) *T { return &v }

// EveryOperation calls each operation of the spec once through c against
// srv, checks each answer, and checks srv saw all of them. srv must not
// seal envelopes by itself (nitrotest.WithSealDelay(-1)).
func EveryOperation(t *testing.T, srv *nitrotest.Server, c *signapi.ClientWithResponses) {
	t.Helper()
	ctx := context.Background()
	check := func(what string, status, want int, raw any) {
		t.Helper()
		if status != want {
			t.Fatalf("%s: HTTP %d, want %d: %s", what, status, want, Body(raw))
		}
	}

	tok, err := c.GetTokenRfc6749WithResponse(ctx, nil, signapi.AuthTokenRequest{ClientID: srv.Credentials().ClientID, ClientSecret: srv.Credentials().ClientSecret})
	Must(t, err)
	check("GetTokenRfc6749", tok.StatusCode(), 200, tok)
	if a, err := tok.JSON200.AsAuthTokenResponse(); err != nil || strings.Count(*a.AccessToken, ".") != 2 {
		t.Fatalf("token is not JWT-shaped: %v %s", err, Body(tok))
	}

	env := NewEnvelope(t, c, "Contract")
	ge, err := c.GetEnvelopeWithResponse(ctx, env)
	Must(t, err)
	check("GetEnvelope", ge.StatusCode(), 200, ge)
	ue, err := c.UpdateEnvelopeWithResponse(ctx, env, signapi.UpdateEnvelopeJSONRequestBody{Name: Ptr("Contract v2")})
	Must(t, err)
	check("UpdateEnvelope", ue.StatusCode(), 200, ue)
	le, err := c.ListEnvelopesWithResponse(ctx, nil)
	Must(t, err)
	check("ListEnvelopes", le.StatusCode(), 200, le)
	if len(*le.JSON200.Items) != 1 || *(*le.JSON200.Items)[0].Name != "Contract v2" {
		t.Fatalf("ListEnvelopes: %s", Body(le))
	}

	// Documents: an upload, an existing Nitro document, rename, reorder, delete.
	doc := UploadDoc(t, c, env, 3)
	ct, b := MultipartDoc(t, "existing", "", nil)
	nd, err := c.CreateDocumentWithBodyWithResponse(ctx, env, &signapi.CreateDocumentParams{NitroDocumentID: Ptr(uuid.NewString())}, ct, b)
	Must(t, err)
	check("CreateDocument nitroDocumentID", nd.StatusCode(), 201, nd)
	gd, err := c.GetDocumentWithResponse(ctx, env, doc)
	Must(t, err)
	check("GetDocument", gd.StatusCode(), 200, gd)
	if u, err := gd.JSON200.AsUploadedDocumentResponse(); err != nil || *u.NumPages != 3 || *u.SizeBytes == 0 {
		t.Fatalf("GetDocument: %v %s", err, Body(gd))
	}
	ud, err := c.UpdateDocumentWithResponse(ctx, env, doc, signapi.RenameDocumentRequest{Name: "Contract.pdf"})
	Must(t, err)
	check("UpdateDocument", ud.StatusCode(), 200, ud)
	rd, err := c.ReorderDocumentsWithResponse(ctx, env, signapi.ReorderDocumentsRequest{Order: &[]uuid.UUID{nd.JSON201.ID, doc}})
	Must(t, err)
	check("ReorderDocuments", rd.StatusCode(), 200, rd)
	ld, err := c.ListDocumentsWithResponse(ctx, env)
	Must(t, err)
	check("ListDocuments", ld.StatusCode(), 200, ld)
	if items := *ld.JSON200.Items; len(items) != 2 {
		t.Fatalf("ListDocuments: %s", Body(ld))
	}
	dd, err := c.DeleteDocumentWithResponse(ctx, env, nd.JSON201.ID)
	Must(t, err)
	check("DeleteDocument", dd.StatusCode(), 204, dd)

	// Participants: single, bulk (with the examples' upper-case role), update, delete.
	signer := AddSigner(t, c, env, "signer@example.com")
	var bulk signapi.CreateParticipantJSONRequestBody
	Must(t, bulk.UnmarshalJSON([]byte(`{"items":[{"email":"a@example.com","role":"SIGNER","authentication":{"type":"AccessCode","accessCode":"123456"}},{"email":"b@example.com","role":"cc","authentication":{"type":"SMS","countryCode":"+1","phoneNumber":"1234567890"}}]}`)))
	cp, err := c.CreateParticipantWithResponse(ctx, env, bulk)
	Must(t, err)
	check("CreateParticipant bulk", cp.StatusCode(), 200, cp)
	if cp.JSON200.Items[0].Role == nil || *cp.JSON200.Items[0].Role != "signer" {
		t.Errorf("role SIGNER is not normalised: %s", Body(cp))
	}
	var authn signapi.ParticipantUpdate_Authentication
	Must(t, authn.FromAccessCode(signapi.AccessCode{AccessCode: Ptr("654321"), Type: Ptr(signapi.AccessCodeTypeAccessCode)}))
	up, err := c.UpdateParticipantWithResponse(ctx, env, signer, signapi.ParticipantUpdate{Authentication: &authn})
	Must(t, err)
	check("UpdateParticipant", up.StatusCode(), 200, up)
	lp, err := c.ListParticipantsWithResponse(ctx, env)
	Must(t, err)
	check("ListParticipants", lp.StatusCode(), 200, lp)
	if *lp.JSON200.Total != 3 {
		t.Fatalf("ListParticipants: %s", Body(lp))
	}
	dp, err := c.DeleteParticipantWithResponse(ctx, env, *cp.JSON200.Items[1].ID)
	Must(t, err)
	check("DeleteParticipant", dp.StatusCode(), 204, dp)
	dps, err := c.DeleteParticipantsWithResponse(ctx, env, signapi.DeleteParticipantsRequest{Items: &[]uuid.UUID{*cp.JSON200.Items[0].ID}})
	Must(t, err)
	check("DeleteParticipants", dps.StatusCode(), 200, dps)

	// Fields: single, bulk with all eight types, update, delete.
	field := AddField(t, c, env, doc, signer)
	cf, err := c.CreateFieldWithResponse(ctx, env, doc, AllFieldTypes(t, signer))
	Must(t, err)
	check("CreateField bulk", cf.StatusCode(), 200, cf)
	if len(*cf.JSON200.Items) != 8 {
		t.Fatalf("CreateField bulk: %s", Body(cf))
	}
	var fu signapi.FieldUpdate
	Must(t, fu.FromUpdateSignatureField(signapi.UpdateSignatureField{Type: signapi.UpdateSignatureFieldTypeSignature, Page: Ptr(int32(2))}))
	uf, err := c.UpdateFieldWithResponse(ctx, env, doc, field, fu)
	Must(t, err)
	check("UpdateField", uf.StatusCode(), 200, uf)
	lf, err := c.ListFieldsWithResponse(ctx, env, doc)
	Must(t, err)
	check("ListFields", lf.StatusCode(), 200, lf)
	fields := *lf.JSON200.Items
	if len(fields) != 9 {
		t.Fatalf("ListFields: %s", Body(lf))
	}
	first, _ := fields[1].AsCheckbox()
	df, err := c.DeleteFieldWithResponse(ctx, env, doc, *first.ID)
	Must(t, err)
	check("DeleteField", df.StatusCode(), 204, df)
	second, _ := fields[2].AsCompany()
	dfs, err := c.DeleteFieldsWithResponse(ctx, env, doc, signapi.DeleteFieldsRequest{Items: &[]uuid.UUID{*second.ID}})
	Must(t, err)
	check("DeleteFields", dfs.StatusCode(), 200, dfs)

	// Sending, signing, sealing, downloading.
	ss, err := c.SendForSigningWithResponse(ctx, env)
	Must(t, err)
	check("SendForSigning", ss.StatusCode(), 200, ss)
	urls, err := c.ListSignerSigningUrlsWithResponse(ctx, env)
	Must(t, err)
	check("ListSignerSigningUrls", urls.StatusCode(), 200, urls)
	if *urls.JSON200.Total != 1 || !strings.HasPrefix(*(*urls.JSON200.Items)[0].SigningURL, srv.URL()) {
		t.Fatalf("ListSignerSigningUrls: %s", Body(urls))
	}
	rem, err := c.SendRemindersWithResponse(ctx, env, signapi.SendReminders{Notification: &signapi.Notification{Subject: "Reminder", Body: "Please sign"}})
	Must(t, err)
	check("SendReminders", rem.StatusCode(), 202, rem)
	orig, err := c.DownloadOriginalEnvelopeWithResponse(ctx, env)
	Must(t, err)
	check("DownloadOriginalEnvelope", orig.StatusCode(), 200, orig)
	ZipNames(t, orig.Body, "original/Contract.pdf")
	audit, err := c.DownloadAuditTrailOfEnvelopeWithResponse(ctx, env)
	Must(t, err)
	check("DownloadAuditTrailOfEnvelope", audit.StatusCode(), 200, audit)
	IsPDF(t, audit.Body)

	Must(t, srv.Sign(env.String()))
	Must(t, srv.Seal(env.String()))
	sealedZip, err := c.DownloadSealedEnvelopeWithResponse(ctx, env)
	Must(t, err)
	check("DownloadSealedEnvelope", sealedZip.StatusCode(), 200, sealedZip)
	ZipNames(t, sealedZip.Body, "sealed/Contract.pdf", "audit-trail.pdf")
	sd, err := c.DownloadSealedDocumentWithResponse(ctx, env, doc)
	Must(t, err)
	check("DownloadSealedDocument", sd.StatusCode(), 200, sd)
	IsPDF(t, sd.Body)

	// Cancel a sent envelope; delete a draft.
	other, _, _ := SentEnvelope(t, c)
	ce, err := c.CancelEnvelopeWithResponse(ctx, other)
	Must(t, err)
	check("CancelEnvelope", ce.StatusCode(), 200, ce)
	de, err := c.DeleteEnvelopeWithResponse(ctx, NewEnvelope(t, c, "Draft"))
	Must(t, err)
	check("DeleteEnvelope", de.StatusCode(), 204, de)

	// Conversions.
	ct, b = FileForm(t, "file", []byte("hello"))
	cv, err := c.ConvertFileWithBodyWithResponse(ctx, ct, b)
	Must(t, err)
	check("ConvertFile", cv.StatusCode(), 200, cv)
	js, err := c.GetJobStatusWithResponse(ctx, *cv.JSON200.JobID)
	Must(t, err)
	check("GetJobStatus", js.StatusCode(), 200, js)
	dc, err := c.DownloadConvertedFileWithResponse(ctx, *cv.JSON200.JobID)
	Must(t, err)
	check("DownloadConvertedFile", dc.StatusCode(), 200, dc)
	IsPDF(t, dc.Body)

	// Platform operations answer the spec's empty 200.
	for name, call := range map[string]func() (int, error){
		"ForwardConversionsRequest": func() (int, error) {
			r, err := c.ForwardConversionsRequestWithResponse(ctx)
			return r.StatusCode(), err
		},
		"ForwardExtractionsRequest": func() (int, error) {
			r, err := c.ForwardExtractionsRequestWithResponse(ctx)
			return r.StatusCode(), err
		},
		"ForwardGenerationsRequest": func() (int, error) {
			r, err := c.ForwardGenerationsRequestWithResponse(ctx)
			return r.StatusCode(), err
		},
		"ForwardTransformationsRequest": func() (int, error) {
			r, err := c.ForwardTransformationsRequestWithResponse(ctx)
			return r.StatusCode(), err
		},
		"GetJobResult":  func() (int, error) { r, err := c.GetJobResultWithResponse(ctx, "job-1"); return r.StatusCode(), err },
		"GetJobStatus1": func() (int, error) { r, err := c.GetJobStatus1WithResponse(ctx, "job-1"); return r.StatusCode(), err },
	} {
		if status, err := call(); err != nil || status != 200 {
			t.Errorf("%s: %d, %v", name, status, err)
		}
	}

	// Every operation of the generated client was reached.
	seen := srv.Stats().Operations
	iface := reflect.TypeFor[signapi.ClientInterface]()
	for i := range iface.NumMethod() {
		name := strings.TrimSuffix(iface.Method(i).Name, "WithBody")
		if name != "GetTokenRfc6749" && seen[name] == 0 {
			t.Errorf("operation %s was never called", name)
		}
	}
	if n := srv.Stats().TokenRequests; n != 2 {
		t.Errorf("token requests = %d, want 2 (the editor's cached one, and the direct call)", n)
	}
}

func AllFieldTypes(t *testing.T, signer uuid.UUID) signapi.CreateFieldJSONRequestBody {
	t.Helper()
	var items []string
	for i, typ := range []string{"checkbox", "company", "custom", "date", "initials", "name", "signature", "title"} {
		items = append(items, `{"type":"`+typ+`","participantID":"`+signer.String()+`","page":1,"boundingBox":[10,`+strings.Repeat("1", i+1)+`,100,20],"required":false}`)
	}
	var b signapi.CreateFieldJSONRequestBody
	Must(t, b.UnmarshalJSON([]byte(`{"items":[`+strings.Join(items, ",")+`]}`)))
	return b
}

func FileForm(t *testing.T, name string, content []byte) (string, *bytes.Buffer) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	w, _ := mw.CreateFormFile(name, "input.docx")
	w.Write(content)
	mw.Close()
	return mw.FormDataContentType(), &buf
}

func ZipNames(t *testing.T, b []byte, want ...string) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("not a ZIP: %v", err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		rc, err := f.Open()
		Must(t, err)
		rc.Close()
	}
	if !slices.Equal(names, want) {
		t.Errorf("ZIP entries %v, want %v", names, want)
	}
}

func IsPDF(t *testing.T, b []byte) {
	t.Helper()
	if !bytes.HasPrefix(b, []byte("%PDF-")) || !bytes.HasSuffix(b, []byte("%%EOF\n")) {
		t.Errorf("not a PDF: %.40q…", b)
	}
}
