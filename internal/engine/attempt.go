package engine

import (
	"context"
	"io"
	"maps"
	"net/http"
	"net/http/httptrace"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nitrokit/nitro/auth"
	"github.com/nitrokit/nitro/internal/callctx"
	"github.com/nitrokit/nitro/internal/owned"
)

// attempt is one try of a request, built to cost few allocations, as every
// call makes one. It is the try's context: the caller's, cancelled when the
// Retry's idleWatch finds it quiet for the whole timeout (no
// answer, or no more of the body). Its Value answers attemptKey with
// itself, so layers below and the response can read the attempt number
// without a context.WithValue. Once the try has answered, it is also the
// response body, which records progress on each read and ends the try when
// closed.
type attempt struct {
	context.Context
	parent  context.Context
	n       int
	t       *Retry             // the call's, for Resend
	call    *Call              // the call's settings, or nil
	orig    *http.Request      // the request the retry layer was given
	req     *http.Request      // this attempt's copy of the request
	cancel  context.CancelFunc // when watched, unless own is used
	own     ownCancel          // when watched under Background or TODO
	seen    atomic.Int64       // the last progress, as since() reads it
	expired atomic.Bool        // ended by the watch
	wrote   atomic.Bool        // the request went out; set on the transport's goroutine
	body    io.ReadCloser
	once    sync.Once
	// afterRun: an earlier attempt of the call may have been carried out
	// (see mayHaveRun), so an answer that the resource is gone may be that
	// attempt's doing (see goneAfterRun).
	afterRun bool

	// The shard watching the attempt: nil when the caller's deadline comes
	// first. Its list links and on-list flag are guarded by its mutex.
	shard      *watchShard
	next, prev *attempt
	watched    bool
}

// ErrAttemptTimeout is the cause of an attempt that went quiet too long: a
// net.Error whose Timeout is true, like a dial's or a read's deadline.
var ErrAttemptTimeout error = attemptTimeout{}

type attemptTimeout struct{}

func (attemptTimeout) Error() string   { return "nitro: attempt timed out" }
func (attemptTimeout) Timeout() bool   { return true }
func (attemptTimeout) Temporary() bool { return true }

// begin starts attempt n of a request made under parent, for a call with
// settings c (nil for none).
//
// When the caller's deadline comes within the timeout, the timeout could
// never end the attempt first: however the time is spent, no wait can
// outlast what is left. The attempt then runs on the caller's context as it
// is, unwatched and without a context of its own, which saves five
// allocations per call. Otherwise it can be ended: by its own cancellation
// (ownCancel) under context.Background or context.TODO, else by
// context.WithCancel (see ownCancel for why not under any parent whose Done
// is nil).
func (t *Retry) begin(parent context.Context, c *Call, n int, method string) *attempt {
	a := &attempt{Context: parent, parent: parent, n: n, t: t}
	w, timeout := t.watchFor(c)
	if deadline, ok := parent.Deadline(); w != nil && (!ok || deadline.After(t.now().Add(timeout))) {
		if p := owned.Parent(parent); p == context.Background() || p == context.TODO() {
			a.own.init()
		} else {
			a.Context, a.cancel = context.WithCancel(parent)
		}
		w.add(a)
	}
	if !idempotentMethod(method) || method == http.MethodDelete {
		// Only these need to know whether the request went out before an
		// error (for a DELETE, whether it may have been carried out before
		// a retry found the resource gone); tracing costs every request a
		// little, so the rest skip it.
		a.Context = httptrace.WithClientTrace(a.Context, &httptrace.ClientTrace{WroteHeaders: a.markWrote})
	}
	return a
}

// watchFor is the watch and timeout of a call's attempts: the Client's, or
// for a call with a timeout of its own, a watch shared by every call with
// that timeout (one watch serves one timeout: see idleWatch). At most
// maxWatches such watches are kept: a caller deriving each call's timeout
// from a deadline would otherwise keep one per call for ever. When they
// are full they are dropped, all at once; the attempts they watch keep
// theirs until they end, and the next calls make new ones.
func (t *Retry) watchFor(c *Call) (*idleWatch, time.Duration) {
	if c == nil || c.Timeout <= 0 || c.Timeout == t.timeout || t.watch == nil {
		return t.watch, t.timeout
	}
	if w, ok := t.watches.Load(c.Timeout); ok {
		return w.(*idleWatch), c.Timeout
	}
	if t.nwatches.Add(1) > maxWatches {
		t.watches.Clear()
		t.nwatches.Store(1)
	}
	w, _ := t.watches.LoadOrStore(c.Timeout, newIdleWatch(c.Timeout))
	return w.(*idleWatch), c.Timeout
}

