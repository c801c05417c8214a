package spec_test

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nitrokit/nitro/internal/spec"
)

func TestLockRoundTripAndMismatch(t *testing.T) {
	path := filepath.Join(t.TempDir(), "openapi.lock")
	canon, _ := spec.CanonicalSum([]byte(`{"v":1}`))
	want := spec.Lock{URL: "https://api.gonitro.dev/openapi.json", SHA256: spec.Sum([]byte(`{"v":1}`)), Canonical: canon, Path: path}
	if err := spec.WriteLock(path, want); err != nil {
		t.Fatal(err)
	}
	got, err := spec.ReadLock(path)
	if err != nil || got != want {
		t.Fatalf("ReadLock = %+v, %v; want %+v", got, err, want)
	}
	if err := got.Check("src", []byte(`{"v":1}`)); err != nil {
		t.Errorf("Check(locked bytes) = %v", err)
	}
	if m := got.Compare([]byte("{\n  \"v\": 1.0\n}\n")); m != spec.Reformatted {
		t.Errorf("Compare(reformatted) = %v, want Reformatted", m)
	}
	err = got.Check("src.json", []byte(`{"v":2}`))
	if !errors.Is(err, spec.ErrMismatch) {
		t.Fatalf("Check(other bytes) = %v, want ErrMismatch", err)
	}
	for _, s := range []string{want.SHA256, spec.Sum([]byte(`{"v":2}`)), "make spec-update SPEC_URL=src.json", "make drift SPEC_URL=src.json", path} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("mismatch error %q does not say %q", err, s)
		}
	}
}

func TestReadLockRejectsBadInput(t *testing.T) {
	for name, body := range map[string]string{
		"no sha":        "url: x\n",
		"short sha":     "sha256: abc\n",
		"bad canonical": "sha256: " + spec.Sum(nil) + "\ncanonical-sha256: xyz\n",
		"unknown key":   "sha: " + spec.Sum(nil) + "\n",
		"no colon":      "just words\n",
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

func TestCanonical(t *testing.T) {
	base := `{"openapi":"3.0.3","paths":{"/a":{"get":{"x":100,"d":"<b>A</b>"}}}}`
	same := "{\n  \"paths\": {\"/a\": {\"get\": {\"d\": \"\\u003cb\\u003e\\u0041</b>\", \"x\": 100.0}}},\n  \"openapi\": \"3.0.3\"\n}\n"
	other := `{"openapi":"3.0.3","paths":{"/a":{"get":{"x":101,"d":"<b>A</b>"}}}}`
	a, err := spec.CanonicalSum([]byte(base))
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := spec.CanonicalSum([]byte(same)); b != a {
		t.Error("a reformat (key order, whitespace, escapes, 100.0) changed the canonical sum")
	}
	if c, _ := spec.CanonicalSum([]byte(other)); c == a {
		t.Error("a changed value kept the canonical sum")
	}
	if _, err := spec.CanonicalSum([]byte(`{"a":1} trailing`)); err == nil {
		t.Error("trailing data accepted")
	}
}

func TestCheckOpenAPI(t *testing.T) {
	for body, want := range map[string]string{
		"":                             "empty",
		"<!DOCTYPE html><html>":        "HTML",
		`{"message":"Forbidden"}`:      "no \"openapi\"",
		`[1,2]`:                        "not a JSON object",
		`{"openapi":"3.0.3"}`:          "neither paths nor components",
		`{"openapi":"2.0","paths":{}}`: "no \"openapi\"",
	} {
		err := spec.CheckOpenAPI("u", []byte(body))
		var na *spec.NotOpenAPIError
		if !errors.As(err, &na) || !strings.Contains(err.Error(), want) {
			t.Errorf("CheckOpenAPI(%q) = %v, want a NotOpenAPIError saying %q", body, err, want)
		}
	}
	if err := spec.CheckOpenAPI("u", []byte(`{"openapi":"3.1.0","paths":{}}`)); err != nil {
		t.Errorf("a valid document: %v", err)
	}
}

// noNetwork fails every request: tests never reach upstream.
var noNetwork = &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
	return nil, errors.New("no network in tests")
})}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestLocate(t *testing.T) {
	t.Setenv(spec.CacheEnv, t.TempDir())
	body := []byte(`{"openapi":"3.0.3","paths":{}}`)
	canon, _ := spec.CanonicalSum(body)
	lock := spec.Lock{URL: "https://example.invalid/openapi.json", SHA256: spec.Sum(body), Canonical: canon, Path: "api/x/openapi.lock"}
	ctx := context.Background()

	_, err := spec.Locate(ctx, noNetwork, lock, "", t.TempDir())
	var na *spec.NotAvailableError
	if !errors.As(err, &na) {
		t.Fatalf("nothing anywhere: %v, want NotAvailableError", err)
	}
	for _, s := range []string{"cache: no", "mirror: no file", "upstream:", "make spec-update SPEC_URL=" + lock.URL + " SPEC=x", lock.SHA256} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("not-available error does not say %q:\n%v", s, err)
		}
	}

	mirror := t.TempDir()
	if err := os.WriteFile(filepath.Join(mirror, "any-name.json"), body, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := spec.Locate(ctx, noNetwork, lock, "", mirror)
	if err != nil || !strings.HasPrefix(f.From, mirror) {
		t.Fatalf("from the mirror: %+v, %v", f.From, err)
	}
	f, err = spec.Locate(ctx, noNetwork, lock, "", t.TempDir())
	if err != nil || !strings.Contains(f.From, lock.SHA256+".json") {
		t.Fatalf("from the cache the mirror filled: %+v, %v", f.From, err)
	}

	src := filepath.Join(t.TempDir(), "reformatted.json")
	if err := os.WriteFile(src, []byte("{\n  \"paths\": {},\n  \"openapi\": \"3.0.3\"\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if f, err := spec.Locate(ctx, noNetwork, lock, src, ""); err != nil || f.Match != spec.Reformatted {
		t.Errorf("a reformatted SPEC_URL: %v, %v; want Reformatted", f.Match, err)
	}
	if err := os.WriteFile(src, []byte(`{"openapi":"3.0.3","paths":{"/new":{}}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := spec.Locate(ctx, noNetwork, lock, src, ""); !errors.Is(err, spec.ErrMismatch) {
		t.Errorf("another spec at SPEC_URL: %v, want ErrMismatch", err)
	}
}
