package auth

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nitrokit/nitro/internal/testkit/testlog"
)

const (
	testID     = "client-id"
	testSecret = "s3cr3t-VALUE/with:odd&chars"
)

var testCreds = Credentials{ClientID: testID, ClientSecret: testSecret}

// tokenServer is a real token endpoint on loopback whose answers a test
// scripts; it counts requests and keeps the last one.
type tokenServer struct {
	*httptest.Server
	hits atomic.Int64

	mu       sync.Mutex
	answer   func(n int64, w http.ResponseWriter, r *http.Request)
	lastReq  *http.Request
	lastBody []byte
}

// newTokenServer starts a token endpoint. answer defaults to okAnswer(3600).
func newTokenServer(t *testing.T, answer func(n int64, w http.ResponseWriter, r *http.Request)) *tokenServer {
	t.Helper()
	if answer == nil {
		answer = okAnswer(3600)
	}
	ts := &tokenServer{answer: answer}
	ts.Server = newLoopbackServer(ts)
	t.Cleanup(ts.Close)
	return ts
}

// newLoopbackServer serves ts's scripted answers over real loopback HTTP.
func newLoopbackServer(ts *tokenServer) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := ts.hits.Add(1)
		body, _ := io.ReadAll(r.Body)
		ts.mu.Lock()
		ts.lastReq, ts.lastBody = r, body
		answer := ts.answer
		ts.mu.Unlock()
		answer(n, w, r)
	}))
}

func (ts *tokenServer) setAnswer(a func(n int64, w http.ResponseWriter, r *http.Request)) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	ts.answer = a
}

func (ts *tokenServer) last() (*http.Request, []byte) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return ts.lastReq, ts.lastBody
}

// okAnswer answers RFC 6749 JSON with token "tok-<n>" valid for ttl seconds.
func okAnswer(ttl int) func(int64, http.ResponseWriter, *http.Request) {
	return func(n int64, w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"access_token": fmt.Sprintf("tok-%d", n), "token_type": "Bearer", "expires_in": ttl})
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// fakeClock is the Source's clock and timers in tests that move time.
type fakeClock struct {
	mu     sync.Mutex
	t      time.Time
	timers []*fakeTimer
}

type fakeTimer struct {
	when    time.Time
	f       func()
	stopped bool
}

func newFakeClock() *fakeClock { return &fakeClock{t: fakeStart} }

// attach makes c src's clock; call it before src's first fetch.
func (c *fakeClock) attach(src *Source) {
	src.now = c.Now
	src.since = c.Since
	src.afterFunc = c.AfterFunc
}

// Since is the time since the clock's start: the Source's monotonic clock.
func (c *fakeClock) Since() time.Duration { return c.Now().Sub(fakeStart) }

var fakeStart = time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) AfterFunc(d time.Duration, f func()) func() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	ft := &fakeTimer{when: c.t.Add(d), f: f}
	c.timers = append(c.timers, ft)
	return func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		was := ft.stopped
		ft.stopped = true
		return !was
	}
}

// Skip moves time forward without running any timer: timers that fall due
// are late, as under heavy load.
func (c *fakeClock) Skip(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// Advance moves time forward and runs, in order, the timers that fall due.
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	end := c.t.Add(d)
	c.mu.Unlock()
	for {
		c.mu.Lock()
		var next *fakeTimer
		for _, ft := range c.timers {
			if !ft.stopped && !ft.when.After(end) && (next == nil || ft.when.Before(next.when)) {
				next = ft
			}
		}
		if next == nil {
			c.t = end
			c.mu.Unlock()
			return
		}
		next.stopped = true
		if next.when.After(c.t) {
			c.t = next.when
		}
		c.mu.Unlock()
		next.f()
	}
}

// setup starts a token server and a Source on it with no real sleeping, and
// closes both when the test ends.
func setup(t *testing.T, flow func(url string) Flow, answer func(int64, http.ResponseWriter, *http.Request), opts ...Option) (*Source, *tokenServer, *testlog.Buffer) {
	t.Helper()
	ts := newTokenServer(t, answer)
	logs := &testlog.Buffer{}
	opts = append([]Option{WithLogger(logs.Logger())}, opts...)
	src, err := NewSource(flow(ts.URL+"/oauth/token"), testCreds, opts...)
	if err != nil {
		t.Fatal(err)
	}
	src.sleep = func(ctx context.Context, d time.Duration) error { return ctx.Err() }
	t.Cleanup(func() { src.Close() })
	return src, ts, logs
}

func rfc6749(url string) Flow { return ClientCredentials(url) }
