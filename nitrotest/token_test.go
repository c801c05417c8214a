package nitrotest_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2/clientcredentials"

	"github.com/nitrokit/nitro/auth"
	"github.com/nitrokit/nitro/nitrotest"
)

func TestJSONTokenShapes(t *testing.T) {
	for _, tt := range []struct {
		shape nitrotest.TokenShape
		keys  []string
	}{
		{nitrotest.CamelCase, []string{"accessToken", "tokenType", "expiresIn"}},
		{nitrotest.RFC6749, []string{"access_token", "token_type", "expires_in"}},
	} {
		clock := newFakeClock()
		srv := nitrotest.NewServer(nitrotest.WithTokenShape(tt.shape), nitrotest.WithTokenLifetime(90*time.Minute), nitrotest.WithClock(clock.Now))
		creds := srv.Credentials()
		resp, err := http.Post(srv.TokenURL(), "application/json",
			strings.NewReader(`{"clientID":"`+creds.ClientID+`","clientSecret":"`+creds.ClientSecret+`"}`))
		must(t, err)
		var got map[string]any
		json.NewDecoder(resp.Body).Decode(&got)
		resp.Body.Close()
		srv.Close()
		for _, k := range tt.keys {
			if _, ok := got[k]; !ok {
				t.Errorf("shape %d: answer %v lacks %q", tt.shape, got, k)
			}
		}
		if got[tt.keys[2]] != float64(5400) {
			t.Errorf("expires = %v, want 5400", got[tt.keys[2]])
		}
		if exp, want := jwtExp(t, got[tt.keys[0]].(string)), clock.Now().Add(90*time.Minute); !exp.Equal(want) {
			t.Errorf("JWT exp is %v, want %v", exp, want)
		}
	}
}

func jwtExp(t *testing.T, tok string) time.Time {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("token %q is not header.payload.signature", tok)
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	must(t, err)
	var claims struct{ Exp int64 }
	must(t, json.Unmarshal(b, &claims))
	return time.Unix(claims.Exp, 0)
}

// TestXOAuth2ClientCredentials: a client nobody here wrote gets a token from
// the RFC 6749 endpoint and calls the API with it.
func TestXOAuth2ClientCredentials(t *testing.T) {
	srv := nitrotest.NewServer(nitrotest.WithRequiredScopes("document_read"))
	defer srv.Close()
	cfg := clientcredentials.Config{
		ClientID: srv.Credentials().ClientID, ClientSecret: srv.Credentials().ClientSecret,
		TokenURL: srv.TokenURL(), Scopes: []string{"document_read", "document_write"},
	}
	tok, err := cfg.Token(context.Background())
	if err != nil || tok.AccessToken == "" || !tok.Expiry.After(time.Now().Add(23*time.Hour)) {
		t.Fatalf("x/oauth2 Token = %v, %v", tok.Expiry, err)
	}
	resp, err := cfg.Client(context.Background()).Get(srv.URL() + "/sign/envelopes")
	must(t, err)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("API with the x/oauth2 token: %d", resp.StatusCode)
	}
}

