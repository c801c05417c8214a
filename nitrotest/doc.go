// Package nitrotest is a fake Nitro server (Sign and PDF Services) for
// tests, yours and ours:
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
//     memory).
//   - Nitro PDF Services, on the same token, faults and stats: POST
//     /conversions, /transformations, /extractions and /generations run the
//     30 tools of docs/pdf-services-tools.md (multipart: method, which
//     /conversions may leave out; params and delivery, JSON whatever their
//     part's Content-Type, none as Nitro's clients send them; file or
//     files), each in the three modes: synchronous JSON
//     (a PlatformResponse whose file URLs, /files/{fileID}, are served
//     without a token like Nitro's pre-signed ones, or the extraction's
//     JSON), synchronous bytes (Accept: application/octet-stream: the file,
//     several as a ZIP, an extraction's JSON as itself) and jobs (Prefer:
//     respond-async: 202, Location /jobs/{jobID}/status, an
//     AsyncJobResponse). Outputs are deterministic and read from the input:
//     PDFs made by PDF (WithOutputSize: 200 MB costs no memory) showing the
//     input's text (a PDF's Tj strings, a text file's content, another
//     file's name), PNG and JPEG pages, minimal Office files, and
//     extractions of that text (ExtractText answers it). GET
//     /jobs/{jobID}/status answers a JobStatus, or with Accept:
//     text/event-stream Server-Sent Events read by both of Nitro's
//     clients' parsers (each names its event, carries the jobID, progress
//     while running and the result's location once final) ending with a
//     redirect; GET /jobs/{jobID} the result (JSON, or bytes by Accept), or
//     404 while the job runs, as Nitro documents.
//     Jobs run WithJobDuration on the Server's clock, progress growing
//     linearly, and expire WithJobExpiry after they end (then 410);
//     CompleteJob, FailJob, CancelJob and ExpireJob end them at once.
//     Delivery uploads results (verb, headers) and POSTs the JobCallback to
//     loopback URLs only. POST /presigned-file-urls hands out pre-signed
//     URL pairs of the fake's own (single use, 15 minutes on its clock, no
//     token to use them) for staging an input, fetched as a RemoteFile.
//     The handlers check PDF requests, not the Sign spec (which knows these
//     paths only as bodiless forwarders): a known method (extract-invoices
//     also as the older extract-expense-data), params that decode into the
//     tool's params type (400; keys it does not know are ignored, for every
//     tool) and keep its rules (422; rotate's page as pageIndex or
//     page_index), a file part, inputs of a type the tool takes (415), 100
//     MB per request and 500 pages (413). Requests in the Sign
//     forwarders' shape (a POST without a body; a GET without Accept of an
//     unknown job whose ID is no UUID) keep the Sign spec's empty 200 until
//     the forwarders leave the Sign surface.
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
// The server's Sign handlers implement the strict server interface
// oapi-codegen generates from the same spec and overlay as the client (on
// an unexported type, so Server shows only what a test calls), so the spec
// and the fake cannot drift apart: a changed operation fails the build.
//
// Where the spec contradicts itself the fake accepts both readings: the
// participant role enum says "signer" and "cc" while the spec's examples
// send "SIGNER"; either case is accepted and answered in lower case.
//
// Every answer carries an X-Request-Id header, as a production API would.
//
// A Server is safe for concurrent use and never panics on bad input.
package nitrotest
