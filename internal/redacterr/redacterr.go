// Package redacterr hides what an error's text holds that must not be seen
// (a token, a client secret) while keeping what callers test it for.
//
// Package auth and package nitro each redact with their own strings; the
// error chain's handling is the same for both, so it lives here once.
package redacterr

import "errors"

// Wrap returns err with its text passed through redact, or err itself when
// there was nothing to redact (or err is nil). The causes are redacted the
// same way, each in turn, so errors.Is and errors.As still reach every
// layer whose text is clean (sentinels, *auth.Error, net errors) and only a
// layer that held a secret is hidden. The result keeps the cause's
// net.Error answers: a redacted timeout is still a timeout.
func Wrap(err error, redact func(string) string) error {
	if err == nil {
		return nil
	}
	text := err.Error()
	if clean := redact(text); clean != text {
		return &redacted{err: err, text: clean, redact: redact}
	}
	return err
}

// redacted is an error whose text was redacted (see Wrap).
type redacted struct {
	err    error
	text   string
	redact func(string) string
}

func (e *redacted) Error() string { return e.text }

// Unwrap returns the cause's own causes, each redacted in turn: the cause
// itself is skipped, as its text is the one that needed redacting.
func (e *redacted) Unwrap() []error {
	var causes []error
	switch u := e.err.(type) {
	case interface{ Unwrap() error }:
		causes = []error{u.Unwrap()}
	case interface{ Unwrap() []error }:
		causes = u.Unwrap()
	}
	out := make([]error, 0, len(causes))
	for _, c := range causes {
		if c != nil {
			out = append(out, Wrap(c, e.redact))
		}
	}
	return out
}

// Timeout and Temporary keep the cause's net.Error answers, which a
// redacted text must not lose (an attempt that timed out is a timeout).
func (e *redacted) Timeout() bool {
	var t interface{ Timeout() bool }
	return errors.As(e.err, &t) && t.Timeout()
}

func (e *redacted) Temporary() bool {
	var t interface{ Temporary() bool }
	return errors.As(e.err, &t) && t.Temporary()
}
