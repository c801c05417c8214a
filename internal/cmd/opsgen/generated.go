package main

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// generated is what oapi-codegen wrote for one API, read from its source.
type generated struct {
	fset *token.FileSet
	// methods are the raw ClientInterface methods, keyed by "METHOD path"
	// from their "Corresponds with" doc line (a JSON-body operation has two:
	// Name and NameWithBody).
	methods map[string][]rawMethod
	// successTypes maps a method name to its …Response wrapper's 2xx JSON
	// field types, by status code.
	successTypes map[string]map[string]string
	// types, unions and consts are the exported model declarations; each
	// union maps to its variants (the X of its FromX methods).
	types  []string
	unions map[string][]string
	consts []string
	// typeField maps a struct to the type of its Type field, and
	// constsOf a type to its constants: together they find the variants
	// whose "type" member can take only one value.
	typeField map[string]string
	constsOf  map[string][]string
	// aliasOf maps an alias (CreateEnvelopeJSONRequestBody) to its target
	// (EnvelopeCreate); uses maps each model to the type expressions it is
	// made of (field types, element types), to find what a surface reaches.
	aliasOf map[string]string
	uses    map[string][]string
}

// rawMethod is one ClientInterface method without its ctx and reqEditors.
type rawMethod struct {
	name   string
	params []param
}

type param struct{ name, typ string }

// corresponds is oapi-codegen's doc line naming a method's operation.
var corresponds = regexp.MustCompile(`Corresponds with (\w+) (\S+) `)

// parseGenerated reads the non-test .go files of dir.
func parseGenerated(dir string) (*generated, error) {
	g := &generated{fset: token.NewFileSet(), methods: map[string][]rawMethod{},
		successTypes: map[string]map[string]string{}, unions: map[string][]string{},
		typeField: map[string]string{}, constsOf: map[string][]string{}, aliasOf: map[string]string{},
		uses: map[string][]string{}}
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("no Go files in %s", dir)
	}
	for _, path := range files {
		f, err := parser.ParseFile(g.fset, path, nil, parser.ParseComments)
		if err != nil {
			return nil, err
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.GenDecl:
				g.readDecl(d)
			case *ast.FuncDecl:
				g.readFromMethod(d)
			}
		}
	}
	slices.Sort(g.types)
	slices.Sort(g.consts)
	return g, nil
}

func (g *generated) readDecl(gd *ast.GenDecl) {
	for _, spec := range gd.Specs {
		switch s := spec.(type) {
		case *ast.ValueSpec:
			if gd.Tok == token.CONST {
				for _, n := range s.Names {
					if n.IsExported() {
						g.consts = append(g.consts, n.Name)
						if s.Type != nil {
							typ := g.expr(s.Type)
							g.constsOf[typ] = append(g.constsOf[typ], n.Name)
						}
					}
				}
			}
		case *ast.TypeSpec:
			g.readType(s)
		}
	}
}

// clientPlumbing are the raw client's own types: reachable through the
// generated package, never aliased into the public one.
var clientPlumbing = []string{"Client", "ClientInterface", "ClientOption", "ClientWithResponses",
	"ClientWithResponsesInterface", "HttpRequestDoer", "RequestEditorFn"}

func (g *generated) readType(s *ast.TypeSpec) {
	name := s.Name.Name
	if !s.Name.IsExported() || slices.Contains(clientPlumbing, name) {
		if name == "ClientInterface" {
			g.readInterface(s.Type.(*ast.InterfaceType))
		}
		return
	}
	if s.Assign.IsValid() {
		g.aliasOf[name] = g.expr(s.Type)
	}
	g.uses[name] = append(g.uses[name], g.expr(s.Type))
	if st, ok := s.Type.(*ast.StructType); ok {
		fields := map[string]string{}
		for _, f := range st.Fields.List {
			for _, n := range f.Names {
				fields[n.Name] = g.expr(f.Type)
			}
		}
		if _, ok := fields["HTTPResponse"]; ok { // a …Response wrapper
			g.successTypes[strings.TrimSuffix(name, "Response")] = jsonSuccesses(fields)
			return
		}
		if t, ok := fields["Type"]; ok {
			g.typeField[name] = t
		}
		if fields["union"] == "json.RawMessage" {
			g.unions[name] = append(g.unions[name], []string{}...) // known, variants to come
		}
	}
	g.types = append(g.types, name)
}

// jsonSuccesses picks a wrapper's JSON2xx fields, without their pointer.
func jsonSuccesses(fields map[string]string) map[string]string {
	out := map[string]string{}
	for name, typ := range fields {
		if code, ok := strings.CutPrefix(name, "JSON"); ok && strings.HasPrefix(code, "2") {
			out[code] = strings.TrimPrefix(typ, "*")
		}
	}
	return out
}

// readFromMethod records a union's variant from its FromX(v X) error method.
func (g *generated) readFromMethod(d *ast.FuncDecl) {
	if d.Recv == nil || !strings.HasPrefix(d.Name.Name, "From") || len(d.Type.Params.List) != 1 {
		return
	}
	recv := strings.TrimPrefix(g.expr(d.Recv.List[0].Type), "*")
	variant := g.expr(d.Type.Params.List[0].Type)
	if d.Name.Name == "From"+variant {
		g.unions[recv] = append(g.unions[recv], variant)
		g.uses[recv] = append(g.uses[recv], variant)
	}
}

