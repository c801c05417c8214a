package sign_test

// The Sign client's volume tests: uploads at the 20 MiB document limit, and
// a sealed download streamed in constant memory. See memtest.Volume for why
// they live here and how make test runs them.

import (
	"archive/zip"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/internal/testkit/flowtest"
	"github.com/nitrokit/nitro/internal/testkit/memtest"
	"github.com/nitrokit/nitro/nitrotest"
	"github.com/nitrokit/nitro/sign"
)

// TestUploadDocumentStreams: a document of exactly 20 MiB is uploaded in
// constant memory and arrives whole; a body of unstated size one byte over
// the limit is cut off with ErrDocumentTooLarge.
func TestUploadDocumentStreams(t *testing.T) {
	memtest.Volume(t)
	c, _ := setup(t, nitro.Config{})
	ctx := context.Background()
	env := flowtest.NewEnvelope(t, c, "Upload")
	stop := memtest.HeapPeak()
	d, err := c.CreateDocument(ctx, env, sign.DocumentUpload{Name: "big.pdf", ContentType: "application/pdf", Body: &memtest.Zeros{N: sign.MaxDocumentSize}, Size: sign.MaxDocumentSize})
	peak := stop()
	must(t, err)
	t.Logf("uploading %d MiB: peak heap +%.1f MiB", sign.MaxDocumentSize>>20, float64(peak)/(1<<20))
	if peak > 16<<20 {
		t.Errorf("uploading 20 MiB raised the heap by %d bytes: the body is being buffered", peak)
	}
	g, err := c.GetDocument(ctx, env, d.ID)
	must(t, err)
	if g.SizeBytes != sign.MaxDocumentSize {
		t.Errorf("the server got %d bytes", g.SizeBytes)
	}
	if _, err := c.CreateDocument(ctx, env, sign.DocumentUpload{Name: "long", ContentType: "application/pdf", Body: &memtest.Zeros{N: sign.MaxDocumentSize + 1}}); !errors.Is(err, sign.ErrDocumentTooLarge) {
		t.Errorf("an unsized body over the limit: %v", err)
	}
}

// TestDownloadsStream: a 64 MiB sealed ZIP downloads in constant memory,
// and written to a file it holds the document and the audit trail.
func TestDownloadsStream(t *testing.T) {
	memtest.Volume(t)
	// Far above the 16 MiB the heap may grow by, so buffering would show;
	// the 300 MB figure is BenchmarkDownloadSealed300MB's.
	const size = 64 << 20
	c, srv := setup(t, nitro.Config{}, nitrotest.WithSealedSize(size), nitrotest.WithSealDelay(-1))
	ctx := context.Background()
	env, _, _ := flowtest.SentEnvelope(t, c)
	must(t, srv.Sign(env.String()))
	must(t, srv.Seal(env.String()))
	if _, err := c.WaitForEnvelopeStatus(ctx, env, sign.EnvelopeStatusSealed); err != nil {
		t.Fatal(err)
	}

	stop := memtest.HeapPeak()
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
}

// checkSealedZip downloads the sealed ZIP to f and checks its entries.
func checkSealedZip(t *testing.T, c *sign.Client, env uuid.UUID, f *os.File) {
	t.Helper()
	n, err := c.DownloadSealedEnvelope(context.Background(), env, f)
	must(t, err)
	must(t, f.Close())
	zr, err := zip.OpenReader(f.Name())
	must(t, err)
	defer zr.Close()
	if len(zr.File) != 2 || zr.File[1].Name != "audit-trail.pdf" || n < 64<<20 {
		t.Errorf("sealed ZIP of %d bytes has %d entries", n, len(zr.File))
	}
}
