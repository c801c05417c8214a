// Command spec keeps an upstream OpenAPI document an input rather than a
// source file. For the API in -dir (api/sign: openapi.lock, overlay.yaml,
// and, for a document that cannot be loaded as published, preload.yaml):
//
//	spec check   finds the locked spec (-src, else the content-addressed cache,
//	             the mirror, upstream while it matches), validates it with
//	             the overlay, checks that the clients can send what it
//	             requires (spec.CheckClient: security, required headers,
//	             servers against nitro.DefaultBaseURL, tools) and writes it
//	             to <dir>/openapi.json (gitignored) for the generator: `make
//	             spec`, `make generate`, `make verify`. With a preload.yaml,
//	             it is applied to the raw bytes first (internal/spec.Preload);
//	             the raw bytes still go to openapi.json, and the loadable
//	             document, which is validated and generated from, to
//	             openapi.preloaded.json (gitignored).
//	spec update  accepts the spec at -src (default: the lock's URL) by
//	             rewriting the lock, unless it is the locked spec reformatted:
//	             `make spec-update`. It runs the overlay on the locked spec
//	             too (found as check finds it) and judges the candidate
//	             against it (spec.Compare); the lock is left alone when an
//	             overlay action no longer applies as it did, when the client
//	             could not send what the candidate requires, or (unless
//	             -accept) when upstream changed what the overlay replaces by
//	             hand or remapped a discriminator.
//	spec resolve writes the post-overlay locked spec (-base-out) and
//	             candidate (-out) as JSON for tools/drift, and prints the
//	             findings of spec.Compare, one per line.
//
// Exit codes: 0 done; 1 failed (the message says where and what to do);
// 2 the candidate is an OpenAPI document the overlay, validation or a
// finding rejects; 3 the source is not an OpenAPI document, could not be
// fetched, or (resolve) the locked spec is not available.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/nitrokit/nitro/internal/spec"
)

const (
	exitFailed   = 1
	exitRejected = 2
	exitNoSpec   = 3
)

type codeError struct {
	code int
	err  error
}

func (e *codeError) Error() string { return e.err.Error() }
func (e *codeError) Unwrap() error { return e.err }

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: spec check|update|resolve -dir api/<name> [flags]")
		os.Exit(exitFailed)
	}
	cmd := os.Args[1]
	fs := flag.NewFlagSet("spec "+cmd, flag.ExitOnError)
	dir := fs.String("dir", "api/sign", "the API's directory: openapi.lock, overlay.yaml, optional preload.yaml; openapi.json (and openapi.preloaded.json) written there")
	src := fs.String("src", "", "spec source: an http(s) URL or a file path (SPEC_URL)")
	mirror := fs.String("mirror", "", "a directory (or file) holding copies of upstream specs, found by sha256")
	config := fs.String("config", "config.go", "the Go file declaring nitro.DefaultBaseURL, which the spec's servers must list")
	accept := fs.Bool("accept", false, "update: accept upstream changes drift reports as breaking that need no change here (a hand-written replacement that keeps departing from upstream, a remapped discriminator), after reviewing them")
	out := fs.String("out", "", "resolve: where the post-overlay candidate is written")
	baseOut := fs.String("base-out", "", "resolve: where the post-overlay locked spec is written")
	rawOut := fs.String("raw-out", "", "resolve: where the raw candidate is written")
	preloadedOut := fs.String("preloaded-out", "", "resolve: where the preloaded candidate (raw + preload.yaml, before the overlay) is written, for an API with a preload.yaml")
	_ = fs.Parse(os.Args[2:])
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	a := api{dir: *dir, lock: filepath.Join(*dir, "openapi.lock"), overlay: filepath.Join(*dir, "overlay.yaml"), out: filepath.Join(*dir, "openapi.json"),
		preload: spec.PreloadPath(*dir), preloaded: filepath.Join(*dir, spec.PreloadedFile), config: *config, mirror: *mirror}
	var err error
	switch cmd {
	case "check":
		err = a.check(ctx, *src)
	case "update":
		err = a.update(ctx, *src, *accept)
	case "resolve":
		err = a.resolve(ctx, *src, resolveOut{cand: *out, base: *baseOut, raw: *rawOut, preloaded: *preloadedOut})
	default:
		err = fmt.Errorf("unknown command %q: want check, update or resolve", cmd)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "spec %s %s: %v\n", cmd, *dir, err)
		code := exitFailed
		var ce *codeError
		var na *spec.NotOpenAPIError
		switch {
		case errors.As(err, &ce):
			code = ce.code
		case errors.As(err, &na):
			code = exitNoSpec
		}
		os.Exit(code)
	}
}

