package nitrotest

import (
	"encoding/json"
	"fmt"
	"math"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/nitrokit/nitro/gen/pdfapi"
)

// eventPoll is how often a status stream looks at the Server's clock: a
// test's clock moves without telling the server, and a hook's change is
// seen at once.
const eventPoll = 5 * time.Millisecond

func acceptsEvents(r *http.Request) bool {
	for _, v := range r.Header.Values("Accept") {
		for p := range strings.SplitSeq(v, ",") {
			if mt, _, _ := mime.ParseMediaType(strings.TrimSpace(p)); mt == "text/event-stream" {
				return true
			}
		}
	}
	return false
}

// streamJob follows a job as Server-Sent Events, each "event: <name>" with
// a JobEvent as its data: first a status-update with the status (and
// progress while running), a progress-update each time the progress
// changes (by 0.01 or more), and when the job ends a status-update with its
// final status, then a redirect with the location of its result
// (/jobs/{jobID}), which ends the stream. A job that expires meanwhile ends
// the stream without a redirect; so does the Server's Close.
func (s *Server) streamJob(w http.ResponseWriter, r *http.Request, j *pdfJob) {
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	send := func(e pdfapi.JobEvent) bool {
		b, _ := json.Marshal(e)
		if _, err := fmt.Fprintf(w, "event: %s\ndata: %s\n\n", e.Event, b); err != nil {
			return false
		}
		_ = rc.Flush()
		return true
	}
	tick := time.NewTicker(eventPoll)
	defer tick.Stop()
	first, last := true, float32(-1)
	for {
		s.pdf.mu.Lock()
		status, progress := s.view(j)
		changed := j.changed
		s.pdf.mu.Unlock()
		progress = float32(math.Floor(float64(progress)*100) / 100)
		switch {
		case status == jobExpired:
			return
		case status != jobRunning:
			ev := pdfapi.JobEventStatus(status)
			if !send(pdfapi.JobEvent{Event: pdfapi.JobEventEventStatusUpdate, Status: ev}) {
				return
			}
			send(pdfapi.JobEvent{Event: pdfapi.JobEventEventRedirect, Status: ev, Location: s.URL() + "/jobs/" + j.id})
			return
		case first:
			if !send(pdfapi.JobEvent{Event: pdfapi.JobEventEventStatusUpdate, Status: pdfapi.JobEventStatusRunning, Progress: progress}) {
				return
			}
			first, last = false, progress
		case progress != last:
			if !send(pdfapi.JobEvent{Event: pdfapi.JobEventEventProgressUpdate, Status: pdfapi.JobEventStatusRunning, Progress: progress}) {
				return
			}
			last = progress
		}
		select {
		case <-tick.C:
		case <-changed:
		case <-r.Context().Done():
			return
		case <-s.pdf.ctx.Done():
			return
		}
	}
}
