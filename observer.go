package nitro

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/nitrokit/nitro/internal/engine"
)

// Observer watches a Client's calls and the requests they put on the wire,
// for tracing and metrics: package github.com/nitrokit/nitro/otel (a module
// of its own, so that a program without OpenTelemetry gets none of it)
// implements it with OpenTelemetry. Give it to NewClient with WithObserver.
//
// A call is one Client.Do: every typed method makes one (a poll, a page of
// a listing, each make their own), whatever its retries. Its requests are
// its attempts, a replay after a 401 among them, and the token requests
// its attempts wait for. Each Observe method is told its subject as it
// starts and returns the context the subject goes on with (carrying a span,
// say) and the function to call once it ends; a call ends when its answer's
// body is read to its end or closed, or with its error.
//
// Nothing an Observer is told holds a secret: URLs are without their query
// and redacted, as every error is. The methods run on the calling
// goroutine (a token request's on the token source's) and must be quick.
// A panic in an Observer's method, or in the function it returned, is
// contained: the subject goes on unobserved and the Client logs a warning;
// so is a nil context or end function.
type Observer interface {
	ObserveCall(ctx context.Context, call CallInfo) (context.Context, func(CallEnd))
	ObserveRequest(ctx context.Context, req RequestInfo) (context.Context, func(RequestEnd))
}

// CallInfo is a call as it starts.
type CallInfo struct {
	// Method is the HTTP method; Route the operation's method and path
	// template ("GET /sign/envelopes/{envelopeID}") for the typed methods,
	// "" for a request made by hand.
	Method, Route string
	// URL is the request's URL without its query, redacted.
	URL string
	// ServerAddress and ServerPort are the API's host and port.
	ServerAddress string
	ServerPort    int
}

// CallEnd is how a call ended.
type CallEnd struct {
	// StatusCode is the last answer's status, 0 if none came.
	StatusCode int
	// Attempts is how many times the request was sent.
	Attempts int
	// Err is the call's error (nil on success), redacted as every error of
	// this module; Outcome says what it means (OutcomeDone for nil).
	Err     error
	Outcome Outcome
}

// RequestInfo is one request on the wire as it starts.
type RequestInfo struct {
	// Method and URL (without its query, redacted) are the request's.
	Method, URL string
	// ServerAddress and ServerPort are the host and port it goes to.
	ServerAddress string
	ServerPort    int
	// Attempt is the call's attempt it belongs to (1 for the first); 0 for
	// a token request.
	Attempt int
	// Token says the request fetches an access token.
	Token bool
	// SetHeader sets a header field on the request, to carry a trace
	// context to the server (W3C traceparent). The fields the stack owns
	// are refused silently, as WithHeader refuses them.
	SetHeader func(key, value string)
}

// RequestEnd is how one request ended.
type RequestEnd struct {
	// StatusCode is the answer's status; 0 with Err when none came.
	StatusCode int
	// Err is the failure with no answer, redacted.
	Err error
	// Duration is how long the request took, until its answer's headers.
	Duration time.Duration
}

// WithObserver has o watch the Client's calls and requests (see Observer).
func WithObserver(o Observer) Option {
	return func(s *settings) error {
		if o == nil {
			return &ConfigError{Field: "WithObserver", Reason: "nil Observer"}
		}
		s.observer = o
		return nil
	}
}

// hostPort is u's host and port, the scheme's default port when it names
// none.
func hostPort(host, port, scheme string) (string, int) {
	if p, err := strconv.Atoi(port); err == nil {
		return host, p
	}
	if scheme == "http" {
		return host, 80
	}
	return host, 443
}

// observeRequests is the innermost layer when the Client has an Observer:
// it tells the Observer of every request on the wire, API attempts and
// token requests alike (the token source sends through it too).
type observeRequests struct {
	next     http.RoundTripper
	obs      Observer
	log      *slog.Logger
	redact   func(string) string
	tokenURL string // scheme://host/path of the token endpoint
}

func (t *observeRequests) RoundTrip(req *http.Request) (*http.Response, error) {
	u := urlOf(req)
	host, port := hostPort(req.URL.Hostname(), req.URL.Port(), req.URL.Scheme)
	info := RequestInfo{Method: req.Method, URL: t.redact(u), ServerAddress: host, ServerPort: port, Token: u == t.tokenURL}
	if !info.Token {
		info.Attempt = engine.Attempt(req.Context())
	}
	// The request is the stack's own here (the retry layer's copy, or the
	// token source's): writing its header map is writing no caller's.
	info.SetHeader = func(k, v string) {
		if name := http.CanonicalHeaderKey(k); validHeaderName(k) && !ownedHeaders[name] && name != "Authorization" {
			req.Header.Set(name, v)
		}
	}
	ctx, end := observeRequest(t.obs, req.Context(), info, t.log)
	if ctx != req.Context() {
		req = req.WithContext(ctx)
	}
	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	e := RequestEnd{Duration: time.Since(start)}
	if err != nil {
		e.Err = redactError(err, t.redact)
	} else {
		e.StatusCode = resp.StatusCode
	}
	end(e)
	return resp, err
}

