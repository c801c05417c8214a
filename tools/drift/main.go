// Command drift compares a candidate upstream spec with the locked one, as
// a Go user of nitro would feel it, and says whether to accept it.
//
//   - Both specs go through the project's own loader with the overlay
//     (internal/cmd/spec resolve, built once): what is compared is what the
//     code is generated from, so an upstream fix of a defect the overlay
//     already fixes is not a change. The loader also judges the candidate
//     (internal/spec.Compare) and prints its findings, which this command
//     reports: each overlay action that no longer applies (redundant, its
//     target gone, or changed upstream), upstream changes under what the
//     overlay replaces by hand, what the client could not send (security,
//     required headers, servers against nitro.DefaultBaseURL, tools), and
//     discriminator mappings, security, servers, deprecations and tool
//     lists that changed.
//   - HTTP level: oasdiff on the two post-overlay specs, with allOf merged
//     and path-level parameters moved to their operations on both sides, so
//     that a schema moved into components or composed with allOf is no
//     change when the JSON on the wire is the same.
//   - Go level: the candidate is generated into a temporary copy of the
//     repository, and the exported API of the generated package
//     (gen/<name>api) and of the public package (<name>, when it exists) is
//     compared with golang.org/x/exp/apidiff; a schema or operationId
//     rename shows as a breaking change with the old and new names.
//
// Exit codes: 0 identical (or a reformat of the locked spec), 1 the spec
// changed compatibly, 2 a breaking change (a breaking finding, HTTP or Go
// change, or a candidate the overlay, validation or generation rejects), 3
// could not compare (a body that is not an OpenAPI document, a failed
// fetch, the locked spec unavailable).
// `make drift` prints the code; CI runs this command directly.
//
// It lives in a module of its own so that users of nitro never download
// oasdiff, apidiff and theirs.
package main

import (
	"bufio"
	"bytes"
	"cmp"
	"errors"
	"flag"
	"fmt"
	"go/types"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oasdiff/oasdiff/checker"
	"github.com/oasdiff/oasdiff/diff"
	"github.com/oasdiff/oasdiff/load"
	"golang.org/x/exp/apidiff"
	"golang.org/x/tools/go/packages"
)

// Exit codes.
const (
	identical = 0
	differ    = 1
	breaking  = 2
	failed    = 3
)

type options struct {
	repo      string // the nitro repository (module root)
	dir       string // api/<name>, relative to repo
	candidate string // URL or file; empty: the lock's URL
	mirror    string
	pkgs      []string // Go packages to compare, relative to repo; nil: defaults
	noGo      bool     // skip the Go comparison (tests of the HTTP level)
	report    string   // also write the report here (a pull request's body)
	tool      string   // internal/cmd/spec, built; empty: build it
}

func main() {
	var o options
	var pkgs string
	flag.StringVar(&o.repo, "repo", ".", "the nitro repository")
	flag.StringVar(&o.dir, "dir", "api/sign", "the API's directory (openapi.lock, overlay.yaml)")
	flag.StringVar(&o.candidate, "candidate", "", "candidate spec: an http(s) URL or a file (default: the lock's URL)")
	flag.StringVar(&o.mirror, "mirror", "", "directory of mirrored upstream specs, where the locked spec may be found by sha256")
	flag.StringVar(&pkgs, "pkgs", "", "comma-separated Go packages to compare (default: ./gen/<name>api and ./<name> when they exist)")
	flag.StringVar(&o.report, "report", "", "also write the report (Markdown) to this file")
	flag.StringVar(&o.tool, "spec-tool", "", "the nitro module's internal/cmd/spec, built (default: build it)")
	flag.Parse()
	if pkgs != "" {
		o.pkgs = strings.Split(pkgs, ",")
	}
	var buf bytes.Buffer
	code := run(io.MultiWriter(os.Stdout, &buf), o)
	if o.report != "" {
		if err := os.WriteFile(o.report, buf.Bytes(), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "drift:", err)
			code = failed
		}
	}
	os.Exit(code)
}

