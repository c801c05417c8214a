package pdf_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/internal/testkit/flowtest"
	"github.com/nitrokit/nitro/nitrotest"
	"github.com/nitrokit/nitro/pdf"
)

// startText starts an ExtractText job on the fake for a PDF showing text.
func startText(t *testing.T, c *pdf.Client, text string) *pdf.Job[pdf.PlatformResponseText] {
	t.Helper()
	job, err := c.ExtractText(textPDF("in.pdf", text), pdf.ExtractTextParams{}).Async(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if job.ID == "" || !strings.HasSuffix(job.Location, "/jobs/"+job.ID+"/status") {
		t.Fatalf("job %q at %q", job.ID, job.Location)
	}
	return job
}

// TestWaitPollsWithBackoff: Wait polls a running job's status, sleeping
// the jittered backoff between reads (through the seam: no real sleep),
// until the fake completes it (its hook, at the third wait), and returns
// the result.
func TestWaitPollsWithBackoff(t *testing.T) {
	srv, _, c := onFake(t, nitrotest.WithJobDuration(-1))
	job := startText(t, c, "polled")
	var slept []time.Duration
	pdf.SetSleep(c, func(ctx context.Context, d time.Duration) error {
		if slept = append(slept, d); len(slept) == 3 {
			if err := srv.CompleteJob(job.ID); err != nil {
				t.Error(err)
			}
		}
		return ctx.Err()
	})
	res, err := job.Wait(context.Background())
	if err != nil || res.Result != "polled" {
		t.Fatalf("%+v, %v", res, err)
	}
	if len(slept) != 3 {
		t.Fatalf("slept %v, want 3 waits", slept)
	}
	for i, d := range slept {
		lo, hi := (250*time.Millisecond<<i)/2, 250*time.Millisecond<<i
		if d < lo || d > hi {
			t.Fatalf("wait %d is %v, want within [%v, %v]", i+1, d, lo, hi)
		}
	}
	if n := srv.Stats().Operations["GetJobStatus"]; n != 4 {
		t.Fatalf("%d status reads, want 4", n)
	}
}

// TestWaitEndsWithContext: a canceled ctx ends Wait with ctx's error,
// saying where the job stood.
func TestWaitEndsWithContext(t *testing.T) {
	_, _, c := onFake(t, nitrotest.WithJobDuration(-1))
	job := startText(t, c, "x")
	ctx, cancel := context.WithCancel(context.Background())
	pdf.SetSleep(c, func(context.Context, time.Duration) error { cancel(); return context.Canceled })
	_, err := job.Wait(ctx)
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), job.ID) || !strings.Contains(err.Error(), "running") {
		t.Fatalf("err %v", err)
	}
}

// TestFollowToCompletion follows a job's status stream on the fake's own
// clock until it completes: the progress grows, ends with 1, and the
// result is the text of the input. The job lasts a second, so that even on
// a machine at load 10 it is still running at the first read: a job the
// fake holds would grow no progress to follow, and the fake's clock seam is
// not exported.
func TestFollowToCompletion(t *testing.T) {
	srv, _, c := onFake(t, nitrotest.WithJobDuration(time.Second))
	job := startText(t, c, "followed")
	st, err := job.Status(context.Background())
	if err != nil || st.Done() || st.Progress < 0 || st.Progress >= 1 {
		t.Fatalf("status %+v, %v", st, err)
	}
	var got []float64
	res, err := job.Follow(context.Background(), func(p float64) { got = append(got, p) })
	if err != nil || res.Result != "followed" {
		t.Fatalf("%+v, %v", res, err)
	}
	if len(got) < 2 || got[len(got)-1] != 1 {
		t.Fatalf("progress %v, want several values ending with 1", got)
	}
	for i := 1; i < len(got); i++ {
		if got[i] < got[i-1] || got[i] > 1 {
			t.Fatalf("progress %v does not grow to 1", got)
		}
	}
	if n := srv.Stats().Operations["GetJobStatus"]; n != 2 {
		t.Fatalf("%d status requests, want 2 (one read, one stream)", n)
	}
	if st, err := job.Status(context.Background()); err != nil || !st.Done() || st.Status != "completed" {
		t.Fatalf("status %+v, %v", st, err)
	}
}

