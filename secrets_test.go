package nitro_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/internal/testkit/flowtest"
	"github.com/nitrokit/nitro/nitrotest"
	"github.com/nitrokit/nitro/sign"
)

var verbs = []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%10.3v"}

func TestClientNeverPrintsTheSecretOrTheToken(t *testing.T) {
	c, srv, _, _ := setup(t, nitro.Config{})
	tok, err := c.Token(context.Background())
	must(t, err)
	var out strings.Builder
	for _, verb := range verbs {
		fmt.Fprintf(&out, verb+"\n", c)
		fmt.Fprintf(&out, verb+"\n", *c)
		fmt.Fprintf(&out, verb+"\n", []any{c})
	}
	fmt.Fprintln(&out, c.String(), c.GoString(), nitro.Client{}, (*nitro.Client)(nil))
	slog.New(slog.NewJSONHandler(&out, nil)).Info("client", "client", c)
	slog.New(slog.NewTextHandler(&out, nil)).Info("client", "client", *c)
	//lint:ignore SA9005 a Client has no exported fields on purpose; this marshals one as a user's log line might by accident, to keep its JSON free of secrets if a field is ever exported
	b, err := json.Marshal(c)
	must(t, err)
	out.Write(b)
	for _, secret := range []string{srv.Credentials().ClientSecret, tok.AccessToken} {
		if strings.Contains(out.String(), secret) {
			t.Errorf("printing a Client shows %q:\n%s", secret, out.String())
		}
	}
	if !strings.Contains(out.String(), srv.URL()) {
		t.Errorf("printing a Client does not show its base URL:\n%s", out.String())
	}
}

func TestConfigMarshalsRedacted(t *testing.T) {
	cfg := nitro.Config{ClientID: "app", ClientSecret: "very-secret-value", BaseURL: "https://api.example.com"}
	for _, v := range []any{cfg, &cfg, map[string]any{"c": cfg}} {
		b, err := json.Marshal(v)
		must(t, err)
		if strings.Contains(string(b), "very-secret") || !strings.Contains(string(b), `"ClientSecret":"[REDACTED]"`) ||
			!strings.Contains(string(b), `"BaseURL":"https://api.example.com"`) {
			t.Errorf("json.Marshal(%T) = %s", v, b)
		}
	}
}

func TestConfigErrorsNeverRepeatTheSecret(t *testing.T) {
	const secret = "s3cr3t/value+with=chars"
	for _, tt := range []struct{ field, baseURL, tokenURL string }{
		{"BaseURL", secret, ""},
		{"BaseURL", "https://api.example.com/?key=" + secret, ""},
		{"BaseURL", "https://api.example.com/" + strings.ReplaceAll(secret, "/", "%2F"), ""},
		{"TokenURL", "", "ftp://" + secret},
		{"TokenURL", "", "https://auth.example.com/token?client_secret=s3cr3t%2Fvalue%2Bwith%3Dchars"},
	} {
		_, err := nitro.NewClient(nitro.Config{ClientID: "id", ClientSecret: secret, BaseURL: tt.baseURL, TokenURL: tt.tokenURL})
		var ce *nitro.ConfigError
		if !errors.As(err, &ce) || ce.Field != tt.field {
			t.Errorf("%s %s: got %v, want a ConfigError for %s", tt.baseURL, tt.tokenURL, err, tt.field)
			continue
		}
		for _, form := range []string{secret, "s3cr3t%2Fvalue", "s3cr3t"} {
			if strings.Contains(fmt.Sprintf("%v %+v %#v", err, ce, ce), form) {
				t.Errorf("the error repeats the secret: %v", err)
			}
		}
	}
}

