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

// jobEvent is the data of one status-stream event, in the shape both of
// Nitro's clients read: its event name (Nitro's samples discriminate by it,
// samples/python/api/platform_api.py@2713a9f, JobEvent), the job's ID in
// every event, progress in every running one, and the result's location in
// every final one (Nitro's MCP server requires those,
// node-version/src/client/platformClient.ts@a4df724, _sseEventSchema).
type jobEvent struct {
	Event    string   `json:"event"`
	JobID    string   `json:"jobID"`
	Status   string   `json:"status"`
	Progress *float32 `json:"progress,omitempty"`
	Location string   `json:"location,omitempty"`
}

// streamJob follows a job as Server-Sent Events, each "event: <name>" with
// a jobEvent as its data: first a status-update with the status (and
// progress while running), a progress-update each time the progress
// changes (by 0.01 or more), and when the job ends a status-update with its
// final status and the location of its result (/jobs/{jobID}), then a
// redirect with the same, which ends the stream. A job that expires
// meanwhile ends the stream without a redirect; so does the Server's Close.
func (s *Server) streamJob(w http.ResponseWriter, r *http.Request, j *pdfJob) {
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	send := func(e jobEvent) bool {
		e.JobID = j.id
		b, _ := json.Marshal(e)
		if _, err := fmt.Fprintf(w, "event: %s\ndata: %s\n\n", e.Event, b); err != nil {
			return false
		}
		_ = rc.Flush()
		return true
	}
	running := func(event string, progress float32) jobEvent {
		return jobEvent{Event: event, Status: jobRunning, Progress: &progress}
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
			loc := s.URL() + "/jobs/" + j.id
			if !send(jobEvent{Event: string(pdfapi.JobEventEventStatusUpdate), Status: status, Location: loc}) {
				return
			}
			send(jobEvent{Event: string(pdfapi.JobEventEventRedirect), Status: status, Location: loc})
			return
		case first:
			if !send(running(string(pdfapi.JobEventEventStatusUpdate), progress)) {
				return
			}
			first, last = false, progress
		case progress != last:
			if !send(running(string(pdfapi.JobEventEventProgressUpdate), progress)) {
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
