package nitrotest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nitrokit/nitro/gen/pdfapi"
	"github.com/nitrokit/nitro/nitrotest"
)

// received is one call the fake made to the caller's server.
type received struct {
	method, path, contentType, header string
	body                              []byte
}

// receiver is the caller's server: it records each call, with the
// X-Secret header, and answers 200.
func receiver(t *testing.T) (*httptest.Server, <-chan received) {
	calls := make(chan received, 10)
	rs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		calls <- received{r.Method, r.URL.Path, r.Header.Get("Content-Type"), r.Header.Get("X-Secret"), b}
	}))
	t.Cleanup(rs.Close)
	return rs, calls
}

// next waits for the fake's next call; the timeout only stops a broken test.
func next(t *testing.T, calls <-chan received) received {
	t.Helper()
	select {
	case c := <-calls:
		return c
	case <-time.After(10 * time.Second):
		t.Fatal("no call from the fake")
		return received{}
	}
}

// TestDeliveryOfAJob: when a job completes, its result is PUT to
// uploadResultTo with its headers, then the callback is POSTed
// {jobID, location} with its headers; the result then has no URL.
func TestDeliveryOfAJob(t *testing.T) {
	rs, calls := receiver(t)
	clock := newFakeClock()
	srv := nitrotest.NewServer(nitrotest.WithClock(clock.Now), nitrotest.WithJobDuration(time.Minute))
	defer srv.Close()
	c := newPDFClient(t, srv)
	delivery := `{"uploadResultTo":{"URL":"` + rs.URL + `/upload","headers":[{"name":"X-Secret","value":"up"}]},` +
		`"callback":{"URL":"` + rs.URL + `/callback","headers":[{"name":"X-Secret","value":"cb"}]}}`
	resp := c.post("/transformations", map[string]string{"Prefer": "respond-async"},
		append([]part{text("method", "flatten"), jsonPart("delivery", delivery)}, pdfFile(t)...)...)
	id := decode[pdfapi.AsyncJobResponse](t, read(t, resp, http.StatusAccepted)).JobID

	clock.Advance(time.Minute) // the job completes on the clock, nobody asks
	up := next(t, calls)
	if up.method != http.MethodPut || up.path != "/upload" || up.header != "up" || up.contentType != "application/pdf" || !strings.Contains(string(up.body), "("+docText+") Tj") {
		t.Errorf("upload: %s %s %s %s %.30q", up.method, up.path, up.header, up.contentType, up.body)
	}
	cb := next(t, calls)
	var payload pdfapi.JobCallback
	must(t, json.Unmarshal(cb.body, &payload))
	if cb.method != http.MethodPost || cb.path != "/callback" || cb.header != "cb" || payload.JobID != id || payload.Location != srv.URL()+"/jobs/"+id+"/status" {
		t.Errorf("callback: %s %s %s %s", cb.method, cb.path, cb.header, cb.body)
	}
	done := decode[pdfapi.JobCompleted](t, c.status(id))
	if f := decode[pdfapi.PlatformOperationFileResult](t, done.Result); f.File.URL != "" || f.File.Metadata.FileSizeBytes != int64(len(up.body)) {
		t.Errorf("delivered result: %s", done.Result)
	}
}

// TestDeliverySync: a synchronous request uploads each file of a split to
// its uploadResultsTo entry (verb POST here) before answering, with no URLs.
func TestDeliverySync(t *testing.T) {
	rs, calls := receiver(t)
	srv := nitrotest.NewServer()
	defer srv.Close()
	c := newPDFClient(t, srv)
	delivery := `{"uploadResultsTo":[{"URL":"` + rs.URL + `/1","verb":"POST"},{"URL":"` + rs.URL + `/2"}]}`
	body := read(t, c.post("/transformations", nil, append([]part{text("method", "split"),
		jsonPart("params", `{"pageIndices":[[0],[1,2]]}`), jsonPart("delivery", delivery)}, pdfFile(t)...)...), http.StatusOK)
	one, two := next(t, calls), next(t, calls)
	if one.method != http.MethodPost || one.path != "/1" || two.method != http.MethodPut || two.path != "/2" {
		t.Errorf("uploads: %s %s, %s %s", one.method, one.path, two.method, two.path)
	}
	if strings.Contains(string(body), `"URL"`) {
		t.Errorf("delivered files still have URLs: %s", body)
	}
}

