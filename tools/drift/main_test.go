package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.uber.org/goleak"
	"golang.org/x/exp/apidiff"
)

// The tests are hermetic: a mini spec (internal/spec/testdata) is locked in
// a temporary API directory and cache, and candidates are files; the tests
// of the HTTP level on the real APIs use their locked specs from the cache
// or the mirror, and skip without them.
const (
	repo     = "../.."
	miniSpec = "../../internal/spec/testdata/mini.json"
	miniOver = "../../internal/spec/testdata/mini-overlay.yaml"
	// mirror is the machine's mirror of upstream specs, relative to repo
	// (where the spec tool runs).
	mirror = "../shared/upstream"
)

// specTool is internal/cmd/spec, built once for all tests.
var specTool string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "drift-test-")
	if err != nil {
		panic(err)
	}
	specTool = filepath.Join(dir, "spec")
	abs, _ := filepath.Abs(repo)
	if err := buildSpecTool(abs, specTool); err != nil {
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(dir)
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, "goleak:", err)
			code = 1
		}
	}
	os.Exit(code)
}

// miniAPI locks the mini spec in a temporary api/<name> directory.
func miniAPI(t *testing.T) string {
	t.Helper()
	src, _ := filepath.Abs(miniSpec)
	return miniAPIWith(t, src, "")
}

