package auth

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/url"
	"testing"
)

func TestNitroJSONSendsExactlyTheSpecBody(t *testing.T) {
	src, ts, _ := setup(t, NitroJSON, func(n int64, w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"accessToken": "camel", "tokenType": "Bearer", "expiresIn": 86400})
	})
	tok, err := src.Token(context.Background())
	if err != nil || tok.AccessToken != "camel" {
		t.Fatalf("Token = %v, %v", tok, err)
	}
	req, body := ts.last()
	want := `{"clientID":"client-id","clientSecret":"s3cr3t-VALUE/with:odd\u0026chars"}`
	if string(body) != want {
		t.Errorf("body = %s\nwant   %s", body, want)
	}
	if req.Method != http.MethodPost || req.URL.Path != "/oauth/token" || req.Header.Get("Content-Type") != "application/json" {
		t.Errorf("request = %s %s, Content-Type %q", req.Method, req.URL.Path, req.Header.Get("Content-Type"))
	}
	if h := req.Header.Get("Authorization"); h != "" {
		t.Errorf("the JSON flow sent an Authorization header %q", h)
	}
}

func TestClientCredentialsSendsRFC6749FormAndBasic(t *testing.T) {
	tests := []struct {
		name     string
		path     string
		scopes   []string
		opts     []Option
		wantForm url.Values
	}{
		{"no scope", "/oauth2/token", nil, nil, url.Values{"grant_type": {"client_credentials"}}},
		{"signicat scopes", "/auth/open/connect/token", []string{"document_read", "document_write", "document_file"}, nil,
			url.Values{"grant_type": {"client_credentials"}, "scope": {"document_read document_write document_file"}}},
		{"nitrobox tenant", "/acme-test/oauth2/token", nil, []Option{WithEndpointParams(url.Values{"audience": {"api"}})},
			url.Values{"grant_type": {"client_credentials"}, "audience": {"api"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTokenServer(t, nil)
			src, err := NewSource(ClientCredentials(ts.URL+tt.path, tt.scopes...), testCreds, tt.opts...)
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			if _, err := src.Token(context.Background()); err != nil {
				t.Fatal(err)
			}
			req, body := ts.last()
			if req.URL.Path != tt.path || req.Method != http.MethodPost {
				t.Errorf("sent %s %s, want POST %s", req.Method, req.URL.Path, tt.path)
			}
			if ct := req.Header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
				t.Errorf("Content-Type = %q", ct)
			}
			if string(body) != tt.wantForm.Encode() {
				t.Errorf("form = %s, want %s", body, tt.wantForm.Encode())
			}
			// RFC 6749 §2.3.1: form-urlencode id and secret, join, base64.
			wantAuth := "Basic " + base64.StdEncoding.EncodeToString([]byte("client-id:s3cr3t-VALUE%2Fwith%3Aodd%26chars"))
			if got := req.Header.Get("Authorization"); got != wantAuth {
				t.Errorf("Authorization = %q, want %q", got, wantAuth)
			}
		})
	}
}

func TestSeedBasicExample(t *testing.T) {
	// Seed 004: my_client_id:my_client_secret -> bXlfY2xpZW50X2lkOm15X2NsaWVudF9zZWNyZXQ=
	got := basicCredentials(Credentials{ClientID: "my_client_id", ClientSecret: "my_client_secret"})
	if got != "bXlfY2xpZW50X2lkOm15X2NsaWVudF9zZWNyZXQ=" {
		t.Errorf("basicCredentials = %s", got)
	}
}

// TestWithUserAgentNamesTheTokenRequest: both flows' token requests carry
// the User-Agent WithUserAgent sets.
func TestWithUserAgentNamesTheTokenRequest(t *testing.T) {
	for _, flow := range []func(string) Flow{NitroJSON, rfc6749} {
		ts := newTokenServer(t, nil)
		src, err := NewSource(flow(ts.URL+"/oauth/token"), testCreds, WithUserAgent("app/1 nitro-go/devel"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := src.Token(context.Background()); err != nil {
			t.Fatal(err)
		}
		src.Close()
		if req, _ := ts.last(); req.Header.Get("User-Agent") != "app/1 nitro-go/devel" {
			t.Errorf("%T: the token request's User-Agent is %q", flow(""), req.Header.Get("User-Agent"))
		}
	}
}
