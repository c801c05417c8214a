package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/nitrokit/nitro/internal/retry"
)

// pipeListener is a net.Listener of in-memory connections, so that an
// http.Server and an http.Transport can talk real HTTP inside a synctest
// bubble, where the clock is fake and a loopback socket is not allowed.
type pipeListener struct {
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
}

func (l *pipeListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *pipeListener) Close() error   { l.once.Do(func() { close(l.done) }); return nil }
func (l *pipeListener) Addr() net.Addr { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)} }

func (l *pipeListener) dial(ctx context.Context, _, _ string) (net.Conn, error) {
	client, server := net.Pipe()
	select {
	case l.conns <- server:
		return client, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// pipeTransport serves h over in-memory connections until the test ends.
func pipeTransport(t *testing.T, h http.HandlerFunc) *http.Transport {
	l := &pipeListener{conns: make(chan net.Conn), done: make(chan struct{})}
	srv := &http.Server{Handler: h}
	go srv.Serve(l)
	tr := &http.Transport{DialContext: l.dial}
	t.Cleanup(func() {
		tr.CloseIdleConnections()
		srv.Close()
	})
	return tr
}

func newTestRetry(next http.RoundTripper, timeout time.Duration, retries int) *Retry {
	return New(Config{Next: next, MaxRetries: retries, Timeout: timeout, Policy: testPolicy(),
		Log: slog.New(slog.DiscardHandler), Redact: func(s string) string { return s }})
}

// testPolicy retries every failure and every 429 or 5xx, whatever the
// method: the engine's tests are of its mechanism, package nitro's of its
// policy.
func testPolicy() Policy {
	return Policy{
		Judge: func(j Judged) Verdict {
			if j.Err != nil || j.Resp.StatusCode == http.StatusTooManyRequests || j.Resp.StatusCode >= 500 {
				return Verdict{Outcome: Retryable, Retry: true}
			}
			return Verdict{Outcome: NotDone}
		},
		Fail: func(err error, attempts int, _ Outcome) error {
			if attempts > 1 {
				return fmt.Errorf("after %d attempts: %w", attempts, err)
			}
			return err
		},
		Refuse: func(resp *http.Response) error {
			drain(resp)
			return fmt.Errorf("HTTP %d", resp.StatusCode)
		},
		Repeatable: func(req *http.Request, c *Call) bool {
			return idempotentMethod(req.Method) || (c != nil && c.Idempotent)
		},
		Backoff: retry.Backoff{Base: time.Millisecond, Max: time.Millisecond},
	}
}

// TestIdleTimeout: an attempt ends when the answer, or the next piece of
// its body, takes longer than the timeout, and not before; a body that keeps
// flowing is never cut, however long it takes in all.
func TestIdleTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tr := pipeTransport(t, func(w http.ResponseWriter, r *http.Request) {
			switch r.URL.Path {
			case "/slow-headers":
				time.Sleep(2 * time.Second)
			case "/stall":
				w.Write([]byte("abc"))
				w.(http.Flusher).Flush()
				<-r.Context().Done()
			case "/trickle":
				for range 10 {
					w.Write([]byte("x"))
					w.(http.Flusher).Flush()
					time.Sleep(900 * time.Millisecond)
				}
			}
		})
		rt := newTestRetry(tr, time.Second, 1)
		get := func(path string) (*http.Response, error) {
			req, _ := http.NewRequest(http.MethodGet, "http://fake"+path, nil)
			return rt.RoundTrip(req)
		}

		start := time.Now()
		if _, err := get("/slow-headers"); !errors.Is(err, ErrAttemptTimeout) || !strings.Contains(err.Error(), "after 2 attempts") {
			t.Errorf("slow headers: %v, want two timed-out attempts", err)
		}
		if d := time.Since(start); d < 2*time.Second || d > 2*time.Second+10*time.Millisecond {
			t.Errorf("two timed-out attempts took %v, want 2s and the backoff", d)
		}

		resp, err := get("/stall")
		if err != nil {
			t.Fatal(err)
		}
		start = time.Now()
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(body) != "abc" || !errors.Is(err, ErrAttemptTimeout) || time.Since(start) != time.Second {
			t.Errorf("stalled body: %q, %v after %v; want abc, then the attempt's timeout after 1s", body, err, time.Since(start))
		}

		// Under a caller's deadline within the timeout, the deadline rules;
		// under a later one, the timeout still does.
		for _, tt := range []struct {
			deadline, took time.Duration
			want           error
		}{{500 * time.Millisecond, 500 * time.Millisecond, context.DeadlineExceeded}, {time.Hour, 2 * time.Second, ErrAttemptTimeout}} {
			ctx, cancel := context.WithTimeout(context.Background(), tt.deadline)
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://fake/slow-headers", nil)
			start = time.Now()
			_, err := rt.RoundTrip(req)
			cancel()
			if d := time.Since(start); !errors.Is(err, tt.want) || d < tt.took || d > tt.took+10*time.Millisecond {
				t.Errorf("deadline %v: %v after %v, want %v after %v (and the backoff)", tt.deadline, err, d, tt.want, tt.took)
			}
		}

		resp, err = get("/trickle")
		if err != nil {
			t.Fatal(err)
		}
		body, err = io.ReadAll(resp.Body)
		resp.Body.Close()
		if len(body) != 10 || err != nil {
			t.Errorf("a body that keeps flowing for 9s was cut: %d bytes, %v", len(body), err)
		}
	})
}

