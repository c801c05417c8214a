package nitro_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/auth"
	"github.com/nitrokit/nitro/internal/testkit/flowtest"
	"github.com/nitrokit/nitro/nitrotest"
	"github.com/nitrokit/nitro/sign"
)

func createBody() sign.EnvelopeCreate {
	return sign.EnvelopeCreate{Name: "Retry", Mode: sign.EnvelopeModeParallel, Notification: sign.Notification{Subject: "s", Body: "b"}}
}

func TestRetries(t *testing.T) {
	ctx := context.Background()
	get := func(c *nitro.Client, id uuid.UUID) error {
		_, err := sign.New(c).GetEnvelope(ctx, id)
		return err
	}
	create := func(c *nitro.Client) error {
		_, err := sign.New(c).CreateEnvelope(ctx, createBody())
		return err
	}
	tests := []struct {
		name     string
		cfg      nitro.Config
		op       string
		faults   []nitrotest.Fault
		call     func(c *nitro.Client, env uuid.UUID) error
		calls    int             // requests the fake saw for op
		slept    []time.Duration // exact sleeps, when the server set them
		errCheck func(error) bool
	}{
		{name: "429 Retry-After seconds is honoured", op: "GetEnvelope",
			faults: []nitrotest.Fault{{Status: 429, RetryAfter: "2"}},
			call:   func(c *nitro.Client, env uuid.UUID) error { return get(c, env) }, calls: 2, slept: []time.Duration{2 * time.Second}},
		{name: "429 Retry-After date beyond the longest honoured ends the call", op: "GetEnvelope",
			faults: []nitrotest.Fault{{Status: 429, RetryAfter: time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)}},
			call:   func(c *nitro.Client, env uuid.UUID) error { return get(c, env) }, calls: 1, slept: []time.Duration{},
			errCheck: func(err error) bool {
				var ae *nitro.APIError
				return nitro.IsRateLimited(err) && errors.As(err, &ae) && ae.RetryAfter != "" && nitro.OutcomeOf(err) == nitro.OutcomeRetryable
			}},
		{name: "429 Retry-After within a raised MaxRetryAfter is honoured", cfg: nitro.Config{Retry: nitro.RetryPolicy{MaxRetryAfter: 2 * time.Minute}}, op: "GetEnvelope",
			faults: []nitrotest.Fault{{Status: 429, RetryAfter: "90"}},
			call:   func(c *nitro.Client, env uuid.UUID) error { return get(c, env) }, calls: 2, slept: []time.Duration{90 * time.Second}},
		{name: "429 Retry-After past the default longest is not waited for", op: "GetEnvelope",
			faults: []nitrotest.Fault{{Status: 429, RetryAfter: "90"}},
			call:   func(c *nitro.Client, env uuid.UUID) error { return get(c, env) }, calls: 1, slept: []time.Duration{},
			errCheck: nitro.IsRateLimited},
		{name: "503 twice, then success", op: "GetEnvelope",
			faults: []nitrotest.Fault{{Status: 503}, {Status: 503}},
			call:   func(c *nitro.Client, env uuid.UUID) error { return get(c, env) }, calls: 3},
		{name: "a POST is not replayed after a 500", op: "CreateEnvelope",
			faults:   []nitrotest.Fault{{Status: 500}},
			call:     func(c *nitro.Client, _ uuid.UUID) error { return create(c) },
			calls:    1,
			errCheck: func(err error) bool { return hasStatus(err, 500) && !strings.Contains(err.Error(), "attempts") }},
		{name: "a POST is replayed after a 429", op: "CreateEnvelope",
			faults: []nitrotest.Fault{{Status: 429, RetryAfter: "1"}},
			call:   func(c *nitro.Client, _ uuid.UUID) error { return create(c) }, calls: 2, slept: []time.Duration{time.Second}},
		{name: "a POST is not replayed after the connection drops", op: "CreateEnvelope",
			faults:   []nitrotest.Fault{{Drop: true}},
			call:     func(c *nitro.Client, _ uuid.UUID) error { return create(c) },
			calls:    1,
			errCheck: func(err error) bool { return err != nil }},
		{name: "a GET is replayed after the connection drops", op: "GetEnvelope",
			faults: []nitrotest.Fault{{Drop: true}},
			call:   func(c *nitro.Client, env uuid.UUID) error { return get(c, env) }, calls: 2},
		{name: "the budget runs out", op: "GetEnvelope",
			faults: []nitrotest.Fault{{Status: 503}, {Status: 502}, {Status: 500}, {Status: 504}, {Status: 503}},
			call:   func(c *nitro.Client, env uuid.UUID) error { return get(c, env) },
			calls:  4,
			errCheck: func(err error) bool {
				var ae *nitro.APIError
				return errors.As(err, &ae) && ae.StatusCode == 504 && ae.Attempts == 4 && strings.HasPrefix(err.Error(), "after 4 attempts: ")
			}},
		{name: "a 404 is not retried", op: "GetEnvelope",
			call:     func(c *nitro.Client, _ uuid.UUID) error { return get(c, uuid.New()) },
			calls:    1,
			errCheck: nitro.IsNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, srv, sl, _ := setup(t, tt.cfg)
			env := flowtest.NewEnvelope(t, sign.New(c), "Retry")
			before := srv.Stats().Operations[tt.op]
			for _, f := range tt.faults {
				flowtest.Must(t, srv.InjectFault(nitrotest.Operation(tt.op), 1, f))
			}
			err := tt.call(c, env)
			if tt.errCheck == nil && err != nil {
				t.Fatalf("call failed: %v", err)
			}
			if tt.errCheck != nil && !tt.errCheck(err) {
				t.Fatalf("error %v is not what was expected", err)
			}
			if n := srv.Stats().Operations[tt.op] - before; n != tt.calls {
				t.Errorf("%s was sent %d times, want %d", tt.op, n, tt.calls)
			}
			if tt.slept != nil && !equalDurations(sl.all(), tt.slept) {
				t.Errorf("slept %v, want %v", sl.all(), tt.slept)
			}
		})
	}
}

