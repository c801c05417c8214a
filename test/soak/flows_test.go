package soak

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/nitrotest"
	"github.com/nitrokit/nitro/pdf"
	"github.com/nitrokit/nitro/sign"
)

// signFlow is a whole signing: envelope, document, signer, field, send,
// signature (the fake's hook), the seal, the sealed ZIP, and the envelope's
// deletion. Each create is reconciled by what it made (found by the name,
// the e-mail, the signer), and at the end each thing exists once: nothing
// lost, nothing made twice.
func (r *run) signFlow(ctx context.Context, name string) error {
	var env, doc, signer uuid.UUID
	docName, email := name+".pdf", name+"@example.com"
	steps := []func() error{
		func() error {
			return r.step(ctx, "CreateEnvelope", func(ctx context.Context) error {
				e, err := r.s.CreateEnvelope(ctx, sign.EnvelopeCreate{Name: name, Mode: sign.EnvelopeModeSequential,
					Notification: sign.Notification{Subject: "Please sign", Body: name}})
				env = e.ID
				return err
			}, func(ctx context.Context) (bool, error) {
				ids, err := r.envelopesNamed(ctx, name)
				if len(ids) == 1 {
					env = ids[0]
				}
				return r.once("envelope "+name, len(ids), err)
			})
		},
		func() error {
			return r.step(ctx, "CreateDocument", func(ctx context.Context) error {
				body, size := nitrotest.PDF(name, 0)
				d, err := r.s.CreateDocument(ctx, env, sign.DocumentUpload{Name: docName, ContentType: "application/pdf", Body: body, Size: size})
				doc = d.ID
				return err
			}, func(ctx context.Context) (bool, error) {
				list, err := r.s.ListDocuments(ctx, env)
				ids := matching(list.Items, func(d sign.Document) (uuid.UUID, bool) { return d.ID, d.Name == docName })
				if len(ids) == 1 {
					doc = ids[0]
				}
				return r.once("document "+docName, len(ids), err)
			})
		},
		func() error {
			return r.step(ctx, "CreateParticipant", func(ctx context.Context) error {
				ps, err := r.s.CreateParticipant(ctx, env, sign.NewCreateParticipantRequest(sign.SingleParticipantRequest{Email: email, Role: sign.ParticipantRoleSigner}))
				if err == nil {
					signer = ps[0].ID
				}
				return err
			}, func(ctx context.Context) (bool, error) {
				list, err := r.s.ListParticipants(ctx, env)
				ids := matching(list.Items, func(p sign.Participant) (uuid.UUID, bool) { return p.ID, p.Email == email })
				if len(ids) == 1 {
					signer = ids[0]
				}
				return r.once("participant "+email, len(ids), err)
			})
		},
		func() error {
			return r.step(ctx, "CreateField", func(ctx context.Context) error {
				_, err := r.s.CreateField(ctx, env, doc, sign.NewCreateFieldRequest(sign.CreateSignatureField{
					ParticipantID: signer, Page: 1, BoundingBox: []float32{72, 600, 200, 50}, Required: true}))
				return err
			}, func(ctx context.Context) (bool, error) {
				n, err := r.fieldsOf(ctx, env, doc, signer)
				return r.once("field of "+email, n, err)
			})
		},
		func() error {
			return r.step(ctx, "SendForSigning", func(ctx context.Context) error {
				_, err := r.s.SendForSigning(ctx, env)
				return err
			}, func(ctx context.Context) (bool, error) {
				e, err := r.s.GetEnvelope(ctx, env)
				return err == nil && e.Status != sign.EnvelopeStatusDrafted, err
			})
		},
		func() error { return r.srv.Sign(env.String()) }, // a person signs
		func() error {
			return r.step(ctx, "WaitForEnvelopeStatus", func(ctx context.Context) error {
				ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
				defer cancel()
				_, err := r.s.WaitForEnvelopeStatus(ctx, env, sign.EnvelopeStatusSealed)
				return err
			}, nil)
		},
		func() error {
			var zipped []byte
			err := r.step(ctx, "DownloadSealedEnvelope", func(ctx context.Context) error {
				var b bytes.Buffer
				_, err := r.s.DownloadSealedEnvelope(ctx, env, &b)
				zipped = b.Bytes()
				return err
			}, nil)
			if err == nil {
				r.sealedHolds(name, zipped, "sealed/"+docName)
			}
			return err
		},
		func() error { return r.nothingTwice(ctx, name, env, doc, signer, docName, email) },
		func() error { return r.deleteEnvelope(ctx, env) },
	}
	for _, s := range steps {
		if err := s(); err != nil {
			return err
		}
	}
	return nil
}

// once says whether a reconciliation found what it looked for exactly
// once; more is a duplicate, the soak's failure.
func (r *run) once(what string, n int, err error) (bool, error) {
	if err != nil {
		return false, err
	}
	if n > 1 {
		r.problem("%s exists %d times", what, n)
	}
	return n >= 1, nil
}

// matching is the IDs of the items keep picks.
func matching[T any](items []T, keep func(T) (uuid.UUID, bool)) []uuid.UUID {
	var ids []uuid.UUID
	for _, it := range items {
		if id, ok := keep(it); ok {
			ids = append(ids, id)
		}
	}
	return ids
}

