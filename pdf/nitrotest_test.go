package pdf_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/nitrotest"
	"github.com/nitrokit/nitro/pdf"
)

// onFake starts nitrotest's fake with opts and returns it with a pdf.Client
// on a nitro.Client pointed at it. The client's poll and reconnect sleeps
// return at once (the seam), so no test sleeps for real.
func onFake(t testing.TB, opts ...nitrotest.Option) (*nitrotest.Server, *nitro.Client, *pdf.Client) {
	t.Helper()
	srv, nc, c, _ := onFakeStreams(t, opts...)
	return srv, nc, c
}

// onFakeStreams is onFake, with a hook called each time a job's status
// stream has opened (its answer's headers arrived: the fake is streaming):
// the place to end a job while the client follows it, without guessing
// when with a sleep.
func onFakeStreams(t testing.TB, opts ...nitrotest.Option) (*nitrotest.Server, *nitro.Client, *pdf.Client, *streamHook) {
	t.Helper()
	srv := nitrotest.NewServer(opts...)
	t.Cleanup(srv.Close)
	tr := http.DefaultTransport.(*http.Transport).Clone()
	t.Cleanup(tr.CloseIdleConnections)
	hook := &streamHook{base: tr}
	creds := srv.Credentials()
	nc, err := nitro.NewClient(nitro.Config{ClientID: creds.ClientID, ClientSecret: creds.ClientSecret, BaseURL: srv.URL(), MaxRetries: 1,
		HTTPClient: &http.Client{Transport: hook}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	c := pdf.New(nc)
	pdf.SetSleep(c, func(ctx context.Context, _ time.Duration) error { return ctx.Err() })
	return srv, nc, c, hook
}

// streamHook is a RoundTripper calling fn with the job's ID when a status
// stream answers.
type streamHook struct {
	base http.RoundTripper
	mu   sync.Mutex
	fn   func(jobID string)
}

func (h *streamHook) set(fn func(jobID string)) { h.mu.Lock(); h.fn = fn; h.mu.Unlock() }

func (h *streamHook) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := h.base.RoundTrip(r)
	if err != nil || r.Header.Get("Accept") != "text/event-stream" {
		return resp, err
	}
	h.mu.Lock()
	fn := h.fn
	h.mu.Unlock()
	if id, ok := strings.CutSuffix(strings.TrimPrefix(r.URL.Path, "/jobs/"), "/status"); ok && fn != nil && resp.StatusCode == http.StatusOK {
		fn(id)
	}
	return resp, nil
}

// pagedPDF is a PDF of pages pages (per its page tree) showing text: the
// fake reads a PDF's page count and the strings it shows.
func pagedPDF(text string, pages int) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n")
	b.WriteString("2 0 obj\n<< /Type /Pages /Count " + strconv.Itoa(pages) + " >>\nendobj\n")
	for i := range pages {
		b.WriteString(strconv.Itoa(3+i) + " 0 obj\n<< /Type /Page /Parent 2 0 R >>\nendobj\n")
	}
	b.WriteString("9 0 obj\n<< /Length 1 >>\nstream\nBT (" + text + ") Tj ET\nendstream\nendobj\n%%EOF\n")
	return b.Bytes()
}

// bytesFile is an input of body.
func bytesFile(name, ct string, body []byte) pdf.File {
	return pdf.File{Name: name, ContentType: ct, Body: bytes.NewReader(body), Size: int64(len(body))}
}

// textPDF is a one-page PDF made by nitrotest.PDF, showing text.
func textPDF(name, text string) pdf.File {
	r, n := nitrotest.PDF(text, 0)
	return pdf.File{Name: name, ContentType: "application/pdf", Body: r, Size: n}
}

// fetch GETs a result file's URL (served by the fake without a token, as
// Nitro's pre-signed URLs are).
func fetch(t *testing.T, url string) []byte {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %.100s, %v", url, resp.StatusCode, b, err)
	}
	return b
}

func sameJSON(t *testing.T, a, b any) bool {
	t.Helper()
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	return bytes.Equal(x, y)
}

// pngEncode writes a 2×2 gray PNG.
func pngEncode(w io.Writer) error { return png.Encode(w, image.NewGray(image.Rect(0, 0, 2, 2))) }

// newLoopback serves h on loopback for the test and returns its URL.
func newLoopback(t *testing.T, h http.Handler) string {
	t.Helper()
	s := httptest.NewServer(h)
	t.Cleanup(s.Close)
	return s.URL
}

func ioCopy(w io.Writer, r io.Reader) (int64, error) { return io.Copy(w, r) }
