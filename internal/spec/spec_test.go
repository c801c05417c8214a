package spec_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nitrokit/nitro/internal/spec"
)

func TestLockRoundTripAndMismatch(t *testing.T) {
	path := filepath.Join(t.TempDir(), "openapi.lock")
	want := spec.Lock{URL: "https://api.gonitro.dev/openapi.json", SHA256: spec.Sum([]byte("v1"))}
	if err := spec.WriteLock(path, want); err != nil {
		t.Fatal(err)
	}
	got, err := spec.ReadLock(path)
	if err != nil || got != want {
		t.Fatalf("ReadLock = %+v, %v; want %+v", got, err, want)
	}
	if err := got.Check("src", []byte("v1")); err != nil {
		t.Errorf("Check(locked bytes) = %v", err)
	}
	err = got.Check("src.json", []byte("v2"))
	if !errors.Is(err, spec.ErrMismatch) {
		t.Fatalf("Check(other bytes) = %v, want ErrMismatch", err)
	}
	for _, s := range []string{want.SHA256, spec.Sum([]byte("v2")), "make spec-update SPEC_URL=src.json"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("mismatch error %q does not say %q", err, s)
		}
	}
}

func TestReadLockRejectsBadInput(t *testing.T) {
	for name, body := range map[string]string{
		"no sha":      "url: x\n",
		"short sha":   "sha256: abc\n",
		"unknown key": "sha: " + spec.Sum(nil) + "\n",
		"no colon":    "just words\n",
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "lock")
			if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
			if _, err := spec.ReadLock(path); err == nil {
				t.Error("ReadLock accepted a bad lock")
			}
		})
	}
}

// TestUpstreamDefectsNeedTheOverlay shows the overlay is what makes the
// locked spec valid, and that a failure names the offending place.
func TestUpstreamDefectsNeedTheOverlay(t *testing.T) {
	_, err := spec.Validate(context.Background(), "../../api/sign/openapi.json", "")
	if err == nil {
		t.Fatal("the raw upstream spec validated; is the overlay still needed?")
	}
	if !strings.Contains(err.Error(), `schema "Checkbox"`) && !strings.Contains(err.Error(), "/jobs/{jobID}") {
		t.Errorf("error does not name the defect's path or schema: %v", err)
	}
}
