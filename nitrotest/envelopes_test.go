package nitrotest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/nitrokit/nitro/nitrotest/internal/api"
)

// listAnchor is the 1k sub-benchmark's ns/envelope, the anchor the 50k one
// reports its ratio against (0 when the 1k one did not run).
var listAnchor float64

// BenchmarkListEnvelopesPerEnvelope walks the whole envelope listing, page
// by page, through the server's request pipeline in-process (token check,
// spec validation, routing, handler, JSON encoding) with no network between,
// so it prices the fake alone. Listing must cost the same per envelope at
// any number of envelopes; 50k reports its ratio to 1k.
func BenchmarkListEnvelopesPerEnvelope(b *testing.B) {
	for _, n := range []int{1000, 50000} {
		b.Run(fmt.Sprintf("%dk", n/1000), func(b *testing.B) {
			s := NewServer()
			defer s.Close()
			fill(b, s, n)
			tok, _ := s.issue(s.cfg.creds.ClientID, nil)
			pages := listingURLs(b, s, tok)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				for _, u := range pages {
					serveList(b, s, u, tok)
				}
			}
			perEnvelope := float64(b.Elapsed().Nanoseconds()) / float64(b.N) / float64(n)
			b.ReportMetric(perEnvelope, "ns/envelope")
			switch {
			case n == 1000:
				listAnchor = perEnvelope
			case listAnchor > 0:
				b.ReportMetric(perEnvelope/listAnchor, "x1k")
			}
		})
	}
}

// fill creates n drafts through the handler.
func fill(tb testing.TB, s *Server, n int) {
	tb.Helper()
	body := &api.CreateEnvelopeJSONRequestBody{Name: "e", Mode: "parallel", Notification: api.Notification{Subject: "s", Body: "b"}}
	for range n {
		if _, err := s.CreateEnvelope(context.Background(), api.CreateEnvelopeRequestObject{Body: body}); err != nil {
			tb.Fatal(err)
		}
	}
}

// listingURLs walks the listing once and returns the URL of each page.
func listingURLs(tb testing.TB, s *Server, tok string) []string {
	tb.Helper()
	urls := []string{"/sign/envelopes"}
	for {
		var page struct{ NextPage *string }
		if err := json.Unmarshal(serveList(tb, s, urls[len(urls)-1], tok), &page); err != nil {
			tb.Fatal(err)
		}
		if page.NextPage == nil {
			return urls
		}
		urls = append(urls, "/sign/envelopes?pageAfter="+url.QueryEscape(*page.NextPage))
	}
}

func serveList(tb testing.TB, s *Server, u, tok string) []byte {
	r := httptest.NewRequest(http.MethodGet, u, nil)
	r.Header.Set("Authorization", "Bearer "+tok)
	w := httptest.NewRecorder()
	s.serveHTTP(w, r)
	if w.Code != http.StatusOK {
		tb.Fatalf("GET %s: %d %s", u, w.Code, w.Body)
	}
	return w.Body.Bytes()
}
