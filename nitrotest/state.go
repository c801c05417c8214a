package nitrotest

import (
	"encoding/json"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/nitrokit/nitro/nitrotest/internal/api"
)

// Envelope statuses, as the spec's enum spells them.
const (
	drafted    = "drafted"
	sent       = "sent"
	processing = "processing"
	sealed     = "sealed"
	rejected   = "rejected"
	cancelled  = "cancelled"
	deleted    = "deleted"
)

// state is the fake's memory: small maps behind one mutex.
type state struct {
	mu        sync.Mutex
	envelopes map[uuid.UUID]*envelope
	order     creationOrder
	jobs      map[string]*job
	timers    map[*time.Timer]bool // pending automatic seals
	closed    bool
}

type envelope struct {
	id           uuid.UUID
	seq          int // position in creationOrder
	name         string
	mode         string
	notification api.Notification
	status       string
	created      time.Time
	modified     time.Time
	docs         []*document
	participants []*participant
	reminders    int
}

type document struct {
	id          uuid.UUID
	name        string
	contentType string
	status      string
	created     time.Time
	size        int64
	pages       int32
	fields      []*field
}

type participant struct {
	id     uuid.UUID
	userID int64
	email  string
	role   string // "signer" or "cc"
	auth   json.RawMessage
}

// field keeps the properties a client sent, so every field type round-trips
// with its type-specific members.
type field struct {
	id          uuid.UUID
	participant uuid.UUID
	typ         string
	props       map[string]any // as sent, plus ID and documentID
}

type job struct {
	id   string
	size int64
}

func (st *state) init() {
	st.envelopes = map[uuid.UUID]*envelope{}
	st.order = newCreationOrder()
	st.jobs = map[string]*job{}
	st.timers = map[*time.Timer]bool{}
}

func (st *state) close() {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.closed = true
	for t := range st.timers {
		t.Stop()
	}
	clear(st.timers)
}

// withEnvelope runs f on the envelope with id under the state lock, or
// returns false if there is none.
func (st *state) withEnvelope(id uuid.UUID, f func(e *envelope)) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	e, ok := st.envelopes[id]
	if ok {
		f(e)
	}
	return ok
}

func (e *envelope) document(id uuid.UUID) *document {
	for _, d := range e.docs {
		if d.id == id {
			return d
		}
	}
	return nil
}

func (e *envelope) participant(id uuid.UUID) *participant {
	for _, p := range e.participants {
		if p.id == id {
			return p
		}
	}
	return nil
}

func (e *envelope) signers() []*participant {
	var out []*participant
	for _, p := range e.participants {
		if p.role == "signer" {
			out = append(out, p)
		}
	}
	return out
}

func (e *envelope) signerIDs() map[uuid.UUID]bool {
	out := map[uuid.UUID]bool{}
	for _, p := range e.participants {
		if p.role == "signer" {
			out[p.id] = true
		}
	}
	return out
}

func (e *envelope) totalSize() int64 {
	var n int64
	for _, d := range e.docs {
		n += d.size
	}
	return n
}
