package nitro_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/internal/testkit/flowtest"
	"github.com/nitrokit/nitro/nitrotest"
	"github.com/nitrokit/nitro/sign"
)

// callRecorder is an Observer that writes down what it is told, and sets a
// header on every request, as a tracer propagating its context would.
type callRecorder struct {
	mu     sync.Mutex
	events []string
	calls  []nitro.CallEnd
}

type spanKey struct{}

func (r *callRecorder) add(s string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, s)
}

func (r *callRecorder) ObserveCall(ctx context.Context, c nitro.CallInfo) (context.Context, func(nitro.CallEnd)) {
	r.add(fmt.Sprintf("call %s %q %s:%d", c.Method, c.Route, c.ServerAddress, c.ServerPort))
	return context.WithValue(ctx, spanKey{}, "call"), func(e nitro.CallEnd) {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.calls = append(r.calls, e)
		r.events = append(r.events, fmt.Sprintf("end %d attempts=%d %v", e.StatusCode, e.Attempts, e.Outcome))
	}
}

func (r *callRecorder) ObserveRequest(ctx context.Context, q nitro.RequestInfo) (context.Context, func(nitro.RequestEnd)) {
	parent, _ := ctx.Value(spanKey{}).(string)
	r.add(fmt.Sprintf("request %s token=%v attempt=%d under %q", q.Method, q.Token, q.Attempt, parent))
	q.SetHeader("Traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	q.SetHeader("Authorization", "Bearer stolen") // refused
	return ctx, func(e nitro.RequestEnd) {
		r.add(fmt.Sprintf("request end %d %v", e.StatusCode, e.Err != nil))
	}
}

func (r *callRecorder) all() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.events...)
}

