package nitrotest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"testing/synctest"
	"time"
)

// TestFaultDelayHoldsTheRequest runs a delay fault on the bubble's clock:
// it holds the request exactly Delay, then serves it; a request given up
// during the wait ends at once, unanswered.
func TestFaultDelayHoldsTheRequest(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := httptest.NewRecorder()
		start := time.Now()
		_, answered := Fault{Delay: 150 * time.Millisecond}.apply(w, httptest.NewRequest(http.MethodGet, "/sign/envelopes", nil), nil)
		if d := time.Since(start); answered || d != 150*time.Millisecond {
			t.Errorf("after %v, answered %v; want 150ms, not answered", d, answered)
		}

		ctx, cancel := context.WithCancel(context.Background())
		r := httptest.NewRequestWithContext(ctx, http.MethodGet, "/sign/envelopes", nil)
		done := make(chan bool)
		go func() {
			_, answered := Fault{Delay: time.Hour}.apply(w, r, nil)
			done <- answered
		}()
		time.Sleep(time.Minute)
		cancel()
		synctest.Wait()
		select {
		case answered := <-done:
			if !answered || time.Since(start) != 150*time.Millisecond+time.Minute {
				t.Errorf("cancelled wait: answered %v after %v", answered, time.Since(start))
			}
		default:
			t.Error("a cancelled request still waits out its delay")
		}
		if w.Body.Len() != 0 {
			t.Errorf("a delay wrote %q", w.Body)
		}
	})
}
