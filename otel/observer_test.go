package otel_test

import (
	"context"
	"github.com/nitrokit/nitro/internal/testkit/flowtest"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/nitrotest"
	"github.com/nitrokit/nitro/sign"
)

// TestCallSpanWithAttemptsAndToken: a call answered 503 then 200 is one
// INTERNAL call span named after its route, and under it, in order, the
// token request it waited for and its two attempts, CLIENT spans with the
// HTTP client conventions' attributes, the second a resend.
func TestCallSpanWithAttemptsAndToken(t *testing.T) {
	r := newRig(t, nitro.Config{})
	subst := r.retriedCall(t)
	got := tree(r.spans.GetSpans(), subst...)
	want := `GET /sign/envelopes/{envelopeID} (INTERNAL) http.request.method=GET http.response.status_code=200 nitro.attempts=2 nitro.outcome=done server.address=127.0.0.1 server.port=PORT url.full=http://HOST:PORT/sign/envelopes/ID url.template=/sign/envelopes/{envelopeID}
  POST /oauth/token (CLIENT) http.request.method=POST http.response.status_code=200 server.address=127.0.0.1 server.port=PORT url.full=http://HOST:PORT/oauth/token url.template=/oauth/token
  GET /sign/envelopes/{envelopeID} (CLIENT) error.type=503 http.request.method=GET http.response.status_code=503 server.address=127.0.0.1 server.port=PORT url.full=http://HOST:PORT/sign/envelopes/ID url.template=/sign/envelopes/{envelopeID} status=Error
  GET /sign/envelopes/{envelopeID} (CLIENT) http.request.method=GET http.request.resend_count=1 http.response.status_code=200 server.address=127.0.0.1 server.port=PORT url.full=http://HOST:PORT/sign/envelopes/ID url.template=/sign/envelopes/{envelopeID}
`
	if got != want {
		t.Fatalf("spans:\n%s\nwant:\n%s", got, want)
	}
	t.Logf("spans of one call:\n%s", got)
}

// TestReplayAfter401IsAResend: the replay after a 401 is the attempt's
// number again but a request sent again all the same, which the
// conventions count as a resend.
func TestReplayAfter401IsAResend(t *testing.T) {
	r := newRig(t, nitro.Config{})
	env := r.envelope(t)
	ctx := context.Background()
	if _, err := r.sign.GetEnvelope(ctx, env); err != nil {
		t.Fatal(err)
	}
	r.spans.Reset()
	r.srv.RevokeTokens()
	if _, err := r.sign.GetEnvelope(ctx, env); err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(tree(r.spans.GetSpans())), "\n") {
		indent := l[:len(l)-len(strings.TrimLeft(l, " "))]
		f := strings.Fields(l)
		line := indent + f[0] + " " + f[1] + " " + f[2]
		for _, kv := range f[3:] {
			if strings.HasPrefix(kv, "http.request.resend_count=") || strings.HasPrefix(kv, "http.response.status_code=") || strings.HasPrefix(kv, "nitro.attempts=") {
				line += " " + kv
			}
		}
		lines = append(lines, line)
	}
	want := `GET /sign/envelopes/{envelopeID} (INTERNAL) http.response.status_code=200 nitro.attempts=1
  GET /sign/envelopes/{envelopeID} (CLIENT) http.response.status_code=401
  POST /oauth/token (CLIENT) http.response.status_code=200
  GET /sign/envelopes/{envelopeID} (CLIENT) http.request.resend_count=1 http.response.status_code=200`
	if got := strings.Join(lines, "\n"); got != want {
		t.Fatalf("spans:\n%s\nwant:\n%s", got, want)
	}
}

