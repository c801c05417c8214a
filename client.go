package nitro

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nitrokit/nitro/auth"
	"github.com/nitrokit/nitro/internal/engine"
)

// Client is the connection to Nitro that every API package builds on: the
// configuration, the token source and the transport stack. Create one with
// NewClient and hand it to each API's constructor (sign.New(c)); they share
// its token and its connection pool.
//
// Every request goes through the same stack, built once: retries (when
// safe), then authentication (a cached token per attempt, one replay after a
// 401), then a debug log line per attempt, then Config.HTTPClient's own
// transport. Do returns an *APIError for every answer that is not 2xx, so no
// call through a Client can mistake a failure for a result.
//
// A Client is safe for concurrent use; Close it when done.
type Client struct {
	http    *http.Client
	src     *auth.Source
	ownsSrc bool
	pool    *http.Transport // the default transport, when Config.HTTPClient is nil
	baseURL string
	base    *url.URL // baseURL parsed, for Do's host check
	ua      []string // the User-Agent header value, built once
	engine  *engine.Retry
	// observer, if any, is told of each call (see Observer).
	observer Observer
	// redact scrubs the client secret and the source's tokens from text a
	// server sent or an error carries: every string an APIError keeps and
	// every error in a log line passes through it.
	redact func(string) string
}

// NewClient validates cfg and builds the client and its transport stack
// once: retries, then authentication (per attempt, with one replay after a
// 401), then a debug log line per attempt, then cfg.HTTPClient's own
// transport. The User-Agent is set as each request is built.
//
// Without cfg.HTTPClient, the Client gets a connection pool of its own,
// sized for many concurrent calls (see engine.NewPool: HTTP/2 when the
// server offers it, 10s dial and TLS handshake timeouts), which token
// requests share and Close closes.
func NewClient(cfg Config, opts ...Option) (*Client, error) {
	var st settings
	for _, opt := range opts {
		if opt == nil {
			continue // no option, as a nil CallOption is none
		}
		if err := opt(&st); err != nil {
			return nil, err
		}
	}
	cfg, err := cfg.withDefaults(st.src == nil, st.insecure)
	if err != nil {
		return nil, err
	}
	base, err := url.Parse(cfg.BaseURL) // validated by withDefaults
	if err != nil {
		return nil, &ConfigError{Field: "BaseURL", Reason: "is not a URL"}
	}
	c := &Client{src: st.src, baseURL: cfg.BaseURL, base: base, ua: []string{userAgentOf(cfg.UserAgent)}, observer: st.observer}
	if cfg.HTTPClient == nil {
		c.pool = engine.NewPool()
		cfg.HTTPClient = &http.Client{Transport: c.pool}
	}
	var redact func(string) string // the Client's, once it has one (the observer's layer needs it first)
	if c.observer != nil {
		cfg.HTTPClient = observing(cfg.HTTPClient, c.observer, cfg.TokenURL, func(s string) string { return redact(s) }, cfg.Logger)
	}
	if c.src == nil {
		authOpts := append([]auth.Option{auth.WithHTTPClient(cfg.HTTPClient), auth.WithLogger(cfg.Logger), auth.WithUserAgent(c.ua[0])}, st.authOpts...)
		if c.src, err = auth.NewSource(auth.NitroJSON(cfg.TokenURL), auth.Credentials{ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret}, authOpts...); err != nil {
			return nil, fmt.Errorf("nitro: %w", err)
		}
		c.ownsSrc = true
	}
	refused := &refusedTokens{}
	c.redact = redactorFor(c.src, cfg.ClientSecret, refused)
	redact = c.redact
	c.engine = newStack(cfg, c.src, c.redact, refused)
	hc := *cfg.HTTPClient
	hc.Transport = c.engine
	c.http = &hc
	return c, nil
}

