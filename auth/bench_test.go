package auth

import (
	"context"
	"net/http"
	"runtime"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2/clientcredentials"

	"github.com/nitrokit/nitro/internal/testkit/cputest"
)

// BenchmarkRequestEditor compares the per-request cost of attaching a cached
// token: this package's RequestEditor against x/oauth2's ReuseTokenSource
// (what clientcredentials.Config.TokenSource returns) plus SetAuthHeader, on
// the same loopback token endpoint, each from GOMAXPROCS goroutines at once
// (run with -cpu 2 to see contention). Both compare the expiry with the
// clock on every read.
//
// The ratio sub-benchmark runs the two in turns and reports how many times
// x/oauth2's CPU time (and wall time) per call this package's is, the
// median over rounds, and each side's allocations per call: the figures
// that hold from run to run on a shared machine, where the separate
// sub-benchmarks' ns/op move with the load.
func BenchmarkRequestEditor(b *testing.B) {
	ts := httptestTokenServer(b)
	nitro, oauth := nitroEditor(b, ts), oauth2Editor(b, ts)
	for _, side := range []struct {
		name string
		edit func(*http.Request) error
	}{{"nitro", nitro}, {"x-oauth2", oauth}} {
		b.Run(side.name, func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				req, _ := http.NewRequest(http.MethodGet, "https://api.gonitro.dev/sign/envelopes", nil)
				for pb.Next() {
					if err := side.edit(req); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
	b.Run("ratio", func(b *testing.B) {
		cpu, wall := editorTurns(b, nitro, oauth)
		b.ReportMetric(cpu, "cpu-x-oauth2/nitro")
		b.ReportMetric(wall, "wall-x-oauth2/nitro")
		req, _ := http.NewRequest(http.MethodGet, "https://api.gonitro.dev/sign/envelopes", nil)
		b.ReportMetric(testing.AllocsPerRun(1000, func() { _ = nitro(req) }), "nitro-allocs/op")
		b.ReportMetric(testing.AllocsPerRun(1000, func() { _ = oauth(req) }), "x-oauth2-allocs/op")
	})
}

// nitroEditor is this package's hot path: a Source's RequestEditor with a
// cached token.
func nitroEditor(b *testing.B, ts *tokenServer) func(*http.Request) error {
	src, err := NewSource(ClientCredentials(ts.URL), testCreds)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { src.Close() })
	ctx := context.Background()
	return func(req *http.Request) error { return src.RequestEditor(ctx, req) }
}

// oauth2Editor is x/oauth2's: a cached token from its TokenSource, set on
// the request.
func oauth2Editor(b *testing.B, ts *tokenServer) func(*http.Request) error {
	cfg := clientcredentials.Config{ClientID: testID, ClientSecret: testSecret, TokenURL: ts.URL}
	src := cfg.TokenSource(context.Background())
	return func(req *http.Request) error {
		tok, err := src.Token()
		if err != nil {
			return err
		}
		tok.SetAuthHeader(req)
		return nil
	}
}

// editorTurns runs edit and anchor in turns (cputest.Turns), a block of
// calls from GOMAXPROCS goroutines each per round, and returns the medians
// over rounds of anchor's CPU time over edit's and of its wall time over
// edit's: how many times faster edit is.
func editorTurns(b *testing.B, edit, anchor func(*http.Request) error) (cpu, wall float64) {
	const block, rounds = 20000, 101
	procs := runtime.GOMAXPROCS(0)
	reqs := make([]*http.Request, procs)
	for i := range reqs {
		reqs[i], _ = http.NewRequest(http.MethodGet, "https://api.gonitro.dev/sign/envelopes", nil)
	}
	blockOf := func(f func(*http.Request) error) func() {
		return func() {
			var wg sync.WaitGroup
			for _, req := range reqs {
				wg.Go(func() {
					for range block {
						if err := f(req); err != nil {
							b.Error(err)
							return
						}
					}
				})
			}
			wg.Wait()
		}
	}
	return cputest.Turns(b, rounds, nil, blockOf(anchor), blockOf(edit))
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
