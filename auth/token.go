package auth

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"time"
)

// Token is an access token and when it expires.
//
// Printing a Token (String, GoString, Format at any verb, LogValue,
// MarshalJSON) shows only its type and expiry, never the access token.
type Token struct {
	AccessToken string
	// TokenType is "Bearer" for every flow in this package.
	TokenType string
	// Expiry is when the token stops being valid; lifetimes are measured from
	// when the token request was sent, so it errs early, never late.
	Expiry time.Time
}

// Valid reports whether t has an access token that has not expired at now.
func (t Token) Valid(now time.Time) bool {
	return t.AccessToken != "" && now.Before(t.Expiry)
}

// String shows the type and expiry only.
func (t Token) String() string {
	return fmt.Sprintf("auth.Token{TokenType: %q, AccessToken: %s, Expiry: %s}",
		t.TokenType, redactedIfSet(t.AccessToken), t.Expiry.Format(time.RFC3339))
}

// GoString is String.
func (t Token) GoString() string { return t.String() }

// Format prints String for every verb.
func (t Token) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(t.String())) }

// LogValue makes slog print the type and expiry only.
func (t Token) LogValue() slog.Value {
	return slog.GroupValue(slog.String("token_type", t.TokenType), slog.Time("expiry", t.Expiry))
}

// MarshalJSON encodes the type and expiry only.
func (t Token) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		TokenType   string    `json:"token_type"`
		AccessToken string    `json:"access_token"`
		Expiry      time.Time `json:"expiry"`
	}{t.TokenType, redactedIfSet(t.AccessToken), t.Expiry})
}
