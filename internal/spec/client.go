package spec

import (
	"cmp"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// What the clients can send. The generated code compiles whatever the spec
// says, so a spec that requires something no client sends would generate a
// client that compiles and fails on every call: these checks fail `make
// spec`, `make generate` and `make spec-update` instead (and `make drift`
// reports them as breaking), naming the operation and what to change.

// SentByExtension marks a required header (or cookie) parameter that a
// client does send: the overlay adds it, naming who sends it (a typed
// method's Params field, pdf's request builder, auth's token request), once
// that code does.
const SentByExtension = "x-nitro-sent-by"

// CheckClient judges the post-overlay document against what the clients
// can send: a security requirement the client cannot satisfy, a required
// header nobody sends, servers that do not include baseURL (the client's
// default, nitro.DefaultBaseURL; "" skips that check), and a tool list
// (x-nitro-tools) that the overlay's request schemas do not cover exactly.
// Every finding is breaking.
func CheckClient(doc *Document, baseURL string) []Finding {
	if doc == nil {
		return nil
	}
	var out []Finding
	out = append(out, checkSecurity(doc)...)
	out = append(out, checkHeaders(doc)...)
	out = append(out, checkServers(doc, baseURL)...)
	out = append(out, checkTools(doc)...)
	return out
}

// operations calls f for every operation, sorted by path and method.
func operations(doc *Document, f func(path, method string, item *openapi3.PathItem, op *openapi3.Operation)) {
	if doc == nil || doc.Paths == nil {
		return
	}
	for _, path := range slices.Sorted(maps.Keys(doc.Paths.Map())) {
		item := doc.Paths.Value(path)
		ops := item.Operations()
		for _, method := range slices.Sorted(maps.Keys(ops)) {
			f(path, method, item, ops[method])
		}
	}
}

func opName(path, method string, op *openapi3.Operation) string {
	s := strings.ToUpper(method) + " " + path
	if op.OperationID != "" {
		s += " (" + op.OperationID + ")"
	}
	return s
}

// requirements is an operation's effective security: its own, else the
// document's.
func requirements(doc *Document, op *openapi3.Operation) openapi3.SecurityRequirements {
	if op.Security != nil {
		return *op.Security
	}
	return doc.Security
}

// clientSchemes says whether the client can satisfy a security scheme. It
// authenticates with a bearer token (auth.Transport sets Authorization:
// Bearer), which is what an http bearer scheme, an OAuth 2 scheme and an
// OpenID Connect scheme take. Another kind of credential (an API key, basic
// auth, mutual TLS) needs support in auth/ first, then a case here.
func clientSchemes(s *openapi3.SecurityScheme) bool {
	if s == nil {
		return false
	}
	switch s.Type {
	case "http":
		return strings.EqualFold(s.Scheme, "bearer")
	case "oauth2", "openIdConnect":
		return true
	}
	return false
}

// describeScheme names a scheme and what it takes.
func describeScheme(doc *Document, name string) string {
	ref := doc.Components.SecuritySchemes[name]
	if ref == nil || ref.Value == nil {
		return name + " (undefined)"
	}
	s := ref.Value
	switch s.Type {
	case "apiKey":
		return fmt.Sprintf("%s (an API key in %s %q)", name, s.In, s.Name)
	case "http":
		return fmt.Sprintf("%s (http %s)", name, s.Scheme)
	}
	return fmt.Sprintf("%s (%s)", name, s.Type)
}

func checkSecurity(doc *Document) []Finding {
	var out []Finding
	operations(doc, func(path, method string, _ *openapi3.PathItem, op *openapi3.Operation) {
		reqs := requirements(doc, op)
		if len(reqs) == 0 {
			return
		}
		var alts []string
		for _, req := range reqs {
			ok := true
			var names []string
			for _, name := range slices.Sorted(maps.Keys(req)) {
				names = append(names, describeScheme(doc, name))
				ref := doc.Components.SecuritySchemes[name]
				if ref == nil || !clientSchemes(ref.Value) {
					ok = false
				}
			}
			if ok {
				return // one alternative the client satisfies (or none needed)
			}
			alts = append(alts, strings.Join(names, " and "))
		}
		out = append(out, Finding{Breaking: true, Kind: "security", Msg: fmt.Sprintf(
			"%s requires %s; the client authenticates only with a bearer token (auth.Transport), so every call would be refused: "+
				"support that credential in auth/ and accept its scheme in internal/spec (clientSchemes), or, if upstream's security is a mistake, fix it with a guarded overlay action",
			opName(path, method, op), strings.Join(alts, ", or "))})
	})
	return out
}

// ignoredHeaders are the header parameters OpenAPI says are ignored.
var ignoredHeaders = []string{"accept", "content-type", "authorization"}

func checkHeaders(doc *Document) []Finding {
	var out []Finding
	operations(doc, func(path, method string, item *openapi3.PathItem, op *openapi3.Operation) {
		params := append(slices.Clone(item.Parameters), op.Parameters...)
		for _, p := range params {
			if p == nil || p.Value == nil || !p.Value.Required || (p.Value.In != "header" && p.Value.In != "cookie") {
				continue
			}
			if slices.Contains(ignoredHeaders, strings.ToLower(p.Value.Name)) || p.Value.Extensions[SentByExtension] != nil {
				continue
			}
			out = append(out, Finding{Breaking: true, Kind: "header", Msg: fmt.Sprintf(
				"%s requires %s %q, which no client sends: the raw client takes it in the operation's Params, but the calls built on it "+
					"(sign's typed methods, pdf's tool calls, auth's token request) do not set it. Make them send it, then mark the parameter "+
					"%s: <who sends it> with an overlay action",
				opName(path, method, op), p.Value.In, p.Value.Name, SentByExtension)})
		}
	})
	return out
}

// serverURLs are the URLs a servers list names, variables at their
// defaults, without a trailing slash.
func serverURLs(servers openapi3.Servers) []string {
	var out []string
	for _, s := range servers {
		if s == nil {
			continue
		}
		u := s.URL
		for name, v := range s.Variables {
			if v != nil {
				u = strings.ReplaceAll(u, "{"+name+"}", v.Default)
			}
		}
		out = append(out, strings.TrimSuffix(u, "/"))
	}
	return out
}

func checkServers(doc *Document, baseURL string) []Finding {
	if baseURL == "" {
		return nil
	}
	base := strings.TrimSuffix(baseURL, "/")
	var out []Finding
	check := func(where string, servers openapi3.Servers) {
		urls := serverURLs(servers)
		if len(urls) == 0 || slices.Contains(urls, base) {
			return
		}
		out = append(out, Finding{Breaking: true, Kind: "servers", Msg: fmt.Sprintf(
			"%s lists servers %v, not nitro.DefaultBaseURL %q (config.go), where the client sends every call by default: "+
				"if Nitro moved the API, change DefaultBaseURL in config.go (and the fake's default in nitrotest); if upstream's servers are wrong, fix them with a guarded overlay action",
			where, urls, baseURL)})
	}
	check("the spec", doc.Servers)
	if doc.Paths != nil {
		for _, path := range slices.Sorted(maps.Keys(doc.Paths.Map())) {
			item := doc.Paths.Value(path)
			check("path "+path, item.Servers)
			ops := item.Operations()
			for _, method := range slices.Sorted(maps.Keys(ops)) {
				if s := ops[method].Servers; s != nil {
					check(opName(path, method, ops[method]), *s)
				}
			}
		}
	}
	return out
}

// checkTools checks each operation that lists its tools (x-nitro-tools)
// and whose request body the overlay models per tool (variants naming
// x-nitro-tool or x-nitro-tools): every tool listed must have exactly one
// variant, and every variant's tool must be listed.
func checkTools(doc *Document) []Finding {
	var out []Finding
	operations(doc, func(path, method string, _ *openapi3.PathItem, op *openapi3.Operation) {
		listed := stringList(op.Extensions["x-nitro-tools"])
		if len(listed) == 0 || op.RequestBody == nil || op.RequestBody.Value == nil {
			return
		}
		byTool := map[string][]string{}
		modelled := false
		for _, mt := range op.RequestBody.Value.Content {
			if mt.Schema == nil || mt.Schema.Value == nil {
				continue
			}
			for _, v := range append(slices.Clone(mt.Schema.Value.OneOf), mt.Schema.Value.AnyOf...) {
				if v.Value == nil {
					continue
				}
				name := cmp.Or(strings.TrimPrefix(v.Ref, "#/components/schemas/"), "an inline variant")
				for _, tool := range toolsOf(v.Value) {
					modelled = true
					if !slices.Contains(byTool[tool], name) {
						byTool[tool] = append(byTool[tool], name)
					}
				}
			}
		}
		if !modelled {
			return
		}
		for _, tool := range listed {
			switch names := byTool[tool]; len(names) {
			case 1:
			case 0:
				out = append(out, Finding{Breaking: true, Kind: "tools", Msg: fmt.Sprintf(
					"upstream lists tool %q on %s (x-nitro-tools), but no request schema of the overlay names it (x-nitro-tool): "+
						"pdf.Client has no call for it; add a <Tool>Request to the body's oneOf in the overlay (method, params, files), then its call in pdf/tools.go",
					tool, opName(path, method, op))})
			default:
				out = append(out, Finding{Breaking: true, Kind: "tools", Msg: fmt.Sprintf(
					"tool %q of %s is named by %d request schemas %v of the overlay; name it once", tool, opName(path, method, op), len(names), names)})
			}
		}
		for _, tool := range slices.Sorted(maps.Keys(byTool)) {
			if !slices.Contains(listed, tool) {
				out = append(out, Finding{Breaking: true, Kind: "tools", Msg: fmt.Sprintf(
					"the overlay's %s names tool %q, which upstream no longer lists on %s (x-nitro-tools %v): upstream removed or renamed the tool, "+
						"and pdf.Client's call for it would be refused; remove the request schema from the overlay and the call from pdf/tools.go (or rename both)",
					strings.Join(byTool[tool], ", "), tool, opName(path, method, op), listed)})
			}
		}
	})
	return out
}

// toolsOf is what a request schema's x-nitro-tool or x-nitro-tools names.
func toolsOf(s *openapi3.Schema) []string {
	var out []string
	if v, ok := s.Extensions["x-nitro-tool"].(string); ok {
		out = append(out, v)
	}
	return append(out, stringList(s.Extensions["x-nitro-tools"])...)
}

func stringList(v any) []string {
	l, _ := v.([]any)
	var out []string
	for _, e := range l {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// DefaultBaseURL reads the string constant DefaultBaseURL from the Go file
// at path (the nitro package's config.go), so that the spec's servers are
// compared with the client's one source of truth, not a copy of it.
func DefaultBaseURL(path string) (string, error) {
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
	if err != nil {
		return "", fmt.Errorf("read DefaultBaseURL: %w", err)
	}
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.CONST {
			continue
		}
		for _, spec := range gd.Specs {
			vs := spec.(*ast.ValueSpec)
			for i, n := range vs.Names {
				if n.Name != "DefaultBaseURL" || i >= len(vs.Values) {
					continue
				}
				if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
					return strconv.Unquote(lit.Value)
				}
				return "", fmt.Errorf("read DefaultBaseURL: %s: the constant is not a string literal", path)
			}
		}
	}
	return "", fmt.Errorf("read DefaultBaseURL: %s declares no constant DefaultBaseURL", path)
}
