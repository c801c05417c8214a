package auth

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// outcome is what a token fetch against a fault must end in.
type outcome struct {
	ok        bool
	status    int
	code      string
	retryable bool
	requests  int64 // token requests made, with a budget of 3 attempts
	errHas    string
}

type fault struct {
	name   string
	answer func(n int64, w http.ResponseWriter, r *http.Request)
	want   outcome
}

func status(code int, body string, header ...string) func(int64, http.ResponseWriter, *http.Request) {
	return func(_ int64, w http.ResponseWriter, _ *http.Request) {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		w.WriteHeader(code)
		w.Write([]byte(body))
	}
}

// thenOK answers with f on the first request and a token afterwards.
func thenOK(f func(int64, http.ResponseWriter, *http.Request)) func(int64, http.ResponseWriter, *http.Request) {
	return func(n int64, w http.ResponseWriter, r *http.Request) {
		if n == 1 {
			f(n, w, r)
			return
		}
		okAnswer(3600)(n, w, r)
	}
}

func hijackClose(_ int64, w http.ResponseWriter, _ *http.Request) {
	c, _, _ := w.(http.Hijacker).Hijack()
	c.Close()
}

func truncated(_ int64, w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Length", "500")
	w.WriteHeader(200)
	w.Write([]byte(`{"access_token":"abc`))
	c, _, _ := w.(http.Hijacker).Hijack()
	c.Close()
}

// retryAfterNow is the Source's clock in the Retry-After date case, on a
// whole second: an HTTP date has no fractions, so against the real clock the
// delay it names is short by up to a second, and by the answer's delay.
var retryAfterNow = time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)

var faults = []fault{
	{"400 invalid_request", status(400, `{"error":"invalid_request","error_description":"missing grant_type"}`), outcome{status: 400, code: "invalid_request", requests: 1}},
	{"401 invalid_client", status(401, `{"error":"invalid_client","error_description":"bad secret s3cr3t-VALUE/with:odd&chars"}`), outcome{status: 401, code: "invalid_client", requests: 1, errHas: "bad secret [REDACTED]"}},
	{"400 invalid_grant", status(400, `{"error":"invalid_grant"}`), outcome{status: 400, code: "invalid_grant", requests: 1}},
	{"400 unauthorized_client", status(400, `{"error":"unauthorized_client"}`), outcome{status: 400, code: "unauthorized_client", requests: 1}},
	{"400 invalid_scope", status(400, `{"error":"invalid_scope"}`), outcome{status: 400, code: "invalid_scope", requests: 1}},
	{"403 without body", status(403, ``), outcome{status: 403, requests: 1}},
	{"404 html", status(404, `<html>Not Found</html>`, "Content-Type", "text/html"), outcome{status: 404, requests: 1}},
	{"500 json error", status(500, `{"error":"server_error"}`), outcome{status: 500, code: "server_error", retryable: true, requests: 3}},
	{"502 html page", status(502, `<html><body>Bad gateway</body></html>`, "Content-Type", "text/html"), outcome{status: 502, retryable: true, requests: 3}},
	{"503 garbled", status(503, "\x00\xff{{{"), outcome{status: 503, retryable: true, requests: 3}},
	{"500 with invalid_client", status(500, `{"error":"invalid_client"}`), outcome{status: 500, code: "invalid_client", requests: 1}},
	{"503 then ok", thenOK(status(503, "")), outcome{ok: true, requests: 2}},
	{"429 Retry-After seconds then ok", thenOK(status(429, "", "Retry-After", "1")), outcome{ok: true, requests: 2}},
	{"429 Retry-After date then ok", thenOK(func(n int64, w http.ResponseWriter, r *http.Request) {
		status(429, "", "Retry-After", retryAfterNow.Add(3*time.Second).Format(http.TimeFormat))(n, w, r)
	}), outcome{ok: true, requests: 2}},
	{"429 always", status(429, `{"error":"slow_down"}`), outcome{status: 429, code: "slow_down", retryable: true, requests: 3}},
	{"connection dropped then ok", thenOK(hijackClose), outcome{ok: true, requests: 2}},
	{"connection dropped always", hijackClose, outcome{retryable: true, requests: 3}},
	{"truncated body then ok", thenOK(truncated), outcome{ok: true, requests: 2}},
	{"200 not json", status(200, `<html>captive portal</html>`), outcome{status: 200, retryable: true, requests: 3, errHas: "not a JSON object"}},
	{"200 empty body", status(200, ``), outcome{status: 200, retryable: true, requests: 3}},
	{"200 missing access_token", status(200, `{"token_type":"Bearer","expires_in":60}`), outcome{status: 200, requests: 1, errHas: "no access_token"}},
	{"200 empty access_token", status(200, `{"access_token":"","expires_in":60}`), outcome{status: 200, requests: 1, errHas: "no access_token"}},
	{"200 mac token type", status(200, `{"access_token":"t","token_type":"mac","expires_in":60}`), outcome{status: 200, requests: 1, errHas: `token_type "mac"`}},
	{"200 carrying error", status(200, `{"error":"invalid_client","error_description":"nope"}`), outcome{status: 200, code: "invalid_client", requests: 1}},
	{"200 negative expires_in", status(200, `{"access_token":"t","expires_in":-5}`), outcome{status: 200, requests: 1, errHas: "expires_in -5"}},
	{"200 absurd expires_in", status(200, `{"access_token":"t","expires_in":9999999999}`), outcome{status: 200, requests: 1, errHas: "outside"}},
	{"200 expires_in not a number", status(200, `{"access_token":"t","expires_in":"soon"}`), outcome{status: 200, requests: 1, errHas: "not a number"}},
	{"200 access_token not a string", status(200, `{"access_token":42}`), outcome{status: 200, requests: 1}},
	{"200 JSON array", status(200, `[1,2]`), outcome{status: 200, requests: 1}},
	{"200 lowercase bearer, string expires_in", status(200, `{"access_token":"lower-case-bearer-token","token_type":"bearer","expires_in":"269"}`), outcome{ok: true, requests: 1}},
	{"200 over 1 MiB", func(_ int64, w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(200)
		w.Write([]byte(`{"access_token":"` + strings.Repeat("a", 1<<20) + `"}`))
	}, outcome{status: 200, requests: 1, errHas: "larger than 1 MiB"}},
	{"redirect to another host", func(_ int64, w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "https://evil.example/steal", http.StatusTemporaryRedirect)
	}, outcome{requests: 1, errHas: "credentials are only sent to"}},
}

