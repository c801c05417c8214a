package engine

import (
	"net/http"

	"github.com/nitrokit/nitro/internal/redacterr"
)

// Resend sends the call's request again as its next attempt, for a reader
// (package wire) that found this attempt's answer cut short: see
// callctx.Call. An answer a GET was reading when its connection broke is
// retried like a GET that got no answer at all: within the call's budget,
// after the usual backoff, never beyond the caller's deadline.
func (a *attempt) Resend(cause error) (*http.Response, error) {
	t, req := a.t, a.orig
	if t != nil && t.redact != nil {
		// A body's read error may quote what the server sent (net/http
		// quotes a malformed trailer line), and every return below carries
		// it out, marked with an outcome that wire passes on as it is.
		cause = redacterr.Wrap(cause, t.redact)
	}
	if t == nil || req == nil || !t.policy.Repeatable(req, a.call) || !rewindable(req) {
		return nil, cause
	}
	ctx := req.Context()
	if a.n > t.budget(a.call) || ctx.Err() != nil {
		return nil, t.policy.Fail(cause, a.n, Retryable)
	}
	d := t.policy.Backoff.Delay(a.n, 0)
	if !t.fits(ctx, d) {
		return nil, t.policy.Fail(cause, a.n, Retryable)
	}
	t.log.Warn("nitro: retrying", "method", req.Method, "path", t.redact(req.URL.Path), "attempt", a.n, "retry_in", d, "error", t.errText(cause))
	if err := t.sleep(ctx, d); err != nil {
		return nil, t.policy.Fail(err, a.n, Retryable)
	}
	resp, err := t.send(req, a.call, a.n+1, a.afterRun)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, t.policy.Refuse(resp)
	}
	return resp, nil
}

// Redact is the Client's redaction (see callctx.Call).
func (a *attempt) Redact(s string) string {
	if a.t == nil {
		return s
	}
	return a.t.redact(s)
}
