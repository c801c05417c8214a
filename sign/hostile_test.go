package sign_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/sign"
)

// The secrets a hostile server knows and echoes: the client secret it was
// given and the token it issued.
const (
	hostileSecret = "hostile-secret-Q9xZ"
	hostileToken  = "hostile-token-7Kp2wV"
)

// hostile is a sign.Client on a server that issues hostileToken for
// hostileSecret and answers every API request with answer: a server that
// does not keep the contract.
func hostile(t *testing.T, answer http.HandlerFunc) *sign.Client {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth/token", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = fmt.Fprintf(w, `{"access_token":%q,"token_type":"Bearer","expires_in":3600}`, hostileToken)
	})
	mux.HandleFunc("/", answer)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	nc, err := nitro.NewClient(nitro.Config{ClientID: "id", ClientSecret: hostileSecret, BaseURL: srv.URL, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	return sign.New(nc)
}

// echoing answers every request with a 200 JSON envelope whose status is
// both secrets.
func echoing(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"id": uuid.New(), "status": hostileToken + " " + hostileSecret, "name": "x"})
}

// holdsSecret fails t if text holds either secret.
func holdsSecret(t *testing.T, what, text string) {
	t.Helper()
	for _, s := range []string{hostileToken, hostileSecret} {
		if strings.Contains(text, s) {
			t.Errorf("%s holds %q: %s", what, s, text)
		}
	}
}

// TestDecodeErrorNeverQuotesASecret: an answer that does not decode
// because a field holds a token fails without quoting it, and still says
// another try gets the same. A time's error quotes the value; an ID's does
// not, so that case checks the outcome alone.
func TestDecodeErrorNeverQuotesASecret(t *testing.T) {
	for _, field := range []string{"createdAt", "ID"} {
		c := hostile(t, func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = fmt.Fprintf(w, `{%q:%q}`, field, hostileToken)
		})
		_, err := c.GetEnvelope(context.Background(), uuid.New())
		if err == nil {
			t.Fatalf("%s: no error", field)
		}
		if got := nitro.OutcomeOf(err); got != nitro.OutcomeNotDone {
			t.Errorf("%s: OutcomeOf(%v) = %v, want %v", field, err, got, nitro.OutcomeNotDone)
		}
		holdsSecret(t, "the decoding's error", fmt.Sprintf("%v %+v %#v", err, err, err))
	}
}

// TestCutAnswerNeverQuotesASecret: an answer that breaks off with a
// read error quoting what the server sent (net/http quotes a malformed
// chunked trailer line) fails without the token, for a GET, whose reader
// asks for a resend, as for a POST, whose reader may not.
func TestCutAnswerNeverQuotesASecret(t *testing.T) {
	c := hostile(t, func(w http.ResponseWriter, _ *http.Request) {
		conn, rw, err := w.(http.Hijacker).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		defer conn.Close()
		_, _ = fmt.Fprintf(rw, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"+
			"2\r\n{}\r\n0\r\n%s\r\n\r\n", hostileToken)
		_ = rw.Flush()
	})
	ctx := context.Background()
	_, err := c.GetEnvelope(ctx, uuid.New())
	if err == nil {
		t.Fatal("GET: no error")
	}
	holdsSecret(t, "GET's error", fmt.Sprintf("%v %+v %#v", err, err, err))
	_, err = c.CreateEnvelope(ctx, sign.EnvelopeCreate{Name: "n", Mode: sign.EnvelopeModeSequential}, nitro.WithIdempotent())
	if err == nil {
		t.Fatal("POST: no error")
	}
	holdsSecret(t, "an idempotent POST's error", fmt.Sprintf("%v %+v %#v", err, err, err))
}

// rebuilding is a caller's transport that sends a request of its own, as a
// proxy's that rebuilds each request might: the answer names that request,
// whose context knows nothing of the call.
type rebuilding struct{ next http.RoundTripper }

func (t rebuilding) RoundTrip(r *http.Request) (*http.Response, error) {
	r2, err := http.NewRequest(r.Method, r.URL.String(), r.Body)
	if err != nil {
		return nil, err
	}
	r2.Header = r.Header.Clone()
	return t.next.RoundTrip(r2)
}

// TestForeignRequestsAnswerIsRedacted: through a caller's transport that
// rebuilds the request, an answer's decoding error is redacted all the
// same.
func TestForeignRequestsAnswerIsRedacted(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth/token", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = fmt.Fprintf(w, `{"access_token":%q,"token_type":"Bearer","expires_in":3600}`, hostileToken)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = fmt.Fprintf(w, `{"createdAt":%q}`, hostileToken)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	hc := &http.Client{Transport: rebuilding{srv.Client().Transport}}
	nc, err := nitro.NewClient(nitro.Config{ClientID: "id", ClientSecret: hostileSecret, BaseURL: srv.URL, HTTPClient: hc})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	_, err = sign.New(nc).GetEnvelope(context.Background(), uuid.New())
	if err == nil {
		t.Fatal("no error")
	}
	holdsSecret(t, "the decoding's error", fmt.Sprintf("%v %+v %#v", err, err, err))
}

// TestWaitErrorNeverQuotesASecret: the error WaitForEnvelopeStatus returns
// when its ctx ends quotes the last status the server sent, redacted.
func TestWaitErrorNeverQuotesASecret(t *testing.T) {
	c := hostile(t, echoing)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sign.SetPollSleep(c, func(ctx context.Context, _ time.Duration) error { cancel(); return ctx.Err() })
	_, err := c.WaitForEnvelopeStatus(ctx, uuid.New(), sign.EnvelopeStatusSealed)
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "[REDACTED]") {
		t.Fatalf("got %v, want the cancellation with the last status, redacted", err)
	}
	holdsSecret(t, "the wait's error", fmt.Sprintf("%v %+v", err, err))
}
