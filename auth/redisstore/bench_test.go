package redisstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/nitrokit/nitro/auth"
	"github.com/nitrokit/nitro/internal/testkit/redistest"
	"github.com/nitrokit/nitro/nitrotest"
)

// BenchmarkTokenHotPath compares Token on a warm Source with and without a
// store: the store is consulted only on a miss or a refresh, so the two
// should not differ.
func BenchmarkTokenHotPath(b *testing.B) {
	fake := nitrotest.NewServer()
	defer fake.Close()
	redisSrv := redistest.Start(b)
	_, st := benchStore(b, redisSrv.Addr)
	for _, tc := range []struct {
		name string
		opts []auth.Option
	}{{"in-memory", nil}, {"with-redis-store", []auth.Option{auth.WithStore(st)}}} {
		b.Run(tc.name, func(b *testing.B) {
			src, err := auth.NewSource(auth.NitroJSON(fake.TokenURL()), fake.Credentials(), tc.opts...)
			if err != nil {
				b.Fatal(err)
			}
			defer src.Close()
			ctx := context.Background()
			if _, err := src.Token(ctx); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := src.Token(ctx); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}

// BenchmarkColdStart8Processes starts 8 processes at once that each need a
// token, with and without the shared store, and reports the token requests
// they made together.
func BenchmarkColdStart8Processes(b *testing.B) {
	redisSrv := redistest.Start(b)
	for _, store := range []bool{false, true} {
		name := "without-store"
		if store {
			name = "with-redis-store"
		}
		b.Run(name, func(b *testing.B) {
			var requests int
			for b.Loop() {
				fake := nitrotest.NewServer()
				spec := childSpec{redisAddr: redisSrv.Addr, tokenURL: fake.TokenURL(), clientID: fake.Credentials().ClientID,
					secret: fake.Credentials().ClientSecret, leaseTTL: 5 * time.Second, store: store}
				outs := make([]func() string, 8)
				waits := make([]func() error, 8)
				for i := range 8 {
					cmd, out := startChild(b, spec)
					outs[i], waits[i] = out.String, cmd.Wait
				}
				for i := range 8 {
					if err := waits[i](); err != nil {
						b.Fatalf("%v\n%s", err, outs[i]())
					}
				}
				requests += fake.Stats().TokenRequests
				fake.Close()
			}
			b.ReportMetric(float64(requests)/float64(b.N), "token-requests")
		})
	}
}
