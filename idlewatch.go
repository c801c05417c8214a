package nitro

import (
	"sync"
	"time"
)

// idleWatch ends the attempts of one retryTransport that have gone quiet
// for longer than its timeout: no answer yet, or no more of the body.
//
// It keeps one timer for all of them rather than one per attempt. A
// runtime timer per call (made, reset on every body read, stopped) cost
// about 6% of a whole GetEnvelope against the in-process fake: timers live in
// the scheduler's heaps, which every scheduling decision consults. Here an
// attempt that begins or makes progress only records the time.
//
// One timeout serves every attempt, so an attempt that begins or reads can
// only move its own deadline later than the earliest one: the timer, set for
// the earliest deadline, never has to be moved earlier. It fires, ends the
// attempts whose deadline has passed, and is set again for the earliest of
// the rest, if any. No goroutine waits between firings, so an idle Client
// holds none.
//
// An idleWatch is safe for concurrent use.
type idleWatch struct {
	timeout time.Duration
	epoch   time.Time // progress times are durations since epoch

	mu    sync.Mutex
	head  *attempt    // the watched attempts, a doubly linked list
	timer *time.Timer // made when first needed
	armed bool        // the timer is set to fire
}

func newIdleWatch(timeout time.Duration) *idleWatch {
	return &idleWatch{timeout: timeout, epoch: time.Now()}
}

// since is the time now, as a duration since the epoch: a monotonic clock
// read, cheaper than a wall clock one.
func (w *idleWatch) since() time.Duration { return time.Since(w.epoch) }

// add watches a, from now.
func (w *idleWatch) add(a *attempt) {
	a.seen.Store(int64(w.since()))
	w.mu.Lock()
	defer w.mu.Unlock()
	a.next, a.prev, a.watched = w.head, nil, true
	if w.head != nil {
		w.head.prev = a
	}
	w.head = a
	if !w.armed {
		w.arm(w.timeout)
	}
}

// remove stops watching a; it may already have been dropped by fire.
func (w *idleWatch) remove(a *attempt) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.unlink(a)
}

// unlink takes a off the list, if it is on it. w.mu is held.
func (w *idleWatch) unlink(a *attempt) {
	if !a.watched {
		return
	}
	if a.prev != nil {
		a.prev.next = a.next
	} else {
		w.head = a.next
	}
	if a.next != nil {
		a.next.prev = a.prev
	}
	a.next, a.prev, a.watched = nil, nil, false
}

// arm sets the timer to fire after d. w.mu is held.
func (w *idleWatch) arm(d time.Duration) {
	w.armed = true
	if w.timer == nil {
		w.timer = time.AfterFunc(d, w.fire)
		return
	}
	w.timer.Reset(d)
}

// fire ends every attempt quiet for the whole timeout and sets the timer
// for the earliest deadline of the rest. The attempts are cancelled after
// the lock is released: a cancel runs the context's children, which may
// call back into this attempt.
func (w *idleWatch) fire() {
	var expired []*attempt
	w.mu.Lock()
	now := w.since()
	next := time.Duration(-1)
	for a := w.head; a != nil; {
		after := a.next
		switch left := time.Duration(a.seen.Load()) + w.timeout - now; {
		case left <= 0:
			w.unlink(a)
			expired = append(expired, a)
		case next < 0 || left < next:
			next = left
		}
		a = after
	}
	w.armed = false
	if next >= 0 {
		w.arm(next)
	}
	w.mu.Unlock()
	for _, a := range expired {
		a.expire()
	}
}
