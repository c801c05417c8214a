// Package flowtest drives the Nitro Sign API through the public sign.Client
// against nitrotest: helpers that build envelopes in each state, and
// EveryOperation, which calls each operation of the spec once. The fake's
// own tests and the client's tests share it.
package flowtest

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/gen/signapi"
	"github.com/nitrokit/nitro/nitrotest"
	"github.com/nitrokit/nitro/sign"
)

// Client returns a sign.Client on srv with its credentials, closed when the
// test ends.
func Client(t testing.TB, srv *nitrotest.Server) *sign.Client {
	t.Helper()
	creds := srv.Credentials()
	nc, err := nitro.NewClient(nitro.Config{ClientID: creds.ClientID, ClientSecret: creds.ClientSecret, BaseURL: srv.URL()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	return sign.New(nc)
}

func NewEnvelope(t testing.TB, c *sign.Client, name string) uuid.UUID {
	t.Helper()
	env, err := c.CreateEnvelope(context.Background(), sign.EnvelopeCreate{
		Name: name, Mode: sign.EnvelopeModeSequential, Notification: sign.Notification{Subject: "Please sign", Body: "Thanks"}})
	Must(t, err)
	return env.ID
}

// MultipartDoc builds a createDocument body: a JSON metadata part and, if
// payload is not nil, a binary payload part.
func MultipartDoc(t testing.TB, name, contentType string, payload []byte) (string, *bytes.Buffer) {
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

func UploadDoc(t testing.TB, c *sign.Client, env uuid.UUID, pages int) uuid.UUID {
	t.Helper()
	pdf := MinimalPDF(pages)
	d, err := c.CreateDocument(context.Background(), env, sign.DocumentUpload{Name: "contract.pdf", ContentType: "application/pdf",
		Body: bytes.NewReader(pdf), Size: int64(len(pdf))})
	Must(t, err)
	return d.ID
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

func AddSigner(t testing.TB, c *sign.Client, env uuid.UUID, email string) uuid.UUID {
	t.Helper()
	ps, err := c.CreateParticipant(context.Background(), env, sign.NewCreateParticipantRequest(
		sign.SingleParticipantRequest{Email: email, Role: sign.ParticipantRoleSigner}))
	Must(t, err)
	if len(ps) != 1 {
		t.Fatalf("CreateParticipant: %d participants, want 1", len(ps))
	}
	return ps[0].ID
}

func AddField(t testing.TB, c *sign.Client, env, doc, signer uuid.UUID) uuid.UUID {
	t.Helper()
	fs, err := c.CreateField(context.Background(), env, doc, sign.NewCreateFieldRequest(sign.CreateSignatureField{
		ParticipantID: signer, Page: 1, BoundingBox: []float32{100, 200, 150, 50}, Required: true}))
	Must(t, err)
	if len(fs) != 1 || fs[0].Type != sign.FieldTypeSignature {
		t.Fatalf("CreateField: %+v", fs)
	}
	return fs[0].ID
}

// SentEnvelope is a draft with a document, a signer and a field, sent.
func SentEnvelope(t testing.TB, c *sign.Client) (env, doc, signer uuid.UUID) {
	t.Helper()
	env = NewEnvelope(t, c, "Contract")
	doc = UploadDoc(t, c, env, 1)
	signer = AddSigner(t, c, env, "signer@example.com")
	AddField(t, c, env, doc, signer)
	_, err := c.SendForSigning(context.Background(), env)
	Must(t, err)
	return env, doc, signer
}

// Body is the raw body of a generated …WithResponse response, for failure
// messages of tests that use the raw client.
func Body(r any) string {
	v := reflect.ValueOf(r)
	if !v.IsValid() || v.IsNil() {
		return "<nil response>"
	}
	return string(v.Elem().FieldByName("Body").Bytes())
}

func Must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// EveryOperation calls each operation of the spec once through c against
// srv, checks each answer, and checks srv saw all of them. srv must not
// seal envelopes by itself (nitrotest.WithSealDelay(-1)).
func EveryOperation(t testing.TB, srv *nitrotest.Server, c *sign.Client) {
	t.Helper()
	ctx := context.Background()

	// The token endpoint is package auth's; the raw client reaches it too.
	tok, err := c.Raw().GetTokenRfc6749(ctx, nil, signapi.AuthTokenRequest{ClientID: srv.Credentials().ClientID, ClientSecret: srv.Credentials().ClientSecret})
	Must(t, err)
	var a struct{ AccessToken string }
	Must(t, json.NewDecoder(tok.Body).Decode(&a))
	tok.Body.Close()
	if strings.Count(a.AccessToken, ".") != 2 {
		t.Fatalf("token is not JWT-shaped: %q", a.AccessToken)
	}

	env := NewEnvelope(t, c, "Contract")
	ge, err := c.GetEnvelope(ctx, env)
	Must(t, err)
	if ge.ID != env || ge.Status != sign.EnvelopeStatusDrafted {
		t.Fatalf("GetEnvelope: %+v", ge)
	}
	_, err = c.UpdateEnvelope(ctx, env, sign.EnvelopeUpdate{Name: nitro.Ptr("Contract v2")})
	Must(t, err)
	le, err := c.ListEnvelopes(ctx, sign.ListEnvelopesParams{})
	Must(t, err)
	if len(le.Items) != 1 || le.Items[0].Name != "Contract v2" {
		t.Fatalf("ListEnvelopes: %+v", le)
	}

	// Documents: an upload, an existing Nitro document, rename, reorder, delete.
	doc := UploadDoc(t, c, env, 3)
	nd, err := c.CreateDocument(ctx, env, sign.DocumentUpload{Name: "existing", NitroDocumentID: uuid.NewString()})
	Must(t, err)
	gd, err := c.GetDocument(ctx, env, doc)
	Must(t, err)
	if gd.Status != sign.DocumentStatusUploaded || gd.NumPages != 3 || gd.SizeBytes == 0 {
		t.Fatalf("GetDocument: %+v", gd)
	}
	_, err = c.UpdateDocument(ctx, env, doc, sign.RenameDocumentRequest{Name: "Contract.pdf"})
	Must(t, err)
	_, err = c.ReorderDocuments(ctx, env, sign.ReorderDocumentsRequest{Order: []uuid.UUID{nd.ID, doc}})
	Must(t, err)
	ld, err := c.ListDocuments(ctx, env)
	Must(t, err)
	if len(ld.Items) != 2 || ld.Items[0].ID != nd.ID {
		t.Fatalf("ListDocuments: %+v", ld)
	}
	Must(t, c.DeleteDocument(ctx, env, nd.ID))

	// Participants: single, bulk, update, delete.
	signer := AddSigner(t, c, env, "signer@example.com")
	var bulk sign.BulkParticipantRequest
	Must(t, json.Unmarshal([]byte(`{"items":[{"email":"a@example.com","role":"signer","authentication":{"type":"AccessCode","accessCode":"123456"}},{"email":"b@example.com","role":"cc","authentication":{"type":"SMS","countryCode":"+1","phoneNumber":"1234567890"}}]}`), &bulk))
	cp, err := c.CreateParticipant(ctx, env, sign.NewCreateParticipantRequest(bulk))
	Must(t, err)
	if len(cp) != 2 || cp[0].Role != "signer" {
		t.Fatalf("CreateParticipant bulk: %+v", cp)
	}
	authn := sign.NewParticipantUpdate_Authentication(sign.AccessCode{AccessCode: "654321", Type: sign.AccessCodeTypeAccessCode})
	_, err = c.UpdateParticipant(ctx, env, signer, sign.ParticipantUpdate{Authentication: &authn})
	Must(t, err)
	lp, err := c.ListParticipants(ctx, env)
	Must(t, err)
	if lp.Total != 3 {
		t.Fatalf("ListParticipants: %+v", lp)
	}
	Must(t, c.DeleteParticipant(ctx, env, cp[1].ID))
	Must(t, c.DeleteParticipants(ctx, env, sign.DeleteParticipantsRequest{Items: []uuid.UUID{cp[0].ID}}))

	// Fields: single, bulk with all eight types, update, delete.
	field := AddField(t, c, env, doc, signer)
	cf, err := c.CreateField(ctx, env, doc, AllFieldTypes(t, signer))
	Must(t, err)
	if len(cf) != 8 {
		t.Fatalf("CreateField bulk: %+v", cf)
	}
	fu := sign.NewFieldUpdate(sign.UpdateSignatureField{Type: sign.UpdateSignatureFieldTypeSignature, Page: nitro.Ptr(int32(2))})
	uf, err := c.UpdateField(ctx, env, doc, field, fu)
	Must(t, err)
	if uf.Page != 2 {
		t.Fatalf("UpdateField: %+v", uf)
	}
	lf, err := c.ListFields(ctx, env, doc)
	Must(t, err)
	if len(lf.Items) != 9 || lf.Items[1].Type != sign.FieldTypeCheckbox {
		t.Fatalf("ListFields: %+v", lf)
	}
	Must(t, c.DeleteField(ctx, env, doc, lf.Items[1].ID))
	Must(t, c.DeleteFields(ctx, env, doc, sign.DeleteFieldsRequest{Items: []uuid.UUID{lf.Items[2].ID}}))

	// Sending, signing, sealing, downloading.
	_, err = c.SendForSigning(ctx, env)
	Must(t, err)
	urls, err := c.ListSignerSigningUrls(ctx, env)
	Must(t, err)
	if urls.Total != 1 || !strings.HasPrefix(urls.Items[0].SigningURL, srv.URL()) {
		t.Fatalf("ListSignerSigningUrls: %+v", urls)
	}
	Must(t, c.SendReminders(ctx, env, sign.SendReminders{Notification: sign.Notification{Subject: "Reminder", Body: "Please sign"}}))
	ZipNames(t, download(t, func(w io.Writer) (int64, error) { return c.DownloadOriginalEnvelope(ctx, env, w) }), "original/Contract.pdf")
	IsPDF(t, download(t, func(w io.Writer) (int64, error) { return c.DownloadAuditTrailOfEnvelope(ctx, env, w) }))

	Must(t, srv.Sign(env.String()))
	Must(t, srv.Seal(env.String()))
	ZipNames(t, download(t, func(w io.Writer) (int64, error) { return c.DownloadSealedEnvelope(ctx, env, w) }), "sealed/Contract.pdf", "audit-trail.pdf")
	IsPDF(t, download(t, func(w io.Writer) (int64, error) { return c.DownloadSealedDocument(ctx, env, doc, w) }))

	// Cancel a sent envelope; delete a draft.
	other, _, _ := SentEnvelope(t, c)
	ce, err := c.CancelEnvelope(ctx, other)
	Must(t, err)
	if ce.Status != sign.EnvelopeStatusCancelled {
		t.Fatalf("CancelEnvelope: %+v", ce)
	}
	Must(t, c.DeleteEnvelope(ctx, NewEnvelope(t, c, "Draft")))

	// Conversions.
	ct, b := FileForm(t, "file", []byte("hello"))
	//lint:ignore SA1019 the fake serves the deprecated conversion operations as the API still does; the flow covers every operation
	cv, err := c.ConvertFile(ctx, ct, b)
	Must(t, err)
	//lint:ignore SA1019 the fake serves the deprecated conversion operations as the API still does; the flow covers every operation
	js, err := c.GetJobStatus(ctx, cv.JobID)
	Must(t, err)
	if js.JobID != cv.JobID {
		t.Fatalf("GetJobStatus: %+v", js)
	}
	//lint:ignore SA1019 the fake serves the deprecated conversion operations as the API still does; the flow covers every operation
	IsPDF(t, download(t, func(w io.Writer) (int64, error) { return c.DownloadConvertedFile(ctx, cv.JobID, w) }))

	// Platform operations, off the typed surface, answer the spec's empty 200
	// through the raw client.
	raw := c.Raw()
	for name, call := range map[string]func() (*http.Response, error){
		"ForwardConversionsRequest":     func() (*http.Response, error) { return raw.ForwardConversionsRequest(ctx) },
		"ForwardExtractionsRequest":     func() (*http.Response, error) { return raw.ForwardExtractionsRequest(ctx) },
		"ForwardGenerationsRequest":     func() (*http.Response, error) { return raw.ForwardGenerationsRequest(ctx) },
		"ForwardTransformationsRequest": func() (*http.Response, error) { return raw.ForwardTransformationsRequest(ctx) },
		"GetJobResult":                  func() (*http.Response, error) { return raw.GetJobResult(ctx, "job-1") },
		"GetJobStatus1":                 func() (*http.Response, error) { return raw.GetJobStatus1(ctx, "job-1") },
	} {
		resp, err := call()
		if err != nil || resp.StatusCode != 200 {
			t.Errorf("%s: %v", name, err)
			continue
		}
		resp.Body.Close()
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
		t.Errorf("token requests = %d, want 2 (the client's cached one, and the direct call)", n)
	}
}

// download runs a streaming download into memory.
func download(t testing.TB, get func(io.Writer) (int64, error)) []byte {
	t.Helper()
	var b bytes.Buffer
	n, err := get(&b)
	Must(t, err)
	if n != int64(b.Len()) {
		t.Fatalf("download reported %d bytes, wrote %d", n, b.Len())
	}
	return b.Bytes()
}

func AllFieldTypes(t testing.TB, signer uuid.UUID) sign.CreateFieldRequest {
	t.Helper()
	var items []string
	for i, typ := range []string{"checkbox", "company", "custom", "date", "initials", "name", "signature", "title"} {
		items = append(items, `{"type":"`+typ+`","participantID":"`+signer.String()+`","page":1,"boundingBox":[10,`+strings.Repeat("1", i+1)+`,100,20],"required":false}`)
	}
	var b sign.BulkFieldRequest
	Must(t, json.Unmarshal([]byte(`{"items":[`+strings.Join(items, ",")+`]}`), &b))
	return sign.NewCreateFieldRequest(b)
}

func FileForm(t testing.TB, name string, content []byte) (string, *bytes.Buffer) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	w, _ := mw.CreateFormFile(name, "input.docx")
	w.Write(content)
	mw.Close()
	return mw.FormDataContentType(), &buf
}

func ZipNames(t testing.TB, b []byte, want ...string) {
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

func IsPDF(t testing.TB, b []byte) {
	t.Helper()
	if !bytes.HasPrefix(b, []byte("%PDF-")) || !bytes.HasSuffix(b, []byte("%%EOF\n")) {
		t.Errorf("not a PDF: %.40q…", b)
	}
}
