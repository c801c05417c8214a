package auth

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/nitrokit/nitro/gen/signapi"
)

// maxLifetime bounds a token lifetime; anything longer is a broken answer.
const maxLifetime = 366 * 24 * time.Hour

// parsed is a token endpoint's successful answer, before expiry is fixed.
type parsed struct {
	accessToken string
	tokenType   string
	// expiresIn is the lifetime the answer states; 0 when absent or 0.
	expiresIn time.Duration
}

// parseTokenResponse decodes a 2xx token response in either shape seed 002
// documents (camelCase AuthTokenResponse or RFC 6749 OAuth2TokenResponse),
// through gen's wire types. expires_in may be a number or a numeric string.
func parseTokenResponse(body []byte) (parsed, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil || fields == nil {
		return parsed{}, errors.New("token response is not a JSON object")
	}
	// Some servers answer 200 with an RFC 6749 error body.
	var e signapi.OAuth2ErrorResponse
	if err := json.Unmarshal(body, &e); err == nil && e.Error != nil && *e.Error != "" {
		return parsed{}, &Error{Code: *e.Error, Description: deref(e.ErrorDescription), URI: deref(e.ErrorURI)}
	}
	var p parsed
	var expires *int64
	union, err := unionOf(fields)
	if err != nil {
		return parsed{}, err
	}
	if _, rfc := fields["access_token"]; rfc {
		r, err := union.AsOAuth2TokenResponse()
		if err != nil {
			return parsed{}, fmt.Errorf("token response: %w", err)
		}
		p.accessToken, p.tokenType, expires = deref(r.AccessToken), deref(r.TokenType), r.ExpiresIn
	} else {
		r, err := union.AsAuthTokenResponse()
		if err != nil {
			return parsed{}, fmt.Errorf("token response: %w", err)
		}
		p.accessToken, p.tokenType, expires = deref(r.AccessToken), deref(r.TokenType), r.ExpiresIn
	}
	if p.accessToken == "" {
		return parsed{}, errors.New("token response has no access_token")
	}
	if p.tokenType == "" {
		p.tokenType = "Bearer" // RFC 6749 requires it; the Nitro shape may omit it.
	}
	if !strings.EqualFold(p.tokenType, "bearer") {
		return parsed{}, fmt.Errorf("token response has token_type %q; only bearer tokens are supported", p.tokenType)
	}
	if expires != nil {
		if *expires < 0 || time.Duration(*expires) > maxLifetime/time.Second {
			return parsed{}, fmt.Errorf("token response has expires_in %d, outside [0, %d] seconds", *expires, int64(maxLifetime/time.Second))
		}
		p.expiresIn = time.Duration(*expires) * time.Second
	}
	return p, nil
}

// unionOf re-encodes the response with a numeric-string expires_in turned
// into a number, the one leniency the spec's types lack, and loads it into
// gen's response union.
func unionOf(fields map[string]json.RawMessage) (signapi.GetTokenRfc6749200JSONResponseBody, error) {
	var u signapi.GetTokenRfc6749200JSONResponseBody
	for _, k := range []string{"expires_in", "expiresIn"} {
		v, ok := fields[k]
		if !ok || len(v) == 0 || v[0] != '"' {
			continue
		}
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return u, fmt.Errorf("token response: %s: %w", k, err)
		}
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil {
			return u, fmt.Errorf("token response: %s is not a number of seconds", k)
		}
		fields[k] = json.RawMessage(strconv.FormatInt(n, 10))
	}
	b, err := json.Marshal(fields)
	if err != nil {
		return u, fmt.Errorf("token response: %w", err)
	}
	if err := u.UnmarshalJSON(b); err != nil {
		return u, fmt.Errorf("token response: %w", err)
	}
	return u, nil
}

// expiry fixes when a token expires: sent plus expires_in; failing that, the
// JWT exp claim (read for timing only, never trusted for anything else);
// failing that, sent plus the default TTL.
func expiry(p parsed, sent time.Time, defaultTTL time.Duration) (time.Time, error) {
	if p.expiresIn > 0 {
		return sent.Add(p.expiresIn), nil
	}
	if exp, ok := jwtExpiry(p.accessToken); ok {
		if !exp.After(sent) || exp.Sub(sent) > maxLifetime {
			return time.Time{}, fmt.Errorf("token's JWT exp %s is not within a year after the request", exp.UTC().Format(time.RFC3339))
		}
		return exp, nil
	}
	return sent.Add(defaultTTL), nil
}

// jwtExpiry returns the exp claim of a JWS compact token, if it is one.
func jwtExpiry(tok string) (time.Time, bool) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return time.Time{}, false
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return time.Time{}, false
	}
	var claims struct {
		Exp json.Number `json:"exp"`
	}
	d := json.NewDecoder(bytes.NewReader(payload))
	d.UseNumber()
	if d.Decode(&claims) != nil || claims.Exp == "" {
		return time.Time{}, false
	}
	secs, err := claims.Exp.Float64()
	if err != nil || secs <= 0 || secs > float64(1<<40) {
		return time.Time{}, false
	}
	return time.Unix(int64(secs), 0), true
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
