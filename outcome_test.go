package nitro_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/internal/testkit/flowtest"
	"github.com/nitrokit/nitro/internal/testkit/lossy"
	"github.com/nitrokit/nitro/nitrotest"
	"github.com/nitrokit/nitro/sign"
)

// lossySetup is setup behind a lossy proxy: the client's requests reach
// the fake through it, so a test can lose an answer after the fake acted.
func lossySetup(t *testing.T, cfg nitro.Config) (*nitro.Client, *nitrotest.Server, *lossy.Proxy) {
	t.Helper()
	srv := nitrotest.NewServer(nitrotest.WithPageSize(50), nitrotest.WithSealDelay(-1))
	t.Cleanup(srv.Close)
	p := lossy.New(srv.URL())
	t.Cleanup(p.Close)
	c := clientOn(t, srv, p.URL(), cfg)
	return c, srv, p
}

// clientOn is a Client with srv's credentials on baseURL, whose retries do
// not sleep, with its token fetched.
func clientOn(t *testing.T, srv *nitrotest.Server, baseURL string, cfg nitro.Config) *nitro.Client {
	t.Helper()
	creds := srv.Credentials()
	cfg.ClientID, cfg.ClientSecret, cfg.BaseURL = creds.ClientID, creds.ClientSecret, baseURL
	c, err := nitro.NewClient(cfg)
	must(t, err)
	t.Cleanup(func() { c.Close() })
	nitro.SetRetrySleep(c, (&sleeps{}).sleep)
	_, err = c.Token(context.Background())
	must(t, err)
	return c
}

// envelopesNamed counts the envelopes called name: how a caller reconciles
// a create of unknown outcome.
func envelopesNamed(t *testing.T, s *sign.Client, name string) int {
	t.Helper()
	n := 0
	for env, err := range s.ListEnvelopesAutoPaging(context.Background()) {
		must(t, err)
		if env.Name == name {
			n++
		}
	}
	return n
}

func createNamed(name string) sign.EnvelopeCreate {
	return sign.EnvelopeCreate{Name: name, Mode: sign.EnvelopeModeParallel, Notification: sign.Notification{Subject: "s", Body: "b"}}
}

