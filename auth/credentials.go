package auth

import (
	"encoding/json"
	"fmt"
	"log/slog"
)

const redacted = "[REDACTED]"

// Credentials is an OAuth 2.0 client's id and secret, as the provider's admin
// portal shows them.
//
// The secret never prints: String, GoString, Format (every verb, %#v and %+v
// included), LogValue and MarshalJSON all redact it. The zero value is not
// usable; NewSource rejects empty fields.
type Credentials struct {
	ClientID     string
	ClientSecret string
}

// String returns the client id and a redacted secret.
func (c Credentials) String() string {
	return fmt.Sprintf("auth.Credentials{ClientID: %q, ClientSecret: %s}", c.ClientID, redactedIfSet(c.ClientSecret))
}

// GoString is String: %#v must not reveal the secret either.
func (c Credentials) GoString() string { return c.String() }

// Format prints String for every verb, so no verb, flag or width can reach
// the secret through reflection.
func (c Credentials) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(c.String())) }

// LogValue makes slog print the client id and a redacted secret.
func (c Credentials) LogValue() slog.Value {
	return slog.GroupValue(slog.String("client_id", c.ClientID), slog.String("client_secret", redactedIfSet(c.ClientSecret)))
}

// MarshalJSON encodes the client id and a redacted secret. Credentials are
// configuration, not wire data: flows build their own request bodies.
func (c Credentials) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		ClientID     string `json:"client_id"`
		ClientSecret string `json:"client_secret"`
	}{c.ClientID, redactedIfSet(c.ClientSecret)})
}

func redactedIfSet(s string) string {
	if s == "" {
		return `""`
	}
	return redacted
}
