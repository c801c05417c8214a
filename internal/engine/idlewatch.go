package engine

import (
	"math/rand/v2"
	"runtime"
	"sync"
	"time"
)

// idleWatch ends the attempts of one Retry that have gone quiet
// for longer than its timeout: no answer yet, or no more of the body.
//
// It keeps one timer per shard for all of them rather than one per attempt.
// A runtime timer per call (made, reset on every body read, stopped) cost
// about 6% of a whole GetEnvelope against the in-process fake: timers live
// in the scheduler's heaps, which every scheduling decision consults. Here
// an attempt that begins or makes progress only records the time.
//
// One timeout serves every attempt, so an attempt that begins or reads can
// only move its own deadline later than the earliest one: a shard's timer,
// set for its earliest deadline, never has to be moved earlier. It fires,
// ends the attempts whose deadline has passed, and is set again for the
// earliest of the rest, if any. No goroutine waits between firings, so an
// idle Client holds none.
//
// Attempts are spread over shards at random, one per P at least, each with
// its own lock, list and timer: a runtime timer is a P's own, and one lock
// per Client would serialise every call's start and end across all cores.
// With one lock, 512 goroutines calling at once on 2 cores already spent a
// fifth of their lock waits on it.
//
// An attempt made inside a testing/synctest bubble gets a shard of its own,
// made on its goroutine: its timer then runs on the bubble's clock, and no
// shared shard's timer belongs to a bubble, whose timers must not be touched
// from outside it, nor stop when the bubble ends. A test may share a Client
// between bubbles and the world outside them.
//
// An idleWatch is safe for concurrent use.
type idleWatch struct {
	timeout time.Duration
	shards  []watchShard
	// sharedInBubble makes attempts in a bubble use the shared shards: a
	// seam for tests of the shared shards' timing, on the bubble's clock.
	sharedInBubble bool
}

// minWatchShards is the fewest shards a watch has, whatever GOMAXPROCS.
const minWatchShards = 4

// watchShard is one lock's share of a watch's attempts.
type watchShard struct {
	w       *idleWatch
	private bool // one bubbled attempt's own

	mu    sync.Mutex
	head  *attempt    // the watched attempts, a doubly linked list
	timer *time.Timer // made when first needed
	armed bool        // the timer is set to fire
	_     [64]byte    // a cache line between shards' locks
}

func newIdleWatch(timeout time.Duration) *idleWatch {
	w := &idleWatch{timeout: timeout}
	w.shards = make([]watchShard, max(minWatchShards, runtime.GOMAXPROCS(0)))
	for i := range w.shards {
		w.shards[i].w = w
	}
	return w
}

// processStart is the time progress is measured from. Package variables
// are set outside any synctest bubble, so it has a monotonic reading.
var processStart = time.Now()

// since is the time now, as a duration since processStart: outside a
// bubble, a monotonic clock read, cheaper than a wall clock one. Inside
// one, time starts at midnight UTC 2000-01-01, so it is negative: that is
// how add tells a bubble.
func since() time.Duration { return time.Since(processStart) }

// add watches a, from now.
func (w *idleWatch) add(a *attempt) {
	now := since()
	var s *watchShard
	if now < 0 && !w.sharedInBubble {
		s = &watchShard{w: w, private: true}
	} else {
		s = &w.shards[rand.N(len(w.shards))]
	}
	a.shard = s
	a.seen.Store(int64(now))
	s.mu.Lock()
	defer s.mu.Unlock()
	a.next, a.prev, a.watched = s.head, nil, true
	if s.head != nil {
		s.head.prev = a
	}
	s.head = a
	if !s.armed {
		s.arm(w.timeout)
	}
}

// remove stops watching a; it may already have been dropped by fire. A
// private shard's timer stops with its attempt, so that a bubble is not
// left with a timer of ours.
func (s *watchShard) remove(a *attempt) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.unlink(a)
	if s.private && s.timer != nil {
		s.timer.Stop()
		s.armed = false
	}
}

// progress records that a made progress now.
func (a *attempt) progress() { a.seen.Store(int64(since())) }

// unlink takes a off the list, if it is on it. s.mu is held.
func (s *watchShard) unlink(a *attempt) {
	if !a.watched {
		return
	}
	if a.prev != nil {
		a.prev.next = a.next
	} else {
		s.head = a.next
	}
	if a.next != nil {
		a.next.prev = a.prev
	}
	a.next, a.prev, a.watched = nil, nil, false
}

// arm sets the timer to fire after d. s.mu is held.
func (s *watchShard) arm(d time.Duration) {
	s.armed = true
	if s.timer == nil {
		s.timer = time.AfterFunc(d, s.fire)
		return
	}
	s.timer.Reset(d)
}

// fire ends every attempt quiet for the whole timeout and sets the timer
// for the earliest deadline of the rest. The attempts are ended after the
// lock is released: ending one runs its derived contexts' cancellation,
// which may call back into the attempt.
func (s *watchShard) fire() {
	var expired []*attempt
	s.mu.Lock()
	now := since()
	next := time.Duration(-1)
	for a := s.head; a != nil; {
		after := a.next
		switch left := time.Duration(a.seen.Load()) + s.w.timeout - now; {
		case left <= 0:
			s.unlink(a)
			expired = append(expired, a)
		case next < 0 || left < next:
			next = left
		}
		a = after
	}
	s.armed = false
	if next >= 0 {
		s.arm(next)
	}
	s.mu.Unlock()
	for _, a := range expired {
		a.expire()
	}
}
