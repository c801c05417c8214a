package redisstore_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/nitrokit/nitro/auth"
	"github.com/nitrokit/nitro/auth/redisstore"
	"github.com/nitrokit/nitro/internal/testkit/redistest"
	"github.com/nitrokit/nitro/internal/testkit/testlog"
	"github.com/nitrokit/nitro/nitrotest"
)

// Our own tests always validate requests against the locked spec.

func newRedis(t *testing.T) (*redistest.Server, *redis.Client, *redisstore.Store) {
	t.Helper()
	srv := redistest.Start(t)
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr, MaxRetries: -1})
	t.Cleanup(func() { rdb.Close() })
	st, err := redisstore.New(rdb)
	if err != nil {
		t.Fatal(err)
	}
	return srv, rdb, st
}

func TestStoreOperations(t *testing.T) {
	_, rdb, st := newRedis(t)
	ctx := context.Background()
	if _, ok, err := st.Load(ctx, "k"); ok || err != nil {
		t.Fatalf("Load of nothing = %v, %v", ok, err)
	}
	if err := st.Save(ctx, "k", []byte("v"), time.Minute); err != nil {
		t.Fatal(err)
	}
	if v, ok, err := st.Load(ctx, "k"); !ok || err != nil || string(v) != "v" {
		t.Fatalf("Load = %q, %v, %v", v, ok, err)
	}
	if ttl := rdb.PTTL(ctx, "nitro:auth:{k}").Val(); ttl <= 0 || ttl > time.Minute {
		t.Errorf("TTL = %v", ttl)
	}
	release, ok, err := st.Lease(ctx, "k", 30*time.Second)
	if !ok || err != nil {
		t.Fatalf("first Lease = %v, %v", ok, err)
	}
	if _, ok, _ := st.Lease(ctx, "k", time.Minute); ok {
		t.Fatal("a second holder got a held lease")
	}
	// The lease carries its TTL; make it lapse now, as Redis will at that
	// TTL, rather than sleep through it.
	lk := "nitro:auth:{k}:lease"
	if ttl := rdb.PTTL(ctx, lk).Val(); ttl <= 0 || ttl > 30*time.Second {
		t.Fatalf("lease TTL = %v, want (0, 30s]", ttl)
	}
	must(t, rdb.Del(ctx, lk).Err())
	_, ok, _ = st.Lease(ctx, "k", time.Minute)
	if !ok {
		t.Fatal("a lapsed lease was not taken over")
	}
	must(t, release(ctx)) // the first holder's late release...
	if _, ok, _ := st.Lease(ctx, "k", time.Minute); ok {
		t.Fatal("...freed its successor's lease")
	}
	if _, err := redisstore.New(nil); err == nil {
		t.Error("New(nil) accepted")
	}
	if _, err := redisstore.New(rdb, redisstore.WithPrefix("a{b}")); err == nil {
		t.Error("a prefix with braces was accepted")
	}
}

func newSource(t *testing.T, fake *nitrotest.Server, st auth.Store, secret string, logs *testlog.Buffer) *auth.Source {
	t.Helper()
	// The store timeout is real (the Source enforces it whatever go-redis
	// does), and these tests are about sharing, not about slow stores: give
	// calls room under load rather than let a slow one fall back locally;
	// likewise a lease that no stalled holder outlives.
	opts := []auth.Option{auth.WithLeaseTTL(10 * time.Second), auth.WithStoreTimeout(5 * time.Second)}
	if st != nil {
		opts = append(opts, auth.WithStore(st))
	}
	if logs != nil {
		opts = append(opts, auth.WithLogger(slog.New(slog.NewTextHandler(logs, nil))))
	}
	src, err := auth.NewSource(auth.NitroJSON(fake.TokenURL()), auth.Credentials{ClientID: fake.Credentials().ClientID, ClientSecret: secret}, opts...)
	must(t, err)
	t.Cleanup(func() { src.Close() })
	return src
}

func TestSourcesShareOneToken(t *testing.T) {
	_, _, st := newRedis(t)
	fake := nitrotest.NewServer(nitrotest.WithTokenLifetime(time.Hour))
	defer fake.Close()
	var wg sync.WaitGroup
	tokens := make([]string, 16)
	for i := range tokens {
		src := newSource(t, fake, st, fake.Credentials().ClientSecret, nil)
		wg.Go(func() {
			tok, err := src.Token(context.Background())
			must(t, err)
			tokens[i] = tok.AccessToken
		})
	}
	wg.Wait()
	for _, tok := range tokens {
		if tok != tokens[0] {
			t.Fatal("sources sharing a store hold different tokens")
		}
	}
	if n := fake.Stats().TokenRequests; n != 1 {
		t.Errorf("16 sources made %d token requests, want 1", n)
	}
}

