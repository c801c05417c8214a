package pdf_test

// The PDF client's volume tests: bodies at and over the 100 MB request
// limit, and results streamed in constant memory. See memtest.Volume for
// why they live here and how make test runs them.

import (
	"context"
	"errors"
	"testing"

	"github.com/nitrokit/nitro/internal/testkit/memtest"
	"github.com/nitrokit/nitro/nitrotest"
	"github.com/nitrokit/nitro/pdf"
)

// TestStreamConstantMemory is the benchmark's bound as a test, so go test
// enforces it too.
func TestStreamConstantMemory(t *testing.T) {
	memtest.Volume(t)
	_, _, c := onFake(t, nitrotest.WithOutputSize(bigResult))
	n, peak := streamBig(t, c, 50<<20)
	t.Logf("%d MB streamed, heap peak +%.1f MB", n>>20, float64(peak)/(1<<20))
	if n != bigResult || peak > 16<<20 {
		t.Fatalf("%d bytes, heap +%d bytes", n, peak)
	}
}

// TestTooLongWhileSending: a body longer than the limit, its size unknown,
// is cut off with ErrTooLarge.
func TestTooLongWhileSending(t *testing.T) {
	memtest.Volume(t)
	_, _, c := onFake(t)
	in := pdf.File{Name: "long.pdf", ContentType: "application/pdf", Body: &memtest.Zeros{N: pdf.MaxRequestSize + 1}}
	if _, err := c.Compress(in, pdf.PDFCompressParams{}).JSON(context.Background()); !errors.Is(err, pdf.ErrTooLarge) {
		t.Fatalf("err %v", err)
	}
}

// TestOverTheLimitIsStaged: files whose known sizes add up to more than a
// request allows are staged, the largest first until the rest fits, in
// constant memory, uploaded with their Content-Length and no token, and
// sent as RemoteFiles naming the download URL.
func TestOverTheLimitIsStaged(t *testing.T) {
	memtest.Volume(t)
	ctx := context.Background()
	t.Run("one file over the limit", func(t *testing.T) {
		st, c := newStagingStub(t)
		const size = pdf.MaxRequestSize + 1
		stop := memtest.HeapPeak()
		_, err := c.Compress(pdf.File{Name: "big.pdf", ContentType: "application/pdf", Body: &memtest.Zeros{N: size}, Size: size}, pdf.PDFCompressParams{}).JSON(ctx)
		peak := stop()
		if err != nil {
			t.Fatal(err)
		}
		if st.put["/up/1"] != size || len(st.puts) > 0 {
			t.Errorf("uploads %v, problems %v", st.put, st.puts)
		}
		t.Logf("staging %d bytes: heap peak %d bytes", size, peak)
		if peak > 16<<20 {
			t.Errorf("staging %d bytes peaked at %d bytes of heap", size, peak)
		}
		wantRemote(t, st.filePart, "/down/1")
	})
	t.Run("two files together over the limit", func(t *testing.T) {
		st, c := newStagingStub(t)
		small := textPDF("small.pdf", "s")
		const half = pdf.MaxRequestSize/2 + 1
		_, err := c.Merge([]pdf.File{small, {Name: "half.pdf", ContentType: "application/pdf", Body: &memtest.Zeros{N: half}, Size: half},
			{Name: "other.pdf", ContentType: "application/pdf", Body: &memtest.Zeros{N: half - 1}, Size: half - 1}}, pdf.MergeParams{}).JSON(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(st.put) != 1 || st.put["/up/1"] != half {
			t.Errorf("uploads %v: want the largest file only", st.put)
		}
		if len(st.filePart) != 6 || st.filePart[0] != "application/pdf" || st.filePart[4] != "application/pdf" {
			t.Fatalf("parts %q", st.filePart)
		}
		wantRemote(t, st.filePart[2:4], "/down/1")
	})
}
