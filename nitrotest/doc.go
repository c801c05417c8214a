// Package nitrotest is a fake Nitro Sign server for tests, yours and ours:
// start one with NewServer, point your client at URL and TokenURL with
// Credentials, and test without reaching Nitro.
//
// It serves, on a loopback address:
//
//   - the token endpoint at TokenURL, both flows at one URL as authorization
//     servers do, chosen by Content-Type: Nitro's JSON flow (answering the
//     camelCase or RFC 6749 shape, see WithTokenShape) and the RFC 6749 form
//     flow with HTTP Basic client authentication and scopes (see
//     WithRequiredScopes). Tokens are JWT-shaped with an exp claim and live
//     24h unless WithTokenLifetime says otherwise; bad credentials get 401
//     and malformed requests 400, with RFC 6749 error bodies.
//   - every operation of the Sign API, with state in memory: envelopes
//     (drafted, sent, processing, sealed, cancelled, deleted), documents as
//     multipart uploads (20 MB per file: 413; 15 files per envelope: 422;
//     unsupported types: 415; nitroDocumentID instead of a payload),
//     participants, fields of all eight types (single or bulk), signing
//     URLs, reminders, cursor pagination of envelopes (nextPage, pageAfter,
//     pageBefore; see WithPageSize), and streamed downloads: sealed and
//     original envelopes as ZIPs, audit trails and sealed documents as PDFs,
//     generated as they are sent (see WithSealedSize: 300 MB costs no
//     memory). The Platform operations answer the spec's empty 200.
//
// Every API call needs a valid Bearer token: a missing, unknown, expired or
// revoked (RevokeTokens) token gets the spec's 401 UnauthorizedProblemDetail
// as application/problem+json. Edits of an envelope that is no longer a
// draft, and actions its status forbids (cancelling a draft, downloading an
// unsealed envelope), get 409 EnvelopeInInvalidStateProblemDetail, also for
// operations whose spec lists no 409. Invalid requests get 400
// BadRequestProblemDetail with validation_errors: every request is first
// validated with kin-openapi against the spec compiled into this package
// (OpenAPI returns it), or the one WithSpec gives; WithoutValidation turns
// that off.
//
// Sign and Seal move an envelope as its signers and the service would, so a
// whole flow can be driven end to end; after Sign it seals by itself (see
// WithSealDelay). InjectFault makes the next requests to the token endpoint,
// the API, or one operation answer a status (with Retry-After and any body),
// answer late, drop the connection, or truncate the body. Stats counts
// requests.
//
// The server implements the strict server interface oapi-codegen generates
// from the same spec and overlay as the client, so the spec and the fake
// cannot drift apart: a changed operation fails the build.
//
// Where the spec contradicts itself the fake accepts both readings: the
// participant role enum says "signer" and "cc" while the spec's examples
// send "SIGNER"; either case is accepted and answered in lower case.
//
// Every answer carries an X-Request-Id header, as a production API would.
//
// A Server is safe for concurrent use and never panics on bad input.
package nitrotest
