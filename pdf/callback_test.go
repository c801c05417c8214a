package pdf_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/nitrokit/nitro/pdf"
)

// TestCallbackHandler serves the handler over loopback and sends it what
// Nitro (or anyone else) might.
func TestCallbackHandler(t *testing.T) {
	got := make(chan pdf.JobCallback, 1)
	h, err := pdf.CallbackHandler("X-Callback-Secret", "s3cr3t", func(cb pdf.JobCallback) { got <- cb })
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	for name, tc := range map[string]struct {
		method, body string
		header       []string
		want         int
	}{
		"ok":             {"POST", `{"jobID":"job-1","location":"/jobs/job-1/status"}`, []string{"s3cr3t"}, 204},
		"one of several": {"POST", `{"jobID":"job-1","location":"/jobs/job-1/status"}`, []string{"nope", "s3cr3t"}, 204},
		"no header":      {"POST", `{"jobID":"job-1"}`, nil, 401},
		"wrong header":   {"POST", `{"jobID":"job-1"}`, []string{"s3cr3"}, 401},
		"GET":            {"GET", "", []string{"s3cr3t"}, 405},
		"bad JSON":       {"POST", `{"jobID":`, []string{"s3cr3t"}, 400},
		"no jobID":       {"POST", `{"location":"x"}`, []string{"s3cr3t"}, 400},
		"two values":     {"POST", `{"jobID":"a"}{"jobID":"b"}`, []string{"s3cr3t"}, 400},
		"too large":      {"POST", `{"jobID":"a","location":"` + strings.Repeat("x", 70<<10) + `"}`, []string{"s3cr3t"}, 413},
	} {
		t.Run(name, func(t *testing.T) {
			req, err := http.NewRequest(tc.method, srv.URL, strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range tc.header {
				req.Header.Add("X-Callback-Secret", v)
			}
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.want {
				t.Fatalf("status %d, want %d", resp.StatusCode, tc.want)
			}
			select {
			case cb := <-got:
				if tc.want != 204 || cb.JobID != "job-1" || cb.Location != "/jobs/job-1/status" {
					t.Fatalf("callback %+v on a %d", cb, tc.want)
				}
			default:
				if tc.want == 204 {
					t.Fatal("fn not called")
				}
			}
		})
	}
}

func TestCallbackHandlerNeedsASecret(t *testing.T) {
	for _, c := range []struct {
		header, value string
		fn            func(pdf.JobCallback)
	}{{"X-Secret", "", func(pdf.JobCallback) {}}, {" ", "v", func(pdf.JobCallback) {}}, {"X-Secret", "v", nil}} {
		if h, err := pdf.CallbackHandler(c.header, c.value, c.fn); h != nil || !errors.Is(err, pdf.ErrInvalidCallback) {
			t.Errorf("%q %q: %v, %v; want ErrInvalidCallback", c.header, c.value, h, err)
		}
	}
}
