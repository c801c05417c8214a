package nitrotest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/nitrokit/nitro/gen/pdfapi"
)

// ErrNoJob is returned by the job hooks for an unknown PDF Services job.
var ErrNoJob = errors.New("nitrotest: no such job")

// Job statuses as the spec spells them, and expired (410).
const (
	jobRunning   = "running"
	jobCompleted = "completed"
	jobFailed    = "failed"
	jobCanceled  = "canceled"
	jobExpired   = "expired"
)

// pdfState holds PDF Services jobs and result files, behind their own mutex.
type pdfState struct {
	mu    sync.Mutex
	jobs  map[string]*pdfJob
	files map[string]pdfFile // result files by ID, see storeFile

	// ctx ends with the Server: status streams and deliveries stop.
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup // the delivery loop and deliveries; Add under mu, never once closed
	closed bool
	loop   sync.Once     // starts the delivery loop at the first delivery
	wake   chan struct{} // nudges the delivery loop after a hook
}

// pdfJob is an asynchronous request. Its status is computed from the
// Server's clock when asked (running with progress until created+duration,
// then completed), unless a hook settled it (forced).
type pdfJob struct {
	id       string
	created  time.Time
	duration time.Duration // < 0: until a hook ends it
	out      func() pdfOutput
	delivery *pdfapi.Delivery

	forced   string // "", completed, failed or canceled
	forcedAt time.Time
	err      pdfapi.JobError
	expired  bool
	settled  bool            // the delivery loop has handled its end
	result   json.RawMessage // its result, once asked for
	changed  chan struct{}   // closed (and replaced) when a hook changes it
}

func (ps *pdfState) init() {
	ps.jobs = map[string]*pdfJob{}
	ps.files = map[string]pdfFile{}
	ps.ctx, ps.cancel = context.WithCancel(context.Background())
	ps.wake = make(chan struct{}, 1)
}

func (ps *pdfState) close() {
	ps.mu.Lock()
	ps.closed = true
	ps.mu.Unlock()
	ps.cancel()
	ps.wg.Wait()
}

// startJob creates the job for a request; its output is computed once,
// when first needed.
func (s *Server) startJob(c *pdfCall, run func(*Server) pdfOutput) *pdfJob {
	j := &pdfJob{id: uuid.NewString(), created: s.now(), duration: s.cfg.jobDuration,
		delivery: c.req.delivery, changed: make(chan struct{})}
	j.out = sync.OnceValue(func() pdfOutput { return run(s) })
	s.pdf.mu.Lock()
	s.pdf.jobs[j.id] = j
	s.pdf.mu.Unlock()
	if j.delivery != nil {
		s.startDeliveries()
	}
	return j
}

func (s *Server) pdfJob(id string) *pdfJob {
	s.pdf.mu.Lock()
	defer s.pdf.mu.Unlock()
	return s.pdf.jobs[id]
}

// view is a job's status and progress now; the caller holds s.pdf.mu.
func (s *Server) view(j *pdfJob) (status string, progress float32) {
	now := s.now()
	var ended time.Time
	switch {
	case j.expired:
		return jobExpired, 0
	case j.forced != "":
		status, ended = j.forced, j.forcedAt
	case j.duration < 0:
		return jobRunning, 0
	default:
		elapsed := now.Sub(j.created)
		if elapsed < j.duration {
			return jobRunning, float32(float64(elapsed) / float64(j.duration))
		}
		status, ended = jobCompleted, j.created.Add(j.duration)
	}
	if !now.Before(ended.Add(s.cfg.jobExpiry)) {
		return jobExpired, 0
	}
	return status, 1
}

// The hooks: they end a job as the service would, or make it expire.

// CompleteJob completes a running PDF Services job now.
func (s *Server) CompleteJob(jobID string) error {
	return s.endJob(jobID, jobCompleted, pdfapi.JobError{})
}

// FailJob fails a running PDF Services job now with reason (the JobError's
// title; its type is ConversionFailed).
func (s *Server) FailJob(jobID, reason string) error {
	return s.endJob(jobID, jobFailed, pdfapi.JobError{Type: pdfapi.JobErrorTypeConversionFailed, Title: reason})
}

// CancelJob cancels a running PDF Services job now.
func (s *Server) CancelJob(jobID string) error {
	return s.endJob(jobID, jobCanceled, pdfapi.JobError{})
}

// ExpireJob makes a PDF Services job expire now, whatever its status: its
// status and result answer 410 from then on.
func (s *Server) ExpireJob(jobID string) error {
	return s.changeJob(jobID, func(j *pdfJob) error { j.expired = true; return nil })
}

