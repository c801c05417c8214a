package nitrotest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"testing"
	"time"

	"github.com/nitrokit/nitro/nitrotest/internal/api"
)

// BenchmarkNewServer prices a Server once the process has parsed the spec:
// it should cost about what the bare loopback server under it does, the
// anchor ("httptest" times it alone; after each timed run one runs untimed,
// and "x-httptest" is the ratio, paired run by run so that it holds on a
// shared machine whose load changes). "first-spec" is what the first Server
// of a process pays on top, parsing and routing the embedded spec, which
// embeddedValidator pays once so that no other Server does.
func BenchmarkNewServer(b *testing.B) {
	if _, err := embeddedValidator(); err != nil {
		b.Fatal(err)
	}
	bare := func(*testing.B) { httptest.NewServer(http.NotFoundHandler()).Close() }
	for _, bb := range []struct {
		name string
		run  func(b *testing.B)
	}{
		{"httptest", bare},
		{"warm", func(*testing.B) { NewServer().Close() }},
		{"first-spec", func(b *testing.B) {
			doc, err := api.GetSpec()
			if err == nil {
				_, err = validatorFor(doc)
			}
			if err != nil {
				b.Fatal(err)
			}
		}},
	} {
		b.Run(bb.name, func(b *testing.B) {
			var timed, anchored time.Duration
			b.ReportAllocs()
			for b.Loop() {
				start := time.Now()
				bb.run(b)
				timed += time.Since(start)
				b.StopTimer()
				start = time.Now()
				bare(b)
				anchored += time.Since(start)
				b.StartTimer()
			}
			b.ReportMetric(float64(timed)/float64(anchored), "x-httptest")
		})
	}
}

// TestCloseClientConnections: a client's kept-alive connection is closed,
// and its next request goes out on a new one.
func TestCloseClientConnections(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	hc := srv.Client()
	reused := func() bool {
		t.Helper()
		var got bool
		ctx := httptrace.WithClientTrace(t.Context(), &httptrace.ClientTrace{GotConn: func(i httptrace.GotConnInfo) { got = i.Reused }})
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL()+"/nowhere", nil)
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return got
	}
	reused()
	if !reused() {
		t.Fatal("the second request did not reuse the connection; the test cannot tell a closed one")
	}
	srv.CloseClientConnections()
	if reused() {
		t.Error("after CloseClientConnections, a request reused the old connection")
	}
}

// TestNewServerSkipsANilOption: a nil Option is no option, not a panic.
func TestNewServerSkipsANilOption(t *testing.T) {
	var none Option
	srv := NewServer(none, WithPageSize(3), nil)
	defer srv.Close()
	if srv.cfg.pageSize != 3 {
		t.Errorf("page size %d: the options after the nil one were lost", srv.cfg.pageSize)
	}
}
