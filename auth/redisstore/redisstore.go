// Package redisstore shares auth tokens between processes through Redis: a
// single node, Sentinel or Cluster, through go-redis's UniversalClient.
//
//	rdb := redis.NewUniversalClient(&redis.UniversalOptions{Addrs: []string{"redis:6379"}})
//	st, err := redisstore.New(rdb)
//	…
//	c, err := nitro.NewClient(cfg, nitro.WithAuthOptions(auth.WithStore(st)))
//
// The store holds what the auth.Source gives it: tokens sealed with a key
// derived from the client secret, under keys derived from the token URL,
// client id and scopes (never the secret). Leases are SET NX PX with a random
// fencing value, released only by their holder.
//
// A hung or unreachable Redis costs a Token call at most the Source's store
// timeout (auth.WithStoreTimeout), then the Source fetches on its own: the
// Source bounds every store call itself, because go-redis honours context
// deadlines only with ContextTimeoutEnabled. Setting it is still worth it:
// a call the Source gave up on otherwise runs on until go-redis's own
// ReadTimeout, DialTimeout and retries end it, and Source.Close waits for it.
package redisstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/nitrokit/nitro/auth"
)

// Store is an auth.Store on Redis. It is safe for concurrent use.
type Store struct {
	rdb    redis.UniversalClient
	prefix string
}

var _ auth.Store = (*Store)(nil)

// Option configures a Store.
type Option func(*Store) error

// WithPrefix sets the prefix of every key (default "nitro:auth:").
func WithPrefix(p string) Option {
	return func(s *Store) error {
		if strings.ContainsAny(p, "{}") {
			return fmt.Errorf("redisstore: WithPrefix(%q): braces would break Cluster hash tags", p)
		}
		s.prefix = p
		return nil
	}
}

// New returns a Store on rdb, which the caller keeps and closes.
func New(rdb redis.UniversalClient, opts ...Option) (*Store, error) {
	if rdb == nil {
		return nil, errors.New("redisstore: nil client")
	}
	s := &Store{rdb: rdb, prefix: "nitro:auth:"}
	for _, opt := range opts {
		if err := opt(s); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// tokenKey and leaseKey share a hash tag, so in a Cluster they live on one
// slot.
func (s *Store) tokenKey(key string) string { return s.prefix + "{" + key + "}" }
func (s *Store) leaseKey(key string) string { return s.prefix + "{" + key + "}:lease" }

// Load implements auth.Store.
func (s *Store) Load(ctx context.Context, key string) ([]byte, bool, error) {
	v, err := s.rdb.Get(ctx, s.tokenKey(key)).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("redisstore: load: %w", err)
	}
	return v, true, nil
}

// Save implements auth.Store.
func (s *Store) Save(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	if err := s.rdb.Set(ctx, s.tokenKey(key), value, ttl).Err(); err != nil {
		return fmt.Errorf("redisstore: save: %w", err)
	}
	return nil
}

// releaseScript deletes the lease only if it still holds this holder's
// fencing value: a holder whose lease lapsed must not free its successor's.
var releaseScript = redis.NewScript(`if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end return 0`)

// Lease implements auth.Store with SET NX PX and a random fencing value.
func (s *Store) Lease(ctx context.Context, key string, ttl time.Duration) (func(context.Context) error, bool, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return nil, false, err
	}
	fence, lk := hex.EncodeToString(b), s.leaseKey(key)
	ok, err := s.rdb.SetNX(ctx, lk, fence, ttl).Result()
	if err != nil {
		return nil, false, fmt.Errorf("redisstore: lease: %w", err)
	}
	if !ok {
		return nil, false, nil
	}
	release := func(ctx context.Context) error {
		if err := releaseScript.Run(ctx, s.rdb, []string{lk}, fence).Err(); err != nil {
			return fmt.Errorf("redisstore: release: %w", err)
		}
		return nil
	}
	return release, true, nil
}
