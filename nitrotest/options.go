package nitrotest

import (
	"time"

	"github.com/nitrokit/nitro/auth"
)

// Option configures a Server.
type Option func(*config)

// TokenShape is the JSON shape of the token endpoint's JSON-flow answer.
type TokenShape int

const (
	// CamelCase answers {accessToken, tokenType, expiresIn}, the spec's
	// AuthTokenResponse.
	CamelCase TokenShape = iota
	// RFC6749 answers {access_token, token_type, expires_in}, the spec's
	// OAuth2TokenResponse.
	RFC6749
)

type config struct {
	creds         auth.Credentials
	shape         TokenShape
	tokenLifetime time.Duration
	scopes        []string
	pageSize      int
	specPath      string
	overlayPath   string
	sealedSize    int64
	sealDelay     time.Duration
}

func defaultConfig() config {
	return config{
		creds:         auth.Credentials{ClientID: "nitrotest-client", ClientSecret: "nitrotest-secret"},
		tokenLifetime: 24 * time.Hour, // Nitro documents 86400 s.
		pageSize:      50,
		sealDelay:     50 * time.Millisecond,
	}
}

// WithCredentials sets the client pair the token endpoint accepts.
func WithCredentials(c auth.Credentials) Option { return func(o *config) { o.creds = c } }

// WithTokenShape chooses the JSON flow's answer shape (default CamelCase).
// The RFC 6749 form flow always answers RFC6749.
func WithTokenShape(s TokenShape) Option { return func(o *config) { o.shape = s } }

// WithTokenLifetime sets expires_in and the JWT exp of issued tokens
// (default 24h). Tokens past it are refused with 401.
func WithTokenLifetime(d time.Duration) Option { return func(o *config) { o.tokenLifetime = d } }

// WithRequiredScopes makes API calls need tokens granted all of scopes
// (requested through the RFC 6749 form flow); others get 403.
func WithRequiredScopes(scopes ...string) Option { return func(o *config) { o.scopes = scopes } }

// WithPageSize sets how many envelopes a listEnvelopes page holds (default 50).
func WithPageSize(n int) Option { return func(o *config) { o.pageSize = max(n, 1) } }

// WithSpec validates every request against the OpenAPI document at specPath,
// with the overlay at overlayPath applied ("" for none), using kin-openapi's
// openapi3filter. Invalid requests get 400 problems. NewServer panics if the
// document cannot be loaded: a test with a broken fixture should stop.
func WithSpec(specPath, overlayPath string) Option {
	return func(o *config) { o.specPath, o.overlayPath = specPath, overlayPath }
}

// WithSealedSize sets the size in bytes of a sealed envelope's download
// (default: what its documents add up to). Content is generated as it is
// sent, so 300 MB costs no memory.
func WithSealedSize(n int64) Option { return func(o *config) { o.sealedSize = n } }

// WithSealDelay sets how long after Sign an envelope seals by itself
// (default 50ms); a negative delay leaves sealing to Seal.
func WithSealDelay(d time.Duration) Option { return func(o *config) { o.sealDelay = d } }
