package main

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"

	"github.com/nitrokit/nitro/nitrotest"
)

// adminPrefix is where the fake's admin endpoint lives, beside the API on
// the same address, so the exports that reach the fake reach it too.
const adminPrefix = "/_fake/"

// adminHook is one admin route: what tests drive through nitrotest's Go
// hooks, reachable from any language. Each is a POST; its answer is 204,
// or a problem+json.
type adminHook struct {
	command string // the `nitro fake` subcommand that calls it
	arg     string // its argument, the route's {id}; "" for none
	path    string // after adminPrefix, with {id}
	short   string
	body    string // the JSON body the route takes, if any
	do      func(s *nitrotest.Server, id string, r *http.Request) error
}

var adminHooks = []adminHook{
	{"sign", "ENVELOPE-ID", "envelopes/{id}/sign", "sign a sent envelope as its signers would (it seals after the seal delay)", "",
		func(s *nitrotest.Server, id string, _ *http.Request) error { return s.Sign(id) }},
	{"seal", "ENVELOPE-ID", "envelopes/{id}/seal", "seal a signed envelope now", "",
		func(s *nitrotest.Server, id string, _ *http.Request) error { return s.Seal(id) }},
	{"complete-job", "JOB-ID", "jobs/{id}/complete", "complete a running PDF job now", "",
		func(s *nitrotest.Server, id string, _ *http.Request) error { return s.CompleteJob(id) }},
	{"fail-job", "JOB-ID", "jobs/{id}/fail", "fail a running PDF job now, with a reason", `{"reason": "…"}`,
		func(s *nitrotest.Server, id string, r *http.Request) error {
			var body struct {
				Reason string `json:"reason"`
			}
			if err := decodeOptional(r, &body); err != nil {
				return err
			}
			return s.FailJob(id, cmp.Or(body.Reason, "failed by nitro fake"))
		}},
	{"cancel-job", "JOB-ID", "jobs/{id}/cancel", "cancel a running PDF job now", "",
		func(s *nitrotest.Server, id string, _ *http.Request) error { return s.CancelJob(id) }},
	{"expire-job", "JOB-ID", "jobs/{id}/expire", "make a PDF job expire now (410 from then on)", "",
		func(s *nitrotest.Server, id string, _ *http.Request) error { return s.ExpireJob(id) }},
	{"inject", "FAULT", "faults", "inject a fault for the next requests",
		`{"target": "token"|"api"|"op:NAME", "times": N, "status": CODE, "retry_after", "delay", "drop", "truncate_after", "body", "content_type"}`,
		func(s *nitrotest.Server, _ string, r *http.Request) error {
			var f faultSpec
			if err := decodeOptional(r, &f); err != nil {
				return err
			}
			target, n, fault, err := f.fault()
			if err != nil {
				return badInput{err}
			}
			if err := s.InjectFault(target, n, fault); err != nil {
				return badInput{err} // a misspelt operation, say
			}
			return nil
		}},
	{"revoke-tokens", "", "tokens/revoke", "revoke every token issued so far (401 from then on)", "",
		func(s *nitrotest.Server, _ string, _ *http.Request) error { s.RevokeTokens(); return nil }},
}

// badInput is an admin request the fake cannot act on: 400.
type badInput struct{ error }

// adminMiddleware serves the admin routes under adminPrefix and passes the
// rest to the fake. srv is set once NewServer returns; a request before
// that is answered 503.
func adminMiddleware(srv *atomic.Pointer[nitrotest.Server]) func(http.Handler) http.Handler {
	mux := http.NewServeMux()
	for _, h := range adminHooks {
		mux.HandleFunc("POST "+adminPrefix+h.path, func(w http.ResponseWriter, r *http.Request) {
			s := srv.Load()
			if s == nil {
				adminProblem(w, r, http.StatusServiceUnavailable, "the fake is starting")
				return
			}
			if err := h.do(s, r.PathValue("id"), r); err != nil {
				adminError(w, r, err)
				return
			}
			w.WriteHeader(http.StatusNoContent)
		})
	}
	mux.HandleFunc("GET "+adminPrefix+"stats", func(w http.ResponseWriter, r *http.Request) {
		s := srv.Load()
		if s == nil {
			adminProblem(w, r, http.StatusServiceUnavailable, "the fake is starting")
			return
		}
		writeJSON(w, http.StatusOK, s.Stats())
	})
	mux.HandleFunc(adminPrefix, func(w http.ResponseWriter, r *http.Request) {
		adminProblem(w, r, http.StatusNotFound, "no admin route "+r.Method+" "+r.URL.Path+"; the routes:\n"+adminRoutes())
	})
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, adminPrefix) {
				mux.ServeHTTP(w, r)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// adminRoutes lists the admin routes, for help texts and 404s.
func adminRoutes() string {
	var b strings.Builder
	for _, h := range adminHooks {
		fmt.Fprintf(&b, "  POST %s%s: %s\n", adminPrefix, h.path, h.short)
		if h.body != "" {
			fmt.Fprintf(&b, "       body: %s\n", h.body)
		}
	}
	fmt.Fprintf(&b, "  GET  %sstats: the requests the fake has counted\n", adminPrefix)
	return b.String()
}

// decodeOptional decodes a JSON body into v, if there is one.
func decodeOptional(r *http.Request, v any) error {
	if r.ContentLength == 0 {
		return nil
	}
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return badInput{fmt.Errorf("the body is not the JSON this route takes: %w", err)}
	}
	return nil
}

// adminError answers a hook's error: 404 for an unknown envelope or job,
// 400 for a bad request, 409 for one whose state forbids it.
func adminError(w http.ResponseWriter, r *http.Request, err error) {
	var bad badInput
	switch {
	case errors.Is(err, nitrotest.ErrNoEnvelope), errors.Is(err, nitrotest.ErrNoJob):
		adminProblem(w, r, http.StatusNotFound, err.Error())
	case errors.As(err, &bad):
		adminProblem(w, r, http.StatusBadRequest, err.Error())
	default:
		adminProblem(w, r, http.StatusConflict, err.Error())
	}
}

func adminProblem(w http.ResponseWriter, r *http.Request, status int, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	b, _ := json.Marshal(map[string]any{"type": "about:blank", "title": http.StatusText(status), "status": status, "detail": detail, "instance": r.URL.Path})
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
