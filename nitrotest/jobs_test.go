package nitrotest_test

import (
	"bufio"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nitrokit/nitro/gen/pdfapi"
	"github.com/nitrokit/nitro/nitrotest"
)

// startJob posts an asynchronous compress and returns its job ID.
func startJob(t *testing.T, c *pdfClient) string {
	t.Helper()
	resp := c.post("/transformations", map[string]string{"Prefer": "respond-async"}, append([]part{text("method", "compress")}, pdfFile(t)...)...)
	return decode[pdfapi.AsyncJobResponse](t, read(t, resp, http.StatusAccepted)).JobID
}

func (c *pdfClient) status(id string) []byte {
	c.t.Helper()
	return read(c.t, c.get(c.srv.URL()+"/jobs/"+id+"/status", "application/json"), http.StatusOK)
}

// TestJobProgressOnTheClock: a job runs for WithJobDuration on the
// Server's clock, its progress growing, then completes.
func TestJobProgressOnTheClock(t *testing.T) {
	clock := newFakeClock()
	srv := nitrotest.NewServer(nitrotest.WithClock(clock.Now), nitrotest.WithJobDuration(10*time.Second))
	defer srv.Close()
	c := newPDFClient(t, srv)
	id := startJob(t, c)

	clock.Advance(2500 * time.Millisecond)
	if r := decode[pdfapi.JobRunning](t, c.status(id)); r.Status != pdfapi.JobRunningStatusRunning || r.Progress != 0.25 {
		t.Errorf("after 2.5s of 10s: %+v", r)
	}
	// Not done yet: the result is a 404, as Nitro's jobs/result page says.
	if b := read(t, c.get(srv.URL()+"/jobs/"+id, "application/json"), http.StatusNotFound); !strings.Contains(string(b), "still running") {
		t.Errorf("the result of a running job: %s", b)
	}
	clock.Advance(7500 * time.Millisecond)
	done := decode[pdfapi.JobCompleted](t, c.status(id))
	f := decode[pdfapi.PlatformOperationFileResult](t, done.Result)
	if done.Status != pdfapi.JobCompletedStatusCompleted || f.File.ContentType != "application/pdf" {
		t.Fatalf("after 10s: %+v", done)
	}
	// The result file's URL is pre-signed: no token needed.
	resp, err := http.Get(f.File.URL)
	must(t, err)
	if b := read(t, resp, http.StatusOK); !strings.HasPrefix(string(b), "%PDF-") {
		t.Errorf("result file: %.20q", b)
	}
}

// TestJobStatusStream follows a job's Server-Sent Events to the redirect,
// moving the clock after each event.
func TestJobStatusStream(t *testing.T) {
	clock := newFakeClock()
	srv := nitrotest.NewServer(nitrotest.WithClock(clock.Now), nitrotest.WithJobDuration(10*time.Second))
	defer srv.Close()
	c := newPDFClient(t, srv)
	id := startJob(t, c)

	resp := c.get(srv.URL()+"/jobs/"+id+"/status", "text/event-stream")
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode != http.StatusOK || !strings.HasPrefix(ct, "text/event-stream") {
		t.Fatalf("%d %s", resp.StatusCode, ct)
	}
	events := bufio.NewReader(resp.Body)
	next := func() pdfapi.JobEvent {
		t.Helper()
		var name, data string
		for {
			line, err := events.ReadString('\n')
			if err != nil {
				t.Fatalf("stream ended: %v", err)
			}
			line = strings.TrimRight(line, "\n")
			switch {
			case strings.HasPrefix(line, "event: "):
				name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				data = strings.TrimPrefix(line, "data: ")
			case line == "":
				var e pdfapi.JobEvent
				must(t, json.Unmarshal([]byte(data), &e))
				if string(e.Event) != name {
					t.Errorf("event %q carries %q", name, e.Event)
				}
				return e
			}
		}
	}
	want := func(e pdfapi.JobEvent, event pdfapi.JobEventEvent, status pdfapi.JobEventStatus, progress float32) {
		t.Helper()
		if e.Event != event || e.Status != status || e.Progress != progress {
			t.Errorf("event %+v, want %s %s %v", e, event, status, progress)
		}
	}
	want(next(), pdfapi.JobEventEventStatusUpdate, pdfapi.JobEventStatusRunning, 0)
	clock.Advance(5 * time.Second)
	want(next(), pdfapi.JobEventEventProgressUpdate, pdfapi.JobEventStatusRunning, 0.5)
	clock.Advance(5 * time.Second)
	want(next(), pdfapi.JobEventEventStatusUpdate, pdfapi.JobEventStatusCompleted, 0)
	last := next()
	want(last, pdfapi.JobEventEventRedirect, pdfapi.JobEventStatusCompleted, 0)
	if last.Location != srv.URL()+"/jobs/"+id {
		t.Errorf("redirect to %q", last.Location)
	}
	if _, err := events.ReadString('\n'); err == nil {
		t.Error("the stream goes on after the redirect")
	}
	read(t, c.get(last.Location, "application/json"), http.StatusOK)
}

