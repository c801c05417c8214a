package pdf_test

import (
	"context"
	"io"
	"testing"

	"github.com/nitrokit/nitro/internal/testkit/memtest"
	"github.com/nitrokit/nitro/nitrotest"
	"github.com/nitrokit/nitro/pdf"
)

// streamBig streams a size-byte synchronous binary result through Stream
// and returns the bytes and the heap's peak growth while it did.
func streamBig(tb testing.TB, c *pdf.Client, in int64) (int64, uint64) {
	tb.Helper()
	stop := memtest.HeapPeak()
	n, err := c.Compress(pdf.File{Name: "big.pdf", ContentType: "application/pdf", Body: &memtest.Zeros{N: in}, Size: in}, pdf.PDFCompressParams{}).Stream(context.Background(), io.Discard)
	peak := stop()
	if err != nil {
		tb.Fatal(err)
	}
	return n, peak
}

const bigResult = 200 << 20

// BenchmarkStream200MB: a 200 MB synchronous binary result streams through
// Request.Stream (after a 50 MB upload) with the heap growing by at most
// 16 MB.
func BenchmarkStream200MB(b *testing.B) {
	_, _, c := onFake(b, nitrotest.WithOutputSize(bigResult))
	b.SetBytes(bigResult)
	var peak uint64
	for b.Loop() {
		n, p := streamBig(b, c, 50<<20)
		if n != bigResult {
			b.Fatalf("%d bytes", n)
		}
		peak = max(peak, p)
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	if peak > 16<<20 {
		b.Fatalf("heap grew by %d MB", peak>>20)
	}
}
