package pdf_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/pdf"
)

func startJob(t *testing.T, c *pdf.Client) *pdf.Job[pdf.FileResult] {
	t.Helper()
	job, err := c.Compress(pdfFile("in.pdf"), nil).Async(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if job.ID == "" || job.Location != "/jobs/"+job.ID+"/status" {
		t.Fatalf("job %q at %q", job.ID, job.Location)
	}
	return job
}

// TestWaitPollsWithBackoff: Wait polls the status until the job is done,
// sleeping the jittered backoff between reads (through the seam: no real
// sleep), and returns the result.
func TestWaitPollsWithBackoff(t *testing.T) {
	f := newFake(t)
	f.set(func(f *fake) { f.steps = 4 })
	c, slept := f.client()
	res, err := startJob(t, c).Wait(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	files, err := pdf.ResultFiles(res)
	if err != nil || len(files) != 1 || !strings.HasSuffix(files[0].URL, "/compress.") {
		t.Fatalf("files %+v, %v", files, err)
	}
	if len(*slept) != 3 {
		t.Fatalf("slept %v, want 3 waits for 4 status reads", *slept)
	}
	for i, d := range *slept {
		lo, hi := (250*time.Millisecond<<i)/2, 250*time.Millisecond<<i
		if d < lo || d > hi {
			t.Fatalf("wait %d is %v, want within [%v, %v]", i+1, d, lo, hi)
		}
	}
}

// TestWaitEndsWithContext: a canceled ctx ends Wait with ctx's error,
// saying where the job stood.
func TestWaitEndsWithContext(t *testing.T) {
	f := newFake(t)
	f.set(func(f *fake) { f.steps = 1000 })
	c, _ := f.client()
	job := startJob(t, c)
	ctx, cancel := context.WithCancel(context.Background())
	pdf.SetSleep(c, func(context.Context, time.Duration) error { cancel(); return context.Canceled })
	_, err := job.Wait(ctx)
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), job.ID) {
		t.Fatalf("err %v", err)
	}
}

