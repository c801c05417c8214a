// Package auth obtains and caches OAuth 2.0 client-credentials access tokens
// for the Nitro Sign API, and for RFC 6749 token endpoints in general.
//
// Pick the Flow your provider documents:
//
//   - NitroJSON: Nitro Sign's endpoint, a JSON body with clientID and
//     clientSecret (https://api.gonitro.dev/oauth/token).
//   - ClientCredentials: RFC 6749 §4.4, a form with HTTP Basic client
//     authentication and optional scopes (Signicat-style providers, Nitrobox
//     tenant URLs).
//
// Then create one Source per client pair and endpoint and share it: it keeps
// the token in memory, hands it out without locks, refreshes it in the
// background before it expires, and makes exactly one token request at a
// time however many goroutines ask. Attach the token with Transport (per
// attempt, with one replay after a 401), with RequestEditor (for the
// generated gen client), or through TokenSource (for golang.org/x/oauth2).
//
// Secrets stay secret: every type holding the secret or a token redacts
// itself in every printed form and in JSON, and each Source has one redactor
// that knows its secret and recent tokens, through which every error and log
// line passes. Source.Redact offers the same to callers, for API answers
// that echo a token.
//
// Failures are classified for the caller's retry loop: IsRetryable is false
// for what no retry can fix (bad credentials, ErrInsecureURL, ErrClosed, a
// malformed answer or ErrInvalidToken), and a loop that owns the retry
// budget passes SingleAttempt contexts so that a token fetch it causes makes
// one request rather than retrying inside. Token fetches keep the caller's
// context values but never fire its net/http/httptrace hooks.
package auth
