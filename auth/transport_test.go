package auth

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// apiServer answers 401 to any token in revoked and echoes the body.
func apiServer(t *testing.T, revoked func(auth string) bool) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var hits atomic.Int64
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if a := r.Header.Get("Authorization"); a == "" || revoked(a) {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		io.Copy(w, r.Body)
	}))
	t.Cleanup(s.Close)
	return s, &hits
}

func TestTransportReplaysOnceAfter401(t *testing.T) {
	src, ts, _ := setup(t, NitroJSON, nil)
	api, apiHits := apiServer(t, func(a string) bool { return a == "Bearer tok-1" })
	c := &http.Client{Transport: src.Transport(nil)}
	req, _ := http.NewRequest(http.MethodPost, api.URL+"/sign/envelopes", strings.NewReader(`{"name":"x"}`))
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != `{"name":"x"}` {
		t.Errorf("after replay: %d %q, want 200 and the replayed body", resp.StatusCode, body)
	}
	if ts.hits.Load() != 2 || apiHits.Load() != 2 {
		t.Errorf("token requests %d, API requests %d; want 2 and 2", ts.hits.Load(), apiHits.Load())
	}
	if req.Header.Get("Authorization") != "" {
		t.Error("the transport modified the caller's request")
	}
}

func TestTransportDoesNotReplayAnUnrewindableBody(t *testing.T) {
	src, ts, _ := setup(t, NitroJSON, nil)
	api, apiHits := apiServer(t, func(a string) bool { return a == "Bearer tok-1" })
	c := &http.Client{Transport: src.Transport(nil)}
	body := io.NopCloser(strings.NewReader("stream")) // no GetBody
	req, _ := http.NewRequest(http.MethodPut, api.URL+"/upload", body)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || apiHits.Load() != 1 {
		t.Errorf("got %d after %d API requests; want the 401 after 1", resp.StatusCode, apiHits.Load())
	}
	// The refused token is gone: the next call fetches a new one.
	req2, _ := http.NewRequest(http.MethodGet, api.URL+"/x", nil)
	resp2, err := c.Do(req2)
	if err != nil {
		t.Fatal(err)
	}
	resp2.Body.Close()
	if resp2.StatusCode != 200 || ts.hits.Load() != 2 {
		t.Errorf("next call: %d with %d token requests; want 200 and 2", resp2.StatusCode, ts.hits.Load())
	}
}

func TestTransportGivesUpAfterOneReplay(t *testing.T) {
	src, ts, _ := setup(t, NitroJSON, nil)
	api, apiHits := apiServer(t, func(string) bool { return true })
	resp, err := (&http.Client{Transport: src.Transport(nil)}).Get(api.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 || apiHits.Load() != 2 || ts.hits.Load() != 2 {
		t.Errorf("status %d, API %d, token %d; want 401 after exactly one replay", resp.StatusCode, apiHits.Load(), ts.hits.Load())
	}
}

// TestReplaysTokenFailureIsTheError: the API refuses the token (401) and
// fetching the next one fails: the caller gets the token endpoint's error,
// which says whether it is worth retrying, not the 401, which says the
// credentials are wrong. The 401's body is closed, its connection kept.
func TestReplaysTokenFailureIsTheError(t *testing.T) {
	for _, tt := range []struct {
		name      string
		status    int
		retryable bool
	}{{"endpoint unavailable", 503, true}, {"rate limited", 429, true}, {"credentials revoked", 401, false}} {
		t.Run(tt.name, func(t *testing.T) {
			src, _, _ := setup(t, NitroJSON, func(n int64, w http.ResponseWriter, r *http.Request) {
				if n == 1 {
					okAnswer(3600)(n, w, r)
					return
				}
				writeJSON(w, tt.status, map[string]any{"error": "unavailable"})
			}, WithRetryBudget(1))
			api, apiHits := apiServer(t, func(a string) bool { return a == "Bearer tok-1" })
			resp, err := (&http.Client{Transport: src.Transport(nil)}).Get(api.URL)
			if resp != nil {
				resp.Body.Close()
			}
			var ae *Error
			if !errors.As(err, &ae) || ae.StatusCode != tt.status || ae.Retryable != tt.retryable || resp != nil {
				t.Fatalf("got %v, %v; want the token endpoint's %d (retryable: %v), no response", resp, err, tt.status, tt.retryable)
			}
			if apiHits.Load() != 1 {
				t.Errorf("%d API requests, want 1: no replay without a token", apiHits.Load())
			}
		})
	}
}

// TestReplaysRefusedTokenIsDroppedToo: the replay's token is refused as
// well (revoked with the first); the call gets the 401, and the next call
// fetches a new token at once instead of being refused with that one first.
func TestReplaysRefusedTokenIsDroppedToo(t *testing.T) {
	src, ts, _ := setup(t, NitroJSON, nil)
	api, apiHits := apiServer(t, func(a string) bool { return a == "Bearer tok-1" || a == "Bearer tok-2" })
	c := &http.Client{Transport: src.Transport(nil)}
	for i, want := range []int{401, 200} {
		resp, err := c.Get(api.URL)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("call %d: %d, want %d", i+1, resp.StatusCode, want)
		}
	}
	if ts.hits.Load() != 3 || apiHits.Load() != 3 {
		t.Errorf("token requests %d, API requests %d; want 3 and 3: tok-3 used at once by the second call", ts.hits.Load(), apiHits.Load())
	}
}