// TestJobOutcomes: failed, canceled and expired jobs are typed errors,
// whether waited for or followed.
func TestJobOutcomes(t *testing.T) {
	for _, how := range []string{"wait", "follow", "result"} {
		for _, outcome := range []string{"failed", "canceled", "expired"} {
			t.Run(how+"/"+outcome, func(t *testing.T) {
				f := newFake(t)
				f.set(func(f *fake) {
					f.outcome, f.steps = outcome, 1
					if how == "result" {
						f.steps = 0
					}
				})
				c, _ := f.client()
				job := startJob(t, c)
				var err error
				switch how {
				case "wait":
					_, err = job.Wait(context.Background())
				case "follow":
					_, err = job.Follow(context.Background(), nil)
				default:
					_, err = job.Result(context.Background())
				}
				var apiErr *nitro.APIError
				var jobErr *pdf.JobError
				switch outcome {
				case "failed":
					if !errors.Is(err, pdf.ErrJobFailed) || !errors.As(err, &jobErr) || jobErr.Type != "PDFIsPasswordProtected" || jobErr.JobID != job.ID {
						t.Fatalf("err %v (%+v)", err, jobErr)
					}
				case "canceled":
					if !errors.Is(err, pdf.ErrJobCanceled) || errors.Is(err, pdf.ErrJobFailed) {
						t.Fatalf("err %v", err)
					}
				case "expired":
					if !errors.Is(err, pdf.ErrJobExpired) || !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusGone {
						t.Fatalf("err %v", err)
					}
				}
			})
		}
	}
	t.Run("download/expired", func(t *testing.T) {
		f := newFake(t)
		f.set(func(f *fake) { f.outcome, f.steps = "expired", 0 })
		c, _ := f.client()
		if _, err := startJob(t, c).Download(context.Background(), new(strings.Builder)); !errors.Is(err, pdf.ErrJobExpired) {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("result/running", func(t *testing.T) {
		f := newFake(t)
		c, _ := f.client()
		_, err := startJob(t, c).Result(context.Background())
		var apiErr *nitro.APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusConflict {
			t.Fatalf("err %v", err)
		}
	})
}

// TestFollowReportsProgress: the status stream's progress reaches the
// callback in order (multi-line data, a comment, a retry field and CRLF
// lines on the way), and the result follows the redirect.
func TestFollowReportsProgress(t *testing.T) {
	f := newFake(t)
	f.set(func(f *fake) { f.steps = 4 })
	c, slept := f.client()
	var got []float64
	res, err := startJob(t, c).Follow(context.Background(), func(p float64) { got = append(got, p) })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pdf.ResultFiles(res); err != nil {
		t.Fatal(err)
	}
	if want := []float64{0.25, 0.5, 0.75, 1}; !slices.Equal(got, want) {
		t.Fatalf("progress %v, want %v", got, want)
	}
	if len(*slept) != 0 {
		t.Fatalf("slept %v on an unbroken stream", *slept)
	}
}

// TestFollowReconnects: a stream that ends before the job does is reopened
// after the server's retry delay, with Last-Event-ID.
func TestFollowReconnects(t *testing.T) {
	f := newFake(t)
	f.set(func(f *fake) { f.steps, f.drop = 3, true })
	c, slept := f.client()
	var got []float64
	if _, err := startJob(t, c).Follow(context.Background(), func(p float64) { got = append(got, p) }); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(*slept, []time.Duration{1500 * time.Millisecond}) {
		t.Fatalf("slept %v, want one 1.5s reconnection delay", *slept)
	}
	if len(got) == 0 || got[len(got)-1] != 1 {
		t.Fatalf("progress %v", got)
	}
}

// TestFollowStreams: raw streams the SSE parser must read as the standard
// says.
func TestFollowStreams(t *testing.T) {
	for name, tc := range map[string]struct {
		stream string
		want   []float64
		err    string
	}{
		"bare CR line ends and a BOM": {
			stream: "\uFEFFdata: {\"event\":\"progress-update\",\"status\":\"running\",\"progress\":0.5}\r\rdata:{\"event\":\"redirect\",\"status\":\"completed\"}\r\r",
			want:   []float64{0.5, 1},
		},
		"comments, unknown fields, an empty event and the event name from the event field": {
			stream: ": hi\nfoo: bar\n\n\nevent: progress-update\ndata: {\"status\":\"running\",\ndata:\"progress\":0.25}\n\nevent: redirect\ndata: {\"status\":\"completed\"}\n\n",
			want:   []float64{0.25, 1},
		},
		"no blank line after the last event: it is dropped, the stream reopened": {
			stream: "data: {\"event\":\"progress-update\",\"status\":\"running\",\"progress\":0.1}\n\ndata: {\"event\":\"redirect\",\"status\":\"completed\"}",
			want:   []float64{0.1, 0.5, 1}, // the generated stream, on the second connection
		},
		"data that is not a JobEvent": {
			stream: "data: not json\n\n",
			err:    "not a JobEvent",
		},
		"an event too large": {
			stream: "data: " + strings.Repeat("x", 70<<10) + "\n\n",
			err:    "too large",
		},
	} {
		t.Run(name, func(t *testing.T) {
			f := newFake(t)
			f.set(func(f *fake) { f.stream = tc.stream })
			c, _ := f.client()
			var got []float64
			_, err := startJob(t, c).Follow(context.Background(), func(p float64) { got = append(got, p) })
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("progress %v, want %v", got, tc.want)
			}
		})
	}
}

// TestFollowGivesUp: a stream that keeps ending without an event is
// abandoned after 5 reconnections.
func TestFollowGivesUp(t *testing.T) {
	f := newFake(t)
	c, slept := f.client()
	job := startJob(t, c)
	f.set(func(f *fake) { f.steps = 1 << 30 })
	// every connection: a comment only
	f.srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		_, _ = w.Write([]byte(": nothing yet\n\n"))
	})
	if _, err := job.Follow(context.Background(), nil); err == nil || !strings.Contains(err.Error(), "without an event") {
		t.Fatalf("err %v", err)
	}
	if len(*slept) != 4 {
		t.Fatalf("slept %v", *slept)
	}
}

