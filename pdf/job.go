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
// ErrJobFailed with errors.Is.
type JobError struct {
	JobID string
	// Type names the failure, such as "PDFIsPasswordProtected".
	Type string
	// Title describes it.
	Title string
}

func (e *JobError) Error() string {
	return fmt.Sprintf("nitro: job %s failed: %s: %s", e.JobID, e.Type, e.Title)
}

// Is makes a *JobError match ErrJobFailed.
func (e *JobError) Is(target error) bool { return target == ErrJobFailed }

// waitBackoff paces Job.Wait: from 250ms up to 10s, jittered.
var waitBackoff = retry.Backoff{Base: 250 * time.Millisecond, Max: 10 * time.Second}

// Job is an asynchronous tool call the API accepted. Its methods are safe
// for concurrent use; R is the tool's synchronous JSON result.
type Job[R any] struct {
	// ID is the job's ID, the {jobID} of /jobs/{jobID}.
	ID string
	// Location is the job's status URL, as the API answered it.
	Location string

	c *Client
	t *tool
}

// JobState is a job's status, read once.
type JobState struct {
	// Status is running, completed, failed or canceled.
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
func (j *Job[R]) Status(ctx context.Context) (JobState, error) {
	resp, err := j.c.raw.GetJobStatus(ctx, j.ID, accepting("application/json"))
	st, err := wire.JSON[pdfapi.JobStatus](resp, j.expired(err))
	if err != nil {
		return JobState{}, err
	}
	s, err := st.Discriminator()
	if err != nil {
		return JobState{}, fmt.Errorf("nitro: job %s: decoding its status: %w", j.ID, err)
	}
	out := JobState{Status: s}
	if r, err := st.AsJobRunning(); err == nil {
		out.Progress = float64of(r.Progress)
	}
	return out, nil
}

// float64of is a wire float32 as the float64 of its shortest decimal form,
// so the API's 0.1 reaches the caller as 0.1, not 0.10000000149011612.
func float64of(f float32) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(float64(f), 'g', -1, 32), 64)
	return v
}

// Wait polls the job's status, with jittered backoff from 250ms up to 10s,
// until it finishes or ctx ends, then returns its result as Result does. A
// ctx that ends first is the error, wrapped with where the job stood.
func (j *Job[R]) Wait(ctx context.Context) (R, error) {
	err := retry.Poll(ctx, waitBackoff, j.c.sleep, wire.Transient, func(ctx context.Context) (bool, string, error) {
		st, err := j.Status(ctx)
		if err != nil {
			return false, "", err
		}
		if !st.Done() {
			return false, fmt.Sprintf("nitro: waiting for job %s (%s, %.0f%%)", j.ID, st.Status, 100*st.Progress), nil
		}
		return true, "", nil // finished, however: Result says how
	})
	if err != nil {
		var zero R
		return zero, err
	}
	return j.Result(ctx)
}

// Result fetches the finished job's result (GET /jobs/{jobID}): R for a
// completed job, a *JobError (ErrJobFailed) for a failed one, ErrJobCanceled
// or ErrJobExpired. A job still running is ErrJobRunning: Wait or Follow
// first.
func (j *Job[R]) Result(ctx context.Context) (R, error) {
	resp, err := j.c.raw.GetJobResult(ctx, j.ID, accepting("application/json"))
	res, err := wire.JSON[pdfapi.JobResult](resp, j.expired(err))
	if err != nil {
		var zero R
		return zero, err
	}
	return j.outcome(res)
}

// outcome is a job's result as its final state says: the decoded result, a
// *JobError, ErrJobCanceled, or ErrJobRunning.
func (j *Job[R]) outcome(res pdfapi.JobResult) (R, error) {
	var zero R
	s, err := res.Discriminator()
	if err != nil {
		return zero, fmt.Errorf("nitro: job %s: decoding its result: %w", j.ID, err)
	}
	switch s {
	case string(pdfapi.JobCompletedStatusCompleted):
		done, err := res.AsJobCompleted()
		if err != nil {
			return zero, fmt.Errorf("nitro: job %s: decoding its result: %w", j.ID, err)
		}
		return j.decode(done.Result)
	case string(pdfapi.JobFailedStatusFailed):
		failed, err := res.AsJobFailed()
		if err != nil {
			return zero, fmt.Errorf("nitro: job %s: decoding its error: %w", j.ID, err)
		}
		return zero, &JobError{JobID: j.ID, Type: string(failed.Error.Type), Title: failed.Error.Title}
	case string(pdfapi.JobCanceledStatusCanceled):
		return zero, fmt.Errorf("%w: job %s", ErrJobCanceled, j.ID)
	case string(pdfapi.JobRunningStatusRunning):
		return zero, fmt.Errorf("%w: job %s is running", ErrJobRunning, j.ID)
	}
	return zero, fmt.Errorf("nitro: job %s: unknown status %q", j.ID, s)
}

// decode turns a completed job's result, the `result` member of the tool's
// synchronous JSON, into R (the whole synchronous JSON).
func (j *Job[R]) decode(raw json.RawMessage) (R, error) {
	var out R
	if len(raw) == 0 || string(raw) == "null" {
		return out, fmt.Errorf("nitro: job %s: the completed job has no result", j.ID)
	}
	v := any(raw)
	if !j.t.unwrapped {
		v = struct {
			Result json.RawMessage `json:"result"`
		}{raw}
	}
	b, err := json.Marshal(v)
	if err == nil {
		err = json.Unmarshal(b, &out)
	}
	if err != nil {
		return out, fmt.Errorf("nitro: job %s: decoding its result: %w", j.ID, err)
	}
	return out, nil
}

// Download streams the completed job's file to w (GET /jobs/{jobID} with
// Accept: application/octet-stream), in constant memory, and returns the
// bytes written. An expired job is ErrJobExpired.
func (j *Job[R]) Download(ctx context.Context, w io.Writer) (int64, error) {
	resp, err := j.c.raw.GetJobResult(ctx, j.ID, accepting("application/octet-stream"))
	if err = j.expired(err); err != nil {
		return 0, err
	}
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if resp.StatusCode == http.StatusOK && mt != "application/json" {
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
			return 0, fmt.Errorf("nitro: job %s: decoding its state: %w", j.ID, err)
		}
		_, err := j.outcome(res)
		return 0, err
	case string(pdfapi.JobCompletedStatusCompleted):
		return 0, fmt.Errorf("%w: job %s answered its result as JSON, not its file", ErrUnexpectedAnswer, j.ID)
	}
	if resp.StatusCode != http.StatusOK || j.t.endpoint != extractions {
		return 0, fmt.Errorf("%w: job %s answered HTTP %d %q, not its file", ErrUnexpectedAnswer, j.ID, resp.StatusCode, mt)
	}
	n, err := w.Write(raw)
	return int64(n), err
}

// expired makes the API's 410 an ErrJobExpired that still unwraps to the
// *nitro.APIError.
func (j *Job[R]) expired(err error) error {
	var apiErr *nitro.APIError
	if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusGone {
		return fmt.Errorf("%w: job %s: %w", ErrJobExpired, j.ID, err)
	}
	return err
}
