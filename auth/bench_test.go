package auth

import (
	"context"
	"net/http"
	"testing"
	"time"

	"golang.org/x/oauth2/clientcredentials"
)

// BenchmarkRequestEditor compares the per-request cost of attaching a cached
// token: this package's RequestEditor against x/oauth2's ReuseTokenSource
// (what clientcredentials.Config.TokenSource returns) plus SetAuthHeader, on
// the same loopback token endpoint. Run with -cpu 2 to see contention.
func BenchmarkRequestEditor(b *testing.B) {
	ts := httptestTokenServer(b)
	b.Run("nitro", func(b *testing.B) {
		src, err := NewSource(ClientCredentials(ts.URL), testCreds)
		if err != nil {
			b.Fatal(err)
		}
		defer src.Close()
		ctx := context.Background()
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			req, _ := http.NewRequest(http.MethodGet, "https://api.gonitro.dev/sign/envelopes", nil)
			for pb.Next() {
				if err := src.RequestEditor(ctx, req); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
	b.Run("x-oauth2", func(b *testing.B) {
		cfg := clientcredentials.Config{ClientID: testID, ClientSecret: testSecret, TokenURL: ts.URL}
		src := cfg.TokenSource(context.Background())
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			req, _ := http.NewRequest(http.MethodGet, "https://api.gonitro.dev/sign/envelopes", nil)
			for pb.Next() {
				tok, err := src.Token()
				if err != nil {
					b.Fatal(err)
				}
				tok.SetAuthHeader(req)
			}
		})
	})
}

func httptestTokenServer(b *testing.B) *tokenServer {
	ts := &tokenServer{answer: okAnswer(3600)}
	ts.Server = newLoopbackServer(ts)
	b.Cleanup(ts.Close)
	return ts
}

// BenchmarkSimulatedHour drives one Source through an hour of fake time with
// 5-minute tokens, 4 calls every 100ms, and reports the token requests made
// and the calls that had to wait for a fetch after the first one.
//
// Between steps it lets a running background refresh finish: a real refresh
// takes well under a millisecond, while the compressed clock would otherwise
// cross a whole 60s window in about that time.
func BenchmarkSimulatedHour(b *testing.B) {
	for _, w := range []struct {
		name string
		opt  Option
	}{
		{"window=default-20%", WithRefreshWindow(0.2, 10*time.Second)},
		{"window=10s", WithRefreshWindow(0.01, 10*time.Second)},
	} {
		b.Run(w.name, func(b *testing.B) {
			var requests, blocked int64
			for b.Loop() {
				r, bl := simulateHour(b, w.opt)
				requests += r
				blocked += bl
			}
			b.ReportMetric(float64(requests)/float64(b.N), "token-requests/hour")
			b.ReportMetric(float64(blocked)/float64(b.N), "blocked-calls/hour")
		})
	}
}

func simulateHour(b *testing.B, window Option) (requests, blocked int64) {
	ts := &tokenServer{answer: okAnswer(300)}
	ts.Server = newLoopbackServer(ts)
	defer ts.Close()
	src, err := NewSource(NitroJSON(ts.URL), testCreds, window)
	if err != nil {
		b.Fatal(err)
	}
	defer src.Close()
	clock := newFakeClock()
	clock.attach(src)
	ctx := context.Background()
	if _, err := src.Token(ctx); err != nil {
		b.Fatal(err)
	}
	afterFirst := src.waits.Load()
	for step := 0; step < 36000; step++ {
		clock.Advance(100 * time.Millisecond)
		for range 4 {
			if _, err := src.Token(ctx); err != nil {
				b.Fatal(err)
			}
		}
		for e := src.cur.Load(); e != nil && e.trying.Load(); e = src.cur.Load() {
			time.Sleep(50 * time.Microsecond)
		}
	}
	return ts.hits.Load(), src.waits.Load() - afterFirst
}
