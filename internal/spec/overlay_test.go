package spec_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nitrokit/nitro/internal/spec"
	"github.com/nitrokit/nitro/internal/testkit/specdoc"
)

// The mini spec and overlay in testdata exercise the guards and checks with
// no upstream spec at hand.

func miniSpec(t *testing.T, edit func(doc map[string]any)) string {
	t.Helper()
	return specdoc.Edited(t, "testdata/mini.json", "openapi.json", edit)
}

// m walks a decoded JSON document by keys.
var m = specdoc.Obj

const miniOverlay = "testdata/mini-overlay.yaml"

func TestMiniOverlayGuards(t *testing.T) {
	ctx := context.Background()
	doc, rep, err := spec.ValidateReport(ctx, miniSpec(t, nil), miniOverlay)
	if err != nil {
		t.Fatal(err)
	}
	if r := rep.Redundant(); len(r) != 0 {
		t.Errorf("every defect exists, yet: %v", r)
	}
	if p := doc.Paths.Value("/jobs/{jobID}").Get.Parameters; len(p) != 1 {
		t.Errorf("jobID not declared: %v", p)
	}

	// Upstream declares the parameter: the guarded action matches nothing,
	// adds no duplicate, and is reported redundant.
	fixed := miniSpec(t, func(doc map[string]any) {
		m(doc, "paths", "/jobs/{jobID}", "get")["parameters"] = []any{map[string]any{"name": "jobID", "in": "path", "required": true, "schema": map[string]any{"type": "string"}}}
	})
	doc, rep, err = spec.ValidateReport(ctx, fixed, miniOverlay)
	if err != nil {
		t.Fatalf("defect 1 fixed upstream: %v", err)
	}
	if p := doc.Paths.Value("/jobs/{jobID}").Get.Parameters; len(p) != 1 {
		t.Errorf("parameters after an upstream fix: %d, want 1", len(p))
	}
	r := strings.Join(rep.Redundant(), "\n")
	if !strings.Contains(r, "1 action(s) of testdata/mini-overlay.yaml match nothing in this spec: action 1 (defect 1,") || strings.Contains(r, "defect 2") {
		t.Errorf("unmatched report: %q", r)
	}
}

func TestMiniOverlayChecks(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		edit func(doc map[string]any)
		want []string
	}{
		{"schema name collision", func(doc map[string]any) {
			m(doc, "components", "schemas")["pet"] = map[string]any{"type": "object"}
		}, []string{`adds /components/schemas/Pet`, `upstream now defines /components/schemas/pet`, "action 2 (defect 2,"}},
		{"new union variant", func(doc map[string]any) {
			m(doc, "components", "schemas")["Bird"] = map[string]any{"type": "object", "properties": map[string]any{"kind": map[string]any{"type": "string", "enum": []any{"bird"}}}}
			s := m(doc, "paths", "/pets", "get", "responses", "200", "content", "application/json", "schema")
			s["oneOf"] = append(s["oneOf"].([]any), map[string]any{"$ref": "#/components/schemas/Bird"})
		}, []string{"#/components/schemas/Bird", "/components/schemas/Pet lacks", "/paths/~1pets/get/responses/200/content/application~1json/schema"}},
		{"new discriminator value", func(doc map[string]any) {
			m(doc, "components", "schemas", "Dog", "properties", "kind")["enum"] = []any{"dog", "puppy"}
		}, []string{`kind "puppy" is allowed upstream`, "not mapped by the discriminator of Pet"}},
		{"dangling ref upstream", func(doc map[string]any) {
			m(doc, "components", "schemas", "Cat", "properties")["owner"] = map[string]any{"$ref": "#/components/schemas/User"}
		}, []string{"/components/schemas/Cat/properties/owner/$ref", "#/components/schemas/User", "upstream's own text"}},
		{"dangling ref the overlay writes", func(doc map[string]any) {
			delete(m(doc, "components", "schemas"), "Dog")
			s := m(doc, "paths", "/pets", "get", "responses", "200", "content", "application/json", "schema")
			s["oneOf"] = s["oneOf"].([]any)[:1]
		}, []string{"/components/schemas/Pet/oneOf/1/$ref", "written by overlay action 2 (defect 2,"}},
		{"undeclared path parameter", func(doc map[string]any) {
			paths := doc["paths"].(map[string]any)
			paths["/pets/{petID}"] = map[string]any{"get": map[string]any{"operationId": "getPet", "responses": map[string]any{"200": map[string]any{"description": "OK"}}}}
		}, []string{"must define exactly all path parameters", "at /paths/~1pets~1{petID}/get (upstream's own text"}},
		{"invalid example", func(doc map[string]any) {
			m(doc, "paths", "/pets", "get", "responses", "200", "content", "application/json")["example"] = map[string]any{"kind": "cow"}
		}, []string{"/paths/~1pets/get/responses/200/content/application~1json/example", "invalid example"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := spec.Validate(context.Background(), miniSpec(t, tt.edit), miniOverlay)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not say %q:\n%v", w, err)
				}
			}
		})
	}
}

