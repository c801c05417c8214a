package nitro

import (
	"errors"
	"net/http"
	"time"

	"github.com/nitrokit/nitro/auth"
	"github.com/nitrokit/nitro/internal/engine"
	"github.com/nitrokit/nitro/internal/retry"
)

// policy is the retry rule the engine runs (the mechanism is the engine's,
// the rule is here, beside the Outcome it is written in): an attempt's
// outcome by outcomeOfAnswer or outcomeOfFailure, retried when retryable,
// unless the auth layer already spent its budget on it (finalAuthError),
// the server asks for a longer wait than RetryPolicy.MaxRetryAfter, or the
// caller's RetryPolicy.ShouldRetry says no.
type policy struct {
	RetryPolicy
	redact func(string) string
	now    func() time.Time
}

func (p *policy) engine() engine.Policy {
	return engine.Policy{
		Judge: p.judge,
		Fail: func(err error, n int, o engine.Outcome) error {
			return &callError{attempts: n, outcome: Outcome(o), err: err}
		},
		Refuse:     p.refuse,
		Repeatable: repeatable,
		Backoff:    retry.Backoff{Base: p.BaseDelay, Max: p.MaxDelay},
	}
}

// refuse is the error of a resend's answer that is not 2xx, told to the
// call's WithResponse as Client.Do tells it the answers it reads.
func (p *policy) refuse(resp *http.Response) error {
	e := errorFromResponse(resp, p.redact)
	if c := engine.CallOfResponse(resp); c != nil {
		if c.OnResponse != nil {
			c.OnResponse(resp, e.Attempts)
		}
		if c.OnBody != nil {
			c.OnBody(e.Body)
		}
	}
	return e
}

// repeatable reports whether req is safe to send twice: by its method, or
// because the caller said so (WithIdempotent).
func repeatable(req *http.Request, c *engine.Call) bool {
	return idempotent(req.Method) || (c != nil && c.Idempotent)
}

// judge is the engine's question about an attempt that did not succeed.
func (p *policy) judge(j engine.Judged) engine.Verdict {
	idem := repeatable(j.Req, j.Call)
	var o Outcome
	var after time.Duration
	if j.Err != nil {
		o = outcomeOfFailure(idem, j.Err, j.Wrote)
		var ae *auth.Error
		if errors.As(j.Err, &ae) {
			after = ae.RetryAfter
		}
	} else {
		o = outcomeOfAnswer(idem, j.Resp.StatusCode)
		if o == OutcomeRetryable || o == OutcomeUnknown {
			after, _ = retry.RetryAfter(j.Resp.Header, p.now())
		}
	}
	// What no word of the caller's lifts: what may have been carried out
	// is not repeated (o is Unknown then), an auth failure that already
	// spent its budget or cannot change is final, and no wait is longer
	// than MaxRetryAfter.
	possible := o != OutcomeUnknown && !finalAuthError(j.Err) && after <= p.MaxRetryAfter
	again := possible && o == OutcomeRetryable
	if p.ShouldRetry != nil && possible {
		again = p.ShouldRetry(p.attempt(j, o, after, again))
	}
	return engine.Verdict{Outcome: engine.Outcome(o), Retry: again, After: after}
}

// attempt is j as RetryPolicy.ShouldRetry is told it.
func (p *policy) attempt(j engine.Judged, o Outcome, after time.Duration, again bool) RetryAttempt {
	a := RetryAttempt{Method: j.Req.Method, Path: p.redact(j.Req.URL.Path), Attempt: j.N, Err: j.Err, Outcome: o, RetryAfter: after, Retry: again}
	if j.Resp != nil {
		a.StatusCode = j.Resp.StatusCode
	}
	return a
}

// finalAuthError reports whether err is the auth layer's and must end the
// call: an insecure URL or a closed source, which no attempt can change, or
// an *auth.Error unless it says it is temporary (a Temporary method that
// returns true) and was one attempt only. The auth layer retries a token
// fetch within its own budget; an error that already spent it (Attempts > 1)
// is final here, so that budgets do not multiply: four API attempts of four
// token requests each would be sixteen requests for one call.
func finalAuthError(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, auth.ErrInsecureURL) || errors.Is(err, auth.ErrClosed) {
		return true
	}
	var ae *auth.Error
	if !errors.As(err, &ae) {
		return false
	}
	tmp, ok := any(ae).(interface{ Temporary() bool })
	return !ok || !tmp.Temporary() || ae.Attempts > 1
}
