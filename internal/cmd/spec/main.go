// Command spec keeps an upstream OpenAPI document an input rather than a
// source file. For the API in -dir (api/sign: openapi.lock, overlay.yaml,
// and, for a document that cannot be loaded as published, preload.yaml):
//
//	spec check   finds the locked spec (-src, else the content-addressed cache,
//	             the mirror, upstream while it matches), validates it with
//	             the overlay and writes it to <dir>/openapi.json (gitignored)
//	             for the generator: `make spec`, `make generate`, `make verify`.
//	             With a preload.yaml, it is applied to the raw bytes first
//	             (internal/spec.Preload); the raw bytes still go to
//	             openapi.json, and the loadable document, which is validated
//	             and generated from, to openapi.preloaded.json (gitignored).
//	spec update  accepts the spec at -src (default: the lock's URL) by
//	             rewriting the lock, unless it is the locked spec reformatted:
//	             `make spec-update`.
//	spec resolve writes the post-overlay spec of the locked spec (-locked) or
//	             of -src as JSON, for tools/drift.
//
// Exit codes: 0 done; 1 failed (the message says where and what to do);
// 2 the candidate is an OpenAPI document the overlay or validation rejects;
// 3 the source is not an OpenAPI document, or could not be fetched.
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
	locked := fs.Bool("locked", false, "resolve: the locked spec rather than -src")
	out := fs.String("out", "", "resolve: where the post-overlay spec is written")
	rawOut := fs.String("raw-out", "", "resolve: where the raw spec is written")
	preloadedOut := fs.String("preloaded-out", "", "resolve: where the preloaded spec (raw + preload.yaml, before the overlay) is written, for an API with a preload.yaml")
	_ = fs.Parse(os.Args[2:])
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	a := api{dir: *dir, lock: filepath.Join(*dir, "openapi.lock"), overlay: filepath.Join(*dir, "overlay.yaml"), out: filepath.Join(*dir, "openapi.json"),
		preload: spec.PreloadPath(*dir), preloaded: filepath.Join(*dir, spec.PreloadedFile)}
	var err error
	switch cmd {
	case "check":
		err = a.check(ctx, *src, *mirror)
	case "update":
		err = a.update(ctx, *src)
	case "resolve":
		err = a.resolve(ctx, *src, *mirror, *locked, *out, *rawOut, *preloadedOut)
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
type api struct{ dir, lock, overlay, out, preload, preloaded string }

// check writes the locked spec, validated, where the generator reads it.
func (a api) check(ctx context.Context, src, mirror string) error {
	lock, err := spec.ReadLock(a.lock)
	if err != nil {
		return err
	}
	f, err := spec.Locate(ctx, http.DefaultClient, lock, src, mirror)
	if err != nil {
		return err
	}
	rep, err := a.validateInto(ctx, f.From, f.Bytes)
	if err != nil {
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

// update accepts the spec at src by rewriting the lock.
func (a api) update(ctx context.Context, src string) error {
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
	switch lock.Compare(b) {
	case spec.Same:
		if _, err := a.validateInto(ctx, src, b); err != nil {
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
		_, err := a.validateInto(ctx, src, b)
		return err
	}
	rep, err := a.validateInto(ctx, src, b)
	if err != nil {
		return err
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
	printRedundant(rep)
	return nil
}

// resolve writes a post-overlay spec for tools/drift.
func (a api) resolve(ctx context.Context, src, mirror string, locked bool, out, rawOut, preloadedOut string) error {
	if out == "" {
		return errors.New("resolve: -out is required")
	}
	var b []byte
	if locked {
		lock, err := spec.ReadLock(a.lock)
		if err != nil {
			return &codeError{exitNoSpec, err}
		}
		f, err := spec.Locate(ctx, http.DefaultClient, lock, "", mirror)
		if err != nil {
			return &codeError{exitNoSpec, err}
		}
		b = f.Bytes
	} else {
		if src == "" {
			return errors.New("resolve: -src or -locked is required")
		}
		var err error
		if b, err = spec.Fetch(ctx, http.DefaultClient, src); err != nil {
			return &codeError{exitNoSpec, err}
		}
		if err := spec.CheckOpenAPI(src, b); err != nil {
			return err
		}
	}
	if rawOut != "" {
		if err := os.WriteFile(rawOut, b, 0o644); err != nil {
			return err
		}
	}
	name := src
	if locked {
		name = "the locked spec"
	}
	loadable, pre, err := a.preloadSpec(b)
	if err != nil {
		return &codeError{exitRejected, fmt.Errorf("%s: %w", name, err)}
	}
	if preloadedOut != "" && a.preload != "" {
		if err := os.WriteFile(preloadedOut, loadable, 0o644); err != nil {
			return err
		}
	}
	tmp := out + ".raw.json"
	if err := os.WriteFile(tmp, loadable, 0o644); err != nil {
		return err
	}
	defer os.Remove(tmp)
	doc, rep, err := spec.ValidatePreloaded(ctx, tmp, a.overlay, pre)
	if err != nil {
		return &codeError{exitRejected, named(err, tmp, a.name(name))}
	}
	j, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	if err := os.WriteFile(out, j, 0o644); err != nil {
		return err
	}
	canon, err := spec.CanonicalSum(b)
	if err != nil {
		return err
	}
	fmt.Printf("sha256: %s\ncanonical-sha256: %s\n", spec.Sum(b), canon)
	printRedundant(rep)
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
func (a api) validateInto(ctx context.Context, src string, b []byte) (*spec.Report, error) {
	doc, pre, err := a.preloadSpec(b)
	if err != nil {
		return pre, &codeError{exitRejected, fmt.Errorf("%s: %w", src, err)}
	}
	dst := a.out
	if a.preload != "" {
		dst = a.preloaded
	}
	tmp := dst + ".tmp"
	if err := os.WriteFile(tmp, doc, 0o644); err != nil {
		return nil, err
	}
	defer os.Remove(tmp)
	_, rep, err := spec.ValidatePreloaded(ctx, tmp, a.overlay, pre)
	if err != nil {
		return rep, &codeError{exitRejected, named(err, tmp, a.name(src))}
	}
	if a.preload != "" {
		raw := a.out + ".tmp"
		if err := os.WriteFile(raw, b, 0o644); err != nil {
			return rep, err
		}
		defer os.Remove(raw)
		if err := os.Rename(raw, a.out); err != nil {
			return rep, err
		}
	}
	return rep, os.Rename(tmp, dst)
}

func printRedundant(rep *spec.Report) {
	for _, line := range rep.Redundant() {
		fmt.Println("overlay:", line)
	}
}

// named replaces the temporary file in err's message with the source it
// holds, so that the message names what the user gave.
func named(err error, tmp, src string) error {
	return errors.New(strings.ReplaceAll(err.Error(), tmp, src))
}
