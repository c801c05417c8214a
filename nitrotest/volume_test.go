package nitrotest_test

// The fake's volume tests: bodies at and over Nitro's size limits, and
// results streamed in constant memory. See memtest.Volume for why they
// live here and how make test runs them.

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"runtime"
	"strings"
	"testing"

	"github.com/nitrokit/nitro/internal/testkit/memtest"
	"github.com/nitrokit/nitro/nitrotest"
)

// TestEveryListedTooLargeStatus: the 413s TestEveryListedErrorStatus's
// cases hold, each a body one byte over a 20 MiB limit.
func TestEveryListedTooLargeStatus(t *testing.T) {
	memtest.Volume(t)
	fx := newFixture(t)
	for key, call := range errorCases(t, fx) {
		if tooLarge(key) {
			t.Run(key, func(t *testing.T) { checkErrorCase(t, key, call) })
		}
	}
}

// TestUploadOfExactly20MiB: a document of exactly the 20 MiB limit is
// accepted (TestUploadRules has the others).
func TestUploadOfExactly20MiB(t *testing.T) {
	memtest.Volume(t)
	_, c := setup(t)
	env := newEnvelope(t, c, "Uploads")
	ct, b := multipartDoc(t, "doc.pdf", "application/pdf", make([]byte, 20<<20))
	r, err := c.CreateDocumentWithBodyWithResponse(context.Background(), env, nil, ct, b)
	must(t, err)
	if r.StatusCode() != http.StatusCreated {
		t.Errorf("HTTP %d, want 201: %s", r.StatusCode(), r.Body)
	}
}

// TestRequestOver100MB: a request over Nitro's 100 MB limit answers 413
// without the fake reading it all.
func TestRequestOver100MB(t *testing.T) {
	memtest.Volume(t)
	srv := nitrotest.NewServer()
	defer srv.Close()
	c := newPDFClient(t, srv)
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		_ = mw.WriteField("method", "compress")
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="file"; filename="big.pdf"`)
		h.Set("Content-Type", "application/pdf")
		w, _ := mw.CreatePart(h)
		big, _ := nitrotest.PDF("big", 101<<20)
		if _, err := io.Copy(w, big); err != nil {
			pw.CloseWithError(err)
			return
		}
		pw.CloseWithError(mw.Close())
	}()
	req, err := http.NewRequest(http.MethodPost, srv.URL()+"/transformations", pr)
	must(t, err)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.hc.Do(req)
	pr.CloseWithError(io.ErrClosedPipe) // the writer stops, whatever the answer
	must(t, err)
	if b := read(t, resp, http.StatusRequestEntityTooLarge); !strings.Contains(string(b), "100 MB") {
		t.Errorf("413: %s", b)
	}
}

func TestSealedDownloadHasTheConfiguredSize(t *testing.T) {
	memtest.Volume(t)
	// Sealed by hand: the automatic seal is TestSignSealsAfterTheSealDelay's,
	// and waiting for it here would poll on the real clock.
	srv, c := setup(t, nitrotest.WithSealedSize(8<<20), nitrotest.WithSealDelay(-1))
	env, _, _ := sentEnvelope(t, c)
	must(t, srv.Sign(env.String()))
	must(t, srv.Seal(env.String()))
	ctx := context.Background()
	r, err := c.DownloadSealedEnvelopeWithResponse(ctx, env)
	must(t, err)
	zr, err := zip.NewReader(bytes.NewReader(r.Body), int64(len(r.Body)))
	must(t, err)
	if zr.File[0].UncompressedSize64 != 8<<20 {
		t.Errorf("sealed document is %d bytes, want %d", zr.File[0].UncompressedSize64, 8<<20)
	}
	rc, err := zr.File[0].Open()
	must(t, err)
	head := make([]byte, 5)
	rc.Read(head)
	rc.Close()
	if string(head) != "%PDF-" {
		t.Errorf("entry starts %q", head)
	}
}

// TestLargeBinaryResultStreams: a 200 MB synchronous binary result is
// generated as it is sent; the heap does not grow with it.
func TestLargeBinaryResultStreams(t *testing.T) {
	memtest.Volume(t)
	const size = 200 << 20
	srv := nitrotest.NewServer(nitrotest.WithOutputSize(size))
	defer srv.Close()
	c := newPDFClient(t, srv)
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	resp := c.post("/transformations", map[string]string{"Accept": "application/octet-stream"}, append([]part{text("method", "compress")}, pdfFile(t)...)...)
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.ContentLength != size {
		t.Fatalf("%d, %d bytes", resp.StatusCode, resp.ContentLength)
	}
	n, err := io.Copy(io.Discard, resp.Body)
	must(t, err)
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if n != size {
		t.Errorf("read %d bytes, want %d", n, size)
	}
	// TotalAlloc counts every allocation, freed or not: it bounds the peak.
	if grown := after.TotalAlloc - before.TotalAlloc; grown > 16<<20 {
		t.Errorf("allocated %d MB streaming %d MB", grown>>20, size>>20)
	}
}
