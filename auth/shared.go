package auth

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
)

// errStore marks a failed or timed-out store call: the Source then fetches
// on its own.
var errStore = errors.New("token store unavailable")

// obtain gets a new token: through the shared store when there is one,
// else (or when the store fails) from the token endpoint.
func (s *Source) obtain(ctx context.Context, seen *entry) (*entry, error) {
	if s.opts.store == nil {
		return s.fetch(ctx)
	}
	st := &storeRun{s: s}
	e, err := st.viaStore(ctx, seen)
	if errors.Is(err, errStore) {
		s.log.Warn("auth: token store unavailable; fetching the token without it", "error", err)
		return s.fetch(ctx)
	}
	return e, err
}

// storeRun is one flight's use of the store. Its first failed or timed-out
// call marks the store down for the rest of the flight: every later call
// (the save, the lease release) fails at once rather than wait out another
// timeout. So a hung store costs a flight one store timeout before it
// fetches on its own (a lease whose release is skipped lapses by itself).
type storeRun struct {
	s    *Source
	down error
}

// viaStore is the distributed singleflight: use a stored token if there is
// a usable one; else take the lease and fetch and save one; else wait for
// the lease holder to save one, polling, and take over the lease if its
// holder dies. Waiting lasts at most half the fetch timeout, then this
// process fetches on its own, so nothing waits forever.
func (st *storeRun) viaStore(ctx context.Context, seen *entry) (*entry, error) {
	s := st.s
	wait, cancel := context.WithTimeout(ctx, s.opts.fetchTimeout/2)
	defer cancel()
	for {
		if e, err := st.loadStored(ctx, seen); e != nil || err != nil {
			return e, err
		}
		release, got, err := st.lease(ctx)
		if err != nil {
			return nil, err
		}
		if got {
			return st.fetchAndSave(ctx, seen, release)
		}
		d := s.opts.pollEvery/2 + rand.N(s.opts.pollEvery)
		if err := s.sleep(wait, d); err != nil {
			if ctx.Err() != nil {
				return nil, err
			}
			return nil, fmt.Errorf("%w: no token was stored within %v", errStore, s.opts.fetchTimeout/2)
		}
	}
}

// fetchAndSave fetches as the lease holder, saves the token, and gives the
// lease back. A token saved since this process last looked is used instead.
func (st *storeRun) fetchAndSave(ctx context.Context, seen *entry, release func(context.Context) error) (*entry, error) {
	defer st.call(ctx, func(ctx context.Context) error { return release(ctx) })
	if e, err := st.loadStored(ctx, seen); e != nil || err != nil {
		return e, err
	}
	e, err := st.s.fetch(ctx)
	if err != nil {
		return nil, err
	}
	if err := st.saveStored(ctx, e); err != nil {
		st.s.log.Warn("auth: could not save the token to the store", "error", err)
	}
	return e, nil
}

// loadStored returns the stored token if it is usable: it opens (a value
// that does not, after tampering or a secret rotation, is a miss and will
// be overwritten), it is not the token being replaced, and its refresh time
// has not come.
func (st *storeRun) loadStored(ctx context.Context, seen *entry) (*entry, error) {
	s := st.s
	var v []byte
	var ok bool
	err := st.call(ctx, func(ctx context.Context) (err error) {
		v, ok, err = s.opts.store.Load(ctx, s.key)
		return err
	})
	if err != nil || !ok {
		return nil, err
	}
	tok, err := s.sealer.open(v, s.key)
	if err != nil {
		s.log.Info("auth: the stored token does not open (tampered with, or the secret changed); fetching a new one", "error", err)
		return nil, nil
	}
	if err := checkHeaderValue(tok.AccessToken); err != nil {
		return nil, nil // sealed by us, so never; but never serve it either
	}
	e := s.newEntry(Token{AccessToken: tok.AccessToken, TokenType: "Bearer", Expiry: tok.Expiry}, tok.Sent)
	if (seen != nil && seen.tok.AccessToken == tok.AccessToken) || !s.now().Before(e.refreshAt) {
		return nil, nil
	}
	return e, nil
}

// saveStored saves e until its refresh time, so that the store never hands
// out a token that is due for refresh.
func (st *storeRun) saveStored(ctx context.Context, e *entry) error {
	s := st.s
	ttl := e.refreshAt.Sub(s.now())
	if ttl <= 0 {
		return nil
	}
	v, err := s.sealer.seal(storedToken{AccessToken: e.tok.AccessToken, Expiry: e.tok.Expiry, Sent: e.sent}, s.key)
	if err != nil {
		return err
	}
	return st.call(ctx, func(ctx context.Context) error { return s.opts.store.Save(ctx, s.key, v, ttl) })
}

// lease takes the refresh lease if it is free. Like loadStored, it reads
// what the call wrote only after a nil error: a call abandoned on timeout
// may still be writing, so it writes locals, never lease's results. An
// abandoned call that took the lease releases it itself: nobody else will,
// and every other replica would wait out its TTL.
func (st *storeRun) lease(ctx context.Context) (func(context.Context) error, bool, error) {
	s := st.s
	var release func(context.Context) error
	var got bool
	err := st.call(ctx, func(ctx context.Context) error {
		r, g, err := s.opts.store.Lease(ctx, s.key, s.opts.leaseTTL)
		if err == nil && g && ctx.Err() != nil {
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.opts.storeTimeout)
			defer cancel()
			_ = r(rctx)
			return ctx.Err()
		}
		release, got = r, g
		return err
	})
	if err != nil {
		return nil, false, err
	}
	return release, got, nil
}

// call runs one store call under the store timeout; any failure is errStore.
//
// The call runs in its own goroutine and the caller stops waiting when the
// timeout passes, whether or not the Store honours its context: go-redis,
// for one, ignores context deadlines on reads and writes unless the client
// has ContextTimeoutEnabled, and would otherwise hold the caller for its own
// ReadTimeout, retries and DialTimeout (seconds) on a hung server. A call
// left running is cancelled, counted in the Source's WaitGroup so that Close
// waits for it (it never outlives the Source; a hung store can make Close
// wait out the store client's own timeouts), and its results are dropped.
func (st *storeRun) call(ctx context.Context, f func(context.Context) error) error {
	if st.down != nil {
		return st.down
	}
	s := st.s
	if !s.enter() {
		st.down = fmt.Errorf("%w: %w", errStore, ErrClosed)
		return st.down
	}
	// Cancelled only once this caller is done waiting, so a call that
	// succeeds is never mistaken for one that timed out.
	ctx, cancel := context.WithTimeout(ctx, s.opts.storeTimeout)
	defer cancel()
	done := make(chan error, 1) // buffered: an abandoned call must not block
	go func() {
		defer s.wg.Done()
		done <- f(ctx)
	}()
	var err error
	select {
	case err = <-done:
	case <-ctx.Done():
		select {
		case err = <-done: // it finished just in time
		default:
			err = context.Cause(ctx)
		}
	}
	if err != nil {
		st.down = fmt.Errorf("%w: %w", errStore, err)
		return st.down
	}
	return nil
}
