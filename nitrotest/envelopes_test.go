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
// "x1k" is the ratio to the anchor, a listing of 1k envelopes: after each
// timed page, one page of the anchor is served untimed, so the two are
// measured in alternation, page by page, and the ratio holds on a shared
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
			var timed, anchored time.Duration
			var timedN, anchoredN, next int
			b.ReportAllocs()
			for b.Loop() {
				for i := range l.pages {
					timed += l.serve(b, i)
					timedN += l.sizes[i]
					b.StopTimer()
					anchored += anchor.serve(b, next)
					anchoredN += anchor.sizes[next]
					next = (next + 1) % len(anchor.pages)
					b.StartTimer()
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(timedN), "ns/envelope")
			b.ReportMetric((float64(timed)/float64(timedN))/(float64(anchored)/float64(anchoredN)), "x1k")
		})
	}
}

// listing is a Server holding envelopes, and its listing's pages.
type listing struct {
	s     *Server
	tok   string
	pages []string // URLs
	sizes []int    // envelopes on each page
}

// newListing creates n envelopes and deletes every deleteEvery-th (none if
// 0); the Server closes when tb ends.
func newListing(tb testing.TB, n, deleteEvery int) *listing {
	s := NewServer()
	tb.Cleanup(s.Close)
	ids := fill(tb, s, n)
	for i := 0; deleteEvery > 0 && i < len(ids); i += deleteEvery {
		if _, err := (handlers{s}).DeleteEnvelope(context.Background(), api.DeleteEnvelopeRequestObject{EnvelopeID: ids[i]}); err != nil {
			tb.Fatal(err)
		}
	}
	l := &listing{s: s}
	l.tok, _ = s.issue(s.cfg.creds.ClientID, nil)
	l.walkOnce(tb)
	return l
}

// walkOnce follows nextPage through the listing to learn its pages.
func (l *listing) walkOnce(tb testing.TB) {
	tb.Helper()
	u := "/sign/envelopes"
	for {
		var page struct {
			Items    []json.RawMessage
			NextPage *string
		}
		if err := json.Unmarshal(serveList(tb, l.s, u, l.tok), &page); err != nil {
			tb.Fatal(err)
		}
		l.pages, l.sizes = append(l.pages, u), append(l.sizes, len(page.Items))
		if page.NextPage == nil {
			return
		}
		u = "/sign/envelopes?pageAfter=" + url.QueryEscape(*page.NextPage)
	}
}

// serve serves page i and says how long that took.
func (l *listing) serve(tb testing.TB, i int) time.Duration {
	start := time.Now()
	serveList(tb, l.s, l.pages[i], l.tok)
	return time.Since(start)
}

// fill creates n drafts through the handler and returns their IDs.
func fill(tb testing.TB, s *Server, n int) []uuid.UUID {
	tb.Helper()
	body := &api.CreateEnvelopeJSONRequestBody{Name: "e", Mode: "parallel", Notification: api.Notification{Subject: "s", Body: "b"}}
	ids := make([]uuid.UUID, 0, n)
	for range n {
		r, err := (handlers{s}).CreateEnvelope(context.Background(), api.CreateEnvelopeRequestObject{Body: body})
		if err != nil {
			tb.Fatal(err)
		}
		ids = append(ids, *r.(api.CreateEnvelope201JSONResponse).ID)
	}
	return ids
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
