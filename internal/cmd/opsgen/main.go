// Command opsgen writes an API package's typed surface from the code
// oapi-codegen generated for it: one method per operation on the package's
// handwritten Client, and an alias for every generated model, so users import
// one package and never meet the raw client's response wrappers.
//
// It is driven by two inputs that agree by construction: the post-overlay
// spec (which operations, their tags, which successes are JSON, binary or
// empty) and the generated package's Go source (each operation's Go name,
// parameters and decoded types, read with go/ast from the raw ClientInterface
// and its …Response wrappers). An operation upstream adds therefore appears
// with no handwritten line. `make generate` runs it after oapi-codegen.
//
// Each alias carries its model's documentation, read from the generated
// source: the doc comment, the declaration (a struct's fields with their
// docs and tags), its methods and its values, with every type spelled as the
// public package names it, so `go doc sign.EnvelopeCreate` shows what a
// caller fills in. -types-only writes only those aliases, for a package
// whose methods are handwritten (pdf: its tools are a table, not operations).
//
// A method the package declares by hand (in a file not ending .gen.go) takes
// the place of the generated one; an operation whose successes decode to
// different types (createParticipant: one participant or a bulk list) cannot
// be generated and fails generation, naming the method to write.
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
)

func main() {
	var o options
	flag.StringVar(&o.specPath, "spec", "", "the locked spec (written by `make spec`)")
	flag.StringVar(&o.overlayPath, "overlay", "", "the spec's overlay")
	flag.StringVar(&o.genDir, "gen", "", "directory of the oapi-codegen client package")
	flag.StringVar(&o.genImport, "gen-import", "", "import path of that package")
	flag.StringVar(&o.pkgDir, "pkg", "", "directory of the public package to write into")
	tags := flag.String("tags", "", "comma-separated operation tags that become Client methods")
	rawTags := flag.String("raw-tags", "", "comma-separated operation tags that stay on Raw() only; any other tag fails generation")
	flag.BoolVar(&o.typesOnly, "types-only", false, "write only types.gen.go, the models the package's handwritten declarations reach (no -spec, -overlay or tags)")
	flag.Parse()
	o.tags, o.rawTags = strings.Split(*tags, ","), strings.Split(*rawTags, ",")
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "opsgen:", err)
		os.Exit(1)
	}
}

type options struct {
	specPath, overlayPath string
	genDir, genImport     string
	pkgDir                string
	tags, rawTags         []string
	typesOnly             bool
}

func run(o options) error {
	if o.typesOnly {
		return runTypes(o)
	}
	ops, err := loadOperations(o.specPath, o.overlayPath, o.tags, o.rawTags)
	if err != nil {
		return err
	}
	g, err := parseGenerated(o.genDir)
	if err != nil {
		return err
	}
	own, err := handwritten(o.pkgDir)
	if err != nil {
		return err
	}
	if err := checkContract(own); err != nil {
		return err
	}
	methods, err := plan(ops, g, own)
	if err != nil {
		return err
	}
	pkg := packageName(o.pkgDir)
	code, err := renderOperations(pkg, methods)
	if err != nil {
		return err
	}
	types, err := renderTypes(pkg, o.genImport, g, own, g.reachable(surface(methods, own), own))
	if err != nil {
		return err
	}
	if err := write(o.pkgDir+"/operations.gen.go", code); err != nil {
		return err
	}
	return write(o.pkgDir+"/types.gen.go", types)
}

// runTypes writes only the model aliases of a package whose handwritten
// declarations are its whole surface.
func runTypes(o options) error {
	g, err := parseGenerated(o.genDir)
	if err != nil {
		return err
	}
	own, err := handwritten(o.pkgDir)
	if err != nil {
		return err
	}
	types, err := renderTypes(packageName(o.pkgDir), o.genImport, g, own, g.reachable(surface(nil, own), own))
	if err != nil {
		return err
	}
	return write(o.pkgDir+"/types.gen.go", types)
}

// surface is every type expression the package shows: the generated
// methods' parameters and results, and its handwritten declarations'.
func surface(methods []method, own map[string]bool) []string {
	var roots []string
	for _, m := range methods {
		roots = append(roots, m.result)
		for _, p := range m.params {
			roots = append(roots, p.typ)
		}
	}
	for k := range own {
		if expr, ok := strings.CutPrefix(k, "uses:"); ok {
			roots = append(roots, expr)
		}
	}
	return roots
}

// checkContract fails, naming what to write, when the public package lacks
// what the generated methods call: ready, their guard against a nil or zero
// Client, which answers an error instead of the panic a nil raw client's
// dereference would be.
func checkContract(own map[string]bool) error {
	if !own["(*Client).ready"] {
		return fmt.Errorf("the package declares no (*Client).ready: write `func (c *Client) ready(ctx context.Context) error`, returning an error when c, its raw client or ctx is nil, in a handwritten file; every generated method calls it first")
	}
	return nil
}
