package soak

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/internal/testkit/lossy"
	"github.com/nitrokit/nitro/nitrotest"
	"github.com/nitrokit/nitro/pdf"
	"github.com/nitrokit/nitro/sign"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var soakFor = flag.Duration("soak", 0, "how long the fault soak starts new flows (default: $NITRO_SOAK, else 3s)")

// soakDuration is how long workers start new flows: -soak, else
// NITRO_SOAK, else a few seconds, for make test.
func soakDuration(t *testing.T) time.Duration {
	if *soakFor > 0 {
		return *soakFor
	}
	if v := os.Getenv("NITRO_SOAK"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			t.Fatalf("NITRO_SOAK=%q: want a positive duration, such as 3m", v)
		}
		return d
	}
	return 3 * time.Second
}

const (
	workers   = 32
	faultRate = 6 // one fault injected per faultRate calls
	maxTries  = 12
	flowLimit = 2 * time.Minute
	// attemptTimeout is the client's Timeout. An attempt that times out
	// while its request is still on its way (in the proxy, or in the fake
	// before it acts) leaves that request free to act after the worker has
	// reconciled: a create made twice, which no client can rule out. Only
	// the stalled answers should time out, and those stall after the fake
	// acted. At 2 s, a race-enabled soak among others on a loaded machine
	// timed out requests still on their way: 1 run in 40 (8 soaks at once
	// beside 8 busy loops on 2 cores) made an envelope twice.
	attemptTimeout = 10 * time.Second
)

// run is one soak: the fake behind the lossy proxy, one Client for every
// worker, and what happened.
type run struct {
	t      *testing.T
	srv    *nitrotest.Server
	proxy  *lossy.Proxy
	nc     *nitro.Client
	s      *sign.Client
	p      *pdf.Client
	secret string

	calls, failures, faults       atomic.Int64
	found, notFound, lostMidFlows atomic.Int64

	mu       sync.Mutex
	refused  int // 401s after a revocation
	outcomes map[nitro.Outcome]int
	byFault  map[string]int
	byStep   map[string]int
	flows    map[string]int
	problems []string
}

// TestFaultSoak: 32 workers run whole signing and PDF flows while random
// faults hit random operations and the token endpoint; see the package doc.
func TestFaultSoak(t *testing.T) {
	d := soakDuration(t)
	r := newRun(t)
	start := time.Now()
	deadline := start.Add(d)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := 0; time.Now().Before(deadline); i++ {
				r.flow(w, i)
			}
		})
	}
	wg.Wait()
	took := time.Since(start)
	r.checkNothingLeft()
	r.report(took)
}

