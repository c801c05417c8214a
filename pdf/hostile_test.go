package pdf_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/pdf"
)

// hostile is a client on a server that answers the token, and every tool
// call with answer: a server that does not keep the contract.
func hostile(t *testing.T, answer http.HandlerFunc) *pdf.Client {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth/token", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"access_token":"tok","token_type":"Bearer","expires_in":3600}`))
	})
	mux.HandleFunc("/", answer)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	nc, err := nitro.NewClient(nitro.Config{ClientID: "id", ClientSecret: "secret", BaseURL: srv.URL, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	return pdf.New(nc)
}

func answering(status int, contentType, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}
}

// TestSynchronousAnswersThatAreNotResults: a 202 (the API went async), a
// login page, a problem with 200: none reads as a result, and nothing of
// them reaches the caller's writer.
func TestSynchronousAnswersThatAreNotResults(t *testing.T) {
	ctx := context.Background()
	for name, h := range map[string]http.HandlerFunc{
		"async":   answering(http.StatusAccepted, "application/json", `{"jobID":"job-1","status":"running"}`),
		"html":    answering(http.StatusOK, "text/html", `<html>login page</html>`),
		"problem": answering(http.StatusOK, "application/problem+json", `{"title":"no"}`),
	} {
		c := hostile(t, h)
		if _, err := c.ExtractTables(textPDF("a.pdf", "x"), pdf.ExtractTablesParams{}).JSON(ctx); !errors.Is(err, pdf.ErrUnexpectedAnswer) {
			t.Errorf("%s, JSON: %v, want ErrUnexpectedAnswer", name, err)
		}
		var out bytes.Buffer
		if n, err := c.Compress(textPDF("a.pdf", "x"), pdf.PDFCompressParams{}).Stream(ctx, &out); !errors.Is(err, pdf.ErrUnexpectedAnswer) || n != 0 || out.Len() != 0 {
			t.Errorf("%s, Stream: %d bytes %q, %v; want nothing and ErrUnexpectedAnswer", name, n, out.String(), err)
		}
	}
}

// TestDownloadOfALargeState: a failed job's state larger than any peek is
// still its state, never the caller's file.
func TestDownloadOfALargeState(t *testing.T) {
	long := strings.Repeat("x", 8<<10)
	failed := `{"jobID":"job-1","status":"failed","error":{"type":"ConversionFailed","title":"` + long + `"}}`
	var out bytes.Buffer
	dl := hostileJob(t, answering(http.StatusOK, "application/json", failed))
	n, err := dl.Download(context.Background(), &out)
	var je *pdf.JobError
	if !errors.As(err, &je) || n != 0 || out.Len() != 0 {
		t.Errorf("a large failed state: %d bytes, %v; want nothing and a *JobError", n, err)
	}
}

// TestDownloadOfAPageIsNotTheFile: a job's result answered 200 with a
// page or a problem (a gateway's login page, say) is ErrUnexpectedAnswer,
// as it is for Stream, and none of it reaches the caller's file.
func TestDownloadOfAPageIsNotTheFile(t *testing.T) {
	for name, h := range map[string]http.HandlerFunc{
		"html":    answering(http.StatusOK, "text/html; charset=utf-8", `<html>login page</html>`),
		"problem": answering(http.StatusOK, "application/problem+json", `{"title":"no"}`),
	} {
		var out bytes.Buffer
		n, err := hostileJob(t, h).Download(context.Background(), &out)
		if !errors.Is(err, pdf.ErrUnexpectedAnswer) || n != 0 || out.Len() != 0 {
			t.Errorf("%s: %d bytes %q, %v; want nothing and ErrUnexpectedAnswer", name, n, out.String(), err)
		}
	}
}

// hostileJob is a job whose result endpoint answers result.
func hostileJob(t *testing.T, result http.HandlerFunc) *pdf.Job[pdf.FileResult] {
	t.Helper()
	c := hostile(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			w.Header().Set("Location", "/jobs/job-1/status")
			answering(http.StatusAccepted, "application/json", `{"jobID":"job-1","status":"running"}`)(w, r)
			return
		}
		result(w, r)
	})
	job, err := c.Compress(textPDF("in.pdf", "x"), pdf.PDFCompressParams{}).Async(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return job
}

// TestFollowReturnsOnTheLastEvent: a stream the server keeps open after
// the job's final event does not hold Follow.
func TestFollowReturnsOnTheLastEvent(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	job := hostileJob(t, func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/status") {
			w.Header().Set("Content-Type", "text/event-stream")
			_, _ = w.Write([]byte("event: status-update\ndata: {\"jobID\":\"job-1\",\"status\":\"completed\"}\n\n"))
			w.(http.Flusher).Flush()
			select { // keep the stream open, as a server may
			case <-release:
			case <-r.Context().Done():
			}
			return
		}
		answering(http.StatusOK, "application/json", `{"jobID":"job-1","status":"completed","result":{"file":{"URL":"https://files.example/1.pdf","contentType":"application/pdf"}}}`)(w, r)
	})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // a bound, not a wait: Follow returns at once
	defer cancel()
	if _, err := job.Follow(ctx, nil); err != nil {
		t.Errorf("Follow after the final event: %v", err)
	}
}