// observed is Do for a Client with an Observer: the call is observed from
// its start to the end of its answer's body (or its error).
func (c *Client) observed(req *http.Request) (*http.Response, error) {
	host, port := hostPort(req.URL.Hostname(), req.URL.Port(), req.URL.Scheme)
	ctx, end := observeCall(c.observer, req.Context(), CallInfo{Method: req.Method, Route: req.Pattern,
		URL: c.redact(urlOf(req)), ServerAddress: host, ServerPort: port}, c.engine.Log())
	if ctx != req.Context() {
		req = req.WithContext(ctx)
	}
	resp, err := c.do(req)
	if err != nil {
		e := CallEnd{Attempts: attemptsOfError(err), Err: err, Outcome: OutcomeOf(err)}
		var ae *APIError
		if errors.As(err, &ae) {
			e.StatusCode, e.Attempts = ae.StatusCode, ae.Attempts
		}
		end(e)
		return nil, err
	}
	done := CallEnd{StatusCode: resp.StatusCode, Attempts: engine.AttemptsOf(resp), Outcome: OutcomeDone}
	resp.Body = &observedBody{ReadCloser: resp.Body, end: func(err error) {
		if err != nil { // the answer broke off: what the call's reader now has is this error
			done.Err = redactError(err, c.redact)
			done.Outcome = OutcomeRetryable
			if !repeatable(req, engine.CallOf(req.Context())) {
				done.Outcome = OutcomeUnknown // carried out, its answer lost
			}
		}
		end(done)
	}}
	return resp, nil
}

// observedBody ends its call's observation once: at the end of the body,
// when it is closed, or when it breaks off, with that error. (The package
// that reads an answer fetches one that broke off again, within the call's
// budget: those attempts are observed as requests under the call's
// context, after its end.)
type observedBody struct {
	io.ReadCloser
	end   func(error)
	ended atomic.Bool
}

func (b *observedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && b.ended.CompareAndSwap(false, true) {
		if err == io.EOF {
			b.end(nil)
		} else {
			b.end(err)
		}
	}
	return n, err
}

func (b *observedBody) Close() error {
	err := b.ReadCloser.Close()
	if b.ended.CompareAndSwap(false, true) {
		b.end(nil)
	}
	return err
}

// observing returns a copy of hc whose transport tells o of each request,
// the token source's included.
func observing(hc *http.Client, o Observer, tokenURL string, redact func(string) string, log *slog.Logger) *http.Client {
	next := hc.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	out := *hc
	out.Transport = &observeRequests{next: next, obs: o, log: log, redact: redact, tokenURL: tokenURLKey(tokenURL)}
	return &out
}

// tokenURLKey is the token URL as urlOf spells a request's: scheme, host
// and path.
func tokenURLKey(raw string) string {
	r, err := http.NewRequest(http.MethodPost, raw, nil)
	if err != nil {
		return raw
	}
	return urlOf(r)
}

// observeCall and observeRequest ask o, containing what a faulty Observer
// may do: a panic (which, on a token request's goroutine, no caller could
// recover) or a nil answer leaves the subject unobserved, logged once per
// occurrence.
func observeCall(o Observer, ctx context.Context, info CallInfo, log *slog.Logger) (context.Context, func(CallEnd)) {
	next, end := ctx, func(CallEnd) {}
	func() {
		defer contain(log, "ObserveCall")
		if c, e := o.ObserveCall(ctx, info); c != nil && e != nil {
			next, end = c, e
		}
	}()
	return next, func(e CallEnd) {
		defer contain(log, "ObserveCall's end")
		end(e)
	}
}

func observeRequest(o Observer, ctx context.Context, info RequestInfo, log *slog.Logger) (context.Context, func(RequestEnd)) {
	next, end := ctx, func(RequestEnd) {}
	func() {
		defer contain(log, "ObserveRequest")
		if c, e := o.ObserveRequest(ctx, info); c != nil && e != nil {
			next, end = c, e
		}
	}()
	return next, func(e RequestEnd) {
		defer contain(log, "ObserveRequest's end")
		end(e)
	}
}

// contain recovers a panic of the Observer's, deferred, and logs it.
func contain(log *slog.Logger, where string) {
	if p := recover(); p != nil {
		log.Warn("nitro: the Observer panicked; the call goes on unobserved", "in", where, "panic", fmt.Sprintf("%T", p))
	}
}
