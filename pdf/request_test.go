package pdf_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/internal/testkit/memtest"
	"github.com/nitrokit/nitro/nitrotest"
	"github.com/nitrokit/nitro/pdf"
)

// TestRefusedBeforeSending: bad inputs are refused before any request.
// (Inputs over the size limit are staged: stage_test.go.)
func TestRefusedBeforeSending(t *testing.T) {
	srv, _, c := onFake(t)
	ctx := context.Background()
	for name, tc := range map[string]struct {
		send func() error
		want error
	}{
		"no name": {func() error {
			_, err := c.Compress(pdf.File{ContentType: "a/b", Body: &memtest.Zeros{}}, pdf.PDFCompressParams{}).JSON(ctx)
			return err
		}, pdf.ErrInvalidFile},
		"no content type": {func() error {
			_, err := c.Compress(pdf.File{Name: "a", Body: &memtest.Zeros{}}, pdf.PDFCompressParams{}).JSON(ctx)
			return err
		}, pdf.ErrInvalidFile},
		"no body": {func() error {
			_, err := c.Compress(pdf.File{Name: "a", ContentType: "a/b"}, pdf.PDFCompressParams{}).JSON(ctx)
			return err
		}, pdf.ErrInvalidFile},
		"a content type with a line break": {func() error {
			_, err := c.Compress(pdf.File{Name: "a", ContentType: "application/pdf\r\nX-Injected: 1", Body: &memtest.Zeros{N: 3}}, pdf.PDFCompressParams{}).JSON(ctx)
			return err
		}, pdf.ErrInvalidFile},
		"a typed nil body": {func() error {
			_, err := c.Compress(pdf.File{Name: "a", ContentType: "a/b", Body: (*bytes.Reader)(nil), Size: 3}, pdf.PDFCompressParams{}).JSON(ctx)
			return err
		}, pdf.ErrInvalidFile},
		"a typed nil body, staged": {func() error {
			_, err := c.Stage(ctx, pdf.File{Name: "a", ContentType: "a/b", Body: (*os.File)(nil), Size: 3})
			return err
		}, pdf.ErrInvalidFile},
		"merge of one": {func() error {
			_, err := c.Merge([]pdf.File{textPDF("a", "a")}, pdf.MergeParams{}).JSON(ctx)
			return err
		}, pdf.ErrInvalidFile},
		"delivery without URL": {func() error {
			_, err := c.Compress(textPDF("a", "a"), pdf.PDFCompressParams{}).WithDelivery(pdf.Delivery{Callback: &pdf.Callback{}}).Async(ctx)
			return err
		}, nil},
		"delivery with a bad method": {func() error {
			_, err := c.Compress(textPDF("a", "a"), pdf.PDFCompressParams{}).WithDelivery(pdf.Delivery{UploadResultTo: &pdf.Upload{URL: "https://x.example", Method: "put"}}).JSON(ctx)
			return err
		}, nil},
		"zero request": {func() error { _, err := pdf.Request[pdf.FileResult]{}.JSON(ctx); return err }, nil},
	} {
		t.Run(name, func(t *testing.T) {
			err := tc.send()
			if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) {
				t.Fatalf("err %v, want %v", err, tc.want)
			}
		})
	}
	if st := srv.Stats(); len(st.Operations) != 0 || st.TokenRequests != 0 {
		t.Fatalf("requests reached the fake: %+v", st)
	}
}

// TestServer413: the API's 413 (here the fake's, for more than 500 pages)
// is ErrTooLarge and still the *nitro.APIError.
func TestServer413(t *testing.T) {
	_, _, c := onFake(t)
	_, err := c.Compress(bytesFile("long.pdf", pdfType, pagedPDF("x", 501)), pdf.PDFCompressParams{}).JSON(context.Background())
	var apiErr *nitro.APIError
	if !errors.Is(err, pdf.ErrTooLarge) || !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("err %v", err)
	}
}

// TestDelivery: the typed delivery block reaches the wire as the API's
// Delivery JSON.
func TestDelivery(t *testing.T) {
	c, last := recorder(t)
	d := pdf.Delivery{
		UploadResultTo:  &pdf.Upload{URL: "https://bucket.example/out.pdf?sig=1", Header: http.Header{"X-Amz-Acl": {"private"}}},
		UploadResultsTo: []pdf.Upload{{URL: "https://up.example/1", Method: "POST"}},
		Callback:        &pdf.Callback{URL: "https://me.example/cb", Header: http.Header{"X-Secret": {"s3cr3t"}}},
	}
	if _, err := c.Split(textPDF("a.pdf", "a"), pdf.SplitParams{}).WithDelivery(d).Async(context.Background()); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(last().delivery, &got); err != nil {
		t.Fatal(err)
	}
	want := `{"callback":{"URL":"https://me.example/cb","headers":[{"name":"X-Secret","value":"s3cr3t"}]},"uploadResultTo":{"URL":"https://bucket.example/out.pdf?sig=1","headers":[{"name":"X-Amz-Acl","value":"private"}]},"uploadResultsTo":[{"URL":"https://up.example/1","verb":"POST"}]}`
	if b, _ := json.Marshal(got); string(b) != want {
		t.Fatalf("delivery\n%s\nwant\n%s", b, want)
	}
	// Without WithDelivery, no delivery part.
	if _, err := c.Compress(textPDF("a.pdf", "a"), pdf.PDFCompressParams{}).JSON(context.Background()); err != nil || last().delivery != nil {
		t.Fatalf("delivery %s, %v", last().delivery, err)
	}
}

