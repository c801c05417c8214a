package nitrotest

import (
	"net/http"
	"reflect"
	"runtime"
	"strings"
)

// router adapts net/http's ServeMux to the spec's custom-method paths
// ("/sign/envelopes/{envelopeID}:cancel"). ServeMux wildcards must fill a
// whole segment, so the generated registration of such a pattern panics.
// router moves a segment's ":verb" suffix into a segment of its own, in the
// patterns it registers and in the paths it serves, and the real ServeMux
// does the rest. It also remembers which operation each pattern serves.
type router struct {
	mux *http.ServeMux
	ops map[string]string // registered pattern -> operation name
}

func newRouter() *router { return &router{mux: http.NewServeMux(), ops: map[string]string{}} }

// HandleFunc registers a generated handler; it satisfies api.ServeMux.
func (rt *router) HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request)) {
	method, path, _ := strings.Cut(pattern, " ")
	p := method + " " + splitVerbs(path)
	rt.mux.HandleFunc(p, h)
	rt.ops[p] = operationName(h)
}

// ServeHTTP serves a request whose path was already split by route.
func (rt *router) ServeHTTP(w http.ResponseWriter, r *http.Request) { rt.mux.ServeHTTP(w, r) }

// route returns the request to serve (its path split) and the name of the
// operation it reaches, "" if none.
func (rt *router) route(r *http.Request) (*http.Request, string) {
	if split := splitVerbs(r.URL.Path); split != r.URL.Path {
		r2 := r.Clone(r.Context())
		r2.URL.Path, r2.URL.RawPath = split, ""
		r = r2
	}
	_, pattern := rt.mux.Handler(r)
	return r, rt.ops[pattern]
}

// splitVerbs turns ".../x:verb" segments into ".../x/:verb".
func splitVerbs(path string) string {
	if !strings.Contains(path, ":") {
		return path
	}
	segs := strings.Split(path, "/")
	for i, s := range segs {
		if j := strings.LastIndexByte(s, ':'); j > 0 {
			segs[i] = s[:j] + "/" + s[j:]
		}
	}
	return strings.Join(segs, "/")
}

// operationName reads the operation from the generated wrapper method's name
// ("….(*ServerInterfaceWrapper).CreateEnvelope-fm"), the one place the
// generated registration names it.
func operationName(h func(http.ResponseWriter, *http.Request)) string {
	name := runtime.FuncForPC(reflect.ValueOf(h).Pointer()).Name()
	name = strings.TrimSuffix(name, "-fm")
	return name[strings.LastIndexByte(name, '.')+1:]
}