// TestEveryFailureSaysItsOutcome produces each kind of failure a call can
// meet and checks what its error says about the operation, against what
// the fake did: an unknown outcome is ErrOutcomeUnknown and, where the
// fake did create the envelope, reconciling by its name finds it; a call
// that says not done or retryable created nothing.
func TestEveryFailureSaysItsOutcome(t *testing.T) {
	ctx := context.Background()
	type env struct {
		t     *testing.T // the subtest's
		c     *nitro.Client
		srv   *nitrotest.Server
		proxy *lossy.Proxy
		draft uuid.UUID
	}
	create := func(e env, name string) error {
		_, err := sign.New(e.c).CreateEnvelope(ctx, createNamed(name))
		return err
	}
	get := func(e env, _ string) error {
		_, err := sign.New(e.c).GetEnvelope(ctx, e.draft)
		return err
	}
	postEnvelopes := lossy.Method("POST", "/sign/envelopes")
	getEnvelope := lossy.Method("GET", "/sign/envelopes/")
	tests := []struct {
		name    string
		cfg     nitro.Config
		prepare func(env)
		call    func(env, string) error
		want    nitro.Outcome
		created int // envelopes of the call's name afterwards, for creates
		check   func(*testing.T, error)
	}{
		{name: "POST timed out after the server created it", cfg: nitro.Config{Timeout: time.Second, MaxRetries: -1},
			prepare: func(e env) { e.proxy.LoseNext(1, postEnvelopes, lossy.Stall) }, call: create, want: nitro.OutcomeUnknown, created: 1,
			check: func(t *testing.T, err error) {
				var ne net.Error
				if !errors.As(err, &ne) || !ne.Timeout() || !errors.Is(err, nitro.ErrAttemptTimeout) {
					t.Errorf("%v: want a net.Error whose Timeout is true", err)
				}
			}},
		{name: "POST's connection dropped after the server created it",
			prepare: func(e env) { e.proxy.LoseNext(1, postEnvelopes, lossy.Drop) }, call: create, want: nitro.OutcomeUnknown, created: 1},
		{name: "POST's answer cut after the server created it",
			prepare: func(e env) { e.proxy.LoseNext(1, postEnvelopes, lossy.Cut) }, call: create, want: nitro.OutcomeUnknown, created: 1},
		{name: "POST answered 503",
			prepare: func(e env) {
				flowtest.Must(e.t, e.srv.InjectFault(nitrotest.Operation("CreateEnvelope"), 1, nitrotest.Fault{Status: 503}))
			}, call: create, want: nitro.OutcomeUnknown},
		{name: "POST answered 429 throughout",
			prepare: func(e env) {
				flowtest.Must(e.t, e.srv.InjectFault(nitrotest.Operation("CreateEnvelope"), 4, nitrotest.Fault{Status: 429, RetryAfter: "1"}))
			}, call: create, want: nitro.OutcomeRetryable},
		{name: "GET answered 503 throughout",
			prepare: func(e env) {
				flowtest.Must(e.t, e.srv.InjectFault(nitrotest.Operation("GetEnvelope"), 4, nitrotest.Fault{Status: 503}))
			}, call: get, want: nitro.OutcomeRetryable},
		{name: "GET's answer cut throughout",
			prepare: func(e env) { e.proxy.LoseNext(4, getEnvelope, lossy.Cut) }, call: get, want: nitro.OutcomeRetryable,
			check: func(t *testing.T, err error) {
				if !strings.Contains(err.Error(), "after 4 attempts") {
					t.Errorf("%v: want the attempts named", err)
				}
			}},
		{name: "GET of an unknown envelope", call: func(e env, _ string) error {
			_, err := sign.New(e.c).GetEnvelope(ctx, uuid.New())
			return err
		}, want: nitro.OutcomeNotDone},
		{name: "PATCH refused as invalid", call: func(e env, _ string) error {
			_, err := sign.New(e.c).UpdateEnvelope(ctx, e.draft, sign.EnvelopeUpdate{Name: nitro.Ptr("")})
			return err
		}, want: nitro.OutcomeNotDone},
		{name: "a body refused before sending", call: func(e env, _ string) error {
			_, err := sign.New(e.c).CreateField(ctx, e.draft, uuid.New(), sign.CreateFieldRequest{})
			return err
		}, want: nitro.OutcomeNotDone},
		{name: "token endpoint down throughout", prepare: func(e env) {
			e.srv.RevokeTokens()
			flowtest.Must(e.t, e.srv.InjectFault(nitrotest.TokenEndpoint, 4, nitrotest.Fault{Status: 503})) // one per attempt
		}, call: create, want: nitro.OutcomeRetryable},
		{name: "credentials refused", prepare: func(e env) {
			e.srv.RevokeTokens()
			flowtest.Must(e.t, e.srv.InjectFault(nitrotest.TokenEndpoint, 1, nitrotest.Fault{Status: 401, Body: `{"error":"invalid_client"}`, ContentType: "application/json"}))
		}, call: create, want: nitro.OutcomeNotDone},
		{name: "the caller gave up first", call: func(e env, name string) error {
			ctx, cancel := context.WithCancel(ctx)
			cancel()
			_, err := sign.New(e.c).CreateEnvelope(ctx, createNamed(name))
			return err
		}, want: nitro.OutcomeRetryable},
		{name: "a nil Client", call: func(env, string) error {
			_, err := sign.New(nil).GetEnvelope(ctx, uuid.New())
			return err
		}, want: nitro.OutcomeNotDone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, srv, p := lossySetup(t, nitro.Config{})
			e := env{t: t, c: c, srv: srv, proxy: p, draft: flowtest.NewEnvelope(t, sign.New(c), "draft")}
			e.c = clientOn(t, srv, p.URL(), tt.cfg)
			if tt.prepare != nil {
				tt.prepare(e)
			}
			name := "call " + uuid.NewString()
			err := tt.call(e, name)
			if got := nitro.OutcomeOf(err); got != tt.want {
				t.Fatalf("OutcomeOf(%v) = %v, want %v", err, got, tt.want)
			}
			if unknown := errors.Is(err, nitro.ErrOutcomeUnknown); unknown != (tt.want == nitro.OutcomeUnknown) {
				t.Errorf("errors.Is(%v, ErrOutcomeUnknown) = %v", err, unknown)
			}
			if unknown := strings.Contains(err.Error(), "outcome unknown"); unknown != (tt.want == nitro.OutcomeUnknown) {
				t.Errorf("the text of %v says outcome unknown: %v", err, unknown)
			}
			if tt.check != nil {
				tt.check(t, err)
			}
			if n := envelopesNamed(t, sign.New(c), name); n != tt.created {
				t.Errorf("%d envelopes named as the call's, want %d", n, tt.created)
			}
		})
	}
	if got := nitro.OutcomeOf(nil); got != nitro.OutcomeDone {
		t.Errorf("OutcomeOf(nil) = %v", got)
	}
}

// TestTruncatedGETIsRetried: a GET whose answer breaks off mid-body is sent
// again within the call's budget, and the caller gets the envelope.
func TestTruncatedGETIsRetried(t *testing.T) {
	c, srv, _, _ := setup(t, nitro.Config{})
	s := sign.New(c)
	env := flowtest.NewEnvelope(t, s, "x")
	for _, n := range []int{1, 3} {
		before := srv.Stats().Operations["GetEnvelope"]
		flowtest.Must(t, srv.InjectFault(nitrotest.Operation("GetEnvelope"), n, nitrotest.Fault{Truncate: true, TruncateAfter: 20}))
		got, err := s.GetEnvelope(context.Background(), env)
		if err != nil || got.ID != env {
			t.Fatalf("%d cut answers: %v, %v; want the envelope", n, got.ID, err)
		}
		if sent := srv.Stats().Operations["GetEnvelope"] - before; sent != n+1 {
			t.Errorf("%d cut answers: %d requests, want %d", n, sent, n+1)
		}
	}
}

