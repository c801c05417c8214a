package otel

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"syscall"
	"testing"

	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/auth"
)

func TestTemplateOf(t *testing.T) {
	for route, want := range map[string]string{
		"GET /sign/envelopes/{envelopeID}": "/sign/envelopes/{envelopeID}",
		"POST  /conversions":               "/conversions",
		"/sign/envelopes":                  "/sign/envelopes",
		"GET api.example.com/jobs/{id}":    "/jobs/{id}",
		"":                                 "",
		"GET":                              "",
	} {
		if got := templateOf(route); got != want {
			t.Errorf("templateOf(%q) = %q, want %q", route, got, want)
		}
	}
}

func TestPathOf(t *testing.T) {
	for u, want := range map[string]string{
		"https://auth.example.com/oauth/token": "/oauth/token",
		"http://127.0.0.1:8080/oauth/token":    "/oauth/token",
		"https://example.com":                  "",
		"(no URL)":                             "",
	} {
		if got := pathOf(u); got != want {
			t.Errorf("pathOf(%q) = %q, want %q", u, got, want)
		}
	}
}

// TestMethodAndSpanName: a method the conventions do not know is _OTHER,
// with its original, and names its span HTTP.
func TestMethodAndSpanName(t *testing.T) {
	for _, c := range []struct{ in, value, original, template, name string }{
		{"GET", "GET", "", "/sign/envelopes", "GET /sign/envelopes"},
		{"DELETE", "DELETE", "", "", "DELETE"},
		{"get", "_OTHER", "get", "/x", "HTTP /x"},
		{"PROPFIND", "_OTHER", "PROPFIND", "", "HTTP"},
	} {
		v, o := method(c.in)
		if v != c.value || o != c.original || spanName(v, c.template) != c.name {
			t.Errorf("method(%q) = %q, %q, span %q; want %q, %q, %q", c.in, v, o, spanName(v, c.template), c.value, c.original, c.name)
		}
	}
}

func TestOutcomeValue(t *testing.T) {
	for o, want := range map[nitro.Outcome]string{
		nitro.OutcomeDone: "done", nitro.OutcomeNotDone: "not_done", nitro.OutcomeRetryable: "retryable",
		nitro.OutcomeUnknown: "unknown", nitro.Outcome(42): "_OTHER",
	} {
		if got := outcomeValue(o); got != want {
			t.Errorf("outcomeValue(%v) = %q, want %q", o, got, want)
		}
	}
}

// timeoutError is a net.Error that timed out, as the Client's attempt
// timeout is.
type timeoutError struct{}

func (timeoutError) Error() string   { return "nitro: attempt timed out" }
func (timeoutError) Timeout() bool   { return true }
func (timeoutError) Temporary() bool { return true }

// TestFailure: the error.type of every documented class, and what is no
// failure.
func TestFailure(t *testing.T) {
	opErr := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	wrap := func(err error) error {
		return fmt.Errorf("nitro: GET /x: %w", &url.Error{Op: "Get", URL: "/x", Err: err})
	}
	for _, c := range []struct {
		name       string
		status     int
		err        error
		callerGone bool
		want       string // "" for no failure
	}{
		{"2xx", 200, nil, false, ""},
		{"3xx", 304, nil, false, ""},
		{"4xx answer", 404, nil, false, "404"},
		{"5xx answer", 503, nil, false, "503"},
		{"APIError", 0, &nitro.APIError{StatusCode: 409}, false, "409"},
		{"wrapped APIError", 0, fmt.Errorf("x: %w", &nitro.APIError{StatusCode: 429}), false, "429"},
		{"deadline", 0, wrap(context.DeadlineExceeded), false, "timeout"},
		{"attempt timeout", 0, wrap(timeoutError{}), false, "timeout"},
		{"caller cancelled", 0, wrap(context.Canceled), true, ""},
		{"attempt ended by the Client", 0, wrap(context.Canceled), false, "timeout"},
		{"refused connection", 0, wrap(opErr), false, "connection"},
		{"EOF", 0, wrap(io.EOF), false, "connection"},
		{"cut short", 0, wrap(io.ErrUnexpectedEOF), false, "connection"},
		{"certificate", 0, wrap(&tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}), false, "tls"},
		{"not TLS", 0, wrap(tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake"}), false, "tls"},
		{"token refused", 0, wrap(&auth.Error{StatusCode: 401, Code: "invalid_client"}), false, "token"},
		{"token endpoint timed out", 0, wrap(&auth.Error{Err: timeoutError{}, Retryable: true}), false, "timeout"},
		{"token endpoint down", 0, wrap(&auth.Error{Err: opErr, Retryable: true}), false, "connection"},
		{"token unusable", 0, wrap(&auth.Error{Err: auth.ErrInvalidToken}), false, "token"},
		{"anything else", 0, errors.New("nitro: closed"), false, "_OTHER"},
	} {
		got, failed := failure(c.status, c.err, c.callerGone)
		if got != c.want || failed != (c.want != "") {
			t.Errorf("%s: failure = %q, %v; want %q", c.name, got, failed, c.want)
		}
	}
}