// api is one API's files. preload is "" when the API has no preload.yaml.
type api struct{ dir, lock, overlay, out, preload, preloaded, config, mirror string }

// baseURL is nitro.DefaultBaseURL, read from its source.
func (a api) baseURL() (string, error) { return spec.DefaultBaseURL(a.config) }

// check writes the locked spec, validated, where the generator reads it.
func (a api) check(ctx context.Context, src string) error {
	lock, err := spec.ReadLock(a.lock)
	if err != nil {
		return err
	}
	f, err := spec.Locate(ctx, http.DefaultClient, lock, src, a.mirror)
	if err != nil {
		return err
	}
	base, err := a.baseURL()
	if err != nil {
		return err
	}
	doc, rep, err := a.validateInto(ctx, f.From, f.Bytes)
	if err != nil {
		return err
	}
	if err := refuse(spec.CheckClient(doc, base), false); err != nil {
		return err
	}
	how := "matches the lock"
	if f.Match == spec.Reformatted {
		how = fmt.Sprintf("is the locked spec reformatted (canonical sha256 %s; raw %s): the same spec", lock.Canonical, spec.Sum(f.Bytes))
	}
	if a.preload != "" {
		fmt.Printf("spec: %s %s (sha256 %s); written to %s; made loadable by %s, validated with %s, written to %s\n", f.From, how, lock.SHA256, a.out, a.preload, a.overlay, a.preloaded)
	} else {
		fmt.Printf("spec: %s %s (sha256 %s); validated with %s; written to %s\n", f.From, how, lock.SHA256, a.overlay, a.out)
	}
	printRedundant(rep)
	return nil
}

// refuse is an error (exit 2) listing the findings that stop the candidate,
// or nil when none does. With accept, upstream changes that need no change
// here (a departure from upstream kept on purpose, a remapped
// discriminator, a removed tool already gone from the overlay) pass.
func refuse(findings []spec.Finding, accept bool) error {
	var stop []string
	for _, f := range findings {
		if !f.Breaking || accept && acceptable[f.Kind] {
			continue
		}
		stop = append(stop, f.String())
	}
	if len(stop) == 0 {
		return nil
	}
	return &codeError{exitRejected, fmt.Errorf("the spec cannot be used as it is:\n  - %s", strings.Join(stop, "\n  - "))}
}

// acceptable are the kinds of breaking finding -accept lets through: they
// report an upstream change the maintainer may choose to follow as it is.
var acceptable = map[string]bool{"upstream-changed": true, "discriminator": true, "tool-list": true}