// TestAutoPagingSurvivesACutPage: a page whose answer breaks off is fetched
// again, so the walk lists every envelope once.
func TestAutoPagingSurvivesACutPage(t *testing.T) {
	c, srv, _, _ := setup(t, nitro.Config{}, nitrotest.WithPageSize(3))
	s := sign.New(c)
	want := map[uuid.UUID]bool{}
	for range 10 {
		want[flowtest.NewEnvelope(t, s, "page")] = true
	}
	seen := map[uuid.UUID]int{}
	pages := 0
	for env, err := range s.ListEnvelopesAutoPaging(context.Background()) {
		if err != nil {
			t.Fatalf("the walk ended: %v", err)
		}
		if seen[env.ID]++; len(seen) == 4 && pages == 0 { // into the second page: cut the third
			pages++
			flowtest.Must(t, srv.InjectFault(nitrotest.Operation("ListEnvelopes"), 1, nitrotest.Fault{Truncate: true, TruncateAfter: 40}))
		}
	}
	for id := range want {
		if seen[id] != 1 {
			t.Errorf("envelope %s listed %d times", id, seen[id])
		}
	}
}

// TestRetriedDeleteFindingTheResourceGoneSucceeds: the first attempt of a
// DELETE is carried out and its answer lost; the retry finds the resource
// gone (a 404, or deleteEnvelope's 400 "already deleted") and that is the
// delete's success. Without an earlier attempt that may have run, gone is
// still an error: the caller may have the wrong ID.
func TestRetriedDeleteFindingTheResourceGoneSucceeds(t *testing.T) {
	ctx := context.Background()
	c, _, p := lossySetup(t, nitro.Config{})
	s := sign.New(c)
	env := flowtest.NewEnvelope(t, s, "x")
	doc := flowtest.UploadDoc(t, s, env, 1)

	p.LoseNext(1, lossy.Method("DELETE", "/sign/envelopes/"), lossy.Drop)
	if err := s.DeleteDocument(ctx, env, doc); err != nil {
		t.Errorf("DeleteDocument, answer lost, retry found it gone (404): %v", err)
	}
	p.LoseNext(1, lossy.Method("DELETE", "/sign/envelopes/"), lossy.Drop)
	if err := s.DeleteEnvelope(ctx, env); err != nil {
		t.Errorf("DeleteEnvelope, answer lost, retry found it already deleted (400): %v", err)
	}
	if p.Lost() != 2 {
		t.Errorf("%d answers lost, want 2", p.Lost())
	}
	if err := s.DeleteEnvelope(ctx, env); err == nil || !hasStatus(err, 400) {
		t.Errorf("deleting it again, first attempt: %v, want the 400", err)
	}
	if err := s.DeleteEnvelope(ctx, uuid.New()); err == nil {
		t.Errorf("deleting an unknown envelope succeeded")
	}
}

// servedThen502 serves the first request matching method and suffix, then
// answers 502 in its place, as a proxy that lost the answer would.
func servedThen502(method, suffix string) func(http.Handler) http.Handler {
	var once sync.Once
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			first := false
			if r.Method == method && strings.HasSuffix(r.URL.Path, suffix) {
				once.Do(func() { first = true })
			}
			if first {
				next.ServeHTTP(httptest.NewRecorder(), r)
				http.Error(w, "bad gateway", http.StatusBadGateway)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// TestRefusalAfterAnAttemptThatMayHaveRun: a PUT carried out whose answer
// was lost (502) is retried, and the retry is refused because the first
// did it (409: already cancelled). That refusal cannot say the operation
// was not done: its outcome is unknown.
func TestRefusalAfterAnAttemptThatMayHaveRun(t *testing.T) {
	c, _, _, _ := setup(t, nitro.Config{}, nitrotest.WithMiddleware(servedThen502(http.MethodPut, ":cancel")))
	s := sign.New(c)
	env, _, _ := flowtest.SentEnvelope(t, s)
	_, err := s.CancelEnvelope(context.Background(), env)
	got, gerr := s.GetEnvelope(context.Background(), env)
	must(t, gerr)
	if got.Status != sign.EnvelopeStatusCancelled {
		t.Fatalf("the fake did not cancel: %s", got.Status)
	}
	if !nitro.IsConflict(err) || nitro.OutcomeOf(err) != nitro.OutcomeUnknown || !errors.Is(err, nitro.ErrOutcomeUnknown) {
		t.Fatalf("%v (%v), want the 409 of unknown outcome", err, nitro.OutcomeOf(err))
	}
}
