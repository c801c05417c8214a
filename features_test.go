package nitro

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nitrokit/nitro/gen/signapi"
	"github.com/nitrokit/nitro/internal/flowtest"
	"github.com/nitrokit/nitro/nitrotest"
)

func TestEnvelopesPaginatesLazily(t *testing.T) {
	c, srv, _, _ := setup(t, Config{})
	ctx := context.Background()
	var want []uuid.UUID
	for range 1000 {
		r, err := Check(c.CreateEnvelopeWithResponse(ctx, createBody()))
		must(t, err)
		want = append(want, *r.JSON201.ID)
	}
	var got []uuid.UUID
	for e, err := range c.Envelopes(ctx) {
		must(t, err)
		got = append(got, *e.ID)
	}
	if len(got) != 1000 || got[0] != want[0] || got[999] != want[999] {
		t.Fatalf("listed %d envelopes", len(got))
	}
	if n := srv.Stats().Operations["ListEnvelopes"]; n != 20 {
		t.Errorf("1000 envelopes took %d pages, want 20 of 50", n)
	}
	before := srv.Stats().Operations["ListEnvelopes"]
	for range c.Envelopes(ctx) {
		break
	}
	if n := srv.Stats().Operations["ListEnvelopes"] - before; n != 1 {
		t.Errorf("stopping after one envelope fetched %d pages, want 1", n)
	}
}

func TestEnvelopesStopsOnARepeatedCursor(t *testing.T) {
	c, srv, _, _ := setup(t, Config{})
	page := `{"items":[{"ID":"` + uuid.NewString() + `","name":"loop"}],"nextPage":"c2FtZQ"}`
	srv.InjectFault(nitrotest.Operation("ListEnvelopes"), 3, nitrotest.Fault{Status: 200, ContentType: "application/json", Body: page})
	var n int
	var last error
	for _, err := range c.Envelopes(context.Background()) {
		n++
		last = err
	}
	if !errors.Is(last, ErrRepeatedCursor) || n != 3 {
		t.Errorf("got %d results ending in %v, want 2 envelopes then ErrRepeatedCursor", n, last)
	}
}

func TestUploadDocumentStreams(t *testing.T) {
	c, srv, _, _ := setup(t, Config{})
	ctx := context.Background()
	env := flowtest.NewEnvelope(t, c.ClientWithResponses, "Upload")
	stop := heapPeak()
	d, err := c.UploadDocument(ctx, env, Document{Name: "big.pdf", ContentType: "application/pdf", Body: &zeros{n: MaxDocumentSize}, Size: MaxDocumentSize})
	peak := stop()
	must(t, err)
	t.Logf("uploading %d MiB: peak heap +%.1f MiB", MaxDocumentSize>>20, float64(peak)/(1<<20))
	if peak > 16<<20 {
		t.Errorf("uploading 20 MiB raised the heap by %d bytes: the body is being buffered", peak)
	}
	g, err := Check(c.GetDocumentWithResponse(ctx, env, d.ID))
	must(t, err)
	if u, _ := g.JSON200.AsUploadedDocumentResponse(); *u.SizeBytes != MaxDocumentSize {
		t.Errorf("the server got %d bytes", *u.SizeBytes)
	}
	ct := srv.Stats().Operations["CreateDocument"]
	tests := []struct {
		name string
		doc  Document
		want error
	}{
		{"stated size over the limit", Document{Name: "a", ContentType: "application/pdf", Body: &zeros{1}, Size: MaxDocumentSize + 1}, ErrDocumentTooLarge},
		{"no name", Document{ContentType: "application/pdf", Body: &zeros{1}}, ErrInvalidDocument},
		{"body and id", Document{Name: "a", ContentType: "application/pdf", Body: &zeros{1}, NitroDocumentID: uuid.NewString()}, ErrInvalidDocument},
		{"neither", Document{Name: "a"}, ErrInvalidDocument},
		{"no content type", Document{Name: "a", Body: &zeros{1}}, ErrInvalidDocument},
	}
	for _, tt := range tests {
		if _, err := c.UploadDocument(ctx, env, tt.doc); !errors.Is(err, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, err, tt.want)
		}
	}
	if n := srv.Stats().Operations["CreateDocument"] - ct; n != 0 {
		t.Errorf("bad documents reached the server %d times", n)
	}
	if _, err := c.UploadDocument(ctx, env, Document{Name: "long", ContentType: "application/pdf", Body: &zeros{MaxDocumentSize + 1}}); !errors.Is(err, ErrDocumentTooLarge) {
		t.Errorf("an unsized body over the limit: %v", err)
	}
	if _, err := c.UploadDocument(ctx, env, Document{Name: "existing", NitroDocumentID: uuid.NewString()}); err != nil {
		t.Errorf("attaching by nitroDocumentID: %v", err)
	}
	full := flowtest.NewEnvelope(t, c.ClientWithResponses, "Full")
	for range MaxDocumentsPerEnvelope {
		flowtest.UploadDoc(t, c.ClientWithResponses, full, 1)
	}
	if _, err := c.UploadDocument(ctx, full, Document{Name: "16th", ContentType: "application/pdf", Body: &zeros{10}}); !errors.Is(err, ErrTooManyDocuments) {
		t.Errorf("a 16th document: %v", err)
	}
	if _, err := c.UploadDocument(ctx, env, Document{Name: "x.exe", ContentType: "application/x-msdownload", Body: &zeros{10}}); !hasStatus(err, 415) {
		t.Errorf("an unsupported type: %v, want a 415 APIError", err)
	}
}

