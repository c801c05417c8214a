package nitrotest

import (
	"net/http"
	"net/http/httptest"
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
			doc, err := api.GetSwagger()
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