// envelopesNamed is every envelope called name.
func (r *run) envelopesNamed(ctx context.Context, name string) ([]uuid.UUID, error) {
	var ids []uuid.UUID
	for env, err := range r.s.ListEnvelopesAutoPaging(ctx) {
		if err != nil {
			return nil, err
		}
		if env.Name == name {
			ids = append(ids, env.ID)
		}
	}
	return ids, nil
}

// fieldsOf counts signer's fields on doc.
func (r *run) fieldsOf(ctx context.Context, env, doc, signer uuid.UUID) (int, error) {
	list, err := r.s.ListFields(ctx, env, doc)
	return len(matching(list.Items, func(f sign.Field) (uuid.UUID, bool) { return f.ID, f.ParticipantID == signer })), err
}

// sealedHolds checks the sealed ZIP holds the flow's document.
func (r *run) sealedHolds(name string, zipped []byte, entry string) {
	zr, err := zip.NewReader(bytes.NewReader(zipped), int64(len(zipped)))
	if err != nil {
		r.problem("%s: the sealed ZIP does not open: %v", name, err)
		return
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	if !slices.Contains(names, entry) {
		r.problem("%s: the sealed ZIP holds %v, not %s", name, names, entry)
	}
}

// nothingTwice checks that each thing the flow made exists once.
func (r *run) nothingTwice(ctx context.Context, name string, env, doc, signer uuid.UUID, docName, email string) error {
	_, err := r.ask(ctx, "check", func(ctx context.Context) (bool, error) {
		ids, err := r.envelopesNamed(ctx, name)
		if err != nil {
			return false, err
		}
		docs, err := r.s.ListDocuments(ctx, env)
		if err != nil {
			return false, err
		}
		ps, err := r.s.ListParticipants(ctx, env)
		if err != nil {
			return false, err
		}
		fields, err := r.fieldsOf(ctx, env, doc, signer)
		if err != nil {
			return false, err
		}
		got := fmt.Sprintf("%d envelope, %d document, %d participant, %d field", len(ids), len(docs.Items), len(ps.Items), fields)
		if got != "1 envelope, 1 document, 1 participant, 1 field" {
			r.problem("%s: %s, want one of each", name, got)
		}
		return true, nil
	})
	return err
}

// deleteEnvelope deletes env. A call that failed retryably may have
// deleted it in its last attempt, so a later call told it is already
// deleted reconciles, as the README says: it looks, and gone is done.
func (r *run) deleteEnvelope(ctx context.Context, env uuid.UUID) error {
	return r.step(ctx, "DeleteEnvelope", func(ctx context.Context) error {
		err := r.s.DeleteEnvelope(ctx, env)
		if nitro.OutcomeOf(err) != nitro.OutcomeNotDone || !strings.Contains(err.Error(), "already deleted") {
			return err
		}
		e, gerr := r.s.GetEnvelope(ctx, env)
		if gerr == nil && e.Status == sign.EnvelopeStatusDeleted {
			r.found.Add(1)
			return nil
		}
		return err
	}, nil)
}

// pdfFlow is a whole PDF Services round: a compress job (started, waited
// for, downloaded), the text extracted from its result, and a synchronous
// compress streamed. The tools keep no state, so a start of unknown
// outcome is started again (a job left behind expires by itself); what
// must hold is that each answer is this flow's, whole.
func (r *run) pdfFlow(ctx context.Context, name string) error {
	text := "soak text of " + name
	file := func() pdf.File {
		body, size := nitrotest.PDF(text, 0)
		return pdf.File{Name: name + ".pdf", ContentType: "application/pdf", Body: body, Size: size}
	}
	var job *pdf.Job[pdf.FileResult]
	var result, streamed bytes.Buffer
	var extracted pdf.PlatformResponseText
	steps := []func() error{
		func() error {
			return r.step(ctx, "Compress.Async", func(ctx context.Context) (err error) {
				job, err = r.p.Compress(file(), pdf.PDFCompressParams{}).Async(ctx)
				return err
			}, nil)
		},
		func() error {
			return r.step(ctx, "Job.Wait", func(ctx context.Context) error {
				_, err := job.Wait(ctx)
				return err
			}, nil)
		},
		func() error {
			return r.step(ctx, "Job.Download", func(ctx context.Context) error {
				result.Reset()
				_, err := job.Download(ctx, &result)
				return err
			}, nil)
		},
		func() error {
			return r.step(ctx, "ExtractText.JSON", func(ctx context.Context) (err error) {
				b := result.Bytes()
				extracted, err = r.p.ExtractText(pdf.File{Name: name + ".pdf", ContentType: "application/pdf", Body: bytes.NewReader(b), Size: int64(len(b))},
					pdf.ExtractTextParams{}).JSON(ctx)
				return err
			}, nil)
		},
		func() error {
			return r.step(ctx, "Compress.Stream", func(ctx context.Context) error {
				streamed.Reset()
				_, err := r.p.Compress(file(), pdf.PDFCompressParams{}).Stream(ctx, &streamed)
				return err
			}, nil)
		},
	}
	for _, s := range steps {
		if err := s(); err != nil {
			return err
		}
	}
	if !strings.Contains(extracted.Result, text) {
		r.problem("%s: the extracted text is %q, not the flow's", name, extracted.Result)
	}
	if !bytes.HasPrefix(streamed.Bytes(), []byte("%PDF-")) || !bytes.Contains(streamed.Bytes(), []byte(text)) {
		r.problem("%s: the streamed compress is not the flow's PDF: %.60q…", name, streamed.Bytes())
	}
	return nil
}
