package nitrotest

import (
	"io"
	"testing"
	"time"
)

// contentSize is large enough that a reader's setup does not count.
const contentSize = 64 << 20

// BenchmarkContent reads generated content as a download does, through
// io.CopyBuffer with a 32 KiB buffer. The anchor is the same copy from a
// reader of zeros ("zero" times it alone): after each timed copy, one copy
// of zeros runs untimed, and "x-zero" is the throughput against it, paired
// copy by copy so that it holds on a shared machine whose load changes.
func BenchmarkContent(b *testing.B) {
	zero := func() io.Reader { return io.LimitReader(zeros{}, contentSize) }
	for _, bb := range []struct {
		name string
		open func() io.Reader
	}{
		{"zero", zero},
		{"pdf", func() io.Reader { r, _ := PDF("Sealed: contract.pdf", contentSize); return r }},
		{"sealed-zip", func() io.Reader {
			return zipStream([]zipEntry{{name: "sealed/contract.pdf", body: func() (io.Reader, int64) { return PDF("Sealed", contentSize) }}})
		}},
	} {
		b.Run(bb.name, func(b *testing.B) {
			buf := make([]byte, 32<<10)
			var timed, anchored time.Duration
			b.SetBytes(contentSize)
			b.ReportAllocs()
			for b.Loop() {
				timed += copyTimed(b, bb.open(), buf)
				b.StopTimer()
				anchored += copyTimed(b, zero(), buf)
				b.StartTimer()
			}
			b.ReportMetric(float64(anchored)/float64(timed), "x-zero")
		})
	}
}

// copyTimed copies r, closing it if it is a Closer, and says how long that
// took. The wrappers hide WriterTo and ReaderFrom: every byte is read into
// buf, as into a socket's buffer.
func copyTimed(b *testing.B, r io.Reader, buf []byte) time.Duration {
	start := time.Now()
	n, err := io.CopyBuffer(struct{ io.Writer }{io.Discard}, struct{ io.Reader }{r}, buf)
	if c, ok := r.(io.Closer); ok {
		c.Close()
	}
	if err != nil || n < contentSize {
		b.Fatalf("copied %d bytes: %v", n, err)
	}
	return time.Since(start)
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
