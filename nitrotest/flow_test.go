package nitrotest_test

import (
	"archive/zip"
	"bytes"
	"context"
	"mime/multipart"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/nitrokit/nitro/gen"
	"github.com/nitrokit/nitro/nitrotest"
	"github.com/nitrokit/nitro/nitrotest/internal/api"
)

// TestEveryOperation drives each operation of the spec through the generated
// client and auth's request editor, and checks the fake saw all of them.
func TestEveryOperation(t *testing.T) {
	srv, c := setup(t, nitrotest.WithSealDelay(-1))
	ctx := context.Background()
	check := func(what string, status, want int, raw any) {
		t.Helper()
		if status != want {
			t.Fatalf("%s: HTTP %d, want %d: %s", what, status, want, body(raw))
		}
	}

	tok, err := c.GetTokenRfc6749WithResponse(ctx, nil, gen.AuthTokenRequest{ClientID: srv.Credentials().ClientID, ClientSecret: srv.Credentials().ClientSecret})
	must(t, err)
	check("GetTokenRfc6749", tok.StatusCode(), 200, tok)
	if a, err := tok.JSON200.AsAuthTokenResponse(); err != nil || strings.Count(*a.AccessToken, ".") != 2 {
		t.Fatalf("token is not JWT-shaped: %v %s", err, body(tok))
	}

	env := newEnvelope(t, c, "Contract")
	ge, err := c.GetEnvelopeWithResponse(ctx, env)
	must(t, err)
	check("GetEnvelope", ge.StatusCode(), 200, ge)
	ue, err := c.UpdateEnvelopeWithResponse(ctx, env, gen.UpdateEnvelopeJSONRequestBody{Name: ptr("Contract v2")})
	must(t, err)
	check("UpdateEnvelope", ue.StatusCode(), 200, ue)
	le, err := c.ListEnvelopesWithResponse(ctx, nil)
	must(t, err)
	check("ListEnvelopes", le.StatusCode(), 200, le)
	if len(*le.JSON200.Items) != 1 || *(*le.JSON200.Items)[0].Name != "Contract v2" {
		t.Fatalf("ListEnvelopes: %s", body(le))
	}

	// Documents: an upload, an existing Nitro document, rename, reorder, delete.
	doc := uploadDoc(t, c, env, 3)
	ct, b := multipartDoc(t, "existing", "", nil)
	nd, err := c.CreateDocumentWithBodyWithResponse(ctx, env, &gen.CreateDocumentParams{NitroDocumentID: ptr(uuid.NewString())}, ct, b)
	must(t, err)
	check("CreateDocument nitroDocumentID", nd.StatusCode(), 201, nd)
	gd, err := c.GetDocumentWithResponse(ctx, env, doc)
	must(t, err)
	check("GetDocument", gd.StatusCode(), 200, gd)
	if u, err := gd.JSON200.AsUploadedDocumentResponse(); err != nil || *u.NumPages != 3 || *u.SizeBytes == 0 {
		t.Fatalf("GetDocument: %v %s", err, body(gd))
	}
	ud, err := c.UpdateDocumentWithResponse(ctx, env, doc, gen.RenameDocumentRequest{Name: "Contract.pdf"})
	must(t, err)
	check("UpdateDocument", ud.StatusCode(), 200, ud)
	rd, err := c.ReorderDocumentsWithResponse(ctx, env, gen.ReorderDocumentsRequest{Order: &[]uuid.UUID{nd.JSON201.ID, doc}})
	must(t, err)
	check("ReorderDocuments", rd.StatusCode(), 200, rd)
	ld, err := c.ListDocumentsWithResponse(ctx, env)
	must(t, err)
	check("ListDocuments", ld.StatusCode(), 200, ld)
	if items := *ld.JSON200.Items; len(items) != 2 {
		t.Fatalf("ListDocuments: %s", body(ld))
	}
	dd, err := c.DeleteDocumentWithResponse(ctx, env, nd.JSON201.ID)
	must(t, err)
	check("DeleteDocument", dd.StatusCode(), 204, dd)

	// Participants: single, bulk (with the examples' upper-case role), update, delete.
	signer := addSigner(t, c, env, "signer@example.com")
	var bulk gen.CreateParticipantJSONRequestBody
	must(t, bulk.UnmarshalJSON([]byte(`{"items":[{"email":"a@example.com","role":"SIGNER","authentication":{"type":"AccessCode","accessCode":"123456"}},{"email":"b@example.com","role":"cc","authentication":{"type":"SMS","countryCode":"+1","phoneNumber":"1234567890"}}]}`)))
	cp, err := c.CreateParticipantWithResponse(ctx, env, bulk)
	must(t, err)
	check("CreateParticipant bulk", cp.StatusCode(), 200, cp)
	if cp.JSON200.Items[0].Role == nil || *cp.JSON200.Items[0].Role != "signer" {
		t.Errorf("role SIGNER is not normalised: %s", body(cp))
	}
	var authn gen.ParticipantUpdate_Authentication
	must(t, authn.FromAccessCode(gen.AccessCode{AccessCode: ptr("654321"), Type: ptr(gen.AccessCodeTypeAccessCode)}))
	up, err := c.UpdateParticipantWithResponse(ctx, env, signer, gen.ParticipantUpdate{Authentication: &authn})
	must(t, err)
	check("UpdateParticipant", up.StatusCode(), 200, up)
	lp, err := c.ListParticipantsWithResponse(ctx, env)
	must(t, err)
	check("ListParticipants", lp.StatusCode(), 200, lp)
	if *lp.JSON200.Total != 3 {
		t.Fatalf("ListParticipants: %s", body(lp))
	}
	dp, err := c.DeleteParticipantWithResponse(ctx, env, *cp.JSON200.Items[1].ID)
	must(t, err)
	check("DeleteParticipant", dp.StatusCode(), 204, dp)
	dps, err := c.DeleteParticipantsWithResponse(ctx, env, gen.DeleteParticipantsRequest{Items: &[]uuid.UUID{*cp.JSON200.Items[0].ID}})
	must(t, err)
	check("DeleteParticipants", dps.StatusCode(), 200, dps)

	// Fields: single, bulk with all eight types, update, delete.
	field := addField(t, c, env, doc, signer)
	cf, err := c.CreateFieldWithResponse(ctx, env, doc, allFieldTypes(t, signer))
	must(t, err)
	check("CreateField bulk", cf.StatusCode(), 200, cf)
	if len(*cf.JSON200.Items) != 8 {
		t.Fatalf("CreateField bulk: %s", body(cf))
	}
	var fu gen.FieldUpdate
	must(t, fu.FromUpdateSignatureField(gen.UpdateSignatureField{Type: gen.UpdateSignatureFieldTypeSignature, Page: ptr(int32(2))}))
	uf, err := c.UpdateFieldWithResponse(ctx, env, doc, field, fu)
	must(t, err)
	check("UpdateField", uf.StatusCode(), 200, uf)
	lf, err := c.ListFieldsWithResponse(ctx, env, doc)
	must(t, err)
	check("ListFields", lf.StatusCode(), 200, lf)
	fields := *lf.JSON200.Items
	if len(fields) != 9 {
		t.Fatalf("ListFields: %s", body(lf))
	}
	first, _ := fields[1].AsCheckbox()
	df, err := c.DeleteFieldWithResponse(ctx, env, doc, *first.ID)
	must(t, err)
	check("DeleteField", df.StatusCode(), 204, df)
	second, _ := fields[2].AsCompany()
	dfs, err := c.DeleteFieldsWithResponse(ctx, env, doc, gen.DeleteFieldsRequest{Items: &[]uuid.UUID{*second.ID}})
	must(t, err)
	check("DeleteFields", dfs.StatusCode(), 200, dfs)

	// Sending, signing, sealing, downloading.
	ss, err := c.SendForSigningWithResponse(ctx, env)
	must(t, err)
	check("SendForSigning", ss.StatusCode(), 200, ss)
	urls, err := c.ListSignerSigningUrlsWithResponse(ctx, env)
	must(t, err)
	check("ListSignerSigningUrls", urls.StatusCode(), 200, urls)
	if *urls.JSON200.Total != 1 || !strings.HasPrefix(*(*urls.JSON200.Items)[0].SigningURL, srv.URL()) {
		t.Fatalf("ListSignerSigningUrls: %s", body(urls))
	}
	rem, err := c.SendRemindersWithResponse(ctx, env, gen.SendReminders{Notification: &gen.Notification{Subject: "Reminder", Body: "Please sign"}})
	must(t, err)
	check("SendReminders", rem.StatusCode(), 202, rem)
	orig, err := c.DownloadOriginalEnvelopeWithResponse(ctx, env)
	must(t, err)
	check("DownloadOriginalEnvelope", orig.StatusCode(), 200, orig)
	zipNames(t, orig.Body, "original/Contract.pdf")
	audit, err := c.DownloadAuditTrailOfEnvelopeWithResponse(ctx, env)
	must(t, err)
	check("DownloadAuditTrailOfEnvelope", audit.StatusCode(), 200, audit)
	isPDF(t, audit.Body)

	must(t, srv.Sign(env.String()))
	must(t, srv.Seal(env.String()))
	sealedZip, err := c.DownloadSealedEnvelopeWithResponse(ctx, env)
	must(t, err)
	check("DownloadSealedEnvelope", sealedZip.StatusCode(), 200, sealedZip)
	zipNames(t, sealedZip.Body, "sealed/Contract.pdf", "audit-trail.pdf")
	sd, err := c.DownloadSealedDocumentWithResponse(ctx, env, doc)
	must(t, err)
	check("DownloadSealedDocument", sd.StatusCode(), 200, sd)
	isPDF(t, sd.Body)

	// Cancel a sent envelope; delete a draft.
	other, _, _ := sentEnvelope(t, c)
	ce, err := c.CancelEnvelopeWithResponse(ctx, other)
	must(t, err)
	check("CancelEnvelope", ce.StatusCode(), 200, ce)
	de, err := c.DeleteEnvelopeWithResponse(ctx, newEnvelope(t, c, "Draft"))
	must(t, err)
	check("DeleteEnvelope", de.StatusCode(), 204, de)

	// Conversions.
	ct, b = fileForm(t, "file", []byte("hello"))
	cv, err := c.ConvertFileWithBodyWithResponse(ctx, ct, b)
	must(t, err)
	check("ConvertFile", cv.StatusCode(), 200, cv)
	js, err := c.GetJobStatusWithResponse(ctx, *cv.JSON200.JobID)
	must(t, err)
	check("GetJobStatus", js.StatusCode(), 200, js)
	dc, err := c.DownloadConvertedFileWithResponse(ctx, *cv.JSON200.JobID)
	must(t, err)
	check("DownloadConvertedFile", dc.StatusCode(), 200, dc)
	isPDF(t, dc.Body)

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

	// Every operation of the strict interface was reached.
	seen := srv.Stats().Operations
	iface := reflect.TypeFor[api.StrictServerInterface]()
	for i := range iface.NumMethod() {
		name := iface.Method(i).Name
		if name != "GetTokenRfc6749" && seen[name] == 0 {
			t.Errorf("operation %s was never called", name)
		}
	}
	if n := srv.Stats().TokenRequests; n != 2 {
		t.Errorf("token requests = %d, want 2 (the editor's cached one, and the direct call)", n)
	}
}

