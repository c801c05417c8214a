package main

import (
	"go/ast"
	"go/doc"
	"go/parser"
	"go/token"
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
