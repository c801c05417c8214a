package main

import (
	"fmt"
	"go/ast"
	"go/format"
	"go/token"
	"slices"
	"strings"
)

// A model's alias in the public package is a type alias, so its methods
// (the union accessors) and JSON encoding are the generated model's, with
// no conversion; but `go doc` shows an alias as its one line. modelDoc
// writes into the alias's doc comment what `go doc` would show of the model
// itself: its doc comment, its declaration (a struct's fields, their docs
// and tags) and its methods, with every type spelled as the public package
// names it. It is read from the generated source each time, so it says what
// the model is, never what it was.

// namer spells the generated package's types as the public package names
// them.
type namer struct {
	g      *generated
	alias  string            // the generated package's name: signapi
	own    map[string]bool   // the names the public package declares by hand
	public func(string) bool // whether the public package aliases a model
}

// modelDoc is the doc comment text (without comment markers) of the alias
// of the generated model name.
func (n namer) modelDoc(name string) (string, error) {
	g := n.g
	spec := g.specs[name]
	if spec == nil {
		return "", fmt.Errorf("opsgen: no type %s in package %s to document", name, n.alias)
	}
	var b strings.Builder
	text := strings.TrimSpace(g.docs[name])
	if text == "" || text == name+" defines model for "+name+"." {
		text = name + " is a model of the API."
	}
	b.WriteString(text)
	variants := g.unions[name]
	st, isStruct := spec.Type.(*ast.StructType)
	exported := isStruct && slices.ContainsFunc(st.Fields.List, func(f *ast.Field) bool {
		return len(f.Names) == 0 || slices.ContainsFunc(f.Names, (*ast.Ident).IsExported)
	})
	if len(variants) > 0 {
		fmt.Fprintf(&b, "\n\nA union: it holds one of %s. New%s makes one from any of them; its As methods read it back.", orList(n.names(variants)), name)
	}
	decl := ""
	switch {
	case isStruct && !exported:
		// A union (its one field is unexported) or an empty struct
		// (EmptyParams): no field to show.
	case isStruct:
		fmt.Fprintf(&b, "\n\nIts fields, as package %s declares it:", n.alias)
		decl = n.structDecl(name, st)
	case spec.Assign.IsValid():
		fmt.Fprintf(&b, "\n\nAs package %s declares it:", n.alias)
		decl = fmt.Sprintf("type %s = %s", name, n.text(spec.Type.Pos(), spec.Type.End(), spec.Type))
	default:
		fmt.Fprintf(&b, "\n\nAs package %s declares it:", n.alias)
		decl = fmt.Sprintf("type %s %s", name, n.text(spec.Type.Pos(), spec.Type.End(), spec.Type))
		values, err := g.values(name, n.own)
		if err != nil {
			return "", err
		}
		if values != "" {
			decl += "\n\n" + values
		}
	}
	if decl != "" {
		out, err := format.Source([]byte("package p\n\n" + decl + "\n"))
		if err != nil {
			return "", fmt.Errorf("%s: the declaration opsgen printed does not parse (%v):\n%s", name, err, decl)
		}
		b.WriteString("\n\n" + codeBlock(strings.TrimPrefix(string(out), "package p\n\n")))
	}
	if ms := g.methodsOf[name]; len(ms) > 0 {
		b.WriteString("\n\nIts methods:\n\n")
		var sigs []string
		for _, m := range ms {
			// To the end of its signature, not its body's brace: a
			// method declared without a body has none.
			sigs = append(sigs, n.text(m.Pos(), m.Type.End(), m.Recv, m.Type))
		}
		b.WriteString(codeBlock(strings.Join(sigs, "\n")))
	}
	return b.String(), nil
}

// names spells type names as the public package names them (as text
// does).
func (n namer) names(types []string) []string {
	out := make([]string, len(types))
	for i, t := range types {
		out[i] = t
		if _, model := n.g.specs[t]; model && !n.public(t) {
			out[i] = n.alias + "." + t
		}
	}
	return out
}

