// Package callctx is what a request the nitro.Client sent offers, through
// its context, to the code that reads the answer (package wire): the
// Client's redaction, and a resend within the call's retry budget for an
// answer that was cut short. The retry layer's attempt answers Key, so the
// answer to any request sent through a Client offers it; an answer from
// elsewhere offers nothing, and its reader does without.
//
// It costs the answer nothing: the context is the attempt's own, and it is
// asked only when a reader needs it, after a failure.
package callctx

import "net/http"

type key struct{}

// Key is the context key the attempt answers with its Call.
var Key any = key{}

// Call is what a request's context offers about the call it belongs to.
type Call interface {
	// Redact returns s with the client secret and every token the Client
	// has held replaced: for text that quotes the request or its answer.
	Redact(s string) string
	// Resend sends the request again, as the call's next attempt, for a
	// reader that found this attempt's answer cut short (cause is the read
	// error). Only an idempotent request is sent again, and only while the
	// call's retry budget and its context allow, after the usual backoff.
	// It returns the new answer if it is 2xx, else an error: cause itself
	// when the request may not be sent again at all (not idempotent, its
	// body cannot be made again); cause marked with the attempts made when
	// the budget or the context is spent; the new attempts' failure (an
	// *nitro.APIError for an answer that is not 2xx).
	Resend(cause error) (*http.Response, error)
}

// Of returns what resp's request offers, or nil.
func Of(resp *http.Response) Call {
	if resp == nil || resp.Request == nil {
		return nil
	}
	c, _ := resp.Request.Context().Value(Key).(Call)
	return c
}