// TestDeliveryOnlyToLoopback: the fake calls only loopback URLs.
func TestDeliveryOnlyToLoopback(t *testing.T) {
	srv := nitrotest.NewServer()
	defer srv.Close()
	c := newPDFClient(t, srv)
	for _, d := range []string{
		`{"uploadResultTo":{"URL":"https://example.com/upload"}}`,
		`{"callback":{"URL":"http://10.0.0.1/cb"}}`,
		`{"uploadResultTo":{"URL":"http://127.0.0.1:1/x","verb":"BREW"}}`,
	} {
		read(t, c.post("/transformations", nil, append([]part{text("method", "flatten"), jsonPart("delivery", d)}, pdfFile(t)...)...), http.StatusBadRequest)
	}
}

// TestDeliveryFollowsNoRedirect: a loopback URL that redirects elsewhere
// does not lead the fake, or the headers a test configured, off loopback:
// the redirect is the answer, and a delivery that was not made fails.
func TestDeliveryFollowsNoRedirect(t *testing.T) {
	var hits atomic.Int32
	rs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.Redirect(w, r, "http://192.0.2.1/steal?sig=secret", http.StatusTemporaryRedirect)
	}))
	defer rs.Close()
	srv := nitrotest.NewServer()
	defer srv.Close()
	c := newPDFClient(t, srv)
	d := `{"uploadResultTo":{"URL":"` + rs.URL + `/upload?sig=secret","headers":[{"name":"X-Api-Key","value":"k"}]}}`
	body := read(t, c.post("/transformations", nil, append([]part{text("method", "flatten"), jsonPart("delivery", d)}, pdfFile(t)...)...), http.StatusUnprocessableEntity)
	if hits.Load() != 1 || strings.Contains(string(body), "secret") {
		t.Errorf("%d calls to the redirector; answer %s: want 1 call, the 307 a failure, no query in the message", hits.Load(), body)
	}
}

// TestDeliveryFailureFailsTheJob: an upload the caller refuses fails the
// job, and the callback still tells the caller.
func TestDeliveryFailureFailsTheJob(t *testing.T) {
	calls := make(chan string, 2)
	rs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls <- r.URL.Path
		if r.URL.Path == "/upload" {
			w.WriteHeader(http.StatusForbidden)
		}
	}))
	defer rs.Close()
	srv := nitrotest.NewServer(nitrotest.WithJobDuration(-1))
	defer srv.Close()
	c := newPDFClient(t, srv)
	delivery := `{"uploadResultTo":{"URL":"` + rs.URL + `/upload"},"callback":{"URL":"` + rs.URL + `/cb"}}`
	resp := c.post("/transformations", map[string]string{"Prefer": "respond-async"},
		append([]part{text("method", "flatten"), jsonPart("delivery", delivery)}, pdfFile(t)...)...)
	id := decode[pdfapi.AsyncJobResponse](t, read(t, resp, http.StatusAccepted)).JobID
	must(t, srv.CompleteJob(id))
	for _, want := range []string{"/upload", "/cb"} {
		select {
		case got := <-calls:
			if got != want {
				t.Fatalf("call to %s, want %s", got, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("no call from the fake")
		}
	}
	if f := decode[pdfapi.JobFailed](t, c.status(id)); f.Status != pdfapi.JobFailedStatusFailed || !strings.Contains(f.Error.Title, "403") {
		t.Errorf("after a refused upload: %+v", f)
	}
}
