package nitrotest

import (
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// ErrNoEnvelope is returned by the test hooks for an unknown envelope.
var ErrNoEnvelope = errors.New("nitrotest: no such envelope")

// Sign completes signing of a sent envelope, as its signers would: it moves
// to processing, and seals by itself after the seal delay (see
// WithSealDelay), as the real service does.
func (s *Server) Sign(envelopeID string) error {
	return s.move(envelopeID, "Sign", sent, processing, "signed", func() {
		if s.cfg.sealDelay < 0 || s.state.closed {
			return
		}
		var t *time.Timer
		// The callback locks the state first, so it sees t assigned.
		t = time.AfterFunc(s.cfg.sealDelay, func() {
			s.state.mu.Lock()
			delete(s.state.timers, t)
			s.state.mu.Unlock()
			_ = s.Seal(envelopeID)
		})
		s.state.timers[t] = true
	})
}

// Seal seals a signed (processing) envelope: its sealed downloads become
// available.
func (s *Server) Seal(envelopeID string) error {
	return s.move(envelopeID, "Seal", processing, sealed, "sealed", nil)
}

// move changes an envelope in status from to status to, and its documents to
// docStatus, then runs then (if any) under the state lock.
func (s *Server) move(envelopeID, hook, from, to, docStatus string, then func()) error {
	id, err := uuid.Parse(envelopeID)
	if err != nil {
		return fmt.Errorf("%w: %q", ErrNoEnvelope, envelopeID)
	}
	var stateErr error
	found := s.state.withEnvelope(id, func(e *envelope) {
		if e.status != from {
			stateErr = fmt.Errorf("nitrotest: %s: envelope %s is %s, not %s", hook, id, e.status, from)
			return
		}
		e.status, e.modified = to, s.now().UTC()
		for _, d := range e.docs {
			d.status = docStatus
		}
		if then != nil {
			then()
		}
	})
	if !found {
		return fmt.Errorf("%w: %s", ErrNoEnvelope, id)
	}
	return stateErr
}
