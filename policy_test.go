package nitro

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/nitrokit/nitro/auth"
	"github.com/nitrokit/nitro/internal/engine"
)

// shouldRetry is the default policy's decision for one attempt.
func shouldRetry(p *policy, req *http.Request, resp *http.Response, err error, wrote bool) bool {
	if p.MaxRetryAfter == 0 {
		p.RetryPolicy, _ = p.RetryPolicy.withDefaults()
	}
	if p.now == nil {
		p.now = time.Now
	}
	if p.redact == nil {
		p.redact = func(s string) string { return s }
	}
	v := p.judge(engine.Judged{Req: req, N: 1, Resp: resp, Err: err, Wrote: wrote})
	return v.Retry && (req.Body == nil || req.Body == http.NoBody || req.GetBody != nil)
}

func TestShouldRetry(t *testing.T) {
	p := &policy{}
	stream := func() *http.Request {
		r, _ := http.NewRequest(http.MethodPut, "https://x/", nil)
		r.Body = struct{ io.ReadCloser }{io.NopCloser(strings.NewReader("s"))} // no GetBody
		return r
	}
	req := func(method string) *http.Request {
		r, _ := http.NewRequest(method, "https://x/", strings.NewReader("{}"))
		return r
	}
	resp := func(code int) *http.Response { return &http.Response{StatusCode: code, Header: http.Header{}} }
	connErr := errors.New("connection reset")
	tests := []struct {
		name  string
		req   *http.Request
		resp  *http.Response
		err   error
		wrote bool
		want  bool
	}{
		{"GET 503", req(http.MethodGet), resp(503), nil, true, true},
		{"PUT 500", req(http.MethodPut), resp(500), nil, true, true},
		{"DELETE 408", req(http.MethodDelete), resp(408), nil, true, true},
		{"GET connection error", req(http.MethodGet), nil, connErr, true, true},
		{"POST 429", req(http.MethodPost), resp(429), nil, true, true},
		{"PATCH 429", req(http.MethodPatch), resp(429), nil, true, true},
		{"POST 500", req(http.MethodPost), resp(500), nil, true, false},
		{"PATCH 503", req(http.MethodPatch), resp(503), nil, true, false},
		{"POST 408", req(http.MethodPost), resp(408), nil, true, false},
		{"POST error after writing", req(http.MethodPost), nil, connErr, true, false},
		{"POST error before writing", req(http.MethodPost), nil, connErr, false, true},
		{"GET 400", req(http.MethodGet), resp(400), nil, true, false},
		{"GET 404", req(http.MethodGet), resp(404), nil, true, false},
		{"unrewindable PUT 503", stream(), resp(503), nil, true, false},
		{"unrewindable PUT 429", stream(), resp(429), nil, true, false},
		{"GET wrong secret", req(http.MethodGet), nil, &auth.Error{StatusCode: 401, Code: "invalid_client"}, false, false},
		{"GET token endpoint down, auth budget spent", req(http.MethodGet), nil, &auth.Error{Retryable: true, Attempts: 4, Err: connErr}, false, false},
		{"GET insecure URL", req(http.MethodGet), nil, fmt.Errorf("wrapped: %w", auth.ErrInsecureURL), false, false},
		{"GET source closed", req(http.MethodGet), nil, auth.ErrClosed, false, false},
	}
	for _, tt := range tests {
		if got, _ := shouldRetry(p, tt.req, tt.resp, tt.err, tt.wrote), 0; got != tt.want {
			t.Errorf("%s: shouldRetry = %v, want %v", tt.name, got, tt.want)
		}
	}
}
