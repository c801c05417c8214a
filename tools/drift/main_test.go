package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	base = "../../api/sign/openapi.json"
	lock = "../../api/sign/openapi.lock"
)

// candidate writes a copy of the locked spec, changed by edit.
func candidate(t *testing.T, edit func(paths map[string]any)) string {
	t.Helper()
	b, err := os.ReadFile(base)
	if err != nil {
		t.Fatalf("%v (run `make spec` first)", err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	edit(doc["paths"].(map[string]any))
	out, _ := json.Marshal(doc)
	path := filepath.Join(t.TempDir(), "candidate.json")
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestDriftExitCodes(t *testing.T) {
	tests := []struct {
		name string
		edit func(map[string]any)
		code int
		says []string
	}{
		{"identical", func(map[string]any) {}, identical, []string{"identical"}},
		{"operation added", func(p map[string]any) {
			p["/sign/ping"] = map[string]any{"get": map[string]any{"operationId": "ping", "responses": map[string]any{"200": map[string]any{"description": "OK"}}}}
		}, differ, []string{"operations added: 1", "/sign/ping (ping)", "no breaking change"}},
		{"operation removed", func(p map[string]any) {
			delete(p, "/sign/envelopes/{envelopeID}:cancel")
		}, breaking, []string{"operations removed: 1", "(cancelEnvelope)", "error", "breaking change"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			code, err := run(&out, base, lock, candidate(t, tt.edit))
			if err != nil || code != tt.code {
				t.Fatalf("run = %d, %v; want %d\n%s", code, err, tt.code, &out)
			}
			for _, s := range tt.says {
				if !strings.Contains(out.String(), s) {
					t.Errorf("output lacks %q:\n%s", s, &out)
				}
			}
		})
	}
}

func TestDriftRefusesAnUnlockedBase(t *testing.T) {
	other := candidate(t, func(p map[string]any) { delete(p, "/transformations") })
	if code, err := run(&bytes.Buffer{}, other, lock, base); code != failed || err == nil {
		t.Errorf("run with a base that is not the locked spec = %d, %v; want %d and an error", code, err, failed)
	}
}
