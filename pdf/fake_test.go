package pdf_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/pdf"
)

// fake implements just enough of PDF Services' wire contract for this
// package's tests until nitrotest serves it: the four POST endpoints
// (multipart parsed as a stream, the three answer modes), jobs whose status
// advances one step per read, and their SSE status stream. It answers over
// real HTTP on loopback.
type fake struct {
	t   testing.TB
	srv *httptest.Server

	mu    sync.Mutex
	posts []posted        // every POST, in order
	jobs  map[string]*job // by ID
	seq   int
	// What the next jobs do: "completed" (default), "failed", "canceled",
	// "expired".
	outcome string
	// steps is how many status reads a job runs for (default 2).
	steps int
	// binSize, when > 0, is the length of every synchronous binary answer
	// (zeros, streamed), instead of the short deterministic content.
	binSize int64
	// stream is the raw SSE text served for a job's first status stream
	// connection, instead of the generated one ("" = generated); drop makes
	// the generated stream end after its first event.
	stream string
	drop   bool
	// status413 makes every POST answer 413; status503 every POST and job
	// read 503 (a retryable answer).
	status413, status503 bool
}

// posted is what one POST carried.
type posted struct {
	path, method, accept, prefer string
	params, delivery             json.RawMessage
	parts                        []string // "file:name:type:bytes"
}

type job struct {
	id, method, to, outcome string
	reads, streams          int
}

func newFake(t testing.TB) *fake {
	f := &fake{t: t, jobs: map[string]*job{}, steps: 2}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth/token", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"access_token": "tok-1", "token_type": "Bearer", "expires_in": 3600})
	})
	for _, p := range []string{"/conversions", "/transformations", "/extractions", "/generations"} {
		mux.HandleFunc("POST "+p, f.post)
	}
	mux.HandleFunc("GET /jobs/{id}/status", f.status)
	mux.HandleFunc("GET /jobs/{id}", f.result)
	f.srv = httptest.NewServer(f.auth(mux))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fake) auth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/oauth/token" && r.Header.Get("Authorization") != "Bearer tok-1" {
			problem(w, 401, "no token")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// client returns a pdf.Client on the fake whose sleeps return at once,
// recording the delays asked for.
func (f *fake) client() (*pdf.Client, *[]time.Duration) {
	nc, err := nitro.NewClient(nitro.Config{ClientID: "id", ClientSecret: "secret", BaseURL: f.srv.URL, MaxRetries: 1})
	if err != nil {
		f.t.Fatal(err)
	}
	f.t.Cleanup(func() { nc.Close() })
	c := pdf.New(nc)
	var mu sync.Mutex
	slept := &[]time.Duration{}
	pdf.SetSleep(c, func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		*slept = append(*slept, d)
		mu.Unlock()
		return ctx.Err()
	})
	return c, slept
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func problem(w http.ResponseWriter, code int, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]any{"status": code, "title": http.StatusText(code), "detail": detail})
}

