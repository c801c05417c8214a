package nitrotest

import (
	"errors"
	"net/http"
	"testing"
	"time"
)

// TestInjectFaultRefusesWhatNeverFires: a misspelt operation, a count
// below one, and negative durations or offsets are errors, and inject
// nothing; the names Stats counts are accepted.
func TestInjectFaultRefusesWhatNeverFires(t *testing.T) {
	s := NewServer()
	defer s.Close()
	for _, c := range []struct {
		target Target
		n      int
		f      Fault
		want   error
	}{
		{Operation("GetEnvelop"), 1, Fault{Status: 503}, ErrUnknownOperation},
		{Target("sign"), 1, Fault{Status: 503}, ErrInvalidFault},
		{AnyOperation, 0, Fault{Status: 503}, ErrInvalidFault},
		{AnyOperation, 1, Fault{Truncate: true, TruncateAfter: -1}, ErrInvalidFault},
		{TokenEndpoint, 1, Fault{Delay: -time.Second}, ErrInvalidFault},
	} {
		if err := s.InjectFault(c.target, c.n, c.f); !errors.Is(err, c.want) {
			t.Errorf("%s ×%d %+v: %v, want %v", c.target, c.n, c.f, err, c.want)
		}
	}
	if len(s.faults.rules) != 0 {
		t.Fatalf("refused faults were injected: %d rules", len(s.faults.rules))
	}
	for _, op := range []string{"GetEnvelope", "CreateDocument", "ConvertDocument", "GetJobResult", "CreatePresignedFileURLs"} {
		if err := s.InjectFault(Operation(op), 1, Fault{Status: 503}); err != nil {
			t.Errorf("%s: %v", op, err)
		}
	}
}

// TestDelayEndsOnClose: a request held by a long delay does not hold
// Close: the delay ends, and the connection with it.
func TestDelayEndsOnClose(t *testing.T) {
	arrived := make(chan struct{}, 1)
	s := NewServer(WithMiddleware(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			arrived <- struct{}{}
			next.ServeHTTP(w, r)
		})
	}))
	if err := s.InjectFault(AnyOperation, 1, Fault{Delay: time.Hour}); err != nil {
		t.Fatal(err)
	}
	got := make(chan error, 1)
	go func() {
		resp, err := http.Get(s.URL() + "/sign/envelopes")
		if err == nil {
			resp.Body.Close()
		}
		got <- err
	}()
	<-arrived
	closed := make(chan struct{})
	go func() { s.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(30 * time.Second): // only ends a broken test
		t.Fatal("Close waited for the delay")
	}
	<-got
}