// run compares and reports; it returns the exit code.
func run(w io.Writer, o options) int {
	tmp, err := os.MkdirTemp("", "drift-")
	if err != nil {
		fmt.Fprintln(w, "drift: could not compare:", err)
		return failed
	}
	defer os.RemoveAll(tmp)
	repo, err := filepath.Abs(o.repo)
	if err != nil {
		fmt.Fprintln(w, "drift: could not compare:", err)
		return failed
	}
	name := filepath.Base(o.dir)
	fmt.Fprintf(w, "## Upstream drift of %s\n\ncandidate: %s\n\n", o.dir, cmp.Or(o.candidate, "the lock's URL"))

	// The nitro module's own loader, built (not `go run`, which turns every
	// exit code into 1).
	tool := o.tool
	if tool == "" {
		tool = filepath.Join(tmp, "spec")
		if err := buildSpecTool(repo, tool); err != nil {
			fmt.Fprintf(w, "drift: could not compare: %v\n", err)
			return failed
		}
	}
	base, cand := filepath.Join(tmp, "base.json"), filepath.Join(tmp, "candidate.json")
	candRaw := filepath.Join(tmp, "candidate.raw.json")
	// For an API with a preload.yaml, the loader also writes the candidate
	// made loadable (what the generator reads); for others it writes nothing.
	candPre := filepath.Join(tmp, "candidate.preloaded.json")
	src := o.candidate
	if src == "" {
		lock, err := os.ReadFile(filepath.Join(repo, o.dir, "openapi.lock"))
		if err != nil {
			fmt.Fprintln(w, "drift: could not compare:", err)
			return failed
		}
		src = lockValue(string(lock), "url")
	}
	out, code, err := resolveWith(tool, repo, "-dir", o.dir, "-src", src, "-mirror", o.mirror,
		"-out", cand, "-base-out", base, "-raw-out", candRaw, "-preloaded-out", candPre)
	switch {
	case err != nil && code == breaking:
		fmt.Fprintf(w, "drift: the candidate is an OpenAPI document, but it cannot be accepted as it is:\n%v\n\n", err)
		fmt.Fprintln(w, "drift: breaking: change the overlay (the message names the place) before `make spec-update`")
		return breaking
	case err != nil:
		fmt.Fprintf(w, "drift: could not compare: %v\n", err)
		return failed
	}
	if lockValue(out, "locked-canonical-sha256") == lockValue(out, "canonical-sha256") {
		fmt.Fprintln(w, "drift: the candidate is the locked spec (same canonical form; at most a reformat): nothing to do")
		return identical
	}
	fmt.Fprintf(w, "The candidate is a different spec (canonical sha256 %s, locked %s).\n\n",
		lockValue(out, "canonical-sha256"), lockValue(out, "locked-canonical-sha256"))
	findingsBreaking := reportFindings(w, findingLines(out))

	httpBreaking, err := compareHTTP(w, base, cand)
	if err != nil {
		fmt.Fprintf(w, "drift: could not compare: %v\n", err)
		return failed
	}
	pkgs := o.pkgs
	if pkgs == nil {
		for _, p := range []string{"./gen/" + name + "api", "./" + name} {
			if st, err := os.Stat(filepath.Join(repo, p)); err == nil && st.IsDir() {
				pkgs = append(pkgs, p)
			}
		}
	}
	goBreaking := 0
	if !o.noGo {
		mirror := o.mirror
		if mirror != "" && !filepath.IsAbs(mirror) {
			mirror = filepath.Join(repo, mirror) // as the loader, run in repo, reads it
		}
		goBreaking, err = compareGo(w, goInputs{repo: repo, tmp: tmp, dir: o.dir, raw: candRaw, preloaded: candPre, tool: tool, mirror: mirror}, pkgs)
		if err != nil {
			var ge *genError
			if errors.As(err, &ge) {
				fmt.Fprintf(w, "drift: breaking: the candidate does not generate:\n%v\n", err)
				return breaking
			}
			fmt.Fprintf(w, "drift: could not compare: %v\n", err)
			return failed
		}
	}
	switch {
	case httpBreaking+goBreaking+findingsBreaking > 0:
		fmt.Fprintf(w, "drift: breaking: %d breaking finding(s), %d breaking HTTP change(s), %d incompatible Go API change(s)\n", findingsBreaking, httpBreaking, goBreaking)
		return breaking
	default:
		fmt.Fprintln(w, "drift: the spec changed, with no breaking change")
		return differ
	}
}