// newStack builds the stack under the Client: the engine's retries, then
// src's authentication, then a log line per attempt, then cfg.HTTPClient's
// transport; the retry rule is this package's (policy).
func newStack(cfg Config, src *auth.Source, redact func(string) string, refused *refusedTokens) *engine.Retry {
	base := cfg.HTTPClient.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	idle, _ := base.(interface{ CloseIdleConnections() })
	p := &policy{RetryPolicy: cfg.Retry, redact: redact, now: time.Now}
	return engine.New(engine.Config{
		Next:       src.Transport(&engine.Log{Next: base, Logger: cfg.Logger, Redact: redact, Refused: refused.add}),
		Idle:       idle,
		MaxRetries: cfg.MaxRetries,
		Timeout:    cfg.Timeout,
		KeepOwned:  cfg.HTTPClient.CheckRedirect == nil,
		Policy:     p.engine(),
		Log:        cfg.Logger,
		Redact:     redact,
	})
}

// ErrNilClient is the error of every call through a nil *Client, such as
// those of sign.New(nil): a Client comes from NewClient.
var ErrNilClient = errors.New("nitro: nil *nitro.Client: make one with nitro.NewClient and pass it to the API's New")

// errNilRequest is Do's refusal of a nil request.
var errNilRequest = errors.New("nitro: nil *http.Request")

// errNilContext is the refusal of a call made with a nil context, as
// net/http refuses a request built on one.
var errNilContext = errors.New("nitro: nil Context")

// ErrForeignHost is Do's refusal of a request for another scheme or host
// than Config.BaseURL's: the stack attaches the API token to every request,
// and the token is for the API alone.
var ErrForeignHost = errors.New("nitro: the request is not for the API's host")

// Do sends req through the client's stack and returns the response if its
// status is 2xx; any other answer is read (at most 64 KiB), closed and
// returned as an *APIError, with no response. One answer is not an error:
// a retried DELETE told that its resource is gone, after an earlier
// attempt that may have deleted it (see goneAfterRun), is the delete's
// success, a 204. A 2xx response's body is the
// caller's to close. A request for another scheme or host than BaseURL's is
// refused (ErrForeignHost) before anything is sent. Do sets the User-Agent
// header of req if it has none (sharing one read-only value across
// requests).
//
// The API packages' generated methods all call Do; use it directly only for
// an endpoint they do not cover yet. Through a nil Client it returns
// ErrNilClient.
func (c *Client) Do(req *http.Request) (*http.Response, error) {
	if c == nil {
		return nil, ErrNilClient
	}
	if req == nil {
		return nil, errNilRequest
	}
	if req.URL == nil || !strings.EqualFold(req.URL.Scheme, c.base.Scheme) || !strings.EqualFold(req.URL.Host, c.base.Host) {
		return nil, fmt.Errorf("%w: %s", ErrForeignHost, c.redact(urlOf(req)))
	}
	if req.Header == nil {
		req.Header = make(http.Header)
	}
	if _, ok := req.Header["User-Agent"]; !ok {
		req.Header["User-Agent"] = c.ua
	}
	if c.observer != nil {
		return c.observed(req)
	}
	return c.do(req)
}

// do sends req through the stack and makes every answer that is not 2xx
// an *APIError, telling the call's WithResponse what came back.
func (c *Client) do(req *http.Request) (*http.Response, error) {
	resp, err := c.http.Do(req)
	if err != nil {
		err = redactError(c.redactURLError(err), c.redact)
		if call := engine.CallOf(req.Context()); call != nil && call.OnFailure != nil {
			call.OnFailure(err, attemptsOfError(err))
		}
		return nil, err
	}
	if resp.Request == nil { // a caller's RoundTripper need not set it
		resp.Request = req
	}
	call := engine.CallOfResponse(resp)
	if call != nil && call.OnResponse != nil {
		call.OnResponse(resp, engine.AttemptsOf(resp))
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		e := errorFromResponse(resp, c.redact)
		if goneAfterRun(e) {
			c.engine.Log().Info("nitro: the retried DELETE found the resource gone: an earlier attempt deleted it", "path", e.Path, "status", e.StatusCode, "attempts", e.Attempts)
			return deleted(resp), nil
		}
		if call != nil && call.OnBody != nil {
			call.OnBody(e.Body)
		}
		return nil, e
	}
	return resp, nil
}

