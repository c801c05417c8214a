package nitro

import (
	"context"
	"fmt"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/nitrokit/nitro/auth"
	"github.com/nitrokit/nitro/gen/signapi"
	"github.com/nitrokit/nitro/internal/retry"
)

// Client is the Nitro Sign API client. Every generated operation is
// available through the embedded *signapi.ClientWithResponses (call nitro.Check
// on its results to get typed errors); the methods of Client add
// pagination, streaming uploads and downloads, and waiting for a status,
// and return typed errors themselves.
//
// Every request gets a token (fetched, cached and refreshed by package
// auth), is retried when that is safe, and is logged without its headers.
// A Client is safe for concurrent use; Close it when done.
type Client struct {
	*signapi.ClientWithResponses

	raw      signapi.ClientInterface // unbuffered responses, for downloads
	src      *auth.Source
	ownsSrc  bool
	http     *http.Client
	retrying *retryTransport
}

// Option configures a Client beyond its Config.
type Option func(*settings) error

type settings struct {
	authOpts []auth.Option
	src      *auth.Source
}

// WithAuthOptions passes options to the client's token source, such as
// auth.WithStore to share tokens across processes, or auth.WithRefreshWindow.
func WithAuthOptions(opts ...auth.Option) Option {
	return func(s *settings) error {
		s.authOpts = append(s.authOpts, opts...)
		return nil
	}
}

// WithTokenSource uses src for tokens instead of a source built from Config,
// for example to share one source between clients or to use another Flow.
// Close does not close src.
func WithTokenSource(src *auth.Source) Option {
	return func(s *settings) error {
		if src == nil {
			return &ConfigError{"WithTokenSource", "nil source"}
		}
		s.src = src
		return nil
	}
}

// NewClient validates cfg and builds the client and its transport stack
// once: retries, then authentication (per attempt, with one replay after a
// 401), then a debug log line per attempt, then cfg.HTTPClient's own
// transport. The User-Agent is set as each request is built.
func NewClient(cfg Config, opts ...Option) (*Client, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	var st settings
	for _, opt := range opts {
		if err := opt(&st); err != nil {
			return nil, err
		}
	}
	c := &Client{src: st.src}
	if c.src == nil {
		authOpts := append([]auth.Option{auth.WithHTTPClient(cfg.HTTPClient), auth.WithLogger(cfg.Logger)}, st.authOpts...)
		if c.src, err = auth.NewSource(auth.NitroJSON(cfg.TokenURL), auth.Credentials{ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret}, authOpts...); err != nil {
			return nil, fmt.Errorf("nitro: %w", err)
		}
		c.ownsSrc = true
	}
	base := cfg.HTTPClient.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	c.retrying = &retryTransport{
		next:       c.src.Transport(&logAttempts{next: base, log: cfg.Logger}),
		maxRetries: cfg.MaxRetries,
		timeout:    cfg.Timeout,
		backoff:    retry.Backoff{Base: 500 * time.Millisecond, Max: 30 * time.Second},
		log:        cfg.Logger,
		now:        time.Now,
		sleep:      retry.Sleep,
	}
	hc := *cfg.HTTPClient
	hc.Transport = c.retrying
	c.http = &hc
	c.ClientWithResponses, err = signapi.NewClientWithResponses(cfg.BaseURL, signapi.WithHTTPClient(c.http),
		signapi.WithRequestEditorFn(userAgent(userAgentOf(cfg.UserAgent))))
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("nitro: %w", err)
	}
	c.raw = c.ClientWithResponses.ClientInterface
	return c, nil
}

// Close stops the token source's background work (unless it was passed in
// with WithTokenSource) and closes idle connections. It returns nil.
func (c *Client) Close() error {
	if c.ownsSrc {
		c.src.Close()
	}
	c.http.CloseIdleConnections()
	return nil
}

// userAgentOf is this library's User-Agent, after the caller's own.
func userAgentOf(prefix string) string {
	v := "devel"
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == "github.com/nitrokit/nitro" {
				v = d.Version
			}
		}
	}
	ua := "nitro-go/" + v + " (+https://github.com/nitrokit/nitro)"
	if prefix != "" {
		ua = prefix + " " + ua
	}
	return ua
}

// Token returns the current access token, fetching one if needed: a way to
// check credentials at startup. Its printed form never shows the token.
func (c *Client) Token(ctx context.Context) (auth.Token, error) { return c.src.Token(ctx) }
