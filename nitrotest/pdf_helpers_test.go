package nitrotest_test

import (
	"bytes"
	"encoding/json"
	"image"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strconv"
	"testing"

	"github.com/nitrokit/nitro/nitrotest"
)

// part is one multipart part of a PDF Services request.
type part struct {
	form, filename, contentType string
	body                        []byte
}

func text(form, value string) part { return part{form: form, body: []byte(value)} }

func jsonPart(form, value string) part {
	return part{form: form, contentType: "application/json", body: []byte(value)}
}

func filePart(form, name, contentType string, body []byte) part {
	return part{form: form, filename: name, contentType: contentType, body: body}
}

// pdfClient sends PDF Services requests with plain net/http, the token set
// by an auth.Source on the fake (one per test).
type pdfClient struct {
	t   *testing.T
	srv *nitrotest.Server
	hc  *http.Client
}

func newPDFClient(t *testing.T, srv *nitrotest.Server) *pdfClient {
	return &pdfClient{t: t, srv: srv, hc: &http.Client{Transport: newSource(t, srv).Transport(nil)}}
}

// post sends parts to endpoint with the given headers (Accept, Prefer).
func (c *pdfClient) post(endpoint string, headers map[string]string, parts ...part) *http.Response {
	c.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, p := range parts {
		h := textproto.MIMEHeader{}
		cd := `form-data; name="` + p.form + `"`
		if p.filename != "" {
			cd += `; filename="` + p.filename + `"`
		}
		h.Set("Content-Disposition", cd)
		if p.contentType != "" {
			h.Set("Content-Type", p.contentType)
		}
		w, err := mw.CreatePart(h)
		must(c.t, err)
		_, _ = w.Write(p.body)
	}
	must(c.t, mw.Close())
	req, err := http.NewRequest(http.MethodPost, c.srv.URL()+endpoint, bytes.NewReader(buf.Bytes()))
	must(c.t, err)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := c.hc.Do(req)
	must(c.t, err)
	return resp
}

// get fetches url (absolute) with Accept.
func (c *pdfClient) get(url, accept string) *http.Response {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	must(c.t, err)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := c.hc.Do(req)
	must(c.t, err)
	return resp
}

// read reads and closes a response body, wanting status.
func read(t *testing.T, resp *http.Response, status int) []byte {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	must(t, err)
	if resp.StatusCode != status {
		t.Fatalf("%s %s: %d %s, want %d", resp.Request.Method, resp.Request.URL.Path, resp.StatusCode, b, status)
	}
	return b
}

func decode[T any](t *testing.T, b []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("decode %T: %v in %s", v, err, b)
	}
	return v
}

func inputPNG(t *testing.T) []byte {
	var b bytes.Buffer
	must(t, png.Encode(&b, image.NewGray(image.Rect(0, 0, 2, 2))))
	return b.Bytes()
}

// pagedPDF is a PDF of pages pages (per its page tree) showing text: enough
// of a PDF for the fake, which reads the page count and the shown text.
func pagedPDF(text string, pages int) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n")
	b.WriteString("2 0 obj\n<< /Type /Pages /Count " + itoa(pages) + " >>\nendobj\n")
	for i := range pages {
		b.WriteString(itoa(3+i) + " 0 obj\n<< /Type /Page /Parent 2 0 R >>\nendobj\n")
	}
	b.WriteString("9 0 obj\n<< /Length 1 >>\nstream\nBT (" + text + ") Tj ET\nendstream\nendobj\n%%EOF\n")
	return b.Bytes()
}

func itoa(i int) string { return strconv.Itoa(i) }