// attemptsOfError is how many attempts a failure with no answer took.
func attemptsOfError(err error) int {
	var ce *callError
	var oe *OptionError
	switch {
	case errors.As(err, &oe):
		return 0 // refused before sending
	case errors.As(err, &ce):
		return max(ce.attempts, 1)
	}
	return 1
}

// redactURLError redacts the URL a *url.Error quotes (http.Client wraps
// every transport failure in one): its path may hold an ID the server chose.
func (c *Client) redactURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		ue.URL = c.redact(ue.URL)
	}
	return err
}

// urlOf is req's URL for an error message, without its query.
func urlOf(req *http.Request) string {
	if req.URL == nil {
		return "(no URL)"
	}
	return req.URL.Scheme + "://" + req.URL.Host + req.URL.Path
}

// Redact returns s with the client secret and every token the Client's
// source has held (or the API lately refused) replaced by "[REDACTED]".
// Every string a server sent that reaches an error or a log line of this
// module passes through it; use it for text of your own that may quote a
// server's answer. A nil Client returns s unchanged.
func (c *Client) Redact(s string) string {
	if c == nil || c.redact == nil {
		return s
	}
	return c.redact(s)
}

// BaseURL is the API's base URL from Config, without a trailing slash; ""
// for a nil Client.
func (c *Client) BaseURL() string {
	if c == nil {
		return ""
	}
	return c.baseURL
}

// Close stops the token source's background work (unless it was passed in
// with WithTokenSource) and closes idle connections: the Client's own pool's,
// or Config.HTTPClient's transport's. It returns nil, for a nil Client too.
func (c *Client) Close() error {
	if c == nil {
		return nil
	}
	if c.ownsSrc {
		c.src.Close()
	}
	c.http.CloseIdleConnections()
	return nil
}

// String describes the Client by its base URL and token source, never by its
// fields: fmt would print unexported fields raw, down to the source's
// credentials and cached token. These methods have value receivers so that a
// copied Client value prints as safely as a *Client.
func (c Client) String() string {
	src := "none"
	if c.src != nil {
		src = c.src.String()
	}
	return fmt.Sprintf("nitro.Client{BaseURL: %q, Source: %s}", c.baseURL, src)
}

// GoString is String, for %#v.
func (c Client) GoString() string { return c.String() }

// Format prints String for every verb (quoted for %q), so that no verb, flag
// or width reaches the fields.
func (c Client) Format(f fmt.State, verb rune) {
	if verb == 'q' {
		_, _ = f.Write([]byte(strconv.Quote(c.String())))
		return
	}
	_, _ = f.Write([]byte(c.String()))
}

// LogValue makes slog print String.
func (c Client) LogValue() slog.Value { return slog.StringValue(c.String()) }

// moduleVersion is this module's version as the program was built with it,
// read once: debug.ReadBuildInfo walks every dependency.
var moduleVersion = sync.OnceValue(func() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == "github.com/nitrokit/nitro" {
				return d.Version
			}
		}
	}
	return "devel"
})

// userAgentOf is this library's User-Agent, after the caller's own.
func userAgentOf(prefix string) string {
	ua := "nitro-go/" + moduleVersion() + " (+https://github.com/nitrokit/nitro)"
	if prefix != "" {
		ua = prefix + " " + ua
	}
	return ua
}

// Token returns the current access token, fetching one if needed: a way to
// check credentials at startup. Its printed form never shows the token.
func (c *Client) Token(ctx context.Context) (auth.Token, error) {
	if c == nil {
		return auth.Token{}, ErrNilClient
	}
	if ctx == nil {
		return auth.Token{}, errNilContext
	}
	return c.src.Token(ctx)
}