// TestFailedCallSpan: a call that ends in an error answer has the status
// Error, error.type its status, and no description (the status says it);
// one that gets no answer says its class of failure, and its redacted
// error as the description.
func TestFailedCallSpan(t *testing.T) {
	t.Run("answer", func(t *testing.T) {
		r := newRig(t, nitro.Config{})
		if _, err := r.sign.GetEnvelope(context.Background(), uuid.New()); !nitro.IsNotFound(err) {
			t.Fatalf("%v, want a 404", err)
		}
		call := callSpan(t, r.spans.GetSpans())
		checkFailed(t, call, "404", "not_done", false)
		if call.Status.Description != "" {
			t.Fatalf("status description %q: the status code says it", call.Status.Description)
		}
	})
	t.Run("dropped", func(t *testing.T) {
		// More faults than attempts: net/http itself sends a GET again
		// when a connection it reused breaks before any answer.
		r := newRig(t, nitro.Config{MaxRetries: 1})
		flowtest.Must(t, r.srv.InjectFault(nitrotest.Operation("GetEnvelope"), 10, nitrotest.Fault{Drop: true}))
		_, err := r.sign.GetEnvelope(context.Background(), uuid.New())
		if nitro.OutcomeOf(err) != nitro.OutcomeRetryable {
			t.Fatalf("%v (%v), want a retryable failure", err, nitro.OutcomeOf(err))
		}
		call := callSpan(t, r.spans.GetSpans())
		checkFailed(t, call, "connection", "retryable", true)
		if n := attr(call, "nitro.attempts"); n != "2" {
			t.Fatalf("nitro.attempts=%s, want 2", n)
		}
		checkAttempts(t, r.spans.GetSpans(), 2, "connection")
	})
	t.Run("timeout", func(t *testing.T) {
		r := newRig(t, nitro.Config{Timeout: 200 * time.Millisecond, MaxRetries: -1})
		// The token first: a token fetch outlasting the timeout under load
		// would end the attempt before it reached the wire.
		if _, err := r.client.Token(context.Background()); err != nil {
			t.Fatal(err)
		}
		r.spans.Reset()
		flowtest.Must(t, r.srv.InjectFault(nitrotest.Operation("GetEnvelope"), 1, nitrotest.Fault{Delay: time.Minute}))
		if _, err := r.sign.GetEnvelope(context.Background(), uuid.New()); err == nil {
			t.Fatal("no error")
		}
		checkFailed(t, callSpan(t, r.spans.GetSpans()), "timeout", "retryable", true)
		// Below the Client's timeout, the attempt's context is cancelled:
		// a timeout all the same, not the caller's cancellation.
		checkAttempts(t, r.spans.GetSpans(), 1, "timeout")
	})
	t.Run("token refused", func(t *testing.T) {
		r := newRig(t, nitro.Config{})
		flowtest.Must(t, r.srv.InjectFault(nitrotest.TokenEndpoint, 1, nitrotest.Fault{Status: http.StatusUnauthorized, ContentType: "application/json", Body: `{"error":"invalid_client"}`}))
		if _, err := r.sign.GetEnvelope(context.Background(), uuid.New()); err == nil {
			t.Fatal("no error")
		}
		checkFailed(t, callSpan(t, r.spans.GetSpans()), "token", "not_done", true)
	})
}

// TestCancelledCallIsNoFailure: a call its caller cancelled is no failure
// (the conventions' rule): no Error status, no error.type; its outcome
// says the operation may be tried again.
func TestCancelledCallIsNoFailure(t *testing.T) {
	arrived := make(chan struct{}, 1)
	r := newRig(t, nitro.Config{}, nitrotest.WithMiddleware(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			if strings.HasPrefix(req.URL.Path, "/sign/") {
				select {
				case arrived <- struct{}{}:
				default:
				}
			}
			next.ServeHTTP(w, req)
		})
	}))
	flowtest.Must(t, r.srv.InjectFault(nitrotest.Operation("GetEnvelope"), 1, nitrotest.Fault{Delay: time.Minute}))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-arrived: // the request is on the server: cancel it there
			cancel()
		case <-ctx.Done():
		}
	}()
	if _, err := r.sign.GetEnvelope(ctx, uuid.New()); err == nil {
		t.Fatal("no error")
	}
	call := callSpan(t, r.spans.GetSpans())
	if call.Status.Code != codes.Unset || attr(call, "error.type") != "" || attr(call, "nitro.outcome") != "retryable" {
		t.Fatalf("cancelled call: status %v, error.type %q, outcome %q; want Unset, none, retryable", call.Status.Code, attr(call, "error.type"), attr(call, "nitro.outcome"))
	}
}

// callSpan is the one INTERNAL span among spans.
func callSpan(t *testing.T, spans tracetest.SpanStubs) tracetest.SpanStub {
	t.Helper()
	var calls []tracetest.SpanStub
	for _, s := range spans {
		if s.SpanKind == trace.SpanKindInternal {
			calls = append(calls, s)
		}
	}
	if len(calls) != 1 {
		t.Fatalf("%d call spans, want 1:\n%s", len(calls), tree(spans))
	}
	return calls[0]
}

// checkFailed checks a failed call's span: status Error, its error.type
// and outcome, and a description only when no status code says it.
func checkFailed(t *testing.T, s tracetest.SpanStub, errType, outcome string, described bool) {
	t.Helper()
	if s.Status.Code != codes.Error || attr(s, "error.type") != errType || attr(s, "nitro.outcome") != outcome || (s.Status.Description != "") != described {
		t.Fatalf("call span: status %v %q, error.type %q, outcome %q; want Error (described: %v), %s, %s",
			s.Status.Code, s.Status.Description, attr(s, "error.type"), attr(s, "nitro.outcome"), described, errType, outcome)
	}
}

// checkAttempts checks that spans hold n attempt spans, each failed with
// errType.
func checkAttempts(t *testing.T, spans tracetest.SpanStubs, n int, errType string) {
	t.Helper()
	got := 0
	for _, s := range spans {
		if s.SpanKind != trace.SpanKindClient || attr(s, "url.template") == "/oauth/token" {
			continue
		}
		got++
		if s.Status.Code != codes.Error || attr(s, "error.type") != errType || s.Status.Description == "" {
			t.Fatalf("attempt span %s: status %v %q, error.type %q; want Error, described, %s", s.Name, s.Status.Code, s.Status.Description, attr(s, "error.type"), errType)
		}
	}
	if got != n {
		t.Fatalf("%d attempt spans, want %d:\n%s", got, n, tree(spans))
	}
}