func TestTokenNeverFollowsARedirectToAnotherHost(t *testing.T) {
	src, _, _ := setup(t, NitroJSON, nil)
	var leaked atomic.Value
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		leaked.Store(r.Header.Get("Authorization"))
	}))
	defer other.Close()
	// 127.0.0.1 and localhost are different hosts to a browser and to us.
	otherURL := strings.Replace(other.URL, "127.0.0.1", "localhost", 1)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, otherURL+"/elsewhere", http.StatusTemporaryRedirect)
	}))
	defer api.Close()
	resp, err := (&http.Client{Transport: src.Transport(nil)}).Get(api.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	a, reached := leaked.Load().(string)
	if !reached {
		t.Fatal("the redirect target was never reached; the test proves nothing")
	}
	if a != "" {
		t.Errorf("the token followed a redirect to another host: %q", a)
	}
}

func TestPlainHTTPIsRefusedExceptLoopback(t *testing.T) {
	if _, err := NewSource(NitroJSON("http://api.gonitro.dev/oauth/token"), testCreds); !errors.Is(err, ErrInsecureURL) {
		t.Errorf("plain http token URL: %v, want ErrInsecureURL", err)
	}
	if _, err := NewSource(NitroJSON("http://[::1]:8080/oauth/token"), testCreds); err != nil {
		t.Errorf("loopback http: %v", err)
	}
	s, err := NewSource(NitroJSON("http://nitro.internal/oauth/token"), testCreds, WithInsecureHTTP())
	if err != nil {
		t.Fatalf("WithInsecureHTTP: %v", err)
	}
	s.Close()
	src, _, _ := setup(t, NitroJSON, nil)
	req, _ := http.NewRequest(http.MethodGet, "http://api.gonitro.dev/sign/envelopes", nil)
	if err := src.RequestEditor(context.Background(), req); !errors.Is(err, ErrInsecureURL) || req.Header.Get("Authorization") != "" {
		t.Errorf("RequestEditor to plain http: %v", err)
	}
	if _, err := (&http.Client{Transport: src.Transport(nil)}).Do(req); !errors.Is(err, ErrInsecureURL) {
		t.Errorf("Transport to plain http: %v", err)
	}
}

// TestIsLoopback: the hosts plain http may reach without WithInsecureHTTP,
// in every form a URL's Hostname gives them, and look-alikes that are not.
// It agrees with net.ParseIP, which nitro.Config's check of the same URLs
// uses: an address with a zone (::1%lo) is none, so a URL the Config
// refuses is not one the transport sends a token over in clear.
func TestIsLoopback(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost": true, "127.0.0.1": true, "127.8.9.10": true, "::1": true, "::ffff:127.0.0.1": true,
		"::1%lo": false, "::1%eth0": false, "::ffff:127.0.0.1%lo": false,
		"": false, "api.gonitro.dev": false, "10.0.0.1": false, "::": false, "127.0.0.1.nip.io": false,
		"localhost.example": false, "0x7f.0.0.1": false, "127.1": false,
	} {
		if got := isLoopback(host); got != want {
			t.Errorf("isLoopback(%q) = %v, want %v", host, got, want)
		}
		ip := net.ParseIP(host)
		if parsed := host == "localhost" || ip != nil && ip.IsLoopback(); parsed != want {
			t.Errorf("%q: net.ParseIP says loopback %v, the table %v", host, parsed, want)
		}
	}
}

func TestRequestEditorSetsBearer(t *testing.T) {
	src, _, _ := setup(t, NitroJSON, nil)
	req, _ := http.NewRequest(http.MethodGet, "https://api.gonitro.dev/sign/envelopes", nil)
	if err := src.RequestEditor(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	if got := req.Header.Get("Authorization"); got != "Bearer tok-1" {
		t.Errorf("Authorization = %q", got)
	}
}

func TestOAuth2TokenSourceInterop(t *testing.T) {
	src, ts, _ := setup(t, NitroJSON, nil)
	api, _ := apiServer(t, func(string) bool { return false })
	c := oauth2.NewClient(context.Background(), src.TokenSource())
	for range 3 {
		resp, err := c.Get(api.URL)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("status %d", resp.StatusCode)
		}
	}
	if ts.hits.Load() != 1 {
		t.Errorf("oauth2 client made %d token requests, want 1 (shared cache)", ts.hits.Load())
	}
}

