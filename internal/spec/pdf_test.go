package spec_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/nitrokit/nitro/internal/spec"
)

const (
	pdfLock    = "../../api/pdf/openapi.lock"
	pdfPreload = "../../api/pdf/preload.yaml"
	pdfOverlay = "../../api/pdf/overlay.yaml"
)

// pdfSpec loads the locked PDF Services spec (skipping without it, like
// lockedSpec) the way `make spec` does: preload.yaml on the raw bytes, then
// validation with overlay.yaml.
func pdfSpec(t *testing.T) (*spec.Document, *spec.Report, *spec.Report) {
	t.Helper()
	b := pdfAPI.base(t)
	return b.Document(), pdfAPI.pre, b.Report()
}

// TestPDFNeedsThePreload: the raw PDF Services spec cannot be loaded (its
// error responses are $refs to components.responses it never defines); the
// error names the dangling references.
func TestPDFNeedsThePreload(t *testing.T) {
	t.Parallel()
	raw := lockedSpecOf(t, pdfLock)
	path := filepath.Join(t.TempDir(), "openapi.json")
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := spec.Validate(context.Background(), path, pdfOverlay)
	if err == nil {
		t.Fatal("the raw PDF Services spec loaded; is api/pdf/preload.yaml still needed?")
	}
	if !strings.Contains(err.Error(), "#/components/responses/") || !strings.Contains(err.Error(), "dangling $ref") {
		t.Errorf("error does not name the dangling responses: %v", err)
	}
}

// TestPDFSpecLoads: the locked spec loads with the preload and validates
// with the overlay (named enums, unions, discriminators, examples), and
// every action of both applies.
func TestPDFSpecLoads(t *testing.T) {
	t.Parallel()
	doc, pre, rep := pdfSpec(t)
	for _, r := range []*spec.Report{pre, rep} {
		for _, line := range r.Redundant() {
			t.Error(line)
		}
		for _, a := range r.Actions {
			if a.Defect == 0 && a.Group == "" {
				t.Errorf("%s: action %d (%s) is under no \"# Defect N:\" comment and in no Go-surface shaping group", r.Overlay, a.Index, a.Target)
			}
		}
	}
	if doc.Components.Responses["BadRequest"] == nil {
		t.Error("components.responses.BadRequest, which the preload adds, is missing")
	}
	if n := len(doc.Paths.Map()); n == 0 {
		t.Error("no paths")
	}
}

// TestPDFPreloadErrorsNameIt: a dangling $ref the preload wrote is named as
// the preload's, with its JSON pointer.
func TestPDFPreloadErrorsNameIt(t *testing.T) {
	t.Parallel()
	var doc map[string]any
	if err := json.Unmarshal(lockedSpecOf(t, pdfLock), &doc); err != nil {
		t.Fatal(err)
	}
	delete(m(doc, "components", "schemas"), "NotFoundProblemDetail")
	raw, _ := json.Marshal(doc)
	path, pre := preloadedFile(t, raw)
	_, _, err := spec.ValidatePreloaded(context.Background(), path, pdfOverlay, pre)
	for _, w := range []string{"/components/responses/NotFound/content/application~1problem+json/schema/$ref", "written by preload action 1 (defect 1,"} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("error does not say %q:\n%v", w, err)
		}
	}
}

// TestPDFEveryToolHasARequestSchema: each of the 30 tools upstream lists in
// x-nitro-tools on the four POST endpoints has a request schema in the
// post-overlay spec, a variant of its endpoint's body oneOf that names it in
// x-nitro-tool (or x-nitro-tools, where one shape serves several), with a
// method and params. A tool upstream adds fails here until the overlay
// names its request.
func TestPDFEveryToolHasARequestSchema(t *testing.T) {
	t.Parallel()
	var raw struct {
		Paths map[string]map[string]struct {
			Tools []string `json:"x-nitro-tools"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(lockedSpecOf(t, pdfLock), &raw); err != nil {
		t.Fatal(err)
	}
	doc, _, _ := pdfSpec(t)
	endpoints := []string{"/conversions", "/transformations", "/extractions", "/generations"}
	total := 0
	for _, path := range endpoints {
		tools := raw.Paths[path]["post"].Tools
		if len(tools) == 0 {
			t.Errorf("POST %s: upstream lists no x-nitro-tools", path)
			continue
		}
		total += len(tools)
		item := doc.Paths.Value(path)
		if item == nil || item.Post == nil || item.Post.RequestBody == nil || item.Post.RequestBody.Value == nil {
			t.Errorf("POST %s: no request body after the overlay", path)
			continue
		}
		mt := item.Post.RequestBody.Value.Content.Get("multipart/form-data")
		if mt == nil || mt.Schema == nil || mt.Schema.Value == nil {
			t.Errorf("POST %s: no multipart/form-data body", path)
			continue
		}
		byTool := map[string][]string{}
		for _, v := range mt.Schema.Value.OneOf {
			name := strings.TrimPrefix(v.Ref, "#/components/schemas/")
			for _, tool := range toolsOf(v.Value) {
				byTool[tool] = append(byTool[tool], name)
			}
		}
		for _, tool := range tools {
			names := byTool[tool]
			if len(names) != 1 {
				t.Errorf("POST %s: tool %q has %d request schemas %v in the body's oneOf, want 1", path, tool, len(names), names)
				continue
			}
			s := doc.Components.Schemas[names[0]]
			if s == nil || s.Value == nil || !strings.HasSuffix(names[0], "Request") {
				t.Errorf("POST %s: tool %q: request schema %q is not a components schema named <Tool>Request", path, tool, names[0])
				continue
			}
			for _, part := range []string{"method", "params"} {
				if s.Value.Properties[part] == nil {
					t.Errorf("POST %s: tool %q: %s has no %q part", path, tool, names[0], part)
				}
			}
			if method := s.Value.Properties["method"]; method != nil && method.Value != nil && len(method.Value.Enum) != 1 {
				t.Errorf("POST %s: tool %q: %s.method allows %v, want one value", path, tool, names[0], method.Value.Enum)
			}
		}
		for tool, names := range byTool {
			if !slices.Contains(tools, tool) {
				t.Errorf("POST %s: %v name tool %q, which upstream's x-nitro-tools does not list", path, names, tool)
			}
		}
	}
	if total != 30 {
		t.Errorf("upstream lists %d tools on the four POST endpoints, want the 30 of the locked spec", total)
	}
}

// toolsOf is what a request schema's x-nitro-tool or x-nitro-tools names.
func toolsOf(s *openapi3.Schema) []string {
	if s == nil {
		return nil
	}
	var out []string
	switch v := s.Extensions["x-nitro-tool"].(type) {
	case string:
		out = append(out, v)
	}
	if vs, ok := s.Extensions["x-nitro-tools"].([]any); ok {
		for _, v := range vs {
			if str, ok := v.(string); ok {
				out = append(out, str)
			}
		}
	}
	return out
}

// preloadedFile applies the pdf preload to raw and writes the result where
// a test can load it, returning its path and the preload's report.
func preloadedFile(t *testing.T, raw []byte) (string, *spec.Report) {
	t.Helper()
	b, pre, err := spec.Preload(raw, pdfPreload)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "openapi.preloaded.json")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path, pre
}