// TestJobEnds: the hooks fail, cancel and expire jobs; the status and the
// result say so (410 once expired, also by the clock after WithJobExpiry).
func TestJobEnds(t *testing.T) {
	clock := newFakeClock()
	srv := nitrotest.NewServer(nitrotest.WithClock(clock.Now), nitrotest.WithJobDuration(-1), nitrotest.WithJobExpiry(time.Hour))
	defer srv.Close()
	c := newPDFClient(t, srv)

	failed := startJob(t, c)
	must(t, srv.FailJob(failed, "The PDF is damaged"))
	for _, b := range [][]byte{c.status(failed), read(t, c.get(srv.URL()+"/jobs/"+failed, "application/octet-stream"), http.StatusOK)} {
		if f := decode[pdfapi.JobFailed](t, b); f.Status != pdfapi.JobFailedStatusFailed || f.Error.Title != "The PDF is damaged" || f.Error.Type != pdfapi.JobErrorTypeConversionFailed {
			t.Errorf("failed job: %s", b)
		}
	}
	if err := srv.CompleteJob(failed); err == nil {
		t.Error("CompleteJob of a failed job succeeded")
	}

	canceled := startJob(t, c)
	must(t, srv.CancelJob(canceled))
	if s := decode[pdfapi.JobCanceled](t, c.status(canceled)); s.Status != pdfapi.JobCanceledStatusCanceled {
		t.Errorf("canceled job: %+v", s)
	}

	expired := startJob(t, c)
	must(t, srv.ExpireJob(expired))
	read(t, c.get(srv.URL()+"/jobs/"+expired+"/status", "application/json"), http.StatusGone)
	read(t, c.get(srv.URL()+"/jobs/"+expired, "application/json"), http.StatusGone)
	read(t, c.get(srv.URL()+"/jobs/"+expired+"/status", "text/event-stream"), http.StatusGone)

	// Finished jobs expire an hour after they end.
	clock.Advance(time.Hour)
	read(t, c.get(srv.URL()+"/jobs/"+failed, "application/json"), http.StatusGone)

	read(t, c.get(srv.URL()+"/jobs/"+uuid.NewString(), "application/json"), http.StatusNotFound)
	if err := srv.FailJob("nope", "x"); err == nil {
		t.Error("FailJob of an unknown job succeeded")
	}
}

// TestJobStreamEndsOnFailure: a stream reports a failure as its last
// events, and a stream of a job that never ends stops with Close.
func TestJobStreamEndsOnFailure(t *testing.T) {
	srv := nitrotest.NewServer(nitrotest.WithJobDuration(-1))
	c := newPDFClient(t, srv)
	id := startJob(t, c)
	resp := c.get(srv.URL()+"/jobs/"+id+"/status", "text/event-stream")
	r := bufio.NewReader(resp.Body)
	if line, _ := r.ReadString('\n'); line != "event: status-update\n" {
		t.Fatalf("first line %q", line)
	}
	must(t, srv.FailJob(id, "boom"))
	var rest strings.Builder
	for {
		line, err := r.ReadString('\n')
		rest.WriteString(line)
		if err != nil {
			break
		}
	}
	resp.Body.Close()
	if s := rest.String(); !strings.Contains(s, `"status":"failed"`) || !strings.Contains(s, "event: redirect") {
		t.Errorf("after FailJob: %s", s)
	}

	hanging := startJob(t, c)
	resp = c.get(srv.URL()+"/jobs/"+hanging+"/status", "text/event-stream")
	defer resp.Body.Close()
	if line, _ := bufio.NewReader(resp.Body).ReadString('\n'); line != "event: status-update\n" {
		t.Fatalf("first line %q", line)
	}
	srv.Close() // returns although the stream's job never ends
}
