package engine

import (
	"context"
	"slices"
	"sync"
)

// ownCancel is the cancellation of an attempt under context.Background or
// context.TODO (the caller's own, under the mark owned.NewRequest puts on
// it).
//
// It replaces a context.WithCancel, which for every call cost a cancelCtx,
// and a children map with an insert and a delete when the transport derives
// its own context from the attempt's: 2.5% of a whole GetEnvelope's CPU on
// the in-process fake. Here the attempt is the context, with a channel of
// its own; a context derived from it (the transport's) registers through
// AfterFunc, the hook the context package offers to contexts that are not
// its own.
//
// Under any other parent the attempt uses context.WithCancel all the same:
// context.Cause finds a cause through a key only the context package's own
// types answer, and which Value passes on to the parent. Under a parent
// that can end, a context of ours would hide the parent's cause; and a
// parent whose Done is nil may still lead there through its values (a
// detached context does), so that Cause would report a cause from outside
// the attempt. Background and TODO lead nowhere: Cause falls back to Err,
// which ownCancel answers.
//
// It lives inside the attempt, and holds one registration (the transport's)
// without an allocation of its own. Its zero value is unused: done is nil.
type ownCancel struct {
	done chan struct{}

	mu     sync.Mutex
	err    error      // context.Canceled once ended
	funcs  []afterReg // AfterFunc registrations not yet run or stopped
	buf    [1]afterReg
	lastID uint64
}

func (o *ownCancel) init() {
	o.done = make(chan struct{})
	o.funcs = o.buf[:0]
}

// afterReg is one AfterFunc registration.
type afterReg struct {
	id uint64
	f  func()
}

// Done is the attempt's own channel, or its parent's.
func (a *attempt) Done() <-chan struct{} {
	if a.own.done == nil {
		return a.Context.Done()
	}
	return a.own.done
}

// Err is context.Canceled once the attempt has ended, else nil; or its
// parent's.
func (a *attempt) Err() error {
	if a.own.done == nil {
		return a.Context.Err()
	}
	a.own.mu.Lock()
	defer a.own.mu.Unlock()
	return a.own.err
}

// AfterFunc arranges for f to run once the attempt has ended, as
// context.AfterFunc does; the context package calls it to tie a derived
// context to the attempt. The returned stop reports whether it stopped f
// from running.
func (a *attempt) AfterFunc(f func()) (stop func() bool) {
	if a.own.done == nil {
		return context.AfterFunc(a.Context, f)
	}
	o := &a.own
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.err != nil {
		go f() // as context.AfterFunc does for a context already done
		return func() bool { return false }
	}
	o.lastID++
	id := o.lastID
	o.funcs = append(o.funcs, afterReg{id, f})
	return func() bool { return o.unregister(id) }
}

// unregister drops registration id, reporting whether it was still there.
func (o *ownCancel) unregister(id uint64) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	i := slices.IndexFunc(o.funcs, func(r afterReg) bool { return r.id == id })
	if i < 0 {
		return false
	}
	o.funcs = slices.Delete(o.funcs, i, i+1)
	return true
}

// end cancels the attempt's context, once. The registered functions run
// after the lock is released: a derived context's cancel asks Err.
func (a *attempt) end() {
	if a.own.done == nil {
		a.cancel()
		return
	}
	o := &a.own
	o.mu.Lock()
	if o.err != nil {
		o.mu.Unlock()
		return
	}
	o.err = context.Canceled
	close(o.done)
	funcs := o.funcs
	o.funcs = nil
	o.mu.Unlock()
	for _, r := range funcs {
		r.f()
	}
}
