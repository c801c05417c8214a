package auth

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// TestNothingPrintsSecrets formats every public type that holds a secret or
// a token at every verb and flag, through slog and JSON, and greps the text.
func TestNothingPrintsSecrets(t *testing.T) {
	tok := Token{AccessToken: "eyJ.secret-token.sig", TokenType: "Bearer", Expiry: time.Unix(2e9, 0)}
	src, err := NewSource(NitroJSON("https://api.gonitro.dev/oauth/token"), testCreds)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	src.cur.Store(src.newEntry(tok, time.Now()))
	values := []any{testCreds, &testCreds, tok, &tok, src, []Credentials{testCreds}, map[string]Token{"k": tok},
		struct{ C Credentials }{testCreds}}
	var out strings.Builder
	for _, v := range values {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T", "%10.3v", "%-v"} {
			fmt.Fprintf(&out, verb+"\n", v)
		}
		fmt.Fprintln(&out, v)
		b, _ := json.Marshal(v)
		out.Write(b)
	}
	var logs bytes.Buffer
	for _, h := range []slog.Handler{slog.NewTextHandler(&logs, nil), slog.NewJSONHandler(&logs, nil)} {
		slog.New(h).Info("values", "creds", testCreds, "token", tok, "source", src)
	}
	all := out.String() + logs.String()
	for _, secret := range []string{testSecret, "s3cr3t", "secret-token", fmt.Sprintf("%x", testSecret), fmt.Sprintf("%X", "secret-token")} {
		if strings.Contains(all, secret) {
			t.Errorf("%q is printed:\n%s", secret, all)
		}
	}
	for _, want := range []string{"client-id", "Bearer", "[REDACTED]"} {
		if !strings.Contains(all, want) {
			t.Errorf("printing lost %q, which is safe and useful", want)
		}
	}
}
