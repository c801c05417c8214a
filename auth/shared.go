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
	e, err := s.viaStore(ctx, seen)
	if errors.Is(err, errStore) {
		s.log.Warn("auth: token store unavailable; fetching the token without it", "error", err)
		return s.fetch(ctx)
	}
	return e, err
}

// viaStore is the distributed singleflight: use a stored token if there is
// a usable one; else take the lease and fetch and save one; else wait for
// the lease holder to save one, polling, and take over the lease if its
// holder dies. Waiting lasts at most half the fetch timeout, then this
// process fetches on its own, so nothing waits forever.
func (s *Source) viaStore(ctx context.Context, seen *entry) (*entry, error) {
	wait, cancel := context.WithTimeout(ctx, s.opts.fetchTimeout/2)
	defer cancel()
	for {
		if e, err := s.loadStored(ctx, seen); e != nil || err != nil {
			return e, err
		}
		release, got, err := s.lease(ctx)
		if err != nil {
			return nil, err
		}
		if got {
			return s.fetchAndSave(ctx, seen, release)
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
func (s *Source) fetchAndSave(ctx context.Context, seen *entry, release func(context.Context) error) (*entry, error) {
	defer s.storeCall(ctx, func(ctx context.Context) error { return release(ctx) })
	if e, err := s.loadStored(ctx, seen); e != nil || err != nil {
		return e, err
	}
	e, err := s.fetch(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.saveStored(ctx, e); err != nil {
		s.log.Warn("auth: could not save the token to the store", "error", err)
	}
	return e, nil
}

// loadStored returns the stored token if it is usable: it opens (a value
// that does not, after tampering or a secret rotation, is a miss and will
// be overwritten), it is not the token being replaced, and its refresh time
// has not come.
func (s *Source) loadStored(ctx context.Context, seen *entry) (*entry, error) {
	var v []byte
	var ok bool
	err := s.storeCall(ctx, func(ctx context.Context) (err error) {
		v, ok, err = s.opts.store.Load(ctx, s.key)
		return err
	})
	if err != nil || !ok {
		return nil, err
	}
	st, err := s.sealer.open(v, s.key)
	if err != nil {
		s.log.Info("auth: the stored token does not open (tampered with, or the secret changed); fetching a new one", "error", err)
		return nil, nil
	}
	if err := checkHeaderValue(st.AccessToken); err != nil {
		return nil, nil // sealed by us, so never; but never serve it either
	}
	e := s.newEntry(Token{AccessToken: st.AccessToken, TokenType: "Bearer", Expiry: st.Expiry}, st.Sent)
	if (seen != nil && seen.tok.AccessToken == st.AccessToken) || !s.now().Before(e.refreshAt) {
		return nil, nil
	}
	return e, nil
}

// saveStored saves e until its refresh time, so that the store never hands
// out a token that is due for refresh.
func (s *Source) saveStored(ctx context.Context, e *entry) error {
	ttl := e.refreshAt.Sub(s.now())
	if ttl <= 0 {
		return nil
	}
	v, err := s.sealer.seal(storedToken{AccessToken: e.tok.AccessToken, Expiry: e.tok.Expiry, Sent: e.sent}, s.key)
	if err != nil {
		return err
	}
	return s.storeCall(ctx, func(ctx context.Context) error { return s.opts.store.Save(ctx, s.key, v, ttl) })
}

func (s *Source) lease(ctx context.Context) (release func(context.Context) error, got bool, err error) {
	err = s.storeCall(ctx, func(ctx context.Context) (err error) {
		release, got, err = s.opts.store.Lease(ctx, s.key, s.opts.leaseTTL)
		return err
	})
	return release, got, err
}

// storeCall runs one store call under the store timeout; any failure is
// errStore.
func (s *Source) storeCall(ctx context.Context, f func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, s.opts.storeTimeout)
	defer cancel()
	if err := f(ctx); err != nil {
		return fmt.Errorf("%w: %w", errStore, err)
	}
	return nil
}
