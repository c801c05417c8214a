package auth

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ErrClosed is returned by every call on a Source after Close.
var ErrClosed = errors.New("auth: source is closed")

// ErrInsecureURL is returned when credentials or a token would travel over
// plain http to a host that is not loopback, without WithInsecureHTTP.
var ErrInsecureURL = errors.New("auth: refusing to send credentials or tokens over plain http to a non-loopback host")

// ErrInvalidToken is wrapped by the *Error of a token endpoint answer whose
// access token cannot be sent: it holds a control character (CR, LF, NUL,
// DEL, …), so it is not a valid HTTP header value. Such a token is never
// cached; the failure is not retryable.
var ErrInvalidToken = errors.New("access token is not a valid HTTP header value")

// Error is a failure to obtain a token from the token endpoint: an RFC 6749
// §5.2 error response, an unexpected status, a malformed answer, or a
// transport failure (then StatusCode is 0 and Err holds the cause).
//
// Its text never contains the client secret or a token. Use errors.As to
// inspect it.
type Error struct {
	// StatusCode is the HTTP status of the token endpoint's answer, 0 if none.
	StatusCode int
	// Code is the RFC 6749 "error" value, such as "invalid_client".
	Code string
	// Description is the RFC 6749 "error_description". Code, Description,
	// URI and Err's text are redacted by the Source's redactor: the client
	// secret and its tokens read "[REDACTED]" however a hostile endpoint
	// echoes them.
	Description string
	// URI is the RFC 6749 "error_uri".
	URI string
	// Retryable reports whether the same request may succeed later (network
	// errors, timeouts, 429, 5xx). Bad credentials and bad grants are not.
	Retryable bool
	// RetryAfter is the delay the token endpoint asked for (Retry-After on a
	// 429 or 503), 0 if none. A caller that owns the retry budget should
	// wait at least this long before its next attempt.
	RetryAfter time.Duration
	// Attempts is how many token requests were made before giving up.
	Attempts int
	// Err is the underlying cause, if any.
	Err error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("auth: token request")
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " failed after %d attempts", e.Attempts)
	}
	if e.StatusCode != 0 {
		fmt.Fprintf(&b, ": HTTP %d", e.StatusCode)
	}
	if e.Code != "" {
		fmt.Fprintf(&b, ": %s", e.Code)
	}
	if e.Description != "" {
		fmt.Fprintf(&b, ": %s", e.Description)
	}
	if e.Err != nil {
		fmt.Fprintf(&b, ": %v", e.Err)
	}
	return b.String()
}

// Format prints Error for every verb (quoted for %q), so %+v and %#v show
// the same redacted text and never a field-by-field dump of the cause.
func (e *Error) Format(f fmt.State, verb rune) {
	if verb == 'q' {
		_, _ = f.Write([]byte(strconv.Quote(e.Error())))
		return
	}
	_, _ = f.Write([]byte(e.Error()))
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Temporary reports e.Retryable: whether the same token request may succeed
// later. It lets code that knows only interface{ Temporary() bool } stop.
func (e *Error) Temporary() bool { return e.Retryable }

// IsRetryable reports whether err, from a Source (Token, RequestEditor, a
// Transport's RoundTrip, the TokenSource adapter), is worth another attempt
// by the caller's retry layer: true only for an *Error marked Retryable
// (network failure, timeout, 408, 429, 5xx without a permanent RFC 6749
// code, a non-JSON answer). It is false for everything a retry cannot fix,
// and the API layer should then stop at once: bad credentials or grants
// (400/401 invalid_client, invalid_grant, …), ErrInsecureURL, ErrClosed,
// ErrInvalidToken and other malformed answers, a refused redirect, and the
// caller's own context ending. It is false as well for errors that did not
// come from this package, which it cannot judge.
func IsRetryable(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Retryable
}

// isPermanentCode reports whether an RFC 6749 §5.2 error code is one that
// retrying the same request cannot fix.
func isPermanentCode(code string) bool {
	switch code {
	case "invalid_request", "invalid_client", "invalid_grant",
		"unauthorized_client", "unsupported_grant_type", "invalid_scope":
		return true
	}
	return false
}
