package pdf_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/pdf"
)

// shapes is a hold-out server: it answers each route with what the test
// sets, in one of the shapes Nitro's sources document (docs/wire-sources.md),
// and counts the requests per path.
type shapes struct {
	mu     sync.Mutex
	routes map[string]http.HandlerFunc // "METHOD /path"
	hits   map[string]int
}

func newShapes(t *testing.T) (*shapes, *pdf.Client, string) {
	t.Helper()
	s := &shapes{routes: map[string]http.HandlerFunc{}, hits: map[string]int{}}
	url := newLoopback(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/oauth/token" {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"accessToken":"tok","tokenType":"Bearer","expiresIn":3600}`))
			return
		}
		key := r.Method + " " + r.URL.Path
		s.mu.Lock()
		s.hits[key]++
		h := s.routes[key]
		s.mu.Unlock()
		if h == nil {
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"title":"Not Found","status":404}`))
			return
		}
		h(w, r)
	}))
	nc, err := nitro.NewClient(nitro.Config{ClientID: "id", ClientSecret: "secret", BaseURL: url, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	c := pdf.New(nc)
	pdf.SetSleep(c, func(ctx context.Context, _ time.Duration) error { return ctx.Err() })
	return s, c, url
}

func (s *shapes) on(route string, h http.HandlerFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.routes[route] = h
}

func (s *shapes) count(route string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[route]
}

// withHeader is answering, with a header set first.
func withHeader(name, value string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set(name, value)
		h(w, r)
	}
}

const fileJSON = `{"URL":"https://files.example/out.pdf","contentType":"application/pdf"}`

// TestSynchronousResultShapes: a file result is read wrapped in result
// (Nitro's samples) and bare (the reference pages' examples); the two
// unwrapped extractions bare (their pages) and wrapped.
func TestSynchronousResultShapes(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct{ name, body string }{
		{"file, wrapped", `{"result":{"file":` + fileJSON + `}}`},
		{"file, bare", `{"file":` + fileJSON + `}`},
		{"files, bare", `{"files":[` + fileJSON + `]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, c, _ := newShapes(t)
			s.on("POST /transformations", answering(http.StatusOK, "application/json", tc.body))
			res, err := c.Compress(textPDF("a.pdf", "a"), pdf.PDFCompressParams{}).JSON(ctx)
			if err != nil {
				t.Fatal(err)
			}
			files, err := pdf.ResultFiles(res)
			if err != nil || len(files) != 1 || files[0].URL != "https://files.example/out.pdf" {
				t.Fatalf("%+v, %v", files, err)
			}
		})
	}
	for _, tc := range []struct{ name, body string }{
		{"form data, bare", `{"formFields":[{"name":"n","fieldType":"TextBox","value":"v","pageIndex":0,"boundingBox":[1,2,3,4]}]}`},
		{"form data, wrapped", `{"result":{"formFields":[{"name":"n","fieldType":"TextBox","value":"v","pageIndex":0,"boundingBox":[1,2,3,4]}]}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, c, _ := newShapes(t)
			s.on("POST /extractions", answering(http.StatusOK, "application/json", tc.body))
			res, err := c.ExtractFillableFormData(textPDF("a.pdf", "a"), pdf.ExtractFillableFormDataParams{}).JSON(ctx)
			if err != nil || len(res.FormFields) != 1 || res.FormFields[0].Value != "v" {
				t.Fatalf("%+v, %v", res, err)
			}
		})
	}
}

// TestAsyncAnswerShapes: a job is read from a 202 with its body and
// Location, a 202 with Location alone (what Nitro's clients read), and a 200
// carrying it (the reference schema); a 200 with a result, or a 202 naming
// no job, is no job.
func TestAsyncAnswerShapes(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		h    http.HandlerFunc
		id   string // "" for an error
	}{
		{"202 with the job", withHeader("Location", "/jobs/j1/status", answering(http.StatusAccepted, "application/json", `{"jobID":"j1","status":"running"}`)), "j1"},
		{"202 with Location only", withHeader("Location", "https://api.example/jobs/j2/status", answering(http.StatusAccepted, "", "")), "j2"},
		{"200 with the job", answering(http.StatusOK, "application/json", `{"jobID":"j3","status":"running"}`), "j3"},
		{"200 with a result", answering(http.StatusOK, "application/json", `{"result":{"file":`+fileJSON+`}}`), ""},
		{"202 naming no job", answering(http.StatusAccepted, "", ""), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, c, _ := newShapes(t)
			s.on("POST /transformations", tc.h)
			job, err := c.Compress(textPDF("a.pdf", "a"), pdf.PDFCompressParams{}).Async(ctx)
			switch {
			case tc.id == "" && err == nil:
				t.Fatalf("job %q from an answer that is none", job.ID)
			case tc.id != "" && (err != nil || job.ID != tc.id):
				t.Fatalf("job %+v, %v; want %q", job, err, tc.id)
			}
		})
	}
}

// startJobOn makes a job j on s's server (a 202 with Location).
func startJobOn(t *testing.T, s *shapes, c *pdf.Client) *pdf.Job[pdf.FileResult] {
	t.Helper()
	s.on("POST /transformations", withHeader("Location", "/jobs/j/status", answering(http.StatusAccepted, "", "")))
	job, err := c.Compress(textPDF("a.pdf", "a"), pdf.PDFCompressParams{}).Async(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return job
}

const notFound = `{"title":"Not Found","status":404}`

// TestRunningJobShapes: a running job's result is ErrJobRunning whether the
// API says so with the documented 404 (told from an unknown job's by its
// status) or with a running status body; an unknown job stays the API's
// 404; a job that finished between the 404 and its status is fetched again.
func TestRunningJobShapes(t *testing.T) {
	ctx := context.Background()
	running := answering(http.StatusOK, "application/json", `{"jobID":"j","status":"running","progress":0.5}`)
	for _, tc := range []struct {
		name           string
		result, status http.HandlerFunc
		running        bool
	}{
		{"404, status running", answering(http.StatusNotFound, "application/problem+json", notFound), running, true},
		{"202 with a running body", answering(http.StatusAccepted, "application/json", `{"jobID":"j","status":"running"}`), running, true},
		{"200 with a running body", answering(http.StatusOK, "application/json", `{"jobID":"j","status":"running"}`), running, true},
		{"unknown job", answering(http.StatusNotFound, "application/problem+json", notFound), answering(http.StatusNotFound, "application/problem+json", notFound), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, c, _ := newShapes(t)
			job := startJobOn(t, s, c)
			s.on("GET /jobs/j", tc.result)
			s.on("GET /jobs/j/status", tc.status)
			_, rerr := job.Result(ctx)
			var b bytes.Buffer
			n, derr := job.Download(ctx, &b)
			for what, err := range map[string]error{"Result": rerr, "Download": derr} {
				var apiErr *nitro.APIError
				switch {
				case tc.running && !errors.Is(err, pdf.ErrJobRunning):
					t.Errorf("%s: %v, want ErrJobRunning", what, err)
				case !tc.running && (errors.Is(err, pdf.ErrJobRunning) || !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusNotFound):
					t.Errorf("%s: %v, want the unknown job's 404", what, err)
				}
			}
			if n != 0 || b.Len() != 0 {
				t.Errorf("Download wrote %d bytes", n)
			}
		})
	}

	t.Run("finished since the 404", func(t *testing.T) {
		s, c, _ := newShapes(t)
		job := startJobOn(t, s, c)
		var tries int
		var mu sync.Mutex
		s.on("GET /jobs/j", func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			tries++
			first := tries == 1
			mu.Unlock()
			if first {
				answering(http.StatusNotFound, "application/problem+json", notFound)(w, r)
				return
			}
			answering(http.StatusOK, "application/json", `{"jobID":"j","status":"completed","result":{"file":`+fileJSON+`}}`)(w, r)
		})
		s.on("GET /jobs/j/status", answering(http.StatusOK, "application/json", `{"jobID":"j","status":"completed"}`))
		res, err := job.Result(ctx)
		if files, ferr := pdf.ResultFiles(res); err != nil || ferr != nil || len(files) != 1 {
			t.Fatalf("%+v, %v, %v", res, err, ferr)
		}
	})
}

// TestUnknownStatusIsKept: a status this client does not know is kept as
// it came, taken as running, and never an error of its own.
func TestUnknownStatusIsKept(t *testing.T) {
	ctx := context.Background()
	s, c, _ := newShapes(t)
	job := startJobOn(t, s, c)
	s.on("GET /jobs/j/status", answering(http.StatusOK, "application/json", `{"jobID":"j","status":"paused","progress":0.25}`))
	s.on("GET /jobs/j", answering(http.StatusOK, "application/json", `{"jobID":"j","status":"paused"}`))
	st, err := job.Status(ctx)
	if err != nil || st.Status != "paused" || st.Done() || st.Progress != 0.25 {
		t.Fatalf("%+v, %v", st, err)
	}
	if _, err := job.Result(ctx); !errors.Is(err, pdf.ErrJobRunning) || !strings.Contains(err.Error(), "paused") {
		t.Fatalf("Result: %v, want ErrJobRunning naming the status", err)
	}
}

// TestProgressStaysInRange: progress a server sends outside 0.0–1.0 (a
// percentage, a negative value) reaches the caller within the documented
// range, from Status and from Follow's callback.
func TestProgressStaysInRange(t *testing.T) {
	ctx := context.Background()
	s, c, _ := newShapes(t)
	job := startJobOn(t, s, c)
	s.on("GET /jobs/j/status", answering(http.StatusOK, "application/json", `{"jobID":"j","status":"running","progress":42}`))
	if st, err := job.Status(ctx); err != nil || st.Progress != 1 {
		t.Errorf("Status: %+v, %v; want progress 1", st, err)
	}
	s.on("GET /jobs/j/status", sseAnswer("event: progress-update\ndata: {\"status\":\"running\",\"progress\":42}\n\n"+
		"event: progress-update\ndata: {\"status\":\"running\",\"progress\":-3}\n\n"+
		"event: redirect\ndata: {\"status\":\"completed\"}\n\n"))
	s.on("GET /jobs/j", answering(http.StatusOK, "application/json", `{"jobID":"j","status":"completed","result":{"file":`+fileJSON+`}}`))
	var got []float64
	if _, err := job.Follow(ctx, func(p float64) { got = append(got, p) }); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, []float64{1, 0, 1}) {
		t.Errorf("Follow's progress %v, want [1 0 1]", got)
	}
}

// sseAnswer serves a status stream of raw events.
func sseAnswer(raw string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) { sse(w, raw) }
}

// TestEventShapes: the status stream is read in the samples' shape (named
// events, a redirect last) and in the MCP server's (unnamed events told
// apart by status, jobID in each, location in the final one); the result is
// then fetched at the location the stream named, once.
func TestEventShapes(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct{ name, stream string }{
		{"samples", "event: status-update\ndata: {\"event\":\"status-update\",\"status\":\"running\",\"progress\":0}\n\n" +
			"event: progress-update\ndata: {\"event\":\"progress-update\",\"status\":\"running\",\"progress\":0.5}\n\n" +
			"event: redirect\ndata: {\"event\":\"redirect\",\"status\":\"completed\",\"location\":\"/results/j\"}\n\n"},
		{"MCP server", "data: {\"jobID\":\"j\",\"status\":\"running\",\"progress\":0.5}\n\n" +
			"data: {\"jobID\":\"j\",\"status\":\"completed\",\"location\":\"%s/results/j\"}\n\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, c, url := newShapes(t)
			job := startJobOn(t, s, c)
			stream := strings.ReplaceAll(tc.stream, "%s", url)
			s.on("GET /jobs/j/status", sseAnswer(stream))
			s.on("GET /results/j", func(w http.ResponseWriter, r *http.Request) {
				if r.Header.Get("Accept") == "application/octet-stream" {
					answering(http.StatusOK, "application/pdf", "%PDF-1.7 the result")(w, r)
					return
				}
				answering(http.StatusOK, "application/json", `{"jobID":"j","status":"completed","result":{"file":`+fileJSON+`}}`)(w, r)
			})
			var seen []float64
			var b bytes.Buffer
			n, err := job.FollowDownload(ctx, &b, func(p float64) { seen = append(seen, p) })
			if err != nil || b.String() != "%PDF-1.7 the result" || n != int64(b.Len()) {
				t.Fatalf("%d %q, %v", n, b.String(), err)
			}
			if len(seen) == 0 || seen[len(seen)-1] != 1 || !slices.Contains(seen, 0.5) {
				t.Errorf("progress %v", seen)
			}
			if got := s.count("GET /results/j") + s.count("GET /jobs/j"); got != 1 {
				t.Errorf("%d requests for the result after the stream, want 1", got)
			}
			// Result reads the same location's JSON.
			res, err := job.Result(ctx)
			if files, ferr := pdf.ResultFiles(res); err != nil || ferr != nil || len(files) != 1 {
				t.Fatalf("Result: %+v, %v, %v", res, err, ferr)
			}
		})
	}

	t.Run("MCP server, failed", func(t *testing.T) {
		s, c, _ := newShapes(t)
		job := startJobOn(t, s, c)
		s.on("GET /jobs/j/status", sseAnswer("data: {\"jobID\":\"j\",\"status\":\"failed\",\"location\":\"/jobs/j\"}\n\n"))
		s.on("GET /jobs/j", answering(http.StatusOK, "application/json", `{"jobID":"j","status":"failed","error":{"type":"PDFIsPasswordProtected","title":"The PDF is password protected"}}`))
		_, err := job.Follow(ctx, nil)
		var je *pdf.JobError
		if !errors.As(err, &je) || je.Type != "PDFIsPasswordProtected" {
			t.Fatalf("%v, want the JobError", err)
		}
	})

	t.Run("a location outside the API's base path is not followed", func(t *testing.T) {
		// The API behind a gateway, at /nitro: a location whose dot
		// segments (plain or escaped) climb out of it names another service
		// on the same host, which must not get the token.
		for _, loc := range []string{"/nitro/jobs/../../elsewhere/j", "/nitro/%2e%2e/elsewhere/j", "/elsewhere/j"} {
			s, _, url := newShapes(t)
			nc, err := nitro.NewClient(nitro.Config{ClientID: "id", ClientSecret: "secret", BaseURL: url + "/nitro", TokenURL: url + "/oauth/token", MaxRetries: -1})
			if err != nil {
				t.Fatal(err)
			}
			defer nc.Close()
			c := pdf.New(nc)
			s.on("POST /nitro/transformations", withHeader("Location", "/nitro/jobs/j/status", answering(http.StatusAccepted, "", "")))
			s.on("GET /nitro/jobs/j/status", sseAnswer("data: {\"jobID\":\"j\",\"status\":\"completed\",\"location\":\""+loc+"\"}\n\n"))
			s.on("GET /nitro/jobs/j", answering(http.StatusOK, "application/pdf", "%PDF-1.7 at home"))
			job, err := c.Compress(textPDF("a.pdf", "a"), pdf.PDFCompressParams{}).Async(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			if _, err := job.FollowDownload(ctx, &b, nil); err != nil || b.String() != "%PDF-1.7 at home" {
				t.Errorf("%s: %q, %v", loc, b.String(), err)
			}
		}
	})

	t.Run("a location on another host is not followed", func(t *testing.T) {
		s, c, _ := newShapes(t)
		job := startJobOn(t, s, c)
		s.on("GET /jobs/j/status", sseAnswer("data: {\"jobID\":\"j\",\"status\":\"completed\",\"location\":\"https://elsewhere.example/jobs/j\"}\n\n"))
		s.on("GET /jobs/j", answering(http.StatusOK, "application/pdf", "%PDF-1.7 at home"))
		var b bytes.Buffer
		if _, err := job.FollowDownload(ctx, &b, nil); err != nil || b.String() != "%PDF-1.7 at home" {
			t.Fatalf("%q, %v", b.String(), err)
		}
	})
}
