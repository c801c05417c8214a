package nitrotest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"net/textproto"
	"reflect"
	"testing"

	"github.com/google/uuid"

	"github.com/nitrokit/nitro/auth"
	"github.com/nitrokit/nitro/gen"
	"github.com/nitrokit/nitro/nitrotest"
)

// Our own tests always validate requests against the locked spec.
var specOpts = nitrotest.WithSpec("../api/openapi.json", "../api/overlay.yaml")

// setup starts a validating fake and a generated client that authenticates
// through auth's request editor; both stop when the test ends.
func setup(t *testing.T, opts ...nitrotest.Option) (*nitrotest.Server, *gen.ClientWithResponses) {
	t.Helper()
	srv := nitrotest.NewServer(append([]nitrotest.Option{specOpts}, opts...)...)
	t.Cleanup(srv.Close)
	src, err := auth.NewSource(auth.NitroJSON(srv.TokenURL()), srv.Credentials())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { src.Close() })
	c, err := gen.NewClientWithResponses(srv.URL(), gen.WithRequestEditorFn(src.RequestEditor))
	if err != nil {
		t.Fatal(err)
	}
	return srv, c
}

func newEnvelope(t *testing.T, c *gen.ClientWithResponses, name string) uuid.UUID {
	t.Helper()
	r, err := c.CreateEnvelopeWithResponse(context.Background(), gen.CreateEnvelopeJSONRequestBody{
		Name: name, Mode: gen.EnvelopeCreateModeSequential, Notification: gen.Notification{Subject: "Please sign", Body: "Thanks"}})
	if err != nil || r.JSON201 == nil {
		t.Fatalf("CreateEnvelope: %v %s", err, body(r))
	}
	return *r.JSON201.ID
}

// multipartDoc builds a createDocument body: a JSON metadata part and, if
// payload is not nil, a binary payload part.
func multipartDoc(t *testing.T, name, contentType string, payload []byte) (string, *bytes.Buffer) {
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

func uploadDoc(t *testing.T, c *gen.ClientWithResponses, env uuid.UUID, pages int) uuid.UUID {
	t.Helper()
	ct, b := multipartDoc(t, "contract.pdf", "application/pdf", minimalPDF(pages))
	r, err := c.CreateDocumentWithBodyWithResponse(context.Background(), env, nil, ct, b)
	if err != nil || r.JSON201 == nil {
		t.Fatalf("CreateDocument: %v %d %s", err, r.StatusCode(), body(r))
	}
	return r.JSON201.ID
}

func minimalPDF(pages int) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n1 0 obj << /Type /Pages /Count 1 >> endobj\n")
	for range pages {
		b.WriteString("2 0 obj << /Type /Page /Parent 1 0 R >> endobj\n")
	}
	b.WriteString("%%EOF\n")
	return b.Bytes()
}

func addSigner(t *testing.T, c *gen.ClientWithResponses, env uuid.UUID, email string) uuid.UUID {
	t.Helper()
	var b gen.CreateParticipantJSONRequestBody
	must(t, b.UnmarshalJSON([]byte(`{"email":"`+email+`","role":"signer"}`)))
	r, err := c.CreateParticipantWithResponse(context.Background(), env, b)
	if err != nil || r.JSON201 == nil {
		t.Fatalf("CreateParticipant: %v %s", err, body(r))
	}
	return *r.JSON201.ID
}

func addField(t *testing.T, c *gen.ClientWithResponses, env, doc, signer uuid.UUID) uuid.UUID {
	t.Helper()
	var b gen.CreateFieldJSONRequestBody
	must(t, b.FromCreateSignatureField(gen.CreateSignatureField{ParticipantID: signer, Page: ptr(int32(1)),
		BoundingBox: []float32{100, 200, 150, 50}, Required: ptr(true), Type: gen.CreateSignatureFieldTypeSignature}))
	r, err := c.CreateFieldWithResponse(context.Background(), env, doc, b)
	if err != nil || r.JSON201 == nil {
		t.Fatalf("CreateField: %v %s", err, body(r))
	}
	f, err := r.JSON201.AsCreateSignatureFieldResponse()
	must(t, err)
	return *f.ID
}

// sentEnvelope is a draft with a document, a signer and a field, sent.
func sentEnvelope(t *testing.T, c *gen.ClientWithResponses) (env, doc, signer uuid.UUID) {
	t.Helper()
	env = newEnvelope(t, c, "Contract")
	doc = uploadDoc(t, c, env, 1)
	signer = addSigner(t, c, env, "signer@example.com")
	addField(t, c, env, doc, signer)
	r, err := c.SendForSigningWithResponse(context.Background(), env)
	if err != nil || r.JSON200 == nil {
		t.Fatalf("SendForSigning: %v %s", err, body(r))
	}
	return env, doc, signer
}

// body is the raw body of a generated response, for failure messages.
func body(r any) string {
	v := reflect.ValueOf(r)
	if !v.IsValid() || v.IsNil() {
		return "<nil response>"
	}
	return string(v.Elem().FieldByName("Body").Bytes())
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func ptr[T any](v T) *T { return &v }

func newSource(t *testing.T, srv *nitrotest.Server) *auth.Source {
	t.Helper()
	src, err := auth.NewSource(auth.NitroJSON(srv.TokenURL()), srv.Credentials())
	must(t, err)
	t.Cleanup(func() { src.Close() })
	return src
}