// maxWatches bounds the watches of calls' own timeouts a Retry keeps.
const maxWatches = 64

// idempotentMethod reports whether a method is safe to repeat by its
// definition (RFC 9110): every method but POST and PATCH.
func idempotentMethod(method string) bool {
	return method != http.MethodPost && method != http.MethodPatch
}

// request returns req for this attempt: one shallow copy on the attempt's
// context, with a header map of its own and a fresh body after the first
// attempt. The auth layer, told by Value (auth.HeaderOwnedKey) that the map
// is this request's, adds its field to it in place rather than copying the
// request once more.
//
// When keep is true and this is the first attempt of a request the module
// built (owned.NewRequest), the copy keeps req's map, which no caller holds;
// any other gets a map of its own, sharing the values, which no layer below
// changes. A retry never writes to a map an earlier attempt's transport may
// still read.
func (a *attempt) request(req *http.Request, keep bool) (*http.Request, error) {
	r := req.WithContext(a)
	if !keep || a.n > 1 || !owned.Owns(req) {
		r.Header = make(http.Header, len(req.Header)+1)
		maps.Copy(r.Header, req.Header)
	}
	if a.call != nil {
		maps.Copy(r.Header, a.call.Header) // the call's own fields win
	}
	a.req = r
	if a.n == 1 || req.Body == nil || req.Body == http.NoBody {
		return r, nil
	}
	body, err := req.GetBody()
	if err != nil {
		return nil, err
	}
	r.Body = body
	return r, nil
}

// Value answers attemptKey with the attempt; auth.SingleAttemptKey with
// true: this layer owns the call's retry budget, so a token fetch an attempt
// starts makes one token request, and its failure is judged here with the
// rest (shouldRetry); budgets do not multiply across layers;
// auth.HeaderOwnedKey with the attempt's request, whose header map is its
// own (see request); and callctx.Key with the attempt, which the code
// reading the answer asks to redact or to resend (see Resend).
func (a *attempt) Value(key any) any {
	switch key {
	case auth.SingleAttemptKey:
		return true
	case auth.HeaderOwnedKey:
		return a.req
	case callctx.Key:
		return a
	case callKey{}:
		// The call's settings, as the parent holds them (send read them
		// there): CallOf on any context derived from the attempt (an
		// Observer's, net/http's) stops here instead of walking the chain.
		return a.call
	}
	if _, ok := key.(attemptKey); ok {
		return a
	}
	return a.Context.Value(key)
}

func (a *attempt) markWrote() { a.wrote.Store(true) }

// timedOut reports whether the watch ended the attempt and the caller's
// context has not ended: when both have, the caller's reason comes first.
func (a *attempt) timedOut() bool {
	return a.expired.Load() && a.parent.Err() == nil
}

// expire ends the attempt for its silence; the watch calls it.
func (a *attempt) expire() {
	a.expired.Store(true)
	a.end()
}

// stop ends the attempt, and its watching.
func (a *attempt) stop() {
	a.once.Do(func() {
		if a.shard != nil {
			a.shard.remove(a)
			a.end()
		}
	})
}

// Read reads the response body, recording progress for the watch. A read
// the watch cut short fails with ErrAttemptTimeout. A read that ends the
// body records nothing: there is no more to wait for.
func (a *attempt) Read(p []byte) (int, error) {
	n, err := a.body.Read(p)
	if n > 0 && err == nil {
		a.progress()
	}
	if err != nil && err != io.EOF && a.timedOut() {
		err = ErrAttemptTimeout
	}
	return n, err
}

// Close closes the response body and ends the attempt.
func (a *attempt) Close() error {
	err := a.body.Close()
	a.stop()
	return err
}
