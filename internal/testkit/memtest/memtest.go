// Package memtest holds what tests of streaming code share: a reader of n
// zero bytes that holds no buffer, a sampler of the heap's peak growth, for
// checking that a body flows through in constant memory, and the mark of a
// volume test (Volume), which make test runs without the race detector.
package memtest

import (
	"io"
	"runtime"
	"sync"
	"time"
)

// Zeros is a reader of N zero bytes, then io.EOF, that holds no buffer.
type Zeros struct{ N int64 }

func (z *Zeros) Read(p []byte) (int, error) {
	if z.N <= 0 {
		return 0, io.EOF
	}
	k := int(min(int64(len(p)), z.N))
	clear(p[:k])
	z.N -= int64(k)
	return k, nil
}

// HeapPeak samples the live heap every millisecond until stop is called,
// and returns the peak above the heap at its start, in bytes.
func HeapPeak() (stop func() uint64) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base, peak := ms.HeapAlloc, ms.HeapAlloc
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				var m runtime.MemStats
				runtime.ReadMemStats(&m)
				peak = max(peak, m.HeapAlloc)
			}
		}
	})
	return func() uint64 {
		close(done)
		wg.Wait()
		return max(peak, base) - base
	}
}
