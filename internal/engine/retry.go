package engine

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nitrokit/nitro/internal/redacterr"
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

// Attempt returns the number of the attempt whose context ctx is or
// descends from (1 for the first), or 0 outside any.
func Attempt(ctx context.Context) int {
	if a := attemptOf(ctx); a != nil {
		return a.n
	}
	return 0
}

// AttemptsOf reads how many attempts a response took (1 if it did not come
// through a Retry).
func AttemptsOf(resp *http.Response) int {
	if resp.Request != nil {
		if a := attemptOf(resp.Request.Context()); a != nil {
			return a.n
		}
	}
	return 1
}

// AfterRun reports whether an attempt before the one resp answers may have
// been carried out by the server (see mayHaveRun): a DELETE's retry told
// the resource is gone may then be told so because of that attempt.
func AfterRun(resp *http.Response) bool {
	if resp == nil || resp.Request == nil {
		return false
	}
	a := attemptOf(resp.Request.Context())
	return a != nil && a.afterRun
}

// Config is a Retry's: what it sends through, its budget and timeouts, and
// its owner's Policy.
type Config struct {
	// Next sends each attempt: the auth layer, over Log, over the caller's
	// transport.
	Next http.RoundTripper
	// Idle is the innermost transport, when it pools connections:
	// CloseIdleConnections reaches it through the layers.
	Idle interface{ CloseIdleConnections() }
	// MaxRetries is the budget of a call without its own.
	MaxRetries int
	// Timeout is each attempt's idle timeout: until the answer's headers,
	// then each wait for more of its body.
	Timeout time.Duration
	// KeepOwned lets a request the module built keep its header map (see
	// attempt.request): false when the caller's CheckRedirect would be
	// handed that request, token and all, as via[0].
	KeepOwned bool
	Policy    Policy
	Log       *slog.Logger
	// Redact scrubs secrets from log lines, and from the text of an
	// attempt's failure, which a transport may build from what the server sent.
	Redact func(string) string
}

// Retry is the top of the stack: it sends each call's attempts, each with
// its own idle timeout (see idleWatch), and sends again what its Policy
// allows, within the call's budget (Config.MaxRetries, or the call's own)
// and its deadline: a delay the caller's deadline cannot fit ends the call
// with the last answer it got, which says more than a deadline error.
type Retry struct {
	next       http.RoundTripper
	idle       interface{ CloseIdleConnections() }
	maxRetries int
	timeout    time.Duration
	watch      *idleWatch   // ends attempts quiet for longer than timeout
	watches    sync.Map     // time.Duration → *idleWatch, for calls with a timeout of their own
	nwatches   atomic.Int64 // about how many watches holds (see watchFor)
	keepOwned  bool
	policy     Policy
	log        *slog.Logger
	redact     func(string) string                        // for log lines
	now        func() time.Time                           // test seam
	sleep      func(context.Context, time.Duration) error // test seam
}

// New returns the Retry at the top of a stack.
func New(c Config) *Retry {
	return &Retry{
		next:       c.Next,
		idle:       c.Idle,
		maxRetries: c.MaxRetries,
		timeout:    c.Timeout,
		watch:      newIdleWatch(c.Timeout),
		keepOwned:  c.KeepOwned,
		policy:     c.Policy,
		log:        c.Log,
		redact:     c.Redact,
		now:        time.Now,
		sleep:      retry.Sleep,
	}
}

// SetSleep replaces the wait between retries: a test seam.
func (t *Retry) SetSleep(sleep func(context.Context, time.Duration) error) { t.sleep = sleep }

// MaxRetries and Timeout are the budget and idle timeout of a call without
// its own.
func (t *Retry) MaxRetries() int        { return t.maxRetries }
func (t *Retry) Timeout() time.Duration { return t.timeout }

// Log is the logger the Retry writes to.
func (t *Retry) Log() *slog.Logger { return t.log }

// CloseIdleConnections closes the innermost transport's idle connections,
// so that http.Client.CloseIdleConnections reaches the pool through the
// layers above it.
func (t *Retry) CloseIdleConnections() {
	if t.idle != nil {
		t.idle.CloseIdleConnections()
	}
}

func (t *Retry) RoundTrip(req *http.Request) (*http.Response, error) {
	c := CallOf(req.Context())
	if c != nil && c.Err != nil {
		closeBody(req)
		return nil, c.Err
	}
	return t.send(req, c, 1, false)
}

