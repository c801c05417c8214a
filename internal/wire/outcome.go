package wire

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/internal/callctx"
	"github.com/nitrokit/nitro/internal/engine"
	"github.com/nitrokit/nitro/internal/redacterr"
)

// AnswerError is a failure reading a successful answer (what failed, such
// as "decoding the answer"), naming the request, with its outcome (see
// nitro.Outcome) unless err already says one (an *nitro.APIError or a
// failure of the call's resend): for an idempotent request, a body cut
// short is retryable (the call already fetched it again within its
// budget) and an answer that does not decode is not done (another try
// gets the same); for POST and PATCH, the operation was carried out (the
// answer was 2xx) but its result is lost: unknown, to reconcile. The API
// packages' own readers of an answer use it too (pdf's Async reads its job
// whole: a POST's 2xx answer cut short is of unknown outcome, the job made
// and its ID lost).
func AnswerError(resp *http.Response, what string, err error) error {
	err = fmt.Errorf("nitro: %s: %s: %w", where(resp), what, err)
	var says interface{ Outcome() nitro.Outcome }
	if errors.As(err, &says) {
		return err
	}
	outcome := nitro.OutcomeNotDone
	switch {
	case resp.Request != nil && !repeatable(resp.Request):
		outcome = nitro.OutcomeUnknown
	case !errors.Is(err, errNoResult) && !errors.Is(err, errTooLarge) && !isUndecodable(err):
		outcome = nitro.OutcomeRetryable // cut short
	}
	// The answer's own text may quote a token a hostile server echoes (a
	// time that does not parse quotes its value). Redacting hides the
	// layers whose text held one, the decodeError mark among them, so the
	// outcome is read first.
	if call := callctx.Of(resp); call != nil {
		err = redacterr.Wrap(err, call.Redact)
	}
	return &outcomeError{outcome, err}
}

// decodeError is a whole answer that does not decode: its JSON is broken,
// a value does not fit its field (a string where a number goes, an ID
// that is no UUID, a time that does not parse), or it holds another number
// of results than the request asked for. Another try gets the same
// answer. It marks the failure where decoding happens rather than by the
// error's type: a field's own UnmarshalText or UnmarshalJSON returns
// errors of any type, and no JSON package's types would tell them apart
// from a read that broke off.
type decodeError struct{ err error }

func (e *decodeError) Error() string { return e.err.Error() }
func (e *decodeError) Unwrap() error { return e.err }

// undecodable marks err, if any, as a decodeError.
func undecodable(err error) error {
	if err == nil {
		return nil
	}
	return &decodeError{err}
}

// isUndecodable reports whether err is an answer that came whole and does not
// decode.
func isUndecodable(err error) bool {
	var de *decodeError
	return errors.As(err, &de)
}

// repeatable reports whether sending req twice is the same as once, as
// nitro's retry rule says: by its method, or by the caller's word
// (nitro.WithIdempotent).
func repeatable(req *http.Request) bool {
	if c := engine.CallOf(req.Context()); c != nil && c.Idempotent {
		return true
	}
	return req.Method != http.MethodPost && req.Method != http.MethodPatch
}

// outcomeError is err with what it says about the operation (see
// nitro.OutcomeOf).
type outcomeError struct {
	outcome nitro.Outcome
	err     error
}

func (e *outcomeError) Error() string {
	if e.outcome == nitro.OutcomeUnknown {
		return e.err.Error() + " (outcome unknown: the request was carried out but its answer was lost)"
	}
	return e.err.Error()
}

func (e *outcomeError) Unwrap() error { return e.err }

// Outcome says what the failure means for the operation.
func (e *outcomeError) Outcome() nitro.Outcome { return e.outcome }

// Is makes an unknown outcome nitro.ErrOutcomeUnknown.
func (e *outcomeError) Is(target error) bool {
	return target == nitro.ErrOutcomeUnknown && e.outcome == nitro.OutcomeUnknown
}

// Transient reports whether err, a call's, is worth another try later
// (nitro.OutcomeRetryable): a poller keeps polling through one.
func Transient(err error) bool { return nitro.OutcomeOf(err) == nitro.OutcomeRetryable }
