package redacterr_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/nitrokit/nitro/internal/redacterr"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const secret = "s3cret"

func redact(s string) string { return strings.ReplaceAll(s, secret, "[REDACTED]") }

var errSentinel = errors.New("sentinel")

// TestWrapHidesTheSecretAndKeepsTheChain: every layer's text is clean, and
// errors.Is, errors.As and net.Error's answers still see through it.
func TestWrapHidesTheSecretAndKeepsTheChain(t *testing.T) {
	timeout := &net.OpError{Op: "read", Net: "tcp", Err: os.ErrDeadlineExceeded}
	err := fmt.Errorf("outer %s: %w", secret, fmt.Errorf("middle %s: %w", secret, errors.Join(errSentinel, timeout)))
	got := redacterr.Wrap(err, redact)
	for e := got; e != nil; e = unwrapFirst(e) {
		if strings.Contains(e.Error(), secret) {
			t.Errorf("a layer still holds the secret: %q", e)
		}
	}
	if !errors.Is(got, errSentinel) || !errors.Is(got, os.ErrDeadlineExceeded) {
		t.Errorf("errors.Is lost a cause: %v", got)
	}
	var op *net.OpError
	if !errors.As(got, &op) {
		t.Errorf("errors.As lost the *net.OpError: %v", got)
	}
	var ne net.Error
	if !errors.As(got, &ne) || !ne.Timeout() {
		t.Errorf("the redacted error is not a timeout: %v", got)
	}
}

func TestWrapLeavesACleanErrorAlone(t *testing.T) {
	if got := redacterr.Wrap(errSentinel, redact); got != errSentinel {
		t.Errorf("Wrap(clean) = %#v, want the error itself", got)
	}
	if got := redacterr.Wrap(nil, redact); got != nil {
		t.Errorf("Wrap(nil) = %v", got)
	}
	if got := redacterr.Wrap(context.Canceled, redact); !errors.Is(got, context.Canceled) {
		t.Errorf("Wrap(context.Canceled) = %v", got)
	}
}

// unwrapFirst follows the first cause of either Unwrap form.
func unwrapFirst(err error) error {
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		return u.Unwrap()
	case interface{ Unwrap() []error }:
		if cs := u.Unwrap(); len(cs) > 0 {
			return cs[0]
		}
	}
	return nil
}
