package memtest_test

import (
	"fmt"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/nitrokit/nitro/internal/testkit/memtest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// recorder is a testing.TB that records Fatalf and Skip instead of ending
// the test.
type recorder struct {
	testing.TB
	fatal, skip string
}

func (r *recorder) Helper()                   {}
func (r *recorder) Fatalf(f string, a ...any) { r.fatal = fmt.Sprintf(f, a...) }
func (r *recorder) Skip(a ...any)             { r.skip = fmt.Sprint(a...) }

// TestVolumeOutsideItsFileFails: a volume test written anywhere but the
// package's volume_test.go fails, naming the file it belongs in; else it
// would be skipped by the race lane and never run by the volume lane.
func TestVolumeOutsideItsFileFails(t *testing.T) {
	r := &recorder{TB: t}
	memtest.Volume(r)
	if !strings.Contains(r.fatal, "memtest_test.go") || !strings.Contains(r.fatal, memtest.VolumeFile) {
		t.Errorf("Volume called from memtest_test.go: fatal %q, want it to name both files", r.fatal)
	}
}

func TestZerosReadsNZeros(t *testing.T) {
	z := &memtest.Zeros{N: 5}
	p := []byte("abcdefgh")
	if n, err := z.Read(p); n != 5 || err != nil || string(p[:5]) != "\x00\x00\x00\x00\x00" {
		t.Errorf("read %d %q %v", n, p, err)
	}
	if n, err := z.Read(p); n != 0 || err == nil {
		t.Errorf("after N bytes: %d, %v; want io.EOF", n, err)
	}
}
