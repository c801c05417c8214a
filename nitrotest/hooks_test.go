package nitrotest

import (
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/uuid"
)

// TestSignSealsAfterTheSealDelay runs the automatic seal on synctest's
// clock: the envelope is processing until the seal delay has passed, to the
// nanosecond, and sealed from then on; Close stops seals still pending.
// The Server is started outside the bubble: its listener waits on the
// network, which would keep the bubble's clock from moving.
func TestSignSealsAfterTheSealDelay(t *testing.T) {
	s := NewServer(WithSealDelay(time.Minute))
	t.Cleanup(s.Close)
	a, b := sentEnvelopeIn(s), sentEnvelopeIn(s)
	synctest.Test(t, func(t *testing.T) {
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		must(s.Sign(a.String()))
		time.Sleep(time.Minute - time.Nanosecond)
		synctest.Wait()
		if st := statusOf(s, a); st != processing {
			t.Fatalf("a nanosecond before the seal delay: %s, want %s", st, processing)
		}
		time.Sleep(time.Nanosecond)
		synctest.Wait()
		if st := statusOf(s, a); st != sealed {
			t.Fatalf("at the seal delay: %s, want %s", st, sealed)
		}

		must(s.Sign(b.String()))
		s.Close()
		time.Sleep(time.Hour)
		synctest.Wait()
		if st := statusOf(s, b); st != processing {
			t.Errorf("signed, then closed: %s an hour later, want %s", st, processing)
		}
	})
}

// sentEnvelopeIn puts a sent envelope into s's state, as the API would.
func sentEnvelopeIn(s *Server) uuid.UUID {
	e := &envelope{id: uuid.New(), status: sent}
	s.state.mu.Lock()
	defer s.state.mu.Unlock()
	s.state.envelopes[e.id] = e
	e.seq = s.state.order.add(e)
	return e.id
}

func statusOf(s *Server, id uuid.UUID) string {
	var st string
	s.state.withEnvelope(id, func(e *envelope) { st = e.status })
	return st
}