// TestStatusAndUnknownStates: Status reads the status once; Wait waits
// through a status it does not know (one the API may add) as running.
func TestStatusAndUnknownStates(t *testing.T) {
	f := newFake(t)
	f.set(func(f *fake) { f.steps = 3 })
	c, slept := f.client()
	job := startJob(t, c)
	st, err := job.Status(context.Background())
	if err != nil || st.Status != "running" || float32(st.Progress) != float32(1.0/3) || st.Done() {
		t.Fatalf("status %+v, %v", st, err)
	}
	f.set(func(f *fake) { f.jobs[job.ID].outcome = "queued-for-review" })
	// The fake reports the unknown outcome once the steps are done: Wait
	// must keep polling through it until ctx ends, never fetch a result.
	ctx, cancel := context.WithCancel(context.Background())
	pdf.SetSleep(c, func(ctx context.Context, d time.Duration) error {
		*slept = append(*slept, d)
		if len(*slept) == 5 {
			cancel()
		}
		return ctx.Err()
	})
	_, err = job.Wait(ctx)
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "queued-for-review") {
		t.Fatalf("err %v", err)
	}
}

// TestResultFiles reads one file, several, and none.
func TestResultFiles(t *testing.T) {
	f := newFake(t)
	c, _ := f.client()
	ctx := context.Background()
	one, err := c.Compress(pdfFile("a.pdf"), nil).JSON(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if files, err := pdf.ResultFiles(one); err != nil || len(files) != 1 || files[0].Metadata.PageCount != 1 || files[0].ContentType != "application/pdf" {
		t.Fatalf("%+v, %v", files, err)
	}
	many, err := c.Split(pdfFile("a.pdf"), pdf.SplitParams{}).JSON(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if files, err := pdf.ResultFiles(many); err != nil || len(files) != 2 || files[1].URL != "https://files.example/2.pdf" {
		t.Fatalf("%+v, %v", files, err)
	}
	var none pdf.FileResult
	if err := json.Unmarshal([]byte(`{"result":{}}`), &none); err != nil {
		t.Fatal(err)
	}
	if files, err := pdf.ResultFiles(none); err == nil {
		t.Fatalf("%+v from an empty result", files)
	}
}

// TestFollowEndsWithContext: ctx's end stops a stream that sends nothing
// more, with ctx's error.
func TestFollowEndsWithContext(t *testing.T) {
	f := newFake(t)
	c, _ := f.client()
	job := startJob(t, c)
	f.srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		_, _ = w.Write([]byte("data: {\"event\":\"progress-update\",\"status\":\"running\",\"progress\":0.5}\n\n"))
		w.(http.Flusher).Flush()
		<-r.Context().Done() // a job that never moves again
	})
	ctx, cancel := context.WithCancel(context.Background())
	_, err := job.Follow(ctx, func(float64) { cancel() })
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v", err)
	}
}

// TestConcurrentCalls: one Client, many calls at once, every mode.
func TestConcurrentCalls(t *testing.T) {
	f := newFake(t)
	c, _ := f.client()
	ctx := context.Background()
	errs := make(chan error, 24)
	for i := range 24 {
		go func() {
			var err error
			switch i % 3 {
			case 0:
				_, err = c.ExtractText(pdfFile("a.pdf"), pdf.ExtractTextParams{}).JSON(ctx)
			case 1:
				_, err = c.Rotate(pdfFile("a.pdf"), pdf.Rotation{}).Stream(ctx, new(strings.Builder))
			default:
				var job *pdf.Job[pdf.FileResult]
				if job, err = c.Flatten(pdfFile("a.pdf"), nil).Async(ctx); err == nil {
					_, err = job.Follow(ctx, nil)
				}
			}
			errs <- err
		}()
	}
	for range 24 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