// structDecl prints a struct model's declaration with its exported fields,
// their doc comments and tags.
func (n namer) structDecl(name string, st *ast.StructType) string {
	var b strings.Builder
	fmt.Fprintf(&b, "type %s struct {\n", name)
	hidden := false
	for i, f := range st.Fields.List {
		var names []string
		for _, id := range f.Names {
			if id.IsExported() {
				names = append(names, id.Name)
			}
		}
		if len(f.Names) > 0 && len(names) == 0 {
			hidden = true
			continue
		}
		if f.Doc != nil {
			if i > 0 {
				b.WriteString("\n")
			}
			for _, c := range f.Doc.List {
				b.WriteString("\t" + c.Text + "\n")
			}
		}
		b.WriteString("\t" + strings.Join(names, ", "))
		if len(names) > 0 {
			b.WriteString(" ")
		}
		b.WriteString(n.text(f.Type.Pos(), f.Type.End(), f.Type))
		if f.Tag != nil {
			b.WriteString(" " + f.Tag.Value)
		}
		if f.Comment != nil {
			b.WriteString(" " + f.Comment.List[0].Text)
		}
		b.WriteString("\n")
	}
	if hidden {
		b.WriteString("\t// Has unexported fields.\n")
	}
	b.WriteString("}")
	return b.String()
}

// text is the generated source from..to with the types in nodes spelled
// as the public package names them: a model it does not alias is qualified
// with the generated package's name, and openapi_types.UUID (an alias of
// uuid.UUID) is uuid.UUID. Field and method names are left alone.
func (n namer) text(from, to token.Pos, nodes ...ast.Node) string {
	g := n.g
	start := g.fset.Position(from)
	src := g.src[start.Filename]
	base := start.Offset
	type edit struct {
		at, end int
		text    string
	}
	var edits []edit
	add := func(node ast.Node, text string) {
		edits = append(edits, edit{g.fset.Position(node.Pos()).Offset - base, g.fset.Position(node.End()).Offset - base, text})
	}
	for _, node := range nodes {
		typeNamesIn(node, func(e ast.Expr) {
			switch x := e.(type) {
			case *ast.SelectorExpr:
				if pkg, ok := x.X.(*ast.Ident); ok && pkg.Name == "openapi_types" && x.Sel.Name == "UUID" {
					add(x, "uuid.UUID")
				}
			case *ast.Ident:
				if _, model := g.specs[x.Name]; model && !n.public(x.Name) {
					add(x, n.alias+"."+x.Name)
				}
			}
		})
	}
	out := string(src[base:g.fset.Position(to).Offset])
	slices.SortFunc(edits, func(a, b edit) int { return b.at - a.at })
	for _, e := range edits {
		out = out[:e.at] + e.text + out[e.end:]
	}
	return out
}

// codeBlock indents text as a doc comment's code block.
func codeBlock(text string) string {
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	for i, l := range lines {
		// Four spaces per level, as go doc prints a declaration.
		indent := len(l) - len(strings.TrimLeft(l, "\t"))
		l = strings.Repeat("    ", indent) + l[indent:]
		if strings.TrimSpace(l) != "" {
			lines[i] = "\t" + l
		} else {
			lines[i] = ""
		}
	}
	return strings.Join(lines, "\n")
}

// comment turns text into // lines.
func comment(text string) string {
	var b strings.Builder
	for _, l := range strings.Split(text, "\n") {
		switch {
		case l == "":
			b.WriteString("//\n")
		case strings.HasPrefix(l, "\t"):
			b.WriteString("//" + l + "\n")
		default:
			b.WriteString("// " + l + "\n")
		}
	}
	return b.String()
}

// orList joins names as "A, B or C".
func orList(names []string) string {
	if len(names) == 1 {
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}