// blocked is a Body whose Read blocks until released.
type blocked struct{ release chan struct{} }

func (b *blocked) Read(p []byte) (int, error) {
	<-b.release
	return 0, errors.New("released")
}

// TestContextEndsBlockedUpload: ctx ending while a Body is stuck in Read
// ends the call at once with ctx's error.
func TestContextEndsBlockedUpload(t *testing.T) {
	_, _, c := onFake(t)
	b := &blocked{release: make(chan struct{})}
	defer close(b.release) // the reading goroutine ends with this Read
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.Compress(pdf.File{Name: "slow.pdf", ContentType: "application/pdf", Body: b}, pdf.PDFCompressParams{}).JSON(ctx)
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 5*time.Second {
		t.Fatalf("err %v after %v", err, time.Since(start))
	}
}

// TestBodyReadError: the Body's own error says more than the request's.
func TestBodyReadError(t *testing.T) {
	_, _, c := onFake(t)
	bad := io.MultiReader(strings.NewReader("%PDF"), iotestErr{})
	_, err := c.Compress(pdf.File{Name: "bad.pdf", ContentType: "application/pdf", Body: bad}, pdf.PDFCompressParams{}).JSON(context.Background())
	if err == nil || !strings.Contains(err.Error(), "disk on fire") {
		t.Fatalf("err %v", err)
	}
}

// panicky is a Body whose Read panics after its first bytes.
type panicky struct{ n int }

func (p *panicky) Read(b []byte) (int, error) {
	if p.n > 0 {
		panic("a reader bug")
	}
	p.n = copy(b, "%PDF-1.4\n")
	return p.n, nil
}

// TestAPanickingBodyIsTheCallsError: a Body whose Read panics is read on
// the library's goroutines (the multipart writer's, the upload
// transport's), where a panic would end the caller's process; it is the
// call's error instead, whether the file is sent or staged.
func TestAPanickingBodyIsTheCallsError(t *testing.T) {
	_, _, c := onFake(t)
	ctx := context.Background()
	_, err := c.Compress(pdf.File{Name: "bad.pdf", ContentType: "application/pdf", Body: &panicky{}}, pdf.PDFCompressParams{}).JSON(ctx)
	if !errors.Is(err, pdf.ErrInvalidFile) || !strings.Contains(err.Error(), "a reader bug") {
		t.Errorf("sent: %v", err)
	}
	_, err = c.Stage(ctx, pdf.File{Name: "bad.pdf", ContentType: "application/pdf", Body: &panicky{}, Size: 100})
	if !errors.Is(err, pdf.ErrInvalidFile) || !strings.Contains(err.Error(), "a reader bug") {
		t.Errorf("staged: %v", err)
	}
}

type iotestErr struct{}

func (iotestErr) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

// TestRemoteFile: a remote input is a part of the remote type holding the
// RemoteFile JSON; the fake fetches it (from a loopback server of the
// test's) and extracts the text the PDF there shows.
func TestRemoteFile(t *testing.T) {
	srv, _, c := onFake(t)
	var fetched atomic.Int32
	bucket := newLoopback(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fetched.Add(1)
		body, _ := nitrotest.PDF("far away", 0)
		w.Header().Set("Content-Type", "application/pdf")
		_, _ = io.Copy(w, body)
	}))
	res, err := c.ExtractText(pdf.RemoteFile(bucket+"/in.pdf?sig=1", "application/pdf"), pdf.ExtractTextParams{}).JSON(context.Background())
	if err != nil || res.Result != "far away" || fetched.Load() != 1 {
		t.Fatalf("%+v, %v (fetched %d times)", res, err, fetched.Load())
	}
	if n := srv.Stats().Operations["ExtractFromDocument"]; n != 1 {
		t.Fatalf("%d extractions", n)
	}
}

// recorded is what one POST carried, as recorder parsed it.
type recorded struct{ delivery json.RawMessage }

// recorder is a loopback server that answers every PDF Services POST with
// a file result and records its delivery part as sent: the fake checks
// deliveries but does not hand back their JSON.
func recorder(t *testing.T) (*pdf.Client, func() recorded) {
	t.Helper()
	var mu sync.Mutex
	var last recorded
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/oauth/token" {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"access_token":"tok","token_type":"Bearer","expires_in":3600}`))
			return
		}
		var rec recorded
		mr, err := r.MultipartReader()
		if err != nil {
			http.Error(w, err.Error(), http.StatusUnsupportedMediaType)
			return
		}
		for {
			part, err := mr.NextPart()
			if err != nil {
				break
			}
			b, _ := io.ReadAll(part)
			if part.FormName() == "delivery" {
				rec.delivery = b
			}
		}
		mu.Lock()
		last = rec
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if r.Header.Get("Prefer") == "respond-async" {
			w.Header().Set("Location", "/jobs/job-1/status")
			w.WriteHeader(http.StatusAccepted)
			_, _ = w.Write([]byte(`{"jobID":"job-1","status":"running"}`))
			return
		}
		_, _ = w.Write([]byte(`{"result":{"file":{"URL":"https://f.example/1.pdf","contentType":"application/pdf"}}}`))
	})
	url := newLoopback(t, h)
	nc, err := nitro.NewClient(nitro.Config{ClientID: "id", ClientSecret: "secret", BaseURL: url, MaxRetries: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	return pdf.New(nc), func() recorded { mu.Lock(); defer mu.Unlock(); return last }
}
