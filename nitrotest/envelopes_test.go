package nitrotest

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nitrokit/nitro/nitrotest/internal/api"
)

// BenchmarkListEnvelopesPerEnvelope walks the whole envelope listing, page
// by page, through the server's request pipeline in-process (token check,
// spec validation, routing, handler, JSON encoding) with no network between,
// so it prices the fake alone. Listing must cost the same per envelope at
// any number of envelopes, and deleted ones between them must not count.
//
// "x1k" is the ratio to the anchor, a listing of 1k envelopes walked
// (untimed) after each timed walk, as many times as lists as many
// envelopes: paired walk by walk over equal spans, the ratio holds on a
// machine whose load changes during the run.
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
			l := newListing(b, bb.n, bb.deleteEvery)
			anchor := newListing(b, 1000, 0)
			reps := max(l.listed/anchor.listed, 1)
			var timed, anchored time.Duration
			b.ReportAllocs()
			for b.Loop() {
				timed += l.walk(b)
				b.StopTimer()
				for range reps {
					anchored += anchor.walk(b)
				}
				b.StartTimer()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(l.listed), "ns/envelope")
			b.ReportMetric(float64(timed)/float64(l.listed)/(float64(anchored)/float64(reps*anchor.listed)), "x1k")
		})
	}
}

// listing is a Server holding envelopes and the URLs of its listing's pages.
type listing struct {
	s      *Server
	tok    string
	pages  []string
	listed int // envelopes a walk lists
}

// newListing creates n envelopes and deletes every deleteEvery-th (none if
// 0); the Server closes when tb ends.
func newListing(tb testing.TB, n, deleteEvery int) *listing {
	s := NewServer()
	tb.Cleanup(s.Close)
	ids := fill(tb, s, n)
	l := &listing{s: s, listed: n}
	for i := 0; deleteEvery > 0 && i < len(ids); i += deleteEvery {
		if _, err := s.DeleteEnvelope(context.Background(), api.DeleteEnvelopeRequestObject{EnvelopeID: ids[i]}); err != nil {
			tb.Fatal(err)
		}
		l.listed--
	}
	l.tok, _ = s.issue(s.cfg.creds.ClientID, nil)
	l.pages = listingURLs(tb, s, l.tok)
	return l
}

// walk serves every page of the listing and says how long that took.
func (l *listing) walk(tb testing.TB) time.Duration {
	start := time.Now()
	for _, u := range l.pages {
		serveList(tb, l.s, u, l.tok)
	}
	return time.Since(start)
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
