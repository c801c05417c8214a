package engine

import (
	"log/slog"
	"net/http"
	"time"
)

// Log is the layer under the auth layer: it logs each attempt at debug
// level (method, path, attempt, status, duration; never a header, so the
// Authorization header stays out of every log), and tells Refused of each
// request the API answered 401, whose token the Client's redaction must
// then know (the auth layer drops it before anyone reads the answer).
type Log struct {
	Next    http.RoundTripper
	Logger  *slog.Logger
	Redact  func(string) string
	Refused func(authorization string) // may be nil
}

func (t *Log) RoundTrip(req *http.Request) (*http.Response, error) {
	if !t.Logger.Enabled(req.Context(), slog.LevelDebug) {
		resp, err := t.Next.RoundTrip(req)
		t.noteRefusal(req, resp)
		return resp, err
	}
	start := time.Now()
	resp, err := t.Next.RoundTrip(req)
	t.noteRefusal(req, resp)
	var errText string
	if err != nil {
		errText = t.Redact(err.Error())
	}
	t.Logger.DebugContext(req.Context(), "nitro: request", "method", req.Method, "path", t.Redact(req.URL.Path), "attempt", Attempt(req.Context()),
		"status", statusOf(resp), "duration", time.Since(start), "error", errText)
	return resp, err
}

func (t *Log) noteRefusal(req *http.Request, resp *http.Response) {
	if t.Refused != nil && resp != nil && resp.StatusCode == http.StatusUnauthorized {
		t.Refused(req.Header.Get("Authorization"))
	}
}
