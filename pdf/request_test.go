package pdf_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/pdf"
)

// zeros is an n-byte reader of zeros that holds no buffer.
type zeros struct{ n int64 }

func (z *zeros) Read(p []byte) (int, error) {
	if z.n <= 0 {
		return 0, io.EOF
	}
	k := int(min(int64(len(p)), z.n))
	clear(p[:k])
	z.n -= int64(k)
	return k, nil
}

// TestRefusedBeforeSending: bad inputs and a known size over the limit are
// refused before any request.
func TestRefusedBeforeSending(t *testing.T) {
	f := newFake(t)
	c, _ := f.client()
	ctx := context.Background()
	big := pdf.File{Name: "big.pdf", ContentType: "application/pdf", Body: &zeros{}, Size: pdf.MaxRequestSize + 1}
	half := pdf.File{Name: "half.pdf", ContentType: "application/pdf", Body: &zeros{}, Size: pdf.MaxRequestSize/2 + 1}
	for name, tc := range map[string]struct {
		send func() error
		want error
	}{
		"too large":          {func() error { _, err := c.Compress(big, nil).JSON(ctx); return err }, pdf.ErrTooLarge},
		"too large together": {func() error { _, err := c.Merge([]pdf.File{half, half}, nil).Async(ctx); return err }, pdf.ErrTooLarge},
		"no name": {func() error {
			_, err := c.Compress(pdf.File{ContentType: "a/b", Body: &zeros{}}, nil).JSON(ctx)
			return err
		}, pdf.ErrInvalidFile},
		"no content type": {func() error { _, err := c.Compress(pdf.File{Name: "a", Body: &zeros{}}, nil).JSON(ctx); return err }, pdf.ErrInvalidFile},
		"no body":         {func() error { _, err := c.Compress(pdf.File{Name: "a", ContentType: "a/b"}, nil).JSON(ctx); return err }, pdf.ErrInvalidFile},
		"merge of one":    {func() error { _, err := c.Merge([]pdf.File{pdfFile("a")}, nil).JSON(ctx); return err }, pdf.ErrInvalidFile},
		"delivery without URL": {func() error {
			_, err := c.Compress(pdfFile("a"), nil).WithDelivery(pdf.Delivery{Callback: &pdf.Callback{}}).Async(ctx)
			return err
		}, nil},
		"delivery with a bad method": {func() error {
			_, err := c.Compress(pdfFile("a"), nil).WithDelivery(pdf.Delivery{UploadResultTo: &pdf.Upload{URL: "https://x.example", Method: "put"}}).JSON(ctx)
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
	if n := f.postCount(); n != 0 {
		t.Fatalf("%d requests reached the server", n)
	}
}

// TestTooLongWhileSending: a body longer than the limit, its size unknown,
// is cut off with ErrTooLarge.
func TestTooLongWhileSending(t *testing.T) {
	f := newFake(t)
	c, _ := f.client()
	in := pdf.File{Name: "long.pdf", ContentType: "application/pdf", Body: &zeros{n: pdf.MaxRequestSize + 1}}
	if _, err := c.Compress(in, nil).JSON(context.Background()); !errors.Is(err, pdf.ErrTooLarge) {
		t.Fatalf("err %v", err)
	}
}

// TestServer413: the API's 413 (500 pages, say) is ErrTooLarge and still
// the *nitro.APIError.
func TestServer413(t *testing.T) {
	f := newFake(t)
	f.set(func(f *fake) { f.status413 = true })
	c, _ := f.client()
	_, err := c.Compress(pdfFile("a.pdf"), nil).JSON(context.Background())
	var apiErr *nitro.APIError
	if !errors.Is(err, pdf.ErrTooLarge) || !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("err %v", err)
	}
}

// TestDelivery: the typed delivery block reaches the wire as the API's
// Delivery JSON.
func TestDelivery(t *testing.T) {
	f := newFake(t)
	c, _ := f.client()
	d := pdf.Delivery{
		UploadResultTo:  &pdf.Upload{URL: "https://bucket.example/out.pdf?sig=1", Header: http.Header{"X-Amz-Acl": {"private"}}},
		UploadResultsTo: []pdf.Upload{{URL: "https://up.example/1", Method: "POST"}},
		Callback:        &pdf.Callback{URL: "https://me.example/cb", Header: http.Header{"X-Secret": {"s3cr3t"}}},
	}
	if _, err := c.Split(pdfFile("a.pdf"), pdf.SplitParams{}).WithDelivery(d).Async(context.Background()); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(f.last().delivery, &got); err != nil {
		t.Fatal(err)
	}
	want := `{"callback":{"URL":"https://me.example/cb","headers":[{"name":"X-Secret","value":"s3cr3t"}]},"uploadResultTo":{"URL":"https://bucket.example/out.pdf?sig=1","headers":[{"name":"X-Amz-Acl","value":"private"}]},"uploadResultsTo":[{"URL":"https://up.example/1","verb":"POST"}]}`
	if b, _ := json.Marshal(got); string(b) != want {
		t.Fatalf("delivery\n%s\nwant\n%s", b, want)
	}
	// Without WithDelivery, no delivery part.
	if _, err := c.Compress(pdfFile("a.pdf"), nil).JSON(context.Background()); err != nil || f.last().delivery != nil {
		t.Fatalf("delivery %s, %v", f.last().delivery, err)
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
	f := newFake(t)
	c, _ := f.client()
	b := &blocked{release: make(chan struct{})}
	defer close(b.release) // the reading goroutine ends with this Read
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.Compress(pdf.File{Name: "slow.pdf", ContentType: "application/pdf", Body: b}, nil).JSON(ctx)
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 5*time.Second {
		t.Fatalf("err %v after %v", err, time.Since(start))
	}
}

// TestBodyReadError: the Body's own error says more than the request's.
func TestBodyReadError(t *testing.T) {
	f := newFake(t)
	c, _ := f.client()
	bad := io.MultiReader(strings.NewReader("%PDF"), iotestErr{})
	_, err := c.Compress(pdf.File{Name: "bad.pdf", ContentType: "application/pdf", Body: bad}, nil).JSON(context.Background())
	if err == nil || !strings.Contains(err.Error(), "disk on fire") {
		t.Fatalf("err %v", err)
	}
}

type iotestErr struct{}

func (iotestErr) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

// TestRemoteFile: a remote input is a part of the remote type holding the
// RemoteFile JSON, named by its URL.
func TestRemoteFile(t *testing.T) {
	f := newFake(t)
	c, _ := f.client()
	url := "https://bucket.example/in.pdf?sig=1"
	if _, err := c.Compress(pdf.RemoteFile(url, "application/pdf"), nil).JSON(context.Background()); err != nil {
		t.Fatal(err)
	}
	body := `{"URL":"` + url + `","contentType":"application/pdf"}`
	if got, want := f.last().parts, []string{"file:" + url + ":" + pdf.RemoteContentType + ":" + strconv.Itoa(len(body))}; !slices.Equal(got, want) {
		t.Fatalf("parts %q, want %q", got, want)
	}
}
