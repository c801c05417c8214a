package auth

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// Flow is one way of asking a token endpoint for a client-credentials token:
// it builds the token request. A Source sends it, parses the answer (either
// response shape, for every flow) and caches the token.
//
// Flows are created by NitroJSON and ClientCredentials; they are immutable
// and safe for concurrent use.
type Flow interface {
	// TokenURL is the full URL of the token endpoint.
	TokenURL() string
	// Scopes returns a copy of the requested scopes, if any.
	Scopes() []string

	newRequest(ctx context.Context, creds Credentials, params url.Values) (*http.Request, error)
	acceptsParams() bool
}

// NitroJSON is Nitro Sign's token flow: a POST of the JSON body
// {"clientID": …, "clientSecret": …} to tokenURL, exactly the URL the Nitro
// Admin Portal shows (for example https://api.gonitro.dev/oauth/token).
// The answer may be camelCase {accessToken, tokenType, expiresIn} or RFC 6749
// {access_token, token_type, expires_in}.
func NitroJSON(tokenURL string) Flow { return nitroJSON{tokenURL: tokenURL} }

type nitroJSON struct{ tokenURL string }

func (f nitroJSON) TokenURL() string    { return f.tokenURL }
func (f nitroJSON) Scopes() []string    { return nil }
func (f nitroJSON) acceptsParams() bool { return false }

func (f nitroJSON) newRequest(ctx context.Context, creds Credentials, _ url.Values) (*http.Request, error) {
	body, err := nitroBody(creds)
	if err != nil {
		return nil, fmt.Errorf("auth: encode token request: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, f.tokenURL, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("auth: token request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	return req, nil
}

// ClientCredentials is the RFC 6749 §4.4 client-credentials grant: a POST of
// the form grant_type=client_credentials (plus a space-delimited scope when
// scopes are given, plus any WithEndpointParams) to tokenURL, authenticated
// with HTTP Basic as §2.3.1 specifies (the form-urlencoded id and secret,
// joined by a colon, then base64). It serves Signicat-style providers with
// scopes and tenant URLs such as https://host/{tenant}/oauth2/token (Nitrobox)
// alike. It never probes other client authentication styles.
func ClientCredentials(tokenURL string, scopes ...string) Flow {
	return clientCredentials{tokenURL: tokenURL, scopes: slices.Clone(scopes)}
}

type clientCredentials struct {
	tokenURL string
	scopes   []string
}

func (f clientCredentials) TokenURL() string    { return f.tokenURL }
func (f clientCredentials) Scopes() []string    { return slices.Clone(f.scopes) }
func (f clientCredentials) acceptsParams() bool { return true }

func (f clientCredentials) newRequest(ctx context.Context, creds Credentials, params url.Values) (*http.Request, error) {
	form := url.Values{"grant_type": {"client_credentials"}}
	if len(f.scopes) > 0 {
		form.Set("scope", strings.Join(f.scopes, " "))
	}
	for k, vs := range params {
		form[k] = slices.Clone(vs)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, f.tokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, fmt.Errorf("auth: token request: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", "Basic "+basicCredentials(creds))
	return req, nil
}

// basicCredentials encodes RFC 6749 §2.3.1 client authentication: unlike
// plain RFC 7617 (and net/http's SetBasicAuth), the id and secret are
// form-urlencoded before they are joined and base64-encoded.
func basicCredentials(c Credentials) string {
	return base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(c.ClientID) + ":" + url.QueryEscape(c.ClientSecret)))
}
