package nitrotest

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Target chooses which requests a fault applies to.
type Target string

const (
	// TokenEndpoint targets requests to TokenURL.
	TokenEndpoint Target = "token"
	// AnyOperation targets every API request (not the token endpoint).
	AnyOperation Target = "api"
)

// Operation targets one operation, by its name in gen ("CreateEnvelope").
func Operation(name string) Target { return Target("op:" + name) }

// Fault is what an injected failure does, in this order: wait Delay; then
// drop the connection (Drop), or answer Status with Body (and Retry-After);
// or, with neither, serve the request normally, cut after TruncateAfter body
// bytes when Truncate is set.
type Fault struct {
	Delay time.Duration
	Drop  bool
	// Status, if not 0, is answered instead of serving the request.
	Status int
	// RetryAfter is sent as the Retry-After header: "2" or an HTTP-date.
	RetryAfter string
	// Body and ContentType answer Status; the default is a problem+json.
	Body, ContentType string
	// Truncate cuts the real answer after TruncateAfter body bytes and
	// closes the connection.
	Truncate      bool
	TruncateAfter int
}

type faultRule struct {
	target Target
	left   int
	fault  Fault
}

type faults struct {
	mu    sync.Mutex
	rules []*faultRule
	// stop is closed by Server.Close: a fault's delay ends with it, or a
	// request it holds would hold Close for the whole delay.
	stop     chan struct{}
	stopOnce sync.Once
}

func (fs *faults) init() { fs.stop = make(chan struct{}) }

func (fs *faults) close() { fs.stopOnce.Do(func() { close(fs.stop) }) }

// InjectFault makes the next n requests matching target suffer f. Rules are
// consumed in the order they were added. A target naming no operation of
// the fake (a misspelt Operation, which would never match), n < 1, and a
// negative Delay or TruncateAfter are refused with an error and inject
// nothing: a fault a test thinks it injected, and that never fires, would
// test nothing.
func (s *Server) InjectFault(target Target, n int, f Fault) error {
	switch name, isOp := strings.CutPrefix(string(target), "op:"); {
	case isOp && !s.knownOperation(name):
		return fmt.Errorf("%w: %q (Stats counts the operations by these names)", ErrUnknownOperation, name)
	case !isOp && target != TokenEndpoint && target != AnyOperation:
		return fmt.Errorf("%w: target %q", ErrInvalidFault, target)
	case n < 1:
		return fmt.Errorf("%w: %d requests", ErrInvalidFault, n)
	case f.Delay < 0 || f.TruncateAfter < 0:
		return fmt.Errorf("%w: a negative Delay or TruncateAfter", ErrInvalidFault)
	}
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.rules = append(s.faults.rules, &faultRule{target: target, left: n, fault: f})
	return nil
}

// InjectFault's refusals.
var (
	ErrUnknownOperation = errors.New("nitrotest: no such operation")
	ErrInvalidFault     = errors.New("nitrotest: invalid fault")
)

// take consumes and returns the first fault for a request to op ("" for the
// token endpoint).
func (fs *faults) take(op string) (Fault, bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for i, r := range fs.rules {
		if !r.matches(op) {
			continue
		}
		r.left--
		if r.left <= 0 {
			fs.rules = append(fs.rules[:i], fs.rules[i+1:]...)
		}
		return r.fault, true
	}
	return Fault{}, false
}

func (r *faultRule) matches(op string) bool {
	switch {
	case r.target == TokenEndpoint:
		return op == ""
	case r.target == AnyOperation:
		return op != ""
	default:
		name, ok := strings.CutPrefix(string(r.target), "op:")
		return ok && name == op
	}
}

// apply carries out f; it reports whether the request was answered. A
// delay ends early with the request, or when stop is closed.
func (f Fault) apply(w http.ResponseWriter, r *http.Request, stop <-chan struct{}) (http.ResponseWriter, bool) {
	if f.Delay > 0 {
		t := time.NewTimer(f.Delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return w, true
		case <-stop:
			t.Stop()
			hijackClose(w, false)
			return w, true
		}
	}
	switch {
	case f.Drop:
		hijackClose(w, false)
		return w, true
	case f.Status != 0:
		if f.RetryAfter != "" {
			w.Header().Set("Retry-After", f.RetryAfter)
		}
		if f.Body == "" && f.ContentType == "" {
			writeProblem(w, newProblem(f.Status, r.URL.Path, "injected fault"))
			return w, true
		}
		w.Header().Set("Content-Type", f.ContentType)
		w.WriteHeader(f.Status)
		_, _ = w.Write([]byte(f.Body))
		return w, true
	case f.Truncate:
		return &truncatingWriter{ResponseWriter: w, left: f.TruncateAfter}, false
	}
	return w, false
}

// truncatingWriter passes on the first left body bytes, then closes the
// connection under the client.
type truncatingWriter struct {
	http.ResponseWriter
	left int
	cut  bool
}

// WriteHeader is dropped once the connection is cut, when the handler
// reports its failed write.
func (t *truncatingWriter) WriteHeader(code int) {
	if !t.cut {
		t.ResponseWriter.WriteHeader(code)
	}
}

func (t *truncatingWriter) Write(p []byte) (int, error) {
	if t.cut {
		return 0, http.ErrAbortHandler
	}
	if len(p) <= t.left {
		t.left -= len(p)
		return t.ResponseWriter.Write(p)
	}
	_, _ = t.ResponseWriter.Write(p[:t.left])
	t.cut = true
	hijackClose(t.ResponseWriter, true)
	return 0, http.ErrAbortHandler
}

// hijackClose closes the connection: with no answer at all, or (flush) after
// sending what was written so far.
func hijackClose(w http.ResponseWriter, flush bool) {
	if f, ok := w.(http.Flusher); ok && flush {
		f.Flush()
	}
	if h, ok := w.(http.Hijacker); ok {
		if c, _, err := h.Hijack(); err == nil {
			c.Close()
			return
		}
	}
	panic(http.ErrAbortHandler) // net/http closes the connection
}
