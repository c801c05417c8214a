package nitro

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/nitrokit/nitro/auth"
	"github.com/nitrokit/nitro/internal/retry"
)

// attemptKey finds an attempt among its request context's values: the
// attempt is that context (see attempt).
type attemptKey struct{}

// attemptOf returns the attempt whose context ctx is or descends from.
func attemptOf(ctx context.Context) *attempt {
	a, _ := ctx.Value(attemptKey{}).(*attempt)
	return a
}

// attemptsOf reads how many attempts a response took.
func attemptsOf(resp *http.Response) int {
	if resp.Request != nil {
		if a := attemptOf(resp.Request.Context()); a != nil {
			return a.n
		}
	}
	return 1
}

// retryTransport retries what is safe to retry, giving each attempt its own
// idle timeout (see idleWatch). Nitro has no idempotency keys, so a POST or
// PATCH is sent again only when the server cannot have processed it: a 429,
// or a connection error before the request was written. What is retried is
// what the rule of outcomeOfAnswer and outcomeOfFailure calls retryable
// (the mechanism here, the policy there). An error the auth layer calls
// final (see finalAuthError) ends the call at once, and so does a delay that
// the caller's deadline cannot fit: the call then returns the last answer it
// got.
type retryTransport struct {
	next       http.RoundTripper
	idle       interface{ CloseIdleConnections() } // the innermost transport, if it pools
	maxRetries int
	timeout    time.Duration
	watch      *idleWatch // ends attempts quiet for longer than timeout
	// keepOwned lets a request the module built keep its header map (see
	// attempt.request): false when the caller's CheckRedirect would be
	// handed that request, token and all, as via[0].
	keepOwned bool
	backoff   retry.Backoff
	log       *slog.Logger
	redact    func(string) string                        // for log lines and errors
	now       func() time.Time                           // test seam
	sleep     func(context.Context, time.Duration) error // test seam
}

// CloseIdleConnections closes the innermost transport's idle connections,
// so that http.Client.CloseIdleConnections reaches the pool through the
// layers above it.
func (t *retryTransport) CloseIdleConnections() {
	if t.idle != nil {
		t.idle.CloseIdleConnections()
	}
}

func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	return t.send(req, 1, false)
}

// send makes attempts first, first+1, … of req until one's outcome may not
// be retried or the budget is spent. ran says an attempt before first may
// have been carried out (see attempt.afterRun).
func (t *retryTransport) send(req *http.Request, first int, ran bool) (*http.Response, error) {
	for n := first; ; n++ {
		a := t.begin(req.Context(), n, req.Method)
		a.orig, a.afterRun = req, ran
		r, err := a.request(req, t.keepOwned)
		if err != nil { // a retry's body could not be made: the last attempt stands
			a.stop()
			return nil, &callError{attempts: n - 1, outcome: OutcomeRetryable, err: err}
		}
		resp, err := t.next.RoundTrip(r)
		if err != nil && a.timedOut() {
			err = errAttemptTimeout
		}
		wrote := a.wrote.Load()
		o, after := t.judge(req.Method, resp, err, wrote)
		if !t.retries(req, o, err) || n > t.maxRetries || req.Context().Err() != nil {
			return t.finish(resp, err, a, n, o)
		}
		d := t.backoff.Delay(n, after)
		if !t.fits(req.Context(), d) {
			return t.finish(resp, err, a, n, o) // the last answer says more than a deadline error
		}
		ran = ran || mayHaveRun(resp, err, wrote)
		if resp != nil {
			drain(resp) // before stop: a cancelled read would cost the connection
		}
		a.stop()
		t.log.Warn("nitro: retrying", "method", req.Method, "path", t.redact(req.URL.Path), "attempt", n, "retry_in", d, "status", statusOf(resp), "error", t.errText(err))
		if err := t.sleep(req.Context(), d); err != nil {
			return nil, &callError{attempts: n, outcome: OutcomeRetryable, err: err}
		}
	}
}

// fits reports whether waiting d still leaves time before ctx's deadline.
func (t *retryTransport) fits(ctx context.Context, d time.Duration) bool {
	deadline, ok := ctx.Deadline()
	return !ok || t.now().Add(d).Before(deadline)
}

// errText is err's text for a log line, redacted; "" for none.
func (t *retryTransport) errText(err error) string {
	if err == nil {
		return ""
	}
	return t.redact(err.Error())
}

