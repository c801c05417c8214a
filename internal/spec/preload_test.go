package spec_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nitrokit/nitro/internal/spec"
)

// writePreload writes a preload overlay with the given actions.
func writePreload(t *testing.T, actions string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "preload.yaml")
	body := "overlay: 1.0.0\nx-speakeasy-jsonpath: rfc9535\ninfo: {title: t, version: 1.0.0}\nactions:\n" + actions
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestPreload: hermetic, on a small document. The preload is applied to the
// raw node tree (members keep their order), and is strict: an action that
// matches nothing, or that would merge into a component upstream defines,
// fails naming the action.
func TestPreload(t *testing.T) {
	raw := []byte(`{"openapi":"3.0.3","paths":{"/b":{},"/a":{}},"components":{"schemas":{"Z":{"type":"string","description":"<b>z</b>"}}}}`)
	pre := writePreload(t, `  # Defect 1: responses are referenced but never defined.
  - target: $.components
    update:
      responses:
        Gone: {description: gone, content: {application/json: {schema: {$ref: '#/components/schemas/Z'}}}}
`)
	out, rep, err := spec.Preload(raw, pre)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if m(doc, "components", "responses", "Gone")["description"] != "gone" {
		t.Errorf("the response was not added:\n%s", out)
	}
	if s := string(out); strings.Index(s, `"/b"`) > strings.Index(s, `"/a"`) || !strings.Contains(s, "<b>z</b>") {
		t.Errorf("members reordered or text escaped:\n%s", s)
	}
	if a := rep.Actions; len(a) != 1 || a[0].Defect != 1 || a[0].Matches != 1 {
		t.Errorf("report: %+v", a)
	}
	if w := rep.Touched("/components/responses/Gone/description"); !strings.Contains(w, "preload action 1 (defect 1,") {
		t.Errorf("Touched = %q", w)
	}

	// Upstream defines the response itself: not merged, named.
	fixed := []byte(`{"openapi":"3.0.3","paths":{},"components":{"responses":{"Gone":{"description":"theirs"}}}}`)
	if _, _, err := spec.Preload(fixed, pre); err == nil || !strings.Contains(err.Error(), "adds /components/responses/Gone, but upstream now defines it") {
		t.Errorf("a component upstream now defines: %v", err)
	}
	// An action that matches nothing.
	none := writePreload(t, "  # Defect 1: x\n  - target: $.nothing\n    update: {a: 1}\n")
	if _, _, err := spec.Preload(raw, none); err == nil || !strings.Contains(err.Error(), `action 1 (defect 1, "x": "$.nothing") (target $.nothing) matches nothing`) {
		t.Errorf("an action matching nothing: %v", err)
	}
}
