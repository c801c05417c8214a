package nitrotest_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/nitrokit/nitro/gen/pdfapi"
	"github.com/nitrokit/nitro/nitrotest"
)

// TestToolVariants: the answers that depend on params or inputs beyond the
// tool table's one case each.
func TestToolVariants(t *testing.T) {
	srv := nitrotest.NewServer()
	defer srv.Close()
	c := newPDFClient(t, srv)
	onePage := filePart("file", "one.pdf", "application/pdf", pagedPDF(docText, 1))
	binary := map[string]string{"Accept": "application/octet-stream"}
	for _, tc := range []struct {
		name, endpoint string
		parts          []part
		headers        map[string]string
		contentType    string
		want           string
	}{
		{"a one-page PDF to one JPEG", "/conversions", []part{text("method", "convert"), jsonPart("params", `{"to":"jpeg"}`), onePage}, nil, "application/json", `"file":{"URL":`},
		{"JPEG bytes", "/conversions", []part{text("method", "convert"), jsonPart("params", `{"to":"jpeg"}`), onePage}, binary, "image/jpeg", "\xff\xd8\xff"},
		{"to xlsx", "/conversions", []part{text("method", "convert"), jsonPart("params", `{"to":"xlsx"}`), onePage}, binary, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "PK"},
		{"form data as XFDF", "/extractions", []part{text("method", "extract-fillable-form-data"), jsonPart("params", `{"format":"xfdf"}`), onePage}, binary, "application/vnd.adobe.xfdf", `<value>` + docText + `</value>`},
		{"form data as CSV", "/extractions", []part{text("method", "extract-fillable-form-data"), jsonPart("params", `{"format":"csv"}`), onePage}, binary, "text/csv", docText},
		{"text boxes of a plain query", "/extractions", []part{text("method", "extract-text-bounding-boxes"), jsonPart("params", `{"queries":[{"text":"acme","isRegex":true,"regexFlags":["ignore-case"]},{"text":"nowhere"}]}`), onePage}, nil, "application/json", `"matchedText":"ACME"`},
		{"fill forms from a data file", "/generations", []part{text("method", "fill-forms"), jsonPart("params", `{}`),
			filePart("files", "form.pdf", "application/pdf", pagedPDF("Form", 1)), filePart("files", "data.csv", "text/csv", []byte("name\nAnn\n"))}, binary, "application/pdf", "(Form\nname\nAnn) Tj"},
		{"merge shows both texts", "/transformations", []part{text("method", "merge"),
			filePart("files", "a.pdf", "application/pdf", pagedPDF("A", 1)), filePart("files", "b.pdf", "application/pdf", pagedPDF("B", 1))}, binary, "application/pdf", "(A\nB) Tj"},
		{"redact removes the text", "/transformations", []part{text("method", "redact"), jsonPart("params", `{"redactions":[{"pageIndex":0,"boundingBox":[0,0,1,1]}]}`), onePage}, binary, "application/pdf", "([redacted]) Tj"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := c.post(tc.endpoint, tc.headers, tc.parts...)
			b := read(t, resp, http.StatusOK)
			if ct := resp.Header.Get("Content-Type"); ct != tc.contentType || !strings.Contains(string(b), tc.want) {
				t.Errorf("%s %.300q, want %s with %q", ct, b, tc.contentType, tc.want)
			}
		})
	}
}

// TestRemoteFileInput: a file part can be a RemoteFile, which the fake
// fetches from its loopback URL.
func TestRemoteFileInput(t *testing.T) {
	pdf := pagedPDF(docText, 1)
	rs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(pdf) }))
	defer rs.Close()
	srv := nitrotest.NewServer()
	defer srv.Close()
	c := newPDFClient(t, srv)
	remote := part{form: "file", contentType: "application/vnd.gonitro.url+json", body: []byte(`{"URL":"` + rs.URL + `/doc.pdf","contentType":"application/pdf"}`)}
	res := decode[pdfapi.PlatformResponseText](t, read(t, c.post("/extractions", nil, text("method", "extract-text"), remote), http.StatusOK))
	if res.Result != docText {
		t.Errorf("text of the remote file: %q", res.Result)
	}
	remote.body = []byte(`{"URL":"https://example.com/doc.pdf","contentType":"application/pdf"}`)
	read(t, c.post("/extractions", nil, text("method", "extract-text"), remote), http.StatusBadRequest)
}
