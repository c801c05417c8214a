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
	// What the models' documentation in the public package is written
	// from (see docs.go): each model's declaration and doc comment, its
	// exported methods, each constant's value (constVal: its literal, as
	// the source spells it; constAt: where a value that is no literal is,
	// for the error that refuses to document it), and the files' bytes.
	specs     map[string]*ast.TypeSpec
	docs      map[string]string
	methodsOf map[string][]*ast.FuncDecl
	constVal  map[string]string
	constAt   map[string]string
	src       map[string][]byte
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
		uses: map[string][]string{}, specs: map[string]*ast.TypeSpec{}, docs: map[string]string{},
		methodsOf: map[string][]*ast.FuncDecl{}, constVal: map[string]string{}, constAt: map[string]string{},
		src: map[string][]byte{}}
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("no Go files in %s", dir)
	}
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		g.src[path] = src
		f, err := parser.ParseFile(g.fset, path, src, parser.ParseComments)
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
				for i, n := range s.Names {
					if n.IsExported() {
						g.consts = append(g.consts, n.Name)
						if s.Type != nil {
							typ := g.expr(s.Type)
							g.constsOf[typ] = append(g.constsOf[typ], n.Name)
						}
						if i < len(s.Values) {
							g.readConstValue(n.Name, s.Values[i])
						}
					}
				}
			}
		case *ast.TypeSpec:
			doc := s.Doc
			if doc == nil && !gd.Lparen.IsValid() {
				doc = gd.Doc
			}
			g.docs[s.Name.Name] = doc.Text()
			g.specs[s.Name.Name] = s
			g.readType(s)
		}
	}
}

// readConstValue records a constant's value as the source spells it when
// it is a literal (an enum's "sealed", 0.5, or -90: a negative number is a
// unary minus, not a literal), so that go doc shows what goes on the wire;
// anything else, where it is, for the error the constant's model gets if
// the public package documents it.
func (g *generated) readConstValue(name string, v ast.Expr) {
	if literal(v) {
		g.constVal[name] = g.expr(v)
		return
	}
	g.constAt[name] = fmt.Sprintf("%s: %s = %s", g.fset.Position(v.Pos()), name, g.expr(v))
}

// literal reports whether e is a literal, signed or in parentheses.
func literal(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.BasicLit:
		return true
	case *ast.UnaryExpr:
		return (e.Op == token.SUB || e.Op == token.ADD) && literal(e.X)
	case *ast.ParenExpr:
		return literal(e.X)
	}
	return false
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
	g.uses[name] = append(g.uses[name], typeRefs(s.Type)...)
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

// readFromMethod records an exported method by its receiver's type, and a
// union's variant from its FromX(v X) error method.
func (g *generated) readFromMethod(d *ast.FuncDecl) {
	if d.Recv == nil || len(d.Recv.List) != 1 {
		return
	}
	recv := strings.TrimPrefix(g.expr(d.Recv.List[0].Type), "*")
	if d.Name.IsExported() {
		g.methodsOf[recv] = append(g.methodsOf[recv], d)
	}
	if !strings.HasPrefix(d.Name.Name, "From") || len(d.Type.Params.List) != 1 {
		return
	}
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
// in dir's handwritten files (those not ending .gen.go, tests excluded),
// the type names their exported declarations show (an exported function's
// or method's parameters and results, an exported type, an exported
// struct's exported fields), as "uses:<name>", and the Client methods whose
// doc says "Deprecated:", as "deprecated:<method>".
func handwritten(dir string) (map[string]bool, error) {
	own := map[string]bool{}
	uses := func(n ast.Node) {
		for _, name := range typeRefs(n) {
			own["uses:"+name] = true
		}
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
				recv := receiverName(d)
				switch {
				case d.Recv == nil:
					own[d.Name.Name] = true
				case recv == "Client":
					own["(*Client)."+d.Name.Name] = true
					if strings.Contains(d.Doc.Text(), "Deprecated:") {
						own["deprecated:(*Client)."+d.Name.Name] = true
					}
				}
				if d.Name.IsExported() && (d.Recv == nil || ast.IsExported(recv)) {
					uses(d.Type)
				}
			case *ast.GenDecl:
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.TypeSpec:
						own[s.Name.Name] = true
						if s.Name.IsExported() {
							usesExported(s.Type, uses)
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

// usesExported calls uses with what a handwritten type shows its users: a
// struct's exported fields, or the whole type.
func usesExported(t ast.Expr, uses func(ast.Node)) {
	st, ok := t.(*ast.StructType)
	if !ok {
		uses(t)
		return
	}
	for _, f := range st.Fields.List {
		if len(f.Names) == 0 || slices.ContainsFunc(f.Names, (*ast.Ident).IsExported) {
			uses(f.Type)
		}
	}
}

// receiverName is the name of a method's receiver type, without its
// pointer and type parameters (Job for *Job[R]); "" for a function.
func receiverName(d *ast.FuncDecl) string {
	if d.Recv == nil || len(d.Recv.List) == 0 {
		return ""
	}
	t := d.Recv.List[0].Type
	if st, ok := t.(*ast.StarExpr); ok {
		t = st.X
	}
	switch x := t.(type) {
	case *ast.IndexExpr:
		t = x.X
	case *ast.IndexListExpr:
		t = x.X
	}
	if id, ok := t.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}

// typeRefs lists the exported type names n refers to in this package
// (unqualified): field names and other packages' types are not among them.
func typeRefs(n ast.Node) []string {
	var out []string
	typeNamesIn(n, func(e ast.Expr) {
		if id, ok := e.(*ast.Ident); ok && id.IsExported() {
			out = append(out, id.Name)
		}
	})
	return out
}

// typeNamesIn calls fn with each name n uses as a type: an *ast.Ident, or
// an *ast.SelectorExpr for another package's; never a field's, a
// parameter's or a method's own name.
func typeNamesIn(n ast.Node, fn func(ast.Expr)) {
	var visit func(ast.Node) bool
	visit = func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.Field:
			if x.Type != nil {
				ast.Inspect(x.Type, visit)
			}
			return false
		case *ast.SelectorExpr:
			fn(x)
			return false
		case *ast.Ident:
			fn(x)
		}
		return true
	}
	ast.Inspect(n, visit)
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

// identRE finds the unqualified type names in a type expression.
var identRE = regexp.MustCompile(`(^|[^.\w])([A-Z]\w*)`)

// reachable is every model a surface reaches from the type expressions it
// shows (its methods' signatures, its handwritten declarations), through
// fields, elements, aliases and union variants. Models nothing reaches (the
// token endpoint's, say, or request-body aliases) are not aliased into the
// public package. A name the package declares by hand (own) is its own:
// what the generated model of that name reaches is not followed.
func (g *generated) reachable(roots []string, own map[string]bool) map[string]bool {
	seen := map[string]bool{}
	var visit func(name string)
	visit = func(name string) {
		if seen[name] {
			return
		}
		seen[name] = true
		if own[name] {
			return
		}
		for _, n := range g.uses[name] {
			visit(n)
		}
	}
	for _, r := range roots {
		for _, m := range identRE.FindAllStringSubmatch(r, -1) {
			visit(m[2])
		}
	}
	return seen
}