func TestNewSourceValidatesInput(t *testing.T) {
	flow := NitroJSON("https://api.gonitro.dev/oauth/token")
	tests := []struct {
		name  string
		flow  Flow
		creds Credentials
		opts  []Option
	}{
		{"nil flow", nil, testCreds, nil},
		{"no client id", flow, Credentials{ClientSecret: "x"}, nil},
		{"no secret", flow, Credentials{ClientID: "x"}, nil},
		{"relative URL", NitroJSON("/oauth/token"), testCreds, nil},
		{"ftp URL", NitroJSON("ftp://host/token"), testCreds, nil},
		{"bad URL", NitroJSON("https://%zz"), testCreds, nil},
		{"nil http client", flow, testCreds, []Option{WithHTTPClient(nil)}},
		{"window fraction 0", flow, testCreds, []Option{WithRefreshWindow(0, time.Second)}},
		{"window fraction 1", flow, testCreds, []Option{WithRefreshWindow(1, time.Second)}},
		{"negative window", flow, testCreds, []Option{WithRefreshWindow(0.2, -time.Second)}},
		{"zero fetch timeout", flow, testCreds, []Option{WithFetchTimeout(0)}},
		{"zero retry budget", flow, testCreds, []Option{WithRetryBudget(0)}},
		{"nil logger", flow, testCreds, []Option{WithLogger(nil)}},
		{"zero default TTL", flow, testCreds, []Option{WithDefaultTTL(0)}},
		{"reserved param", ClientCredentials("https://h/t"), testCreds, []Option{WithEndpointParams(url.Values{"grant_type": {"x"}})}},
		{"params on the JSON flow", flow, testCreds, []Option{WithEndpointParams(url.Values{"audience": {"x"}})}},
		{"header injection in the User-Agent", flow, testCreds, []Option{WithUserAgent("app\r\nEvil: 1")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := NewSource(tt.flow, tt.creds, tt.opts...)
			if err == nil {
				s.Close()
				t.Fatal("NewSource accepted bad input")
			}
			if strings.Contains(err.Error(), testSecret) {
				t.Errorf("error leaks the secret: %v", err)
			}
		})
	}
}

// TestTransportWritesAnOwnedHeaderInPlace: a request whose context names it
// under HeaderOwnedKey gets its token in its own header map, with no copy; the
// replay after a 401 is a copy all the same, so the first map, which the
// first send may still be reading, is written once only.
func TestTransportWritesAnOwnedHeaderInPlace(t *testing.T) {
	src, _, _ := setup(t, NitroJSON, nil)
	api, apiHits := apiServer(t, func(a string) bool { return a == "Bearer tok-1" })
	var sent []*http.Request
	rt := src.Transport(roundTripFunc(func(r *http.Request) (*http.Response, error) {
		sent = append(sent, r)
		return http.DefaultTransport.RoundTrip(r)
	}))
	owner := &ownerCtx{Context: context.Background()}
	req, _ := http.NewRequestWithContext(owner, http.MethodGet, api.URL+"/x", nil)
	owner.req = req
	// A request built on the same context is not the one it names.
	side, _ := http.NewRequestWithContext(req.Context(), http.MethodGet, api.URL+"/x", nil)
	if sent := attach(side, []string{"Bearer x"}); sent == side || side.Header.Get("Authorization") != "" {
		t.Error("a side request on an owned request's context was written in place")
	}
	resp, err := rt.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || apiHits.Load() != 2 || len(sent) != 2 {
		t.Fatalf("status %d after %d API requests; want 200 after 2 (a 401, then the replay)", resp.StatusCode, apiHits.Load())
	}
	if sent[0] != req || req.Header.Get("Authorization") != "Bearer tok-1" {
		t.Errorf("first send: same request %v, header %q; want the owned request itself, with tok-1", sent[0] == req, req.Header.Get("Authorization"))
	}
	if sent[1] == req || sent[1].Header.Get("Authorization") != "Bearer tok-2" {
		t.Errorf("replay: same request %v, header %q; want a copy with tok-2", sent[1] == req, sent[1].Header.Get("Authorization"))
	}
}

// ownerCtx answers HeaderOwnedKey with req, as nitro's retry layer does.
type ownerCtx struct {
	context.Context
	req *http.Request
}

func (c *ownerCtx) Value(key any) any {
	if key == HeaderOwnedKey {
		return c.req
	}
	return c.Context.Value(key)
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
