package nitrotest

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/nitrokit/nitro/gen/pdfapi"
	"github.com/nitrokit/nitro/internal/wire"
)

// Delivery: a request's optional delivery part sends the result to the
// caller's URLs instead of the fake's: uploadResultTo gets the one file,
// uploadResultsTo[i] the i-th of several, each with its verb (default PUT),
// headers and the file's Content-Type (an extraction's JSON result is
// uploaded as result.json). A synchronous request uploads before it answers
// (then the result's URLs are empty; a failed upload answers 422) and makes
// no callback: there is no job to call back about. An asynchronous job uploads when it completes on the Server's clock
// (its result's URLs are empty; a failed upload fails the job), and then,
// whatever its end (completed, failed, canceled), POSTs a JobCallback
// {jobID, location: its status URL} with the callback's headers. (The
// overlay says Nitro calls back when the job starts; the fake calls back
// when there is something to fetch, which is what a test waits for.) Every
// URL must be on loopback (400 otherwise): the fake calls only its test's
// own servers.

func hasUploads(d pdfapi.Delivery) bool {
	return d.UploadResultTo.URL != "" || len(d.UploadResultsTo) > 0
}

// deliveryLoop is how often the delivery loop looks at the Server's clock
// for jobs that completed.
const deliveryLoop = 5 * time.Millisecond

// startDeliveries starts, once, the loop that delivers the results of jobs
// with a delivery part as they end. It stops with the Server.
func (s *Server) startDeliveries() {
	s.pdf.loop.Do(func() {
		s.pdf.mu.Lock()
		defer s.pdf.mu.Unlock()
		if s.pdf.closed {
			return
		}
		s.pdf.wg.Add(1)
		go func() {
			defer s.pdf.wg.Done()
			tick := time.NewTicker(deliveryLoop)
			defer tick.Stop()
			for {
				s.settleJobs()
				select {
				case <-tick.C:
				case <-s.pdf.wake:
				case <-s.pdf.ctx.Done():
					return
				}
			}
		}()
	})
}

// settleJobs starts the delivery of every job with a delivery part that
// ended since the last look.
func (s *Server) settleJobs() {
	s.pdf.mu.Lock()
	defer s.pdf.mu.Unlock()
	for _, j := range s.pdf.jobs {
		if j.settled || j.delivery == nil {
			continue
		}
		status, _ := s.view(j)
		if status == jobRunning {
			continue
		}
		j.settled = true
		if status == jobExpired || s.pdf.closed {
			continue
		}
		s.pdf.wg.Add(1)
		go func() {
			defer s.pdf.wg.Done()
			s.deliver(j, status)
		}()
	}
}

// deliver uploads a completed job's output, then calls back.
func (s *Server) deliver(j *pdfJob, status string) {
	ctx := s.pdf.ctx
	d := *j.delivery
	if status == jobCompleted && hasUploads(d) {
		if err := s.upload(ctx, d, j.out()); err != nil {
			if ctx.Err() != nil {
				return
			}
			_ = s.changeJob(j.id, func(j *pdfJob) error {
				j.forced, j.forcedAt = jobFailed, s.now()
				j.err = pdfapi.JobError{Type: pdfapi.JobErrorTypeConversionFailed, Title: "Delivery failed: " + err.Error()}
				return nil
			})
		}
	}
	if d.Callback.URL == "" {
		return
	}
	body := mustJSON(pdfapi.JobCallback{JobID: j.id, Location: s.URL() + "/jobs/" + j.id + "/status"})
	call := pdfapi.HTTPCall{URL: d.Callback.URL, Headers: d.Callback.Headers, Verb: pdfapi.HTTPCallVerbPOST}
	_ = send(ctx, call, "application/json", int64(len(body)), strings.NewReader(string(body)))
}

// upload sends each file of out to its HTTPCall.
func (s *Server) upload(ctx context.Context, d pdfapi.Delivery, out pdfOutput) error {
	files := out.files
	if files == nil {
		b := mustJSON(out.json)
		files = []pdfFile{bytesFile("result.json", "application/json", 0, b)}
	}
	calls := d.UploadResultsTo
	if d.UploadResultTo.URL != "" {
		calls = append([]pdfapi.HTTPCall{d.UploadResultTo}, calls...)
	}
	if len(calls) < len(files) {
		return fmt.Errorf("%d files and %d upload URLs", len(files), len(calls))
	}
	for i, f := range files {
		if err := send(ctx, calls[i], f.contentType, f.size, f.open()); err != nil {
			return err
		}
	}
	return nil
}

// deliveryClient makes every call the fake makes to a caller's URL
// (uploads, callbacks, RemoteFile fetches). It dials loopback addresses
// only, whatever a URL's name resolves to, and follows no redirect: the
// fake runs in users' tests, and a URL must not lead it, or the headers a
// test configured, anywhere else. Its short timeout only stops a test
// server that hangs.
var deliveryClient = &http.Client{
	Timeout:       30 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			host, _, err := net.SplitHostPort(addr)
			if err != nil {
				return nil, err
			}
			ips, err := net.DefaultResolver.LookupIPAddr(ctx, host)
			if err != nil {
				return nil, err
			}
			for _, ip := range ips {
				if !ip.IP.IsLoopback() {
					return nil, fmt.Errorf("nitrotest: %s is not a loopback address", host)
				}
			}
			var d net.Dialer
			return d.DialContext(ctx, network, addr)
		},
	},
}

// send makes one call and wants a 2xx answer.
func send(ctx context.Context, c pdfapi.HTTPCall, contentType string, size int64, body io.Reader) error {
	if err := loopbackURL(c.URL); err != nil {
		return err
	}
	verb := string(c.Verb)
	if verb == "" {
		verb = http.MethodPut
	}
	req, err := http.NewRequestWithContext(ctx, verb, c.URL, body)
	if err != nil {
		return err
	}
	req.ContentLength = size
	req.Header.Set("Content-Type", contentType)
	for _, h := range c.Headers {
		req.Header.Set(h.Name, h.Value)
	}
	resp, err := deliveryClient.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %s", verb, wire.URLWithoutQuery(c.URL), resp.Status)
	}
	return nil
}