// update accepts the spec at src by rewriting the lock.
func (a api) update(ctx context.Context, src string, accept bool) error {
	lock, err := spec.ReadLock(a.lock)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if lock.Path == "" {
		lock.Path = a.lock
	}
	if src == "" {
		src = lock.URL
	}
	if src == "" {
		return errors.New("no source: set SPEC_URL")
	}
	b, err := spec.Fetch(ctx, http.DefaultClient, src)
	if err != nil {
		return &codeError{exitNoSpec, err}
	}
	if err := spec.CheckOpenAPI(src, b); err != nil {
		return err
	}
	base, err := a.baseURL()
	if err != nil {
		return err
	}
	switch lock.Compare(b) {
	case spec.Same:
		doc, _, err := a.validateInto(ctx, src, b)
		if err != nil {
			return err
		}
		if err := refuse(spec.CheckClient(doc, base), false); err != nil {
			return err
		}
		if lock.Canonical == "" { // a lock from before canonical sums
			if lock.Canonical, err = spec.CanonicalSum(b); err != nil {
				return err
			}
			fmt.Printf("spec: %s is the locked spec; recorded its canonical sha256 %s\n", src, lock.Canonical)
			return spec.WriteLock(a.lock, lock)
		}
		fmt.Printf("spec: %s is already the locked spec (sha256 %s); the lock is unchanged\n", src, lock.SHA256)
		return nil
	case spec.Reformatted:
		fmt.Printf("spec: %s is the locked spec reformatted (same canonical sha256 %s): nothing to accept; the lock is unchanged\n", src, lock.Canonical)
		doc, _, err := a.validateInto(ctx, src, b)
		if err != nil {
			return err
		}
		return refuse(spec.CheckClient(doc, base), false)
	}
	// Judge the candidate against the locked spec when it is at hand (a
	// first lock has none).
	var findings []spec.Finding
	if lock.SHA256 != "" {
		if f, err := spec.Locate(ctx, http.DefaultClient, lock, "", a.mirror); err != nil {
			fmt.Fprintf(os.Stderr, "spec: warning: the locked spec is not available, so the overlay's actions are not judged against it (run `make drift` first):\n%v\n", err)
		} else {
			c, err := a.compare(ctx, f.Bytes, b, src, base)
			if err != nil {
				return err
			}
			findings = c.Findings
		}
	}
	doc, rep, err := a.validateInto(ctx, src, b)
	if err != nil {
		return err
	}
	if findings == nil {
		findings = spec.CheckClient(doc, base)
	}
	if err := refuse(findings, accept); err != nil {
		hint := "Change the places named (docs/regenerating.md)"
		if refuse(findings, true) == nil {
			hint += ", or, to follow upstream's change as it is, `make spec-update ACCEPT=1` after reviewing it"
		}
		return fmt.Errorf("%w\nThe lock is unchanged. %s", err, hint)
	}
	canon, err := spec.CanonicalSum(b)
	if err != nil {
		return err
	}
	if spec.IsURL(src) {
		lock.URL = src
	}
	old := lock.SHA256
	lock.SHA256, lock.Canonical = spec.Sum(b), canon
	if err := spec.WriteLock(a.lock, lock); err != nil {
		return err
	}
	if err := spec.Store(b); err != nil {
		fmt.Fprintf(os.Stderr, "spec: warning: not cached: %v\n", err)
	}
	fmt.Printf("spec: locked %s at sha256 %s (was %s); now run `make generate` and review the diff of the generated code\n", src, lock.SHA256, old)
	printFindings(findings)
	if len(findings) == 0 {
		printRedundant(rep)
	}
	return nil
}

