package nitrotest

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/nitrokit/nitro/nitrotest/internal/api"
)

// httptestAnchor is the "httptest" sub-benchmark's ns/op in this run, the
// anchor the others report against (0 when it did not run).
var httptestAnchor float64

// BenchmarkNewServer prices a Server once the process has parsed the spec:
// it should cost about what the bare loopback server under it does (the
// anchor, "httptest", run first). "first-spec" is what the first Server of
// a process pays on top, parsing and routing the embedded spec, which
// embeddedValidator pays once so that no other Server does.
func BenchmarkNewServer(b *testing.B) {
	if _, err := embeddedValidator(); err != nil {
		b.Fatal(err)
	}
	for _, bb := range []struct {
		name string
		run  func(b *testing.B)
	}{
		{"httptest", func(*testing.B) { httptest.NewServer(http.NotFoundHandler()).Close() }},
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
			b.ReportAllocs()
			for b.Loop() {
				bb.run(b)
			}
			perOp := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
			switch {
			case bb.name == "httptest":
				httptestAnchor = perOp
			case httptestAnchor > 0:
				b.ReportMetric(perOp/httptestAnchor, "x-httptest")
			}
		})
	}
}
