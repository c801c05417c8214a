package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"
)

// TestInvalidHeaderTokenIsRefused: an access token that is not a valid
// header value is a typed, non-retryable error at fetch time, never cached
// and never attached.
func TestInvalidHeaderTokenIsRefused(t *testing.T) {
	for name, tok := range map[string]string{
		"CRLF injection": "abc\r\nX-Evil: 1", "LF": "abc\ndef", "NUL": "abc\x00def",
		"DEL": "abc\x7fdef", "tab": "abc\tdef", "leading space": " abcdef", "trailing space": "abcdef ",
	} {
		t.Run(name, func(t *testing.T) {
			src, ts, logs := setup(t, NitroJSON, func(_ int64, w http.ResponseWriter, _ *http.Request) {
				writeJSON(w, 200, map[string]any{"access_token": tok, "expires_in": 60})
			}, WithRetryBudget(3))
			_, err := src.Token(context.Background())
			var ae *Error
			if !errors.As(err, &ae) || !errors.Is(err, ErrInvalidToken) || ae.Retryable || IsRetryable(err) || ae.StatusCode != 200 {
				t.Fatalf("Token = %v; want a non-retryable *Error wrapping ErrInvalidToken", err)
			}
			if src.cur.Load() != nil || ts.hits.Load() != 1 {
				t.Errorf("cached %v after %d requests", src.cur.Load(), ts.hits.Load())
			}
			req, _ := http.NewRequest(http.MethodGet, "https://api.gonitro.dev/x", nil)
			if err := src.RequestEditor(context.Background(), req); err == nil || req.Header.Get("Authorization") != "" {
				t.Errorf("RequestEditor = %v, header %q", err, req.Header.Get("Authorization"))
			}
			checkNoSecrets(t, err, logs.String(), tok)
		})
	}
}

// TestIsRetryable classifies what a Source really returns, so the API
// layer's retry loop can stop at once on what no retry can fix.
func TestIsRetryable(t *testing.T) {
	fail := func(code int, body string) func(int64, http.ResponseWriter, *http.Request) {
		return func(_ int64, w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Retry-After", "7")
			w.WriteHeader(code)
			w.Write([]byte(body))
		}
	}
	tokenErr := func(answer func(int64, http.ResponseWriter, *http.Request)) error {
		src, _, _ := setup(t, NitroJSON, answer, WithRetryBudget(1))
		_, err := src.Token(context.Background())
		return err
	}
	closed, _, _ := setup(t, NitroJSON, nil)
	closed.Close()
	_, errClosed := closed.Token(context.Background())
	insecure, _, _ := setup(t, NitroJSON, nil)
	req, _ := http.NewRequest(http.MethodGet, "http://api.gonitro.dev/x", nil)
	errInsecure := insecure.RequestEditor(context.Background(), req)
	slow, _, _ := setup(t, NitroJSON, func(_ int64, _ http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, errCtx := slow.Token(ctx)

	err503 := tokenErr(fail(503, ""))
	for name, tt := range map[string]struct {
		err  error
		want bool
	}{
		"401 invalid_client":      {tokenErr(fail(401, `{"error":"invalid_client"}`)), false},
		"400 invalid_grant":       {tokenErr(fail(400, `{"error":"invalid_grant"}`)), false},
		"503":                     {err503, true},
		"503 wrapped by a caller": {fmt.Errorf("api: %w", err503), true},
		"429":                     {tokenErr(fail(429, "")), true},
		"ErrClosed":               {errClosed, false},
		"ErrInsecureURL":          {errInsecure, false},
		"caller's deadline":       {errCtx, false},
		"not from auth":           {errors.New("x"), false},
		"nil":                     {nil, false},
	} {
		if got := IsRetryable(tt.err); got != tt.want {
			t.Errorf("%s: IsRetryable(%v) = %v, want %v", name, tt.err, got, tt.want)
		}
	}
	var ae *Error
	if !errors.As(err503, &ae) || ae.RetryAfter != 7*time.Second || !ae.Temporary() {
		t.Errorf("503 with Retry-After 7: %#v", err503)
	}
}
