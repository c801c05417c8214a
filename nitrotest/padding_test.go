package nitrotest

import (
	"bytes"
	"io"
	"runtime"
	"testing"
)

// bytewisePadding is the generator padding replaced, one byte at a time:
// the reference for what padding must produce.
func bytewisePadding(size int64) []byte {
	var b []byte
	col := 0
	for i := range size {
		switch {
		case size-i == 1 || col == padLine-1:
			b, col = append(b, '\n'), 0
		case col == 0:
			b, col = append(b, '%'), 1
		default:
			b, col = append(b, 'x'), col+1
		}
	}
	return b
}

// TestPaddingIsWhatItWasBytewise reads padding in reads of awkward sizes,
// across line and pattern boundaries, and compares with the bytewise
// generator, so PDFs stay byte for byte what they were.
func TestPaddingIsWhatItWasBytewise(t *testing.T) {
	for _, size := range []int64{0, 1, 2, padLine - 1, padLine, padLine + 1, 3*padLine + 5, 200 << 10} {
		want := bytewisePadding(size)
		for _, chunk := range []int{1, 7, padLine - 1, padLine, padLine + 1, 32 << 10, 64 << 10, 100 << 10} {
			var got bytes.Buffer
			buf := make([]byte, chunk)
			_, err := io.CopyBuffer(&got, struct{ io.Reader }{&padding{left: size}}, buf)
			if err != nil || !bytes.Equal(got.Bytes(), want) {
				t.Fatalf("padding of %d bytes read %d at a time: %d bytes differ from the bytewise ones (%v)", size, chunk, got.Len(), err)
			}
		}
	}
}

// TestPDFMemoryDoesNotGrowWithSize reads a 300 MB PDF, the most an envelope
// holds: what it allocates must not depend on its size. (The bound is in
// bytes, not allocations: under -race, sync.Pool drops items at random, so
// fmt's allocation count varies.)
func TestPDFMemoryDoesNotGrowWithSize(t *testing.T) {
	buf := make([]byte, 32<<10)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	r, _ := PDF("big", maxEnvelopeBytes)
	n, err := io.CopyBuffer(io.Discard, struct{ io.Reader }{r}, buf)
	runtime.ReadMemStats(&after)
	if err != nil || n != maxEnvelopeBytes {
		t.Fatalf("read %d bytes: %v", n, err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 1<<20 {
		t.Errorf("reading a 300 MB PDF allocated %d bytes", alloc)
	}
}
