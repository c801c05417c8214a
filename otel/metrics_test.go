package otel_test

import (
	"strings"
	"testing"

	"github.com/nitrokit/nitro"
)

// TestMetricsOfOneCall: a call answered 503 then 200 records
// http.client.request.duration for each request on the wire (its token
// request, its two attempts) and one call's duration and attempts, with
// the route's template and never its URL.
func TestMetricsOfOneCall(t *testing.T) {
	r := newRig(t, nitro.Config{})
	subst := r.retriedCall(t)
	got := r.collect(t)
	const (
		at   = " server.address=127.0.0.1 server.port=PORT"
		tmpl = " url.template=/sign/envelopes/{envelopeID}"
	)
	for _, m := range []struct {
		name, unit string
		points     map[string]point
	}{
		{"http.client.request.duration", "s", map[string]point{
			"http.request.method=POST http.response.status_code=200" + at + " url.template=/oauth/token": {count: 1},
			"error.type=503 http.request.method=GET http.response.status_code=503" + at + tmpl:           {count: 1},
			"http.request.method=GET http.response.status_code=200" + at + tmpl:                          {count: 1},
		}},
		{"nitro.client.call.duration", "s", map[string]point{
			"http.request.method=GET http.response.status_code=200 nitro.outcome=done" + at + tmpl: {count: 1},
		}},
		{"nitro.client.call.attempts", "{attempt}", map[string]point{
			"http.request.method=GET http.response.status_code=200 nitro.outcome=done" + at + tmpl: {count: 1, sum: 2},
		}},
	} {
		data, ok := got[m.name]
		if !ok {
			t.Fatalf("no %s among %d metrics", m.name, len(got))
		}
		if data.Unit != m.unit {
			t.Errorf("%s: unit %q, want %q", m.name, data.Unit, m.unit)
		}
		points := histogram(t, data.Data, subst...)
		for attrs, p := range points {
			want, ok := m.points[attrs]
			if !ok || p.count != want.count || (want.sum != 0 && p.sum != want.sum) || p.sum <= 0 {
				t.Errorf("%s: point {%s} count %d sum %v; want one of %v", m.name, attrs, p.count, p.sum, m.points)
			}
			if strings.Contains(attrs, "/ID") || strings.Contains(attrs, "HOST:PORT") || strings.Contains(attrs, "http://") {
				t.Errorf("%s: point {%s} names a URL or an ID", m.name, attrs)
			}
		}
		if len(points) != len(m.points) {
			t.Errorf("%s: %d points, want %d: %v", m.name, len(points), len(m.points), points)
		}
	}
}
