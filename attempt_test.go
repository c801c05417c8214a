package nitro_test

import (
	"context"
	"github.com/nitrokit/nitro/internal/testkit/flowtest"
	"io"
	"net/http"
	"reflect"
	"sync"
	"testing"

	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/auth"
	"github.com/nitrokit/nitro/internal/owned"
	"github.com/nitrokit/nitro/internal/wire"
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
// built itself (owned.NewRequest) carries it in that request's own map, and a
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
	get := func(newRequest func(context.Context, string, string, io.Reader) (*http.Request, error)) (*http.Request, []*http.Request) {
		t.Helper()
		req, _ := newRequest(context.Background(), http.MethodGet, srv.URL()+"/sign/envelopes", nil)
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

	req, sent := get(http.NewRequestWithContext)
	if req.Header.Get("Authorization") != "" || len(sent) != 1 || sent[0].Header.Get("Authorization") == "" {
		t.Errorf("a caller's request: header %q after Do; want none, and the token on the request sent", req.Header.Get("Authorization"))
	}

	flowtest.Must(t, srv.InjectFault(nitrotest.Operation("ListEnvelopes"), 1, nitrotest.Fault{Status: http.StatusServiceUnavailable}))
	req, sent = get(owned.NewRequest)
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

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestSideRequestsKeepTheirHeaderMaps: the caller's innermost transport
// sends a side request on the context it was given, through an auth
// Transport of its own, with a header map it shares between calls. That map
// is never written: only the attempt's own request owns its map.
func TestSideRequestsKeepTheirHeaderMaps(t *testing.T) {
	srv := nitrotest.NewServer()
	t.Cleanup(srv.Close)
	creds := srv.Credentials()
	other, err := auth.NewSource(auth.NitroJSON(srv.TokenURL()), creds, auth.WithHTTPClient(srv.Client()))
	must(t, err)
	t.Cleanup(func() { other.Close() })
	audit := &http.Client{Transport: other.Transport(srv.Client().Transport)}
	template := http.Header{"X-Audit": {"1"}} // shared, read-only by intent
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if r.URL.Path == "/sign/envelopes" {
			side, _ := http.NewRequestWithContext(r.Context(), http.MethodGet, srv.URL()+"/sign/envelopes?audit=1", nil)
			side.Header = template
			if resp, err := audit.Do(side); err == nil {
				resp.Body.Close()
			}
		}
		return http.DefaultTransport.RoundTrip(r)
	})}
	c, err := nitro.NewClient(nitro.Config{ClientID: creds.ClientID, ClientSecret: creds.ClientSecret, BaseURL: srv.URL(), HTTPClient: hc})
	must(t, err)
	t.Cleanup(func() { c.Close() })
	var wg sync.WaitGroup
	for _, newRequest := range []func(context.Context, string, string, io.Reader) (*http.Request, error){http.NewRequestWithContext, owned.NewRequest} {
		for range 4 {
			wg.Go(func() {
				req, _ := newRequest(context.Background(), http.MethodGet, srv.URL()+"/sign/envelopes", nil)
				if resp, err := c.Do(req); err == nil {
					resp.Body.Close()
				}
			})
		}
	}
	wg.Wait()
	if template.Get("Authorization") != "" {
		t.Error("a side request's shared header map was given a token")
	}
}

// TestCheckRedirectSeesNoToken: with a CheckRedirect of the caller's, the
// request the module built is handed to it in via, so its header map must
// not carry the token: such a request is copied like any other.
func TestCheckRedirectSeesNoToken(t *testing.T) {
	srv := nitrotest.NewServer()
	t.Cleanup(srv.Close)
	creds := srv.Credentials()
	var mu sync.Mutex
	var seen []string
	hc := &http.Client{
		Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
			if r.URL.Path == "/redirect" {
				return &http.Response{StatusCode: http.StatusFound, Header: http.Header{"Location": {"/sign/envelopes"}}, Body: http.NoBody, Request: r}, nil
			}
			return http.DefaultTransport.RoundTrip(r)
		}),
		CheckRedirect: func(_ *http.Request, via []*http.Request) error {
			mu.Lock()
			defer mu.Unlock()
			for _, v := range via {
				seen = append(seen, v.Header.Get("Authorization"))
			}
			return nil
		},
	}
	c, err := nitro.NewClient(nitro.Config{ClientID: creds.ClientID, ClientSecret: creds.ClientSecret, BaseURL: srv.URL(), HTTPClient: hc})
	must(t, err)
	t.Cleanup(func() { c.Close() })
	resp, err := wire.Call(context.Background(), c, http.MethodGet, srv.URL()+"/redirect")
	must(t, err)
	resp.Body.Close()
	mu.Lock()
	defer mu.Unlock()
	if len(seen) == 0 {
		t.Fatal("no redirect reached CheckRedirect")
	}
	for _, h := range seen {
		if h != "" {
			t.Error("CheckRedirect was handed a request carrying the token")
		}
	}
}
