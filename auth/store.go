package auth

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Store is a token cache shared by processes, so that replicas and cold
// starts reuse one token instead of each fetching their own. A Source
// consults it only when its in-memory token is missing or due for refresh,
// never per request.
//
// Values are opaque to the Store: the Source seals them (AES-GCM under a key
// derived from the client secret) before saving. Implementations must be
// safe for concurrent use; auth/redisstore is one.
type Store interface {
	// Load returns the value saved under key; ok is false if there is none.
	Load(ctx context.Context, key string) (value []byte, ok bool, err error)
	// Save stores value under key until ttl has passed.
	Save(ctx context.Context, key string, value []byte, ttl time.Duration) error
	// Lease tries to take the refresh lease on key for ttl: a lock that at
	// most one holder has at a time and that lapses by itself if its holder
	// dies. ok reports whether it was taken; release gives it back if it is
	// still this holder's.
	Lease(ctx context.Context, key string, ttl time.Duration) (release func(context.Context) error, ok bool, err error)
}

// WithStore shares tokens through st across processes: on a miss or a
// refresh, one process (the lease holder) fetches and saves the token, and
// the others wait for it and load it. If the store fails or is slow (each
// call is bounded by WithStoreTimeout), the Source fetches on its own and
// logs a warning: a store outage never fails a Token call.
func WithStore(st Store) Option {
	return func(o *options) error {
		if st == nil {
			return errors.New("auth: WithStore: nil store")
		}
		o.store = st
		return nil
	}
}

// WithStoreTimeout bounds each call to the Store (default 250ms).
func WithStoreTimeout(d time.Duration) Option {
	return func(o *options) error {
		if d <= 0 {
			return fmt.Errorf("auth: WithStoreTimeout(%v): want a positive duration", d)
		}
		o.storeTimeout = d
		return nil
	}
}

// WithLeaseTTL sets how long a refresh lease lasts before another process
// may take over from a holder that died (default 10s). It should exceed a
// token request's usual duration.
func WithLeaseTTL(d time.Duration) Option {
	return func(o *options) error {
		if d <= 0 {
			return fmt.Errorf("auth: WithLeaseTTL(%v): want a positive duration", d)
		}
		o.leaseTTL = d
		return nil
	}
}

// storeKey names the token of this flow and client in the store: a hash of
// the token URL, the client id and the scopes. It never holds the secret.
func storeKey(flow Flow, clientID string) string {
	h := sha256.New()
	for _, part := range []string{flow.TokenURL(), clientID, strings.Join(flow.Scopes(), " ")} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return "token:" + hex.EncodeToString(h.Sum(nil))
}

// sealer encrypts stored tokens so that reading the store is not enough to
// use them: the key is derived from the client secret.
type sealer struct{ aead cipher.AEAD }

// sealContext binds the derived key to this use; changing it orphans every
// stored value, which then reads as a miss.
const sealContext = "github.com/nitrokit/nitro/auth token store v1"

func newSealer(secret, key string) (*sealer, error) {
	k, err := hkdf.Key(sha256.New, []byte(secret), []byte(key), sealContext, 32)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(k)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &sealer{aead: aead}, nil
}

// storedToken is what a store holds, once opened.
type storedToken struct {
	AccessToken string    `json:"t"`
	Expiry      time.Time `json:"e"`
	Sent        time.Time `json:"s"` // when it was requested: its lifetime's start
}

// storedWire is storedToken's sealed encoding; a distinct type because
// storedToken's own MarshalJSON redacts.
type storedWire storedToken

// Format, GoString and MarshalJSON keep the token out of every printed form.
func (t storedToken) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(t.GoString())) }

func (t storedToken) GoString() string {
	return fmt.Sprintf("auth.storedToken{AccessToken: %s, Expiry: %s}", redactedIfSet(t.AccessToken), t.Expiry.Format(time.RFC3339))
}

func (t storedToken) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		AccessToken string    `json:"t"`
		Expiry      time.Time `json:"e"`
	}{redactedIfSet(t.AccessToken), t.Expiry})
}

// Format keeps the derived key out of every printed form.
func (s *sealer) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte("auth.sealer{" + redacted + "}")) }

func (s *sealer) seal(tok storedToken, key string) ([]byte, error) {
	plain, err := json.Marshal(storedWire(tok))
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, s.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return s.aead.Seal(nonce, nonce, plain, []byte(key)), nil
}

// open fails on anything not sealed by this secret for this key: tampering,
// a rotated secret, another format.
func (s *sealer) open(value []byte, key string) (storedToken, error) {
	var tok storedToken
	n := s.aead.NonceSize()
	if len(value) < n {
		return tok, errors.New("stored token is too short")
	}
	plain, err := s.aead.Open(nil, value[:n], value[n:], []byte(key))
	if err != nil {
		return tok, err
	}
	if err := json.Unmarshal(plain, (*storedWire)(&tok)); err != nil || tok.AccessToken == "" {
		return tok, errors.New("stored token is malformed")
	}
	return tok, nil
}