func (g *generated) readInterface(it *ast.InterfaceType) {
	for _, m := range it.Methods.List {
		m2 := corresponds.FindStringSubmatch(m.Doc.Text())
		ft, ok := m.Type.(*ast.FuncType)
		if m2 == nil || !ok || len(m.Names) != 1 {
			continue
		}
		rm := rawMethod{name: m.Names[0].Name}
		for _, p := range ft.Params.List {
			typ := g.expr(p.Type)
			if typ == "context.Context" || strings.HasPrefix(typ, "...") {
				continue
			}
			for _, n := range p.Names {
				rm.params = append(rm.params, param{name: n.Name, typ: typ})
			}
		}
		key := strings.ToUpper(m2[1]) + " " + m2[2]
		g.methods[key] = append(g.methods[key], rm)
	}
}

// expr prints a type expression as the generated source spells it, but for
// openapi_types.UUID, an alias of uuid.UUID: callers know the latter.
func (g *generated) expr(e ast.Expr) string {
	var b bytes.Buffer
	_ = printer.Fprint(&b, g.fset, e)
	return strings.ReplaceAll(b.String(), "openapi_types.UUID", "uuid.UUID")
}

// handwritten lists the methods of Client and the top-level names declared
// in dir's handwritten files (those not ending .gen.go, tests excluded), the
// type expressions their exported declarations use, as "uses:<expr>", and
// the Client methods whose doc says "Deprecated:", as "deprecated:<method>".
func handwritten(dir string) (map[string]bool, error) {
	own := map[string]bool{}
	printExpr := func(fset *token.FileSet, e ast.Expr) string {
		var b bytes.Buffer
		_ = printer.Fprint(&b, fset, e)
		return b.String()
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
	fset := token.NewFileSet()
	for _, path := range files {
		if strings.HasSuffix(path, ".gen.go") || strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution|parser.ParseComments)
		if err != nil {
			return nil, err
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				switch {
				case d.Recv == nil:
					own[d.Name.Name] = true
				case strings.TrimPrefix(printExpr(fset, d.Recv.List[0].Type), "*") == "Client":
					own["(*Client)."+d.Name.Name] = true
					if strings.Contains(d.Doc.Text(), "Deprecated:") {
						own["deprecated:(*Client)."+d.Name.Name] = true
					}
				default:
					continue // another type's method shadows nothing
				}
				if d.Name.IsExported() {
					for _, fl := range append(d.Type.Params.List, fieldsOf(d.Type.Results)...) {
						own["uses:"+printExpr(fset, fl.Type)] = true
					}
				}
			case *ast.GenDecl:
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.TypeSpec:
						own[s.Name.Name] = true
						if s.Name.IsExported() {
							own["uses:"+printExpr(fset, s.Type)] = true
						}
					case *ast.ValueSpec:
						for _, n := range s.Names {
							own[n.Name] = true
						}
					}
				}
			}
		}
	}
	return own, nil
}

// packageName is the name of the package in dir, from its handwritten doc.go.
func packageName(dir string) string {
	f, err := parser.ParseFile(token.NewFileSet(), filepath.Join(dir, "doc.go"), nil, parser.PackageClauseOnly)
	if err != nil {
		return filepath.Base(dir)
	}
	return f.Name.Name
}

// write writes content to path, always: `make generate` tells stale
// generated files by their not being written in its run.
func write(path string, content []byte) error { return os.WriteFile(path, content, 0o644) }

// onlyTypeValue is the constant a variant's Type field must hold when its
// type has exactly one value (CreateSignatureFieldTypeSignature), or "".
func (g *generated) onlyTypeValue(variant string) string {
	if c := g.constsOf[g.typeField[variant]]; len(c) == 1 {
		return c[0]
	}
	return ""
}

// resolve follows aliases to the named type they stand for, so signatures
// show EnvelopeCreate rather than CreateEnvelopeJSONRequestBody.
func (g *generated) resolve(typ string) string {
	for range 8 { // alias chains are short; the bound only guards a cycle
		target, ok := g.aliasOf[typ]
		if !ok {
			break
		}
		typ = target
	}
	return typ
}

func fieldsOf(fl *ast.FieldList) []*ast.Field {
	if fl == nil {
		return nil
	}
	return fl.List
}

// identRE finds the unqualified type names in a type expression.
var identRE = regexp.MustCompile(`(^|[^.\w])([A-Z]\w*)`)

// reachable is every model a surface reaches from the type expressions it
// shows (its methods' signatures), through fields, elements, aliases and
// union variants. Models nothing reaches (the token endpoint's, say, or
// request-body aliases) are not aliased into the public package.
func (g *generated) reachable(roots []string) map[string]bool {
	seen := map[string]bool{}
	var visit func(expr string)
	visit = func(expr string) {
		for _, m := range identRE.FindAllStringSubmatch(expr, -1) {
			name := m[2]
			if seen[name] {
				continue
			}
			seen[name] = true
			for _, e := range g.uses[name] {
				visit(e)
			}
		}
	}
	for _, r := range roots {
		visit(r)
	}
	return seen
}
