package spec_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/nitrokit/nitro/internal/spec"
)

// apiFixture is one API of the repository, for tests that change a copy of
// its locked spec the way upstream might.
type apiFixture struct {
	name, lock, preload, overlay string

	once     sync.Once
	baseline *spec.Baseline
	err      error
}

var (
	signAPI = &apiFixture{name: "sign", lock: signLock, overlay: signOverlay}
	pdfAPI  = &apiFixture{name: "pdf", lock: pdfLock, preload: pdfPreload, overlay: pdfOverlay}
	apis    = []*apiFixture{signAPI, pdfAPI}
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
		var doc map[string]any
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
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

// base is the overlay run on the API's locked spec, made once per test
// binary and shared (it is only read).
func (a *apiFixture) base(t *testing.T) *spec.Baseline {
	t.Helper()
	a.once.Do(func() { a.baseline, a.err = spec.NewBaseline(context.Background(), a.overlay, a.input(t, nil)) })
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
