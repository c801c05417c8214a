package nitro_test

import (
	"context"
	"net/http"
	"reflect"
	"sync"
	"testing"

	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/internal/owned"
	"github.com/nitrokit/nitro/nitrotest"
)

// recorder is the innermost transport: it keeps every request the stack
// sends, then sends it.
type recorder struct {
	mu   sync.Mutex
	sent []*http.Request
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	r.sent = append(r.sent, req)
	r.mu.Unlock()
	return http.DefaultTransport.RoundTrip(req)
}

// TestAttemptHeaderMaps: the token never lands in the header map of a
// request a caller passes to Do; the first attempt of a request the module
// built itself (owned.Context) carries it in that request's own map, and a
// retry gets a map of its own, so no attempt writes to a map an earlier
// attempt's transport may still read.
func TestAttemptHeaderMaps(t *testing.T) {
	srv := nitrotest.NewServer()
	t.Cleanup(srv.Close)
	rec := &recorder{}
	creds := srv.Credentials()
	c, err := nitro.NewClient(nitro.Config{ClientID: creds.ClientID, ClientSecret: creds.ClientSecret, BaseURL: srv.URL(),
		HTTPClient: &http.Client{Transport: rec}})
	must(t, err)
	t.Cleanup(func() { c.Close() })
	nitro.SetRetrySleep(c, (&sleeps{}).sleep)
	_, err = c.Token(context.Background()) // the token request goes through rec too
	must(t, err)
	mapOf := func(h http.Header) uintptr { return uintptr(reflect.ValueOf(h).UnsafePointer()) }
	get := func(ctx context.Context) (*http.Request, []*http.Request) {
		t.Helper()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL()+"/sign/envelopes", nil)
		rec.mu.Lock()
		rec.sent = nil
		rec.mu.Unlock()
		resp, err := c.Do(req)
		must(t, err)
		resp.Body.Close()
		rec.mu.Lock()
		defer rec.mu.Unlock()
		return req, rec.sent
	}

	req, sent := get(context.Background())
	if req.Header.Get("Authorization") != "" || len(sent) != 1 || sent[0].Header.Get("Authorization") == "" {
		t.Errorf("a caller's request: header %q after Do; want none, and the token on the request sent", req.Header.Get("Authorization"))
	}

	srv.InjectFault(nitrotest.Operation("ListEnvelopes"), 1, nitrotest.Fault{Status: http.StatusServiceUnavailable})
	req, sent = get(owned.Context(context.Background()))
	if len(sent) != 2 {
		t.Fatalf("%d attempts, want 2 (a 503, then a retry)", len(sent))
	}
	if mapOf(sent[0].Header) != mapOf(req.Header) || sent[0].Header.Get("Authorization") == "" {
		t.Error("the first attempt of an owned request did not carry the token in the request's own map")
	}
	if mapOf(sent[1].Header) == mapOf(req.Header) || sent[1].Header.Get("Authorization") == "" {
		t.Error("the retry of an owned request wrote to the first attempt's map, or carried no token")
	}
}
