package nitro

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"
)

// TestOwnCancelIsAContext: an attempt under a parent that cannot end is a
// context of its own that behaves as context.WithCancel's would: Done, Err
// and Cause before and after it ends; contexts derived from it end with it;
// AfterFunc runs once, unless stopped; and derived contexts that end first
// leave nothing registered. In a synctest bubble, a context that never
// ends fails the test at once instead of hanging it.
func TestOwnCancelIsAContext(t *testing.T) { synctest.Test(t, testOwnCancelIsAContext) }

func testOwnCancelIsAContext(t *testing.T) {
	rt := newTestRetry(nil, time.Hour, 0)
	a := rt.begin(context.Background(), 1, "GET")
	if a.own.done == nil {
		t.Fatal("an attempt under context.Background has no cancellation of its own")
	}
	if a.Err() != nil || context.Cause(a) != nil {
		t.Fatalf("before it ends: Err %v, Cause %v; want nil", a.Err(), context.Cause(a))
	}
	for range 100 { // the transport's pattern: derive, then end first
		_, cancel := context.WithCancelCause(a)
		cancel(nil)
	}
	if n := len(a.own.funcs); n != 0 {
		t.Errorf("%d registrations left by derived contexts that ended", n)
	}

	child, cancelChild := context.WithCancel(a)
	defer cancelChild()
	ran := make(chan struct{})
	context.AfterFunc(a, func() { close(ran) })
	stopped := context.AfterFunc(a, func() { t.Error("a stopped AfterFunc ran") })
	if !stopped() {
		t.Error("stop before the end reported false")
	}

	a.stop()
	<-a.Done()
	<-child.Done()
	<-ran
	if !errors.Is(a.Err(), context.Canceled) || !errors.Is(context.Cause(a), context.Canceled) || !errors.Is(child.Err(), context.Canceled) {
		t.Errorf("after it ends: Err %v, Cause %v, child %v; want Canceled", a.Err(), context.Cause(a), child.Err())
	}
	late := make(chan struct{})
	if context.AfterFunc(a, func() { close(late) })() {
		t.Error("stop after the end reported true")
	}
	<-late
}

// TestAttemptUnderAParentThatEnds keeps the parent's cause: such an attempt
// is a context.WithCancel, not its own cancellation.
func TestAttemptUnderAParentThatEnds(t *testing.T) {
	synctest.Test(t, testAttemptUnderAParentThatEnds)
}

func testAttemptUnderAParentThatEnds(t *testing.T) {
	rt := newTestRetry(nil, time.Hour, 0)
	parent, cancel := context.WithCancelCause(context.Background())
	a := rt.begin(parent, 1, "GET")
	defer a.stop()
	if a.own.done != nil {
		t.Fatal("an attempt under a parent that can end uses its own cancellation")
	}
	why := errors.New("shutting down")
	cancel(why)
	<-a.Done()
	if !errors.Is(a.Err(), context.Canceled) || !errors.Is(context.Cause(a), why) {
		t.Errorf("Err %v, Cause %v; want Canceled and the parent's cause", a.Err(), context.Cause(a))
	}
}
