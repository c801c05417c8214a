// Package auth obtains and caches OAuth 2.0 client-credentials access tokens
// for the Nitro Sign API and for RFC 6749 token endpoints in general.
package auth
