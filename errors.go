package nitro

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/nitrokit/nitro/auth"
	"github.com/nitrokit/nitro/internal/engine"
)

// maxErrorBody caps the body kept in an APIError.
const maxErrorBody = 64 << 10

// APIError is any non-2xx answer of the Nitro API, with its RFC 9457
// problem details when the body has them. Use errors.As, or IsNotFound and
// its siblings.
type APIError struct {
	// StatusCode is the HTTP status.
	StatusCode int
	// Method and Path say which request failed. Path is redacted like the
	// rest: it may hold an ID the server chose.
	Method, Path string
	// Type, Title, Detail and Instance are the RFC 9457 members.
	Type, Title, Detail, Instance string
	// Extensions holds the problem's "extensions" member.
	Extensions map[string]any
	// ValidationErrors maps request fields to what is wrong with them (400).
	ValidationErrors map[string]string
	// RequestID is the server's request id header, if it sent one: quote it
	// to Nitro support.
	RequestID string
	// RetryAfter is the raw Retry-After header, if any.
	RetryAfter string
	// Attempts is how many times the request was sent.
	Attempts int
	// Body is the raw body, at most 64 KiB of it.
	Body []byte

	// repeatable: the request was idempotent, by its method or by the
	// caller's word (WithIdempotent); a 5xx then left it retryable.
	repeatable bool
	// afterRun: an earlier attempt of the call may have been carried out
	// (it timed out after it was sent, or was answered 5xx), so a refusal
	// now (a 409: "cannot cancel an envelope that is cancelled") may be
	// that attempt's doing.
	afterRun bool
}

func (e *APIError) Error() string {
	if e == nil {
		return "nitro: <nil *APIError>"
	}
	var b strings.Builder
	if e.Attempts > 1 {
		fmt.Fprintf(&b, "after %d attempts: ", e.Attempts)
	}
	fmt.Fprintf(&b, "nitro: %s %s: %d %s", e.Method, e.Path, e.StatusCode, http.StatusText(e.StatusCode))
	if e.Detail != "" {
		b.WriteString(": " + e.Detail)
	} else if e.Title != "" && e.Title != http.StatusText(e.StatusCode) {
		b.WriteString(": " + e.Title)
	}
	for _, k := range sortedKeys(e.ValidationErrors) {
		fmt.Fprintf(&b, "; %s %s", k, e.ValidationErrors[k])
	}
	if e.RequestID != "" {
		b.WriteString(" (request id " + e.RequestID + ")")
	}
	if e.Outcome() == OutcomeUnknown {
		b.WriteString(" (outcome unknown: the request may have been carried out)")
	}
	return b.String()
}

// Outcome is what the answer says about the operation (see Outcome): a 429
// is retryable; a 408 or a 5xx is retryable for an idempotent method (GET,
// PUT, DELETE, or a call given WithIdempotent) and unknown for POST and
// PATCH, which the server may have carried out before failing; anything
// else is not done, unless an earlier attempt of the same call may have
// been carried out: then the refusal may be its doing, and the outcome is
// unknown.
func (e *APIError) Outcome() Outcome {
	if e == nil {
		return OutcomeNotDone
	}
	o := outcomeOfAnswer(e.repeatable || idempotent(e.Method), e.StatusCode)
	if o == OutcomeNotDone && e.afterRun {
		return OutcomeUnknown
	}
	return o
}

// Is makes an answer of unknown outcome ErrOutcomeUnknown.
func (e *APIError) Is(target error) bool {
	return target == ErrOutcomeUnknown && e.Outcome() == OutcomeUnknown
}

// IsNotFound reports whether err is an APIError with status 404.
func IsNotFound(err error) bool { return hasStatus(err, http.StatusNotFound) }

// IsConflict reports whether err is a 409: the envelope's status forbids the
// operation (EnvelopeInInvalidStateProblemDetail), such as downloading an
// envelope that is not sealed yet.
func IsConflict(err error) bool { return hasStatus(err, http.StatusConflict) }

// IsUnauthorized reports whether err is a 401 from the API, or an
// authentication failure at the token endpoint.
func IsUnauthorized(err error) bool {
	if hasStatus(err, http.StatusUnauthorized) {
		return true
	}
	var te *auth.Error
	return errors.As(err, &te) && te.StatusCode == http.StatusUnauthorized
}

