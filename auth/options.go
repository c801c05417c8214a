package auth

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/nitrokit/nitro/internal/retry"
)

// Option configures a Source. Options are validated by NewSource.
type Option func(*options) error

type options struct {
	client       *http.Client
	fraction     float64       // refresh when this share of the lifetime is left
	minWindow    time.Duration // ...but never later than this before expiry
	fetchTimeout time.Duration
	maxAttempts  int
	logger       *slog.Logger
	defaultTTL   time.Duration
	insecure     bool
	params       url.Values
	failureTTL   time.Duration
	backoff      retry.Backoff
	store        Store
	storeTimeout time.Duration
	leaseTTL     time.Duration
	pollEvery    time.Duration
	userAgent    string // set on token requests when not empty
}

func defaultOptions() options {
	return options{
		client:       &http.Client{},
		fraction:     0.2,
		minWindow:    10 * time.Second,
		fetchTimeout: 30 * time.Second,
		maxAttempts:  4,
		logger:       slog.New(slog.DiscardHandler),
		defaultTTL:   5 * time.Minute, // Nitrobox's default lifetime.
		failureTTL:   5 * time.Second,
		backoff:      retry.Backoff{Base: 250 * time.Millisecond, Max: 10 * time.Second},
		storeTimeout: 250 * time.Millisecond,
		leaseTTL:     10 * time.Second,
		pollEvery:    50 * time.Millisecond,
	}
}

// WithHTTPClient sets the client for token requests. The Source uses a copy
// whose redirect policy never resends credentials to another host.
func WithHTTPClient(c *http.Client) Option {
	return func(o *options) error {
		if c == nil {
			return errors.New("auth: WithHTTPClient: nil client")
		}
		o.client = c
		return nil
	}
}

// WithRefreshWindow sets when a token is refreshed ahead of its expiry: once
// fraction of its lifetime is left, but never later than min before expiry
// (and never earlier than half its lifetime). The default is 0.2 and 10s.
func WithRefreshWindow(fraction float64, min time.Duration) Option {
	return func(o *options) error {
		if !(fraction > 0 && fraction < 1) || min < 0 {
			return fmt.Errorf("auth: WithRefreshWindow(%v, %v): want 0 < fraction < 1 and min >= 0", fraction, min)
		}
		o.fraction, o.minWindow = fraction, min
		return nil
	}
}

// WithFetchTimeout bounds one shared token fetch, retries included. It runs
// detached from the callers' contexts; the default is 30s.
func WithFetchTimeout(d time.Duration) Option {
	return func(o *options) error {
		if d <= 0 {
			return fmt.Errorf("auth: WithFetchTimeout(%v): want a positive duration", d)
		}
		o.fetchTimeout = d
		return nil
	}
}

// WithRetryBudget sets how many requests one fetch may make to the token
// endpoint, first attempt included (default 4). 1 disables retries. A fetch
// started under a SingleAttempt context makes one request whatever this
// says; background refreshes always use it.
func WithRetryBudget(attempts int) Option {
	return func(o *options) error {
		if attempts < 1 || attempts > 100 {
			return fmt.Errorf("auth: WithRetryBudget(%d): want 1 to 100 attempts", attempts)
		}
		o.maxAttempts = attempts
		return nil
	}
}

// WithLogger logs fetches, retries and failed early refreshes. Log lines
// never contain the secret or a token. The default discards.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) error {
		if l == nil {
			return errors.New("auth: WithLogger: nil logger")
		}
		o.logger = l
		return nil
	}
}

// WithDefaultTTL sets the lifetime assumed for a token whose response has no
// expires_in and that is not a JWT with an exp claim (default 5 minutes).
func WithDefaultTTL(d time.Duration) Option {
	return func(o *options) error {
		if d <= 0 || d > maxLifetime {
			return fmt.Errorf("auth: WithDefaultTTL(%v): want a positive duration up to a year", d)
		}
		o.defaultTTL = d
		return nil
	}
}

// WithUserAgent sets the User-Agent header of every token request, so that
// the token endpoint sees the same client as the API (nitro.NewClient
// passes the Client's). Without it, net/http's default is sent.
func WithUserAgent(ua string) Option {
	return func(o *options) error {
		if strings.ContainsAny(ua, "\r\n") {
			return errors.New("auth: WithUserAgent: the value contains a line break")
		}
		o.userAgent = ua
		return nil
	}
}

// WithInsecureHTTP allows credentials and tokens over plain http to any
// host. Without it, plain http is allowed only to loopback hosts.
func WithInsecureHTTP() Option {
	return func(o *options) error {
		o.insecure = true
		return nil
	}
}

// WithEndpointParams adds form parameters to ClientCredentials token
// requests, such as a provider's "audience" or "resource". It cannot set
// grant_type, scope or client authentication, and NitroJSON takes none.
func WithEndpointParams(params url.Values) Option {
	return func(o *options) error {
		for _, k := range []string{"grant_type", "scope", "client_id", "client_secret"} {
			if params.Has(k) {
				return fmt.Errorf("auth: WithEndpointParams: %q is set by the flow", k)
			}
		}
		o.params = params
		return nil
	}
}