func equalDurations(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestBackoffIsJitteredAndBounded(t *testing.T) {
	c, srv, sl, logs := setup(t, nitro.Config{MaxRetries: 5})
	env := flowtest.NewEnvelope(t, sign.New(c), "x")
	flowtest.Must(t, srv.InjectFault(nitrotest.Operation("GetEnvelope"), 5, nitrotest.Fault{Status: 503}))
	_, err := sign.New(c).GetEnvelope(context.Background(), env)
	must(t, err)
	d := sl.all()
	if len(d) != 5 {
		t.Fatalf("slept %v, want 5 sleeps", d)
	}
	for i, x := range d {
		ceil := min(500*time.Millisecond<<i, 30*time.Second)
		if x < ceil/2 || x > ceil {
			t.Errorf("sleep %d = %v, want within [%v, %v]", i+1, x, ceil/2, ceil)
		}
	}
	if strings.Count(logs.String(), "nitro: retrying") != 5 {
		t.Errorf("retries are not logged:\n%s", logs)
	}
}

func TestRetrySleepHonoursCancel(t *testing.T) {
	c, srv, _, _ := setup(t, nitro.Config{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	nitro.SetRetrySleep(c, func(ctx context.Context, d time.Duration) error { cancel(); <-ctx.Done(); return ctx.Err() })
	env := flowtest.NewEnvelope(t, sign.New(c), "x")
	flowtest.Must(t, srv.InjectFault(nitrotest.Operation("GetEnvelope"), 1, nitrotest.Fault{Status: 503, RetryAfter: "1"}))
	if _, err := sign.New(c).GetEnvelope(ctx, env); !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want the context's cancellation", err)
	}
}

// TestDelayBeyondTheDeadlineReturnsTheLastAnswer: a wait the caller's
// deadline cannot fit is not started, and the answer that asked for it is
// returned, not a bare deadline error.
func TestDelayBeyondTheDeadlineReturnsTheLastAnswer(t *testing.T) {
	for _, status := range []int{429, 503} {
		c, srv, sl, _ := setup(t, nitro.Config{})
		env := flowtest.NewEnvelope(t, sign.New(c), "x")
		flowtest.Must(t, srv.InjectFault(nitrotest.Operation("GetEnvelope"), 1, nitrotest.Fault{Status: status, RetryAfter: "86400"}))
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		_, err := sign.New(c).GetEnvelope(ctx, env)
		cancel()
		var ae *nitro.APIError
		if !errors.As(err, &ae) || ae.StatusCode != status || ae.RetryAfter != "86400" || ae.Attempts != 1 || errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%d: got %v, want the %d as an APIError with its Retry-After", status, err, status)
		}
		if len(sl.all()) != 0 {
			t.Errorf("%d: slept %v for a wait that cannot fit", status, sl.all())
		}
	}
}

// TestFinalAuthErrorsEndTheCall: what the auth layer reports as final (a
// wrong secret) ends the call at once, with one token request and no retry.
// (A URL auth refuses is a shouldRetry row in transport_test.go: Do refuses
// any other host before auth could see it.)
func TestFinalAuthErrorsEndTheCall(t *testing.T) {
	t.Run("wrong secret", func(t *testing.T) {
		_, srv, sl, _ := setup(t, nitro.Config{})
		c2, err := nitro.NewClient(nitro.Config{ClientID: srv.Credentials().ClientID, ClientSecret: "wrong", BaseURL: srv.URL()})
		must(t, err)
		defer c2.Close()
		nitro.SetRetrySleep(c2, sl.sleep)
		before := srv.Stats().TokenRequests
		_, err = sign.New(c2).ListEnvelopes(context.Background(), sign.ListEnvelopesParams{})
		var ae *auth.Error
		if !errors.As(err, &ae) || strings.Contains(err.Error(), "attempts") {
			t.Errorf("got %v, want the auth.Error of one attempt", err)
		}
		if n := srv.Stats().TokenRequests - before; n != 1 || len(sl.all()) != 0 {
			t.Errorf("%d token requests and sleeps %v, want 1 and none", n, sl.all())
		}
	})
}

// TestTokenEndpointFailureSpendsOneBudget: a token endpoint answering 500
// costs one retry budget per call, not the auth layer's budget times the
// API layer's: each API attempt's token fetch makes one token request (the
// API layer owns the budget), so 4 attempts are 4 requests and 3 of this
// layer's sleeps, none of auth's.
func TestTokenEndpointFailureSpendsOneBudget(t *testing.T) {
	srv := nitrotest.NewServer(nitrotest.WithPageSize(50))
	defer srv.Close()
	creds := srv.Credentials()
	c, err := nitro.NewClient(nitro.Config{ClientID: creds.ClientID, ClientSecret: creds.ClientSecret, BaseURL: srv.URL()})
	must(t, err)
	defer c.Close()
	sl := &sleeps{}
	nitro.SetRetrySleep(c, sl.sleep)
	flowtest.Must(t, srv.InjectFault(nitrotest.TokenEndpoint, 100, nitrotest.Fault{Status: 500}))
	_, err = sign.New(c).ListEnvelopes(context.Background(), sign.ListEnvelopesParams{})
	var ae *auth.Error
	if !errors.As(err, &ae) || ae.StatusCode != 500 {
		t.Fatalf("got %v, want the token endpoint's 500", err)
	}
	if n := srv.Stats().TokenRequests; n != 4 || len(sl.all()) != 3 {
		t.Errorf("%d token requests, %d sleeps: want 4 requests (one per API attempt), a sleep between each", n, len(sl.all()))
	}
}

// TestAttemptTimeout runs the attempt timeout through the whole stack; the
// envelope is made by a client with the default timeout, so that a loaded
// machine cannot time out the setup. TestIdleTimeout checks the timing.
func TestAttemptTimeout(t *testing.T) {
	c0, srv, _, _ := setup(t, nitro.Config{})
	env := flowtest.NewEnvelope(t, sign.New(c0), "x")
	creds := srv.Credentials()
	c, err := nitro.NewClient(nitro.Config{ClientID: creds.ClientID, ClientSecret: creds.ClientSecret, BaseURL: srv.URL(), Timeout: 50 * time.Millisecond, MaxRetries: 1})
	must(t, err)
	defer c.Close()
	nitro.SetRetrySleep(c, (&sleeps{}).sleep)
	_, err = c.Token(context.Background()) // the token fetch is not under test
	must(t, err)
	flowtest.Must(t, srv.InjectFault(nitrotest.Operation("GetEnvelope"), 2, nitrotest.Fault{Delay: time.Minute}))
	_, err = sign.New(c).GetEnvelope(context.Background(), env)
	if !errors.Is(err, nitro.ErrAttemptTimeout) || !strings.Contains(err.Error(), "after 2 attempts") {
		t.Errorf("got %v, want two timed-out attempts", err)
	}
}

func TestUnauthorizedMidRunRecoversWithOneTokenRequest(t *testing.T) {
	c, srv, _, _ := setup(t, nitro.Config{})
	env := flowtest.NewEnvelope(t, sign.New(c), "x")
	before := srv.Stats().TokenRequests
	srv.RevokeTokens()
	for range 5 {
		if _, err := sign.New(c).GetEnvelope(context.Background(), env); err != nil {
			t.Fatal(err)
		}
	}
	if n := srv.Stats().TokenRequests - before; n != 1 {
		t.Errorf("recovering from a revoked token took %d token requests, want 1", n)
	}
}

func hasStatus(err error, status int) bool {
	var ae *nitro.APIError
	return errors.As(err, &ae) && ae.StatusCode == status
}

// TestRevokedTokenDuringATokenEndpointBlip: the API refuses the token (401)
// and the token endpoint fails the next fetch with a retryable error. The
// call retries within its budget like any token failure, and succeeds once
// the endpoint is back, a POST included (a refused request did nothing);
// with the endpoint down for the whole budget the caller gets its error,
// not the API's 401, which would say the credentials are wrong.
func TestRevokedTokenDuringATokenEndpointBlip(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		name  string
		fault nitrotest.Fault
		call  func(*sign.Client, uuid.UUID) error
	}{
		{"GET, 503", nitrotest.Fault{Status: 503}, func(c *sign.Client, env uuid.UUID) error { _, err := c.GetEnvelope(ctx, env); return err }},
		{"GET, dropped", nitrotest.Fault{Drop: true}, func(c *sign.Client, env uuid.UUID) error { _, err := c.GetEnvelope(ctx, env); return err }},
		{"POST, 429", nitrotest.Fault{Status: 429, RetryAfter: "1"}, func(c *sign.Client, _ uuid.UUID) error { _, err := c.CreateEnvelope(ctx, createBody()); return err }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, srv, _, _ := setup(t, nitro.Config{})
			s := sign.New(c)
			env := flowtest.NewEnvelope(t, s, "x")
			srv.RevokeTokens()
			flowtest.Must(t, srv.InjectFault(nitrotest.TokenEndpoint, 1, tt.fault))
			if err := tt.call(s, env); err != nil {
				t.Fatalf("one failed token fetch ended the call: %v", err)
			}

			srv.RevokeTokens()
			flowtest.Must(t, srv.InjectFault(nitrotest.TokenEndpoint, 100, tt.fault))
			before := srv.Stats().TokenRequests
			err := tt.call(s, env)
			var ae *auth.Error
			if !errors.As(err, &ae) || !ae.Retryable || nitro.IsUnauthorized(err) {
				t.Errorf("the endpoint down: got %v, want the token endpoint's retryable error", err)
			}
			if n := srv.Stats().TokenRequests - before; n != 4 {
				t.Errorf("%d token requests, want 4: one per attempt of the call's budget", n)
			}
		})
	}
}