// TestUpstreamDefectsNeedTheOverlay shows the overlay is what makes the
// locked spec valid, and that a failure names the offending place.
func TestUpstreamDefectsNeedTheOverlay(t *testing.T) {
	t.Parallel()
	_, err := spec.Validate(context.Background(), lockedSpecFile(t, nil), "")
	if err == nil {
		t.Fatal("the raw upstream spec validated; is the overlay still needed?")
	}
	if e := err.Error(); !strings.Contains(e, `schema "`) && !strings.Contains(e, "/jobs/{jobID}") && !strings.Contains(e, "/components/schemas/") && !strings.Contains(e, "/paths/") {
		t.Errorf("error does not name the defect's path or schema: %v", err)
	}
}

// TestEveryActionApplies: every guarded action of the overlay matches the
// locked spec; after an upstream fix it fails, naming the actions to delete.
func TestEveryActionApplies(t *testing.T) {
	t.Parallel()
	rep := signAPI.base(t).Report()
	for _, line := range rep.Redundant() {
		t.Error(line)
	}
	for _, a := range rep.Actions {
		if a.Defect == 0 && a.Group == "" {
			t.Errorf("action %d (%s) is under no \"# Defect N:\" comment and in no Go-surface shaping group", a.Index, a.Target)
		}
	}
}

// requireAllDefects skips tests that fix defects in the locked spec by
// hand once the locked spec no longer has them all (TestEveryActionApplies
// then says which actions to delete).
func requireAllDefects(t *testing.T) (inOverlay map[int]bool) {
	t.Helper()
	rep := signAPI.base(t).Report()
	if len(rep.Redundant()) > 0 {
		t.Skip("the locked spec no longer has every defect the overlay fixes; see TestEveryActionApplies")
	}
	inOverlay = map[int]bool{}
	for _, a := range rep.Actions {
		inOverlay[a.Defect] = true
	}
	return inOverlay
}

// requireDefect skips a case about defect n once its actions are gone from
// the overlay (upstream fixed it, and the actions were deleted).
func requireDefect(t *testing.T, inOverlay map[int]bool, n int) {
	t.Helper()
	if !inOverlay[n] {
		t.Skipf("defect %d is no longer in the overlay", n)
	}
}

