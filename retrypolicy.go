package nitro

import (
	"fmt"
	"net/http"
	"time"
)

// RetryPolicy tunes how a Client retries (Config.Retry); its zero value is
// the default. How many times is Config.MaxRetries (or a call's
// WithMaxRetries).
//
// What may be retried at all is the rule in the package doc: a request that
// may have reached the server (a POST or PATCH that timed out after it was
// sent, or was answered 5xx) is sent again only when the caller said it is
// idempotent (WithIdempotent). ShouldRetry can refuse any retry, and allow
// one the rule would not make (a 409 the caller knows to be transient, say),
// but it cannot lift that safety rule: a request the server may have carried
// out is never repeated on its word.
type RetryPolicy struct {
	// BaseDelay is the delay before the first retry, doubled for each
	// next one, half of it jittered; default 500ms.
	BaseDelay time.Duration
	// MaxDelay caps each delay the Client chooses; default 30s.
	MaxDelay time.Duration
	// MaxRetryAfter is the longest Retry-After (a 429's or a 503's)
	// honoured: an answer asking for a longer wait ends the call with that
	// answer (its APIError.RetryAfter says how long), rather than retrying
	// before the server is ready. Default 1 minute.
	MaxRetryAfter time.Duration
	// ShouldRetry, if set, has the last word on each retry the safety rule
	// allows: it is told the failed attempt and what the Client would do
	// (RetryAttempt.Retry), and returns whether to retry. It runs on the
	// calling goroutine and must not block.
	ShouldRetry func(RetryAttempt) bool
}

// RetryAttempt is a failed attempt, as RetryPolicy.ShouldRetry is told it.
type RetryAttempt struct {
	// Method and Path are the request's (the path redacted).
	Method, Path string
	// Attempt is the attempt's number, 1 for the first.
	Attempt int
	// StatusCode is the answer's status, or 0 when there was no answer.
	StatusCode int
	// Err is the failure when there was no answer (redacted by Error, as
	// every error of this module).
	Err error
	// Outcome is what the attempt says about the operation.
	Outcome Outcome
	// RetryAfter is the wait the server asked for, or 0.
	RetryAfter time.Duration
	// Retry is what the Client would do without ShouldRetry.
	Retry bool
}

// Defaults of RetryPolicy.
const (
	defaultBaseDelay     = 500 * time.Millisecond
	defaultMaxDelay      = 30 * time.Second
	defaultMaxRetryAfter = time.Minute
)

// withDefaults checks p and fills in its defaults.
func (p RetryPolicy) withDefaults() (RetryPolicy, error) {
	baseGiven := p.BaseDelay != 0
	for _, d := range []struct {
		name string
		v    *time.Duration
		def  time.Duration
	}{{"BaseDelay", &p.BaseDelay, defaultBaseDelay}, {"MaxDelay", &p.MaxDelay, defaultMaxDelay}, {"MaxRetryAfter", &p.MaxRetryAfter, defaultMaxRetryAfter}} {
		switch {
		case *d.v < 0:
			return p, &ConfigError{Field: "Retry." + d.name, Reason: fmt.Sprintf("%v is negative", *d.v)}
		case *d.v == 0:
			*d.v = d.def
		}
	}
	switch {
	case p.BaseDelay > p.MaxDelay && baseGiven:
		return p, &ConfigError{Field: "Retry.BaseDelay", Reason: fmt.Sprintf("%v is longer than MaxDelay (%v)", p.BaseDelay, p.MaxDelay)}
	case p.BaseDelay > p.MaxDelay:
		p.BaseDelay = p.MaxDelay // a MaxDelay below the default base: every delay is capped by it
	}
	return p, nil
}

// Methods by their definition (RFC 9110) safe to send twice: every method
// but POST and PATCH.
func idempotent(method string) bool { return method != http.MethodPost && method != http.MethodPatch }