func TestStoredValueIsSealed(t *testing.T) {
	_, rdb, st := newRedis(t)
	fake := nitrotest.NewServer()
	defer fake.Close()
	secret := fake.Credentials().ClientSecret
	tok, err := newSource(t, fake, st, secret, nil).Token(context.Background())
	must(t, err)
	keys := rdb.Keys(context.Background(), "nitro:auth:*").Val()
	if len(keys) != 1 {
		t.Fatalf("keys %v, want one token", keys)
	}
	raw := rdb.Get(context.Background(), keys[0]).Val()
	for _, leak := range []string{tok.AccessToken, secret, strings.Split(tok.AccessToken, ".")[1], fake.Credentials().ClientID} {
		if strings.Contains(raw, leak) || strings.Contains(keys[0], leak) {
			t.Errorf("Redis holds %q in plain text", leak)
		}
	}
}

func TestTamperingIsAMiss(t *testing.T) {
	_, rdb, st := newRedis(t)
	ctx := context.Background()
	fake := nitrotest.NewServer()
	defer fake.Close()
	secret := fake.Credentials().ClientSecret
	newSource(t, fake, st, secret, nil).Token(ctx)
	key := rdb.Keys(ctx, "nitro:auth:{*}").Val()[0]
	raw := []byte(rdb.Get(ctx, key).Val())
	raw[len(raw)-1] ^= 1
	rdb.Set(ctx, key, raw, time.Hour)

	logs := &testlog.Buffer{}
	if _, err := newSource(t, fake, st, secret, logs).Token(ctx); err != nil {
		t.Fatalf("a tampered value failed the caller: %v", err)
	}
	if n := fake.Stats().TokenRequests; n != 2 {
		t.Errorf("after tampering: %d token requests, want 2 (a miss)", n)
	}
	if now := rdb.Get(ctx, key).Val(); bytes.Equal([]byte(now), raw) {
		t.Error("the tampered value was not overwritten")
	}
	if !strings.Contains(logs.String(), "does not open") {
		t.Errorf("the miss is not logged: %s", logs)
	}

}

// TestSecretRotationIsAMiss: a token sealed under the old secret does not
// open under the new one; it is fetched again and overwritten, and the new
// value serves the next process.
func TestSecretRotationIsAMiss(t *testing.T) {
	_, rdb, st := newRedis(t)
	ctx := context.Background()
	var hits atomic.Int64
	anyClient := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := hits.Add(1)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"access_token":"tok-%d","expires_in":3600}`, n)
	}))
	defer anyClient.Close()
	source := func(secret string) *auth.Source {
		src, err := auth.NewSource(auth.NitroJSON(anyClient.URL), auth.Credentials{ClientID: "app", ClientSecret: secret}, auth.WithStore(st))
		must(t, err)
		t.Cleanup(func() { src.Close() })
		return src
	}
	tok := func(secret string) string {
		tk, err := source(secret).Token(ctx)
		must(t, err)
		return tk.AccessToken
	}
	if got := tok("old"); got != "tok-1" {
		t.Fatalf("first token %s", got)
	}
	stored := rdb.Get(ctx, rdb.Keys(ctx, "nitro:auth:{*}").Val()[0]).Val()
	if got := tok("new"); got != "tok-2" {
		t.Fatalf("after rotation: %s, want a freshly fetched tok-2", got)
	}
	if now := rdb.Get(ctx, rdb.Keys(ctx, "nitro:auth:{*}").Val()[0]).Val(); now == stored {
		t.Error("the value sealed under the old secret was not overwritten")
	}
	if got := tok("new"); got != "tok-2" || hits.Load() != 2 {
		t.Errorf("a second process with the new secret got %s after %d requests, want tok-2 from the store", got, hits.Load())
	}
}

// TestRedisDownFallsBackLocally: a token shared through Redis, then Redis
// stops and the token must be fetched again (as after an API's 401): every
// caller still gets a token, from the endpoint directly, and the fallback is
// logged. Event-driven: no caller waits on the wall clock.
func TestRedisDownFallsBackLocally(t *testing.T) {
	redisSrv, rdb, st := newRedis(t)
	fake := nitrotest.NewServer()
	defer fake.Close()
	logs := &testlog.Buffer{}
	src := newSource(t, fake, st, fake.Credentials().ClientSecret, logs)
	ctx := context.Background()
	first, err := src.Token(ctx)
	must(t, err)
	if n := rdb.DBSize(ctx).Val(); n == 0 {
		t.Fatal("the first token was not shared through Redis")
	}
	redisSrv.Stop()
	src.Invalidate(first.AccessToken)
	var failures atomic.Int64
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 25 {
				if tok, err := src.Token(ctx); err != nil || tok.AccessToken == first.AccessToken {
					failures.Add(1)
				}
			}
		})
	}
	wg.Wait()
	if n := failures.Load(); n != 0 {
		t.Errorf("%d of 100 Token calls failed or got the invalidated token while Redis was down", n)
	}
	if !strings.Contains(logs.String(), "token store unavailable") {
		t.Errorf("the fallback is not logged:\n%s", logs)
	}
	if n := fake.Stats().TokenRequests; n != 2 {
		t.Errorf("%d token requests; want 2: one shared, one fetched without Redis", n)
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func benchStore(b *testing.B, addr string) (*redis.Client, *redisstore.Store) {
	b.Helper()
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	b.Cleanup(func() { rdb.Close() })
	st, err := redisstore.New(rdb)
	if err != nil {
		b.Fatal(err)
	}
	return rdb, st
}
