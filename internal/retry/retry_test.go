package retry

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestDelayIsBoundedAndJittered(t *testing.T) {
	b := Backoff{Base: 100 * time.Millisecond, Max: time.Second}
	for attempt := 1; attempt <= 40; attempt++ {
		want := min(b.Base<<min(attempt-1, 20), b.Max)
		seen := map[time.Duration]bool{}
		for range 50 {
			d := b.Delay(attempt, 0)
			if d < want/2 || d > want {
				t.Fatalf("Delay(%d) = %v, want within [%v, %v]", attempt, d, want/2, want)
			}
			seen[d] = true
		}
		if len(seen) < 2 {
			t.Errorf("Delay(%d) is not jittered: always %v", attempt, seen)
		}
	}
	if d := b.Delay(1, 5*time.Second); d != time.Second {
		t.Errorf("Retry-After beyond Max: got %v, want the cap %v", d, time.Second)
	}
	if d := b.Delay(1, 300*time.Millisecond); d != 300*time.Millisecond {
		t.Errorf("Retry-After is not honoured: got %v", d)
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		header string
		want   time.Duration
		ok     bool
	}{
		{"", 0, false},
		{"3", 3 * time.Second, true},
		{" 0 ", 0, true},
		{"-1", 0, false},
		{"soon", 0, false},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0, true},
		{"99999999999", 24 * time.Hour, true},
	}
	for _, tt := range tests {
		got, ok := RetryAfter(http.Header{"Retry-After": {tt.header}}, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("RetryAfter(%q) = %v, %v; want %v, %v", tt.header, got, ok, tt.want, tt.ok)
		}
	}
}

func TestSleepHonoursContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("Sleep on a cancelled context = %v, want context.Canceled", err)
	}
	if err := Sleep(context.Background(), time.Millisecond); err != nil {
		t.Errorf("Sleep = %v", err)
	}
}

// TestPollToleratesTransientFailures: a poll that fails transiently is
// polled again, up to MaxPollFailures in a row (a success in between starts
// the count again); a final failure ends the poll at once; a ctx that ends
// names where things stood and the last failure.
func TestPollToleratesTransientFailures(t *testing.T) {
	blip, bad := errors.New("503"), errors.New("404")
	transient := func(err error) bool { return err == blip }
	noSleep := func(ctx context.Context, _ time.Duration) error { return ctx.Err() }
	b := Backoff{Base: time.Millisecond, Max: time.Millisecond}
	run := func(ctx context.Context, script ...error) (int, error) {
		n := 0
		err := Poll(ctx, b, noSleep, transient, func(context.Context) (bool, string, error) {
			n++
			if n > len(script) {
				return true, "", nil
			}
			return false, fmt.Sprintf("at %d", n), script[n-1]
		})
		return n, err
	}
	if n, err := run(context.Background(), nil, blip, blip, nil, blip, blip, blip); err != nil || n != 8 {
		t.Errorf("blips between successes: %v after %d checks, want done after 8", err, n)
	}
	if n, err := run(context.Background(), blip, blip, blip, blip); err != blip || n != 4 {
		t.Errorf("four blips in a row: %v after %d checks, want the fourth blip", err, n)
	}
	if n, err := run(context.Background(), nil, bad); err != bad || n != 2 {
		t.Errorf("a final failure: %v after %d checks, want it at once", err, n)
	}
	if err := Poll(context.Background(), b, noSleep, nil, func(context.Context) (bool, string, error) { return false, "", blip }); err != blip {
		t.Errorf("no transient func: %v, want the first failure", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	err := Poll(ctx, b, func(ctx context.Context, _ time.Duration) error {
		if n == 2 {
			cancel()
		}
		return ctx.Err()
	}, transient, func(context.Context) (bool, string, error) {
		n++
		if n == 1 {
			return false, "status sent", nil
		}
		return false, "", blip
	})
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "status sent") || !strings.Contains(err.Error(), "503") {
		t.Errorf("ctx ended after a blip: %v, want the cancellation, the last status and the last failure", err)
	}
}

// TestOverflowingDelays: a Retry-After of more seconds than an int64 holds
// is the longest wait, not no wait; a huge base never overflows to zero.
func TestOverflowingDelays(t *testing.T) {
	h := http.Header{"Retry-After": {"99999999999999999999"}}
	if d, ok := RetryAfter(h, time.Now()); !ok || d != 24*time.Hour {
		t.Errorf("20 digits: %v, %v; want 24h", d, ok)
	}
	b := Backoff{Base: 5 * time.Hour, Max: 1 << 62}
	for n := 1; n <= 31; n++ {
		if d := b.Delay(n, 0); d < b.Base/2 {
			t.Errorf("retry %d: %v, below half the base", n, d)
		}
	}
}