func allFieldTypes(t *testing.T, signer uuid.UUID) gen.CreateFieldJSONRequestBody {
	t.Helper()
	var items []string
	for i, typ := range []string{"checkbox", "company", "custom", "date", "initials", "name", "signature", "title"} {
		items = append(items, `{"type":"`+typ+`","participantID":"`+signer.String()+`","page":1,"boundingBox":[10,`+strings.Repeat("1", i+1)+`,100,20],"required":false}`)
	}
	var b gen.CreateFieldJSONRequestBody
	must(t, b.UnmarshalJSON([]byte(`{"items":[`+strings.Join(items, ",")+`]}`)))
	return b
}

func fileForm(t *testing.T, name string, content []byte) (string, *bytes.Buffer) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	w, _ := mw.CreateFormFile(name, "input.docx")
	w.Write(content)
	mw.Close()
	return mw.FormDataContentType(), &buf
}

func zipNames(t *testing.T, b []byte, want ...string) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("not a ZIP: %v", err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		rc, err := f.Open()
		must(t, err)
		rc.Close()
	}
	if !slices.Equal(names, want) {
		t.Errorf("ZIP entries %v, want %v", names, want)
	}
}

func isPDF(t *testing.T, b []byte) {
	t.Helper()
	if !bytes.HasPrefix(b, []byte("%PDF-")) || !bytes.HasSuffix(b, []byte("%%EOF\n")) {
		t.Errorf("not a PDF: %.40q…", b)
	}
}
