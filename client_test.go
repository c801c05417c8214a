package nitro_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/auth"
	"github.com/nitrokit/nitro/internal/testkit/flowtest"
	"github.com/nitrokit/nitro/nitrotest"
	"github.com/nitrokit/nitro/sign"
)

func TestNewClientValidatesConfig(t *testing.T) {
	ok := nitro.Config{ClientID: "id", ClientSecret: "secret"}
	tests := []struct {
		name  string
		edit  func(*nitro.Config)
		field string
	}{
		{"no client id", func(c *nitro.Config) { c.ClientID = " " }, "ClientID"},
		{"no secret", func(c *nitro.Config) { c.ClientSecret = "" }, "ClientSecret"},
		{"relative base URL", func(c *nitro.Config) { c.BaseURL = "api.gonitro.dev" }, "BaseURL"},
		{"ftp base URL", func(c *nitro.Config) { c.BaseURL = "ftp://api.gonitro.dev" }, "BaseURL"},
		{"credentials in URL", func(c *nitro.Config) { c.BaseURL = "https://u:p@api.gonitro.dev" }, "BaseURL"},
		{"bad token URL", func(c *nitro.Config) { c.TokenURL = "::" }, "TokenURL"},
		{"negative timeout", func(c *nitro.Config) { c.Timeout = -time.Second }, "Timeout"},
		{"absurd retries", func(c *nitro.Config) { c.MaxRetries = 1000 }, "MaxRetries"},
		{"header injection", func(c *nitro.Config) { c.UserAgent = "x\r\nEvil: 1" }, "UserAgent"},
		{"base URL with a query", func(c *nitro.Config) { c.BaseURL = "https://api.gonitro.dev/api?tenant=1" }, "BaseURL"},
		{"base URL with a fragment", func(c *nitro.Config) { c.BaseURL = "https://api.gonitro.dev/api#frag" }, "BaseURL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := ok
			tt.edit(&cfg)
			c, err := nitro.NewClient(cfg)
			var ce *nitro.ConfigError
			if err == nil || !errors.As(err, &ce) || ce.Field != tt.field {
				if c != nil {
					c.Close()
				}
				t.Fatalf("nitro.NewClient = %v, want a *nitro.ConfigError for %s", err, tt.field)
			}
			if strings.Contains(err.Error(), "secret") && tt.field != "ClientSecret" {
				t.Errorf("error mentions the secret: %v", err)
			}
		})
	}
	t.Run("plain http to a remote host", func(t *testing.T) {
		for _, cfg := range []nitro.Config{
			{ClientID: "id", ClientSecret: "secret", BaseURL: "http://api.example.com"},
			{ClientID: "id", ClientSecret: "secret", BaseURL: "http://10.0.0.1:8080", TokenURL: "https://auth.example.com/token"},
			{ClientID: "id", ClientSecret: "secret", TokenURL: "http://auth.example.com/token"},
		} {
			_, err := nitro.NewClient(cfg)
			var ce *nitro.ConfigError
			if !errors.As(err, &ce) || !strings.Contains(ce.Reason, "plain http") {
				t.Errorf("%v: got %v, want a ConfigError: tokens would travel over plain http", cfg, err)
			}
			// The one error that names the condition is that condition too.
			if !errors.Is(err, auth.ErrInsecureURL) {
				t.Errorf("%v: errors.Is(%v, auth.ErrInsecureURL) is false", cfg, err)
			}
		}
	})
	t.Run("plain http to a remote host, allowed", func(t *testing.T) {
		c, err := nitro.NewClient(nitro.Config{ClientID: "id", ClientSecret: "secret", BaseURL: "http://api.mesh.internal"}, nitro.WithInsecureHTTP())
		if err != nil {
			t.Fatalf("WithInsecureHTTP: %v", err)
		}
		c.Close()
	})
	t.Run("plain http to loopback", func(t *testing.T) {
		for _, u := range []string{"http://127.0.0.1:8080", "http://127.1.2.3", "http://[::1]:99", "http://localhost:8080"} {
			c, err := nitro.NewClient(nitro.Config{ClientID: "id", ClientSecret: "secret", BaseURL: u})
			if err != nil {
				t.Errorf("%s: %v", u, err)
				continue
			}
			c.Close()
		}
	})
	c, err := nitro.NewClient(ok)
	if err != nil {
		t.Fatalf("defaults: %v", err)
	}
	defer c.Close()
	if retries, timeout := nitro.RetryBudget(c); retries != 3 || timeout != 60*time.Second {
		t.Errorf("defaults: retries %d, timeout %v", retries, timeout)
	}
}

