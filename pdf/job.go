package pdf

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/gen/pdfapi"
	"github.com/nitrokit/nitro/internal/retry"
	"github.com/nitrokit/nitro/internal/wire"
)

// A job's outcomes other than a result. A failed job's error is a *JobError
// (errors.Is(err, ErrJobFailed), errors.As for the details); an expired one
// also unwraps to the API's 410 *nitro.APIError. ErrJobRunning is Result's
// and Download's answer for a job that has not finished: Wait or Follow
// first.
var (
	ErrJobFailed   = errors.New("nitro: the job failed")
	ErrJobCanceled = errors.New("nitro: the job was canceled")
	ErrJobExpired  = errors.New("nitro: the job expired")
	ErrJobRunning  = errors.New("nitro: the job has not finished")
)

// JobError is a failed job's error, as the API reports it. It matches
// ErrJobFailed with errors.Is. Its strings are the server's, with every
// credential the nitro.Client knows (its secret, its tokens) redacted.
type JobError struct {
	JobID string
	// Type names the failure, such as "PDFIsPasswordProtected".
	Type string
	// Title describes it.
	Title string
}

func (e *JobError) Error() string {
	if e == nil {
		return "nitro: a nil *pdf.JobError"
	}
	return fmt.Sprintf("nitro: job %s failed: %s: %s", e.JobID, e.Type, e.Title)
}

// Is makes a *JobError match ErrJobFailed.
func (e *JobError) Is(target error) bool { return target == ErrJobFailed }

// waitBackoff paces Job.Wait: from 250ms up to 10s, jittered.
var waitBackoff = retry.Backoff{Base: 250 * time.Millisecond, Max: 10 * time.Second}

// Job is an asynchronous tool call the API accepted. Its methods are safe
// for concurrent use; R is the tool's synchronous JSON result. A zero Job
// (not from Request.Async or ResumeJob) answers ErrNoClient.
type Job[R any] struct {
	// ID is the job's ID, the {jobID} of /jobs/{jobID}.
	ID string
	// Location is the job's status URL, as the API answered it (through
	// the nitro.Client's redactor: it is the server's text, and nothing
	// is fetched from it).
	Location string

	c  *Client
	t  *tool
	at *resultAt
}

// resultAt is where a job's result is fetched: the location its status
// stream's last event named, once it did. Shared by a Job's copies.
type resultAt struct {
	mu  sync.Mutex
	url string
}

func (r *resultAt) get() string {
	if r == nil {
		return ""
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.url
}

func (r *resultAt) set(u string) {
	if r == nil {
		return
	}
	r.mu.Lock()
	r.url = u
	r.mu.Unlock()
}

func newJob[R any](c *Client, t *tool, id, location string) *Job[R] {
	return &Job[R]{ID: id, Location: location, c: c, t: t, at: &resultAt{}}
}

// check is ErrNoClient for a Job no Client made, and ErrNilContext for a
// nil ctx.
func (j *Job[R]) check(ctx context.Context) error {
	if j == nil || j.t == nil || j.c.ready() != nil {
		return fmt.Errorf("%w: a nil or zero pdf.Job: get one from Request.Async or pdf.ResumeJob", ErrNoClient)
	}
	return live(ctx)
}

// name is the job's ID for an error: chosen by the server, so redacted.
func (j *Job[R]) name() string { return j.c.redact(j.ID) }

// JobState is a job's status, read once.
type JobState struct {
	// Status is running, completed, failed or canceled, or a status the
	// API added later, kept as it came (and redacted).
	Status string
	// Progress is from 0.0 to 1.0 while the job runs.
	Progress float64
}

// Done reports whether the job finished, however: Result says how. A
// status the API adds later is taken as still running.
func (s JobState) Done() bool {
	switch s.Status {
	case string(pdfapi.JobCompletedStatusCompleted), string(pdfapi.JobFailedStatusFailed), string(pdfapi.JobCanceledStatusCanceled):
		return true
	}
	return false
}

// Status reads the job's status once (GET /jobs/{jobID}/status); an
// expired job is ErrJobExpired.
func (j *Job[R]) Status(ctx context.Context, opts ...nitro.CallOption) (JobState, error) {
	ctx = nitro.CallContext(ctx, opts...)
	if err := j.check(ctx); err != nil {
		return JobState{}, err
	}
	resp, err := j.c.raw.GetJobStatus(ctx, j.ID, accepting("application/json"), routeJobStatus)
	st, err := wire.JSON[pdfapi.JobStatus](resp, j.expired(err))
	if err != nil {
		return JobState{}, err
	}
	s, err := st.Discriminator()
	if err != nil {
		return JobState{}, fmt.Errorf("nitro: job %s: decoding its status: %w", j.name(), err)
	}
	out := JobState{Status: j.c.redact(s)}
	if r, err := st.AsJobRunning(); err == nil {
		out.Progress = progressOf(r.Progress)
	}
	return out, nil
}

// progressOf is a job's wire progress within 0.0 to 1.0, the range the
// API documents and the caller is promised, whatever a server sent (a
// percentage, a negative value).
func progressOf(f float32) float64 { return min(max(float64of(f), 0), 1) }

// float64of is a wire float32 as the float64 of its shortest decimal form,
// so the API's 0.1 reaches the caller as 0.1, not 0.10000000149011612.
func float64of(f float32) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(float64(f), 'g', -1, 32), 64)
	return v
}

