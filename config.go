package nitro

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/nitrokit/nitro/auth"
)

// DefaultBaseURL is the Nitro Sign API.
const DefaultBaseURL = "https://api.gonitro.dev"

// Config configures a Client. Only ClientID and ClientSecret are required.
type Config struct {
	// ClientID and ClientSecret are the application's pair from the Nitro
	// Admin Portal (Settings, API). The secret is never logged or printed.
	ClientID, ClientSecret string
	// BaseURL is the API's base URL; default DefaultBaseURL.
	BaseURL string
	// TokenURL is the OAuth token endpoint; default BaseURL + "/oauth/token".
	TokenURL string
	// HTTPClient sends every request, token requests included; default a
	// client on a connection pool of the Client's own (see NewClient),
	// closed by Close. Its Transport stays the innermost layer, under
	// retries and authentication, so instrumentation such as otelhttp sees
	// every attempt. It is copied, never modified.
	HTTPClient *http.Client
	// Timeout bounds each attempt: until the response headers arrive, and
	// then each wait for more of the body, so a long download that keeps
	// flowing is not cut. Default 60s.
	Timeout time.Duration
	// MaxRetries is how many times a failed request may be retried; default
	// 3. Set -1 for none. (WithMaxRetries sets it for one call.)
	MaxRetries int
	// Retry tunes the retries' delays, the longest Retry-After honoured,
	// and which failures are retried; its zero value is the default (see
	// RetryPolicy). What may be retried at all is in the package doc.
	Retry RetryPolicy
	// Logger receives one debug line per attempt and warnings for retries;
	// default none. No line holds a token or the secret.
	Logger *slog.Logger
	// UserAgent is prepended to this library's User-Agent, which every
	// request carries, token requests included (when NewClient builds the
	// token source; a WithTokenSource source sends its own).
	UserAgent string
}

// ConfigError reports an invalid Config field. NewClient returns it, so bad
// configuration fails at construction, never on the first call. Its Reason
// never holds the client secret, even when the field was pasted over with it.
//
// Err, when set, is the condition the field breaks, for errors.Is: a plain
// http URL to a host that is not loopback is auth.ErrInsecureURL, the same
// error a token source or a request returns for it.
type ConfigError struct {
	Field  string
	Reason string
	Err    error
}

func (e *ConfigError) Error() string { return "nitro: Config." + e.Field + ": " + e.Reason }

// Unwrap returns Err.
func (e *ConfigError) Unwrap() error { return e.Err }