// TestEveryOperationThroughClient calls each generated operation once
// through the nitro.Client's whole stack.
func TestEveryOperationThroughClient(t *testing.T) {
	c, srv, _, logs := setup(t, nitro.Config{}, nitrotest.WithSealDelay(-1))
	flowtest.EveryOperation(t, srv, sign.New(c))
	tok, _ := c.Token(context.Background())
	for _, secret := range []string{srv.Credentials().ClientSecret, tok.AccessToken, "Authorization", "Bearer ey"} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("the debug log contains %q", secret)
		}
	}
	if !strings.Contains(logs.String(), `msg="nitro: request" method=POST path=/sign/envelopes attempt=1 status=201`) {
		t.Errorf("attempts are not logged:\n%.500s", logs)
	}
}

func TestConfigNeverPrintsTheSecret(t *testing.T) {
	cfg := nitro.Config{ClientID: "app", ClientSecret: "very-secret-value"}
	var out strings.Builder
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		fmt.Fprintf(&out, verb+"\n", cfg)
		fmt.Fprintf(&out, verb+"\n", &cfg)
	}
	slog.New(slog.NewJSONHandler(&out, nil)).Info("cfg", "config", cfg)
	if strings.Contains(out.String(), "very-secret") || !strings.Contains(out.String(), "app") {
		t.Errorf("printing a Config:\n%s", out.String())
	}
}

// TestWithTokenSourceNeedsNoSecret: the source holds the credentials, so
// Config needs none.
func TestWithTokenSourceNeedsNoSecret(t *testing.T) {
	c := withOwnSource(t)
	if _, err := sign.New(c).ListEnvelopes(context.Background(), sign.ListEnvelopesParams{}); err != nil {
		t.Fatal(err)
	}
}

func TestDefaultTransportIsAPoolOfItsOwn(t *testing.T) {
	cfg := nitro.Config{ClientID: "id", ClientSecret: "secret"}
	c1, err := nitro.NewClient(cfg)
	must(t, err)
	defer c1.Close()
	c2, err := nitro.NewClient(cfg)
	must(t, err)
	defer c2.Close()
	p := nitro.Pool(c1)
	if p == nil || p == http.DefaultTransport || p == nitro.Pool(c2) {
		t.Fatalf("the default transport is %p, shared or net/http's", p)
	}
	if p.MaxIdleConnsPerHost < 64 || p.MaxIdleConns < p.MaxIdleConnsPerHost || !p.ForceAttemptHTTP2 ||
		p.TLSHandshakeTimeout <= 0 || p.IdleConnTimeout <= 0 || p.DialContext == nil || p.Proxy == nil {
		t.Errorf("the pool is not sized or bounded: %+v", p)
	}
}

// countingTransport counts what reaches the innermost layer.
type countingTransport struct {
	next                  http.RoundTripper
	trips, tokens, closes atomic.Int64
}

func (c *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	c.trips.Add(1)
	if strings.HasSuffix(req.URL.Path, "/oauth/token") {
		c.tokens.Add(1)
	}
	return c.next.RoundTrip(req)
}

func (c *countingTransport) CloseIdleConnections() { c.closes.Add(1) }

// TestUserHTTPClientStaysInnermost: a given HTTPClient carries every
// request, token requests included, is never modified, and Close reaches its
// transport's idle connections through the retry layer.
func TestUserHTTPClientStaysInnermost(t *testing.T) {
	srv := nitrotest.NewServer()
	defer srv.Close()
	ct := &countingTransport{next: http.DefaultTransport}
	hc := &http.Client{Transport: ct, Timeout: time.Minute}
	creds := srv.Credentials()
	c, err := nitro.NewClient(nitro.Config{ClientID: creds.ClientID, ClientSecret: creds.ClientSecret, BaseURL: srv.URL(), HTTPClient: hc})
	must(t, err)
	if _, err := sign.New(c).ListEnvelopes(context.Background(), sign.ListEnvelopesParams{}); err != nil {
		t.Fatal(err)
	}
	if nitro.Pool(c) != nil {
		t.Error("a pool was built beside the given HTTPClient")
	}
	c.Close()
	if hc.Transport != ct || hc.Timeout != time.Minute || hc.CheckRedirect != nil || hc.Jar != nil {
		t.Errorf("the given HTTPClient was modified: %+v", hc)
	}
	if ct.trips.Load() != 2 || ct.tokens.Load() != 1 || ct.closes.Load() == 0 {
		t.Errorf("innermost saw %d requests (%d token), %d idle closes; want 2, 1, at least 1", ct.trips.Load(), ct.tokens.Load(), ct.closes.Load())
	}
}

