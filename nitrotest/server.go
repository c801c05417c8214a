package nitrotest

import (
	"crypto/rand"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"slices"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/nitrokit/nitro/auth"
	"github.com/nitrokit/nitro/nitrotest/internal/api"
)

// Server is a fake Nitro (Sign and PDF Services, and the token endpoint)
// on a loopback address, in the manner of httptest.Server. It is safe for
// concurrent use.
type Server struct {
	cfg    config
	srv    *httptest.Server
	router *router
	valid  *validator // nil with WithoutValidation
	tokens tokens
	faults faults
	stats  stats
	state  state
	pdf    pdfState
	staged staging
	pdfs   *pdfRouter

	now func() time.Time // test seam
}

// handlers is a Server as oapi-codegen's strict server sees it: one method
// per Sign operation, taking and returning the generated request and
// response objects. They live on this unexported type, not on Server, so
// that `go doc` of Server lists what a test calls (URL, Sign, FailJob,
// InjectFault, Stats, …) and no internal type leaks into its method set.
type handlers struct{ *Server }

var _ api.StrictServerInterface = handlers{}

// NewServer starts a fake Nitro server on loopback (or on WithListener's
// listener). Close it when done. A nil Option is skipped.
func NewServer(opts ...Option) *Server {
	cfg := defaultConfig()
	for _, opt := range opts {
		if opt != nil {
			opt(&cfg)
		}
	}
	s := &Server{cfg: cfg, router: newRouter(), now: cfg.now}
	s.tokens.key = make([]byte, 32)
	_, _ = rand.Read(s.tokens.key)
	s.tokens.issued = map[string]grant{}
	s.state.init()
	s.faults.init()
	s.pdf.init()
	s.pdfs = s.newPDFRouter()
	s.valid = cfg.validator()
	strict := api.NewStrictHandlerWithOptions(handlers{s}, nil, api.StrictHTTPServerOptions{
		RequestErrorHandlerFunc:  badRequest,
		ResponseErrorHandlerFunc: internalError,
	})
	api.HandlerWithOptions(strict, api.StdHTTPServerOptions{BaseRouter: s.router, ErrorHandlerFunc: badRequest})
	var h http.Handler = http.HandlerFunc(s.serveHTTP)
	if cfg.middleware != nil {
		h = cfg.middleware(h)
	}
	s.srv = httptest.NewUnstartedServer(h)
	if cfg.listener != nil {
		s.srv.Listener.Close()
		s.srv.Listener = cfg.listener
	}
	s.srv.Start()
	return s
}

// URL is the base URL of the API, such as http://127.0.0.1:41234.
func (s *Server) URL() string { return s.srv.URL }

// TokenURL is the token endpoint, URL()+"/oauth/token", for both flows.
func (s *Server) TokenURL() string { return s.srv.URL + "/oauth/token" }

// Credentials is the client pair the token endpoint accepts.
func (s *Server) Credentials() auth.Credentials { return s.cfg.creds }

// Client returns an http.Client for the server, as httptest's does.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// CloseClientConnections closes every connection a client holds open to
// the server, idle or busy, as a server restart or a load balancer would:
// for testing how a client reconnects.
func (s *Server) CloseClientConnections() { s.srv.CloseClientConnections() }

// Close shuts the server down, waiting for requests in flight, and stops
// pending automatic seals, PDF jobs, status streams and deliveries.
func (s *Server) Close() {
	s.faults.close() // first: delays in flight end, so srv.Close returns
	s.pdf.close()    // and status streams in flight end
	s.srv.Close()
	s.state.close()
	s.staged.close()
}

// serveHTTP is the pipeline every request goes through: count, fault,
// authenticate, validate, serve.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Request-Id", uuid.NewString())
	if r.URL.Path == "/oauth/token" {
		s.stats.token()
		w, done := s.fault(w, r, "")
		if !done {
			s.serveToken(w, r)
		}
		return
	}
	routed, op := s.router.route(r)
	pdfOp, pdf := s.pdfs.route(s, r)
	if pdf != nil {
		op = pdfOp
	}
	s.stats.api(op)
	w, done := s.fault(w, r, op)
	if done {
		return
	}
	if pdf == nil || needsToken(op) {
		if p, ok := s.authorize(r); !ok {
			writeProblem(w, p)
			return
		}
	}
	if pdf != nil {
		// PDF Services requests are checked by their handlers, not
		// against the Sign spec, which knows these paths without a body.
		pdf.ServeHTTP(w, r)
		return
	}
	if op == "" {
		writeProblem(w, newProblem(http.StatusNotFound, r.URL.Path, "No operation %s %s", r.Method, r.URL.Path))
		return
	}
	// net/http drops a query it cannot parse and the handler would see no
	// parameters at all; say so instead.
	if _, err := url.ParseQuery(r.URL.RawQuery); err != nil {
		writeProblem(w, validationError(r.URL.Path, map[string]string{"query": err.Error()}))
		return
	}
	if s.valid != nil {
		if p, ok := s.valid.check(r, routed, op); !ok {
			writeProblem(w, p)
			return
		}
	}
	s.router.ServeHTTP(w, routed)
}

func (s *Server) fault(w http.ResponseWriter, r *http.Request, op string) (http.ResponseWriter, bool) {
	f, ok := s.faults.take(op)
	if !ok {
		return w, false
	}
	return f.apply(w, r, s.faults.stop)
}

// knownOperation reports whether name is an operation the fake serves, as
// Stats counts it: the Sign spec's, or PDF Services'.
func (s *Server) knownOperation(name string) bool {
	if _, ok := reflect.TypeFor[api.StrictServerInterface]().MethodByName(name); ok {
		return true
	}
	return slices.Contains(slices.Collect(maps.Values(s.pdfs.ops)), name)
}

func badRequest(w http.ResponseWriter, r *http.Request, err error) {
	writeProblem(w, newProblem(http.StatusBadRequest, r.URL.Path, "%v", err))
}

func internalError(w http.ResponseWriter, r *http.Request, err error) {
	writeProblem(w, newProblem(http.StatusInternalServerError, r.URL.Path, "%v", err))
}

// Stats counts the requests a Server received.
type Stats struct {
	// TokenRequests counts requests to the token endpoint.
	TokenRequests int
	// Operations counts API requests by operation name as in gen
	// ("CreateEnvelope"); requests that match no operation count under "".
	Operations map[string]int
}

type stats struct {
	mu     sync.Mutex
	tokens int
	ops    map[string]int
}

func (st *stats) token() {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.tokens++
}

func (st *stats) api(op string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.ops == nil {
		st.ops = map[string]int{}
	}
	st.ops[op]++
}

// Stats returns the requests counted so far.
func (s *Server) Stats() Stats {
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	ops := make(map[string]int, len(s.stats.ops))
	for k, v := range s.stats.ops {
		ops[k] = v
	}
	return Stats{TokenRequests: s.stats.tokens, Operations: ops}
}
