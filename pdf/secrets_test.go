package pdf_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/pdf"
)

// The credentials of echoing: a secret the client is given and the token
// its server issues, both echoed back by the server wherever it chooses the
// text.
const (
	echoSecret = "client-secret-5f0c9a"
	echoToken  = "bearer-token-77d1e4"
)

// echoing is a client on a hostile server: it issues echoToken for
// echoSecret, and answers every job route with jobs whose strings (their
// ID, status, error type and title) carry both credentials. opts are the
// pdf.Client's.
func echoing(t *testing.T, routes map[string]http.HandlerFunc, opts ...pdf.Option) (*pdf.Client, *pdf.Job[pdf.FileResult]) {
	t.Helper()
	url := newLoopback(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/oauth/token" {
			w.Header().Set("Content-Type", "application/json")
			_, _ = fmt.Fprintf(w, `{"access_token":%q,"token_type":"Bearer","expires_in":3600}`, echoToken)
			return
		}
		if h := routes[r.Method+" "+r.URL.Path]; h != nil {
			h(w, r)
			return
		}
		http.NotFound(w, r)
	}))
	nc, err := nitro.NewClient(nitro.Config{ClientID: "id", ClientSecret: echoSecret, BaseURL: url, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	c := pdf.New(nc, opts...)
	job, err := pdf.ResumeJob[pdf.FileResult](c, "job-"+echoToken+"-"+echoSecret)
	if err != nil {
		t.Fatal(err)
	}
	return c, job
}

// both is a string carrying both credentials.
const both = echoToken + " and " + echoSecret

var (
	jobPath    = "/jobs/job-" + echoToken + "-" + echoSecret
	statusPath = jobPath + "/status"
	failed     = answering(http.StatusOK, "application/json",
		`{"jobID":"x","status":"failed","error":{"type":"`+both+`","title":"`+both+`"}}`)
)

// leaks reports what of the credentials err's text and printed forms show.
func leaks(err error) []string {
	var out []string
	for _, s := range []string{err.Error(), fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)} {
		for _, secret := range []string{echoSecret, echoToken} {
			if strings.Contains(s, secret) {
				out = append(out, secret)
			}
		}
	}
	return out
}

