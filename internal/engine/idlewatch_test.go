package engine

import (
	"errors"
	"net/http"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// TestIdleWatchEndsEachAttemptOnItsOwnDeadline: attempts that begin at
// different times, or make progress, each end exactly one timeout after
// their last sign of life, on the one shared timer; a stopped attempt never
// ends by the watch; and once none is left, the timer is not set again.
func TestIdleWatchEndsEachAttemptOnItsOwnDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newIdleWatch(time.Second)
		w.sharedInBubble = true
		start := time.Now()
		var mu sync.Mutex
		ended := map[string]time.Duration{}
		watch := func(name string) *attempt {
			a := &attempt{cancel: func() {
				mu.Lock()
				defer mu.Unlock()
				ended[name] = time.Since(start)
			}}
			w.add(a)
			return a
		}

		watch("a")
		time.Sleep(500 * time.Millisecond)
		b := watch("b")
		stopped := watch("stopped")
		time.Sleep(300 * time.Millisecond)
		b.progress() // at 0.8s
		stopped.stop()
		time.Sleep(5 * time.Second)
		synctest.Wait()

		mu.Lock()
		defer mu.Unlock()
		want := map[string]time.Duration{"a": time.Second, "b": 1800 * time.Millisecond, "stopped": 800 * time.Millisecond}
		for name, at := range want {
			if ended[name] != at {
				t.Errorf("%s ended at %v, want %v", name, ended[name], at)
			}
		}
		for i := range w.shards {
			s := &w.shards[i]
			s.mu.Lock()
			if s.armed || s.head != nil {
				t.Errorf("with nothing to watch, shard %d: armed=%v, list=%v; want the timer off and the list empty", i, s.armed, s.head != nil)
			}
			s.mu.Unlock()
		}
	})
}

// hangOrAnswer answers at once, but holds a request for /hang until its
// attempt ends.
var hangOrAnswer = roundTripFunc(func(r *http.Request) (*http.Response, error) {
	if r.URL.Path == "/hang" {
		<-r.Context().Done()
		return nil, r.Context().Err()
	}
	return &http.Response{StatusCode: http.StatusOK, Header: http.Header{}, Body: http.NoBody, Request: r}, nil
})

func roundTrip(t *testing.T, rt *Retry, path string) error {
	req, _ := http.NewRequest(http.MethodGet, "https://api.example"+path, nil)
	resp, err := rt.RoundTrip(req)
	if err == nil {
		resp.Body.Close()
	}
	return err
}

// TestIdleWatchAcrossBubbles: a transport shared between the world outside
// testing/synctest bubbles and bubbles, in either order, times each attempt
// out on its own goroutine's clock. No shared shard's timer comes from a
// bubble: such a timer would stop when its bubble ends, and touching it
// from outside is a fatal error.
func TestIdleWatchAcrossBubbles(t *testing.T) {
	bubble := func(rt *Retry) {
		synctest.Test(t, func(t *testing.T) {
			start := time.Now()
			if err := roundTrip(t, rt, "/hang"); !errors.Is(err, ErrAttemptTimeout) || time.Since(start) != time.Hour {
				t.Errorf("in a bubble: %v after %v, want the attempt's timeout after 1h", err, time.Since(start))
			}
			for range 50 {
				if err := roundTrip(t, rt, "/ok"); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
	outside := func(rt *Retry) {
		for range 50 {
			if err := roundTrip(t, rt, "/ok"); err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Run("bubble first", func(t *testing.T) {
		rt := newTestRetry(hangOrAnswer, time.Hour, 0)
		bubble(rt)
		for i := range rt.watch.shards {
			if s := &rt.watch.shards[i]; s.timer != nil || s.head != nil {
				t.Errorf("shard %d was used in a bubble", i)
			}
		}
		outside(rt)
	})
	t.Run("outside first", func(t *testing.T) {
		rt := newTestRetry(hangOrAnswer, time.Hour, 0)
		outside(rt)
		bubble(rt)
		outside(rt)
	})
}

// TestIdleWatchExpiredIsTimedOut: only the watch's ending is a timeout,
// and not when the caller ended the attempt first.
func TestIdleWatchExpiredIsTimedOut(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rt := newTestRetry(nil, time.Second, 0)
		a := rt.begin(t.Context(), nil, 1, "GET")
		if a.timedOut() {
			t.Fatal("a fresh attempt is timed out")
		}
		time.Sleep(time.Second)
		synctest.Wait()
		if !a.timedOut() || a.Err() == nil {
			t.Errorf("after the timeout: timedOut=%v, Err=%v; want true and a cancelled context", a.timedOut(), a.Err())
		}
		a.stop()
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
