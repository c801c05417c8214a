package auth

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestColdStartThousandCallersOneRequest(t *testing.T) {
	release := make(chan struct{})
	src, ts, _ := setup(t, NitroJSON, func(n int64, w http.ResponseWriter, r *http.Request) {
		<-release // hold the fetch until every caller is waiting
		okAnswer(3600)(n, w, r)
	})
	const callers = 1000
	var wg sync.WaitGroup
	errs := make(chan error, callers)
	for range callers {
		wg.Go(func() {
			tok, err := src.Token(context.Background())
			if err == nil && tok.AccessToken != "tok-1" {
				err = errors.New("got " + tok.AccessToken)
			}
			errs <- err
		})
	}
	waitFor(t, func() bool { return src.waits.Load() == callers })
	close(release)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := ts.hits.Load(); n != 1 {
		t.Errorf("%d callers at cold start made %d token requests, want 1", callers, n)
	}
}

func TestCachedTokenIsReused(t *testing.T) {
	src, ts, _ := setup(t, NitroJSON, nil)
	for range 100 {
		if _, err := src.Token(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if n := ts.hits.Load(); n != 1 {
		t.Errorf("100 calls made %d token requests, want 1", n)
	}
}

func TestCancelledCallerLeavesFetchRunning(t *testing.T) {
	release := make(chan struct{})
	src, ts, _ := setup(t, NitroJSON, func(n int64, w http.ResponseWriter, r *http.Request) {
		<-release
		okAnswer(3600)(n, w, r)
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() {
		_, err := src.Token(ctx)
		done <- err
	}()
	waitFor(t, func() bool { return ts.hits.Load() != 0 })
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled caller got %v, want context.Canceled", err)
	}
	close(release) // the detached fetch completes and fills the cache
	tok, err := src.Token(context.Background())
	if err != nil || tok.AccessToken != "tok-1" {
		t.Fatalf("after the cancelled wait: %v, %v", tok, err)
	}
	if n := ts.hits.Load(); n != 1 {
		t.Errorf("token requests = %d, want 1: the cancelled caller's fetch must be reused", n)
	}
}

func TestFetchTimeoutBoundsTheSharedFetch(t *testing.T) {
	src, _, _ := setup(t, NitroJSON, func(n int64, w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}, WithFetchTimeout(50*time.Millisecond), WithRetryBudget(1))
	_, err := src.Token(context.Background())
	var ae *Error
	if !errors.As(err, &ae) || !ae.Retryable || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Token with a hanging endpoint = %v, want a retryable *Error wrapping DeadlineExceeded", err)
	}
}

func TestRefreshAhead(t *testing.T) {
	clock := newFakeClock()
	src, ts, _ := setup(t, NitroJSON, okAnswer(300))
	clock.attach(src)
	first, err := src.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// 300s token: the window is 20% = 60s. Before it, no refresh.
	clock.Advance(239 * time.Second)
	if tok, _ := src.Token(context.Background()); tok.AccessToken != first.AccessToken || ts.hits.Load() != 1 {
		t.Fatalf("before the window: token %v, %d requests", tok, ts.hits.Load())
	}
	// Inside the window: callers get the current token at once while one
	// refresh runs in the background.
	blockedBefore := src.waits.Load()
	clock.Advance(2 * time.Second)
	for range 50 {
		tok, err := src.Token(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if tok.AccessToken != first.AccessToken && tok.AccessToken != "tok-2" {
			t.Fatalf("unexpected token %v", tok)
		}
	}
	waitFor(t, func() bool { return src.cur.Load().tok.AccessToken == "tok-2" })
	if n := ts.hits.Load(); n != 2 {
		t.Errorf("token requests = %d, want 2 (one refresh in the window)", n)
	}
	if b := src.waits.Load() - blockedBefore; b != 0 {
		t.Errorf("%d callers blocked during the refresh, want 0", b)
	}
}

func TestFailedEarlyRefreshIsNotAnOutage(t *testing.T) {
	clock := newFakeClock()
	src, ts, logs := setup(t, NitroJSON, okAnswer(300), WithRetryBudget(1))
	clock.attach(src)
	if _, err := src.Token(context.Background()); err != nil {
		t.Fatal(err)
	}
	ts.setAnswer(func(_ int64, w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusServiceUnavailable) })
	clock.Advance(250 * time.Second) // in the window, 50s before expiry
	for i := range 40 {
		if _, err := src.Token(context.Background()); err != nil {
			t.Fatalf("call %d inside the window failed while the token was valid: %v", i, err)
		}
		waitFor(t, func() bool { return !src.cur.Load().trying.Load() })
		clock.Advance(time.Second)
	}
	if n := ts.hits.Load(); n < 3 || n > 20 {
		t.Errorf("token requests = %d: want a few backed-off refresh attempts, not one per call", n)
	}
	if !strings.Contains(logs.String(), "early token refresh failed") {
		t.Errorf("the failed refresh is not logged:\n%s", logs)
	}
	// Once the endpoint recovers, the next attempt replaces the token.
	ts.setAnswer(okAnswer(300))
	clock.Advance(30 * time.Second)
	waitFor(t, func() bool {
		src.Token(context.Background())
		return src.cur.Load() != nil && src.cur.Load().tok.Expiry.After(clock.Now().Add(200*time.Second))
	})
}

func TestExpiredTokenIsFetchedAgain(t *testing.T) {
	clock := newFakeClock()
	src, ts, _ := setup(t, NitroJSON, okAnswer(60))
	clock.attach(src)
	src.Token(context.Background())
	clock.Advance(61 * time.Second)
	tok, err := src.Token(context.Background())
	if err != nil || tok.AccessToken != "tok-2" || ts.hits.Load() != 2 {
		t.Fatalf("after expiry: %v, %v, %d requests", tok, err, ts.hits.Load())
	}
}

func TestInvalidateIsCompareAndSwap(t *testing.T) {
	src, ts, _ := setup(t, NitroJSON, nil)
	tok, _ := src.Token(context.Background())
	src.Invalidate("someone-elses-token")
	if src.cur.Load() == nil {
		t.Fatal("Invalidate dropped a token that was not rejected")
	}
	src.Invalidate("Bearer " + tok.AccessToken)
	src.Invalidate(tok.AccessToken) // a second 401 for the same token
	tok2, _ := src.Token(context.Background())
	src.Invalidate(tok.AccessToken) // a late 401 for the old token
	tok3, _ := src.Token(context.Background())
	if tok2.AccessToken != "tok-2" || tok3.AccessToken != "tok-2" || ts.hits.Load() != 2 {
		t.Errorf("got %s then %s with %d requests; want tok-2 twice and 2 requests", tok2.AccessToken, tok3.AccessToken, ts.hits.Load())
	}
}

func TestPermanentFailureIsCachedBriefly(t *testing.T) {
	clock := newFakeClock()
	src, ts, _ := setup(t, NitroJSON, func(_ int64, w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client"})
	})
	clock.attach(src)
	for range 100 {
		if _, err := src.Token(context.Background()); err == nil {
			t.Fatal("bad credentials gave a token")
		}
	}
	if n := ts.hits.Load(); n != 1 {
		t.Errorf("100 calls with bad credentials made %d requests, want 1", n)
	}
	clock.Advance(6 * time.Second)
	src.Token(context.Background())
	if n := ts.hits.Load(); n != 2 {
		t.Errorf("after the failure expired: %d requests, want 2", n)
	}
}

func TestClose(t *testing.T) {
	release := make(chan struct{})
	src, _, _ := setup(t, NitroJSON, func(n int64, w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	defer close(release)
	done := make(chan error)
	go func() { _, err := src.Token(context.Background()); done <- err }()
	waitFor(t, func() bool { return src.waits.Load() == 1 })
	if err := src.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; !errors.Is(err, ErrClosed) {
		t.Errorf("waiting caller got %v, want ErrClosed", err)
	}
	if _, err := src.Token(context.Background()); !errors.Is(err, ErrClosed) {
		t.Errorf("Token after Close = %v, want ErrClosed", err)
	}
	req, _ := http.NewRequest(http.MethodGet, "https://api.example/x", nil)
	if err := src.RequestEditor(context.Background(), req); !errors.Is(err, ErrClosed) {
		t.Errorf("RequestEditor after Close = %v, want ErrClosed", err)
	}
	if err := src.Close(); err != nil {
		t.Errorf("second Close = %v", err)
	}
}

// waitFor polls until cond holds: for a background fetch over real
// loopback HTTP, which a synctest bubble cannot wait for (network I/O never
// blocks durably). No assertion depends on how long it takes; the deadline
// only ends a broken test, and is generous for a machine at load 10.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached in 30s")
		}
		time.Sleep(time.Millisecond)
	}
}