// withDefaults validates c and fills in its defaults. needCreds is false
// when the caller brings its own token source (WithTokenSource), which
// holds the credentials instead; insecure allows plain http to any host
// (WithInsecureHTTP).
func (c Config) withDefaults(needCreds, insecure bool) (Config, error) {
	var errs []error
	if needCreds && strings.TrimSpace(c.ClientID) == "" {
		errs = append(errs, &ConfigError{Field: "ClientID", Reason: "is required"})
	}
	if needCreds && c.ClientSecret == "" {
		errs = append(errs, &ConfigError{Field: "ClientSecret", Reason: "is required"})
	}
	if c.BaseURL == "" {
		c.BaseURL = DefaultBaseURL
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	if err := checkURL("BaseURL", c.BaseURL, c.ClientSecret, insecure); err != nil {
		errs = append(errs, err)
	} else if u, _ := url.Parse(c.BaseURL); u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(c.BaseURL, "?") || strings.HasSuffix(c.BaseURL, "#") {
		// Operations' paths are appended to it: a query or fragment would
		// swallow them.
		errs = append(errs, &ConfigError{Field: "BaseURL", Reason: "must have no query or fragment: operations' paths are appended to it"})
	}
	if c.TokenURL == "" {
		c.TokenURL = c.BaseURL + "/oauth/token"
	} else if err := checkURL("TokenURL", c.TokenURL, c.ClientSecret, insecure); err != nil {
		errs = append(errs, err)
	}
	switch {
	case c.Timeout < 0:
		errs = append(errs, &ConfigError{Field: "Timeout", Reason: fmt.Sprintf("%v is negative", c.Timeout)})
	case c.Timeout == 0:
		c.Timeout = 60 * time.Second
	}
	switch {
	case c.MaxRetries < -1 || c.MaxRetries > 20:
		errs = append(errs, &ConfigError{Field: "MaxRetries", Reason: fmt.Sprintf("%d is outside -1 (none) to 20", c.MaxRetries)})
	case c.MaxRetries == 0:
		c.MaxRetries = 3
	case c.MaxRetries == -1:
		c.MaxRetries = 0
	}
	if p, err := c.Retry.withDefaults(); err != nil {
		errs = append(errs, err)
	} else {
		c.Retry = p
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if strings.ContainsAny(c.UserAgent, "\r\n") {
		errs = append(errs, &ConfigError{Field: "UserAgent", Reason: "contains a line break"})
	}
	return c, errors.Join(errs...)
}

// checkURL accepts an absolute https URL, or plain http to a loopback host
// (a local fake or proxy) or, if insecure, to any host: over plain http to
// anything else the secret and every token would travel in clear, so such a
// URL fails here, not on each call after its retries. A URL that is rejected is quoted with the secret
// scrubbed, in case the user pasted it into the wrong field; a URL that
// holds the secret is rejected, as it would then show in every log line.
func checkURL(field, raw, secret string, insecure bool) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return &ConfigError{Field: field, Reason: fmt.Sprintf("%q is not an absolute http(s) URL", scrubSecret(raw, secret))}
	}
	if u.User != nil {
		return &ConfigError{Field: field, Reason: "must not carry credentials; use ClientID and ClientSecret"}
	}
	if scrubSecret(raw, secret) != raw {
		return &ConfigError{Field: field, Reason: "contains the client secret; set it in ClientSecret only"}
	}
	if u.Scheme == "http" && !insecure && !isLoopback(u.Hostname()) {
		return &ConfigError{Field: field, Reason: fmt.Sprintf("plain http to %q, which is not loopback, would send tokens in clear; use https (or WithInsecureHTTP)", u.Hostname()),
			Err: auth.ErrInsecureURL}
	}
	return nil
}

// isLoopback reports whether host is localhost or a loopback address
// (127.0.0.0/8, ::1), the only hosts plain http may reach.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// scrubSecret replaces secret in s, raw and in its URL-escaped forms, with
// "[REDACTED]".
func scrubSecret(s, secret string) string {
	if secret == "" {
		return s
	}
	for _, form := range []string{secret, url.QueryEscape(secret), url.PathEscape(secret)} {
		s = strings.ReplaceAll(s, form, redacted)
	}
	return s
}

const redacted = "[REDACTED]"

// String shows the configuration with the client secret redacted.
func (c Config) String() string {
	secret := ""
	if c.ClientSecret != "" {
		secret = "[REDACTED]"
	}
	return fmt.Sprintf("nitro.Config{ClientID: %q, ClientSecret: %q, BaseURL: %q, TokenURL: %q, Timeout: %v, MaxRetries: %d, UserAgent: %q}",
		c.ClientID, secret, c.BaseURL, c.TokenURL, c.Timeout, c.MaxRetries, c.UserAgent)
}

// GoString is String: %#v must not reveal the secret either.
func (c Config) GoString() string { return c.String() }

// Format prints String for every verb, so no verb reaches the secret.
func (c Config) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(c.String())) }

// LogValue makes slog print String.
func (c Config) LogValue() slog.Value { return slog.StringValue(c.String()) }

// MarshalJSON encodes the data fields under their Go names, as encoding/json
// would, but with the client secret as "[REDACTED]" (when set); HTTPClient
// and Logger are not data and are left out.
func (c Config) MarshalJSON() ([]byte, error) {
	secret := ""
	if c.ClientSecret != "" {
		secret = redacted
	}
	return json.Marshal(struct {
		ClientID, ClientSecret, BaseURL, TokenURL string
		Timeout                                   time.Duration
		MaxRetries                                int
		UserAgent                                 string
	}{c.ClientID, secret, c.BaseURL, c.TokenURL, c.Timeout, c.MaxRetries, c.UserAgent})
}