// budget is the call's retry budget: its own, or the Client's.
func (t *Retry) budget(c *Call) int {
	if c != nil && c.MaxRetries >= 0 {
		return c.MaxRetries
	}
	return t.maxRetries
}

// send makes attempts first, first+1, … of req until one may not be sent
// again or the budget is spent. ran says an attempt before first may have
// been carried out (see attempt.afterRun).
func (t *Retry) send(req *http.Request, c *Call, first int, ran bool) (*http.Response, error) {
	for n := first; ; n++ {
		a := t.begin(req.Context(), c, n, req.Method)
		a.orig, a.call, a.afterRun = req, c, ran
		r, err := a.request(req, t.keepOwned)
		if err != nil { // a retry's body could not be made: the last attempt stands
			a.stop()
			return nil, t.policy.Fail(err, n-1, Retryable)
		}
		resp, err := t.next.RoundTrip(r)
		if err != nil && a.timedOut() {
			err = ErrAttemptTimeout
		} else if err != nil && t.redact != nil {
			err = redacterr.Wrap(err, t.redact) // a transport's text may quote what the server sent
		}
		if err == nil && resp.StatusCode >= 200 && resp.StatusCode <= 299 {
			return t.finish(resp, nil, a, n, Done)
		}
		wrote := a.wrote.Load()
		v := t.policy.Judge(Judged{Req: req, Call: c, N: n, Resp: resp, Err: err, Wrote: wrote})
		if !v.Retry || !rewindable(req) || n > t.budget(c) || req.Context().Err() != nil {
			return t.finish(resp, err, a, n, v.Outcome)
		}
		d := v.After
		if d <= 0 {
			d = t.policy.Backoff.Delay(n, 0)
		}
		if !t.fits(req.Context(), d) {
			return t.finish(resp, err, a, n, v.Outcome) // the last answer says more than a deadline error
		}
		ran = ran || mayHaveRun(resp, err, wrote)
		if resp != nil {
			drain(resp) // before stop: a cancelled read would cost the connection
		}
		a.stop()
		t.log.Warn("nitro: retrying", "method", req.Method, "path", t.redact(req.URL.Path), "attempt", n, "retry_in", d, "status", statusOf(resp), "error", t.errText(err))
		if err := t.sleep(req.Context(), d); err != nil {
			return nil, t.policy.Fail(err, n, Retryable)
		}
	}
}

// fits reports whether waiting d still leaves time before ctx's deadline.
func (t *Retry) fits(ctx context.Context, d time.Duration) bool {
	deadline, ok := ctx.Deadline()
	return !ok || t.now().Add(d).Before(deadline)
}

// errText is err's text for a log line, redacted; "" for none.
func (t *Retry) errText(err error) string {
	if err == nil {
		return ""
	}
	return t.redact(err.Error())
}

// finish returns the last attempt's result, keeping it watched until the
// body is closed (an unwatched attempt has nothing to keep). A failure is
// the Policy's error, which says how many attempts it took and its outcome
// o. An answer names the attempt's request, so that the code reading it
// finds the attempt, for its redaction and its resend: a caller's
// RoundTripper may leave resp.Request nil, or set a request of its own (a
// proxy's that rebuilds each request).
func (t *Retry) finish(resp *http.Response, err error, a *attempt, n int, o Outcome) (*http.Response, error) {
	if err != nil {
		a.stop()
		return nil, t.policy.Fail(err, n, o)
	}
	if r := resp.Request; r != a.req && (r == nil || attemptOf(r.Context()) != a) {
		resp.Request = a.req
	}
	if a.shard != nil {
		a.progress() // the answer came: each wait for the body counts from now
		a.body, resp.Body = resp.Body, a
	}
	return resp, nil
}

// mayHaveRun reports whether an attempt may have been carried out by the
// server: it failed after its request was written, or was answered 408 or
// 5xx. (Whether a request was written is known where an attempt traces it:
// see begin.)
func mayHaveRun(resp *http.Response, err error, wrote bool) bool {
	if err != nil {
		return wrote
	}
	return resp.StatusCode == http.StatusRequestTimeout || resp.StatusCode >= 500
}

func rewindable(req *http.Request) bool {
	return req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
}

func closeBody(req *http.Request) {
	if req.Body != nil {
		req.Body.Close()
	}
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
