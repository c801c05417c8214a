// Package specdoc writes edited copies of an OpenAPI document for tests that
// change a spec the way upstream might.
package specdoc

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// Edited writes the JSON document at src, changed by edit (nil: unchanged),
// to a file named name in a temporary directory of t's, and returns its path.
func Edited(t testing.TB, src, name string, edit func(doc map[string]any)) string {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(doc)
	}
	if b, err = json.Marshal(doc); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// Obj walks a decoded JSON document by keys to the object there; it panics,
// failing the test, when the path does not lead to one.
func Obj(v any, keys ...string) map[string]any {
	for _, k := range keys {
		v = v.(map[string]any)[k]
	}
	return v.(map[string]any)
}
