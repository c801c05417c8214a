package nitrotest

import (
	"io"
	"testing"
)

// contentSize is large enough that a reader's setup does not count.
const contentSize = 64 << 20

// zeroAnchor is the zero reader's ns/op in this run, the anchor the others
// report against (0 when it did not run).
var zeroAnchor float64

// BenchmarkContent reads generated content as a download does, through
// io.CopyBuffer with a 32 KiB buffer, against the same copy from a reader of
// zeros (named "zero", run first): the generator should be about as fast as
// producing nothing at all. "x-zero" is the throughput against the anchor.
func BenchmarkContent(b *testing.B) {
	for _, bb := range []struct {
		name string
		open func() io.Reader
	}{
		{"zero", func() io.Reader { return io.LimitReader(zeros{}, contentSize) }},
		{"pdf", func() io.Reader { r, _ := PDF("Sealed: contract.pdf", contentSize); return r }},
		{"sealed-zip", func() io.Reader {
			return zipStream([]zipEntry{{name: "sealed/contract.pdf", body: func() (io.Reader, int64) { return PDF("Sealed", contentSize) }}})
		}},
	} {
		b.Run(bb.name, func(b *testing.B) {
			buf := make([]byte, 32<<10)
			b.SetBytes(contentSize)
			b.ReportAllocs()
			for b.Loop() {
				r := bb.open()
				// The wrappers hide WriterTo and ReaderFrom: every byte is
				// read into buf, as into a socket's buffer.
				n, err := io.CopyBuffer(struct{ io.Writer }{io.Discard}, struct{ io.Reader }{r}, buf)
				if err != nil || n < contentSize {
					b.Fatalf("copied %d bytes: %v", n, err)
				}
				if c, ok := r.(io.Closer); ok {
					c.Close()
				}
			}
			perOp := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
			switch {
			case bb.name == "zero":
				zeroAnchor = perOp
			case zeroAnchor > 0:
				b.ReportMetric(zeroAnchor/perOp, "x-zero")
			}
		})
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
