// Command spec fetches the upstream OpenAPI document, checks it against
// api/openapi.lock, validates it with api/overlay.yaml applied, and writes it
// to api/openapi.json (gitignored). With -update it accepts a changed spec by
// rewriting the lock instead of failing. `make spec` and `make spec-update`
// run it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/nitrokit/nitro/internal/spec"
)

func main() {
	src := flag.String("src", "", "spec source: an http(s) URL or a file path")
	lockPath := flag.String("lock", "api/sign/openapi.lock", "lock file")
	overlay := flag.String("overlay", "api/sign/overlay.yaml", "OpenAPI Overlay applied before validation")
	out := flag.String("out", "api/sign/openapi.json", "where the checked spec is written")
	update := flag.Bool("update", false, "accept the fetched spec: rewrite the lock instead of failing on a mismatch")
	flag.Parse()
	if err := run(*src, *lockPath, *overlay, *out, *update); err != nil {
		fmt.Fprintln(os.Stderr, "spec:", err)
		os.Exit(1)
	}
}

func run(src, lockPath, overlay, out string, update bool) error {
	lock, err := spec.ReadLock(lockPath)
	if err != nil && !(update && errors.Is(err, os.ErrNotExist)) {
		return err
	}
	if src == "" {
		src = lock.URL
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	b, err := spec.Fetch(ctx, http.DefaultClient, src)
	if err != nil {
		return err
	}
	if !update {
		if err := lock.Check(src, b); err != nil {
			return err
		}
	}
	// Validate a temporary copy, so a bad spec never replaces a good one.
	tmp := out + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	defer os.Remove(tmp)
	if _, err := spec.Validate(ctx, tmp, overlay); err != nil {
		return err
	}
	if err := os.Rename(tmp, out); err != nil {
		return err
	}
	if update {
		if spec.IsURL(src) {
			lock.URL = src
		}
		lock.SHA256 = spec.Sum(b)
		if err := spec.WriteLock(lockPath, lock); err != nil {
			return err
		}
		fmt.Printf("spec: locked %s at sha256 %s; now run `make generate` and review the diff of gen/\n", lock.URL, lock.SHA256)
		return nil
	}
	fmt.Printf("spec: %s matches the lock (sha256 %s), validated with %s, written to %s\n", src, lock.SHA256, filepath.Base(overlay), out)
	return nil
}