// post reads the multipart body part by part, never whole.
func (f *fake) post(w http.ResponseWriter, r *http.Request) {
	p := posted{path: r.URL.Path, accept: r.Header.Get("Accept"), prefer: r.Header.Get("Prefer")}
	mr, err := r.MultipartReader()
	if err != nil {
		problem(w, 415, err.Error())
		return
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			problem(w, 400, err.Error())
			return
		}
		switch name := part.FormName(); name {
		case "method":
			b, _ := io.ReadAll(io.LimitReader(part, 1<<10))
			p.method = string(b)
		case "params", "delivery":
			if ct := part.Header.Get("Content-Type"); ct != "application/json" {
				problem(w, 400, name+" is "+ct)
				return
			}
			var raw json.RawMessage
			if err := json.NewDecoder(part).Decode(&raw); err != nil {
				problem(w, 400, name+": "+err.Error())
				return
			}
			if name == "params" {
				p.params = raw
			} else {
				p.delivery = raw
			}
		case "file", "files":
			n, err := io.Copy(io.Discard, part)
			if err != nil {
				problem(w, 400, err.Error())
				return
			}
			// The filename as sent: FileName() keeps only its base.
			_, cd, _ := mime.ParseMediaType(part.Header.Get("Content-Disposition"))
			p.parts = append(p.parts, fmt.Sprintf("%s:%s:%s:%d", name, cd["filename"], part.Header.Get("Content-Type"), n))
		default:
			problem(w, 400, "unknown part "+name)
			return
		}
	}
	f.mu.Lock()
	f.posts = append(f.posts, p)
	f.mu.Unlock()
	if p.method == "" || p.params == nil || len(p.parts) == 0 {
		problem(w, 422, "method, params and a file are required")
		return
	}
	if f.status503 {
		problem(w, 503, "busy")
		return
	}
	if f.status413 {
		problem(w, 413, "too many pages")
		return
	}
	var params struct{ To, Format string }
	_ = json.Unmarshal(p.params, &params)
	switch {
	case p.prefer == "respond-async":
		f.mu.Lock()
		f.seq++
		j := &job{id: fmt.Sprintf("job-%d", f.seq), method: p.method, to: params.To, outcome: f.outcome}
		f.jobs[j.id] = j
		f.mu.Unlock()
		w.Header().Set("Location", "/jobs/"+j.id+"/status")
		writeJSON(w, 202, map[string]any{"jobID": j.id, "status": "running"})
	case p.accept == "application/octet-stream":
		f.binary(w, p.method, params.To)
	default:
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, syncJSON(p.method, params.To))
	}
}

// binary answers a file's bytes: short deterministic content, or binSize
// zeros streamed in chunks.
func (f *fake) binary(w http.ResponseWriter, method, to string) {
	w.Header().Set("Content-Type", "application/octet-stream")
	f.mu.Lock()
	n := f.binSize
	f.mu.Unlock()
	if n <= 0 {
		_, _ = io.WriteString(w, content(method, to))
		return
	}
	w.Header().Set("Content-Length", fmt.Sprint(n))
	buf := make([]byte, 64<<10)
	for n > 0 {
		k := min(n, int64(len(buf)))
		if _, err := w.Write(buf[:k]); err != nil {
			return
		}
		n -= k
	}
}

// content is a tool's deterministic binary result.
func content(method, to string) string { return "%PDF-fake " + method + " " + to + "\n" }

// resultOf is the `result` member of a tool's synchronous JSON, and whether
// the tool's JSON is unwrapped (the result itself).
func resultOf(method, to string) (string, bool) {
	switch method {
	case "extract-fillable-form-data", "smart-detect-form-fields":
		return `{"formFields":[{"name":"a","fieldType":"TextBox","pageIndex":0,"boundingBox":[1,2,3,4],"value":"x"}]}`, true
	case "extract-expense-data":
		return `{"currency":"EUR"}`, false
	case "extract-forms":
		return `{"averageConfidence":90,"fields":[{"name":"a","value":"x","confidence":90}]}`, false
	case "get-properties":
		return `{"author":"A"}`, false
	case "extract-pii-bounding-boxes":
		return `{"PIIBoxes":[{"ID":"1","PIIType":"PERSON","boundingBox":[1,2,3,4]}]}`, false
	case "extract-tables":
		return `{"tables":[{"ID":"t1","pageIndices":[0]}]}`, false
	case "extract-text":
		return `"hello"`, false
	case "extract-text-bounding-boxes":
		return `{"textBoxes":[{"matches":[]}]}`, false
	case "split":
		return `{"files":[{"URL":"https://files.example/1.pdf","contentType":"application/pdf"},{"URL":"https://files.example/2.pdf","contentType":"application/pdf"}]}`, false
	}
	return fmt.Sprintf(`{"file":{"URL":"https://files.example/%s.%s","contentType":"application/pdf","metadata":{"fileSizeBytes":%d,"pageCount":1}}}`, method, to, len(content(method, to))), false
}

