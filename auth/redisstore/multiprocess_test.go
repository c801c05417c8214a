package redisstore_test

import (
	"testing"
	"time"

	"github.com/nitrokit/nitro/internal/testkit/redistest"
	"github.com/nitrokit/nitro/nitrotest"
)

// TestReplicasShareOneTokenPerLifetime runs 8 child processes that call
// Token continuously over several short token lifetimes, sharing one Redis
// and one fake token server: together they must fetch one token per
// lifetime, as one process would.
func TestReplicasShareOneTokenPerLifetime(t *testing.T) {
	redisSrv := redistest.Start(t)
	const lifetime = 2 * time.Second
	// A 2s token is refreshed at half its life (the window is capped there).
	const refreshEvery = lifetime / 2
	fake := nitrotest.NewServer(nitrotest.WithTokenLifetime(lifetime))
	defer fake.Close()
	spec := childSpec{redisAddr: redisSrv.Addr, tokenURL: fake.TokenURL(), clientID: fake.Credentials().ClientID,
		secret: fake.Credentials().ClientSecret, runFor: 4 * lifetime, leaseTTL: 2 * time.Second, store: true}
	start := time.Now()
	outs := runChildren(t, spec, 8)
	elapsed := time.Since(start)
	calls := 0
	for _, out := range outs {
		c, failures, _ := report(t, out)
		calls += c
		if failures != 0 {
			t.Errorf("a replica had %d failed Token calls:\n%s", failures, out)
		}
	}
	got := fake.Stats().TokenRequests
	// At most one per refresh interval over the whole run, plus the first:
	// what one process would fetch. Sharing must never multiply it.
	most := int(elapsed/refreshEvery) + 1
	// At least one per lifetime over a child's run: fewer could not have
	// kept every call supplied. Refreshes that come later than the refresh
	// interval, as they do under load, must not fail the test.
	least := int(spec.runFor / lifetime)
	t.Logf("8 replicas, %d Token calls over %v: %d token requests (one process alone: at most %d)", calls, elapsed.Round(time.Millisecond), got, most)
	if got > most || got < least {
		t.Errorf("%d token requests over %v, want between %d (one per %v lifetime) and %d (one per %v refresh interval)", got, elapsed, least, lifetime, most, refreshEvery)
	}
}

func runChildren(t *testing.T, spec childSpec, n int) []string {
	t.Helper()
	type run struct {
		wait func() error
		out  func() string
	}
	runs := make([]run, n)
	for i := range runs {
		cmd, out := startChild(t, spec)
		runs[i] = run{cmd.Wait, out.String}
	}
	outs := make([]string, n)
	for i, r := range runs {
		if err := r.wait(); err != nil {
			t.Errorf("replica %d: %v\n%s", i, err, r.out())
		}
		outs[i] = r.out()
	}
	return outs
}

// TestLeaseHolderDiesMidFetch kills the process that holds the lease while
// its token request hangs; the others take over once the lease lapses.
func TestLeaseHolderDiesMidFetch(t *testing.T) {
	redisSrv := redistest.Start(t)
	fake := nitrotest.NewServer()
	defer fake.Close()
	if err := fake.InjectFault(nitrotest.TokenEndpoint, 1, nitrotest.Fault{Delay: 5 * time.Second}); err != nil { // past the lease TTL
		t.Fatal(err)
	}
	const leaseTTL = time.Second
	spec := childSpec{redisAddr: redisSrv.Addr, tokenURL: fake.TokenURL(), clientID: fake.Credentials().ClientID,
		secret: fake.Credentials().ClientSecret, leaseTTL: leaseTTL, store: true}

	holder, _ := startChild(t, spec)
	deadline := time.Now().Add(10 * time.Second)
	for fake.Stats().TokenRequests == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the first replica never asked for a token")
		}
		time.Sleep(5 * time.Millisecond)
	}
	leased := time.Now()
	start := time.Now()
	outs := make(chan string, 3)
	for range 3 {
		cmd, out := startChild(t, spec)
		go func() { cmd.Wait(); outs <- out.String() }()
	}
	if err := holder.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	holder.Wait()
	for range 3 {
		_, failures, first := report(t, <-outs)
		if failures != 0 {
			t.Error("a replica failed while the lease holder was dead")
		}
		// It waited for the lapse of the dead holder's lease, not longer.
		if waited := start.Add(first).Sub(leased); waited > leaseTTL+3*time.Second {
			t.Errorf("a replica got its token %v after the lease was taken, want within the lease TTL %v (+ process start)", waited, leaseTTL)
		}
	}
	if n := fake.Stats().TokenRequests; n != 2 {
		t.Errorf("token requests = %d, want 2: the dead holder's, and one take-over", n)
	}
}