// miniAPIWith locks the spec at src (absolute) with the mini overlay and,
// unless empty, a preload.yaml.
func miniAPIWith(t *testing.T, src, preload string) string {
	t.Helper()
	t.Setenv("NITRO_SPEC_CACHE", t.TempDir())
	dir := filepath.Join(t.TempDir(), "mini")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(miniOver)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "overlay.yaml"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	if preload != "" {
		if err := os.WriteFile(filepath.Join(dir, "preload.yaml"), []byte(preload), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(specTool, "update", "-dir", dir, "-src", src)
	cmd.Dir = repo
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("lock the mini spec: %v\n%s", err, out)
	}
	return dir
}

// candidate writes the mini spec changed by edit, or body when edit is nil.
func candidate(t *testing.T, edit func(doc map[string]any), body string) string {
	t.Helper()
	out := []byte(body)
	if edit != nil {
		b, err := os.ReadFile(miniSpec)
		if err != nil {
			t.Fatal(err)
		}
		var doc map[string]any
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		edit(doc)
		out, _ = json.MarshalIndent(doc, "", "\t")
	}
	path := filepath.Join(t.TempDir(), "candidate.json")
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func paths(doc map[string]any) map[string]any { return doc["paths"].(map[string]any) }

func TestDriftExitCodes(t *testing.T) {
	dir := miniAPI(t)
	tests := []struct {
		name string
		edit func(map[string]any)
		body string
		code int
		says []string
	}{
		{"reformat", func(map[string]any) {}, "", identical, []string{"same canonical form"}},
		{"operation added", func(doc map[string]any) {
			paths(doc)["/ping"] = map[string]any{"get": map[string]any{"operationId": "ping", "responses": map[string]any{"200": map[string]any{"description": "OK"}}}}
		}, "", differ, []string{"operations added: 1", "/ping (ping)", "no breaking change"}},
		{"operation removed", func(doc map[string]any) {
			delete(paths(doc), "/pets")
		}, "", breaking, []string{"operations removed: 1", "(listPets)", "breaking"}},
		{"defect fixed upstream", func(doc map[string]any) {
			paths(doc)["/jobs/{jobID}"].(map[string]any)["get"].(map[string]any)["parameters"] = []any{
				map[string]any{"name": "jobID", "in": "path", "required": true, "schema": map[string]any{"type": "string"}}}
		}, "", differ, []string{"upstream fixed defect 1 (", "action 1 (defect 1,", "No change after the overlay"}},
		{"dangling $ref", func(doc map[string]any) {
			doc["components"].(map[string]any)["schemas"].(map[string]any)["Cat"].(map[string]any)["properties"].(map[string]any)["owner"] = map[string]any{"$ref": "#/components/schemas/User"}
		}, "", breaking, []string{"cannot be accepted", "/components/schemas/Cat/properties/owner/$ref"}},
		{"empty body", nil, "", failed, []string{"could not compare", "empty"}},
		{"HTML", nil, "<!DOCTYPE html><html><body>Maintenance</body></html>", failed, []string{"could not compare", "HTML"}},
		{"error object", nil, `{"message":"Forbidden"}`, failed, []string{"could not compare", "Forbidden"}},
		{"missing file", nil, "", failed, []string{"could not compare"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := candidate(t, tt.edit, tt.body)
			if tt.name == "missing file" {
				c += ".missing"
			}
			var out bytes.Buffer
			code := run(&out, options{repo: repo, dir: dir, candidate: c, tool: specTool})
			if code != tt.code {
				t.Fatalf("run = %d; want %d\n%s", code, tt.code, &out)
			}
			for _, s := range tt.says {
				if !strings.Contains(out.String(), s) {
					t.Errorf("output lacks %q:\n%s", s, &out)
				}
			}
		})
	}
}

// miniPreload repairs what keeps the raw spec of TestDriftWithPreload from
// loading: a $ref to a schema it never defines.
const miniPreload = `overlay: 1.0.0
x-speakeasy-jsonpath: rfc9535
info: {title: mini preload, version: 1.0.0}
actions:
  # Defect 1: Cat's owner refers to an Owner schema the spec lacks.
  - target: $.components.schemas
    update:
      Owner: {type: object, properties: {name: {type: string}}}
`

// TestDriftWithPreload: an API whose raw spec loads only after its
// preload.yaml (as api/pdf) is compared like any other, and an upstream that
// starts defining what the preload adds is named, not merged.
func TestDriftWithPreload(t *testing.T) {
	dangling := func(doc map[string]any) {
		doc["components"].(map[string]any)["schemas"].(map[string]any)["Cat"].(map[string]any)["properties"].(map[string]any)["owner"] = map[string]any{"$ref": "#/components/schemas/Owner"}
	}
	locked := candidate(t, dangling, "")
	dir := miniAPIWith(t, locked, miniPreload)
	for _, tt := range []struct {
		name string
		edit func(doc map[string]any)
		code int
		says []string
	}{
		{"the locked spec", dangling, identical, []string{"same canonical form"}},
		{"operation added", func(doc map[string]any) {
			dangling(doc)
			paths(doc)["/ping"] = map[string]any{"get": map[string]any{"operationId": "ping", "responses": map[string]any{"200": map[string]any{"description": "OK"}}}}
		}, differ, []string{"operations added: 1", "/ping (ping)"}},
		{"upstream defines what the preload adds", func(doc map[string]any) {
			dangling(doc)
			doc["components"].(map[string]any)["schemas"].(map[string]any)["Owner"] = map[string]any{"type": "object"}
		}, breaking, []string{"preload", "adds /components/schemas/Owner, but upstream now defines it", "defect 1"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			code := run(&out, options{repo: repo, dir: dir, candidate: candidate(t, tt.edit, ""), tool: specTool})
			if code != tt.code {
				t.Fatalf("run = %d; want %d\n%s", code, tt.code, &out)
			}
			for _, s := range tt.says {
				if !strings.Contains(out.String(), s) {
					t.Errorf("output lacks %q:\n%s", s, &out)
				}
			}
		})
	}
}

func TestDriftWithoutTheLockedSpec(t *testing.T) {
	dir := miniAPI(t)
	t.Setenv("NITRO_SPEC_CACHE", t.TempDir()) // an empty cache, no mirror
	var out bytes.Buffer
	if code := run(&out, options{repo: repo, dir: dir, candidate: candidate(t, func(map[string]any) {}, ""), tool: specTool}); code != failed {
		t.Fatalf("run = %d, want %d\n%s", code, failed, &out)
	}
	if !strings.Contains(out.String(), "is not available") {
		t.Errorf("output does not say the locked spec is unavailable:\n%s", &out)
	}
}

// TestReportGoNamesRenames: a renamed type is incompatible, and the report
// names the old and the new name.
func TestReportGoNamesRenames(t *testing.T) {
	old := typecheck(t, "package p\ntype Notification struct{ Subject string }\ntype EnvelopeCreate struct{ N Notification }\n")
	cand := typecheck(t, "package p\ntype EnvelopeNotification struct{ Subject string }\ntype EnvelopeCreate struct{ N EnvelopeNotification }\n")
	var out bytes.Buffer
	if n := reportGo(&out, "./p", apidiff.Changes(old, cand)); n == 0 {
		t.Errorf("no incompatible change:\n%s", &out)
	}
	if !strings.Contains(out.String(), "Notification → EnvelopeNotification") {
		t.Errorf("the rename is not named:\n%s", &out)
	}
}

// TestInterfaceAdditionsAreNotBreaking: a new operation adds methods to the
// generated client interfaces; callers are unaffected.
func TestInterfaceAdditionsAreNotBreaking(t *testing.T) {
	old := typecheck(t, "package p\ntype ClientInterface interface{ A() }\ntype Client struct{}\nfunc (*Client) A() {}\n")
	cand := typecheck(t, "package p\ntype ClientInterface interface{ A(); Ping() }\ntype Client struct{}\nfunc (*Client) A() {}\nfunc (*Client) Ping() {}\n")
	var out bytes.Buffer
	if n := reportGo(&out, "./p", apidiff.Changes(old, cand)); n != 0 {
		t.Errorf("%d incompatible changes, want 0:\n%s", n, &out)
	}
	if !strings.Contains(out.String(), "ClientInterface.Ping: added") {
		t.Errorf("the addition is not listed:\n%s", &out)
	}
}

func typecheck(t *testing.T, src string) *types.Package {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	p, err := (&types.Config{Importer: importer.Default()}).Check("example.com/p", fset, []*ast.File{f}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// lockedCandidate writes the locked spec of the API in dir (relative to
// repo), changed by edit; it skips without the locked spec.
func lockedCandidate(t *testing.T, dir string, edit func(doc map[string]any)) string {
	t.Helper()
	lock, err := os.ReadFile(filepath.Join(repo, dir, "openapi.lock"))
	if err != nil {
		t.Fatal(err)
	}
	sum := lockValue(string(lock), "sha256")
	var b []byte
	for _, p := range []string{filepath.Join(os.Getenv("NITRO_SPEC_CACHE"), sum+".json"), cachePath(sum)} {
		if b, err = os.ReadFile(p); err == nil {
			break
		}
	}
	if b == nil {
		matches, _ := filepath.Glob(filepath.Join(repo, mirror, "*.json"))
		for _, p := range matches {
			if c, err := os.ReadFile(p); err == nil && fmt.Sprintf("%x", sha256.Sum256(c)) == sum {
				b = c
			}
		}
	}
	if b == nil {
		t.Skipf("the locked spec of %s (sha256 %s) is in neither the cache nor the mirror: run `make spec`", dir, sum)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	edit(doc)
	out, _ := json.Marshal(doc)
	path := filepath.Join(t.TempDir(), "candidate.json")
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func cachePath(sum string) string {
	d, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "nitro", "specs", sum+".json")
}

// get walks a decoded JSON document by keys.
func get(v any, keys ...string) map[string]any {
	for _, k := range keys {
		v = v.(map[string]any)[k]
	}
	return v.(map[string]any)
}

// compose turns a components schema into an allOf of two parts holding the
// same members (the first takes the named ones): the same wire form.
func compose(doc map[string]any, schema string, first ...string) {
	s := get(doc, "components", "schemas", schema)
	a, b := map[string]any{}, map[string]any{}
	for k, v := range get(s, "properties") {
		if slices.Contains(first, k) {
			a[k] = v
		} else {
			b[k] = v
		}
	}
	delete(s, "properties")
	delete(s, "type")
	s["allOf"] = []any{map[string]any{"type": "object", "properties": a}, map[string]any{"type": "object", "properties": b}}
}

// outOfLine moves the schema at keys into components under name.
func outOfLine(doc map[string]any, name string, keys ...string) {
	holder := get(doc, keys[:len(keys)-1]...)
	last := keys[len(keys)-1]
	get(doc, "components", "schemas")[name] = holder[last]
	holder[last] = map[string]any{"$ref": "#/components/schemas/" + name}
}

// TestWireNotShape: on both APIs, a schema moved into components or an
// object composed with allOf, with the same JSON on the wire, is no HTTP
// change (oasdiff on merged allOf), where it used to be reported as
// breaking ("removed the required property", object to any).
func TestWireNotShape(t *testing.T) {
	for _, tt := range []struct {
		name, dir string
		edit      func(doc map[string]any)
	}{
		{"sign: createDocument's body moved into components", "api/sign", func(doc map[string]any) {
			outOfLine(doc, "DocumentUpload", "paths", "/sign/envelopes/{envelopeID}/documents", "post", "requestBody", "content", "multipart/form-data", "schema")
		}},
		{"sign: Notification composed with allOf", "api/sign", func(doc map[string]any) {
			compose(doc, "Notification", "subject")
		}},
		{"sign: Envelope-list composed with allOf", "api/sign", func(doc map[string]any) {
			compose(doc, "EnvelopeList", "items")
		}},
		{"pdf: a rotation item moved into components", "api/pdf", func(doc map[string]any) {
			outOfLine(doc, "RotationItem", "components", "schemas", "Rotation", "properties", "rotations", "items")
		}},
		{"pdf: Callback composed with allOf", "api/pdf", func(doc map[string]any) {
			compose(doc, "Callback", "URL")
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			code := run(&out, options{repo: repo, dir: tt.dir, candidate: lockedCandidate(t, tt.dir, tt.edit), mirror: mirror, noGo: true, tool: specTool})
			if code != differ || !strings.Contains(out.String(), "No change after the overlay.") && !strings.Contains(out.String(), "changes checked for compatibility: 0\n") {
				t.Errorf("run = %d, want %d and no HTTP change:\n%s", code, differ, &out)
			}
		})
	}
}

// TestDriftReportsFindings: the loader's findings reach the report, by
// kind, and a breaking one makes drift breaking.
func TestDriftReportsFindings(t *testing.T) {
	for _, tt := range []struct {
		name, dir string
		edit      func(doc map[string]any)
		says      []string
	}{
		{"sign: an API key on listEnvelopes", "api/sign", func(doc map[string]any) {
			get(doc, "components", "securitySchemes")["ApiKeyAuth"] = map[string]any{"type": "apiKey", "in": "header", "name": "X-API-Key"}
			get(doc, "paths", "/sign/envelopes", "get")["security"] = []any{map[string]any{"ApiKeyAuth": []any{}}}
		}, []string{"### Security", "- **breaking**: GET /sign/envelopes (listEnvelopes) requires ApiKeyAuth", "1 breaking finding(s)"}},
		{"pdf: the job result moved", "api/pdf", func(doc map[string]any) {
			p := doc["paths"].(map[string]any)
			p["/v2/jobs/{jobID}"] = p["/jobs/{jobID}"]
			delete(p, "/jobs/{jobID}")
		}, []string{"### Overlay actions whose target is gone (re-target them)", "operation getJobResult is now at /paths/~1v2~1jobs~1{jobID}/get"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			code := run(&out, options{repo: repo, dir: tt.dir, candidate: lockedCandidate(t, tt.dir, tt.edit), mirror: mirror, noGo: true, tool: specTool})
			if code != breaking {
				t.Errorf("run = %d, want %d:\n%s", code, breaking, &out)
			}
			for _, s := range tt.says {
				if !strings.Contains(out.String(), s) {
					t.Errorf("output lacks %q:\n%s", s, &out)
				}
			}
		})
	}
}

// TestReportFindingsCountsEveryKind: a finding of a kind the report has no
// section for is printed and, when breaking, counted; dropped, it would
// turn a breaking upstream change into a compatible one.
func TestReportFindingsCountsEveryKind(t *testing.T) {
	var out strings.Builder
	n := reportFindings(&out, []finding{
		{breaking: true, kind: "security", text: "a scheme went"},
		{breaking: true, kind: "some-new-kind", text: "something the library now judges"},
		{kind: "another-new-kind", text: "for information"},
	})
	if n != 2 {
		t.Errorf("%d breaking findings counted, want 2:\n%s", n, out.String())
	}
	for _, want := range []string{"### Security", "### Other findings", "some-new-kind: something the library now judges", "another-new-kind: for information"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the report lacks %q:\n%s", want, out.String())
		}
	}
}
