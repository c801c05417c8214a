package redisstore_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/nitrokit/nitro/auth"
	"github.com/nitrokit/nitro/auth/redisstore"
	"github.com/nitrokit/nitro/internal/testkit/redistest"
)

// The bound these tests assert: far above the 100ms store timeout, so that
// load 10 on 2 cores cannot fail them, and far below what a hung Redis cost
// before every store call was bounded (5.0s cold, 4.0s for a caller during a
// background refresh, 10.4s for a lease holder), so that they still fail if
// a call waits out go-redis's own timeouts.
const (
	storeTimeout = 100 * time.Millisecond
	hungBound    = 2 * time.Second
)

// hungSetup starts Redis, a client built exactly as the package doc shows
// (no ContextTimeoutEnabled: go-redis then ignores context deadlines), a
// token endpoint whose handler runs onRequest first, and a Source on both.
func hungSetup(t *testing.T, lifetime int, onRequest func(n int64), opts ...auth.Option) (*redistest.Server, *auth.Source, *atomic.Int64) {
	t.Helper()
	srv := redistest.Start(t)
	rdb := redis.NewUniversalClient(&redis.UniversalOptions{Addrs: []string{srv.Addr}})
	t.Cleanup(func() { rdb.Close() })
	st, err := redisstore.New(rdb)
	must(t, err)
	var hits atomic.Int64
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := hits.Add(1)
		if onRequest != nil {
			onRequest(n)
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"access_token":"tok-%d","expires_in":%d}`, n, lifetime)
	}))
	t.Cleanup(ts.Close)
	opts = append([]auth.Option{auth.WithStore(st), auth.WithStoreTimeout(storeTimeout), auth.WithLeaseTTL(time.Second)}, opts...)
	src, err := auth.NewSource(auth.NitroJSON(ts.URL), auth.Credentials{ClientID: "app", ClientSecret: "secret"}, opts...)
	must(t, err)
	t.Cleanup(func() { src.Close() })
	return srv, src, &hits
}

func timedToken(t *testing.T, src *auth.Source) time.Duration {
	t.Helper()
	start := time.Now()
	if _, err := src.Token(context.Background()); err != nil {
		t.Fatalf("Token with Redis hung: %v", err)
	}
	return time.Since(start)
}

// TestHungRedisColdToken: with Redis stopped (SIGSTOP), a cold Token costs
// about one store timeout before the local fetch.
func TestHungRedisColdToken(t *testing.T) {
	srv, src, hits := hungSetup(t, 3600, nil)
	srv.Pause(t)
	d := timedToken(t, src)
	t.Logf("cold Token with Redis hung: %v (store timeout %v)", d, storeTimeout)
	if d > hungBound || hits.Load() != 1 {
		t.Errorf("cold Token waited %v with %d token requests; want under %v and 1", d, hits.Load(), hungBound)
	}
}

// TestHungRedisLeaseHolder: Redis hangs while this process holds the lease
// and fetches; its save and lease release must not hold the caller.
func TestHungRedisLeaseHolder(t *testing.T) {
	var srv *redistest.Server
	var paused sync.Once
	srv, src, _ := hungSetup(t, 3600, func(int64) { paused.Do(func() { srv.Pause(t) }) })
	d := timedToken(t, src)
	t.Logf("lease holder's Token with Redis hung mid-fetch: %v (store timeout %v)", d, storeTimeout)
	if d > hungBound {
		t.Errorf("the lease holder waited %v, want under %v", d, hungBound)
	}
}

// TestHungRedisDuringBackgroundRefresh: callers keep getting the current
// token at once while a refresh runs into a hung Redis (it hangs during the
// refresh's token request, so the save and the lease release meet it), and
// the refresh still completes on its own.
func TestHungRedisDuringBackgroundRefresh(t *testing.T) {
	var srv *redistest.Server
	var paused sync.Once
	// A 2s token is refreshed at half its life, 1s after it was requested.
	srv, src, hits := hungSetup(t, 2, func(n int64) {
		if n == 2 {
			paused.Do(func() { srv.Pause(t) })
		}
	}, auth.WithRefreshWindow(0.5, 0))
	first, err := src.Token(context.Background())
	must(t, err)
	var worst time.Duration
	deadline := time.Now().Add(hungBound + 2*time.Second)
	for time.Now().Before(deadline) {
		start := time.Now()
		tok, err := src.Token(context.Background())
		worst = max(worst, time.Since(start))
		if err != nil {
			t.Fatalf("Token during the refresh: %v", err)
		}
		if tok.AccessToken != first.AccessToken {
			break
		}
		time.Sleep(time.Millisecond)
	}
	t.Logf("worst Token wait during a refresh with Redis hung: %v (%d token requests)", worst, hits.Load())
	if hits.Load() != 2 {
		t.Errorf("%d token requests; want the refresh to have fetched once", hits.Load())
	}
	if worst > hungBound {
		t.Errorf("a caller waited %v during the background refresh, want under %v", worst, hungBound)
	}
}
