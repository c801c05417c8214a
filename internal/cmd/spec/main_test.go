package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/nitrokit/nitro/internal/spec"
	"github.com/nitrokit/nitro/internal/testkit/specdoc"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// miniAPI locks the mini spec (internal/spec/testdata), changed by edit, in
// a temporary api/<name> directory with the mini overlay and an empty cache.
func miniAPI(t *testing.T, edit func(doc map[string]any)) api {
	t.Helper()
	t.Setenv(spec.CacheEnv, t.TempDir())
	dir := filepath.Join(t.TempDir(), "mini")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	o, err := os.ReadFile("../../spec/testdata/mini-overlay.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "overlay.yaml"), o, 0o644); err != nil {
		t.Fatal(err)
	}
	a := api{dir: dir, lock: filepath.Join(dir, "openapi.lock"), overlay: filepath.Join(dir, "overlay.yaml"), out: filepath.Join(dir, "openapi.json"),
		preloaded: filepath.Join(dir, spec.PreloadedFile), config: "../../../config.go"}
	if err := a.update(context.Background(), miniCandidate(t, edit), false); err != nil {
		t.Fatalf("lock the mini spec: %v", err)
	}
	return a
}

// miniCandidate writes the mini spec changed by edit (nil: unchanged).
func miniCandidate(t *testing.T, edit func(doc map[string]any)) string {
	t.Helper()
	return specdoc.Edited(t, "../../spec/testdata/mini.json", "candidate.json", edit)
}

var obj = specdoc.Obj

func exitCode(err error) int {
	var ce *codeError
	if errors.As(err, &ce) {
		return ce.code
	}
	if err != nil {
		return exitFailed
	}
	return 0
}

// TestCheckRefusesWhatTheClientCannotSend: make spec (and so make generate)
// fails, exit 2, on a locked spec the client could not use.
func TestCheckRefusesWhatTheClientCannotSend(t *testing.T) {
	a := miniAPI(t, nil)
	// A locked spec that moved servers (as if accepted before this check).
	b, err := os.ReadFile(miniCandidate(t, func(doc map[string]any) {
		doc["servers"] = []any{map[string]any{"url": "https://elsewhere.example"}}
	}))
	if err != nil {
		t.Fatal(err)
	}
	lock, err := spec.ReadLock(a.lock)
	if err != nil {
		t.Fatal(err)
	}
	lock.SHA256, lock.Canonical = spec.Sum(b), ""
	if err := spec.WriteLock(a.lock, lock); err != nil {
		t.Fatal(err)
	}
	if err := spec.Store(b); err != nil {
		t.Fatal(err)
	}
	err = a.check(context.Background(), "")
	if exitCode(err) != exitRejected || !strings.Contains(err.Error(), `not nitro.DefaultBaseURL "https://api.gonitro.dev" (config.go)`) {
		t.Errorf("check = %v (exit %d), want exit %d naming DefaultBaseURL", err, exitCode(err), exitRejected)
	}
}

// TestUpdateJudgesAgainstTheLock: spec-update leaves the lock alone when an
// action's target is gone, accepts a fixed defect (saying the action is
// redundant), and accepts an upstream change under a hand-written
// replacement only with -accept.
func TestUpdateJudgesAgainstTheLock(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		name   string
		edit   func(doc map[string]any)
		accept bool
		code   int
		says   string
	}{
		{"the job moved", func(doc map[string]any) {
			p := doc["paths"].(map[string]any)
			p["/v2/jobs/{jobID}"] = p["/jobs/{jobID}"]
			delete(p, "/jobs/{jobID}")
		}, false, exitRejected, "operation getJob is now at /paths/~1v2~1jobs~1{jobID}/get"},
		{"defect 1 fixed", func(doc map[string]any) {
			obj(doc, "paths", "/jobs/{jobID}", "get")["parameters"] = []any{map[string]any{"name": "jobID", "in": "path", "required": true, "schema": map[string]any{"type": "string"}}}
		}, false, 0, ""},
		{"a discriminator under the replaced union", func(doc map[string]any) {
			obj(doc, "paths", "/pets", "get", "responses", "200", "content", "application/json", "schema")["discriminator"] = map[string]any{"propertyName": "kind"}
		}, false, exitRejected, "upstream-changed"},
		{"the same, accepted", func(doc map[string]any) {
			obj(doc, "paths", "/pets", "get", "responses", "200", "content", "application/json", "schema")["discriminator"] = map[string]any{"propertyName": "kind"}
		}, true, 0, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := miniAPI(t, nil)
			before, _ := os.ReadFile(a.lock)
			err := a.update(ctx, miniCandidate(t, tt.edit), tt.accept)
			after, _ := os.ReadFile(a.lock)
			if exitCode(err) != tt.code {
				t.Fatalf("update = %v (exit %d), want exit %d", err, exitCode(err), tt.code)
			}
			if (string(before) == string(after)) != (tt.code != 0) {
				t.Errorf("lock changed = %v, want %v", string(before) != string(after), tt.code == 0)
			}
			if tt.says != "" && !strings.Contains(err.Error(), tt.says) {
				t.Errorf("error does not say %q:\n%v", tt.says, err)
			}
		})
	}
}