// TestCloseClosesThePool: the default pool keeps connections for reuse, and
// Close drops the idle ones. The source is the test's, so that the client
// can still call after Close and show that its next call dials anew.
func TestCloseClosesThePool(t *testing.T) {
	c := withOwnSource(t)
	reused := func() bool {
		var got bool
		ctx := httptrace.WithClientTrace(context.Background(), &httptrace.ClientTrace{GotConn: func(i httptrace.GotConnInfo) { got = i.Reused }})
		if _, err := sign.New(c).ListEnvelopes(ctx, sign.ListEnvelopesParams{}); err != nil {
			t.Fatal(err)
		}
		return got
	}
	reused()
	if !reused() {
		t.Error("the second call did not reuse the first one's connection")
	}
	c.Close()
	if reused() {
		t.Error("after Close, a call reused an idle connection")
	}
}

// withOwnSource is a Client on a fake whose token source the test made and
// passed in (WithTokenSource): its Config has no credentials, and Close
// leaves the source running. All stop when the test ends.
func withOwnSource(t *testing.T) *nitro.Client {
	t.Helper()
	srv := nitrotest.NewServer()
	t.Cleanup(srv.Close)
	src, err := auth.NewSource(auth.NitroJSON(srv.TokenURL()), srv.Credentials())
	must(t, err)
	t.Cleanup(func() { src.Close() })
	c, err := nitro.NewClient(nitro.Config{BaseURL: srv.URL()}, nitro.WithTokenSource(src))
	must(t, err)
	t.Cleanup(func() { c.Close() })
	return c
}

// TestEveryRequestCarriesTheUserAgent: the token request as well as the API
// requests go out with the library's User-Agent, after the caller's, so the
// token endpoint sees the same client as the API.
func TestEveryRequestCarriesTheUserAgent(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]string{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen[r.URL.Path] = r.Header.Get("User-Agent")
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/oauth/token" {
			_, _ = w.Write([]byte(`{"access_token":"tok","token_type":"Bearer","expires_in":3600}`))
			return
		}
		_, _ = w.Write([]byte(`{"items":[]}`))
	}))
	defer srv.Close()
	c, err := nitro.NewClient(nitro.Config{ClientID: "id", ClientSecret: "secret", BaseURL: srv.URL, UserAgent: "my-app/2"})
	must(t, err)
	defer c.Close()
	_, err = sign.New(c).ListEnvelopes(context.Background(), sign.ListEnvelopesParams{})
	must(t, err)
	mu.Lock()
	defer mu.Unlock()
	for _, path := range []string{"/oauth/token", "/sign/envelopes"} {
		if ua := seen[path]; !strings.HasPrefix(ua, "my-app/2 nitro-go/") {
			t.Errorf("%s went out with User-Agent %q, want the caller's then the library's", path, ua)
		}
	}
}

// TestNilOptionsAndContextsAreNoPanic: a nil Option (NewClient, auth) is
// no option, and a nil context is refused, not a panic.
func TestNilOptionsAndContextsAreNoPanic(t *testing.T) {
	c, err := nitro.NewClient(nitro.Config{ClientID: "id", ClientSecret: "a-long-secret"}, nil, nitro.WithAuthOptions(nil))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	//lint:ignore SA1012 a nil context is the mistake under test
	if _, err := c.Token(nil); err == nil {
		t.Fatal("Token(nil) succeeded")
	}
	src, err := auth.NewSource(auth.NitroJSON("https://api.gonitro.dev/oauth/token"), auth.Credentials{ClientID: "id", ClientSecret: "s"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	//lint:ignore SA1012 a nil context is the mistake under test
	if _, err := src.Token(nil); err == nil {
		t.Fatal("Source.Token(nil) succeeded")
	}
}
