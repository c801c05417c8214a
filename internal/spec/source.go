package spec

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
)

// CacheEnv overrides the directory of the content-addressed spec cache (the
// scheduled workflow points it at the directory the Actions cache keeps).
const CacheEnv = "NITRO_SPEC_CACHE"

// CacheDir is where specs are kept by sha256: $NITRO_SPEC_CACHE, else
// os.UserCacheDir()/nitro/specs.
func CacheDir() (string, error) {
	if d := os.Getenv(CacheEnv); d != "" {
		return d, nil
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "nitro", "specs"), nil
}

// CachePath is the cache file of the spec with the given sha256.
func CachePath(sha string) (string, error) {
	d, err := CacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, sha+".json"), nil
}

// Store keeps b in the cache under its sha256. Errors are returned for the
// caller to print; a cache is never required.
func Store(b []byte) error {
	p, err := CachePath(Sum(b))
	if err != nil {
		return err
	}
	if _, err := os.Stat(p); err == nil {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	tmp := p + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, p)
}

// Found is a spec and where it came from.
type Found struct {
	Bytes []byte
	From  string
	Match Match
}

// NotAvailableError says that the locked spec is nowhere to be had, what was
// tried, and what to do.
type NotAvailableError struct {
	Lock  Lock
	Tried []string
}

func (e *NotAvailableError) Error() string {
	cache, _ := CachePath(e.Lock.SHA256)
	return fmt.Sprintf("the spec locked by %s (sha256 %s) is not available:\n  - %s\n"+
		"What to do:\n"+
		"  - if you have a copy of it, put it at %s (the file's sha256 must be the locked one);\n"+
		"  - if upstream has changed, accept the new spec instead: `make drift SPEC_URL=%[5]s%[6]s`,\n"+
		"    then `make spec-update SPEC_URL=%[5]s%[6]s` and `make generate` (docs/regenerating.md).",
		e.Lock.Path, e.Lock.SHA256, strings.Join(e.Tried, "\n  - "), cache, e.Lock.URL, specArg(e.Lock.Path))
}

// Locate finds the locked spec. With src set, src must hold it (byte for
// byte or reformatted), else a *MismatchError says how to accept src. With
// src empty it looks in the content-addressed cache, then in mirrorDir (any
// file there whose sha256 is the locked one), then upstream at the lock's
// URL while that still serves the locked spec. What it finds outside the
// cache is stored in the cache.
func Locate(ctx context.Context, client *http.Client, lock Lock, src, mirrorDir string) (Found, error) {
	if src != "" {
		b, err := Fetch(ctx, client, src)
		if err != nil {
			return Found{}, err
		}
		if err := CheckOpenAPI(src, b); err != nil {
			return Found{}, err
		}
		if err := lock.Check(src, b); err != nil {
			return Found{}, err
		}
		_ = Store(b)
		return Found{Bytes: b, From: src, Match: lock.Compare(b)}, nil
	}
	var tried []string
	if p, err := CachePath(lock.SHA256); err != nil {
		tried = append(tried, fmt.Sprintf("cache: %v", err))
	} else if b, err := os.ReadFile(p); err == nil && Sum(b) == lock.SHA256 {
		return Found{Bytes: b, From: p, Match: Same}, nil
	} else {
		tried = append(tried, fmt.Sprintf("cache: no %s", p))
	}
	if mirrorDir != "" {
		if b, p, ok := fromMirror(mirrorDir, lock.SHA256); ok {
			_ = Store(b)
			return Found{Bytes: b, From: p, Match: Same}, nil
		}
		tried = append(tried, fmt.Sprintf("mirror: no file with that sha256 in %s", mirrorDir))
	}
	if lock.URL != "" {
		b, err := Fetch(ctx, client, lock.URL)
		switch {
		case err != nil:
			tried = append(tried, fmt.Sprintf("upstream: %v", err))
		case lock.Compare(b) == Different:
			tried = append(tried, fmt.Sprintf("upstream: %s now serves another spec (sha256 %s)", lock.URL, Sum(b)))
		default:
			_ = Store(b)
			return Found{Bytes: b, From: lock.URL, Match: lock.Compare(b)}, nil
		}
	}
	return Found{}, &NotAvailableError{Lock: lock, Tried: tried}
}

func fromMirror(dir, sha string) ([]byte, string, bool) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, "", false
	}
	files := []string{dir}
	if st.IsDir() {
		files, _ = filepath.Glob(filepath.Join(dir, "*.json"))
	}
	for _, f := range files {
		if b, err := os.ReadFile(f); err == nil && Sum(b) == sha {
			return b, f, true
		}
	}
	return nil, "", false
}
