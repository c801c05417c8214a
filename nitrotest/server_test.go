package nitrotest

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"strings"
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

// TestWithListener: the Server serves on the listener it is given, says so in
// URL, and closes it on Close.
func TestWithListener(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := NewServer(WithListener(l))
	if want := "http://" + l.Addr().String(); srv.URL() != want {
		t.Errorf("URL() = %q, want the listener's %q", srv.URL(), want)
	}
	resp, err := http.Post(srv.TokenURL(), "application/json",
		strings.NewReader(`{"clientID":"nitrotest-client","clientSecret":"nitrotest-secret"}`))
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("token request on the given listener: %d, want 200", resp.StatusCode)
	}
	http.DefaultClient.CloseIdleConnections()
	srv.Close()
	if c, err := net.Dial("tcp", l.Addr().String()); err == nil {
		c.Close()
		t.Error("the listener still accepts connections after Close")
	}
}

// TestWithMiddleware: the middleware answers its own route, and what it
// passes on reaches the fake, which still needs its token.
func TestWithMiddleware(t *testing.T) {
	srv := NewServer(WithMiddleware(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/_mine" {
				io.WriteString(w, "mine")
				return
			}
			next.ServeHTTP(w, r)
		})
	}))
	defer srv.Close()
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := srv.Client().Get(srv.URL() + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get("/_mine"); code != http.StatusOK || body != "mine" {
		t.Errorf("the middleware's route answered %d %q, want 200 \"mine\"", code, body)
	}
	if code, _ := get("/sign/envelopes"); code != http.StatusUnauthorized {
		t.Errorf("an API call without a token answered %d, want the fake's 401", code)
	}
	if n := srv.Stats().Operations["ListEnvelopes"]; n != 1 {
		t.Errorf("the fake counted %d ListEnvelopes, want 1: the middleware's own route must not reach it", n)
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
