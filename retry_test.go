package nitro

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nitrokit/nitro/gen/signapi"
	"github.com/nitrokit/nitro/internal/flowtest"
	"github.com/nitrokit/nitro/nitrotest"
)

func createBody() signapi.CreateEnvelopeJSONRequestBody {
	return signapi.CreateEnvelopeJSONRequestBody{Name: "Retry", Mode: signapi.EnvelopeCreateModeParallel, Notification: signapi.Notification{Subject: "s", Body: "b"}}
}

func TestRetries(t *testing.T) {
	ctx := context.Background()
	get := func(c *Client, id uuid.UUID) error {
		_, err := Check(c.GetEnvelopeWithResponse(ctx, id))
		return err
	}
	create := func(c *Client) error {
		_, err := Check(c.CreateEnvelopeWithResponse(ctx, createBody()))
		return err
	}
	tests := []struct {
		name     string
		op       string
		faults   []nitrotest.Fault
		call     func(c *Client, env uuid.UUID) error
		calls    int             // requests the fake saw for op
		slept    []time.Duration // exact sleeps, when the server set them
		errCheck func(error) bool
	}{
		{name: "429 Retry-After seconds is honoured", op: "GetEnvelope",
			faults: []nitrotest.Fault{{Status: 429, RetryAfter: "2"}},
			call:   func(c *Client, env uuid.UUID) error { return get(c, env) }, calls: 2, slept: []time.Duration{2 * time.Second}},
		{name: "429 Retry-After date is honoured", op: "GetEnvelope",
			faults: []nitrotest.Fault{{Status: 429, RetryAfter: time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)}},
			call:   func(c *Client, env uuid.UUID) error { return get(c, env) }, calls: 2, slept: []time.Duration{30 * time.Second}},
		{name: "503 twice, then success", op: "GetEnvelope",
			faults: []nitrotest.Fault{{Status: 503}, {Status: 503}},
			call:   func(c *Client, env uuid.UUID) error { return get(c, env) }, calls: 3},
		{name: "a POST is not replayed after a 500", op: "CreateEnvelope",
			faults:   []nitrotest.Fault{{Status: 500}},
			call:     func(c *Client, _ uuid.UUID) error { return create(c) },
			calls:    1,
			errCheck: func(err error) bool { return hasStatus(err, 500) && !strings.Contains(err.Error(), "attempts") }},
		{name: "a POST is replayed after a 429", op: "CreateEnvelope",
			faults: []nitrotest.Fault{{Status: 429, RetryAfter: "1"}},
			call:   func(c *Client, _ uuid.UUID) error { return create(c) }, calls: 2, slept: []time.Duration{time.Second}},
		{name: "a POST is not replayed after the connection drops", op: "CreateEnvelope",
			faults:   []nitrotest.Fault{{Drop: true}},
			call:     func(c *Client, _ uuid.UUID) error { return create(c) },
			calls:    1,
			errCheck: func(err error) bool { return err != nil }},
		{name: "a GET is replayed after the connection drops", op: "GetEnvelope",
			faults: []nitrotest.Fault{{Drop: true}},
			call:   func(c *Client, env uuid.UUID) error { return get(c, env) }, calls: 2},
		{name: "the budget runs out", op: "GetEnvelope",
			faults: []nitrotest.Fault{{Status: 503}, {Status: 502}, {Status: 500}, {Status: 504}, {Status: 503}},
			call:   func(c *Client, env uuid.UUID) error { return get(c, env) },
			calls:  4,
			errCheck: func(err error) bool {
				var ae *APIError
				return errors.As(err, &ae) && ae.StatusCode == 504 && ae.Attempts == 4 && strings.HasPrefix(err.Error(), "after 4 attempts: ")
			}},
		{name: "a 404 is not retried", op: "GetEnvelope",
			call:     func(c *Client, _ uuid.UUID) error { return get(c, uuid.New()) },
			calls:    1,
			errCheck: IsNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, srv, sl, _ := setup(t, Config{})
			env := flowtest.NewEnvelope(t, c.ClientWithResponses, "Retry")
			before := srv.Stats().Operations[tt.op]
			for _, f := range tt.faults {
				srv.InjectFault(nitrotest.Operation(tt.op), 1, f)
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
	c, srv, sl, logs := setup(t, Config{MaxRetries: 5})
	env := flowtest.NewEnvelope(t, c.ClientWithResponses, "x")
	srv.InjectFault(nitrotest.Operation("GetEnvelope"), 5, nitrotest.Fault{Status: 503})
	_, err := Check(c.GetEnvelopeWithResponse(context.Background(), env))
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

func TestRetrySleepHonoursContext(t *testing.T) {
	c, srv, _, _ := setup(t, Config{})
	c.retrying.sleep = func(ctx context.Context, d time.Duration) error { <-ctx.Done(); return ctx.Err() }
	env := flowtest.NewEnvelope(t, c.ClientWithResponses, "x")
	srv.InjectFault(nitrotest.Operation("GetEnvelope"), 1, nitrotest.Fault{Status: 503, RetryAfter: "3600"})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := Check(c.GetEnvelopeWithResponse(ctx, env)); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("got %v, want the context's deadline", err)
	}
}

func TestAttemptTimeout(t *testing.T) {
	c, srv, _, _ := setup(t, Config{Timeout: 50 * time.Millisecond, MaxRetries: 1})
	env := flowtest.NewEnvelope(t, c.ClientWithResponses, "x")
	srv.InjectFault(nitrotest.Operation("GetEnvelope"), 2, nitrotest.Fault{Delay: time.Second})
	_, err := Check(c.GetEnvelopeWithResponse(context.Background(), env))
	if !errors.Is(err, errAttemptTimeout) || !strings.Contains(err.Error(), "after 2 attempts") {
		t.Errorf("got %v, want two timed-out attempts", err)
	}
}

func TestUnauthorizedMidRunRecoversWithOneTokenRequest(t *testing.T) {
	c, srv, _, _ := setup(t, Config{})
	env := flowtest.NewEnvelope(t, c.ClientWithResponses, "x")
	before := srv.Stats().TokenRequests
	srv.RevokeTokens()
	for range 5 {
		if _, err := Check(c.GetEnvelopeWithResponse(context.Background(), env)); err != nil {
			t.Fatal(err)
		}
	}
	if n := srv.Stats().TokenRequests - before; n != 1 {
		t.Errorf("recovering from a revoked token took %d token requests, want 1", n)
	}
}

func TestShouldRetry(t *testing.T) {
	rt := &retryTransport{now: time.Now}
	stream := func() *http.Request {
		r, _ := http.NewRequest(http.MethodPut, "https://x/", nil)
		r.Body = struct{ io.ReadCloser }{io.NopCloser(strings.NewReader("s"))} // no GetBody
		return r
	}
	req := func(method string) *http.Request {
		r, _ := http.NewRequest(method, "https://x/", strings.NewReader("{}"))
		return r
	}
	resp := func(code int) *http.Response { return &http.Response{StatusCode: code, Header: http.Header{}} }
	connErr := errors.New("connection reset")
	tests := []struct {
		name  string
		req   *http.Request
		resp  *http.Response
		err   error
		wrote bool
		want  bool
	}{
		{"GET 503", req(http.MethodGet), resp(503), nil, true, true},
		{"PUT 500", req(http.MethodPut), resp(500), nil, true, true},
		{"DELETE 408", req(http.MethodDelete), resp(408), nil, true, true},
		{"GET connection error", req(http.MethodGet), nil, connErr, true, true},
		{"POST 429", req(http.MethodPost), resp(429), nil, true, true},
		{"PATCH 429", req(http.MethodPatch), resp(429), nil, true, true},
		{"POST 500", req(http.MethodPost), resp(500), nil, true, false},
		{"PATCH 503", req(http.MethodPatch), resp(503), nil, true, false},
		{"POST 408", req(http.MethodPost), resp(408), nil, true, false},
		{"POST error after writing", req(http.MethodPost), nil, connErr, true, false},
		{"POST error before writing", req(http.MethodPost), nil, connErr, false, true},
		{"GET 400", req(http.MethodGet), resp(400), nil, true, false},
		{"GET 404", req(http.MethodGet), resp(404), nil, true, false},
		{"unrewindable PUT 503", stream(), resp(503), nil, true, false},
		{"unrewindable PUT 429", stream(), resp(429), nil, true, false},
	}
	for _, tt := range tests {
		if got, _ := rt.shouldRetry(tt.req, tt.resp, tt.err, tt.wrote); got != tt.want {
			t.Errorf("%s: shouldRetry = %v, want %v", tt.name, got, tt.want)
		}
	}
}