// TestJobOutcomes: a job the fake fails, cancels or expires (by its hooks,
// while the client watches it run) is a typed error, whether waited for,
// followed, or its result or bytes fetched.
func TestJobOutcomes(t *testing.T) {
	hooks := map[string]func(*nitrotest.Server, string) error{
		"failed":   func(s *nitrotest.Server, id string) error { return s.FailJob(id, "the PDF is damaged") },
		"canceled": (*nitrotest.Server).CancelJob,
		"expired":  (*nitrotest.Server).ExpireJob,
	}
	for _, how := range []string{"wait", "follow", "result", "download", "status"} {
		for outcome, hook := range hooks {
			if how == "status" && outcome != "expired" {
				continue // a status read of a failed or canceled job is no error
			}
			t.Run(how+"/"+outcome, func(t *testing.T) {
				// The job runs until the hook ends it: when the client has
				// read its status (polled) or opened its stream (followed).
				srv, _, c, streams := onFakeStreams(t, nitrotest.WithJobDuration(-1))
				job := startText(t, c, "x")
				var once sync.Once
				end := func() {
					once.Do(func() {
						if err := hook(srv, job.ID); err != nil {
							t.Error(err)
						}
					})
				}
				pdf.SetSleep(c, func(ctx context.Context, _ time.Duration) error { end(); return ctx.Err() })
				ctx := context.Background()
				var err error
				switch how {
				case "wait":
					_, err = job.Wait(ctx)
				case "follow":
					streams.set(func(string) { end() })
					_, err = job.Follow(ctx, nil)
				case "result":
					end()
					_, err = job.Result(ctx)
				case "download":
					end()
					_, err = job.Download(ctx, new(strings.Builder))
				default:
					end()
					_, err = job.Status(ctx)
				}
				var apiErr *nitro.APIError
				var jobErr *pdf.JobError
				switch {
				case how == "download" && outcome == "canceled":
					// A failed or canceled job has no bytes: the fake answers
					// its JSON status (200, application/json), which Download
					// must not pass off as them.
					if !errors.Is(err, pdf.ErrJobCanceled) {
						t.Fatalf("download of a canceled job: %v", err)
					}
				case outcome == "failed":
					if !errors.Is(err, pdf.ErrJobFailed) || !errors.As(err, &jobErr) || jobErr.Type != "ConversionFailed" || jobErr.Title != "the PDF is damaged" || jobErr.JobID != job.ID {
						t.Fatalf("err %v (%+v)", err, jobErr)
					}
				case outcome == "canceled":
					if !errors.Is(err, pdf.ErrJobCanceled) || errors.Is(err, pdf.ErrJobFailed) {
						t.Fatalf("err %v", err)
					}
				default:
					if !errors.Is(err, pdf.ErrJobExpired) || !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusGone {
						t.Fatalf("err %v", err)
					}
				}
			})
		}
	}
}