// attr is the value of s's attribute key, "" if it has none.
func attr(s tracetest.SpanStub, key string) string {
	for _, kv := range s.Attributes {
		if string(kv.Key) == key {
			return kv.Value.String()
		}
	}
	return ""
}

// TestTraceContextReachesTheServer: every request on the wire, token
// request included, carries the traceparent of its own CLIENT span, in the
// trace of the span the caller's context holds.
func TestTraceContextReachesTheServer(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]string{} // traceparent: path
	r := newRig(t, nitro.Config{}, nitrotest.WithMiddleware(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			mu.Lock()
			seen[req.Header.Get("Traceparent")] = req.URL.Path
			mu.Unlock()
			next.ServeHTTP(w, req)
		})
	}))
	env := r.envelope(t)
	mu.Lock()
	clear(seen) // the unobserved Client's requests
	mu.Unlock()
	flowtest.Must(t, r.srv.InjectFault(nitrotest.Operation("GetEnvelope"), 1, nitrotest.Fault{Status: http.StatusServiceUnavailable}))

	parent := trace.NewSpanContext(trace.SpanContextConfig{TraceID: trace.TraceID{1, 2, 3}, SpanID: trace.SpanID{4, 5, 6}, TraceFlags: trace.FlagsSampled})
	ctx := trace.ContextWithSpanContext(context.Background(), parent)
	if _, err := r.sign.GetEnvelope(ctx, env); err != nil {
		t.Fatal(err)
	}
	spans := r.spans.GetSpans()
	if call := callSpan(t, spans); call.Parent.SpanID() != parent.SpanID() {
		t.Fatalf("the call span's parent is %v, want the caller's span %v", call.Parent.SpanID(), parent.SpanID())
	}
	mu.Lock()
	defer mu.Unlock()
	clients := 0
	for _, s := range spans {
		if s.SpanKind != trace.SpanKindClient {
			continue
		}
		clients++
		tp := "00-" + parent.TraceID().String() + "-" + s.SpanContext.SpanID().String() + "-01"
		if _, ok := seen[tp]; !ok {
			t.Errorf("no request carried %s's traceparent %s; the server saw %v", s.Name, tp, seen)
		}
	}
	if clients != 3 || len(seen) != 3 {
		t.Fatalf("%d CLIENT spans and %d traceparents, want 3 (a token request, two attempts): %v", clients, len(seen), seen)
	}
}

// TestCutAnswerEndsTheCall: a POST whose answer is cut short is lost: the
// call failed, outcome unknown, and its span says so.
func TestCutAnswerEndsTheCall(t *testing.T) {
	r := newRig(t, nitro.Config{})
	r.envelope(t)
	r.spans.Reset()
	flowtest.Must(t, r.srv.InjectFault(nitrotest.Operation("CreateEnvelope"), 1, nitrotest.Fault{Truncate: true, TruncateAfter: 10}))
	_, err := r.sign.CreateEnvelope(context.Background(), sign.EnvelopeCreate{Name: "Cut", Mode: sign.EnvelopeModeSequential, Notification: sign.Notification{Subject: "s", Body: "b"}})
	if nitro.OutcomeOf(err) != nitro.OutcomeUnknown {
		t.Fatalf("%v, want an unknown outcome", err)
	}
	checkFailed(t, callSpan(t, r.spans.GetSpans()), "connection", "unknown", true)
}

// TestCutGETResentEndsAfterTheResend: a GET whose answer is cut short is
// fetched again within the call (package wire resends it), so its call made
// two attempts and should end after the second.
//
// Skipped: the hook cannot tell it yet. The call ends, for the Observer,
// when its first answer breaks off, with that error (retryable); the
// resend goes through the engine (callctx.Call.Resend) below Client.Do, so
// its attempt is a request span under the call's context that ends after
// the call's.
func TestCutGETResentEndsAfterTheResend(t *testing.T) {
	t.Skip("known gap in the nitro.Observer hook: a resent answer's attempt is observed after its call's end (see the doc comment)")
	r := newRig(t, nitro.Config{})
	env := r.envelope(t)
	flowtest.Must(t, r.srv.InjectFault(nitrotest.Operation("GetEnvelope"), 1, nitrotest.Fault{Truncate: true, TruncateAfter: 10}))
	if _, err := r.sign.GetEnvelope(context.Background(), env); err != nil {
		t.Fatal(err)
	}
	spans := r.spans.GetSpans()
	call := callSpan(t, spans)
	if attr(call, "nitro.attempts") != "2" || call.Status.Code != codes.Unset {
		t.Errorf("GET cut then resent: call span nitro.attempts=%s status %v, want 2, Unset:\n%s", attr(call, "nitro.attempts"), call.Status.Code, tree(spans))
	}
	for _, s := range spans {
		if s.EndTime.After(call.EndTime) {
			t.Errorf("GET cut then resent: %s ended after its call:\n%s", s.Name, tree(spans))
		}
	}
}
