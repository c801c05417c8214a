package nitro

import (
	"errors"
	"strconv"
)

// callError is a call's failure with no answer (a transport error, an
// attempt that timed out, a token that could not be had), as the retry
// layer returns it: how many attempts the call made and what the failure
// says about the operation (Outcome). Its text says the attempts when
// there were several, and says when the request may have been carried out.
//
// It keeps the cause's net.Error methods, so that the *url.Error net/http
// wraps it in answers Timeout as the cause does: an attempt that timed out
// is a timeout.
type callError struct {
	attempts int
	outcome  Outcome
	err      error
}

func (e *callError) Error() string {
	s := e.err.Error()
	if e.attempts > 1 {
		s = "after " + strconv.Itoa(e.attempts) + " attempts: " + s
	}
	if e.outcome == OutcomeUnknown {
		s += " (outcome unknown: the request was sent and may have been carried out)"
	}
	return s
}

func (e *callError) Unwrap() error { return e.err }

// Outcome is what the failure says about the operation (see OutcomeOf).
func (e *callError) Outcome() Outcome { return e.outcome }

// Is makes an unknown outcome ErrOutcomeUnknown.
func (e *callError) Is(target error) bool {
	return target == ErrOutcomeUnknown && e.outcome == OutcomeUnknown
}

// Timeout reports whether the cause is a timeout (an attempt's, or a
// deadline's).
func (e *callError) Timeout() bool {
	var t interface{ Timeout() bool }
	return errors.As(e.err, &t) && t.Timeout()
}

// Temporary reports whether the cause says it is temporary.
func (e *callError) Temporary() bool {
	var t interface{ Temporary() bool }
	return errors.As(e.err, &t) && t.Temporary()
}
