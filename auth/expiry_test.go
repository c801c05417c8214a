package auth

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestLateExpiryTimerNeverLetsAnExpiredTokenOut: the refresh timer fires,
// the early refresh fails, and the expiry timer runs late. Token, the
// request editor and the transport must not hand out the expired token.
func TestLateExpiryTimerNeverLetsAnExpiredTokenOut(t *testing.T) {
	clock := newFakeClock()
	src, ts, _ := setup(t, NitroJSON, okAnswer(300), WithRetryBudget(1))
	clock.attach(src)
	first, err := src.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ts.setAnswer(func(_ int64, w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusServiceUnavailable) })
	// Exactly to the refresh time (300s token, 60s window): the failed
	// refresh schedules its retry at least 125ms later, so this Advance can
	// never also run the retry, however the refresh and Advance interleave.
	clock.Advance(240 * time.Second) // the refresh timer fires; the refresh fails
	waitFor(t, func() bool { return ts.hits.Load() == 2 && !src.cur.Load().trying.Load() })
	if tok, err := src.Token(context.Background()); err != nil || tok != first {
		t.Fatalf("inside the window the valid token must be served: %v, %v", tok, err)
	}
	clock.Skip(60 * time.Second) // past expiry; the expiry timer has not run

	if tok, err := src.Token(context.Background()); err == nil || tok.AccessToken != "" {
		t.Errorf("Token after expiry = %v, %v; want the endpoint's error, never the expired token", tok, err)
	}
	req, _ := http.NewRequest(http.MethodGet, "https://api.gonitro.dev/x", nil)
	if err := src.RequestEditor(context.Background(), req); err == nil || strings.Contains(req.Header.Get("Authorization"), first.AccessToken) {
		t.Errorf("RequestEditor after expiry: %v, header %q", err, req.Header.Get("Authorization"))
	}
	api, apiHits := apiServer(t, func(string) bool { return false })
	if resp, err := (&http.Client{Transport: src.Transport(nil)}).Get(api.URL); err == nil {
		resp.Body.Close()
		t.Errorf("Transport after expiry sent a request")
	}
	if apiHits.Load() != 0 {
		t.Errorf("the API got %d requests with an expired token", apiHits.Load())
	}

	ts.setAnswer(okAnswer(300)) // the endpoint recovers: a fresh token
	tok, err := src.Token(context.Background())
	if err != nil || tok.AccessToken == first.AccessToken || !tok.Expiry.After(clock.Now()) {
		t.Errorf("after recovery: %v, %v", tok, err)
	}
}

// TestRefreshRetryDueAtOnceIsNotDropped: a failed early refresh schedules
// its retry, and the retry's timer fires before the refreshing goroutine
// has finished (as a real timer does when that goroutine is descheduled).
// The retry must start a refresh, not find the old one still running and
// be dropped, which left no refresh before expiry.
func TestRefreshRetryDueAtOnceIsNotDropped(t *testing.T) {
	clock := newFakeClock()
	src, ts, _ := setup(t, NitroJSON, okAnswer(300), WithRetryBudget(1))
	clock.attach(src)
	if _, err := src.Token(context.Background()); err != nil {
		t.Fatal(err)
	}
	ts.setAnswer(func(_ int64, w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusServiceUnavailable) })
	var first sync.Once
	fired := make(chan struct{})
	src.afterFunc = func(d time.Duration, f func()) func() bool {
		now := false
		first.Do(func() { now = true }) // the first timer set from here on: the retry
		if !now {
			return clock.AfterFunc(d, f)
		}
		f()
		close(fired)
		return func() bool { return false }
	}
	clock.Advance(240 * time.Second) // the refresh timer fires; the refresh fails
	<-fired
	waitFor(t, func() bool { return !src.cur.Load().trying.Load() })
	if n := ts.hits.Load(); n != 3 {
		t.Errorf("token requests = %d, want 3: the first fetch, the failed refresh, and its retry", n)
	}
}

// TestFrozenPastExpiryNeverServesTheExpiredToken: the process is frozen
// (a paused container, SIGSTOP) from just after the first fetch until past
// the token's expiry; on thaw no timer has run yet, the refresh timer
// included. Token, the request editor and the transport must each get a
// fresh token, never the expired one: every read compares the expiry with
// the clock.
func TestFrozenPastExpiryNeverServesTheExpiredToken(t *testing.T) {
	for _, frozen := range []time.Duration{300 * time.Second, 301 * time.Second, time.Hour} {
		src, ts, clock, first := clocked(t)
		clock.Skip(frozen) // past expiry; neither the refresh nor the expiry timer has run

		tok, err := src.Token(context.Background())
		if err != nil || tok.AccessToken == first.AccessToken || !tok.Expiry.After(clock.Now()) {
			t.Errorf("frozen %v: Token = %v, %v; want a fresh token", frozen, tok, err)
		}
		clock.Skip(frozen)
		req, _ := http.NewRequest(http.MethodGet, "https://api.gonitro.dev/x", nil)
		if err := src.RequestEditor(context.Background(), req); err != nil || req.Header.Get("Authorization") == "Bearer "+tok.AccessToken {
			t.Errorf("frozen %v again: RequestEditor sent %q, %v; want a fresh token", frozen, req.Header.Get("Authorization"), err)
		}
		clock.Skip(frozen)
		var sent []string
		api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			sent = append(sent, r.Header.Get("Authorization"))
		}))
		resp, err := (&http.Client{Transport: src.Transport(nil)}).Get(api.URL)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		api.Close()
		if n := ts.hits.Load(); n != 4 || len(sent) != 1 || sent[0] != "Bearer tok-4" {
			t.Errorf("frozen %v thrice: %d token requests, the API got %q; want 4 requests and tok-4", frozen, n, sent)
		}
	}
}

// TestLateRefreshTimerStillRefreshesAhead: past the refresh time, the first
// read starts the early refresh if the refresh timer has not, so a token is
// replaced before it expires even when timers run late.
func TestLateRefreshTimerStillRefreshesAhead(t *testing.T) {
	src, ts, clock, first := clocked(t)
	clock.Skip(250 * time.Second) // inside the 60s window; no timer has run
	for range 10 {
		if tok, err := src.Token(context.Background()); err != nil || (tok != first && tok.AccessToken != "tok-2") {
			t.Fatalf("inside the window: %v, %v", tok, err)
		}
	}
	waitFor(t, func() bool { return ts.hits.Load() == 2 && src.cur.Load().tok.AccessToken == "tok-2" })
}

// clocked is a Source of 300s tokens on a fake clock, with its first token.
func clocked(t *testing.T) (*Source, *tokenServer, *fakeClock, Token) {
	t.Helper()
	clock := newFakeClock()
	src, ts, _ := setup(t, NitroJSON, okAnswer(300))
	clock.attach(src)
	first, err := src.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return src, ts, clock, first
}
