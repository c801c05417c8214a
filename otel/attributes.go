package otel

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"strconv"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"

	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/auth"
)

// Attributes of this module's own, beside the semantic conventions'.
const (
	// attemptsKey is on a call's span: how many times its request was sent.
	attemptsKey = attribute.Key("nitro.attempts")
	// outcomeKey is on a call's span and metrics: what its end says about
	// the operation (outcomeValue).
	outcomeKey = attribute.Key("nitro.outcome")
)

// method is the http.request.method of m: m when the semantic conventions
// know it, else "_OTHER" with m as the original (http.request.method_original).
func method(m string) (value, original string) {
	switch m {
	case "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "CONNECT", "TRACE", "QUERY":
		return m, ""
	}
	return "_OTHER", m
}

// spanName is the conventions' {method} {target}: "HTTP" for a method they
// do not know, and the method alone without a template.
func spanName(method, template string) string {
	if method == "_OTHER" {
		method = "HTTP"
	}
	if template == "" {
		return method
	}
	return method + " " + template
}

// templateOf is the path template (url.template) of a call's Route
// ("GET /sign/envelopes/{envelopeID}": "/sign/envelopes/{envelopeID}"), or
// "" when the call has none. A Route is a net/http pattern, so it may name
// a host before its path: that is left out.
func templateOf(route string) string {
	if _, rest, ok := strings.Cut(route, " "); ok {
		route = strings.TrimLeft(rest, " ")
	}
	if i := strings.IndexByte(route, '/'); i >= 0 {
		return route[i:]
	}
	return ""
}

// pathOf is the path of a URL as the Observer is told it (scheme, host and
// path, redacted): a token request's url.template, for its endpoint is one
// fixed path.
func pathOf(u string) string {
	if _, rest, ok := strings.Cut(u, "://"); ok {
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			return rest[i:]
		}
	}
	return ""
}

// outcomeValue is nitro.outcome's value for o.
func outcomeValue(o nitro.Outcome) string {
	switch o {
	case nitro.OutcomeDone:
		return "done"
	case nitro.OutcomeNotDone:
		return "not_done"
	case nitro.OutcomeRetryable:
		return "retryable"
	case nitro.OutcomeUnknown:
		return "unknown"
	}
	return "_OTHER"
}

// Values of error.type besides an answer's status (see the package doc).
const (
	errTimeout    = "timeout"
	errConnection = "connection"
	errTLS        = "tls"
	errToken      = "token"
)

// failure says whether a request or call that ended with status and err
// failed, and its error.type if so. A status of 400 or more is a failure
// named by its status; an error with no answer is one named by its class
// (errorClass). The caller's own cancellation is no failure, the
// conventions' rule for a request the caller abandoned: callerGone says
// the caller's context is done.
func failure(status int, err error, callerGone bool) (string, bool) {
	var ae *nitro.APIError
	switch {
	case errors.As(err, &ae):
		return strconv.Itoa(ae.StatusCode), true
	case err == nil && status >= 400:
		return strconv.Itoa(status), true
	case err == nil:
		return "", false
	case callerGone && errors.Is(err, context.Canceled):
		return "", false
	}
	return errorClass(err), true
}

// errorClass is the error.type of a failure with no answer.
func errorClass(err error) string {
	var (
		tae *auth.Error
		cve *tls.CertificateVerificationError
		ue  x509.UnknownAuthorityError
		he  x509.HostnameError
		ce  x509.CertificateInvalidError
		rhe tls.RecordHeaderError
		ale tls.AlertError
	)
	switch {
	case errors.As(err, &tae) && tae.StatusCode != 0:
		return errToken // the token endpoint answered, and refused
	case errors.Is(err, context.DeadlineExceeded) || timedOut(err):
		return errTimeout
	case errors.Is(err, context.Canceled):
		// Cancelled while its caller waited on: the Client ended it,
		// which it does to an attempt that has been quiet too long. (The
		// layer below the Client's timeout sees the attempt's context
		// cancelled, not the timeout the Client reports above it.)
		return errTimeout
	case errors.As(err, &cve) || errors.As(err, &ue) || errors.As(err, &he) || errors.As(err, &ce) || errors.As(err, &rhe) || errors.As(err, &ale):
		return errTLS
	case errors.As(err, new(*net.OpError)) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return errConnection
	case errors.As(err, &tae):
		return errToken
	}
	return semconv.ErrorTypeOther.Value.AsString()
}

// timedOut reports whether an error in err's chain says it timed out.
// errors.As would stop at the first that has a Timeout method: a
// *url.Error has one, which asks only the error it wraps, and an
// *auth.Error in between has none.
func timedOut(err error) bool {
	for ; err != nil; err = errors.Unwrap(err) {
		if t, ok := err.(interface{ Timeout() bool }); ok && t.Timeout() {
			return true
		}
	}
	return false
}
