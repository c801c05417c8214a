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
// Secrets stay secret: Credentials and Token redact themselves in every
// printed form, and no error or log line of this package contains the
// client secret or a token.
package auth
