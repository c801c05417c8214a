package nitro_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/internal/testkit/flowtest"
	"github.com/nitrokit/nitro/nitrotest"
	"github.com/nitrokit/nitro/sign"
)

// headerLog records one header field of every API request the fake gets.
type headerLog struct {
	name string
	mu   sync.Mutex
	seen []string
}

func (h *headerLog) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/sign/") {
			h.mu.Lock()
			h.seen = append(h.seen, r.Header.Get(h.name))
			h.mu.Unlock()
		}
		next.ServeHTTP(w, r)
	})
}

func (h *headerLog) all() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.seen...)
}

// TestWithHeaderOnEveryAttempt: a call's header reaches every attempt of
// that call, retries included, and no other call.
func TestWithHeaderOnEveryAttempt(t *testing.T) {
	log := &headerLog{name: "X-Correlation-Id"}
	c, srv, _, _ := setup(t, nitro.Config{}, nitrotest.WithMiddleware(log.middleware))
	s := sign.New(c)
	env := flowtest.NewEnvelope(t, s, "Headers")
	flowtest.Must(t, srv.InjectFault(nitrotest.Operation("GetEnvelope"), 1, nitrotest.Fault{Status: 503}))
	if _, err := s.GetEnvelope(context.Background(), env, nitro.WithHeader("x-correlation-id", "c-42")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetEnvelope(context.Background(), env); err != nil {
		t.Fatal(err)
	}
	got := log.all()
	if n := len(got); n < 3 || got[n-3] != "c-42" || got[n-2] != "c-42" || got[n-1] != "" {
		t.Fatalf("X-Correlation-Id per request %q, want c-42 on both attempts of the first call and nothing on the second", got)
	}
}

// TestWithHeaderRefusesWhatTheStackOwns: a header the stack sets itself,
// or one that would inject a line, fails the call with an *OptionError
// before anything is sent.
func TestWithHeaderRefusesWhatTheStackOwns(t *testing.T) {
	c, srv, _, _ := setup(t, nitro.Config{})
	s := sign.New(c)
	before := srv.Stats().Operations["GetEnvelope"]
	for _, opt := range []nitro.CallOption{
		nitro.WithHeader("Authorization", "Bearer mine"),
		nitro.WithHeader("content-length", "1"),
		nitro.WithHeader("X-Evil", "a\r\nInjected: 1"),
		nitro.WithHeader("Bad Name", "v"),
		nitro.WithHeader("X-Ctl", "a\x01b"),
		nitro.WithHeader("X-Del", "a\x7fb"),
		nitro.WithMaxRetries(-1),
		nitro.WithAttemptTimeout(0),
		nitro.WithResponse(nil),
	} {
		_, err := s.GetEnvelope(context.Background(), uuid.New(), opt)
		var oe *nitro.OptionError
		if !errors.As(err, &oe) || nitro.OutcomeOf(err) != nitro.OutcomeNotDone {
			t.Errorf("%v: want an *OptionError, not done", err)
		}
	}
	if n := srv.Stats().Operations["GetEnvelope"] - before; n != 0 {
		t.Fatalf("refused calls sent %d requests", n)
	}
}

// TestWithMaxRetries: a call's budget replaces the Client's, both ways.
func TestWithMaxRetries(t *testing.T) {
	c, srv, _, _ := setup(t, nitro.Config{MaxRetries: -1})
	s := sign.New(c)
	env := flowtest.NewEnvelope(t, s, "Budget")
	flowtest.Must(t, srv.InjectFault(nitrotest.Operation("GetEnvelope"), 3, nitrotest.Fault{Status: 503}))
	before := srv.Stats().Operations["GetEnvelope"]
	if _, err := s.GetEnvelope(context.Background(), env, nitro.WithMaxRetries(5)); err != nil {
		t.Fatalf("a call with 5 retries on a Client with none: %v", err)
	}
	if n := srv.Stats().Operations["GetEnvelope"] - before; n != 4 {
		t.Fatalf("%d requests, want 4", n)
	}

	c2, srv2, _, _ := setup(t, nitro.Config{MaxRetries: 5})
	s2 := sign.New(c2)
	env2 := flowtest.NewEnvelope(t, s2, "Budget")
	flowtest.Must(t, srv2.InjectFault(nitrotest.Operation("GetEnvelope"), 3, nitrotest.Fault{Status: 503}))
	if _, err := s2.GetEnvelope(context.Background(), env2, nitro.WithMaxRetries(0)); !hasStatus(err, 503) {
		t.Fatalf("a call with no retries: %v, want the 503", err)
	}
}

// TestWithIdempotentRetriesAPost: a POST the caller calls idempotent is
// retried after a 503 (which may have been carried out), and its failure
// is retryable, not of unknown outcome; without the option it is sent once.
func TestWithIdempotentRetriesAPost(t *testing.T) {
	c, srv, _, _ := setup(t, nitro.Config{})
	s := sign.New(c)
	ctx := context.Background()
	flowtest.Must(t, srv.InjectFault(nitrotest.Operation("CreateEnvelope"), 1, nitrotest.Fault{Status: 503}))
	before := srv.Stats().Operations["CreateEnvelope"]
	_, err := s.CreateEnvelope(ctx, createBody())
	if !errors.Is(err, nitro.ErrOutcomeUnknown) || srv.Stats().Operations["CreateEnvelope"]-before != 1 {
		t.Fatalf("a plain POST after a 503: %v, want one request of unknown outcome", err)
	}

	flowtest.Must(t, srv.InjectFault(nitrotest.Operation("CreateEnvelope"), 1, nitrotest.Fault{Status: 503}))
	before = srv.Stats().Operations["CreateEnvelope"]
	if _, err := s.CreateEnvelope(ctx, createBody(), nitro.WithIdempotent()); err != nil {
		t.Fatalf("an idempotent POST after a 503: %v", err)
	}
	if n := srv.Stats().Operations["CreateEnvelope"] - before; n != 2 {
		t.Fatalf("%d requests, want 2", n)
	}

	flowtest.Must(t, srv.InjectFault(nitrotest.Operation("CreateEnvelope"), 4, nitrotest.Fault{Status: 503}))
	_, err = s.CreateEnvelope(ctx, createBody(), nitro.WithIdempotent())
	if nitro.OutcomeOf(err) != nitro.OutcomeRetryable || errors.Is(err, nitro.ErrOutcomeUnknown) {
		t.Fatalf("an idempotent POST out of budget: %v (%v), want retryable", err, nitro.OutcomeOf(err))
	}
}

// TestWithResponse: the call's last answer fills the Response, on success
// (status, request ID, attempts, the raw JSON) and on failure (as the
// APIError says).
func TestWithResponse(t *testing.T) {
	c, srv, _, _ := setup(t, nitro.Config{})
	s := sign.New(c)
	ctx := context.Background()
	env := flowtest.NewEnvelope(t, s, "Captured")
	flowtest.Must(t, srv.InjectFault(nitrotest.Operation("GetEnvelope"), 1, nitrotest.Fault{Status: 503}))

	var r nitro.Response
	got, err := s.GetEnvelope(ctx, env, nitro.WithResponse(&r))
	must(t, err)
	var raw struct{ ID uuid.UUID }
	if r.StatusCode != 200 || r.Attempts != 2 || r.RequestID == "" || r.RequestID != r.Header.Get("X-Request-Id") ||
		json.Unmarshal(r.Body, &raw) != nil || raw.ID != got.ID {
		t.Fatalf("success: %+v (body %s), want 200, 2 attempts, a request ID and the envelope's JSON", r, r.Body)
	}

	_, err = s.GetEnvelope(ctx, uuid.New(), nitro.WithResponse(&r))
	var ae *nitro.APIError
	if !errors.As(err, &ae) || r.StatusCode != 404 || r.RequestID != ae.RequestID || string(r.Body) != string(ae.Body) || r.Attempts != 1 {
		t.Fatalf("failure: %+v, want the 404 the APIError %v says", r, err)
	}

	flowtest.Must(t, srv.InjectFault(nitrotest.Operation("CreateEnvelope"), 1, nitrotest.Fault{Drop: true}))
	r = nitro.Response{StatusCode: -1}
	if _, err := s.CreateEnvelope(ctx, createBody(), nitro.WithResponse(&r)); err == nil || r.StatusCode != 0 || r.Attempts != 1 {
		t.Fatalf("no answer: %+v, %v; want only Attempts", r, err)
	}
}

// TestResponseIsRedacted: a server that echoes the token and the secret in
// a header and the body shows neither in the Response.
func TestResponseIsRedacted(t *testing.T) {
	const secret = "s3cret-echoed-back"
	var token string
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/oauth/token" {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"accessToken":"tok-echoed-0123456789","tokenType":"Bearer","expiresIn":3600}`))
			return
		}
		mu.Lock()
		token = strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		mu.Unlock()
		w.Header().Set("X-Echo", token+" "+secret)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"id":"` + uuid.NewString() + `","name":"` + token + ` ` + secret + `"}`))
	}))
	defer srv.Close()
	c, err := nitro.NewClient(nitro.Config{ClientID: "id", ClientSecret: secret, BaseURL: srv.URL})
	must(t, err)
	defer c.Close()
	var r nitro.Response
	if _, err := sign.New(c).GetEnvelope(context.Background(), uuid.New(), nitro.WithResponse(&r)); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, s := range []string{token, secret} {
		if s == "" || strings.Contains(r.Header.Get("X-Echo"), s) || strings.Contains(string(r.Body), s) {
			t.Fatalf("the Response shows %q: %v %s", s, r.Header, r.Body)
		}
	}
}

// TestRetryPolicyShouldRetry: the caller's predicate can refuse a retry
// and allow one the rule would not make, but never repeat a request the
// server may have carried out.
func TestRetryPolicyShouldRetry(t *testing.T) {
	var asked []nitro.RetryAttempt
	var mu sync.Mutex
	decide := func(a nitro.RetryAttempt) bool {
		mu.Lock()
		asked = append(asked, a)
		mu.Unlock()
		return a.StatusCode == 409 || a.StatusCode == 500
	}
	c, srv, _, _ := setup(t, nitro.Config{Retry: nitro.RetryPolicy{ShouldRetry: decide}})
	s := sign.New(c)
	ctx := context.Background()
	env := flowtest.NewEnvelope(t, s, "Policy")
	count := func(op string, call func()) int {
		before := srv.Stats().Operations[op]
		call()
		return srv.Stats().Operations[op] - before
	}

	flowtest.Must(t, srv.InjectFault(nitrotest.Operation("GetEnvelope"), 1, nitrotest.Fault{Status: 503}))
	if n := count("GetEnvelope", func() { _, _ = s.GetEnvelope(ctx, env) }); n != 1 {
		t.Errorf("a vetoed 503 was sent %d times, want 1", n)
	}
	flowtest.Must(t, srv.InjectFault(nitrotest.Operation("GetEnvelope"), 1, nitrotest.Fault{Status: 409}))
	if n := count("GetEnvelope", func() {
		if _, err := s.GetEnvelope(ctx, env); err != nil {
			t.Errorf("an allowed 409's retry: %v", err)
		}
	}); n != 2 {
		t.Errorf("an allowed 409 was sent %d times, want 2", n)
	}
	flowtest.Must(t, srv.InjectFault(nitrotest.Operation("CreateEnvelope"), 1, nitrotest.Fault{Status: 500}))
	if n := count("CreateEnvelope", func() { _, _ = s.CreateEnvelope(ctx, createBody()) }); n != 1 {
		t.Errorf("a POST answered 500 was sent %d times on the predicate's word, want 1", n)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(asked) != 2 || asked[0].StatusCode != 503 || !asked[0].Retry || asked[1].StatusCode != 409 || asked[1].Retry || asked[1].Method != "GET" {
		t.Fatalf("the predicate was asked %+v, want the 503 (default yes) and the 409 (default no), not the POST's 500", asked)
	}
}

// TestRetryPolicyIsValidated: a RetryPolicy that cannot work fails NewClient.
func TestRetryPolicyIsValidated(t *testing.T) {
	for _, p := range []nitro.RetryPolicy{{BaseDelay: -1}, {MaxDelay: -1}, {MaxRetryAfter: -1}, {BaseDelay: 2e9, MaxDelay: 1e9}} {
		_, err := nitro.NewClient(nitro.Config{ClientID: "id", ClientSecret: "a-long-secret", Retry: p})
		var ce *nitro.ConfigError
		if !errors.As(err, &ce) || !strings.HasPrefix(ce.Field, "Retry.") {
			t.Errorf("%+v: %v, want a ConfigError on Retry", p, err)
		}
	}
}

// TestZeroSignClientIsAnError: a nil or zero sign.Client answers every call,
// generated or handwritten, with nitro.ErrNilClient instead of panicking.
func TestZeroSignClientIsAnError(t *testing.T) {
	ctx := context.Background()
	for _, s := range []*sign.Client{nil, {}, sign.New(nil)} {
		if _, err := s.GetEnvelope(ctx, uuid.New()); !errors.Is(err, nitro.ErrNilClient) {
			t.Errorf("GetEnvelope: %v", err)
		}
		if err := s.DeleteEnvelope(ctx, uuid.New()); !errors.Is(err, nitro.ErrNilClient) {
			t.Errorf("DeleteEnvelope: %v", err)
		}
		if _, err := s.CreateParticipant(ctx, uuid.New(), sign.CreateParticipantRequest{}); !errors.Is(err, nitro.ErrNilClient) {
			t.Errorf("CreateParticipant: %v", err)
		}
		if _, err := s.WaitForEnvelopeStatus(ctx, uuid.New(), sign.EnvelopeStatusSealed); !errors.Is(err, nitro.ErrNilClient) {
			t.Errorf("WaitForEnvelopeStatus: %v", err)
		}
		for _, err := range s.ListEnvelopesAutoPaging(ctx) {
			if !errors.Is(err, nitro.ErrNilClient) {
				t.Errorf("ListEnvelopesAutoPaging: %v", err)
			}
		}
		if _, err := s.Raw().GetEnvelope(ctx, uuid.New()); !errors.Is(err, nitro.ErrNilClient) {
			t.Errorf("Raw().GetEnvelope: %v", err)
		}
	}
}

// TestShouldRetryCannotLiftTheLimits: a predicate that always says yes
// waits no longer than MaxRetryAfter, and does not repeat a final auth
// failure.
func TestShouldRetryCannotLiftTheLimits(t *testing.T) {
	yes := func(nitro.RetryAttempt) bool { return true }
	c, srv, sl, _ := setup(t, nitro.Config{Retry: nitro.RetryPolicy{MaxRetryAfter: time.Second, ShouldRetry: yes}})
	s := sign.New(c)
	env := flowtest.NewEnvelope(t, s, "Limits")
	flowtest.Must(t, srv.InjectFault(nitrotest.Operation("GetEnvelope"), 1, nitrotest.Fault{Status: 429, RetryAfter: "4"}))
	if _, err := s.GetEnvelope(context.Background(), env); !nitro.IsRateLimited(err) || len(sl.all()) != 0 {
		t.Fatalf("%v after sleeps %v: want the 429 at once, its 4s over MaxRetryAfter", err, sl.all())
	}

	bad, err := nitro.NewClient(nitro.Config{ClientID: "id", ClientSecret: "wrong-secret-value", BaseURL: srv.URL(),
		Retry: nitro.RetryPolicy{ShouldRetry: yes}})
	must(t, err)
	defer bad.Close()
	before := srv.Stats().TokenRequests
	if _, err := sign.New(bad).GetEnvelope(context.Background(), env); !nitro.IsUnauthorized(err) || strings.Contains(err.Error(), "attempts") {
		t.Fatalf("%v: want the refused credentials, once", err)
	}
	if n := srv.Stats().TokenRequests - before; n != 1 {
		t.Fatalf("%d token requests for refused credentials", n)
	}
}

// TestWithResponseAfterAResend: an answer that broke off is fetched again;
// when that ends the call with a failure, the Response says so, as the
// APIError does; and a reused Response starts empty.
func TestWithResponseAfterAResend(t *testing.T) {
	c, srv, _, _ := setup(t, nitro.Config{MaxRetries: 1})
	s := sign.New(c)
	env := flowtest.NewEnvelope(t, s, "Resent")
	flowtest.Must(t, srv.InjectFault(nitrotest.Operation("GetEnvelope"), 1, nitrotest.Fault{Truncate: true, TruncateAfter: 10}))
	flowtest.Must(t, srv.InjectFault(nitrotest.Operation("GetEnvelope"), 1, nitrotest.Fault{Status: 503}))
	var r nitro.Response
	_, err := s.GetEnvelope(context.Background(), env, nitro.WithResponse(&r))
	var ae *nitro.APIError
	if !errors.As(err, &ae) || r.StatusCode != 503 || r.Attempts != ae.Attempts || string(r.Body) != string(ae.Body) {
		t.Fatalf("%+v for %v, want the 503 the APIError says", r, err)
	}
	if _, err := s.CreateParticipant(context.Background(), env, sign.CreateParticipantRequest{}, nitro.WithResponse(&r)); err == nil || r.StatusCode != 0 || r.Attempts != 0 {
		t.Fatalf("a call refused before sending left %+v (%v), want an empty Response", r, err)
	}
}

// TestRetryPolicyMaxDelayAlone: a MaxDelay below the default base is a
// policy, not a ConfigError about a field left zero; Do(nil) is refused.
func TestRetryPolicyMaxDelayAlone(t *testing.T) {
	c, err := nitro.NewClient(nitro.Config{ClientID: "id", ClientSecret: "a-long-secret", Retry: nitro.RetryPolicy{MaxDelay: 100 * time.Millisecond}})
	if err != nil {
		t.Fatalf("MaxDelay 100ms alone: %v", err)
	}
	defer c.Close()
	if _, err := c.Do(nil); err == nil {
		t.Fatal("Do(nil) succeeded")
	}
	var ae *nitro.APIError
	if nitro.OutcomeOf(ae) != nitro.OutcomeNotDone || ae.Error() == "" {
		t.Fatal("a typed-nil *APIError")
	}
}
