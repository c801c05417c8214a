package spec

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Lock records which upstream spec the generated code was built from. It is
// committed as api/<name>/openapi.lock; the spec itself never is.
type Lock struct {
	// URL is where the spec is published.
	URL string
	// SHA256 is the hex sha256 of the spec's bytes exactly as fetched. It
	// names the spec in the content-addressed cache.
	SHA256 string
	// Canonical is the hex sha256 of the spec's canonical form (see
	// Canonical): key order, whitespace, string escapes and number spelling
	// normalised. A reformatted upstream keeps it; any real change does not.
	Canonical string
	// Path is the file the lock was read from (not written to it).
	Path string
}

// ErrMismatch reports that a fetched spec is not the locked one.
var ErrMismatch = errors.New("spec does not match its lock")

// MismatchError tells the locked and the fetched hash apart and says how to
// accept the new spec. It matches ErrMismatch with errors.Is.
type MismatchError struct {
	Source, LockPath, Locked, Fetched string
}

func (e *MismatchError) Error() string {
	return fmt.Sprintf("%v %s\n  source:  %s\n  locked:  sha256 %s\n  fetched: sha256 %s (a different spec, not a reformat)\n"+
		"The upstream spec changed. Review the change with `make drift SPEC_URL=%[3]s%[6]s`,\n"+
		"then accept it with `make spec-update SPEC_URL=%[3]s%[6]s` and `make generate` (see docs/regenerating.md).",
		ErrMismatch, e.LockPath, e.Source, e.Locked, e.Fetched, specArg(e.LockPath))
}

// specArg is the make argument naming the API whose lock is lockPath
// (api/<name>/openapi.lock): with several APIs, SPEC_URL needs SPEC.
func specArg(lockPath string) string {
	name := filepath.Base(filepath.Dir(lockPath))
	if lockPath == "" || name == "." || name == string(filepath.Separator) {
		return ""
	}
	return " SPEC=" + name
}

// Is reports whether target is ErrMismatch.
func (e *MismatchError) Is(target error) bool { return target == ErrMismatch }

// Sum returns the hex sha256 of b.
func Sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// Match says how b relates to the lock.
type Match int

const (
	// Different: b is another spec.
	Different Match = iota
	// Same: b is byte for byte the locked spec.
	Same
	// Reformatted: b differs from the locked bytes only in formatting; its
	// canonical form is the locked one.
	Reformatted
)

// Compare reports whether b is the locked spec, byte for byte or reformatted.
func (l Lock) Compare(b []byte) Match {
	if Sum(b) == l.SHA256 {
		return Same
	}
	if l.Canonical == "" {
		return Different
	}
	if c, err := CanonicalSum(b); err == nil && c == l.Canonical {
		return Reformatted
	}
	return Different
}

// Check returns a *MismatchError unless b is the locked spec, byte for byte
// or reformatted.
func (l Lock) Check(source string, b []byte) error {
	if l.Compare(b) == Different {
		return &MismatchError{Source: source, LockPath: l.Path, Locked: l.SHA256, Fetched: Sum(b)}
	}
	return nil
}

// ReadLock parses a lock file of "key: value" lines; # starts a comment.
func ReadLock(path string) (Lock, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Lock{}, fmt.Errorf("read lock: %w", err)
	}
	l := Lock{Path: path}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, val, ok := strings.Cut(line, ":")
		if !ok {
			return Lock{}, fmt.Errorf("%s:%d: want \"key: value\", got %q", path, n, line)
		}
		switch strings.TrimSpace(key) {
		case "url":
			l.URL = strings.TrimSpace(val)
		case "sha256":
			l.SHA256 = strings.TrimSpace(val)
		case "canonical-sha256":
			l.Canonical = strings.TrimSpace(val)
		default:
			return Lock{}, fmt.Errorf("%s:%d: unknown key %q", path, n, key)
		}
	}
	for key, sum := range map[string]string{"sha256": l.SHA256, "canonical-sha256": l.Canonical} {
		if sum == "" && key == "canonical-sha256" {
			continue // locks written before canonical sums
		}
		if _, err := hex.DecodeString(sum); err != nil || len(sum) != 2*sha256.Size {
			return Lock{}, fmt.Errorf("%s: %s %q is not a hex sha256", path, key, sum)
		}
	}
	return l, nil
}

// WriteLock writes l to path in the format ReadLock reads.
func WriteLock(path string, l Lock) error {
	body := fmt.Sprintf("# The upstream spec the generated code was generated from. The spec itself is\n"+
		"# never committed: `make spec` finds it by sha256 (cache, mirror, upstream),\n"+
		"# checks it and validates it with the overlay. canonical-sha256 hashes its\n"+
		"# canonical form, so a reformatted upstream is recognised as the same spec.\n"+
		"# Accept a new upstream spec with `make spec-update` (docs/regenerating.md).\n"+
		"url: %s\nsha256: %s\ncanonical-sha256: %s\n", l.URL, l.SHA256, l.Canonical)
	return os.WriteFile(path, []byte(body), 0o644)
}
