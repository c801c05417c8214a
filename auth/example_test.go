package auth_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/nitrokit/nitro/auth"
)

// fakeProvider stands in for a provider's token endpoint in these examples.
func fakeProvider(body map[string]any) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(body)
	}))
}

// Nitro Sign: the token URL exactly as the Admin Portal shows it, and the
// client pair from the portal's API panel.
func ExampleNitroJSON() {
	nitro := fakeProvider(map[string]any{"accessToken": "eyJ...", "tokenType": "Bearer", "expiresIn": 86400})
	defer nitro.Close()

	src, err := auth.NewSource(auth.NitroJSON(nitro.URL+"/oauth/token"),
		auth.Credentials{ClientID: "my-app", ClientSecret: "from-your-secrets-manager"})
	if err != nil {
		panic(err)
	}
	defer src.Close()

	api := &http.Client{Transport: src.Transport(nil)} // every request gets the Bearer token
	_ = api
	tok, err := src.Token(context.Background())
	fmt.Println(tok.TokenType, err, time.Until(tok.Expiry).Round(time.Hour))
	// Output: Bearer <nil> 24h0m0s
}

// A Signicat-style provider: RFC 6749 form with HTTP Basic, and scopes.
func ExampleClientCredentials() {
	signicat := fakeProvider(map[string]any{"access_token": "xxxxx.yyyyy.zzzzz", "token_type": "Bearer", "expires_in": 3600})
	defer signicat.Close()

	src, err := auth.NewSource(
		auth.ClientCredentials(signicat.URL+"/auth/open/connect/token", "document_read", "document_write", "document_file"),
		auth.Credentials{ClientID: "clientId", ClientSecret: "clientSecret"})
	if err != nil {
		panic(err)
	}
	defer src.Close()
	tok, err := src.Token(context.Background())
	fmt.Printf("%s %v %v\n", tok.TokenType, err, strings.Contains(fmt.Sprint(tok), "xxxxx"))
	// Output: Bearer <nil> false
}

// Nitrobox: a tenant URL and the instance's default 5-minute tokens, which
// the Source refreshes in the background a minute before they expire.
func ExampleClientCredentials_tenant() {
	nitrobox := fakeProvider(map[string]any{"access_token": "{your access token}", "token_type": "bearer", "expires_in": 269})
	defer nitrobox.Close()

	src, err := auth.NewSource(auth.ClientCredentials(nitrobox.URL+"/acme/oauth2/token"),
		auth.Credentials{ClientID: "my_client_id", ClientSecret: "my_client_secret"},
		auth.WithDefaultTTL(5*time.Minute)) // for answers without expires_in
	if err != nil {
		panic(err)
	}
	defer src.Close()
	tok, err := src.Token(context.Background())
	fmt.Println(tok.TokenType, err, time.Until(tok.Expiry).Round(time.Minute))
	// Output: Bearer <nil> 4m0s
}