func TestDownloadsStream(t *testing.T) {
	const size = 300 << 20
	c, srv, _, _ := setup(t, Config{}, nitrotest.WithSealedSize(size), nitrotest.WithSealDelay(-1))
	ctx := context.Background()
	env, doc, _ := flowtest.SentEnvelope(t, c.ClientWithResponses)
	if _, err := c.DownloadSealedEnvelope(ctx, env, io.Discard); !IsConflict(err) {
		t.Fatalf("before sealing: %v, want a 409", err)
	}
	must(t, srv.Sign(env.String()))
	must(t, srv.Seal(env.String()))
	if _, err := c.WaitForStatus(ctx, env, signapi.ExtendedEnvelopeStatusSealed); err != nil {
		t.Fatal(err)
	}

	stop := heapPeak()
	start := time.Now()
	n, err := c.DownloadSealedEnvelope(ctx, env, io.Discard)
	elapsed, peak := time.Since(start), stop()
	must(t, err)
	t.Logf("downloading %d MiB: %.0f MB/s, peak heap +%.1f MiB", n>>20, float64(n)/1e6/elapsed.Seconds(), float64(peak)/(1<<20))
	if n < size || peak > 16<<20 {
		t.Errorf("downloaded %d bytes with the heap up %d bytes: want all of %d in constant memory", n, peak, size)
	}

	f, err := os.Create(filepath.Join(t.TempDir(), "sealed.zip"))
	must(t, err)
	checkSealedZip(t, c, env, f)
	for name, dl := range map[string]func(io.Writer) (int64, error){
		"original":    func(w io.Writer) (int64, error) { return c.DownloadOriginalEnvelope(ctx, env, w) },
		"audit trail": func(w io.Writer) (int64, error) { return c.DownloadAuditTrail(ctx, env, w) },
		"sealed doc":  func(w io.Writer) (int64, error) { return c.DownloadSealedDocument(ctx, env, doc, w) },
		"missing env": func(w io.Writer) (int64, error) { return c.DownloadAuditTrail(ctx, uuid.New(), w) },
		"missing doc": func(w io.Writer) (int64, error) { return c.DownloadSealedDocument(ctx, env, uuid.New(), w) },
	} {
		var buf bytes.Buffer
		n, err := dl(&buf)
		switch {
		case strings.HasPrefix(name, "missing"):
			if !IsNotFound(err) || n != 0 || buf.Len() != 0 {
				t.Errorf("%s: %d bytes, %v; want nothing and a 404", name, n, err)
			}
		case err != nil || n != int64(buf.Len()) || n == 0:
			t.Errorf("%s: %d bytes (%d written), %v", name, n, buf.Len(), err)
		}
	}
}

// checkSealedZip downloads the sealed ZIP to f and checks its entries.
func checkSealedZip(t *testing.T, c *Client, env uuid.UUID, f *os.File) {
	t.Helper()
	n, err := c.DownloadSealedEnvelope(context.Background(), env, f)
	must(t, err)
	must(t, f.Close())
	zr, err := zip.OpenReader(f.Name())
	must(t, err)
	defer zr.Close()
	if len(zr.File) != 2 || zr.File[1].Name != "audit-trail.pdf" || n < 300<<20 {
		t.Errorf("sealed ZIP of %d bytes has %d entries", n, len(zr.File))
	}
}

func TestWaitForStatus(t *testing.T) {
	c, srv, _, _ := setup(t, Config{}, nitrotest.WithSealDelay(30*time.Millisecond))
	ctx := context.Background()
	env, _, _ := flowtest.SentEnvelope(t, c.ClientWithResponses)
	must(t, srv.Sign(env.String()))
	got, err := c.WaitForStatus(ctx, env, signapi.ExtendedEnvelopeStatusSealed)
	if err != nil || *got.Status != signapi.ExtendedEnvelopeStatusSealed {
		t.Fatalf("WaitForStatus: %v, %v", got.Status, err)
	}
	other, _, _ := flowtest.SentEnvelope(t, c.ClientWithResponses)
	_, err = Check(c.CancelEnvelopeWithResponse(ctx, other))
	must(t, err)
	if _, err := c.WaitForStatus(ctx, other, signapi.ExtendedEnvelopeStatusSealed); !errors.Is(err, ErrFinalStatus) {
		t.Errorf("waiting on a cancelled envelope: %v, want ErrFinalStatus", err)
	}
	third, _, _ := flowtest.SentEnvelope(t, c.ClientWithResponses)
	short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	if _, err := c.WaitForStatus(short, third, signapi.ExtendedEnvelopeStatusSealed); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("waiting past ctx: %v", err)
	}
}

// failingReader fails after n bytes, as a file on a dying disk would.
type failingReader struct{ n int }

func (f *failingReader) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, errDisk
	}
	k := min(len(p), f.n)
	f.n -= k
	return k, nil
}

var errDisk = errors.New("disk read error")

func TestUploadReportsTheBodysOwnError(t *testing.T) {
	c, _, _, _ := setup(t, Config{})
	env := flowtest.NewEnvelope(t, c.ClientWithResponses, "x")
	_, err := c.UploadDocument(context.Background(), env, Document{Name: "a.pdf", ContentType: "application/pdf", Body: &failingReader{n: 100 << 10}})
	if !errors.Is(err, errDisk) {
		t.Errorf("a failing body: %v, want its own error", err)
	}
}