// TestHostileUnauthorizedNeverEchoesTheToken has the API answer 401 with a
// problem that repeats the token (and the secret) in every member: the
// auth layer replays once with a new token and gets the same answer, naming
// the first token, which the source has dropped by then.
func TestHostileUnauthorizedNeverEchoesTheToken(t *testing.T) {
	c, srv, _, logs := setup(t, nitro.Config{})
	env := flowtest.NewEnvelope(t, sign.New(c), "x")
	tok, err := c.Token(context.Background())
	must(t, err)
	secret := srv.Credentials().ClientSecret
	echo := tok.AccessToken + " " + secret
	body, _ := json.Marshal(map[string]any{
		"type": "https://x/" + tok.AccessToken, "title": "bad " + echo, "detail": "token Bearer " + echo + " is not valid",
		"instance": "/i/" + tok.AccessToken, "extensions": map[string]any{"token": echo, "nested": []any{echo, map[string]any{echo: echo}}},
		"validation_errors": map[string]string{"authorization": echo},
	})
	flowtest.Must(t, srv.InjectFault(nitrotest.Operation("GetEnvelope"), 2, nitrotest.Fault{Status: 401, Body: string(body), ContentType: "application/problem+json", RetryAfter: echo}))
	_, err = sign.New(c).GetEnvelope(context.Background(), env)
	var ae *nitro.APIError
	if !errors.As(err, &ae) || ae.StatusCode != 401 {
		t.Fatalf("got %v, want a 401 APIError", err)
	}
	fields, _ := json.Marshal(ae)
	printed := fmt.Sprintf("%v\n%+v\n%#v\n%s\n%s", err, ae, ae, fields, logs)
	now, _ := c.Token(context.Background())
	for _, s := range []string{tok.AccessToken, now.AccessToken, secret} {
		if strings.Contains(printed, s) {
			t.Errorf("the APIError or the log holds %q:\n%s", s, printed)
		}
	}
	if !strings.Contains(ae.Detail, "[REDACTED]") || ae.Extensions["token"] == nil || ae.ValidationErrors["authorization"] == "" {
		t.Errorf("the problem's members were dropped rather than redacted: %+v", ae)
	}
}

// TestRedactScrubsTheSecretAndTokens: Client.Redact, the redactor the API
// packages pass server text through, removes the secret and the token; a nil
// Client passes text through.
func TestRedactScrubsTheSecretAndTokens(t *testing.T) {
	c, srv, _, _ := setup(t, nitro.Config{})
	tok, err := c.Token(context.Background())
	must(t, err)
	secret := srv.Credentials().ClientSecret
	got := c.Redact("secret " + secret + " token " + tok.AccessToken)
	if strings.Contains(got, secret) || strings.Contains(got, tok.AccessToken) || !strings.Contains(got, "[REDACTED]") {
		t.Fatalf("Redact left %q", got)
	}
	if got := (*nitro.Client)(nil).Redact("x"); got != "x" {
		t.Fatalf("nil Client: %q", got)
	}
}

// TestServerChosenPathIsRedacted: a path holds what a server chose (a PDF
// job's ID), so a hostile server can make it the token or the secret. The
// APIError's Path, its text, and every log line's path are redacted; here
// the API answers a 404 and then a 503 (retried), so that both the debug
// line of each attempt and the retry warning are written.
func TestServerChosenPathIsRedacted(t *testing.T) {
	c, srv, _, logs := setup(t, nitro.Config{})
	tok, err := c.Token(context.Background())
	must(t, err)
	secret := srv.Credentials().ClientSecret
	id := tok.AccessToken + "-" + secret
	for _, tt := range []struct{ status, attempts int }{{404, 1}, {503, 4}} {
		status := tt.status
		flowtest.Must(t, srv.InjectFault(nitrotest.AnyOperation, tt.attempts, nitrotest.Fault{Status: status}))
		req, err := http.NewRequest(http.MethodGet, srv.URL()+"/jobs/"+url.PathEscape(id), nil)
		must(t, err)
		_, err = c.Do(req)
		var ae *nitro.APIError
		if !errors.As(err, &ae) || ae.StatusCode != status {
			t.Fatalf("got %v, want a %d APIError", err, status)
		}
		printed := fmt.Sprintf("%v\n%+v\n%s\n%s", err, ae, ae.Path, logs)
		for _, s := range []string{tok.AccessToken, secret} {
			if strings.Contains(printed, s) {
				t.Errorf("%d: the APIError or the log holds %q:\n%s", status, s, printed)
			}
		}
		if !strings.Contains(ae.Path, "/jobs/[REDACTED]") {
			t.Errorf("%d: Path = %q, want the job's ID redacted, the rest kept", status, ae.Path)
		}
	}
	// A failure with no answer is a *url.Error, whose text quotes the URL.
	must(t, srv.InjectFault(nitrotest.AnyOperation, 20, nitrotest.Fault{Drop: true})) // net/http may resend on a reused connection
	req, err := http.NewRequest(http.MethodGet, srv.URL()+"/jobs/"+url.PathEscape(id), nil)
	must(t, err)
	_, err = c.Do(req)
	var ue *url.Error
	if !errors.As(err, &ue) {
		t.Fatalf("a dropped connection: got %v, want a *url.Error", err)
	}
	for _, s := range []string{tok.AccessToken, secret} {
		if printed := fmt.Sprintf("%v\n%+v\n%s", err, ue, logs); strings.Contains(printed, s) {
			t.Errorf("the transport error or the log holds %q:\n%s", s, printed)
		}
	}
	if !strings.Contains(logs.String(), "nitro: retrying") {
		t.Errorf("no retry was logged:\n%s", logs)
	}
}
