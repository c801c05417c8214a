package engine

import (
	"net/http"
	"time"

	"github.com/nitrokit/nitro/internal/retry"
)

// Outcome is what a failed attempt, or a call's failure, says about the
// operation asked for. It mirrors nitro.Outcome value for value, so the
// engine can mark its own failures (a retry whose wait was cut short is
// Retryable) without importing the package that owns the vocabulary.
type Outcome uint8

// The outcomes, in nitro.Outcome's order.
const (
	Done Outcome = iota
	NotDone
	Retryable
	Unknown
)

// Judged is one attempt as the Policy sees it: the call's request (not the
// attempt's copy), its number (1 for the first), and its answer or failure
// (exactly one of Resp and Err is set). Wrote says the request went out
// before Err; it is traced only where the Policy's Traced asks.
type Judged struct {
	Req   *http.Request
	Call  *Call // the call's settings; nil when it has none
	N     int
	Resp  *http.Response
	Err   error
	Wrote bool
}

// Verdict is the Policy's judgement of an attempt: its outcome, whether it
// may be sent again, and the least delay the server asked for before that
// (0 for none: the backoff's then).
type Verdict struct {
	Outcome Outcome
	Retry   bool
	After   time.Duration
}

// Policy is what the owner of a Retry decides; the Retry does the rest
// (the budget, the backoff, the caller's deadline, rewinding the body).
type Policy struct {
	// Judge judges each attempt that did not succeed outright: an answer
	// that is not 2xx, or a failure with none.
	Judge func(Judged) Verdict
	// Fail is the call's error for a failure err after attempts attempts,
	// of outcome o.
	Fail func(err error, attempts int, o Outcome) error
	// Refuse is the call's error for an answer that is not 2xx, which it
	// reads and closes (for Resend, whose caller gets no response).
	Refuse func(resp *http.Response) error
	// Repeatable reports whether sending req (under the call's settings c,
	// which may be nil) twice is the same as once: then a cut answer may be
	// fetched again (Resend), and a failure after the request went out
	// need not be traced.
	Repeatable func(req *http.Request, c *Call) bool
	// Backoff paces retries that the server gave no delay for.
	Backoff retry.Backoff
}