// TestFollowClampsTheRetryDelay: a server asking for a 1 ms retry after
// every event gets 250 ms: no storm of connections.
func TestFollowClampsTheRetryDelay(t *testing.T) {
	var conns connections
	_, job, slept := wireJob(t, func(w http.ResponseWriter, r *http.Request) {
		if conns.next() == 1 {
			sse(w, "retry: 1\n\nevent: progress-update\ndata: {\"status\":\"running\",\"progress\":0.5}\n\n")
			return
		}
		sse(w, "event: status-update\ndata: {\"status\":\"completed\"}\n\n")
	})
	if _, err := job.Follow(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if got := slept(); len(got) != 1 || got[0] != 250*time.Millisecond {
		t.Errorf("slept %v, want one 250ms delay", got)
	}
}

// TestDeliveryPrintsNoCredentials: an upload's and a callback's header
// values and a pre-signed URL's query never show in a printed form.
func TestDeliveryPrintsNoCredentials(t *testing.T) {
	d := pdf.Delivery{
		UploadResultTo: &pdf.Upload{URL: "https://bucket.example/out.pdf?X-Amz-Signature=sig-secret", Header: http.Header{"Authorization": {"Bearer upload-secret"}}},
		Callback:       &pdf.Callback{URL: "https://app.example/cb", Header: http.Header{"X-Callback-Secret": {"cb-secret"}}},
	}
	var out strings.Builder
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		fmt.Fprintf(&out, verb+"\n", d)
		fmt.Fprintf(&out, verb+"\n", *d.UploadResultTo)
		fmt.Fprintf(&out, verb+"\n", d.Callback)
	}
	slog.New(slog.NewJSONHandler(&out, nil)).Info("delivery", "d", d)
	if s := out.String(); strings.Contains(s, "secret") || !strings.Contains(s, "X-Callback-Secret") {
		t.Errorf("printed forms:\n%s", s)
	}
	if f := pdf.RemoteFile("https://bucket.example/in.pdf?X-Amz-Signature=sig-secret", "application/pdf"); strings.Contains(f.Name, "secret") {
		t.Errorf("a RemoteFile's part name %q shows the URL's query", f.Name)
	}
}

// TestARequestIsSentOnce: a second send of a Request, whichever modes and
// on whichever copy, is ErrRequestSent, even when nothing could tell its
// file was read (no Size): it is never sent with an empty file.
func TestARequestIsSentOnce(t *testing.T) {
	srv, _, c := onFake(t)
	ctx := context.Background()
	unsized := func() pdf.File {
		f := textPDF("a.pdf", "hello")
		f.Size = 0
		return f
	}
	for name, second := range map[string]func(pdf.Request[pdf.PlatformResponseText]) error{
		"JSON twice":       func(r pdf.Request[pdf.PlatformResponseText]) error { _, err := r.JSON(ctx); return err },
		"JSON then Stream": func(r pdf.Request[pdf.PlatformResponseText]) error { _, err := r.Stream(ctx, io.Discard); return err },
		"JSON then Async":  func(r pdf.Request[pdf.PlatformResponseText]) error { _, err := r.Async(ctx); return err },
		"a copy with a delivery": func(r pdf.Request[pdf.PlatformResponseText]) error {
			_, err := r.WithDelivery(pdf.Delivery{}).JSON(ctx)
			return err
		},
	} {
		t.Run(name, func(t *testing.T) {
			before := srv.Stats().Operations["ExtractFromDocument"]
			req := c.ExtractText(unsized(), pdf.ExtractTextParams{})
			if res, err := req.JSON(ctx); err != nil || res.Result != "hello" {
				t.Fatalf("the first send: %+v, %v", res, err)
			}
			if err := second(req); !errors.Is(err, pdf.ErrRequestSent) {
				t.Errorf("a second send: %v; want ErrRequestSent", err)
			}
			if n := srv.Stats().Operations["ExtractFromDocument"] - before; n != 1 {
				t.Errorf("%d requests reached the fake, want 1", n)
			}
		})
	}
}

// TestANilWriterIsRefused: Stream, Download and FollowDownload given a nil
// io.Writer (or a typed nil) answer ErrNilWriter before sending anything,
// instead of panicking in io.Copy once the bytes arrive; the Request is
// still unsent.
func TestANilWriterIsRefused(t *testing.T) {
	srv, _, c := onFake(t)
	ctx := context.Background()
	job, err := c.Compress(textPDF("a.pdf", "a"), pdf.PDFCompressParams{}).Async(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := job.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	before := srv.Stats()
	req := c.Compress(textPDF("a.pdf", "a"), pdf.PDFCompressParams{})
	for _, w := range []io.Writer{nil, (*bytes.Buffer)(nil)} {
		calls := map[string]func() error{
			"Stream":         func() error { _, err := req.Stream(ctx, w); return err },
			"Download":       func() error { _, err := job.Download(ctx, w); return err },
			"FollowDownload": func() error { _, err := job.FollowDownload(ctx, w, nil); return err },
		}
		for name, call := range calls {
			if err := call(); !errors.Is(err, pdf.ErrNilWriter) {
				t.Errorf("%s to a %T: %v, want ErrNilWriter", name, w, err)
			}
		}
	}
	if after := srv.Stats(); !maps.Equal(after.Operations, before.Operations) {
		t.Errorf("requests were sent: %v, then %v", before.Operations, after.Operations)
	}
	if _, err := req.Stream(ctx, io.Discard); err != nil {
		t.Errorf("the Request after the refusals: %v", err)
	}
}
