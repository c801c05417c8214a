package nitro

import (
	"slices"
	"strings"
	"sync"

	"github.com/nitrokit/nitro/auth"
	"github.com/nitrokit/nitro/internal/redacterr"
)

// redactor is the method auth.Source offers to scrub its client secret and
// every token it has held from a text. Written against this interface, the
// Client uses it as soon as the auth package has it.
type redactor interface{ Redact(string) string }

// redactorFor returns the Client's redaction: src's own when it has one,
// and in any case the client secret from Config (when the Client built the
// source) and the tokens the API refused lately, which the auth layer drops
// and replaces before the answer to its replay (which may echo the refused
// token) is read. The token a failed request carried is scrubbed too, from
// the request itself (see newAPIError).
func redactorFor(src *auth.Source, secret string, refused *refusedTokens) func(string) string {
	r, _ := any(src).(redactor)
	return func(s string) string {
		if r != nil {
			s = r.Redact(s)
		}
		return refused.scrub(scrubSecret(s, secret))
	}
}

// refusedTokens remembers the last few bearer tokens the API answered 401
// to. Only 401s write to it, so the hot path never touches it.
type refusedTokens struct {
	mu   sync.Mutex
	toks []string
}

// maxRefused bounds the memory: a token is refused once, then replaced.
const maxRefused = 4

func (r *refusedTokens) add(header string) {
	tok, ok := bearerToken(header)
	if !ok {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if !slices.Contains(r.toks, tok) {
		r.toks = append(r.toks, tok)
		r.toks = r.toks[max(0, len(r.toks)-maxRefused):]
	}
}

func (r *refusedTokens) scrub(s string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, tok := range r.toks {
		s = strings.ReplaceAll(s, tok, redacted)
	}
	return s
}

// bearerToken is the token in an Authorization header value.
func bearerToken(header string) (string, bool) {
	if len(header) <= 7 || !strings.EqualFold(header[:7], "Bearer ") {
		return "", false
	}
	return header[7:], true
}

// redactError returns err with its text passed through redact (see
// redacterr.Wrap): a transport error quoting a malformed answer that echoed
// the token ("malformed HTTP status code \"eyJ…\"") reaches neither the
// caller nor an Observer as it was.
func redactError(err error, redact func(string) string) error {
	return redacterr.Wrap(err, redact)
}