// Wait polls the job's status, with jittered backoff from 250ms up to 10s,
// until it finishes or ctx ends, then returns its result as Result does. A
// ctx that ends first is the error, wrapped with where the job stood.
func (j *Job[R]) Wait(ctx context.Context, opts ...nitro.CallOption) (R, error) {
	ctx = nitro.CallContext(ctx, opts...)
	if err := j.poll(ctx); err != nil {
		var zero R
		return zero, err
	}
	return j.Result(ctx)
}

// poll is Wait without the result: it returns when the job finished.
func (j *Job[R]) poll(ctx context.Context) error {
	if err := j.check(ctx); err != nil {
		return err
	}
	return retry.Poll(ctx, waitBackoff, j.c.sleep, wire.Transient, func(ctx context.Context) (bool, string, error) {
		st, err := j.Status(ctx)
		if err != nil {
			return false, "", err
		}
		if !st.Done() {
			return false, fmt.Sprintf("nitro: waiting for job %s (%s, %.0f%%)", j.name(), st.Status, 100*st.Progress), nil
		}
		return true, "", nil // finished, however: Result says how
	})
}

// Result fetches the finished job's result (GET /jobs/{jobID}, or the
// location its status stream named): R for a completed job, a *JobError
// (ErrJobFailed) for a failed one, ErrJobCanceled or ErrJobExpired. A job
// still running is ErrJobRunning, whether the API says so with a 404 (its
// jobs/result page: "If the job is still running, the endpoint returns a 404
// Not Found response") or with a running status: Wait or Follow first. A
// 404 is told from an unknown job's by the job's status, which is a 404 too
// for an unknown job.
func (j *Job[R]) Result(ctx context.Context, opts ...nitro.CallOption) (R, error) {
	ctx = nitro.CallContext(ctx, opts...)
	var zero R
	if err := j.check(ctx); err != nil {
		return zero, err
	}
	resp, err := j.fetch(ctx, "application/json")
	res, err := wire.JSON[pdfapi.JobResult](resp, err)
	if err != nil {
		return zero, err
	}
	return j.outcome(res)
}

// fetch GETs the job's result with accept: from the location its status
// stream named if it named one on the API's host, else GET /jobs/{jobID}.
// A 404 is asked about (notFound); a job that finished meanwhile is
// fetched once more.
func (j *Job[R]) fetch(ctx context.Context, accept string) (*http.Response, error) {
	for try := 0; ; try++ {
		resp, err := j.get(ctx, accept)
		var apiErr *nitro.APIError
		if err == nil || !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusNotFound || try > 0 {
			return resp, j.expired(err)
		}
		if err := j.notFound(ctx, err); err != nil {
			return nil, err
		}
	}
}

func (j *Job[R]) get(ctx context.Context, accept string) (*http.Response, error) {
	if u := j.at.get(); u != "" {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Accept", accept)
		req.Pattern = "GET /jobs/{jobID}" // the result's route, for nitro.Observer, wherever the stream said it is
		return j.c.nc.Do(req)
	}
	return j.c.raw.GetJobResult(ctx, j.ID, accepting(accept), routeJobResult)
}

// notFound tells a running job's 404 from an unknown one's: it returns
// ErrJobRunning (wrapping the 404) for a job whose status is not final, the
// status's own error for a job the status endpoint does not know either
// (its 404, or a 410), and nil for a job that has finished since.
func (j *Job[R]) notFound(ctx context.Context, notFound error) error {
	st, err := j.Status(ctx)
	switch {
	case err != nil:
		return err
	case !st.Done():
		return fmt.Errorf("%w: job %s is %s: %w", ErrJobRunning, j.name(), st.Status, notFound)
	}
	return nil
}