// TestObserverSeesCallsAttemptsAndTokenRequests: one call with a retry is
// one observed call of two attempts, named by its route, whose token
// request and attempts are requests under it, each carrying the header the
// observer set (and not the Authorization it tried to set).
func TestObserverSeesCallsAttemptsAndTokenRequests(t *testing.T) {
	traceparents := &headerLog{name: "Traceparent"}
	srv := nitrotest.NewServer(nitrotest.WithMiddleware(traceparents.middleware))
	defer srv.Close()
	rec := &callRecorder{}
	creds := srv.Credentials()
	c, err := nitro.NewClient(nitro.Config{ClientID: creds.ClientID, ClientSecret: creds.ClientSecret, BaseURL: srv.URL()}, nitro.WithObserver(rec))
	must(t, err)
	defer c.Close()
	nitro.SetRetrySleep(c, (&sleeps{}).sleep)
	s := sign.New(c)
	ctx := context.Background()
	env := flowtest.NewEnvelope(t, s, "Observed")

	rec.mu.Lock()
	rec.events, rec.calls = nil, nil
	rec.mu.Unlock()
	flowtest.Must(t, srv.InjectFault(nitrotest.Operation("GetEnvelope"), 1, nitrotest.Fault{Status: 503}))
	if _, err := s.GetEnvelope(ctx, env); err != nil {
		t.Fatal(err)
	}
	host := strings.TrimPrefix(srv.URL(), "http://")
	want := []string{
		fmt.Sprintf("call GET \"GET /sign/envelopes/{envelopeID}\" %s", host),
		`request GET token=false attempt=1 under "call"`,
		"request end 503 false",
		`request GET token=false attempt=2 under "call"`,
		"request end 200 false",
		"end 200 attempts=2 done",
	}
	if got := rec.all(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("observed:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, tp := range traceparents.all() {
		if !strings.HasPrefix(tp, "00-4bf92f") {
			t.Fatalf("an API request lacks the observer's Traceparent: %q", traceparents.all())
		}
	}

	// The token request, under the call that waited for it; a failed
	// call's end says its error and outcome.
	srv.RevokeTokens()
	rec.mu.Lock()
	rec.events, rec.calls = nil, nil
	rec.mu.Unlock()
	_, err = s.GetEnvelope(ctx, uuid.New())
	if !nitro.IsNotFound(err) {
		t.Fatalf("%v, want a 404", err)
	}
	got := strings.Join(rec.all(), "\n")
	if !strings.Contains(got, `request POST token=true attempt=0 under "call"`) || !strings.Contains(got, "end 404 attempts=1 not done") {
		t.Fatalf("observed:\n%s\nwant a token request under the call, and the 404's end", got)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if e := rec.calls[len(rec.calls)-1]; !nitro.IsNotFound(e.Err) {
		t.Fatalf("the call's end carries %v, want its 404", e.Err)
	}
}

// TestObserverIsToldNoSecret: URLs and errors an Observer is told are
// redacted, even a job ID the server chose to echo the token in.
func TestObserverIsToldNoSecret(t *testing.T) {
	rec := &secretRecorder{}
	srv := nitrotest.NewServer()
	defer srv.Close()
	creds := srv.Credentials()
	oc, err := nitro.NewClient(nitro.Config{ClientID: creds.ClientID, ClientSecret: creds.ClientSecret, BaseURL: srv.URL(), MaxRetries: -1}, nitro.WithObserver(rec))
	must(t, err)
	defer oc.Close()
	tok, err := oc.Token(context.Background())
	must(t, err)
	req, _ := http.NewRequest(http.MethodGet, srv.URL()+"/jobs/"+tok.AccessToken+"-"+creds.ClientSecret+"/status", nil)
	if resp, err := oc.Do(req); err == nil {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	for _, s := range rec.seen {
		if strings.Contains(s, tok.AccessToken) || strings.Contains(s, creds.ClientSecret) {
			t.Fatalf("the observer was told %q", s)
		}
	}
	if len(rec.seen) < 2 {
		t.Fatalf("the observer saw %q", rec.seen)
	}
}

// secretRecorder keeps every string it is told.
type secretRecorder struct {
	mu   sync.Mutex
	seen []string
}

func (r *secretRecorder) keep(s ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.seen = append(r.seen, s...)
}

func (r *secretRecorder) ObserveCall(ctx context.Context, c nitro.CallInfo) (context.Context, func(nitro.CallEnd)) {
	r.keep(c.URL, c.Route)
	return ctx, func(e nitro.CallEnd) {
		if e.Err != nil {
			r.keep(e.Err.Error())
		}
	}
}

func (r *secretRecorder) ObserveRequest(ctx context.Context, q nitro.RequestInfo) (context.Context, func(nitro.RequestEnd)) {
	r.keep(q.URL)
	return ctx, func(e nitro.RequestEnd) {
		if e.Err != nil {
			r.keep(e.Err.Error())
		}
	}
}

// TestWithObserverNil: a nil Observer is a ConfigError, not a panic later.
func TestWithObserverNil(t *testing.T) {
	_, err := nitro.NewClient(nitro.Config{ClientID: "id", ClientSecret: "a-long-secret"}, nitro.WithObserver(nil))
	var ce *nitro.ConfigError
	if !errors.As(err, &ce) {
		t.Fatalf("%v, want a ConfigError", err)
	}
}

// faulty is an Observer that panics, or answers nil, where told.
type faulty struct{ panicCall, panicRequest, panicEnd, nils bool }

func (f faulty) ObserveCall(ctx context.Context, c nitro.CallInfo) (context.Context, func(nitro.CallEnd)) {
	if f.panicCall {
		panic("observer bug")
	}
	if f.nils {
		return nil, nil
	}
	return ctx, func(nitro.CallEnd) {
		if f.panicEnd {
			panic("observer bug at the end")
		}
	}
}

func (f faulty) ObserveRequest(ctx context.Context, q nitro.RequestInfo) (context.Context, func(nitro.RequestEnd)) {
	if f.panicRequest {
		panic("observer bug") // on a token request, in the token source's goroutine
	}
	if f.nils {
		return nil, nil
	}
	return ctx, func(nitro.RequestEnd) {
		if f.panicEnd {
			panic("observer bug at the end")
		}
	}
}

// TestAFaultyObserverIsContained: an Observer that panics (on a token
// request too, whose goroutine no caller could recover) or answers nil
// leaves the calls unobserved and working.
func TestAFaultyObserverIsContained(t *testing.T) {
	for _, f := range []faulty{{panicCall: true}, {panicRequest: true}, {panicEnd: true}, {nils: true}} {
		srv := nitrotest.NewServer()
		creds := srv.Credentials()
		c, err := nitro.NewClient(nitro.Config{ClientID: creds.ClientID, ClientSecret: creds.ClientSecret, BaseURL: srv.URL()}, nitro.WithObserver(f))
		must(t, err)
		s := sign.New(c)
		if _, err := s.CreateEnvelope(context.Background(), createBody()); err != nil {
			t.Errorf("%+v: %v", f, err)
		}
		c.Close()
		srv.Close()
	}
}

// TestObservedCallThatBreaksOff: a call whose answer breaks off mid-body
// ends, for the Observer, with that error and its outcome, not as a
// success.
func TestObservedCallThatBreaksOff(t *testing.T) {
	srv := nitrotest.NewServer()
	defer srv.Close()
	rec := &callRecorder{}
	creds := srv.Credentials()
	c, err := nitro.NewClient(nitro.Config{ClientID: creds.ClientID, ClientSecret: creds.ClientSecret, BaseURL: srv.URL(), MaxRetries: -1}, nitro.WithObserver(rec))
	must(t, err)
	defer c.Close()
	s := sign.New(c)
	env := flowtest.NewEnvelope(t, s, "Cut")
	flowtest.Must(t, srv.InjectFault(nitrotest.Operation("GetEnvelope"), 1, nitrotest.Fault{Truncate: true, TruncateAfter: 10}))
	if _, err := s.GetEnvelope(context.Background(), env); err == nil {
		t.Fatal("a cut answer with no retries decoded")
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	last := rec.calls[len(rec.calls)-1]
	if last.Err == nil || last.Outcome != nitro.OutcomeRetryable {
		t.Fatalf("the cut call ended %+v, want its error, retryable", last)
	}
}
