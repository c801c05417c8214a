package pdf_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/pdf"
)

// The tests here need wire behaviour nitrotest's fake does not produce
// (it streams well-formed events and never drops a stream mid-job): each
// serves a job's status its own way from a small loopback server, which
// answers the token, one job (job-1, started by any POST) and its result.

// wireJob serves status as GET /jobs/job-1/status and returns a client on
// it whose sleeps return at once (recorded), and the started job.
func wireJob(t *testing.T, status http.HandlerFunc) (*pdf.Client, *pdf.Job[pdf.FileResult], func() []time.Duration) {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth/token", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"access_token":"tok","token_type":"Bearer","expires_in":3600}`))
	})
	mux.HandleFunc("POST /transformations", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", "/jobs/job-1/status")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusAccepted)
		_, _ = w.Write([]byte(`{"jobID":"job-1","status":"running"}`))
	})
	mux.HandleFunc("GET /jobs/job-1/status", status)
	mux.HandleFunc("GET /jobs/job-1", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"jobID":"job-1","status":"completed","result":{"file":{"URL":"https://files.example/1.pdf","contentType":"application/pdf"}}}`))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	nc, err := nitro.NewClient(nitro.Config{ClientID: "id", ClientSecret: "secret", BaseURL: srv.URL, MaxRetries: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	c := pdf.New(nc)
	var mu sync.Mutex
	var slept []time.Duration
	pdf.SetSleep(c, func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		slept = append(slept, d)
		mu.Unlock()
		return ctx.Err()
	})
	job, err := c.Compress(textPDF("in.pdf", "x"), pdf.PDFCompressParams{}).Async(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return c, job, func() []time.Duration { mu.Lock(); defer mu.Unlock(); return slices.Clone(slept) }
}

// sse answers a status stream of raw text.
func sse(w http.ResponseWriter, raw string) {
	w.Header().Set("Content-Type", "text/event-stream")
	_, _ = w.Write([]byte(raw))
}

// connections counts the status stream's connections, from 1.
type connections struct {
	mu sync.Mutex
	n  int
}

func (c *connections) next() int { c.mu.Lock(); defer c.mu.Unlock(); c.n++; return c.n }

// TestFollowReconnects: a stream that ends before the job does is reopened
// after the server's retry delay, with Last-Event-ID.
func TestFollowReconnects(t *testing.T) {
	var conns connections
	var lastID string
	_, job, slept := wireJob(t, func(w http.ResponseWriter, r *http.Request) {
		if conns.next() == 1 {
			sse(w, "retry: 1500\n\nid: 7\nevent: progress-update\ndata: {\"status\":\"running\",\"progress\":0.25}\n\n")
			return
		}
		lastID = r.Header.Get("Last-Event-ID")
		sse(w, "id: 8\ndata: {\"event\":\"progress-update\",\"status\":\"running\",\"progress\":0.5}\n\ndata: {\"event\":\"redirect\",\"status\":\"completed\"}\n\n")
	})
	var got []float64
	if _, err := job.Follow(context.Background(), func(p float64) { got = append(got, p) }); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(slept(), []time.Duration{1500 * time.Millisecond}) || lastID != "7" {
		t.Fatalf("slept %v, Last-Event-ID %q; want one 1.5s delay and 7", slept(), lastID)
	}
	if !slices.Equal(got, []float64{0.25, 0.5, 1}) {
		t.Fatalf("progress %v", got)
	}
}

// TestFollowStreams: raw streams the SSE parser must read as the standard
// says.
func TestFollowStreams(t *testing.T) {
	const then = "data: {\"event\":\"progress-update\",\"status\":\"running\",\"progress\":0.5}\n\ndata: {\"event\":\"redirect\",\"status\":\"completed\"}\n\n"
	for name, tc := range map[string]struct {
		stream string
		want   []float64
		err    string
	}{
		"bare CR line ends and a BOM": {
			stream: "\uFEFFdata: {\"event\":\"progress-update\",\"status\":\"running\",\"progress\":0.5}\r\rdata:{\"event\":\"redirect\",\"status\":\"completed\"}\r\r",
			want:   []float64{0.5, 1},
		},
		"CRLF, multi-line data, comments, unknown fields, an empty event and the event name from the event field": {
			stream: ": hi\r\nfoo: bar\r\n\r\n\r\nevent: progress-update\ndata: {\"status\":\"running\",\ndata:\"progress\":0.25}\n\nevent: redirect\r\ndata: {\"status\":\"completed\"}\r\n\r\n",
			want:   []float64{0.25, 1},
		},
		"no blank line after the last event: it is dropped, the stream reopened": {
			stream: "data: {\"event\":\"progress-update\",\"status\":\"running\",\"progress\":0.1}\n\ndata: {\"event\":\"redirect\",\"status\":\"completed\"}",
			want:   []float64{0.1, 0.5, 1}, // then, on the second connection
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
			var conns connections
			_, job, _ := wireJob(t, func(w http.ResponseWriter, r *http.Request) {
				if conns.next() == 1 {
					sse(w, tc.stream)
				} else {
					sse(w, then)
				}
			})
			var got []float64
			_, err := job.Follow(context.Background(), func(p float64) { got = append(got, p) })
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
// abandoned after 5 connections.
func TestFollowGivesUp(t *testing.T) {
	_, job, slept := wireJob(t, func(w http.ResponseWriter, r *http.Request) { sse(w, ": nothing yet\n\n") })
	if _, err := job.Follow(context.Background(), nil); err == nil || !strings.Contains(err.Error(), "without an event") {
		t.Fatalf("err %v", err)
	}
	if len(slept()) != 4 {
		t.Fatalf("slept %v", slept())
	}
}

// TestFollowEndsWithContext: ctx's end stops a stream that sends nothing
// more, with ctx's error.
func TestFollowEndsWithContext(t *testing.T) {
	_, job, _ := wireJob(t, func(w http.ResponseWriter, r *http.Request) {
		sse(w, "data: {\"event\":\"progress-update\",\"status\":\"running\",\"progress\":0.5}\n\n")
		w.(http.Flusher).Flush()
		<-r.Context().Done() // a job that never moves again
	})
	ctx, cancel := context.WithCancel(context.Background())
	_, err := job.Follow(ctx, func(float64) { cancel() })
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v", err)
	}
}

// TestFollowPollsAJSONStatus: a server that answers the status as JSON,
// not a stream, is polled.
func TestFollowPollsAJSONStatus(t *testing.T) {
	var conns connections
	_, job, slept := wireJob(t, func(w http.ResponseWriter, r *http.Request) {
		status := `{"jobID":"job-1","status":"running","progress":0.5}`
		if conns.next() > 2 {
			status = `{"jobID":"job-1","status":"completed","result":{}}`
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(status))
	})
	if _, err := job.Follow(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if len(slept()) != 1 {
		t.Fatalf("slept %v, want one poll wait", slept())
	}
}

// TestUnknownStatusIsRunning: Status reads the status once; Wait waits
// through a status it does not know (one the API may add) as running,
// never fetching a result.
func TestUnknownStatusIsRunning(t *testing.T) {
	c, job, _ := wireJob(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"jobID":"job-1","status":"queued-for-review"}`))
	})
	st, err := job.Status(context.Background())
	if err != nil || st.Status != "queued-for-review" || st.Done() {
		t.Fatalf("status %+v, %v", st, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	waits := 0
	pdf.SetSleep(c, func(ctx context.Context, d time.Duration) error {
		if waits++; waits == 5 {
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
	for body, want := range map[string]int{
		`{"result":{"file":{"URL":"https://f.example/1.pdf","contentType":"application/pdf"}}}`:                                                                      1,
		`{"result":{"files":[{"URL":"https://f.example/1.pdf","contentType":"application/pdf"},{"URL":"https://f.example/2.pdf","contentType":"application/pdf"}]}}`: 2,
		`{"result":{}}`: 0,
	} {
		var r pdf.FileResult
		if err := json.Unmarshal([]byte(body), &r); err != nil {
			t.Fatal(err)
		}
		files, err := pdf.ResultFiles(r)
		if len(files) != want || (err == nil) != (want > 0) || (want == 2 && files[1].URL != "https://f.example/2.pdf") {
			t.Fatalf("%s: %+v, %v", body, files, err)
		}
	}
}