// TestFirstBodyWaitCountsFromTheAnswer: each wait for the body, the first
// included, counts from the last sign of life: here the answer at 0.9s,
// then the body 0.2s later, under a 1s timeout.
func TestFirstBodyWaitCountsFromTheAnswer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tr := pipeTransport(t, func(w http.ResponseWriter, r *http.Request) {
			time.Sleep(900 * time.Millisecond)
			w.WriteHeader(http.StatusOK)
			w.(http.Flusher).Flush()
			time.Sleep(200 * time.Millisecond)
			w.Write([]byte("body"))
		})
		rt := newTestRetry(tr, time.Second, 0)
		req, _ := http.NewRequest(http.MethodGet, "http://fake/", nil)
		resp, err := rt.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if body, err := io.ReadAll(resp.Body); string(body) != "body" || err != nil {
			t.Errorf("body %q, %v; want it whole: no wait was longer than 0.9s", body, err)
		}
	})
}

// TestCallTimeoutOverridesTheClients: a call with a timeout of its own
// (nitro.WithAttemptTimeout) is watched on that timeout, shorter or longer
// than the Client's, on a watch shared by the calls with that timeout.
func TestCallTimeoutOverridesTheClients(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tr := pipeTransport(t, func(w http.ResponseWriter, r *http.Request) {
			time.Sleep(2 * time.Second)
		})
		rt := newTestRetry(tr, time.Hour, 0)
		get := func(timeout time.Duration) (time.Duration, error) {
			c := NewCall()
			c.Timeout = timeout
			req, _ := http.NewRequestWithContext(WithCall(context.Background(), c), http.MethodGet, "http://fake/", nil)
			start := time.Now()
			resp, err := rt.RoundTrip(req)
			if err == nil {
				resp.Body.Close()
			}
			return time.Since(start), err
		}
		if d, err := get(time.Second); !errors.Is(err, ErrAttemptTimeout) || d != time.Second {
			t.Errorf("a 1s call timeout under a 1h Client's: %v after %v", err, d)
		}
		if d, err := get(3 * time.Second); err != nil || d != 2*time.Second {
			t.Errorf("a 3s call timeout: %v after %v, want the answer after 2s", err, d)
		}
		if _, err := get(time.Second); !errors.Is(err, ErrAttemptTimeout) {
			t.Errorf("a second 1s call: %v", err)
		}
		n := 0
		rt.watches.Range(func(_, _ any) bool { n++; return true })
		if n != 2 {
			t.Errorf("%d watches for two timeouts", n)
		}
		time.Sleep(2 * time.Second) // the last handler's sleep ends (on the bubble's clock)
	})
}

// TestCallTimeoutsKeepBoundedWatches: calls with ever new timeouts of their
// own (derived from a deadline, say) keep at most maxWatches watches.
func TestCallTimeoutsKeepBoundedWatches(t *testing.T) {
	rt := newTestRetry(nil, time.Hour, 0)
	for i := range 10 * maxWatches {
		c := NewCall()
		c.Timeout = time.Second + time.Duration(i)
		a := rt.begin(context.Background(), c, 1, "GET")
		a.stop()
	}
	n := 0
	rt.watches.Range(func(_, _ any) bool { n++; return true })
	if n > maxWatches {
		t.Fatalf("%d watches kept, want at most %d", n, maxWatches)
	}
}