// buildSpecTool builds the nitro module's internal/cmd/spec to path.
func buildSpecTool(repo, path string) error {
	build := exec.Command("go", "build", "-o", path, "./internal/cmd/spec")
	build.Dir = repo
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("build internal/cmd/spec: %v\n%s", err, out)
	}
	return nil
}

// finding is one "finding: <level>: <kind>: <message>" line of the loader.
type finding struct {
	breaking   bool
	kind, text string
}

func findingLines(out string) []finding {
	var r []finding
	for _, l := range strings.Split(out, "\n") {
		v, ok := strings.CutPrefix(l, "finding: ")
		if !ok {
			continue
		}
		level, rest, _ := strings.Cut(v, ": ")
		kind, text, _ := strings.Cut(rest, ": ")
		r = append(r, finding{breaking: level == "breaking", kind: kind, text: text})
	}
	return r
}

// findingTitles name the report's sections, in order.
var findingTitles = []struct{ kind, title string }{
	{"gone", "Overlay actions whose target is gone (re-target them)"},
	{"changed", "Overlay actions upstream has changed under (rewrite them)"},
	{"upstream-changed", "Upstream changes under what the overlay replaces by hand"},
	{"security", "Security"},
	{"header", "Required headers"},
	{"servers", "Servers"},
	{"tools", "Tools the overlay must model"},
	{"tool-list", "Tool lists"},
	{"discriminator", "Discriminator mappings"},
	{"deprecated", "Deprecations"},
	{"redundant", "Overlay actions upstream made redundant (delete them)"},
}

// reportFindings prints the loader's findings by kind, and returns the
// number of breaking ones. A kind findingTitles does not name (one the
// spec library added since) is printed and counted all the same, under
// "Other findings": dropping it would call a breaking change compatible.
func reportFindings(w io.Writer, fs []finding) int {
	listed := map[string]bool{}
	for _, t := range findingTitles {
		listed[t.kind] = true
	}
	n := 0
	section := func(title string, in func(finding) bool, line func(finding) string) {
		var lines []string
		for _, f := range fs {
			if !in(f) {
				continue
			}
			level := "info"
			if f.breaking {
				level, n = "**breaking**", n+1
			}
			lines = append(lines, fmt.Sprintf("- %s: %s", level, line(f)))
		}
		if len(lines) > 0 {
			fmt.Fprintf(w, "### %s\n\n%s\n\n", title, strings.Join(lines, "\n"))
		}
	}
	text := func(f finding) string { return f.text }
	for _, t := range findingTitles {
		section(t.title, func(f finding) bool { return f.kind == t.kind }, text)
	}
	section("Other findings", func(f finding) bool { return !listed[f.kind] },
		func(f finding) string { return f.kind + ": " + f.text })
	return n
}

// resolve runs the nitro module's spec loader. Its exit code 2 means the
// document was rejected (overlay, validation), 3 not a spec at all.
func resolveWith(tool, repo string, args ...string) (string, int, error) {
	cmd := exec.Command(tool, append([]string{"resolve"}, args...)...)
	cmd.Dir = repo
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return stdout.String(), ee.ExitCode(), errors.New(strings.TrimSpace(stderr.String()))
	}
	if err != nil {
		return "", failed, err
	}
	return stdout.String(), 0, nil
}

