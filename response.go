package nitro

import (
	"net/http"

	"github.com/nitrokit/nitro/internal/callctx"
)

// Response is what a call's last answer said, for a call given
// WithResponse: the request ID to quote to Nitro support when a call
// "worked wrongly", the attempts it took, and the raw JSON of its answer,
// where a member Nitro added before the spec did can be read.
//
// It is filled on success as on failure (then the same as the *APIError's
// fields); after a failure with no answer at all, only Attempts is; and
// when the call ends before anything is sent (an invalid body, a refused
// option), it is left zero. A retried DELETE that found its resource gone
// succeeds, and its Response shows the answer that said so. Every
// string of it passes through the Client's redaction, as an APIError's do:
// a server that echoes a token or the secret in a header or the body shows
// "[REDACTED]" there.
type Response struct {
	// StatusCode is the answer's HTTP status; 0 if none came.
	StatusCode int
	// Header is the answer's header.
	Header http.Header
	// RequestID is the server's request ID header (X-Request-Id and its
	// kin; see APIError.RequestID).
	RequestID string
	// Attempts is how many times the request was sent.
	Attempts int
	// Body is the body of a JSON answer (for a failure, the APIError's
	// Body); nil for a file or a stream, which went to the caller's writer.
	Body []byte
}

// fromAnswer fills r from the answer the call ended with.
func (r *Response) fromAnswer(resp *http.Response, attempts int) {
	redact := redactorOf(resp)
	*r = Response{StatusCode: resp.StatusCode, Attempts: attempts, Header: make(http.Header, len(resp.Header))}
	for k, vs := range resp.Header {
		out := make([]string, len(vs))
		for i, v := range vs {
			out[i] = redact(v)
		}
		r.Header[k] = out
	}
	r.RequestID = requestIDOf(r.Header)
}

// fromBody keeps the body of the JSON answer, redacted.
func (r *Response) fromBody(body []byte) { r.Body = body }

// fromFailure records a failure with no answer.
func (r *Response) fromFailure(_ error, attempts int) { *r = Response{Attempts: attempts} }

// redactorOf is the redaction of the Client that sent resp's request.
func redactorOf(resp *http.Response) func(string) string {
	if c := callctx.Of(resp); c != nil {
		return c.Redact
	}
	return func(s string) string { return s }
}
