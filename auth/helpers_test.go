package auth

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
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
	ts.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := ts.hits.Add(1)
		body, _ := io.ReadAll(r.Body)
		ts.mu.Lock()
		ts.lastReq, ts.lastBody = r, body
		answer := ts.answer
		ts.mu.Unlock()
		answer(n, w, r)
	}))
	t.Cleanup(ts.Close)
	return ts
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

// fakeClock is the Source's clock in tests that move time.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{t: time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// logBuffer collects log lines safely across goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// setup starts a token server and a Source on it with no real sleeping, and
// closes both when the test ends.
func setup(t *testing.T, flow func(url string) Flow, answer func(int64, http.ResponseWriter, *http.Request), opts ...Option) (*Source, *tokenServer, *logBuffer) {
	t.Helper()
	ts := newTokenServer(t, answer)
	logs := &logBuffer{}
	opts = append([]Option{WithLogger(slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})))}, opts...)
	src, err := NewSource(flow(ts.URL+"/oauth/token"), testCreds, opts...)
	if err != nil {
		t.Fatal(err)
	}
	src.sleep = func(ctx context.Context, d time.Duration) error { return ctx.Err() }
	t.Cleanup(func() { src.Close() })
	return src, ts, logs
}

func rfc6749(url string) Flow { return ClientCredentials(url) }