func (s *Server) endJob(jobID, status string, e pdfapi.JobError) error {
	return s.changeJob(jobID, func(j *pdfJob) error {
		if now, _ := s.view(j); now != jobRunning {
			return fmt.Errorf("nitrotest: job %s is %s, not running", jobID, now)
		}
		j.forced, j.forcedAt, j.err = status, s.now(), e
		return nil
	})
}

func (s *Server) changeJob(jobID string, f func(j *pdfJob) error) error {
	s.pdf.mu.Lock()
	j := s.pdf.jobs[jobID]
	if j == nil {
		s.pdf.mu.Unlock()
		return fmt.Errorf("%w: %q", ErrNoJob, jobID)
	}
	err := f(j)
	if err == nil {
		close(j.changed)
		j.changed = make(chan struct{})
	}
	s.pdf.mu.Unlock()
	select {
	case s.pdf.wake <- struct{}{}:
	default:
	}
	return err
}

// snapshot is a job's status as the spec's JobStatus, and its status name.
func (s *Server) snapshot(j *pdfJob) (string, any) {
	s.pdf.mu.Lock()
	status, progress := s.view(j)
	var jobErr pdfapi.JobError
	if status == jobFailed {
		jobErr = j.err
	}
	s.pdf.mu.Unlock()
	switch status {
	case jobRunning:
		return status, pdfapi.JobRunning{JobID: j.id, Status: pdfapi.JobRunningStatusRunning, Progress: progress}
	case jobCompleted:
		return status, pdfapi.JobCompleted{JobID: j.id, Status: pdfapi.JobCompletedStatusCompleted, Result: s.jobResult(j)}
	case jobFailed:
		return status, pdfapi.JobFailed{JobID: j.id, Status: pdfapi.JobFailedStatusFailed, Error: jobErr}
	case jobCanceled:
		return status, pdfapi.JobCanceled{JobID: j.id, Status: pdfapi.JobCanceledStatusCanceled}
	}
	return status, nil
}

// jobResult is a completed job's result (computed once: its file URLs stay
// the same); files delivered to the caller's URLs have none.
func (s *Server) jobResult(j *pdfJob) json.RawMessage {
	out := j.out()
	s.pdf.mu.Lock()
	r := j.result
	s.pdf.mu.Unlock()
	if r != nil {
		return r
	}
	r = resultMember(s.resultBody(out, j.delivery != nil && hasUploads(*j.delivery)))
	s.pdf.mu.Lock()
	defer s.pdf.mu.Unlock()
	if j.result == nil {
		j.result = r
	}
	return j.result
}

func (s *Server) jobProblem(w http.ResponseWriter, r *http.Request, j *pdfJob, status string) bool {
	switch {
	case j == nil:
		writeProblem(w, newProblem(http.StatusNotFound, r.URL.Path, "Job with ID '%s' not found", r.PathValue("jobID")))
	case status == jobExpired:
		writeProblem(w, newProblem(http.StatusGone, r.URL.Path, "Job '%s' has expired: its result is no longer available", j.id))
	default:
		return false
	}
	return true
}

// jobFor is the request's job, its status and body as of now; ok is false
// when a problem (404, 410) was answered instead.
func (s *Server) jobFor(w http.ResponseWriter, r *http.Request) (j *pdfJob, status string, body any, ok bool) {
	j = s.pdfJob(r.PathValue("jobID"))
	if j != nil {
		status, body = s.snapshot(j)
	}
	return j, status, body, !s.jobProblem(w, r, j, status)
}

// serveJobStatus answers GET /jobs/{jobID}/status: the JobStatus, or with
// Accept: text/event-stream its Server-Sent Events until the job ends; 404
// for an unknown job, 410 for an expired one.
func (s *Server) serveJobStatus(w http.ResponseWriter, r *http.Request) {
	j, _, body, ok := s.jobFor(w, r)
	if !ok {
		return
	}
	if acceptsEvents(r) {
		s.streamJob(w, r, j)
		return
	}
	writeJSON(w, http.StatusOK, body)
}

// serveJobResult answers GET /jobs/{jobID}: a completed job's JobCompleted,
// or its output's bytes with Accept: application/octet-stream; a failed or
// canceled job's JobFailed or JobCanceled (JSON whatever Accept says); 404
// for a running job, as Nitro's jobs/result page says ("If the job is still
// running, the endpoint returns a 404 Not Found response"), and for an
// unknown one (the job's status tells them apart); 410 for an expired one.
func (s *Server) serveJobResult(w http.ResponseWriter, r *http.Request) {
	j, status, body, ok := s.jobFor(w, r)
	if !ok {
		return
	}
	switch {
	case status == jobRunning:
		writeProblem(w, newProblem(http.StatusNotFound, r.URL.Path, "Job '%s' is still running: its result is not available yet", j.id))
	case status == jobCompleted && wantsBinary(r):
		s.writeOutput(w, j.out())
	default:
		writeJSON(w, http.StatusOK, body)
	}
}
