package pdf

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/gen/pdfapi"
)

// reconnect paces Follow's reconnections when the server named no retry
// delay, and maxReconnects bounds how many in a row bring no event.
const (
	reconnectDelay = time.Second
	maxReconnects  = 5
	minReconnect   = 250 * time.Millisecond
)

// Follow follows the job's status stream (GET /jobs/{jobID}/status with
// Accept: text/event-stream) until the job finishes, calling progress (if
// not nil, from Follow's goroutine) with each progress value from 0.0 to
// 1.0 (and 1 when the job completed), then returns its result as Result
// does.
//
// A stream that ends before the job finished is reopened after the delay
// the server's retry field asked for (1s if none, 250ms at least), with
// Last-Event-ID when events had IDs; after 5 such reconnections in a row
// without an event, Follow gives up. A server that answers the status as
// JSON instead of a stream is polled as Wait does. The events are read in
// both shapes Nitro's clients read: named events (progress-update,
// status-update, and redirect, which ends the stream: Nitro's samples) and
// unnamed ones told apart by their status, the last with the result's
// location (Nitro's MCP server). A location on the API's host, under its
// base URL's path, is where Result and Download then fetch the result.
func (j *Job[R]) Follow(ctx context.Context, progress func(float64), opts ...nitro.CallOption) (R, error) {
	ctx = nitro.CallContext(ctx, opts...)
	if err := j.await(ctx, progress); err != nil {
		var zero R
		return zero, err
	}
	return j.Result(ctx)
}

// FollowDownload follows the job as Follow does, calling progress, then
// streams its file to w as Download does, without fetching its JSON result
// first: once the stream ends, the bytes are one request (to the location
// the last event named, as Nitro's MCP server fetches a result). A job that
// did not complete is its error, as Result's (a *JobError, ErrJobCanceled,
// ErrJobExpired).
func (j *Job[R]) FollowDownload(ctx context.Context, w io.Writer, progress func(float64), opts ...nitro.CallOption) (int64, error) {
	ctx = nitro.CallContext(ctx, opts...)
	if err := writable(w); err != nil {
		return 0, err
	}
	if err := j.await(ctx, progress); err != nil {
		return 0, err
	}
	return j.Download(ctx, w)
}

// await follows the job until it finished (nil), however: Result and
// Download say how.
func (j *Job[R]) await(ctx context.Context, progress func(float64)) error {
	if err := j.check(ctx); err != nil {
		return err
	}
	var (
		lastID  string
		delay   = reconnectDelay
		quietly int
	)
	for {
		done, stream, err := j.follow(ctx, lastID, progress)
		if err != nil {
			return err
		}
		switch {
		case done:
			return nil
		case stream == nil: // not a stream: poll
			return j.poll(ctx)
		}
		lastID = stream.id
		if stream.retry > 0 {
			// A server's retry is honoured, but never below minReconnect: a
			// stream that ends after each event must not become a storm of
			// connections.
			delay = max(stream.retry, minReconnect)
		}
		if stream.events > 0 {
			quietly = 0
		} else if quietly++; quietly >= maxReconnects {
			return fmt.Errorf("nitro: job %s: the status stream ended %d times without an event: %w", j.name(), quietly, io.ErrUnexpectedEOF)
		}
		if err := j.c.sleep(ctx, delay); err != nil {
			return fmt.Errorf("nitro: job %s: following its status: %w", j.name(), err)
		}
	}
}

// streamEnd is what one connection of the status stream left.
type streamEnd struct {
	id     string
	retry  time.Duration
	events int
}

// follow reads one connection of the status stream. done: the job
// finished; a nil end without done: the answer was not a stream.
func (j *Job[R]) follow(ctx context.Context, lastID string, progress func(float64)) (done bool, end *streamEnd, err error) {
	resp, err := j.c.raw.GetJobStatus(ctx, j.ID, routeJobStatus, func(_ context.Context, req *http.Request) error {
		req.Header.Set("Accept", "text/event-stream")
		req.Header.Set("Cache-Control", "no-cache")
		if lastID != "" {
			req.Header.Set("Last-Event-ID", lastID)
		}
		return nil
	})
	if err = j.expired(err); err != nil {
		return false, nil, err
	}
	// Closed, never drained: an event stream may stay open after its last
	// event, and draining would wait on it.
	defer resp.Body.Close()
	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); mt != "text/event-stream" {
		return false, nil, nil
	}
	sr := newSSEReader(resp.Body)
	sr.id = lastID
	end = &streamEnd{}
	for {
		ev, err := sr.next()
		end.id, end.retry = sr.id, sr.retry
		switch {
		case errors.Is(err, io.EOF):
			return false, end, nil
		case errors.Is(err, errEventTooLarge):
			return false, nil, fmt.Errorf("nitro: job %s: %w", j.name(), err)
		case err != nil:
			if ctx.Err() != nil {
				return false, nil, fmt.Errorf("nitro: job %s: following its status: %w", j.name(), ctx.Err())
			}
			return false, end, nil // a broken connection: reconnect
		}
		end.events++
		var je pdfapi.JobEvent
		if err := json.Unmarshal([]byte(ev.data), &je); err != nil {
			return false, nil, fmt.Errorf("nitro: job %s: a status event's data is not a JobEvent: %w", j.name(), err)
		}
		if je.Event == "" && ev.typ != "message" {
			je.Event = pdfapi.JobEventEvent(ev.typ)
		}
		switch {
		case je.Event == pdfapi.JobEventEventRedirect,
			je.Status == pdfapi.JobEventStatusCompleted,
			je.Status == pdfapi.JobEventStatusFailed,
			je.Status == pdfapi.JobEventStatusCanceled:
			if progress != nil && je.Status == pdfapi.JobEventStatusCompleted {
				progress(1)
			}
			if u := j.onAPIHost(je.Location); u != "" {
				j.at.set(u)
			}
			return true, end, nil
		case progress != nil && (je.Event == pdfapi.JobEventEventProgressUpdate || je.Progress > 0):
			progress(progressOf(je.Progress))
		}
	}
}

// onAPIHost is location resolved against the API's base URL if it is on the
// API's scheme and host (where the nitro.Client sends its token) and under
// the base URL's path, else "". A dot segment left in the resolved path
// (an escaped one, %2e%2e, which resolution keeps but a server may not)
// could climb out of the base path behind a gateway that serves other
// services on the same host, so a location holding one is not used either.
func (j *Job[R]) onAPIHost(location string) string {
	if location == "" {
		return ""
	}
	base, err := url.Parse(j.c.nc.BaseURL() + "/")
	if err != nil {
		return ""
	}
	u, err := base.Parse(location)
	if err != nil || !strings.EqualFold(u.Scheme, base.Scheme) || !strings.EqualFold(u.Host, base.Host) ||
		!strings.HasPrefix(u.Path, base.Path) || slices.ContainsFunc(strings.Split(u.Path, "/"), dotSegment) {
		return ""
	}
	return u.String()
}

func dotSegment(seg string) bool { return seg == "." || seg == ".." }
