package nitro

import (
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
		start := time.Now()
		var mu sync.Mutex
		ended := map[string]time.Duration{}
		watch := func(name string) *attempt {
			a := &attempt{watch: w, cancel: func() {
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
		b.seen.Store(int64(w.since())) // progress at 0.8s
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

// TestIdleWatchExpiredIsTimedOut: only the watch's ending is a timeout,
// and not when the caller ended the attempt first.
func TestIdleWatchExpiredIsTimedOut(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rt := newTestRetry(nil, time.Second, 0)
		a := rt.begin(t.Context(), 1, "GET")
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