// IsRateLimited reports whether err is a 429.
func IsRateLimited(err error) bool { return hasStatus(err, http.StatusTooManyRequests) }

func hasStatus(err error, status int) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.StatusCode == status
}

// newAPIError reads (at most 64 KiB of) a failed response into an APIError,
// every string of it (and the body) passed through redact and stripped of
// the token the request carried: a hostile or careless server may echo the
// Authorization header in its problem.
func newAPIError(resp *http.Response, body []byte, redact func(string) string) *APIError {
	redact = withSentToken(redact, resp.Request)
	e := &APIError{StatusCode: resp.StatusCode, Attempts: engine.AttemptsOf(resp), RetryAfter: redact(resp.Header.Get("Retry-After"))}
	if resp.Request != nil {
		// The path may hold what a server chose (a PDF job's ID).
		e.Method, e.Path = resp.Request.Method, redact(resp.Request.URL.Path)
		e.repeatable = repeatable(resp.Request, engine.CallOf(resp.Request.Context()))
		e.afterRun = engine.AfterRun(resp)
	}
	e.RequestID = requestIDOf(resp.Header)
	if len(body) > maxErrorBody {
		body = body[:maxErrorBody]
	}
	e.RequestID = redact(e.RequestID)
	e.Body = []byte(redact(string(body)))
	var p struct {
		Type             string            `json:"type"`
		Title            string            `json:"title"`
		Detail           string            `json:"detail"`
		Instance         string            `json:"instance"`
		Extensions       map[string]any    `json:"extensions"`
		ValidationErrors map[string]string `json:"validation_errors"`
	}
	if json.Unmarshal(body, &p) == nil {
		e.Type, e.Title, e.Detail, e.Instance = redact(p.Type), redact(p.Title), redact(p.Detail), redact(p.Instance)
		e.Extensions = redactAny(p.Extensions, redact).(map[string]any)
		e.ValidationErrors = redactStrings(p.ValidationErrors, redact)
	}
	return e
}

// requestIDOf is the request ID among h's fields: Nitro's pages ask for a
// request ID without naming its header (docs/wire-sources.md), so the
// common names are tried in turn.
func requestIDOf(h http.Header) string {
	for _, name := range []string{"X-Request-Id", "Request-Id", "X-Correlation-Id", "X-Amzn-Requestid", "Traceparent"} {
		if v := h.Get(name); v != "" {
			return v
		}
	}
	return ""
}

// ErrEmptyUnion is returned, before anything is sent, for a request body
// that would reach the API holding null: a union (a oneOf such as
// sign.CreateFieldRequest) with no variant set, at the top or nested, or a
// required list left nil. Build a union with its New… constructor. The error
// names the member.
var ErrEmptyUnion = errors.New("nitro: the request body holds an empty union or a nil required list")

// withSentToken returns redact followed by the removal of the bearer token
// req carried, which the Client's redactor may not know yet (a token the
// source already dropped after this very 401, say).
func withSentToken(redact func(string) string, req *http.Request) func(string) string {
	if req == nil {
		return redact
	}
	tok, ok := bearerToken(req.Header.Get("Authorization"))
	if !ok {
		return redact
	}
	return func(s string) string { return strings.ReplaceAll(redact(s), tok, redacted) }
}

// redactStrings redacts the keys and values of m.
func redactStrings(m map[string]string, redact func(string) string) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[redact(k)] = redact(v)
	}
	return out
}

// redactAny redacts every string in a decoded JSON value, keys included.
func redactAny(v any, redact func(string) string) any {
	switch v := v.(type) {
	case string:
		return redact(v)
	case []any:
		for i := range v {
			v[i] = redactAny(v[i], redact)
		}
	case map[string]any:
		if v == nil {
			return v
		}
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[redact(k)] = redactAny(x, redact)
		}
		return out
	}
	return v
}

// errorFromResponse drains and closes a failed response into an APIError,
// redacted.
func errorFromResponse(resp *http.Response, redact func(string) string) *APIError {
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	return newAPIError(resp, body, redact)
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
