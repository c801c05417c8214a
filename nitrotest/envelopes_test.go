package nitrotest

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/google/uuid"

	"github.com/nitrokit/nitro/nitrotest/internal/api"
)

// listAnchor is the 1k sub-benchmark's ns/envelope, the anchor the 50k one
// reports its ratio against (0 when the 1k one did not run).
var listAnchor float64

// BenchmarkListEnvelopesPerEnvelope walks the whole envelope listing, page
// by page, through the server's request pipeline in-process (token check,
// spec validation, routing, handler, JSON encoding) with no network between,
// so it prices the fake alone. Listing must cost the same per envelope at
// any number of envelopes, and deleted ones between them must not count:
// the others report their ratio to 1k.
func BenchmarkListEnvelopesPerEnvelope(b *testing.B) {
	for _, bb := range []struct {
		name           string
		n, deleteEvery int // envelopes created, and every how many is deleted (0: none)
	}{
		{"1k", 1000, 0},
		{"50k", 50000, 0},
		{"50k-half-deleted", 50000, 2},
	} {
		b.Run(bb.name, func(b *testing.B) {
			s := NewServer()
			defer s.Close()
			ids := fill(b, s, bb.n)
			n := bb.n
			if bb.deleteEvery > 0 {
				for i := 0; i < len(ids); i += bb.deleteEvery {
					if _, err := s.DeleteEnvelope(context.Background(), api.DeleteEnvelopeRequestObject{EnvelopeID: ids[i]}); err != nil {
						b.Fatal(err)
					}
					n--
				}
			}
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
			case bb.name == "1k":
				listAnchor = perEnvelope
			case listAnchor > 0:
				b.ReportMetric(perEnvelope/listAnchor, "x1k")
			}
		})
	}
}

// fill creates n drafts through the handler and returns their IDs.
func fill(tb testing.TB, s *Server, n int) []uuid.UUID {
	tb.Helper()
	body := &api.CreateEnvelopeJSONRequestBody{Name: "e", Mode: "parallel", Notification: api.Notification{Subject: "s", Body: "b"}}
	ids := make([]uuid.UUID, 0, n)
	for range n {
		r, err := s.CreateEnvelope(context.Background(), api.CreateEnvelopeRequestObject{Body: body})
		if err != nil {
			tb.Fatal(err)
		}
		ids = append(ids, *r.(api.CreateEnvelope201JSONResponse).ID)
	}
	return ids
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
