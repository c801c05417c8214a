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
	id, err := uuid.Parse(envelopeID)
	if err != nil {
		return fmt.Errorf("%w: %q", ErrNoEnvelope, envelopeID)
	}
	var stateErr error
	found := s.state.withEnvelope(id, func(e *envelope) {
		if e.status != sent {
			stateErr = fmt.Errorf("nitrotest: Sign: envelope %s is %s, not sent", id, e.status)
			return
		}
		e.status, e.modified = processing, s.now().UTC()
		for _, d := range e.docs {
			d.status = "signed"
		}
		if s.cfg.sealDelay >= 0 && !s.state.closed {
			var t *time.Timer
			t = time.AfterFunc(s.cfg.sealDelay, func() {
				s.state.mu.Lock()
				delete(s.state.timers, t)
				s.state.mu.Unlock()
				_ = s.Seal(envelopeID)
			})
			s.state.timers[t] = true
		}
	})
	if !found {
		return fmt.Errorf("%w: %s", ErrNoEnvelope, id)
	}
	return stateErr
}

// Seal seals a signed (processing) envelope: its sealed downloads become
// available.
func (s *Server) Seal(envelopeID string) error {
	id, err := uuid.Parse(envelopeID)
	if err != nil {
		return fmt.Errorf("%w: %q", ErrNoEnvelope, envelopeID)
	}
	var stateErr error
	found := s.state.withEnvelope(id, func(e *envelope) {
		if e.status != processing {
			stateErr = fmt.Errorf("nitrotest: Seal: envelope %s is %s, not processing", id, e.status)
			return
		}
		e.status, e.modified = sealed, s.now().UTC()
		for _, d := range e.docs {
			d.status = "sealed"
		}
	})
	if !found {
		return fmt.Errorf("%w: %s", ErrNoEnvelope, id)
	}
	return stateErr
}