func newRun(t *testing.T) *run {
	srv := nitrotest.NewServer(nitrotest.WithPageSize(20))
	t.Cleanup(srv.Close)
	proxy := lossy.New(srv.URL())
	t.Cleanup(proxy.Close)
	creds := srv.Credentials()
	r := &run{t: t, srv: srv, proxy: proxy, secret: creds.ClientSecret,
		outcomes: map[nitro.Outcome]int{}, byFault: map[string]int{}, byStep: map[string]int{}, flows: map[string]int{}}
	nc, err := nitro.NewClient(nitro.Config{ClientID: creds.ClientID, ClientSecret: creds.ClientSecret, BaseURL: proxy.URL(),
		Timeout: attemptTimeout, Logger: slog.New(slog.NewTextHandler(&scanner{r: r}, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	r.nc, r.s, r.p = nc, sign.New(nc), pdf.New(nc)
	return r
}

// flow runs worker w's i-th flow: three signing flows for one PDF flow.
func (r *run) flow(w, i int) {
	ctx, cancel := context.WithTimeout(context.Background(), flowLimit)
	defer cancel()
	name := fmt.Sprintf("soak-%d-%d", w, i)
	kind, do := "sign", r.signFlow
	if (w+i)%4 == 3 {
		kind, do = "pdf", r.pdfFlow
	}
	if err := do(ctx, name); err != nil {
		r.lostMidFlows.Add(1)
		r.problem("%s flow %s did not finish: %v", kind, name, err)
		return
	}
	r.mu.Lock()
	r.flows[kind]++
	r.mu.Unlock()
}

// call makes one call, after maybe injecting a fault, and records and
// checks its failure.
func (r *run) call(ctx context.Context, step string, do func(context.Context) error) error {
	if r.calls.Add(1)%faultRate == 0 {
		r.injectFault()
	}
	err := do(ctx)
	if err != nil {
		r.record(step, err)
	}
	return err
}

// step runs do until it succeeds, as a careful caller would: a retryable
// failure is tried again after a pause; an unknown one is reconciled with
// found (when the step makes something): found, the step is done, else it
// is tried again. A create whose failure says retryable or not done must
// have made nothing: found is asked then too. Not done is the flow's end.
func (r *run) step(ctx context.Context, name string, do func(context.Context) error, found func(context.Context) (bool, error)) error {
	for try := 1; ; try++ {
		err := r.call(ctx, name, do)
		if err == nil {
			return nil
		}
		o := nitro.OutcomeOf(err)
		if found != nil {
			made, ferr := r.ask(ctx, name+" (reconcile)", found)
			switch {
			case ferr != nil:
				return ferr
			case made && o != nitro.OutcomeUnknown:
				r.problem("%s: the error says %v, yet it was done: %v", name, o, err)
				return nil
			case made:
				r.found.Add(1)
				return nil
			case o == nitro.OutcomeUnknown:
				r.notFound.Add(1)
			}
		}
		if (o == nitro.OutcomeNotDone && !nitro.IsUnauthorized(err)) || try >= maxTries || ctx.Err() != nil {
			return fmt.Errorf("%s, try %d: %w", name, try, err)
		}
		time.Sleep(time.Duration(try) * 20 * time.Millisecond)
	}
}

// ask runs a read (a reconciliation, a check) until it answers: reads are
// retryable whatever faults hit them.
func (r *run) ask(ctx context.Context, name string, read func(context.Context) (bool, error)) (bool, error) {
	var yes bool
	err := r.step(ctx, name, func(ctx context.Context) (err error) {
		yes, err = read(ctx)
		return err
	}, nil)
	return yes, err
}

// record counts a failure and checks what its error says.
func (r *run) record(step string, err error) {
	r.failures.Add(1)
	o := nitro.OutcomeOf(err)
	text := fmt.Sprintf("%v %+v", err, err)
	r.mu.Lock()
	r.outcomes[o]++
	r.byStep[step]++
	r.mu.Unlock()
	switch {
	case o != nitro.OutcomeRetryable && o != nitro.OutcomeUnknown && o != nitro.OutcomeNotDone:
		r.problem("%s: OutcomeOf(%v) = %v", step, err, o)
	case o == nitro.OutcomeNotDone && nitro.IsUnauthorized(err):
		// The soak revokes every token now and then; a call that is
		// refused with the token fetched just before a revocation says
		// so truly: not done, the token refused. It is tried again.
		r.mu.Lock()
		r.refused++
		r.mu.Unlock()
	case o == nitro.OutcomeNotDone:
		r.problem("%s: not done, though its input is valid: %v", step, err)
	case (o == nitro.OutcomeUnknown) != errors.Is(err, nitro.ErrOutcomeUnknown):
		r.problem("%s: outcome %v, but errors.Is(ErrOutcomeUnknown) disagrees: %v", step, o, err)
	case (o == nitro.OutcomeUnknown) != strings.Contains(err.Error(), "outcome unknown"):
		r.problem("%s: outcome %v, but the text disagrees: %v", step, o, err)
	}
	if r.leaks(text) {
		r.problem("%s: the error holds a secret: %s", step, text)
	}
}

// leaks reports whether s holds the client secret or a token (the fake's
// are JWTs: their header's encoding).
func (r *run) leaks(s string) bool {
	return strings.Contains(s, r.secret) || strings.Contains(s, "eyJhbGci")
}

func (r *run) problem(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.problems) < 100 {
		r.problems = append(r.problems, fmt.Sprintf(format, args...))
	}
}

// scanner is the Client's log: each line is checked for a secret, and
// none is kept.
type scanner struct {
	r     *run
	lines atomic.Int64
}

func (s *scanner) Write(p []byte) (int, error) {
	s.lines.Add(1)
	if s.r.leaks(string(p)) {
		s.r.problem("a log line holds a secret: %s", p)
	}
	return len(p), nil
}

// checkNothingLeft: every flow deletes its envelope; none named as a
// soak's may remain.
func (r *run) checkNothingLeft() {
	ctx := context.Background()
	var left []string
	_, err := r.ask(ctx, "ListEnvelopesAutoPaging (the end)", func(ctx context.Context) (bool, error) {
		left = left[:0]
		for env, err := range r.s.ListEnvelopesAutoPaging(ctx) {
			if err != nil {
				return false, err
			}
			if strings.HasPrefix(env.Name, "soak-") {
				left = append(left, env.Name+" "+string(env.Status))
			}
		}
		return true, nil
	})
	if err != nil {
		r.problem("listing what is left: %v", err)
	}
	if len(left) > 0 {
		r.problem("%d envelopes left behind: %v", len(left), left)
	}
}

func (r *run) report(took time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.t.Logf("fault soak: %d workers for %v: %d signing and %d PDF flows whole, %d lost mid-flow; %d calls, %d faults injected, %d calls failed",
		workers, took.Round(time.Millisecond), r.flows["sign"], r.flows["pdf"], r.lostMidFlows.Load(), r.calls.Load(), r.faults.Load(), r.failures.Load())
	r.t.Logf("failures by outcome: retryable %d, outcome unknown %d, not done %d (of which %d refused tokens after a revocation); unknown outcomes reconciled: %d found done, %d found not done",
		r.outcomes[nitro.OutcomeRetryable], r.outcomes[nitro.OutcomeUnknown], r.outcomes[nitro.OutcomeNotDone], r.refused, r.found.Load(), r.notFound.Load())
	r.t.Logf("faults: %s", sortedCounts(r.byFault))
	r.t.Logf("failures by step: %s", sortedCounts(r.byStep))
	if r.flows["sign"] == 0 || r.flows["pdf"] == 0 {
		r.t.Errorf("too few flows finished to judge: %v", r.flows)
	}
	for _, p := range r.problems {
		r.t.Error(p)
	}
}

func sortedCounts(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b bytes.Buffer
	for i, k := range keys {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s %d", k, m[k])
	}
	return b.String()
}