// TestServerTextInJobErrorsIsRedacted: the strings a server chooses that
// reach a job's errors (a failed job's type and title from Wait, Follow,
// Result and Download; the last status Wait saw when it gave up; an
// unknown status Follow ended on; the job's ID) show neither the client
// secret nor the token, even when the server echoes both. (The job's ID in
// an *nitro.APIError's Path is the nitro package's to redact.)
func TestServerTextInJobErrorsIsRedacted(t *testing.T) {
	ctx := context.Background()
	completedStatus := answering(http.StatusOK, "application/json", `{"jobID":"x","status":"failed"}`)
	stuck := answering(http.StatusOK, "application/json", `{"jobID":"x","status":"`+both+`","progress":0.5}`)
	for _, tc := range []struct {
		name   string
		routes map[string]http.HandlerFunc
		call   func(*pdf.Client, *pdf.Job[pdf.FileResult]) error
		want   error
	}{
		{"Result of a failed job", map[string]http.HandlerFunc{"GET " + jobPath: failed},
			func(_ *pdf.Client, j *pdf.Job[pdf.FileResult]) error { _, err := j.Result(ctx); return err }, pdf.ErrJobFailed},
		{"Download of a failed job", map[string]http.HandlerFunc{"GET " + jobPath: failed},
			func(_ *pdf.Client, j *pdf.Job[pdf.FileResult]) error {
				_, err := j.Download(ctx, io.Discard)
				return err
			}, pdf.ErrJobFailed},
		{"Wait for a failed job", map[string]http.HandlerFunc{"GET " + jobPath: failed, "GET " + statusPath: completedStatus},
			func(_ *pdf.Client, j *pdf.Job[pdf.FileResult]) error { _, err := j.Wait(ctx); return err }, pdf.ErrJobFailed},
		{"Follow a failed job", map[string]http.HandlerFunc{"GET " + jobPath: failed,
			"GET " + statusPath: sseAnswer("event: redirect\ndata: {\"status\":\"failed\"}\n\n")},
			func(_ *pdf.Client, j *pdf.Job[pdf.FileResult]) error { _, err := j.Follow(ctx, nil); return err }, pdf.ErrJobFailed},
		{"Wait's deadline", map[string]http.HandlerFunc{"GET " + statusPath: stuck},
			func(c *pdf.Client, j *pdf.Job[pdf.FileResult]) error {
				ctx, cancel := context.WithCancel(ctx)
				defer cancel()
				pdf.SetSleep(c, func(ctx context.Context, _ time.Duration) error { cancel(); return ctx.Err() })
				_, err := j.Wait(ctx)
				return err
			}, context.Canceled},
		{"Follow ending on an unknown status", map[string]http.HandlerFunc{
			"GET " + statusPath: sseAnswer("event: redirect\ndata: {\"status\":\"" + both + "\"}\n\n"),
			"GET " + jobPath:    answering(http.StatusOK, "application/json", `{"jobID":"x","status":"`+both+`"}`)},
			func(_ *pdf.Client, j *pdf.Job[pdf.FileResult]) error { _, err := j.Follow(ctx, nil); return err }, pdf.ErrJobRunning},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, job := echoing(t, tc.routes)
			err := tc.call(c, job)
			if !errors.Is(err, tc.want) {
				t.Fatalf("%v, want %v", err, tc.want)
			}
			if l := leaks(err); len(l) > 0 {
				t.Errorf("the error shows %v:\n%v", l, err)
			}
			var je *pdf.JobError
			if errors.As(err, &je) && (strings.Contains(je.Type+je.Title+je.JobID, echoToken) || strings.Contains(je.Type+je.Title+je.JobID, echoSecret)) {
				t.Errorf("the JobError's fields show a credential: %+v", *je)
			}
		})
	}

	// The job's status read once: its unknown status is kept, redacted.
	c, job := echoing(t, map[string]http.HandlerFunc{"GET " + statusPath: stuck})
	st, err := job.Status(ctx)
	if err != nil || strings.Contains(st.Status, echoToken) || strings.Contains(st.Status, echoSecret) {
		t.Errorf("Status: %+v, %v", st, err)
	}
	_ = c
}

// TestAJobPrintsNoCredentials: a job whose ID and Location a hostile
// server chose to echo the credentials in prints neither under any fmt
// verb, slog or encoding/json, and its Location field holds them redacted;
// its ID still reaches the API unchanged, so the job stays usable.
func TestAJobPrintsNoCredentials(t *testing.T) {
	id := "job-" + echoToken + "-" + echoSecret
	c, _ := echoing(t, map[string]http.HandlerFunc{
		"POST /transformations": withHeader("Location", "/jobs/"+id+"/status?echo="+echoToken+"&"+echoSecret,
			answering(http.StatusAccepted, "application/json", `{"jobID":"`+id+`","status":"running"}`)),
		"GET " + statusPath: answering(http.StatusOK, "application/json", `{"jobID":"x","status":"running","progress":0.5}`),
	})
	ctx := context.Background()
	job, err := c.Compress(textPDF("a.pdf", "a"), pdf.PDFCompressParams{}).Async(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
		fmt.Fprintf(&out, verb+"\n", job)
		fmt.Fprintf(&out, verb+"\n", *job)
	}
	slog.New(slog.NewJSONHandler(&out, nil)).Info("job", "job", job, "value", *job)
	b, err := json.Marshal(job)
	if err != nil {
		t.Fatal(err)
	}
	out.Write(b)
	out.WriteString(job.Location)
	if s := out.String(); strings.Contains(s, echoToken) || strings.Contains(s, echoSecret) {
		t.Errorf("the job's printed forms show a credential:\n%s", s)
	}
	if job.ID != id {
		t.Errorf("the job's ID is %q, want the API's %q", job.ID, id)
	}
	if st, err := job.Status(ctx); err != nil || st.Status != "running" {
		t.Errorf("Status: %+v, %v", st, err)
	}
}
