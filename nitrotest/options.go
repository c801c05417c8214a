package nitrotest

import (
	"net"
	"net/http"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

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
	spec          *openapi3.T
	noValidation  bool
	sealedSize    int64
	sealDelay     time.Duration
	jobDuration   time.Duration // PDF jobs: see WithJobDuration
	jobExpiry     time.Duration // PDF jobs: see WithJobExpiry
	outputSize    int64         // PDF results: see WithOutputSize
	// now is the Server's clock: a seam for tests, which set it before the
	// server starts serving, so that no request can see it change.
	now func() time.Time

	// Where and how it serves: see WithListener and WithMiddleware.
	listener   net.Listener
	middleware func(http.Handler) http.Handler
}

func defaultConfig() config {
	return config{
		creds:         auth.Credentials{ClientID: "nitrotest-client", ClientSecret: "nitrotest-secret"},
		tokenLifetime: 24 * time.Hour, // Nitro documents 86400 s.
		pageSize:      50,
		sealDelay:     50 * time.Millisecond,
		jobDuration:   50 * time.Millisecond,
		jobExpiry:     24 * time.Hour,
		now:           time.Now,
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

// WithSpec validates every request against doc instead of the spec
// compiled into this package, which a Server uses by default: for trying a
// candidate spec, loaded with kin-openapi (and any overlay applied) by the
// caller. NewServer panics if doc cannot be routed, or if a request's
// schema uses a keyword that only a JSON Schema 2020-12 validator checks
// (const, if/then/else, prefixItems and the like): a Server reads every spec
// as OpenAPI 3.0, and would let those pass unchecked. A test with a broken
// fixture, or a candidate spec the fake cannot check, should stop.
func WithSpec(doc *openapi3.T) Option { return func(o *config) { o.spec = doc } }

// WithoutValidation turns off validating requests against the spec, which a
// Server does by default (with kin-openapi's openapi3filter; invalid
// requests get 400 problems): for a test that sends what the spec forbids to
// see what the handlers alone do.
func WithoutValidation() Option { return func(o *config) { o.noValidation = true } }

// validator is the request validator the options choose, nil for none.
func (c config) validator() *validator {
	if c.noValidation {
		return nil
	}
	v, err := embeddedValidator()
	if c.spec != nil {
		v, err = validatorFor(c.spec)
	}
	if err != nil {
		// The embedded spec was validated when it was generated, so only a
		// broken WithSpec fixture gets here.
		panic("nitrotest: " + err.Error())
	}
	return v
}

// WithSealedSize sets the size in bytes of a sealed envelope's download
// (default: what its documents add up to). Content is generated as it is
// sent, so 300 MB costs no memory.
func WithSealedSize(n int64) Option { return func(o *config) { o.sealedSize = n } }

// WithSealDelay sets how long after Sign an envelope seals by itself
// (default 50ms); a negative delay leaves sealing to Seal.
func WithSealDelay(d time.Duration) Option { return func(o *config) { o.sealDelay = d } }

// WithListener serves on l instead of a new listener on a loopback port: a
// port chosen in advance, or an address other processes reach (the nitro
// command's `nitro fake` serves this way). URL is then "http://" + l's
// address. The Server closes l when it closes.
func WithListener(l net.Listener) Option { return func(o *config) { o.listener = l } }

// WithMiddleware wraps the Server's handler in mw, which sees every request
// first: for routes of the caller's own beside the fake API on the same
// address (the nitro command's admin endpoint), or to watch the traffic.
// Requests mw passes on reach the fake unchanged.
func WithMiddleware(mw func(http.Handler) http.Handler) Option {
	return func(o *config) { o.middleware = mw }
}
