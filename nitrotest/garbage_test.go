package nitrotest_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/nitrokit/nitro/internal/testkit/flowtest"
	"github.com/nitrokit/nitro/nitrotest"
)

// TestGarbageGetsAnAnswer sends malformed requests, with and without spec
// validation: each must get a 4xx problem, never a panic (which net/http
// would turn into a dropped connection) or a 5xx.
func TestGarbageGetsAnAnswer(t *testing.T) {
	for _, opts := range [][]nitrotest.Option{{nitrotest.WithoutValidation()}, nil} {
		srv := nitrotest.NewServer(opts...)
		src := newSource(t, srv)
		env := flowtest.NewEnvelope(t, flowtest.Client(t, srv), "garbage")
		id := env.String()
		cases := []struct{ method, path, ct, body string }{
			{"POST", "/sign/envelopes", "application/json", `{`},
			{"POST", "/sign/envelopes", "application/json", `[]`},
			{"POST", "/sign/envelopes", "application/json", `{"name":123}`},
			{"POST", "/sign/envelopes", "text/plain", `hello`},
			{"GET", "/sign/envelopes/not-a-uuid", "", ``},
			{"GET", "/sign/envelopes?pageAfter=%%%", "", ``},
			{"PATCH", "/sign/envelopes/" + id, "application/json", `{"mode":"sideways"}`},
			{"POST", "/sign/envelopes/" + id + "/documents", "multipart/form-data; boundary=x", "--x\r\nbroken"},
			{"POST", "/sign/envelopes/" + id + "/documents", "multipart/form-data", "no boundary"},
			{"POST", "/sign/envelopes/" + id + "/documents", "application/json", `{}`},
			{"POST", "/sign/envelopes/" + id + "/participants", "application/json", `{"items":"no"}`},
			{"POST", "/sign/envelopes/" + id + "/participants", "application/json", `{"items":[null, 3]}`},
			{"POST", "/sign/envelopes/" + id + "/documents/" + uuid.NewString() + "/fields", "application/json", `{"items":[1,"x",null]}`},
			{"PUT", "/sign/envelopes/" + id + "/documents:reorder", "application/json", `{"order":["x"]}`},
			{"POST", "/sign/envelopes/" + id + ":send-reminders", "application/json", `nul`},
			{"GET", "/sign/envelopes/" + id + ":unknown-verb", "", ``},
			{"DELETE", "/sign/envelopes", "", ``},
			{"POST", "/sign/conversions", "multipart/form-data; boundary=y", "--y--"},
			{"POST", "/oauth/token", "application/json", strings.Repeat("[", 100000)},
			{"GET", "/oauth/token", "", ``},
		}
		for _, c := range cases {
			req, _ := http.NewRequest(c.method, srv.URL()+c.path, strings.NewReader(c.body))
			if c.ct != "" {
				req.Header.Set("Content-Type", c.ct)
			}
			if !strings.HasPrefix(c.path, "/oauth") {
				must(t, src.RequestEditor(context.Background(), req))
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Errorf("%s %s: no answer (a panic?): %v", c.method, c.path, err)
				continue
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode < 400 || resp.StatusCode >= 500 {
				t.Errorf("%s %s %q: %d %s, want a 4xx", c.method, c.path, c.body, resp.StatusCode, b)
			}
		}
		srv.Close()
	}
}
