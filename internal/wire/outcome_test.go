package wire_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/internal/wire"
)

// typed has fields whose own methods decode them: a UUID (UnmarshalText)
// and a time (UnmarshalJSON), as the generated models' IDs and timestamps.
type typed struct {
	ID uuid.UUID `json:"ID"`
	At time.Time `json:"at"`
	N  int       `json:"n"`
}

// TestAnswerThatDoesNotDecodeIsNotDone: a GET's answer that came whole and
// does not decode is OutcomeNotDone, whatever failed (the JSON, a value's
// type, a field's own method): another try gets the same answer. A field's
// method once returned an error of its own type, which read as a body cut
// short: OutcomeRetryable, an invitation to repeat the call forever.
func TestAnswerThatDoesNotDecodeIsNotDone(t *testing.T) {
	for name, body := range map[string]string{
		"broken JSON":    `{"ID":`,
		"no JSON":        `<html>`,
		"a wrong type":   `{"n":"5"}`,
		"an ID no UUID":  `{"ID":"nope"}`,
		"a time unread":  `{"at":"yesterday"}`,
		"trailing bytes": `{"n":5} x`,
	} {
		_, err := wire.JSON[typed](answer(t, strings.NewReader(body)), nil)
		if got := nitro.OutcomeOf(err); err == nil || got != nitro.OutcomeNotDone {
			t.Errorf("%s: OutcomeOf(%v) = %v, want %v", name, err, got, nitro.OutcomeNotDone)
		}
	}
	for name, body := range map[string]string{
		"an ID no UUID": `{"items":[{"ID":"nope"}]}`,
		"two for one":   `{"items":[{"n":1},{"n":2}]}`,
	} {
		if _, err := wire.OneOrList[typed](answer(t, strings.NewReader(body)), nil, 1); nitro.OutcomeOf(err) != nitro.OutcomeNotDone {
			t.Errorf("OneOrList, %s: OutcomeOf(%v) = %v, want %v", name, err, nitro.OutcomeOf(err), nitro.OutcomeNotDone)
		}
	}
}

// TestAnswerCutShortIsRetryable: a GET's answer whose body breaks off is
// OutcomeRetryable (the same GET may well succeed), and the decoding
// marker does not swallow the read's error.
func TestAnswerCutShortIsRetryable(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Length", "100")
		_, _ = io.WriteString(w, `{"n":`)
		w.(http.Flusher).Flush()
		panic(http.ErrAbortHandler) // the connection closes, 95 bytes short
	}))
	t.Cleanup(srv.Close)
	resp, err := srv.Client().Get(srv.URL + "/x")
	if err != nil {
		t.Fatal(err)
	}
	_, err = wire.JSON[typed](resp, nil)
	if got := nitro.OutcomeOf(err); err == nil || got != nitro.OutcomeRetryable {
		t.Errorf("OutcomeOf(%v) = %v, want %v", err, got, nitro.OutcomeRetryable)
	}
}
