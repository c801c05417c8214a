package spec_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"testing"

	"go.uber.org/goleak"

	"github.com/nitrokit/nitro/internal/spec"
)

func TestMain(m *testing.M) {
	// The tests load a 140 KB spec some fifty times; under the race
	// detector, collecting garbage four times less often saves a third of
	// their CPU time, for a few hundred MB of heap.
	debug.SetGCPercent(400)
	goleak.VerifyTestMain(m)
}

// apiFixture is one API of the repository, for tests that change a copy of
// its locked spec the way upstream might.
type apiFixture struct {
	name, lock, preload, overlay string

	// decoded is the locked spec, decoded once; each edit changes a copy.
	decodeOnce sync.Once
	decoded    map[string]any
	decodeErr  error

	once     sync.Once
	baseline *spec.Baseline
	pre      *spec.Report // the preload's report on the locked spec
	err      error
}

var (
	signAPI = &apiFixture{name: "sign", lock: signLock, overlay: signOverlay}
	pdfAPI  = &apiFixture{name: "pdf", lock: pdfLock, preload: pdfPreload, overlay: pdfOverlay}
)

// defaultBaseURL is nitro.DefaultBaseURL, read from config.go.
func defaultBaseURL(t *testing.T) string {
	t.Helper()
	u, err := spec.DefaultBaseURL("../../config.go")
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// input writes the API's locked spec changed by edit (nil: unchanged) and,
// for an API with a preload, the document the preload makes of it.
func (a *apiFixture) input(t *testing.T, edit func(doc map[string]any)) spec.Input {
	t.Helper()
	b := lockedSpecOf(t, a.lock)
	if edit != nil {
		a.decodeOnce.Do(func() { a.decodeErr = json.Unmarshal(b, &a.decoded) })
		if a.decodeErr != nil {
			t.Fatal(a.decodeErr)
		}
		doc := deepCopy(a.decoded).(map[string]any)
		edit(doc)
		var err error
		if b, err = json.Marshal(doc); err != nil {
			t.Fatal(err)
		}
	}
	var pre *spec.Report
	if a.preload != "" {
		var err error
		if b, pre, err = spec.Preload(b, a.preload); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "openapi.json")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return spec.Input{Spec: path, Pre: pre}
}

// deepCopy copies a decoded JSON value.
func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = deepCopy(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = deepCopy(e)
		}
		return out
	}
	return v
}

// base is the overlay run on the API's locked spec, made once per test
// binary and shared (it is only read).
func (a *apiFixture) base(t *testing.T) *spec.Baseline {
	t.Helper()
	a.once.Do(func() {
		in := a.input(t, nil)
		a.pre = in.Pre
		a.baseline, a.err = spec.NewBaseline(context.Background(), a.overlay, in)
	})
	if a.err != nil {
		t.Fatal(a.err)
	}
	return a.baseline
}

// compare judges the API's locked spec changed by edit against the locked
// spec, as `make drift` does.
func (a *apiFixture) compare(t *testing.T, edit func(doc map[string]any)) (*spec.Comparison, error) {
	t.Helper()
	return a.base(t).Compare(context.Background(), a.input(t, edit), defaultBaseURL(t))
}

// report is everything a comparison says, one line per finding, and its
// error.
func report(c *spec.Comparison, err error) string {
	var b strings.Builder
	if c != nil {
		for _, f := range c.Findings {
			b.WriteString(f.String() + "\n")
		}
	}
	if err != nil {
		b.WriteString("error: " + err.Error() + "\n")
	}
	return b.String()
}