func TestFaultMatrix(t *testing.T) {
	if len(faults) < 20 {
		t.Fatalf("the fault matrix has %d faults, want at least 20", len(faults))
	}
	for _, f := range faults {
		for _, flow := range []struct {
			name string
			new  func(string) Flow
		}{{"nitro", NitroJSON}, {"rfc6749", rfc6749}} {
			t.Run(f.name+"/"+flow.name, func(t *testing.T) {
				src, ts, logs := setup(t, flow.new, f.answer, WithRetryBudget(3))
				if strings.HasPrefix(f.name, "429 Retry-After date") {
					src.now = func() time.Time { return retryAfterNow }
				}
				var slept []time.Duration
				src.sleep = func(_ context.Context, d time.Duration) error { slept = append(slept, d); return nil }
				tok, err := src.Token(context.Background())
				checkOutcome(t, f.want, tok, err, ts.hits.Load())
				checkNoSecrets(t, err, logs.String(), tok.AccessToken)
				checkRetryAfter(t, f.name, slept)
			})
		}
	}
}

func checkOutcome(t *testing.T, want outcome, tok Token, err error, requests int64) {
	t.Helper()
	if requests != want.requests {
		t.Errorf("token requests = %d, want %d", requests, want.requests)
	}
	if want.ok {
		if err != nil || tok.AccessToken == "" {
			t.Fatalf("Token = %v, %v; want a token", tok, err)
		}
		return
	}
	var ae *Error
	if !errors.As(err, &ae) {
		t.Fatalf("Token error = %v (%T), want *auth.Error", err, err)
	}
	if ae.StatusCode != want.status || ae.Code != want.code || ae.Retryable != want.retryable {
		t.Errorf("Error{Status %d, Code %q, Retryable %v}, want {%d, %q, %v}: %v",
			ae.StatusCode, ae.Code, ae.Retryable, want.status, want.code, want.retryable, err)
	}
	if want.errHas != "" && !strings.Contains(err.Error(), want.errHas) {
		t.Errorf("error %q does not say %q", err, want.errHas)
	}
	if requests > 1 && ae.Attempts != int(requests) {
		t.Errorf("Attempts = %d, want %d", ae.Attempts, requests)
	}
}

// checkNoSecrets fails if the secret or a token shows in an error or a log.
func checkNoSecrets(t *testing.T, err error, logs, token string) {
	t.Helper()
	texts := []string{logs}
	for e := err; e != nil; e = errors.Unwrap(e) {
		texts = append(texts, e.Error())
	}
	for _, text := range texts {
		for _, secret := range []string{testSecret, "s3cr3t", "tok-1", "tok-2", "tok-3"} {
			if strings.Contains(text, secret) {
				t.Errorf("%q leaked into %q", secret, text)
			}
		}
		if token != "" && strings.Contains(text, token) {
			t.Errorf("the token leaked into %q", text)
		}
	}
}

func TestUnreachableEndpointIsRetryable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	src, err := NewSource(NitroJSON("http://"+addr+"/oauth/token"), testCreds, WithRetryBudget(2))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	src.sleep = func(context.Context, time.Duration) error { return nil }
	_, err = src.Token(context.Background())
	var ae *Error
	if !errors.As(err, &ae) || !ae.Retryable || ae.StatusCode != 0 || ae.Attempts != 2 {
		t.Fatalf("Token against a closed port = %#v", err)
	}
}

// checkRetryAfter checks the sleeps of the Retry-After faults: 1s as
// delay-seconds; 2 to 3s as an HTTP-date 3s ahead (it has whole seconds).
func checkRetryAfter(t *testing.T, name string, slept []time.Duration) {
	t.Helper()
	lo, hi := time.Second, time.Second
	switch {
	case strings.HasPrefix(name, "429 Retry-After seconds"):
	case strings.HasPrefix(name, "429 Retry-After date"):
		lo, hi = 3*time.Second, 3*time.Second
	default:
		return
	}
	if len(slept) != 1 || slept[0] < lo || slept[0] > hi {
		t.Errorf("Retry-After not honoured: slept %v, want one sleep in [%v, %v]", slept, lo, hi)
	}
}
