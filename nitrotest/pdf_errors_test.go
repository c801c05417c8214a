package nitrotest_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/nitrokit/nitro/internal/testkit/flowtest"

	"github.com/nitrokit/nitro/gen/signapi"
	"github.com/nitrokit/nitro/nitrotest"
)

// TestPDFRequestErrors: the handlers check PDF requests (the Sign spec's
// validator does not see them) and answer problems like the rest of the
// fake.
func TestPDFRequestErrors(t *testing.T) {
	srv := nitrotest.NewServer()
	defer srv.Close()
	c := newPDFClient(t, srv)
	pdf := pdfFile(t)[0]
	docx := filePart("file", "a.docx", docxCT, []byte("PK"))
	for _, tc := range []struct {
		name, endpoint string
		parts          []part
		status         int
		want           string
	}{
		{"no method", "/transformations", []part{pdf}, 400, `"method":"is required"`},
		{"unknown method", "/transformations", []part{text("method", "shred"), pdf}, 400, `not a method of /transformations`},
		{"method of another endpoint", "/extractions", []part{text("method", "compress"), pdf}, 400, `not a method`},
		{"no file", "/transformations", []part{text("method", "compress")}, 400, `"file":"is required"`},
		{"params not JSON", "/transformations", []part{text("method", "compress"), jsonPart("params", "{"), pdf}, 400, `"params":"must be JSON"`},
		// Unknown keys are ignored for every tool (pdf_params_test.go):
		// another tool's params leave rotate without its rotations.
		{"params of another tool", "/transformations", []part{text("method", "rotate"), jsonPart("params", `{"profile":"web"}`), pdf}, 422, `"params.rotations":"is required"`},
		{"params of the wrong type", "/transformations", []part{text("method", "rotate"), jsonPart("params", `{"rotations":"all"}`), pdf}, 400, `not valid for rotate`},
		{"params not an object", "/transformations", []part{text("method", "compress"), jsonPart("params", `[]`), pdf}, 400, `must be a JSON object`},
		{"params breaking the rules", "/transformations", []part{text("method", "delete-pages"), jsonPart("params", `{"pageIndices":[7]}`), pdf}, 422, `not in the document's 3 pages`},
		{"required param missing", "/transformations", []part{text("method", "optimize"), jsonPart("params", `{}`), pdf}, 422, `params.profile`},
		{"conversion without to", "/conversions", []part{text("method", "convert"), jsonPart("params", `{}`), pdf}, 422, `"params.to":"is required"`},
		{"PDF to PDF", "/conversions", []part{text("method", "convert"), jsonPart("params", `{"to":"pdf"}`), pdf}, 415, `Cannot convert`},
		{"compress a docx", "/transformations", []part{text("method", "compress"), docx}, 415, `compress cannot take`},
		{"merge one file", "/transformations", []part{text("method", "merge"), filePart("files", "a.pdf", "application/pdf", pagedPDF("A", 1))}, 400, `2 or more`},
		{"501 pages", "/extractions", []part{text("method", "extract-text"), filePart("file", "big.pdf", "application/pdf", pagedPDF("x", 501))}, 413, `the limit is 500`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := c.post(tc.endpoint, nil, tc.parts...)
			b := read(t, resp, tc.status)
			if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" || !strings.Contains(string(b), tc.want) {
				t.Errorf("%s %s, want %s", ct, b, tc.want)
			}
		})
	}

	// Not multipart: 415. No token: 401.
	resp, err := c.hc.Post(srv.URL()+"/extractions", "application/json", strings.NewReader(`{}`))
	must(t, err)
	read(t, resp, http.StatusUnsupportedMediaType)
	resp, err = http.Post(srv.URL()+"/extractions", "application/json", strings.NewReader(`{}`))
	must(t, err)
	read(t, resp, http.StatusUnauthorized)
}

// TestPDFFaultsAndStats: InjectFault and Stats know the PDF operations by
// their gen/pdfapi names.
func TestPDFFaultsAndStats(t *testing.T) {
	srv := nitrotest.NewServer(nitrotest.WithJobDuration(-1))
	defer srv.Close()
	c := newPDFClient(t, srv)
	flowtest.Must(t, srv.InjectFault(nitrotest.Operation("TransformDocument"), 1, nitrotest.Fault{Status: http.StatusServiceUnavailable, RetryAfter: "1"}))
	resp := c.post("/transformations", nil, append([]part{text("method", "flatten")}, pdfFile(t)...)...)
	if read(t, resp, http.StatusServiceUnavailable); resp.Header.Get("Retry-After") != "1" {
		t.Errorf("Retry-After %q", resp.Header.Get("Retry-After"))
	}
	id := startJob(t, c) // the fault was used up
	flowtest.Must(t, srv.InjectFault(nitrotest.Operation("GetJobResult"), 1, nitrotest.Fault{Status: http.StatusInternalServerError}))
	read(t, c.get(srv.URL()+"/jobs/"+id, "application/json"), http.StatusInternalServerError)
	read(t, c.get(srv.URL()+"/jobs/"+id, "application/json"), http.StatusNotFound) // running
	c.status(id)

	ops := srv.Stats().Operations
	for op, n := range map[string]int{"TransformDocument": 2, "GetJobResult": 2, "GetJobStatus": 1, "ForwardTransformationsRequest": 0} {
		if ops[op] != n {
			t.Errorf("Stats %s = %d, want %d (%v)", op, ops[op], n, ops)
		}
	}
}

// TestOneTokenForSignAndPDF: one auth.Source serves both APIs with one
// token request.
func TestOneTokenForSignAndPDF(t *testing.T) {
	srv := nitrotest.NewServer()
	defer srv.Close()
	src := newSource(t, srv)
	sign, err := signapi.NewClientWithResponses(srv.URL(), signapi.WithRequestEditorFn(src.RequestEditor))
	must(t, err)
	if r, err := sign.ListEnvelopesWithResponse(context.Background(), nil); err != nil || r.StatusCode() != http.StatusOK {
		t.Fatalf("Sign: %v %v", r, err)
	}
	c := &pdfClient{t: t, srv: srv, hc: &http.Client{Transport: src.Transport(nil)}}
	b := read(t, c.post("/extractions", nil, append([]part{text("method", "extract-text")}, pdfFile(t)...)...), http.StatusOK)
	if !strings.Contains(string(b), docText) {
		t.Errorf("ExtractText: %s", b)
	}
	if n := srv.Stats().TokenRequests; n != 1 {
		t.Errorf("token requests = %d, want 1", n)
	}
}
