// Command drift compares a candidate Nitro Sign spec with the locked one and
// reports what changed, using oasdiff's library. `make drift` runs it.
//
// It prints the operations added, removed and changed, then every breaking
// change with its level, and exits 0 when the specs are identical, 1 when they
// differ without breaking changes, and 2 when a change is breaking (3 when it
// could not compare).
//
// It lives in a module of its own because oasdiff needs a newer Go than the
// nitro module's go directive; users of nitro never download it.
package main

import (
	"bufio"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oasdiff/oasdiff/checker"
	"github.com/oasdiff/oasdiff/diff"
	"github.com/oasdiff/oasdiff/load"
)

// Exit codes.
const (
	identical = 0
	differ    = 1
	breaking  = 2
	failed    = 3
)

func main() {
	base := flag.String("base", "api/sign/openapi.json", "the locked spec (written by `make spec`)")
	lock := flag.String("lock", "api/sign/openapi.lock", "lock file the base must match")
	revision := flag.String("revision", "", "candidate spec: a file path or an http(s) URL")
	flag.Parse()
	code, err := run(os.Stdout, *base, *lock, *revision)
	if err != nil {
		fmt.Fprintln(os.Stderr, "drift:", err)
	}
	os.Exit(code)
}

func run(w io.Writer, basePath, lockPath, revision string) (int, error) {
	if revision == "" {
		return failed, fmt.Errorf("no candidate spec: set SPEC_URL")
	}
	if err := checkLocked(basePath, lockPath); err != nil {
		return failed, err
	}
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = true
	s1, err := load.NewSpecInfo(loader, load.NewSource(basePath))
	if err != nil {
		return failed, fmt.Errorf("load locked spec %s: %w", basePath, err)
	}
	s2, err := load.NewSpecInfo(loader, load.NewSource(revision))
	if err != nil {
		return failed, fmt.Errorf("load candidate spec %s: %w", revision, err)
	}
	d, sources, err := diff.GetWithOperationsSourcesMap(diff.NewConfig(), s1, s2)
	if err != nil {
		return failed, fmt.Errorf("diff: %w", err)
	}
	changes := checker.CheckBackwardCompatibilityUntilLevel(
		checker.NewConfig(checker.GetAllChecks()), d, sources, checker.INFO)
	return report(w, d, changes, s1.Spec, s2.Spec), nil
}

// checkLocked refuses to compare against a base that is not the locked spec.
func checkLocked(basePath, lockPath string) error {
	b, err := os.ReadFile(basePath)
	if err != nil {
		return fmt.Errorf("locked spec: %w (run `make spec` first)", err)
	}
	want, err := lockedSum(lockPath)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(b)
	if got := hex.EncodeToString(sum[:]); got != want {
		return fmt.Errorf("%s has sha256 %s, but %s locks %s: run `make spec`", basePath, got, lockPath, want)
	}
	return nil
}

func lockedSum(lockPath string) (string, error) {
	f, err := os.Open(lockPath)
	if err != nil {
		return "", err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "sha256:"); ok {
			return strings.TrimSpace(v), nil
		}
	}
	return "", fmt.Errorf("%s: no sha256 line", lockPath)
}

func report(w io.Writer, d *diff.Diff, changes checker.Changes, s1, s2 *openapi3.T) int {
	if d.Empty() {
		fmt.Fprintln(w, "drift: the candidate spec is identical to the locked one")
		return identical
	}
	var added, removed, changed []diff.Endpoint
	if e := d.EndpointsDiff; e != nil {
		added, removed = e.Added, e.Deleted
		for ep := range e.Modified {
			changed = append(changed, ep)
		}
	}
	printEndpoints(w, "added", added, s2)
	printEndpoints(w, "removed", removed, s1)
	printEndpoints(w, "changed", changed, s2)

	slices.SortStableFunc(changes, func(a, b checker.Change) int {
		return cmp.Or(cmp.Compare(b.GetLevel(), a.GetLevel()), checker.CompareChanges(a, b))
	})
	l := checker.NewDefaultLocalizer()
	nBreaking := 0
	fmt.Fprintf(w, "changes checked for compatibility: %d\n", len(changes))
	for _, c := range changes {
		if c.IsBreaking() {
			nBreaking++
		}
		fmt.Fprintf(w, "  %-5s %s %s: %s [%s]\n", c.GetLevel(), c.GetOperation(), c.GetPath(), c.GetUncolorizedText(l), c.GetId())
	}
	if nBreaking > 0 {
		fmt.Fprintf(w, "drift: %d breaking change(s)\n", nBreaking)
		return breaking
	}
	fmt.Fprintln(w, "drift: the specs differ, with no breaking change")
	return differ
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