// compare runs the overlay on the locked spec and on the candidate (raw
// bytes each) and judges the candidate.
func (a api) compare(ctx context.Context, locked, cand []byte, src, base string) (*spec.Comparison, error) {
	tmp, err := os.MkdirTemp("", "spec-compare-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	lin, err := a.input(locked, filepath.Join(tmp, "locked.json"))
	if err != nil {
		return nil, fmt.Errorf("the locked spec: %w", err)
	}
	cin, err := a.input(cand, filepath.Join(tmp, "candidate.json"))
	if err != nil {
		return nil, &codeError{exitRejected, fmt.Errorf("%s: %w", src, err)}
	}
	c, err := spec.Compare(ctx, a.overlay, lin, cin, base)
	if err != nil {
		var ce *spec.CandidateError
		if errors.As(err, &ce) {
			return c, &codeError{exitRejected, named(err, cin.Spec, a.name(src))}
		}
		return c, err
	}
	return c, nil
}

// input writes the document the overlay applies to (b, or b made loadable
// by the preload) at path.
func (a api) input(b []byte, path string) (spec.Input, error) {
	doc, pre, err := a.preloadSpec(b)
	if err != nil {
		return spec.Input{}, err
	}
	if err := os.WriteFile(path, doc, 0o644); err != nil {
		return spec.Input{}, err
	}
	return spec.Input{Spec: path, Pre: pre}, nil
}

// resolveOut are the files resolve writes.
type resolveOut struct{ cand, base, raw, preloaded string }

// resolve writes the post-overlay specs for tools/drift and prints the
// findings.
func (a api) resolve(ctx context.Context, src string, out resolveOut) error {
	if out.cand == "" || out.base == "" {
		return errors.New("resolve: -out and -base-out are required")
	}
	if src == "" {
		return errors.New("resolve: -src is required")
	}
	lock, err := spec.ReadLock(a.lock)
	if err != nil {
		return &codeError{exitNoSpec, err}
	}
	f, err := spec.Locate(ctx, http.DefaultClient, lock, "", a.mirror)
	if err != nil {
		return &codeError{exitNoSpec, err}
	}
	b, err := spec.Fetch(ctx, http.DefaultClient, src)
	if err != nil {
		return &codeError{exitNoSpec, err}
	}
	if err := spec.CheckOpenAPI(src, b); err != nil {
		return err
	}
	if out.raw != "" {
		if err := os.WriteFile(out.raw, b, 0o644); err != nil {
			return err
		}
	}
	if out.preloaded != "" && a.preload != "" {
		loadable, _, err := a.preloadSpec(b)
		if err != nil {
			return &codeError{exitRejected, fmt.Errorf("%s: %w", src, err)}
		}
		if err := os.WriteFile(out.preloaded, loadable, 0o644); err != nil {
			return err
		}
	}
	base, err := a.baseURL()
	if err != nil {
		return err
	}
	c, err := a.compare(ctx, f.Bytes, b, src, base)
	if err != nil {
		return err
	}
	for path, doc := range map[string]*spec.Document{out.base: c.Locked, out.cand: c.Candidate} {
		j, err := json.Marshal(doc)
		if err != nil {
			return err
		}
		if err := os.WriteFile(path, j, 0o644); err != nil {
			return err
		}
	}
	canon, err := spec.CanonicalSum(b)
	if err != nil {
		return err
	}
	fmt.Printf("sha256: %s\ncanonical-sha256: %s\nlocked-canonical-sha256: %s\n", spec.Sum(b), canon, lock.Canonical)
	printFindings(c.Findings)
	return nil
}

// name is how messages name the document validated from src.
func (a api) name(src string) string {
	if a.preload == "" {
		return src
	}
	return src + " (after " + a.preload + ")"
}

// preloadSpec returns the document the overlay applies to: the raw bytes b
// themselves, or b with the API's preload.yaml applied, and its report.
func (a api) preloadSpec(b []byte) ([]byte, *spec.Report, error) {
	if a.preload == "" {
		return b, nil, nil
	}
	return spec.Preload(b, a.preload)
}

// validateInto validates b (raw) with the overlay from a temporary copy, so
// that a bad spec never replaces a good one, then moves it to a.out. With a
// preload, the preloaded document is what is validated, and it goes to
// a.preloaded; the raw bytes still go to a.out.
func (a api) validateInto(ctx context.Context, src string, b []byte) (*spec.Document, *spec.Report, error) {
	loadable, pre, err := a.preloadSpec(b)
	if err != nil {
		return nil, pre, &codeError{exitRejected, fmt.Errorf("%s: %w", src, err)}
	}
	dst := a.out
	if a.preload != "" {
		dst = a.preloaded
	}
	tmp := dst + ".tmp"
	if err := os.WriteFile(tmp, loadable, 0o644); err != nil {
		return nil, nil, err
	}
	defer os.Remove(tmp)
	doc, rep, err := spec.ValidatePreloaded(ctx, tmp, a.overlay, pre)
	if err != nil {
		return nil, rep, &codeError{exitRejected, named(err, tmp, a.name(src))}
	}
	if a.preload != "" {
		raw := a.out + ".tmp"
		if err := os.WriteFile(raw, b, 0o644); err != nil {
			return nil, rep, err
		}
		defer os.Remove(raw)
		if err := os.Rename(raw, a.out); err != nil {
			return nil, rep, err
		}
	}
	return doc, rep, os.Rename(tmp, dst)
}

func printRedundant(rep *spec.Report) {
	for _, line := range rep.Redundant() {
		fmt.Println("overlay:", line)
	}
}

// printFindings prints one "finding: <level>: <kind>: <message>" line per
// finding, breaking ones first; tools/drift reads them.
func printFindings(findings []spec.Finding) {
	for _, breaking := range []bool{true, false} {
		for _, f := range findings {
			if f.Breaking == breaking {
				fmt.Println("finding:", f.String())
			}
		}
	}
}

// named replaces the temporary file in err's message with the source it
// holds, so that the message names what the user gave.
func named(err error, tmp, src string) error {
	return errors.New(strings.ReplaceAll(err.Error(), tmp, src))
}