func TestMissingScopeIs403(t *testing.T) {
	srv := nitrotest.NewServer(nitrotest.WithRequiredScopes("document_read", "document_write"))
	defer srv.Close()
	src, err := auth.NewSource(auth.ClientCredentials(srv.TokenURL(), "document_read"), srv.Credentials())
	must(t, err)
	defer src.Close()
	resp, err := (&http.Client{Transport: src.Transport(nil)}).Get(srv.URL() + "/sign/envelopes")
	must(t, err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 403 || !strings.Contains(string(b), "document_write") {
		t.Errorf("token without document_write: %d %s", resp.StatusCode, b)
	}
}

func TestTokenEndpointErrors(t *testing.T) {
	srv := nitrotest.NewServer()
	defer srv.Close()
	creds := srv.Credentials()
	basic := func(id, secret string) string {
		return "Basic " + base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(id)+":"+url.QueryEscape(secret)))
	}
	tests := []struct {
		name, ct, body, authz string
		status                int
		code                  string
	}{
		{"json bad secret", "application/json", `{"clientID":"` + creds.ClientID + `","clientSecret":"nope"}`, "", 401, "invalid_client"},
		{"json missing fields", "application/json", `{}`, "", 400, "invalid_request"},
		{"json garbage", "application/json", `{{`, "", 400, "invalid_request"},
		{"form ok", "application/x-www-form-urlencoded", "grant_type=client_credentials", basic(creds.ClientID, creds.ClientSecret), 200, ""},
		{"form bad secret", "application/x-www-form-urlencoded", "grant_type=client_credentials", basic(creds.ClientID, "x"), 401, "invalid_client"},
		{"form no basic", "application/x-www-form-urlencoded", "grant_type=client_credentials", "", 401, "invalid_client"},
		{"form wrong grant", "application/x-www-form-urlencoded", "grant_type=password", basic(creds.ClientID, creds.ClientSecret), 400, "unsupported_grant_type"},
		{"other content type", "text/plain", "hello", "", 400, "invalid_request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, srv.TokenURL(), strings.NewReader(tt.body))
			req.Header.Set("Content-Type", tt.ct)
			if tt.authz != "" {
				req.Header.Set("Authorization", tt.authz)
			}
			resp, err := http.DefaultClient.Do(req)
			must(t, err)
			var got map[string]any
			json.NewDecoder(resp.Body).Decode(&got)
			resp.Body.Close()
			if resp.StatusCode != tt.status || (tt.code != "" && got["error"] != tt.code) {
				t.Errorf("%d %v, want %d %s", resp.StatusCode, got, tt.status, tt.code)
			}
		})
	}
}

func TestExpiredAndRevokedTokensAre401(t *testing.T) {
	clock := newFakeClock()
	srv := nitrotest.NewServer(nitrotest.WithTokenLifetime(time.Second), nitrotest.WithClock(clock.Now))
	defer srv.Close()
	src, err := auth.NewSource(auth.NitroJSON(srv.TokenURL()), srv.Credentials())
	must(t, err)
	defer src.Close()
	tok, err := src.Token(context.Background())
	must(t, err)
	get := func() int {
		req, _ := http.NewRequest(http.MethodGet, srv.URL()+"/sign/envelopes", nil)
		req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		resp, err := http.DefaultClient.Do(req)
		must(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	if s := get(); s != 200 {
		t.Fatalf("fresh token: %d", s)
	}
	srv.RevokeTokens()
	if s := get(); s != 401 {
		t.Errorf("revoked token: %d, want 401", s)
	}
	// A token issued after the revocation, from a Source of its own: the
	// first Source runs on the real clock, and its background refresh of
	// this 1s token could hand out one issued before the revocation.
	after, err := auth.NewSource(auth.NitroJSON(srv.TokenURL()), srv.Credentials())
	must(t, err)
	defer after.Close()
	tok, err = after.Token(context.Background())
	must(t, err)
	clock.Advance(time.Second - time.Nanosecond)
	if s := get(); s != 200 {
		t.Errorf("token in its last nanosecond: %d, want 200", s)
	}
	clock.Advance(time.Nanosecond)
	if s := get(); s != 401 {
		t.Errorf("expired token: %d, want 401", s)
	}
}

// fakeClock is a server clock that moves only when told; it is safe for
// concurrent use, as the server reads it from its handlers.
type fakeClock struct{ ns atomic.Int64 }

func newFakeClock() *fakeClock {
	c := &fakeClock{}
	c.ns.Store(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC).UnixNano())
	return c
}

func (c *fakeClock) Now() time.Time { return time.Unix(0, c.ns.Load()) }

func (c *fakeClock) Advance(d time.Duration) { c.ns.Add(int64(d)) }