// TestUpstreamFixes: when upstream fixes defects the overlay fixes, the
// spec still validates and the comparison names the redundant actions,
// defect by defect, and nothing else.
func TestUpstreamFixes(t *testing.T) {
	t.Parallel()
	inOverlay := requireAllDefects(t)
	jobID := map[string]any{"name": "jobID", "in": "path", "required": true, "schema": map[string]any{"type": "string"}}
	fields := []string{"Checkbox", "Company", "Custom", "Date", "Initials", "Name", "Signature", "Title"}
	type fix struct {
		want   string
		edit   func(doc map[string]any)
		defect int
	}
	var fixes []fix
	for _, tt := range []struct {
		name, want string
		edit       func(doc map[string]any)
		defect     int
	}{
		{"defect 1", "info: redundant: upstream fixed defect 1 (", func(doc map[string]any) {
			m(doc, "paths", "/jobs/{jobID}", "get")["parameters"] = []any{jobID}
			m(doc, "paths", "/jobs/{jobID}/status", "get")["parameters"] = []any{jobID}
		}, 1},
		{"defect 3", "info: redundant: upstream fixed defect 3 (", func(doc map[string]any) {
			for _, f := range fields {
				p := m(doc, "components", "schemas", f, "properties")
				p["boundingBox"] = map[string]any{"type": "array", "items": map[string]any{"type": "number", "format": "float"}, "minItems": 4, "maxItems": 4,
					"example": m(p, "boundingBox")["example"]}
			}
		}, 3},
		{"defect 5", "info: redundant: upstream fixed defect 5 (", func(doc map[string]any) {
			replaceText(doc, `"statue"`, `"status"`)
		}, 5},
		{"defect 7", "info: redundant: upstream fixed defect 7 (", func(doc map[string]any) {
			m(doc, "components", "schemas", "BadRequestProblemDetail", "properties")["validation_errors"] = map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "string"}}
		}, 7},
	} {
		fixes = append(fixes, fix{tt.want, tt.edit, tt.defect})
	}
	// One candidate with every fix: each is judged on its own, so each
	// must be one finding of its own.
	var want []string
	c, err := signAPI.compare(t, func(doc map[string]any) {
		for _, f := range fixes {
			if inOverlay[f.defect] {
				f.edit(doc)
				want = append(want, f.want)
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	r := report(c, nil)
	for _, w := range want {
		if strings.Count(r, w) != 1 {
			t.Errorf("findings do not say %q once:\n%s", w, r)
		}
	}
	if strings.Count(r, "\n") != len(want) || c.Breaking() {
		t.Errorf("findings:\n%s\nwant %d, none breaking", r, len(want))
	}
}

// TestUpstreamAdditions: an upstream schema named like one the overlay adds,
// and a new variant of a union the overlay names, fail loudly.
func TestUpstreamAdditions(t *testing.T) {
	t.Parallel()
	inOverlay := requireAllDefects(t)
	for _, tt := range []struct {
		name   string
		defect int
		edit   func(doc map[string]any)
		want   []string
	}{
		{"Document collision", 4, func(doc map[string]any) {
			m(doc, "components", "schemas")["Document"] = map[string]any{"type": "object", "properties": map[string]any{"ID": map[string]any{"type": "string"}}}
		}, []string{"adds /components/schemas/Document", "upstream now defines /components/schemas/Document", "defect 4"}},
		{"new field type", 4, func(doc map[string]any) {
			s := m(doc, "components", "schemas")
			stamp := map[string]any{}
			for k, v := range m(doc, "components", "schemas", "Checkbox") {
				stamp[k] = v
			}
			props := map[string]any{}
			for k, v := range m(stamp, "properties") {
				props[k] = v
			}
			props["type"] = map[string]any{"type": "string", "enum": []any{"stamp"}}
			stamp["properties"] = props
			s["Stamp"] = stamp
			u := m(doc, "paths", "/sign/envelopes/{envelopeID}/documents/{documentID}/fields/{fieldID}", "patch", "responses", "200", "content", "application/json", "schema")
			u["oneOf"] = append(u["oneOf"].([]any), map[string]any{"$ref": "#/components/schemas/Stamp"})
		}, []string{"#/components/schemas/Stamp", "/components/schemas/Field lacks"}},
		{"new created-field type value", 6, func(doc map[string]any) {
			p := m(doc, "components", "schemas", "CreateCheckboxFieldResponse", "properties", "type")
			p["enum"] = append(p["enum"].([]any), "stamp")
		}, []string{`#/components/schemas/CreateCheckboxFieldResponse type value "stamp"`, "add it to /components/schemas/FieldType"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			requireDefect(t, inOverlay, tt.defect)
			_, err := spec.Validate(context.Background(), lockedSpecFile(t, tt.edit), signOverlay)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not say %q:\n%v", w, err)
				}
			}
		})
	}
}

// replaceText edits doc as text.
func replaceText(doc map[string]any, old, new string) {
	b, _ := json.Marshal(doc)
	var out map[string]any
	_ = json.Unmarshal([]byte(strings.ReplaceAll(string(b), old, new)), &out)
	clear(doc)
	for k, v := range out {
		doc[k] = v
	}
}

// TestMovedUnionVariants: an overlay that wraps a response's union in an
// object ({"result": oneOf(...)}) and moves one variant to another response
// (a job to a 202), as api/pdf/overlay.yaml does, keeps every upstream
// variant; a variant upstream adds to the union it replaced is still named.
func TestMovedUnionVariants(t *testing.T) {
	const overlayText = `overlay: 1.0.0
x-speakeasy-jsonpath: rfc9535
info: {title: t, version: 1.0.0}
actions:
  # Defect 1: a result is wrapped in result, and a job is a 202.
  - target: $.paths['/run'].post.responses['200'].content['application/json'].schema
    remove: true
  - target: $.paths['/run'].post.responses['200'].content['application/json']
    update:
      schema: {$ref: '#/components/schemas/Result'}
  - target: $.paths['/run'].post.responses
    update:
      '202': {description: job, content: {application/json: {schema: {$ref: '#/components/schemas/Job'}}}}
  - target: $.components.schemas
    update:
      Result: {type: object, required: [result], properties: {result: {oneOf: [{$ref: '#/components/schemas/File'}]}}}
`
	dir := t.TempDir()
	overlayPath := filepath.Join(dir, "overlay.yaml")
	if err := os.WriteFile(overlayPath, []byte(overlayText), 0o644); err != nil {
		t.Fatal(err)
	}
	object := func(member string) map[string]any {
		return map[string]any{"type": "object", "required": []any{member}, "properties": map[string]any{member: map[string]any{"type": "string"}}}
	}
	write := func(variants ...string) string {
		var oneOf []any
		for _, v := range variants {
			oneOf = append(oneOf, map[string]any{"$ref": "#/components/schemas/" + v})
		}
		doc := map[string]any{
			"openapi": "3.0.3", "info": map[string]any{"title": "t", "version": "1"},
			"paths": map[string]any{"/run": map[string]any{"post": map[string]any{"operationId": "run", "responses": map[string]any{
				"200": map[string]any{"description": "OK", "content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"oneOf": oneOf}}}}}}}},
			"components": map[string]any{"schemas": map[string]any{"File": object("file"), "Files": object("files"), "Job": object("jobID")}},
		}
		b, _ := json.Marshal(doc)
		p := filepath.Join(t.TempDir(), "openapi.json")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	if _, err := spec.Validate(context.Background(), write("File", "Job"), overlayPath); err != nil {
		t.Errorf("every variant wrapped or moved: %v", err)
	}
	_, err := spec.Validate(context.Background(), write("File", "Files", "Job"), overlayPath)
	for _, w := range []string{`#/components/schemas/Files member "files"`, "/components/schemas/Result lacks", "action 1 (defect 1,"} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("a variant upstream added: error does not say %q:\n%v", w, err)
		}
	}
}
