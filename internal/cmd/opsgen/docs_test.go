package main

import (
	"go/ast"
	"go/doc"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestModelDocSpellsThePublicNames: an alias's doc shows its model's
// fields with their docs and tags, typed as the public package names them
// (an aliased model bare, one it does not alias qualified, IDs uuid.UUID),
// a union's variants and accessors, and an enum's values.
func TestModelDocSpellsThePublicNames(t *testing.T) {
	g := signGenerated(t)
	n := namer{g: g, alias: "signapi", own: map[string]bool{}, public: func(t string) bool { return t != "Notification" }}
	for name, want := range map[string][]string{
		"EnvelopeCreate":     {"type EnvelopeCreate struct {", "Mode EnvelopeMode `json:\"mode\"`", "// Name The Envelope's name.", "Notification signapi.Notification"},
		"Participant":        {"ID uuid.UUID"},
		"CreateFieldRequest": {"A union: it holds one of CreateCheckboxField,", "NewCreateFieldRequest makes one", "func (t CreateFieldRequest) AsCreateSignatureField() (CreateSignatureField, error)"},
		"EnvelopeStatus":     {"type EnvelopeStatus string", `EnvelopeStatusSealed     EnvelopeStatus = "sealed"`, "func (e EnvelopeStatus) Valid() bool"},
	} {
		d, err := n.modelDoc(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range want {
			if !strings.Contains(d, w) {
				t.Errorf("%s's doc lacks %q:\n%s", name, w, d)
			}
		}
		if strings.Contains(d, "openapi_types") {
			t.Errorf("%s's doc names openapi_types:\n%s", name, d)
		}
	}
}

// TestGoDocShowsEveryModel: in the committed sign and pdf packages, as
// go/doc (what `go doc` prints) reads them, every alias of a generated
// model documents each of its exported fields, and an enum's values are
// listed under its type.
func TestGoDocShowsEveryModel(t *testing.T) {
	for pkg, gen := range map[string]*generated{"sign": signGenerated(t), "pdf": parse(t, "../../../gen/pdfapi")} {
		p := packageDoc(t, filepath.Join("../../..", pkg))
		aliases := 0
		for _, typ := range p.Types {
			spec := typ.Decl.Specs[0].(*ast.TypeSpec)
			sel, ok := spec.Type.(*ast.SelectorExpr)
			if !spec.Assign.IsValid() || !ok || gen.specs[sel.Sel.Name] == nil {
				continue // handwritten
			}
			aliases++
			model := gen.specs[sel.Sel.Name]
			if st, ok := model.Type.(*ast.StructType); ok {
				for _, f := range st.Fields.List {
					for _, id := range f.Names {
						if id.IsExported() && !strings.Contains(typ.Doc, "    "+id.Name+" ") {
							t.Errorf("go doc %s.%s does not show its field %s:\n%s", pkg, typ.Name, id.Name, typ.Doc)
						}
					}
				}
			}
			if vals := gen.constsOf[sel.Sel.Name]; len(vals) > 0 {
				var listed []string
				for _, c := range typ.Consts {
					listed = append(listed, c.Names...)
				}
				for _, v := range vals {
					if !slices.Contains(listed, v) {
						t.Errorf("go doc %s.%s does not list its value %s", pkg, typ.Name, v)
					}
				}
			}
			if strings.Contains(typ.Doc, "openapi_types") {
				t.Errorf("go doc %s.%s names openapi_types", pkg, typ.Name)
			}
		}
		if aliases < 20 {
			t.Errorf("package %s: %d aliases of generated models, want the models its surface reaches", pkg, aliases)
		}
	}
}

// TestTypesOnlyFollowsTheHandwrittenSurface: for pdf, whose calls are
// handwritten, the models aliased are those its exported declarations
// reach, through fields and unions; a name it declares itself is its own.
func TestTypesOnlyFollowsTheHandwrittenSurface(t *testing.T) {
	g := parse(t, "../../../gen/pdfapi")
	own, err := handwritten("../../../pdf")
	if err != nil {
		t.Fatal(err)
	}
	keep := g.reachable(surface(nil, own), own)
	public := func(t string) bool { return keep[t] && !own[t] }
	for _, name := range []string{"ConversionParams", "ConversionParamsTo", "PlatformResponse", "PlatformOperationFilesResult", "JobCallback"} {
		if !public(name) {
			t.Errorf("%s is not aliased, though pdf's surface reaches it", name)
		}
	}
	for _, name := range []string{"JobError", "Delivery", "Client", "ConvertDocumentParams"} {
		if public(name) {
			t.Errorf("%s is aliased: pdf declares it by hand, or nothing of pdf's reaches it", name)
		}
	}
}

func signGenerated(t *testing.T) *generated { return parse(t, "../../../gen/signapi") }

func parse(t *testing.T, dir string) *generated {
	t.Helper()
	g, err := parseGenerated(dir)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// packageDoc reads a package's documentation as go doc does.
func packageDoc(t *testing.T, dir string) *doc.Package {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var files []*ast.File
	for _, p := range paths {
		if strings.HasSuffix(p, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, p, nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	p, err := doc.NewFromFiles(fset, files, "github.com/nitrokit/nitro/"+filepath.Base(dir))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// oddShapes is generated code with the shapes the committed specs do not
// have yet: negative and float enum values, an inline object, an embedded
// model, a deprecated field, a union whose variant the public package
// declares itself, a method without a body.
const oddShapes = `package xapi

import "encoding/json"

// Rotation Rotation in degrees.
type Rotation int

const (
	RotationMinus90 Rotation = -90
	RotationN90     Rotation = (90)
)

// Ratio a float enum.
type Ratio float32

const (
	RatioHalf Ratio = 0.5
	RatioNeg  Ratio = -0.25
)

// Base is embedded.
type Base struct {
	ID string ` + "`json:\"id\"`" + `
}

// Own is declared by the public package itself.
type Own struct{ A string }

// Outer has an inline object, an embedded model and a deprecated field.
type Outer struct {
	Base
	// Inner is an inline object.
	Inner struct {
		// Rot a rotation.
		Rot Rotation ` + "`json:\"rot\"`" + `
		Own Own
	} ` + "`json:\"inner\"`" + `
	// Old is old.
	//
	// Deprecated: use Inner.
	Old string ` + "`json:\"old\"`" + `
}

// Union is a union.
type Union struct {
	union json.RawMessage
}

// FromBase sets it.
func (t *Union) FromBase(v Base) error { return nil }

// FromOwn sets it.
func (t *Union) FromOwn(v Own) error { return nil }

// Valid has no body.
func (t Union) Valid() bool
`

// TestModelDocReadsOddShapes: the doc of each shape in oddShapes says
// what the generated code declares (a negative value is -90, not the
// constant's name), with the public package's spelling.
func TestModelDocReadsOddShapes(t *testing.T) {
	g := parseSource(t, oddShapes)
	n := namer{g: g, alias: "xapi", own: map[string]bool{"Own": true}, public: func(t string) bool { return t != "Own" }}
	for name, want := range map[string][]string{
		"Rotation": {"RotationMinus90 Rotation = -90", "RotationN90     Rotation = (90)"},
		"Ratio":    {"RatioNeg  Ratio = -0.25", "RatioHalf Ratio = 0.5"},
		"Outer":    {"    Base\n", "Inner struct {", "Rot Rotation `json:\"rot\"`", "Own xapi.Own", "// Deprecated: use Inner."},
		"Union":    {"one of Base or xapi.Own.", "func (t *Union) FromOwn(v xapi.Own) error", "func (t Union) Valid() bool"},
	} {
		d, err := n.modelDoc(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, w := range want {
			if !strings.Contains(d, w) {
				t.Errorf("%s's doc lacks %q:\n%s", name, w, d)
			}
		}
		if strings.Contains(d, "= xapi.") {
			t.Errorf("%s's doc shows a value by its name, not what it sends:\n%s", name, d)
		}
	}
	out, err := renderTypes("x", "example.com/xapi", g, n.own, map[string]bool{"Rotation": true, "Ratio": true, "Outer": true, "Union": true, "Base": true})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "\tRotationMinus90 Rotation = -90\n") {
		t.Errorf("the public constant is not the generated literal:\n%s", out)
	}
}

// TestModelDocRefusesAValueItCannotShow: a constant whose value is no
// literal fails generation, naming where it is and what to change, rather
// than documenting the value by its name.
func TestModelDocRefusesAValueItCannotShow(t *testing.T) {
	g := parseSource(t, `package xapi

// Mode a mode.
type Mode string

const base = "a"

const (
	ModeA Mode = base
	ModeB Mode = "b"
)
`)
	n := namer{g: g, alias: "xapi", own: map[string]bool{}, public: func(string) bool { return true }}
	_, err := n.modelDoc("Mode")
	if err == nil || !strings.Contains(err.Error(), "x.gen.go:9:") || !strings.Contains(err.Error(), "ModeA = base") || !strings.Contains(err.Error(), "internal/cmd/opsgen") {
		t.Errorf("modelDoc(Mode) = %v, want an error naming x.gen.go:9, ModeA = base and opsgen", err)
	}
	if _, err := renderTypes("x", "example.com/xapi", g, n.own, map[string]bool{"Mode": true}); err == nil {
		t.Error("renderTypes wrote Mode's values, one of which it cannot show")
	}
	if _, err := n.modelDoc("Nope"); err == nil || !strings.Contains(err.Error(), "Nope") {
		t.Errorf("modelDoc(Nope) = %v, want an error naming the type it has not", err)
	}
}

// parseSource reads src as a generated package's one file.
func parseSource(t *testing.T, src string) *generated {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "x.gen.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return parse(t, dir)
}

// TestGoDocNamesResolve: in the committed sign and pdf packages, every
// declaration an alias's doc shows parses, and each name it uses is one the
// package's user can look up: a type or value the public package declares
// (spelled bare, as the user does), a predeclared one, or one qualified by
// the generated package (a model the public package does not alias) or by
// a package the models import (uuid, time, json).
func TestGoDocNamesResolve(t *testing.T) {
	known := map[string]bool{"uuid": true, "time": true, "json": true}
	for _, pkg := range []string{"sign", "pdf"} {
		p := packageDoc(t, filepath.Join("../../..", pkg))
		declared := map[string]bool{}
		for _, typ := range p.Types {
			declared[typ.Name] = true
			for _, c := range typ.Consts {
				for _, name := range c.Names {
					declared[name] = true
				}
			}
		}
		for _, typ := range p.Types {
			for _, block := range codeBlocks(typ.Doc) {
				if !strings.HasPrefix(block, "type ") && !strings.HasPrefix(block, "func ") {
					continue // an example in the spec's prose
				}
				f, err := parser.ParseFile(token.NewFileSet(), "", "package p\n"+block, 0)
				if err != nil {
					t.Errorf("go doc %s.%s shows a declaration that does not parse (%v):\n%s", pkg, typ.Name, err, block)
					continue
				}
				for _, name := range typeNames(f) {
					q, sel, qualified := strings.Cut(name, ".")
					switch {
					case qualified && q != pkg+"api" && !known[q]:
						t.Errorf("go doc %s.%s names %s, of a package its user does not know", pkg, typ.Name, name)
					case qualified && declared[sel] && q == pkg+"api":
						t.Errorf("go doc %s.%s names %s, which %s declares as %s", pkg, typ.Name, name, pkg, sel)
					case !qualified && ast.IsExported(name) && !declared[name]:
						t.Errorf("go doc %s.%s names %s, which package %s does not declare", pkg, typ.Name, name, pkg)
					}
				}
			}
		}
	}
}

// codeBlocks are a doc's indented blocks, unindented.
func codeBlocks(doc string) []string {
	var blocks []string
	var cur []string
	for _, l := range strings.Split(doc+"\n", "\n") {
		if strings.HasPrefix(l, "\t") || (l == "" && len(cur) > 0) {
			cur = append(cur, strings.TrimPrefix(l, "\t"))
			continue
		}
		if len(cur) > 0 {
			blocks = append(blocks, strings.TrimSpace(strings.Join(cur, "\n")))
			cur = nil
		}
	}
	if len(cur) > 0 {
		blocks = append(blocks, strings.TrimSpace(strings.Join(cur, "\n")))
	}
	return blocks
}

// typeNames lists the names f's declarations use as types, qualified as
// written ("uuid.UUID"), and in constants' values.
func typeNames(f *ast.File) []string {
	var out []string
	add := func(e ast.Expr) {
		if sel, ok := e.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok {
				out = append(out, id.Name+"."+sel.Sel.Name)
			}
			return
		}
		out = append(out, e.(*ast.Ident).Name)
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv != nil {
				typeNamesIn(d.Recv, add)
			}
			typeNamesIn(d.Type, add)
		case *ast.GenDecl:
			for _, s := range d.Specs {
				switch s := s.(type) {
				case *ast.TypeSpec:
					typeNamesIn(s.Type, add)
				case *ast.ValueSpec:
					if s.Type != nil {
						typeNamesIn(s.Type, add)
					}
					for _, v := range s.Values {
						typeNamesIn(v, add)
					}
				}
			}
		}
	}
	return out
}

// TestTypesOnlyIsDeterministic: pdf's types.gen.go, rendered again and
// again from fresh parses (map orders differ each time), is byte for byte
// the committed one; and each of sign's model docs is the same each time.
func TestTypesOnlyIsDeterministic(t *testing.T) {
	committed, err := os.ReadFile("../../../pdf/types.gen.go")
	if err != nil {
		t.Fatal(err)
	}
	for range 5 {
		g := parse(t, "../../../gen/pdfapi")
		own, err := handwritten("../../../pdf")
		if err != nil {
			t.Fatal(err)
		}
		out, err := renderTypes("pdf", "github.com/nitrokit/nitro/gen/pdfapi", g, own, g.reachable(surface(nil, own), own))
		if err != nil {
			t.Fatal(err)
		}
		if string(out) != string(committed) {
			t.Fatal("pdf/types.gen.go rendered differently from the committed one: run make generate, or find the map order it depends on")
		}
	}
	var first map[string]string
	for range 5 {
		g := signGenerated(t)
		n := namer{g: g, alias: "signapi", own: map[string]bool{}, public: func(string) bool { return true }}
		docs := map[string]string{}
		for _, name := range g.types {
			d, err := n.modelDoc(name)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			docs[name] = d
		}
		if first == nil {
			first = docs
			continue
		}
		for name, d := range docs {
			if first[name] != d {
				t.Fatalf("sign's %s doc differs from one run to the next:\n%s\n---\n%s", name, first[name], d)
			}
		}
	}
}
