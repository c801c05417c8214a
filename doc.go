// Package nitro is a Go client for the Nitro Sign Public API
// (https://api.gonitro.dev): envelopes, documents, participants, fields,
// sending for signature and sealed downloads.
//
// The typed operations are generated into package gen from the upstream
// OpenAPI spec; package auth provides the OAuth 2.0 client-credentials token
// handling; package nitrotest is a fake Nitro server for tests.
package nitro
