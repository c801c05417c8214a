// Package retry holds the pieces every retry loop in this module shares:
// jittered exponential backoff, Retry-After parsing and a context-aware
// sleep. Policy (what to retry) stays with each caller.
package retry

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Backoff is a bounded, jittered exponential backoff. The zero value is not
// useful; set both fields.
type Backoff struct {
	// Base is the delay before the first retry, before jitter.
	Base time.Duration
	// Max caps every delay, Retry-After included.
	Max time.Duration
}

// Delay returns the delay before retry number attempt (1 for the first
// retry). A positive retryAfter, as the server asked, wins over the
// exponential schedule; either is capped at Max. The exponential delay uses
// "equal jitter": half fixed, half random, so concurrent clients spread out
// without any of them retrying at once.
func (b Backoff) Delay(attempt int, retryAfter time.Duration) time.Duration {
	if retryAfter > 0 {
		return min(retryAfter, b.Max)
	}
	d := b.Max
	if attempt >= 1 && attempt < 32 && b.Base <= b.Max>>(attempt-1) {
		d = b.Base << (attempt - 1) // at most Max, by the guard: no shift overflows
	}
	if d <= 0 {
		return 0
	}
	half := d / 2
	return half + rand.N(d-half+1)
}

// RetryAfter parses a Retry-After header, in delay-seconds or as an
// HTTP-date relative to now. It reports false when the header is absent or
// unusable; a date in the past is a zero delay.
func RetryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	const most = 24 * time.Hour
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		return time.Duration(min(secs, int64(most/time.Second))) * time.Second, true
	} else if errors.Is(err, strconv.ErrRange) && v[0] != '-' {
		return most, true // more seconds than an int64 holds: as long as any
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(t.Sub(now), 0), true
}

// Sleep waits for d or until ctx is done, whichever is first, and returns
// ctx's error in the latter case.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// Poll calls check until it reports done or fails, sleeping between calls
// with b's jittered backoff (b.Delay(n, 0) after call n) through sleep, which
// returns early with ctx's error when ctx ends. It returns check's error, or
// sleep's wrapped with what the last check said (last), so a caller that
// gives up knows where things stood.
//
// A check that fails with an error transient calls worth another try (the
// API unavailable for the whole of one call's retry budget, say) does not
// end the poll: it is polled again after the backoff, up to
// MaxPollFailures times in a row; the next such failure is the error. A
// transient nil treats every failure as final.
func Poll(ctx context.Context, b Backoff, sleep func(context.Context, time.Duration) error, transient func(error) bool, check func(context.Context) (done bool, last string, err error)) error {
	last := "nitro: polling"
	var failed error // the failures in a row so far, the last of them
	failures := 0
	for n := 1; ; n++ {
		done, now, err := check(ctx)
		switch {
		case err == nil && done:
			return nil
		case err == nil:
			last, failed, failures = now, nil, 0
		case ctx.Err() == nil && transient != nil && transient(err) && failures < MaxPollFailures:
			failed = err
			failures++
		default:
			return err
		}
		if err := sleep(ctx, b.Delay(n, 0)); err != nil {
			if failed != nil {
				return fmt.Errorf("%s (the last poll failed: %v): %w", last, failed, err)
			}
			return fmt.Errorf("%s: %w", last, err)
		}
	}
}

// MaxPollFailures is how many polls in a row Poll lets fail transiently.
const MaxPollFailures = 3
