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

// TestVolumeFromAHelperFails: a helper in a volume_test.go that marks its
// caller a volume test, called by a test written in another file, fails:
// the race lane would skip that test and the volume lane, which runs only
// the Test funcs of volume_test.go, would never run it.
func TestVolumeFromAHelperFails(t *testing.T) {
	r := &recorder{TB: t}
	markVolume(r)
	if !strings.Contains(r.fatal, "memtest_test.go") || !strings.Contains(r.fatal, memtest.VolumeFile) {
		t.Errorf("Volume called by a volume_test.go helper for a test in memtest_test.go: fatal %q, want it to name both files", r.fatal)
	}
}

// TestVolumeInAForeignSubtestFails: a subtest function written in a
// volume_test.go, run by a test written in another file, fails too.
func TestVolumeInAForeignSubtestFails(t *testing.T) {
	var fatal string
	t.Run("volume", volumeSubtest(&fatal))
	if !strings.Contains(fatal, "TestVolumeInAForeignSubtestFails") {
		t.Errorf("Volume in a volume_test.go subtest of a test in memtest_test.go: fatal %q, want it to name the test", fatal)
	}
}

// TestVolumeInItsFileRuns, markVolume and volumeSubtest are written, for
// the runtime, in a volume_test.go (the line directive), as a package's
// volume tests and their helpers are: a test there is marked, not failed,
// but a subtest of it is (Volume marks a whole test).
//
//line volume_test.go:1
func TestVolumeInItsFileRuns(t *testing.T) {
	r := &recorder{TB: t}
	memtest.Volume(r)
	if r.fatal != "" {
		t.Errorf("Volume in a test in volume_test.go: %s", r.fatal)
	}
	t.Run("subtest", func(t *testing.T) {
		sr := &recorder{TB: t}
		memtest.Volume(sr)
		if !strings.Contains(sr.fatal, "subtest") {
			t.Errorf("Volume in a subtest of a test in volume_test.go: fatal %q, want it refused", sr.fatal)
		}
	})
}

// markVolume is a helper that marks its caller's test a volume test.
func markVolume(t testing.TB) { memtest.Volume(t) }

// volumeSubtest is a subtest function that marks itself a volume test,
// recording Volume's fatal message in fatal.
func volumeSubtest(fatal *string) func(*testing.T) {
	return func(t *testing.T) {
		r := &recorder{TB: t}
		memtest.Volume(r)
		*fatal = r.fatal
	}
}