// TestJobExpiresOnTheFakesClock: a job past WithJobExpiry is gone (410).
func TestJobExpiresOnTheFakesClock(t *testing.T) {
	srv, _, c := onFake(t, nitrotest.WithJobDuration(-1), nitrotest.WithJobExpiry(-time.Second))
	job := startText(t, c, "x")
	if err := srv.CompleteJob(job.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := job.Wait(context.Background()); !errors.Is(err, pdf.ErrJobExpired) {
		t.Fatalf("err %v", err)
	}
}

// TestResultOfARunningJob: the result of a job still running is an error,
// never a zero result.
func TestResultOfARunningJob(t *testing.T) {
	_, _, c := onFake(t, nitrotest.WithJobDuration(-1))
	res, err := startText(t, c, "x").Result(context.Background())
	if !errors.Is(err, pdf.ErrJobRunning) {
		t.Fatalf("%+v, err %v, want ErrJobRunning", res, err)
	}
}

// TestDownloadOfARunningJob: a job still running has no bytes to
// download. The fake answers 202 with its JSON status.
func TestDownloadOfARunningJob(t *testing.T) {
	_, _, c := onFake(t, nitrotest.WithJobDuration(-1))
	var b strings.Builder
	if n, err := startText(t, c, "x").Download(context.Background(), &b); !errors.Is(err, pdf.ErrJobRunning) || n != 0 || b.Len() != 0 {
		t.Errorf("download of a running job: %d bytes (%q), %v; want nothing and ErrJobRunning", n, b.String(), err)
	}
}

// TestStatusReadsAreRetried: a status read (a GET) the fake answers 503
// once is retried by the stack, and Wait goes on.
func TestStatusReadsAreRetried(t *testing.T) {
	srv, _, c := onFake(t, nitrotest.WithJobDuration(-1))
	job := startText(t, c, "retried")
	flowtest.Must(t, srv.InjectFault(nitrotest.Operation("GetJobStatus"), 1, nitrotest.Fault{Status: http.StatusServiceUnavailable, RetryAfter: "0"}))
	pdf.SetSleep(c, func(ctx context.Context, _ time.Duration) error { _ = srv.CompleteJob(job.ID); return ctx.Err() })
	res, err := job.Wait(context.Background())
	if err != nil || res.Result != "retried" {
		t.Fatalf("%+v, %v", res, err)
	}
	if n := srv.Stats().Operations["GetJobStatus"]; n < 3 {
		t.Fatalf("%d status reads, want the 503, its retry and a read after the job completed", n)
	}
}

// TestDeliveryAndCallback: a job with a delivery block uploads its result
// to a server of the test's own (PUT, with the headers asked for) when it
// completes, and calls back through pdf.CallbackHandler; the job's result
// then has no URL of the fake's.
func TestDeliveryAndCallback(t *testing.T) {
	srv, _, c := onFake(t, nitrotest.WithJobDuration(-1))
	type upload struct {
		method, acl, ct string
		body            []byte
	}
	uploads := make(chan upload, 1)
	bucket := newLoopback(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b strings.Builder
		_, _ = ioCopy(&b, r.Body)
		uploads <- upload{r.Method, r.Header.Get("X-Amz-Acl"), r.Header.Get("Content-Type"), []byte(b.String())}
	}))
	callbacks := make(chan pdf.JobCallback, 1)
	h, err := pdf.CallbackHandler("X-Callback-Secret", "s3cr3t", func(cb pdf.JobCallback) { callbacks <- cb })
	if err != nil {
		t.Fatal(err)
	}
	me := newLoopback(t, h)
	d := pdf.Delivery{
		UploadResultTo: &pdf.Upload{URL: bucket + "/out.pdf?sig=1", Header: http.Header{"X-Amz-Acl": {"private"}}},
		Callback:       &pdf.Callback{URL: me + "/nitro/callback", Header: http.Header{"X-Callback-Secret": {"s3cr3t"}}},
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	job, err := c.Compress(textPDF("in.pdf", "delivered"), pdf.PDFCompressParams{}).WithDelivery(d).Async(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.CompleteJob(job.ID); err != nil {
		t.Fatal(err)
	}
	select {
	case u := <-uploads:
		if u.method != http.MethodPut || u.acl != "private" || u.ct != "application/pdf" || !strings.HasPrefix(string(u.body), "%PDF-") || !strings.Contains(string(u.body), "(delivered)") {
			t.Fatalf("upload %s acl=%q %s %.40q", u.method, u.acl, u.ct, u.body)
		}
	case <-ctx.Done():
		t.Fatal("no upload")
	}
	select {
	case cb := <-callbacks:
		if cb.JobID != job.ID || !strings.HasSuffix(cb.Location, "/jobs/"+job.ID+"/status") {
			t.Fatalf("callback %+v for job %s", cb, job.ID)
		}
	case <-ctx.Done():
		t.Fatal("no callback")
	}
	res, err := job.Follow(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if files, err := pdf.ResultFiles(res); err != nil || len(files) != 1 || files[0].URL != "" || files[0].ContentType != "application/pdf" {
		t.Fatalf("files %+v, %v", files, err)
	}
}

// TestOneTokenForSignAndPDF: one nitro.Client calls Sign and PDF Services
// with one token.
func TestOneTokenForSignAndPDF(t *testing.T) {
	srv, nc, c := onFake(t, nitrotest.WithJobDuration(-1))
	ctx := context.Background()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL()+"/sign/envelopes", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := nc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("Sign: %s", resp.Status)
	}
	if res, err := c.ExtractText(textPDF("a.pdf", "one token"), pdf.ExtractTextParams{}).JSON(ctx); err != nil || res.Result != "one token" {
		t.Fatalf("%+v, %v", res, err)
	}
	job := startText(t, c, "x")
	if err := srv.CompleteJob(job.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := job.Follow(ctx, nil); err != nil {
		t.Fatal(err)
	}
	st := srv.Stats()
	if st.TokenRequests != 1 || st.Operations["ListEnvelopes"] != 1 || st.Operations["ExtractFromDocument"] != 2 {
		t.Fatalf("stats %+v", st)
	}
}

// TestConcurrentCalls: one Client, many calls at once, every mode, on the
// fake (its jobs run 20ms on its clock).
func TestConcurrentCalls(t *testing.T) {
	_, _, c := onFake(t, nitrotest.WithJobDuration(20*time.Millisecond))
	ctx := context.Background()
	errs := make(chan error, 24)
	for i := range 24 {
		go func() {
			var err error
			switch i % 3 {
			case 0:
				var res pdf.PlatformResponseText
				if res, err = c.ExtractText(textPDF("a.pdf", "concurrent"), pdf.ExtractTextParams{}).JSON(ctx); err == nil && res.Result != "concurrent" {
					err = errors.New("wrong text: " + res.Result)
				}
			case 1:
				var b strings.Builder
				if _, err = c.Flatten(textPDF("a.pdf", "x"), pdf.EmptyParams{}).Stream(ctx, &b); err == nil && !strings.HasPrefix(b.String(), "%PDF-") {
					err = errors.New("not a PDF")
				}
			default:
				var job *pdf.Job[pdf.FileResult]
				if job, err = c.Flatten(textPDF("a.pdf", "x"), pdf.EmptyParams{}).Async(ctx); err == nil {
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

// TestFollowDownloadFetchesOnce: following a job to its bytes is the
// stream and one request for them (Nitro's MCP server's way), where Follow
// then Download fetch the result twice, JSON then bytes.
func TestFollowDownloadFetchesOnce(t *testing.T) {
	srv, _, c := onFake(t, nitrotest.WithJobDuration(10*time.Millisecond))
	ctx := context.Background()
	job, err := c.Flatten(textPDF("in.pdf", "once"), pdf.EmptyParams{}).Async(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	n, err := job.FollowDownload(ctx, &b, nil)
	if err != nil || n == 0 || !strings.HasPrefix(b.String(), "%PDF-") || !strings.Contains(b.String(), "once") {
		t.Fatalf("%d bytes %.30q, %v", n, b.String(), err)
	}
	ops := srv.Stats().Operations
	if ops["GetJobResult"] != 1 || ops["GetJobStatus"] != 1 {
		t.Errorf("FollowDownload made %d result and %d status requests, want 1 and 1 (the stream)", ops["GetJobResult"], ops["GetJobStatus"])
	}
}
