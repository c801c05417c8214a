package auth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"
)

// leaks lists the secret in every form a hostile endpoint might echo it in.
func leaks() []string {
	return []string{testSecret, "s3cr3t", basicCredentials(testCreds), fmt.Sprintf("%x", testSecret)}
}

func checkClean(t *testing.T, what, text string, extra ...string) {
	t.Helper()
	for _, l := range append(leaks(), extra...) {
		if strings.Contains(text, l) {
			t.Errorf("%s leaks %q:\n%s", what, l, text)
		}
	}
}

// TestHostileEndpointEchoesTheSecret: a token endpoint that repeats the
// secret (raw and Basic-encoded) in error, error_description, error_uri and
// token_type gets neither into Error(), any printed form of the error, any
// layer of its chain, nor the log.
func TestHostileEndpointEchoesTheSecret(t *testing.T) {
	basic := basicCredentials(testCreds)
	answers := map[string]func(int64, http.ResponseWriter, *http.Request){
		"error fields": func(_ int64, w http.ResponseWriter, _ *http.Request) {
			writeJSON(w, 401, map[string]string{"error": "bad_" + testSecret, "error_description": "you sent " + testSecret + " as " + basic, "error_uri": "https://x/?s=" + testSecret})
		},
		"200 error body": func(_ int64, w http.ResponseWriter, _ *http.Request) {
			writeJSON(w, 200, map[string]string{"error": testSecret, "error_description": basic})
		},
		"token_type": func(_ int64, w http.ResponseWriter, _ *http.Request) {
			writeJSON(w, 200, map[string]any{"access_token": "tok-hostile", "token_type": "mac " + testSecret, "expires_in": 60})
		},
		"retried 503": func(_ int64, w http.ResponseWriter, _ *http.Request) {
			writeJSON(w, 503, map[string]string{"error": "temporarily_unavailable", "error_description": testSecret})
		},
	}
	for name, answer := range answers {
		for _, flow := range []func(string) Flow{NitroJSON, rfc6749} {
			t.Run(name, func(t *testing.T) {
				src, _, logs := setup(t, flow, answer, WithRetryBudget(2))
				_, err := src.Token(context.Background())
				if err == nil {
					t.Fatal("a hostile answer gave a token")
				}
				if !strings.Contains(err.Error(), "[REDACTED]") {
					t.Errorf("nothing was redacted, so the test proves nothing: %v", err)
				}
				var ae *Error
				if !errors.As(err, &ae) {
					t.Errorf("%v is not an *Error", err)
				}
				var all strings.Builder
				for e := err; e != nil; e = unwrapOne(e) {
					for _, verb := range []string{"%s", "%q", "%v", "%+v", "%#v", "%x"} {
						fmt.Fprintf(&all, verb+"\n", e)
					}
				}
				b, _ := json.Marshal(ae)
				all.Write(b)
				checkClean(t, "the error", all.String())
				checkClean(t, "the log", logs.String())
			})
		}
	}
}

func unwrapOne(err error) error {
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		return u.Unwrap()
	case interface{ Unwrap() []error }:
		if es := u.Unwrap(); len(es) > 0 {
			return es[0]
		}
	}
	return nil
}

// TestRedactForgetsOldTokens: Redact knows the secret and the recent
// tokens, in bounded memory.
func TestRedactForgetsOldTokens(t *testing.T) {
	src, _, _ := setup(t, NitroJSON, nil)
	var toks []string
	for range keptTokens + 2 {
		tok, err := src.Token(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		toks = append(toks, tok.AccessToken)
		src.Invalidate(tok.AccessToken)
	}
	text := strings.Join(toks, " ") + " " + testSecret
	got := src.Redact(text)
	want := strings.Join(append([]string{toks[0], toks[1]}, slicesRepeat("[REDACTED]", keptTokens+1)...), " ")
	if got != want {
		t.Errorf("Redact(%q) = %q, want %q", text, got, want)
	}
	if n := len(src.red.tokens); n != keptTokens {
		t.Errorf("the redactor holds %d tokens, want %d", n, keptTokens)
	}
}

func slicesRepeat(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}

// TestLogLinesAreRedacted: whatever a log line carries (message, string,
// error, any value, group, logger attrs), the handler sees it redacted.
func TestLogLinesAreRedacted(t *testing.T) {
	src, _, logs := setup(t, NitroJSON, nil)
	tok, err := src.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	l := src.log.With("with", testSecret)
	l.Warn("msg "+tok.AccessToken, "s", testSecret, "err", errors.New("e "+testSecret),
		"any", []string{tok.AccessToken}, slog.Group("g", "inner", basicCredentials(testCreds)))
	out := logs.String()
	checkClean(t, "the log", out, tok.AccessToken)
	if c := strings.Count(out, "[REDACTED]"); c != 6 {
		t.Errorf("want 6 redactions in %s", out)
	}
}

// TestEveryTypePrintsRedacted formats every auth type that holds a secret
// or a token, directly or through unexported fields, at every verb, through
// JSON and slog.
func TestEveryTypePrintsRedacted(t *testing.T) {
	const tokText = "eyJ.secret-token.sig"
	tok := Token{AccessToken: tokText, TokenType: "Bearer", Expiry: time.Unix(2e9, 0)}
	src, _, _ := setup(t, NitroJSON, nil)
	src.cur.Store(src.newEntry(tok, time.Now()))
	sl, err := newSealer(testSecret, "k")
	if err != nil {
		t.Fatal(err)
	}
	tokCopy := tokText
	answer := tokenAnswer{AccessToken: &tokCopy}
	values := map[string]any{
		"Credentials": testCreds, "*Credentials": &testCreds, "Token": tok, "*Token": &tok,
		"*Source": src, "Transport": src.Transport(nil), "TokenSource": src.TokenSource(),
		"*entry": src.cur.Load(), "*redactor": src.red, "*sealer": sl,
		"storedToken": storedToken{AccessToken: tokText, Expiry: tok.Expiry}, "parsed": parsed{accessToken: tokText},
		"tokenAnswer": answer,
		"*Error":      src.red.redactErr(&Error{Description: testSecret, Err: errors.New(tokText)}),
		"nested": struct {
			S *Source
			C []Credentials
			M map[string]Token
		}{src, []Credentials{testCreds}, map[string]Token{"k": tok}},
	}
	for name, v := range values {
		var out strings.Builder
		for _, verb := range []string{"%s", "%q", "%v", "%+v", "%#v", "%x", "%X", "%d", "%10.3v", "%-v"} {
			fmt.Fprintf(&out, verb+"\n", v)
		}
		fmt.Fprintln(&out, v)
		b, _ := json.Marshal(v)
		out.Write(b)
		var logs bytes.Buffer
		for _, h := range []slog.Handler{slog.NewTextHandler(&logs, nil), slog.NewJSONHandler(&logs, nil)} {
			slog.New(h).Info("v", "v", v)
		}
		checkClean(t, name, out.String()+logs.String(), tokText, "secret-token", fmt.Sprintf("%X", "secret-token"))
	}
}
