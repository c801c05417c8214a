package nitrotest_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/nitrokit/nitro/gen/signapi"
	"github.com/nitrokit/nitro/internal/testkit/flowtest"
	"github.com/nitrokit/nitro/nitrotest"
)

func TestFaultInjection(t *testing.T) {
	srv, c := setup(t)
	ctx := context.Background()
	newEnvelope(t, c, "warm the token cache")
	get := func() (*http.Response, error) {
		r, err := c.ListEnvelopesWithResponse(ctx, nil)
		if err != nil {
			return nil, err
		}
		return r.HTTPResponse, nil
	}

	flowtest.Must(t, srv.InjectFault(nitrotest.Operation("ListEnvelopes"), 2, nitrotest.Fault{Status: 503, RetryAfter: "2", ContentType: "text/html", Body: "<html>down</html>"}))
	for range 2 {
		resp, err := get()
		if err != nil || resp.StatusCode != 503 || resp.Header.Get("Retry-After") != "2" {
			t.Fatalf("injected 503: %v %v", resp, err)
		}
	}
	if resp, _ := get(); resp.StatusCode != 200 {
		t.Errorf("after the 2 faults: %d, want 200", resp.StatusCode)
	}

	flowtest.Must(t, srv.InjectFault(nitrotest.Operation("GetEnvelope"), 1, nitrotest.Fault{Status: 500}))
	if resp, _ := get(); resp.StatusCode != 200 {
		t.Errorf("a fault for another operation hit ListEnvelopes: %d", resp.StatusCode)
	}

	// That the pipeline applies a delay; how long it holds a request, to the
	// nanosecond, is TestFaultDelayHoldsTheRequest's, on synctest's clock.
	flowtest.Must(t, srv.InjectFault(nitrotest.AnyOperation, 1, nitrotest.Fault{Delay: 10 * time.Millisecond}))
	start := time.Now()
	if resp, _ := get(); resp.StatusCode != 200 || time.Since(start) < 10*time.Millisecond {
		t.Errorf("delay fault: %d after %v", resp.StatusCode, time.Since(start))
	}

	// A POST, because net/http itself retries a GET on a dropped connection.
	flowtest.Must(t, srv.InjectFault(nitrotest.AnyOperation, 1, nitrotest.Fault{Drop: true}))
	if r, err := c.CreateEnvelopeWithResponse(ctx, signapi.CreateEnvelopeJSONRequestBody{Name: "x", Mode: "parallel",
		Notification: signapi.Notification{Subject: "s", Body: "b"}}); err == nil {
		t.Errorf("dropped connection gave no error but %d", r.StatusCode())
	}

	flowtest.Must(t, srv.InjectFault(nitrotest.AnyOperation, 1, nitrotest.Fault{Truncate: true, TruncateAfter: 5}))
	resp, err := http.DefaultClient.Do(mustReq(t, srv, c))
	if err == nil {
		_, err = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("truncated body: %v, want unexpected EOF", err)
	}

	flowtest.Must(t, srv.InjectFault(nitrotest.TokenEndpoint, 1, nitrotest.Fault{Status: 429, RetryAfter: "1"}))
	tr, err := http.Post(srv.TokenURL(), "application/json", nil)
	must(t, err)
	tr.Body.Close()
	if tr.StatusCode != 429 || tr.Header.Get("Retry-After") != "1" {
		t.Errorf("token fault: %d", tr.StatusCode)
	}
}

// mustReq is an authorised ListEnvelopes request.
func mustReq(t *testing.T, srv *nitrotest.Server, c interface{}) *http.Request {
	t.Helper()
	src := newSource(t, srv)
	req, _ := http.NewRequest(http.MethodGet, srv.URL()+"/sign/envelopes", nil)
	must(t, src.RequestEditor(context.Background(), req))
	return req
}
