package engine

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
	a := rt.begin(context.Background(), nil, 1, "GET")
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
	a := rt.begin(parent, nil, 1, "GET")
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

// detached is a context with its parent's values and none of its
// cancellation, as x/tools' xcontext.Detach makes: its Done is nil, yet its
// Value reaches a context that can end.
type detached struct{ parent context.Context }

func (detached) Deadline() (time.Time, bool) { return time.Time{}, false }
func (detached) Done() <-chan struct{}       { return nil }
func (detached) Err() error                  { return nil }
func (d detached) Value(k any) any           { return d.parent.Value(k) }

// TestAttemptUnderADetachedParent: Cause of an ended attempt, and of what
// derives from it, is its own, not that of a context its parent's values
// lead to; so only Background and TODO get the attempt's own cancellation.
func TestAttemptUnderADetachedParent(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		inbound, cancel := context.WithCancelCause(context.Background())
		cancel(errors.New("the inbound request finished"))
		rt := newTestRetry(nil, time.Hour, 0)
		a := rt.begin(detached{inbound}, nil, 1, "GET")
		child, stop := context.WithCancel(a)
		defer stop()
		a.stop()
		<-child.Done()
		if !errors.Is(context.Cause(a), context.Canceled) || !errors.Is(context.Cause(child), context.Canceled) {
			t.Errorf("Cause: attempt %v, child %v; want Canceled", context.Cause(a), context.Cause(child))
		}
	})
}

// TestAttemptWithoutAWatch: a Retry built without its watch sends
// attempts with no timeout of their own, and does not panic.
func TestAttemptWithoutAWatch(t *testing.T) {
	rt := &Retry{now: time.Now, timeout: time.Hour}
	a := rt.begin(context.Background(), nil, 1, "GET")
	if a.shard != nil || a.Context != context.Background() {
		t.Error("an attempt without a watch got one, or a context of its own")
	}
	a.stop()
}
