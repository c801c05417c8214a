package memtest

import (
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// VolumeFile is the file every volume test lives in, one per package: make
// test's volume lane finds the tests to run by it.
const VolumeFile = "volume_test.go"

// Volume marks a test that moves tens or hundreds of megabytes through the
// client or the fake (a body at a size limit, a stream checked for constant
// memory). It skips the test under -short, and fails it unless it is
// written in VolumeFile.
//
// Why: make test runs the library's tests under the race detector with
// -short, and there every byte copied is a checked access: taking the
// volume tests out cut that lane from 68 to 55 CPU seconds, and their heap
// figures are the detector's as much as the client's. make test runs them
// in a lane of their own without the detector (the Makefile's
// test-lib-volume, which runs every Test func of each package's
// VolumeFile). The small-body tests beside them race the same code paths;
// `make race` and a plain `go test` run the volume tests like any other.
//
// The file check is what keeps a volume test from being skipped in one
// lane and missing from the other. It is the test's file that counts, not
// the caller's: a helper in VolumeFile that calls Volume for a test written
// elsewhere fails, and so does a subtest (its function may be declared
// apart from its test): Volume marks a whole top-level test.
func Volume(t testing.TB) {
	t.Helper()
	if strings.Contains(t.Name(), "/") {
		t.Fatalf("memtest.Volume called by the subtest %s: it marks a whole test, written in the package's %s", t.Name(), VolumeFile)
		return
	}
	if file := testFile(); filepath.Base(file) != VolumeFile {
		t.Fatalf("memtest.Volume called by %s, in %s: a volume test belongs in the package's %s, the file make test's volume lane runs", t.Name(), file, VolumeFile)
		return
	}
	if testing.Short() {
		t.Skip("moves a large volume of bytes: skipped under -short (make test runs it in its volume lane, without the race detector)")
	}
}

// testFile returns the file of the function testing.tRunner calls, found
// on the stack: for a top-level test, the test function itself.
func testFile() string {
	pcs := make([]uintptr, 64)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(3, pcs)]) // from Volume's caller
	var prev runtime.Frame
	for {
		f, more := frames.Next()
		if f.Function == "testing.tRunner" {
			return prev.File
		}
		if !more {
			return "a function testing.tRunner did not call"
		}
		prev = f
	}
}
