package auth

import "encoding/json"

// The token endpoint's wire formats, as seed 002 documents them. auth keeps
// its own copies rather than importing the generated client, so that the
// generator's output can change without touching token handling, and so
// that an answer is decoded once, into one struct, whichever shape it has.

// nitroTokenRequest is NitroJSON's request body.
type nitroTokenRequest struct {
	ClientID     string `json:"clientID"`
	ClientSecret string `json:"clientSecret"`
}

// tokenAnswer holds every field of both success shapes (camelCase
// AuthTokenResponse and RFC 6749 OAuth2TokenResponse) and of the RFC 6749
// §5.2 error body. The field names differ by more than case, so
// encoding/json's case-insensitive matching cannot mix the shapes up.
// expires_in stays raw: it may be a number or a numeric string.
type tokenAnswer struct {
	AccessToken *string         `json:"access_token"`
	TokenType   *string         `json:"token_type"`
	ExpiresIn   json.RawMessage `json:"expires_in"`

	CamelAccessToken *string         `json:"accessToken"`
	CamelTokenType   *string         `json:"tokenType"`
	CamelExpiresIn   json.RawMessage `json:"expiresIn"`

	Error            *string `json:"error"`
	ErrorDescription *string `json:"error_description"`
	ErrorURI         *string `json:"error_uri"`
}