// outcome is a job's result as its final state says: the decoded result, a
// *JobError, ErrJobCanceled, or ErrJobRunning (for running, and for a status
// the API added later, which JobState.Done takes as running too).
func (j *Job[R]) outcome(res pdfapi.JobResult) (R, error) {
	var zero R
	s, err := res.Discriminator()
	if err != nil {
		return zero, fmt.Errorf("nitro: job %s: decoding its result: %w", j.name(), err)
	}
	switch s {
	case string(pdfapi.JobCompletedStatusCompleted):
		done, err := res.AsJobCompleted()
		if err != nil {
			return zero, fmt.Errorf("nitro: job %s: decoding its result: %w", j.name(), err)
		}
		return j.decode(done.Result)
	case string(pdfapi.JobFailedStatusFailed):
		failed, err := res.AsJobFailed()
		if err != nil {
			return zero, fmt.Errorf("nitro: job %s: decoding its error: %w", j.name(), err)
		}
		return zero, &JobError{JobID: j.name(), Type: j.c.redact(string(failed.Error.Type)), Title: j.c.redact(failed.Error.Title)}
	case string(pdfapi.JobCanceledStatusCanceled):
		return zero, fmt.Errorf("%w: job %s", ErrJobCanceled, j.name())
	case string(pdfapi.JobRunningStatusRunning):
		return zero, fmt.Errorf("%w: job %s is running", ErrJobRunning, j.name())
	}
	return zero, fmt.Errorf("%w: job %s is %q, a status this client does not know (taken as running)", ErrJobRunning, j.name(), j.c.redact(s))
}

// decode turns a completed job's result, the `result` member of the tool's
// synchronous JSON, into R (the whole synchronous JSON), as JSON does.
func (j *Job[R]) decode(raw json.RawMessage) (R, error) {
	var out R
	if len(raw) == 0 || string(raw) == "null" {
		return out, fmt.Errorf("nitro: job %s: the completed job has no result", j.name())
	}
	v := raw
	if !j.t.unwrapped {
		v, _ = json.Marshal(map[string]json.RawMessage{"result": raw})
	}
	out, err := decodeResult[R](j.t, v)
	if err != nil {
		return out, fmt.Errorf("nitro: job %s: decoding its result: %w", j.name(), err)
	}
	return out, nil
}

// Download streams the completed job's file to w (GET /jobs/{jobID}, or the
// location its status stream named, with Accept: application/octet-stream)
// in constant memory, and returns the bytes written: one request. A job
// still running is ErrJobRunning, an expired one ErrJobExpired; a page or
// a problem answered with 200 is ErrUnexpectedAnswer, as for Stream, and
// never reaches w.
func (j *Job[R]) Download(ctx context.Context, w io.Writer, opts ...nitro.CallOption) (int64, error) {
	ctx = nitro.CallContext(ctx, opts...)
	if err := j.check(ctx); err != nil {
		return 0, err
	}
	if err := writable(w); err != nil {
		return 0, err
	}
	resp, err := j.fetch(ctx, "application/octet-stream")
	if err != nil {
		return 0, err
	}
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	switch {
	case resp.StatusCode == http.StatusOK && notAFile(mt):
		_ = wire.Empty(resp, nil)
		return 0, fmt.Errorf("%w: job %s answered a %q body, not its file", ErrUnexpectedAnswer, j.name(), j.c.redact(mt))
	case resp.StatusCode == http.StatusOK && mt != "application/json":
		return wire.Stream(w)(resp, nil)
	}
	// JSON, or a 202: the job's state (running, failed, canceled), or an
	// extraction's data, which is JSON too. Read whole (bounded) to tell
	// them apart; a state never reaches w.
	raw, err := wire.JSON[json.RawMessage](resp, nil)
	if err != nil {
		return 0, err
	}
	var state struct {
		Status string `json:"status"`
	}
	_ = json.Unmarshal(raw, &state)
	switch state.Status {
	case string(pdfapi.JobFailedStatusFailed), string(pdfapi.JobCanceledStatusCanceled), string(pdfapi.JobRunningStatusRunning):
		var res pdfapi.JobResult
		if err := json.Unmarshal(raw, &res); err != nil {
			return 0, fmt.Errorf("nitro: job %s: decoding its state: %w", j.name(), err)
		}
		_, err := j.outcome(res)
		return 0, err
	case string(pdfapi.JobCompletedStatusCompleted):
		return 0, fmt.Errorf("%w: job %s answered its result as JSON, not its file", ErrUnexpectedAnswer, j.name())
	}
	if resp.StatusCode != http.StatusOK || j.t.endpoint != extractions {
		return 0, fmt.Errorf("%w: job %s answered HTTP %d %q, not its file", ErrUnexpectedAnswer, j.name(), resp.StatusCode, j.c.redact(mt))
	}
	n, err := w.Write(raw)
	return int64(n), err
}

// expired makes the API's 410 an ErrJobExpired that still unwraps to the
// *nitro.APIError.
func (j *Job[R]) expired(err error) error {
	var apiErr *nitro.APIError
	if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusGone {
		return fmt.Errorf("%w: job %s: %w", ErrJobExpired, j.name(), err)
	}
	return err
}
