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

// errNotJSON marks a token answer that is not JSON at all: likely a proxy's
// or captive portal's page, so worth another attempt. JSON of the wrong
// kind (an array, null) is a broken endpoint and is not retried.
var errNotJSON = errors.New("token response is not a JSON object")

// Format keeps the token out of every printed form, fuzz failures included.
func (p parsed) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "auth.parsed{accessToken: %s, tokenType: %q, expiresIn: %v}", redactedIfSet(p.accessToken), p.tokenType, p.expiresIn)
}

// parseTokenResponse decodes a 2xx token response in either shape seed 002
// documents (camelCase AuthTokenResponse or RFC 6749 OAuth2TokenResponse),
// in one pass into tokenAnswer. The RFC 6749 shape wins when access_token is
// present. expires_in may be a number or a numeric string.
func parseTokenResponse(body []byte) (parsed, error) {
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	if len(trimmed) == 0 || trimmed[0] != '{' {
		if json.Valid(trimmed) {
			return parsed{}, errors.New("token response is not a JSON object")
		}
		return parsed{}, errNotJSON
	}
	var a tokenAnswer
	err := json.Unmarshal(body, &a)
	var syntax *json.SyntaxError
	if errors.As(err, &syntax) {
		return parsed{}, errNotJSON
	}
	// Some servers answer 200 with an RFC 6749 error body. A field of the
	// wrong type elsewhere does not hide it: Unmarshal fills what it can.
	if code := deref(a.Error); code != "" {
		return parsed{}, &Error{Code: code, Description: deref(a.ErrorDescription), URI: deref(a.ErrorURI)}
	}
	if err != nil {
		return parsed{}, fmt.Errorf("token response: %w", err)
	}
	tok, typ, rawExp, expKey := a.AccessToken, a.TokenType, a.ExpiresIn, "expires_in"
	if tok == nil {
		tok, typ, rawExp, expKey = a.CamelAccessToken, a.CamelTokenType, a.CamelExpiresIn, "expiresIn"
	}
	p := parsed{accessToken: deref(tok), tokenType: deref(typ)}
	if p.accessToken == "" {
		return parsed{}, errors.New("token response has no access_token")
	}
	if p.tokenType == "" {
		p.tokenType = "Bearer" // RFC 6749 requires it; the Nitro shape may omit it.
	}
	if !strings.EqualFold(p.tokenType, "bearer") {
		return parsed{}, fmt.Errorf("token response has token_type %q; only bearer tokens are supported", p.tokenType)
	}
	secs, ok, err := seconds(rawExp, expKey)
	if err != nil {
		return parsed{}, err
	}
	if ok {
		if secs < 0 || time.Duration(secs) > maxLifetime/time.Second {
			return parsed{}, fmt.Errorf("token response has expires_in %d, outside [0, %d] seconds", secs, int64(maxLifetime/time.Second))
		}
		p.expiresIn = time.Duration(secs) * time.Second
	}
	return p, nil
}

// seconds reads an expires_in value: a JSON integer or a string holding
// one, the one leniency real providers need. Absent or null is not ok.
func seconds(raw json.RawMessage, key string) (int64, bool, error) {
	v := string(bytes.TrimSpace(raw))
	if v == "" || v == "null" {
		return 0, false, nil
	}
	if v[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return 0, false, fmt.Errorf("token response: %s: %w", key, err)
		}
		v = strings.TrimSpace(s)
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, false, fmt.Errorf("token response: %s is not a number of seconds", key)
	}
	return n, true, nil
}

// checkHeaderValue fails, wrapping ErrInvalidToken, if tok cannot follow
// "Bearer " in an Authorization header: RFC 9110 field values exclude
// control characters (tab aside, which no token syntax allows either, so it
// is refused too), and a token with leading or trailing whitespace would not
// arrive intact. The message names the position only:
// the token must not appear in an error.
func checkHeaderValue(tok string) error {
	for i := 0; i < len(tok); i++ {
		if b := tok[i]; b < 0x20 || b == 0x7f {
			return fmt.Errorf("%w: control character 0x%02x at byte %d", ErrInvalidToken, b, i)
		}
	}
	if strings.TrimSpace(tok) != tok {
		return fmt.Errorf("%w: leading or trailing whitespace", ErrInvalidToken)
	}
	return nil
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
