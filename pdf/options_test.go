package pdf_test

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/nitrotest"
	"github.com/nitrokit/nitro/pdf"
)

// TestCallOptionsReachEveryPDFCall: options given to a sending method reach
// each request it makes (the tool's POST, every status poll, the result),
// and WithResponse keeps the answer the call ended with.
func TestCallOptionsReachEveryPDFCall(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]string{}
	mw := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			seen[r.Method+" "+r.URL.Path] = r.Header.Get("X-Run")
			mu.Unlock()
			next.ServeHTTP(w, r)
		})
	}
	srv, _, c := onFake(t, nitrotest.WithJobDuration(-1), nitrotest.WithMiddleware(mw))
	ctx := context.Background()

	var r nitro.Response
	res, err := c.ExtractText(textPDF("in.pdf", "optioned"), pdf.ExtractTextParams{}).JSON(ctx, nitro.WithHeader("X-Run", "sync"), nitro.WithResponse(&r))
	if err != nil || res.Result != "optioned" {
		t.Fatalf("%+v, %v", res, err)
	}
	var raw struct{ Result string }
	if r.StatusCode != 200 || json.Unmarshal(r.Body, &raw) != nil || raw.Result != "optioned" {
		t.Fatalf("the Response: %+v (%s)", r, r.Body)
	}

	job, err := c.ExtractText(textPDF("in.pdf", "async"), pdf.ExtractTextParams{}).Async(ctx, nitro.WithHeader("X-Run", "async"))
	if err != nil {
		t.Fatal(err)
	}
	pdf.SetSleep(c, func(ctx context.Context, _ time.Duration) error {
		if err := srv.CompleteJob(job.ID); err != nil {
			t.Error(err)
		}
		return ctx.Err()
	})
	if _, err := job.Wait(ctx, nitro.WithHeader("X-Run", "wait")); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	want := map[string]string{
		"POST /extractions":               "async",
		"GET /jobs/" + job.ID + "/status": "wait",
		"GET /jobs/" + job.ID:             "wait",
	}
	for k, v := range want {
		if seen[k] != v {
			t.Errorf("%s carried X-Run %q, want %q (all: %v)", k, seen[k], v, seen)
		}
	}
}
