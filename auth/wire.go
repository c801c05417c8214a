package auth

import (
	"encoding/json"
	"fmt"
)

// The token endpoint's wire formats, as seed 002 documents them. auth keeps
// its own copies rather than importing the generated client, so that the
// generator's output can change without touching token handling, and so
// that an answer is decoded once, into one struct, whichever shape it has.

// nitroBody encodes NitroJSON's request body, {"clientID": …,
// "clientSecret": …}. It is built from the two encoded strings rather than
// from a struct, so that no type exists whose JSON form is the secret.
func nitroBody(c Credentials) ([]byte, error) {
	id, err := json.Marshal(c.ClientID)
	if err != nil {
		return nil, err
	}
	secret, err := json.Marshal(c.ClientSecret)
	if err != nil {
		return nil, err
	}
	b := make([]byte, 0, len(id)+len(secret)+32)
	b = append(append(append(b, `{"clientID":`...), id...), `,"clientSecret":`...)
	return append(append(b, secret...), '}'), nil
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

// MarshalJSON encodes only whether a token was present and the error code:
// the struct is decode-only, and its printed forms must not carry the token.
func (a tokenAnswer) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		AccessToken string `json:"access_token"`
		Error       string `json:"error,omitempty"`
	}{redactedIfSet(deref(a.AccessToken) + deref(a.CamelAccessToken)), deref(a.Error)})
}

// Format keeps the token out of every printed form.
func (a tokenAnswer) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "auth.tokenAnswer{AccessToken: %s, Error: %q}", redactedIfSet(deref(a.AccessToken)+deref(a.CamelAccessToken)), deref(a.Error))
}