// finish returns the last attempt's result, keeping it watched until the
// body is closed (an unwatched attempt has nothing to keep). A failure is a
// *callError, which says how many attempts it took and its outcome o. An
// answer names its request, so that the code reading it finds the attempt
// (a caller's RoundTripper need not set it).
func (t *retryTransport) finish(resp *http.Response, err error, a *attempt, n int, o Outcome) (*http.Response, error) {
	if err != nil {
		a.stop()
		return nil, &callError{attempts: n, outcome: o, err: err}
	}
	if resp.Request == nil {
		resp.Request = a.req
	}
	if a.shard != nil {
		a.progress() // the answer came: each wait for the body counts from now
		a.body, resp.Body = resp.Body, a
	}
	return resp, nil
}

// judge is an attempt's outcome (see outcomeOfAnswer, outcomeOfFailure)
// and the delay its answer asked for before another.
func (t *retryTransport) judge(method string, resp *http.Response, err error, wrote bool) (Outcome, time.Duration) {
	if err != nil {
		var ae *auth.Error
		if errors.As(err, &ae) {
			return outcomeOfFailure(method, err, wrote), ae.RetryAfter
		}
		return outcomeOfFailure(method, err, wrote), 0
	}
	o := outcomeOfAnswer(method, resp.StatusCode)
	if o != OutcomeRetryable && o != OutcomeUnknown {
		return o, 0
	}
	after, _ := retry.RetryAfter(resp.Header, t.now())
	return o, after
}

// retries reports whether an attempt of outcome o (and error err) is sent
// again: a retryable one, if its body can be made again, unless the auth
// layer already spent its budget on it (see finalAuthError).
func (t *retryTransport) retries(req *http.Request, o Outcome, err error) bool {
	return o == OutcomeRetryable && rewindable(req) && !finalAuthError(err)
}

// shouldRetry decides whether an attempt may be repeated, and any delay the
// server asked for.
func (t *retryTransport) shouldRetry(req *http.Request, resp *http.Response, err error, wrote bool) (bool, time.Duration) {
	o, after := t.judge(req.Method, resp, err, wrote)
	return t.retries(req, o, err), after
}

// mayHaveRun reports whether an attempt may have been carried out by the
// server: it failed after its request was written, or was answered 408 or
// 5xx. (Whether a request was written is known where an attempt traces it:
// POST, PATCH and DELETE; see begin.)
func mayHaveRun(resp *http.Response, err error, wrote bool) bool {
	if err != nil {
		return wrote
	}
	return resp.StatusCode == http.StatusRequestTimeout || resp.StatusCode >= 500
}

// finalAuthError reports whether err is the auth layer's and must end the
// call: an insecure URL or a closed source, which no attempt can change, or
// an *auth.Error unless it says it is temporary (a Temporary method that
// returns true) and was one attempt only. The auth layer retries a token
// fetch within its own budget; an error that already spent it (Attempts > 1)
// is final here, so that budgets do not multiply: four API attempts of four
// token requests each would be sixteen requests for one call.
func finalAuthError(err error) bool {
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

func rewindable(req *http.Request) bool {
	return req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
}

func drain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
}

func statusOf(resp *http.Response) int {
	if resp == nil {
		return 0
	}
	return resp.StatusCode
}

// noteRefusal remembers the token of a request the API answered 401, for
// the Client's redaction.
func (t *logAttempts) noteRefusal(req *http.Request, resp *http.Response) {
	if resp != nil && resp.StatusCode == http.StatusUnauthorized {
		t.refused.add(req.Header.Get("Authorization"))
	}
}

// logAttempts logs each attempt: method, path, status, duration. Never a
// header: the Authorization header stays out of every log.
type logAttempts struct {
	next    http.RoundTripper
	log     *slog.Logger
	redact  func(string) string
	refused *refusedTokens // told of each token the API answers 401 to
}

func (t *logAttempts) RoundTrip(req *http.Request) (*http.Response, error) {
	if !t.log.Enabled(req.Context(), slog.LevelDebug) {
		resp, err := t.next.RoundTrip(req)
		t.noteRefusal(req, resp)
		return resp, err
	}
	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	t.noteRefusal(req, resp)
	n := 0
	if a := attemptOf(req.Context()); a != nil {
		n = a.n
	}
	var errText string
	if err != nil {
		errText = t.redact(err.Error())
	}
	t.log.DebugContext(req.Context(), "nitro: request", "method", req.Method, "path", t.redact(req.URL.Path), "attempt", n,
		"status", statusOf(resp), "duration", time.Since(start), "error", errText)
	return resp, err
}
