package auth

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
)

// deafStore ignores its context, as go-redis does without
// ContextTimeoutEnabled: Lease answers only when unblocked, and takes the
// lease.
type deafStore struct {
	unblock  chan struct{}
	released atomic.Int32
}

func (d *deafStore) Load(context.Context, string) ([]byte, bool, error) { return nil, false, nil }
func (d *deafStore) Save(context.Context, string, []byte, time.Duration) error {
	return nil
}
func (d *deafStore) Lease(context.Context, string, time.Duration) (func(context.Context) error, bool, error) {
	<-d.unblock
	return func(context.Context) error { d.released.Add(1); return nil }, true, nil
}

// TestAbandonedLeaseIsReleased: a Lease call that outlives the store
// timeout is abandoned, and when it does take the lease it gives it back
// itself, so other replicas do not wait out its TTL; under -race, nothing
// it writes is read by the caller that left. The timeout leaves the Load
// before it room to run on a loaded machine: only Lease must outlive it.
func TestAbandonedLeaseIsReleased(t *testing.T) {
	ts := newTokenServer(t, nil)
	st := &deafStore{unblock: make(chan struct{})}
	src, err := NewSource(ClientCredentials(ts.URL+"/token"), Credentials{ClientID: "id", ClientSecret: "secret"},
		WithStore(st), WithStoreTimeout(100*time.Millisecond), WithInsecureHTTP())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := src.Token(context.Background()); err != nil {
		t.Fatal(err) // the store is skipped after its timeout: the Source fetches itself
	}
	close(st.unblock)
	src.Close() // waits for the abandoned call
	if n := st.released.Load(); n != 1 {
		t.Errorf("the abandoned lease was released %d times, want 1", n)
	}
}
