package auth

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"
)

// apiCall is a minimal stand-in for the API layer's retry loop: up to
// attempts tries through the Transport, stopping at once when the failure is
// not retryable, as the root package's loop must.
func apiCall(t *testing.T, src *Source, url string, attempts int, mark bool) error {
	t.Helper()
	c := &http.Client{Transport: src.Transport(nil)}
	var err error
	for range attempts {
		ctx := context.Background()
		if mark {
			ctx = SingleAttempt(ctx)
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		var resp *http.Response
		if resp, err = c.Do(req); err == nil {
			resp.Body.Close()
			return nil
		}
		if !IsRetryable(err) {
			return err
		}
	}
	return err
}

// TestOneBudgetPerCall: against a token endpoint answering 500, an API call
// of 4 attempts costs 4 token requests when each attempt is marked
// SingleAttempt, against 16 (4 x the default budget of 4) when not.
func TestOneBudgetPerCall(t *testing.T) {
	api, apiHits := apiServer(t, func(string) bool { return false })
	for _, tt := range []struct {
		mark bool
		want int64
	}{{true, 4}, {false, 16}} {
		src, ts, _ := setup(t, NitroJSON, status(500, `{"error":"server_error"}`))
		err := apiCall(t, src, api.URL, 4, tt.mark)
		var ae *Error
		if !errors.As(err, &ae) || !ae.Retryable {
			t.Fatalf("mark=%v: %v, want a retryable *Error", tt.mark, err)
		}
		if n := ts.hits.Load(); n != tt.want {
			t.Errorf("mark=%v: one API call made %d token requests, want %d", tt.mark, n, tt.want)
		}
	}
	if apiHits.Load() != 0 {
		t.Errorf("the API was called without a token")
	}
}

// TestSingleAttemptStopsAtOnceOnBadCredentials: a permanent failure costs
// one request and the loop stops; later marked calls hit the brief failure
// cache, not the endpoint.
func TestSingleAttemptStopsAtOnceOnBadCredentials(t *testing.T) {
	src, ts, _ := setup(t, NitroJSON, status(401, `{"error":"invalid_client"}`))
	api, _ := apiServer(t, func(string) bool { return false })
	for range 3 {
		if err := apiCall(t, src, api.URL, 4, true); IsRetryable(err) || err == nil {
			t.Fatalf("bad credentials: %v", err)
		}
	}
	if n := ts.hits.Load(); n != 1 {
		t.Errorf("3 API calls with a wrong secret made %d token requests, want 1", n)
	}
}

// TestBackgroundRefreshKeepsItsBudget: the token was first fetched under
// SingleAttempt, yet the early refresh, which nobody waits for, retries
// within WithRetryBudget.
func TestBackgroundRefreshKeepsItsBudget(t *testing.T) {
	clock := newFakeClock()
	src, ts, _ := setup(t, NitroJSON, okAnswer(300), WithRetryBudget(3))
	clock.attach(src)
	if _, err := src.Token(SingleAttempt(context.Background())); err != nil {
		t.Fatal(err)
	}
	ts.setAnswer(status(503, ""))
	// Exactly to the refresh time: the failed refresh's own retry comes at
	// least 125ms later and must not run inside this Advance.
	clock.Advance(240 * time.Second)
	waitFor(t, func() bool { return ts.hits.Load() == 4 && !src.cur.Load().trying.Load() })
	if tok, err := src.Token(SingleAttempt(context.Background())); err != nil || tok.AccessToken != "tok-1" {
		t.Errorf("the failed refresh cost the caller its token: %v, %v", tok, err)
	}
}
