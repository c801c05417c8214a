package spec

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
)

// Lock records which upstream spec gen/ was built from. It is committed as
// api/openapi.lock; the spec itself never is.
type Lock struct {
	// URL is where the spec is published.
	URL string
	// SHA256 is the hex sha256 of the spec's bytes exactly as fetched.
	SHA256 string
}

// ErrMismatch reports that a fetched spec is not the locked one.
var ErrMismatch = errors.New("spec does not match api/openapi.lock")

// MismatchError tells the locked and the fetched hash apart and says how to
// accept the new spec. It matches ErrMismatch with errors.Is.
type MismatchError struct {
	Source, Locked, Fetched string
}

func (e *MismatchError) Error() string {
	return fmt.Sprintf("%v\n  source:  %s\n  locked:  sha256 %s\n  fetched: sha256 %s\n"+
		"The upstream spec changed. Review the change with `make drift SPEC_URL=%s`,\n"+
		"then accept it with `make spec-update SPEC_URL=%[2]s` and `make generate`, and review the diff of gen/.",
		ErrMismatch, e.Source, e.Locked, e.Fetched, e.Source)
}

// Is reports whether target is ErrMismatch.
func (e *MismatchError) Is(target error) bool { return target == ErrMismatch }

// Sum returns the hex sha256 of b.
func Sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// Check returns a *MismatchError unless b hashes to the locked sum.
func (l Lock) Check(source string, b []byte) error {
	if got := Sum(b); got != l.SHA256 {
		return &MismatchError{Source: source, Locked: l.SHA256, Fetched: got}
	}
	return nil
}

// ReadLock parses a lock file of "key: value" lines; # starts a comment.
func ReadLock(path string) (Lock, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Lock{}, fmt.Errorf("read lock: %w", err)
	}
	var l Lock
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
		default:
			return Lock{}, fmt.Errorf("%s:%d: unknown key %q", path, n, key)
		}
	}
	if _, err := hex.DecodeString(l.SHA256); err != nil || len(l.SHA256) != 2*sha256.Size {
		return Lock{}, fmt.Errorf("%s: sha256 %q is not a hex sha256", path, l.SHA256)
	}
	return l, nil
}

// WriteLock writes l to path in the format ReadLock reads.
func WriteLock(path string, l Lock) error {
	body := fmt.Sprintf("# The upstream spec that gen/ was generated from. The spec itself is never\n"+
		"# committed: `make spec` fetches it, checks this hash and validates it.\n"+
		"# Accept a new upstream spec with `make spec-update`.\nurl: %s\nsha256: %s\n", l.URL, l.SHA256)
	return os.WriteFile(path, []byte(body), 0o644)
}
