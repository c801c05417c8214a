// Package otel traces and measures a nitro.Client's calls with
// OpenTelemetry. It is a module of its own, so that a program using the
// library without it gets none of OpenTelemetry:
//
//	c, err := nitro.NewClient(cfg, nitro.WithObserver(nitrootel.NewObserver()))
//
// # Traces
//
// Each call (one Client.Do: every typed method of package sign or pdf makes
// one, whatever its retries) is an INTERNAL span, child of the span in the
// call's context, named after its route ("GET /sign/envelopes/{envelopeID}"),
// or its method alone for a request made by hand. It lasts until the end of
// its answer's body (or its error), and says http.request.method,
// server.address, server.port, url.full, url.template, the last answer's
// http.response.status_code, nitro.attempts (how many times its request was
// sent) and nitro.outcome (done, not_done, retryable or unknown: see
// nitro.Outcome); a failed call has the status Error and error.type.
//
// Under it, each request on the wire is a CLIENT span following the
// semantic conventions for HTTP client spans (semconv v1.43.0): every
// attempt, the replay after a 401, and the token requests the call waited
// for. A request after the call's first carries http.request.resend_count;
// a token request is named after its endpoint's path. Each request carries
// the span's context to the server through the propagator (W3C
// traceparent with propagation.TraceContext).
//
// No attribute, event or status holds a secret: the Client tells the
// Observer URLs without their query and with the client secret and every
// token redacted, and errors as redacted as every error of the library. A
// status description is left out where the status code says it.
//
// # Metrics
//
//   - http.client.request.duration (s), the conventions' histogram, per
//     request on the wire, until its answer's headers.
//   - nitro.client.call.duration (s), per call, until the end of its
//     answer's body: every attempt and the waits between them.
//   - nitro.client.call.attempts ({attempt}), per call: how many times it
//     sent its request.
//
// Their attributes are few in values: http.request.method, server.address,
// server.port, url.template, http.response.status_code, error.type, and on
// the call's, nitro.outcome. Never a URL.
//
// # error.type
//
// A failed request or call says which way it failed in error.type:
//
//   - the answer's status, "400" to "599", when one came;
//   - "timeout": an attempt's timeout, or the context's deadline;
//   - "token": the access token could not be had: the token endpoint
//     answered with an error (refused the credentials, say), or with a
//     token that cannot be used (a timeout or a broken connection on the
//     way to it is "timeout" or "connection");
//   - "tls": the server's certificate was refused, or TLS failed;
//   - "connection": the connection failed or broke;
//   - "_OTHER": anything else.
//
// A call the caller cancelled (context.Canceled) is not a failure: no Error
// status and no error.type, as the conventions want; its nitro.outcome still
// says what became of the operation.
package otel
