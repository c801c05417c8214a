package auth

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptrace"
	"strings"
	"sync"
	"testing"
)

type ctxKey string

// valueSpy records a context value seen by each token request.
type valueSpy struct {
	mu   sync.Mutex
	seen []any
}

func (v *valueSpy) RoundTrip(req *http.Request) (*http.Response, error) {
	v.mu.Lock()
	v.seen = append(v.seen, req.Context().Value(ctxKey("request-id")))
	v.mu.Unlock()
	return http.DefaultTransport.RoundTrip(req)
}

// TestCallerTraceNeverSeesTheTokenRequest: the caller's httptrace hooks
// fire for its API request but never for the token request that request
// causes, while its other context values reach the token request.
func TestCallerTraceNeverSeesTheTokenRequest(t *testing.T) {
	spy := &valueSpy{}
	src, ts, _ := setup(t, rfc6749, nil, WithHTTPClient(&http.Client{Transport: spy}))
	api, _ := apiServer(t, func(string) bool { return false })
	// Use "localhost" so DNS hooks (the internal net trace) would fire too.
	tokenHost := strings.Replace(ts.URL, "127.0.0.1", "localhost", 1)
	src.flow = ClientCredentials(tokenHost + "/oauth/token")

	var mu sync.Mutex
	fired := map[string][]string{} // hook -> hosts or header names
	note := func(hook, what string) {
		mu.Lock()
		defer mu.Unlock()
		fired[hook] = append(fired[hook], what)
	}
	trace := &httptrace.ClientTrace{
		GetConn:      func(hostPort string) { note("GetConn", hostPort) },
		DNSStart:     func(i httptrace.DNSStartInfo) { note("DNSStart", i.Host) },
		ConnectStart: func(_, addr string) { note("ConnectStart", addr) },
		WroteHeaderField: func(k string, v []string) {
			note("WroteHeaderField", k+": "+strings.Join(v, ","))
		},
		WroteHeaders: func() { note("WroteHeaders", "") },
	}
	ctx := httptrace.WithClientTrace(context.WithValue(context.Background(), ctxKey("request-id"), "r-1"), trace)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, api.URL+"/x", nil)
	resp, err := (&http.Client{Transport: src.Transport(nil)}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if ts.hits.Load() != 1 {
		t.Fatalf("token requests = %d, want 1", ts.hits.Load())
	}
	mu.Lock()
	defer mu.Unlock()
	if len(fired["WroteHeaders"]) != 1 || len(fired["GetConn"]) != 1 {
		t.Errorf("want the API request's hooks to fire once each, got %v", fired)
	}
	tokenPort := tokenHost[strings.LastIndex(tokenHost, ":"):]
	for hook, whats := range fired {
		for _, what := range whats {
			if strings.Contains(what, tokenPort) || strings.Contains(what, "Basic") || hook == "DNSStart" {
				t.Errorf("the caller's %s hook fired for the token request: %q", hook, what)
			}
		}
	}
	spy.mu.Lock()
	defer spy.mu.Unlock()
	if len(spy.seen) != 1 || spy.seen[0] != "r-1" {
		t.Errorf("the token request saw request-id %v, want the caller's r-1", spy.seen)
	}
}

// TestEmptyTraceDoesNotHideTheParent pins why detached filters the trace
// key instead of installing an empty trace: httptrace composes a new trace
// with its parent's, so the parent's hooks still fire.
func TestEmptyTraceDoesNotHideTheParent(t *testing.T) {
	var fired bool
	parent := httptrace.WithClientTrace(context.Background(), &httptrace.ClientTrace{GetConn: func(string) { fired = true }})
	httptrace.ContextClientTrace(httptrace.WithClientTrace(parent, &httptrace.ClientTrace{})).GetConn("x:1")
	if !fired {
		t.Error("an empty trace hid its parent's hooks; detached could use one instead")
	}
	if tr := httptrace.ContextClientTrace(detach(parent)); tr != nil {
		t.Errorf("detached passes the caller's trace: %v", tr)
	}
}

// TestDetachKeepsNoCancellation: a context derived from a detached one
// outlives the caller's, and context.Cause cannot reach the caller's cause.
func TestDetachKeepsNoCancellation(t *testing.T) {
	caller, cancel := context.WithCancelCause(context.WithValue(context.Background(), ctxKey("k"), "v"))
	d := detach(caller)
	child, stop := context.WithCancel(context.WithValue(d, ctxKey("other"), 1))
	defer stop()
	cancel(errTestCause)
	if child.Err() != nil || context.Cause(child) != nil || d.Done() != nil {
		t.Errorf("the caller's cancellation reached the detached context: %v, %v", child.Err(), context.Cause(child))
	}
	if child.Value(ctxKey("k")) != "v" {
		t.Error("the caller's value did not pass")
	}
}

var errTestCause = errors.New("caller gave up")
