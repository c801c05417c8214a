package nitro

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/nitrokit/nitro/auth"
)

// Outcome is what a call's error says about the operation the call asked
// for: whether it was carried out, and so what the caller may do next.
// Every error a call returns has one of three outcomes (OutcomeOf):
//
//   - OutcomeNotDone: the operation was not carried out, and the same call
//     would fail the same way until something changes: the input (a 400, a
//     404, a 409, a body refused before sending), the credentials (a 401,
//     the token endpoint refusing them), the configuration, a closed
//     Client. Fix the cause; do not retry as is.
//   - OutcomeRetryable: sending the same call again is safe and may
//     succeed: the operation was not carried out (a 429, a connection that
//     failed before the request was sent, the token endpoint unavailable),
//     or it is idempotent (GET, PUT, DELETE), so doing it again is doing it
//     once. The Client has already retried it within its budget
//     (Config.MaxRetries); retry later, or with a longer deadline.
//   - OutcomeUnknown: the request reached the server, which may have
//     carried it out, and its answer is lost or says nothing: a POST or
//     PATCH whose attempt timed out or whose connection broke after the
//     request was sent, that was answered 408 or 5xx, or whose successful
//     answer was cut off. Such an error is also ErrOutcomeUnknown
//     (errors.Is). Sending it again may do it twice: reconcile first, by
//     looking for what the call would have made (list the envelopes and
//     find the one by the name you gave it, say), then carry on from there.
//
// OutcomeDone is a nil error's.
type Outcome int

const (
	OutcomeDone Outcome = iota
	OutcomeNotDone
	OutcomeRetryable
	OutcomeUnknown
)

// ErrOutcomeUnknown is what every error of OutcomeUnknown is, for
// errors.Is: the request reached the server and may have been carried out
// (see Outcome for how to reconcile).
var ErrOutcomeUnknown = errors.New("nitro: outcome unknown: the request reached the server and may have been carried out")

func (o Outcome) String() string {
	switch o {
	case OutcomeDone:
		return "done"
	case OutcomeNotDone:
		return "not done"
	case OutcomeRetryable:
		return "retryable"
	case OutcomeUnknown:
		return "outcome unknown"
	}
	return "Outcome(" + strconv.Itoa(int(o)) + ")"
}

// OutcomeOf says what a call's error means for the operation it asked for:
// OutcomeDone for nil, else one of OutcomeNotDone, OutcomeRetryable and
// OutcomeUnknown (see Outcome).
//
// An error in err's chain that has a method Outcome() Outcome says its own
// (an *APIError does; so do the errors this module's transport and decoders
// return), the first one found by errors.As; else an *auth.Error is
// retryable when it says so; else the end of a context (the caller's
// deadline or cancellation, with nothing sent) is retryable; anything else
// (bad input refused before sending, a closed Client) is not done.
func OutcomeOf(err error) Outcome {
	if err == nil {
		return OutcomeDone
	}
	var o interface{ Outcome() Outcome }
	if errors.As(err, &o) {
		return o.Outcome()
	}
	var ae *auth.Error
	if errors.As(err, &ae) {
		if ae.Retryable {
			return OutcomeRetryable
		}
		return OutcomeNotDone
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return OutcomeRetryable
	}
	return OutcomeNotDone
}

// outcomeOfAnswer is the outcome of an answer's status for a request that
// is idempotent (idem: by its method, or by the caller's word) or not: the retry rule's table, which the README and the package doc
// show. A 2xx is done; a 429 was refused before any work; a 408 or a 5xx
// may have been carried out, which an idempotent method makes harmless
// to repeat; anything else (a 4xx, a 3xx not followed) was not done.
func outcomeOfAnswer(idem bool, status int) Outcome {
	switch {
	case status >= 200 && status <= 299:
		return OutcomeDone
	case status == http.StatusTooManyRequests:
		return OutcomeRetryable
	case status == http.StatusRequestTimeout || status >= 500:
		if idem {
			return OutcomeRetryable
		}
		return OutcomeUnknown
	}
	return OutcomeNotDone
}

// outcomeOfFailure is the outcome of an attempt that got no answer (err):
// an auth failure is retryable when it says so (the request was never
// sent) and final otherwise; any other failure is retryable for an
// idempotent method or a request that was never written, and unknown for
// one that was.
func outcomeOfFailure(idem bool, err error, wrote bool) Outcome {
	if errors.Is(err, auth.ErrInsecureURL) || errors.Is(err, auth.ErrClosed) {
		return OutcomeNotDone
	}
	var ae *auth.Error
	if errors.As(err, &ae) {
		if ae.Retryable {
			return OutcomeRetryable
		}
		return OutcomeNotDone
	}
	if idem || !wrote {
		return OutcomeRetryable
	}
	return OutcomeUnknown
}