// lockValue returns the value of a "key: value" or "key value" line.
func lockValue(s, key string) string {
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if v, ok := strings.CutPrefix(line, key+":"); ok {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// compareHTTP reports oasdiff's view of the post-overlay specs and returns
// the number of breaking changes.
func compareHTTP(w io.Writer, basePath, candPath string) (int, error) {
	// The wire, not the document's shape: allOf merged into one schema and
	// path-level parameters moved to their operations on both sides
	// ($refs oasdiff resolves itself), so a schema moved into components
	// or composed with allOf is no change when its JSON is the same.
	loader := openapi3.NewLoader()
	wire := []load.Option{load.WithFlattenAllOf(), load.WithFlattenParams(), load.WithLowercaseHeaders()}
	s1, err := load.NewSpecInfo(loader, load.NewSource(basePath), wire...)
	if err != nil {
		return 0, fmt.Errorf("load the locked spec: %w", err)
	}
	s2, err := load.NewSpecInfo(loader, load.NewSource(candPath), wire...)
	if err != nil {
		return 0, fmt.Errorf("load the candidate: %w", err)
	}
	d, sources, err := diff.GetWithOperationsSourcesMap(diff.NewConfig(), s1, s2)
	if err != nil {
		return 0, fmt.Errorf("diff: %w", err)
	}
	fmt.Fprintln(w, "### HTTP API (oasdiff, after the overlay)")
	fmt.Fprintln(w)
	if d.Empty() {
		fmt.Fprintln(w, "No change after the overlay.")
		fmt.Fprintln(w)
		return 0, nil
	}
	changes := checker.CheckBackwardCompatibilityUntilLevel(checker.NewConfig(checker.GetAllChecks()), d, sources, checker.INFO)
	var added, removed, changed []diff.Endpoint
	if e := d.EndpointsDiff; e != nil {
		added, removed = e.Added, e.Deleted
		for ep := range e.Modified {
			changed = append(changed, ep)
		}
	}
	fmt.Fprintln(w, "```")
	printEndpoints(w, "added", added, s2.Spec)
	printEndpoints(w, "removed", removed, s1.Spec)
	printEndpoints(w, "changed", changed, s2.Spec)
	slices.SortStableFunc(changes, func(a, b checker.Change) int {
		return cmp.Or(cmp.Compare(b.GetLevel(), a.GetLevel()), checker.CompareChanges(a, b))
	})
	l := checker.NewDefaultLocalizer()
	n := 0
	fmt.Fprintf(w, "changes checked for compatibility: %d\n", len(changes))
	for _, c := range changes {
		if c.IsBreaking() {
			n++
		}
		fmt.Fprintf(w, "  %-5s %s %s: %s [%s]\n", c.GetLevel(), c.GetOperation(), c.GetPath(), c.GetUncolorizedText(l), c.GetId())
	}
	fmt.Fprintf(w, "breaking HTTP changes: %d\n```\n\n", n)
	return n, nil
}

func printEndpoints(w io.Writer, what string, eps []diff.Endpoint, doc *openapi3.T) {
	slices.SortFunc(eps, func(a, b diff.Endpoint) int {
		return cmp.Or(strings.Compare(a.Path, b.Path), strings.Compare(a.Method, b.Method))
	})
	fmt.Fprintf(w, "operations %s: %d\n", what, len(eps))
	for _, ep := range eps {
		fmt.Fprintf(w, "  %-6s %s %s\n", ep.Method, ep.Path, operationID(doc, ep))
	}
}

func operationID(doc *openapi3.T, ep diff.Endpoint) string {
	if doc == nil || doc.Paths == nil {
		return ""
	}
	if item := doc.Paths.Value(ep.Path); item != nil {
		if op := item.GetOperation(strings.ToUpper(ep.Method)); op != nil && op.OperationID != "" {
			return "(" + op.OperationID + ")"
		}
	}
	return ""
}

// genError is a candidate that does not generate.
type genError struct{ msg string }

func (e *genError) Error() string { return e.msg }

// goInputs is what compareGo needs to generate the candidate.
type goInputs struct {
	repo, tmp string
	dir       string // api/<name>, relative to repo
	raw       string // the candidate's raw bytes
	preloaded string // the candidate made loadable, when the API has a preload.yaml
	tool      string // internal/cmd/spec, built
	mirror    string // absolute, or empty
}

// compareGo generates the candidate into a copy of the repository and
// compares the exported API of pkgs there and here. It returns the number
// of incompatible changes.
func compareGo(w io.Writer, in goInputs, pkgs []string) (int, error) {
	repo, tmp, dir := in.repo, in.tmp, in.dir
	fmt.Fprintln(w, "### Go API (apidiff, of the generated and public packages)")
	fmt.Fprintln(w)
	if len(pkgs) == 0 {
		fmt.Fprintln(w, "No Go package to compare.")
		fmt.Fprintln(w)
		return 0, nil
	}
	tree := filepath.Join(tmp, "tree")
	if err := copyTree(repo, tree); err != nil {
		return 0, fmt.Errorf("copy the repository: %w", err)
	}
	b, err := os.ReadFile(in.raw)
	if err != nil {
		return 0, err
	}
	if err := os.WriteFile(filepath.Join(tree, dir, "openapi.json"), b, 0o644); err != nil {
		return 0, err
	}
	// The generator reads the preloaded document of an API with a preload.
	if b, err := os.ReadFile(in.preloaded); err == nil {
		if err := os.WriteFile(filepath.Join(tree, dir, "openapi.preloaded.json"), b, 0o644); err != nil {
			return 0, err
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return 0, err
	}
	// go generate regenerates every API: the others get their locked specs.
	if err := lockedInputs(tree, dir, in.tool, in.mirror); err != nil {
		return 0, err
	}
	if err := nonStrictOverlays(tree); err != nil {
		return 0, err
	}
	gen := exec.Command("go", "generate", "./...")
	gen.Dir = tree
	if out, err := gen.CombinedOutput(); err != nil {
		return 0, &genError{strings.TrimSpace(string(out))}
	}
	n := 0
	for _, p := range pkgs {
		old, err := loadPackage(repo, p)
		if err != nil {
			return 0, fmt.Errorf("load %s: %w", p, err)
		}
		cand, err := loadPackage(tree, p)
		if err != nil {
			return 0, &genError{fmt.Sprintf("the regenerated %s does not build: %v", p, err)}
		}
		n += reportGo(w, p, apidiff.Changes(old, cand))
	}
	return n, nil
}

// reportGo prints an apidiff report, pairing what was removed with what was
// added (a rename) so both names are shown, and returns the number of
// incompatible changes.
func reportGo(w io.Writer, pkg string, r apidiff.Report) int {
	var incompatible, compatible, implementers []string
	for _, c := range r.Changes {
		switch {
		case c.Compatible:
			compatible = append(compatible, c.Message)
		case isInterfaceAddition(c.Message):
			implementers = append(implementers, c.Message)
		default:
			incompatible = append(incompatible, c.Message)
		}
	}
	slices.Sort(incompatible)
	slices.Sort(compatible)
	slices.Sort(implementers)
	fmt.Fprintf(w, "%s: %d incompatible, %d compatible change(s), %d method(s) added to generated interfaces\n\n",
		pkg, len(incompatible), len(compatible), len(implementers))
	if len(incompatible)+len(compatible)+len(implementers) == 0 {
		return 0
	}
	removed, added := names(incompatible, ": removed"), names(compatible, ": added")
	if len(removed) > 0 && len(added) > 0 {
		fmt.Fprintf(w, "Renamed (or replaced): %s → %s\n\n", strings.Join(removed, ", "), strings.Join(added, ", "))
	}
	fmt.Fprintln(w, "```")
	for _, m := range incompatible {
		fmt.Fprintln(w, "  incompatible:", m)
	}
	for _, m := range implementers {
		fmt.Fprintln(w, "  added to an interface (breaks only other implementations, e.g. mocks):", m)
	}
	for _, m := range compatible {
		fmt.Fprintln(w, "  compatible:  ", m)
	}
	fmt.Fprintln(w, "```")
	fmt.Fprintln(w)
	return len(incompatible)
}

// isInterfaceAddition reports an apidiff message about a method added to a
// generated *Interface type (ClientInterface.Ping: added). apidiff counts it
// incompatible, rightly for code implementing the interface; but the
// generated interfaces exist for the generated clients, which gain the
// method in the same change, so callers are unaffected. Drift lists these
// apart and does not count them as breaking: an added operation is a
// compatible change.
func isInterfaceAddition(msg string) bool {
	name, ok := strings.CutSuffix(msg, ": added")
	if !ok {
		return false
	}
	typ, _, ok := strings.Cut(name, ".")
	return ok && strings.HasSuffix(typ, "Interface") && !strings.Contains(typ, "(")
}

// names returns the top-level names of messages "Name: removed".
func names(msgs []string, suffix string) []string {
	var r []string
	for _, m := range msgs {
		if n, ok := strings.CutSuffix(m, suffix); ok && !strings.Contains(n, ".") {
			r = append(r, n)
		}
	}
	return r
}

func loadPackage(dir, pattern string) (*types.Package, error) {
	cfg := &packages.Config{Mode: packages.NeedName | packages.NeedTypes | packages.NeedDeps | packages.NeedImports, Dir: dir, Env: append(os.Environ(), "GOWORK=off")}
	ps, err := packages.Load(cfg, pattern)
	if err != nil {
		return nil, err
	}
	if len(ps) != 1 {
		return nil, fmt.Errorf("%d packages for %s", len(ps), pattern)
	}
	var errs []string
	for _, e := range ps[0].Errors {
		errs = append(errs, e.Error())
	}
	if len(errs) > 0 {
		return nil, errors.New(strings.Join(errs, "\n"))
	}
	return ps[0].Types, nil
}

// lockedInputs writes the generator's inputs of every API in tree but dir
// (each api/<name> with an openapi.lock) from its locked spec, found in the
// cache or the mirror, as `make spec` does.
func lockedInputs(tree, dir, tool, mirror string) error {
	locks, err := filepath.Glob(filepath.Join(tree, "api", "*", "openapi.lock"))
	if err != nil {
		return err
	}
	for _, l := range locks {
		d, err := filepath.Rel(tree, filepath.Dir(l))
		if err != nil {
			return err
		}
		if filepath.Clean(d) == filepath.Clean(dir) {
			continue
		}
		cmd := exec.Command(tool, "check", "-dir", d, "-mirror", mirror)
		cmd.Dir = tree
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("the locked spec of %s, which go generate also reads: %v\n%s", d, err, out)
		}
	}
	return nil
}

// nonStrictOverlays turns off the generator's strict overlay mode in the
// copy's oapi-codegen configs. Strict mode fails on an action whose target
// matches nothing, which a guarded action does once upstream fixes its
// defect; the report lists those actions as redundant, and this generates
// the candidate as it will be once they are deleted.
func nonStrictOverlays(tree string) error {
	strict := regexp.MustCompile(`(?m)^(\s+strict:\s*)true\s*$`)
	return filepath.WalkDir(tree, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".yaml") {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if !bytes.Contains(b, []byte("output-options:")) || !strict.Match(b) {
			return nil
		}
		return os.WriteFile(p, strict.ReplaceAll(b, []byte("${1}false")), 0o644)
	})
}

// copyTree copies the files git knows (tracked and untracked, not ignored)
// from repo to dst.
func copyTree(repo, dst string) error {
	cmd := exec.Command("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	cmd.Dir = repo
	out, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("git ls-files: %w", err)
	}
	for _, f := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		if f == "" {
			continue
		}
		src := filepath.Join(repo, f)
		st, err := os.Lstat(src)
		if err != nil || !st.Mode().IsRegular() {
			continue // deleted in the work tree, or not a file
		}
		b, err := os.ReadFile(src)
		if err != nil {
			return err
		}
		p := filepath.Join(dst, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, b, st.Mode().Perm()); err != nil {
			return err
		}
	}
	return nil
}
