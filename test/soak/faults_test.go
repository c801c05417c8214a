package soak

import (
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/nitrokit/nitro/internal/testkit/lossy"
	"github.com/nitrokit/nitro/nitrotest"
)

// operations are the fake's operations the flows call, which a fault may
// target by name; the PDF calls are reached through AnyOperation.
var operations = []string{
	"CreateEnvelope", "CreateDocument", "CreateParticipant", "CreateField", "SendForSigning",
	"GetEnvelope", "ListEnvelopes", "ListDocuments", "ListParticipants", "ListFields",
	"DownloadSealedEnvelope", "DeleteEnvelope",
}

// inject makes the next request matching target suffer f. It runs on the
// workers' goroutines, so a refused fault is an Error, not a Fatal.
func (r *run) inject(target nitrotest.Target, f nitrotest.Fault) {
	if err := r.srv.InjectFault(target, 1, f); err != nil {
		r.t.Error(err)
	}
}

// injectFault makes one random thing go wrong for a coming request: at the
// token endpoint (an error status, a dropped connection, every token
// revoked), at the fake before it acts (an error status, a 429, a dropped
// connection, a delay, a body cut short), or at the proxy after the fake
// acted (the answer dropped, cut short, or stalled until the attempt times
// out).
func (r *run) injectFault() {
	r.faults.Add(1)
	kind := ""
	switch n := rand.N(20); {
	case n < 3:
		f := pick(nitrotest.Fault{Status: 503}, nitrotest.Fault{Status: 500}, nitrotest.Fault{Status: 429, RetryAfter: "0"}, nitrotest.Fault{Drop: true})
		r.inject(nitrotest.TokenEndpoint, f)
		kind = "token endpoint " + describe(f)
	case n < 4:
		r.srv.RevokeTokens()
		kind = "tokens revoked"
	case n < 13:
		target := nitrotest.AnyOperation
		if rand.N(2) == 0 {
			target = nitrotest.Operation(pick(operations...))
		}
		f := pick(
			nitrotest.Fault{Status: pick(500, 502, 503, 504, 408)},
			nitrotest.Fault{Status: 429, RetryAfter: "0"},
			nitrotest.Fault{Drop: true},
			nitrotest.Fault{Delay: time.Duration(rand.N(100)) * time.Millisecond},
			nitrotest.Fault{Truncate: true, TruncateAfter: rand.N(200)},
		)
		r.inject(target, f)
		kind = "API " + describe(f)
	default:
		loss := pick(lossy.Drop, lossy.Cut, lossy.Stall)
		method := pick("POST", "GET", "DELETE", "PUT")
		r.proxy.LoseNext(1, lossy.Method(method, pick("/sign/envelopes", "/transformations", "/extractions", "/jobs/")), loss)
		kind = "answer lost after the fact: " + [...]string{"dropped", "cut", "stalled"}[loss]
	}
	r.mu.Lock()
	r.byFault[kind]++
	r.mu.Unlock()
}

func pick[T any](xs ...T) T { return xs[rand.N(len(xs))] }

func describe(f nitrotest.Fault) string {
	switch {
	case f.Status != 0:
		return strconv.Itoa(f.Status)
	case f.Drop:
		return "dropped"
	case f.Truncate:
		return "cut short"
	}
	return "delayed"
}