func syncJSON(method, to string) string {
	res, unwrapped := resultOf(method, to)
	if unwrapped {
		return res
	}
	return `{"result":` + res + `}`
}

// step reads job id's state, advancing it one step.
func (f *fake) step(id string, advance bool) (j *job, status string, progress float64, ok bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	j, ok = f.jobs[id]
	if !ok {
		return nil, "", 0, false
	}
	if advance {
		j.reads++
	}
	if j.reads < f.steps {
		return j, "running", float64(j.reads) / float64(f.steps), true
	}
	switch j.outcome {
	case "", "completed":
		return j, "completed", 1, true
	}
	return j, j.outcome, 0, true
}

func (f *fake) status(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if r.Header.Get("Accept") != "text/event-stream" {
		j, status, progress, ok := f.step(id, true)
		switch {
		case !ok:
			problem(w, 404, "no job")
		case j.outcome == "expired" && status == "expired":
			problem(w, 410, "expired")
		default:
			writeJSON(w, 200, map[string]any{"jobID": id, "status": status, "progress": progress})
		}
		return
	}
	f.mu.Lock()
	j, ok := f.jobs[id]
	var raw string
	if ok {
		j.streams++
		if j.streams == 1 && f.stream != "" {
			raw = f.stream
			if strings.Contains(raw, "redirect") && (strings.HasSuffix(raw, "\n\n") || strings.HasSuffix(raw, "\r\r")) {
				j.reads = f.steps // the raw stream says the job is done
			}
		}
	}
	drop := f.drop && ok && j.streams == 1
	f.mu.Unlock()
	if !ok {
		problem(w, 404, "no job")
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	fl := w.(http.Flusher)
	if raw != "" {
		_, _ = io.WriteString(w, raw)
		return
	}
	_, _ = io.WriteString(w, ": the status of "+id+"\nretry: 1500\n\n")
	for {
		j, status, progress, _ := f.step(id, true)
		if status == "running" {
			fmt.Fprintf(w, "id: %d\nevent: progress-update\ndata: {\"event\":\"progress-update\",\n", j.reads)
			fmt.Fprintf(w, "data: \"status\":\"running\",\"progress\":%g}\n\n", progress)
			fl.Flush()
			if drop {
				return
			}
			continue
		}
		fmt.Fprintf(w, "event: redirect\r\ndata: {\"event\":\"redirect\",\"status\":%q,\"location\":\"/jobs/%s\"}\r\n\r\n", status, id)
		return
	}
}

func (f *fake) result(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	j, status, _, ok := f.step(id, false)
	switch {
	case !ok:
		problem(w, 404, "no job")
	case status == "running":
		problem(w, 409, "the job is running")
	case status == "expired":
		problem(w, 410, "the job expired")
	case status == "failed":
		writeJSON(w, 200, map[string]any{"jobID": id, "status": "failed", "error": map[string]any{"type": "PDFIsPasswordProtected", "title": "PDF is password protected"}})
	case status == "canceled":
		writeJSON(w, 200, map[string]any{"jobID": id, "status": "canceled"})
	case r.Header.Get("Accept") == "application/octet-stream":
		f.binary(w, j.method, j.to)
	default:
		res, _ := resultOf(j.method, j.to)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"jobID":%q,"status":"completed","result":%s}`, id, res)
	}
}

func (f *fake) last() posted {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.posts) == 0 {
		f.t.Fatal("no POST reached the fake")
	}
	return f.posts[len(f.posts)-1]
}

func (f *fake) postCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.posts)
}

func (f *fake) set(fn func(*fake)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f)
}

// pdfFile is a small named PDF input.
func pdfFile(name string) pdf.File {
	body := "%PDF-1.7 " + name
	return pdf.File{Name: name, ContentType: "application/pdf", Body: strings.NewReader(body), Size: int64(len(body))}
}
