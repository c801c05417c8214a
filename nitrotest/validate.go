package nitrotest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/nitrokit/nitro/nitrotest/internal/api"
)

// maxValidatedBody bounds the bodies validated against the spec; larger
// ones (uploads near the 20 MB limit) are checked by the handlers alone.
const maxValidatedBody = 1 << 20

// validator checks requests against the spec with kin-openapi.
type validator struct {
	router routers.Router
}

// embeddedValidator is the validator for the spec compiled into this
// package (post-overlay), built once per process: parsing and routing the
// spec costs some 200 times what the rest of a Server does
// (BenchmarkNewServer), too much to pay per Server. Servers share it: it is
// only read, and TestValidationIsSafeForConcurrentUse holds that under -race.
var embeddedValidator = sync.OnceValues(func() (*validator, error) {
	doc, err := api.GetSpec()
	if err != nil {
		return nil, fmt.Errorf("nitrotest: the embedded spec: %w", err)
	}
	return validatorFor(doc)
})

// validatorFor routes requests through doc's paths; it does not change doc.
// It refuses a doc whose request schemas use a keyword that only a JSON
// Schema 2020-12 validator checks (see validatedAs).
func validatorFor(doc *openapi3.T) (*validator, error) {
	if err := checkNo2020Keywords(doc); err != nil {
		return nil, err
	}
	return validatorAs(doc, validatedAs)
}

// validatorAs routes requests through doc's paths, read as OpenAPI version
// (BenchmarkValidation prices a 3.1 document read as itself).
func validatorAs(doc *openapi3.T, version string) (*validator, error) {
	// Validate against the paths alone: the spec's servers name the real API.
	cp := *doc
	cp.Servers = nil
	cp.OpenAPI = version
	doc = &cp
	r, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, err
	}
	return &validator{router: r}, nil
}

// validatedAs is the OpenAPI version the validator reads every spec as,
// whatever it says: 3.0, so that kin-openapi checks request values with its
// own schema validator.
//
// For a 3.1 document (Nitro's are), kin-openapi builds a JSON Schema 2020-12
// validator for every value it checks: it marshals the schema, copies in
// the components it references and compiles the result, per request and
// per parameter. For a schema that references components (most request
// bodies here, CreateField's among them), it then drops what it compiled
// and checks the value with its 3.0 validator all the same. Without the
// compiles, a CreateField's validation costs a small fraction of what it
// did (BenchmarkValidation), and the race-enabled tests of the packages
// that use the fake took 16.4 CPU seconds, not 20.1. On a loaded machine, a CreateField's
// validation outlasted the soak's 2 s attempt timeout: the client gave up,
// looked for the field, found none and made it again, and then the request
// it had given up on made a second one.
//
// Read as 3.0, a document is checked for what it says: types (3.1's type
// lists, "null" among them), formats, enums, required and the rest. It
// would not be for a keyword only the 2020-12 validator checks, which
// checkNo2020Keywords therefore refuses in any request schema. Otherwise
// the readings part only at the edges: 3.0 honours nullable, which 3.1
// dropped (the embedded spec has none; Nitro's PDF spec writes it on
// request fields), and refuses null for a schema that names no type, and
// a readOnly property in a request, both of which a 2020-12 validator
// takes.
const validatedAs = "3.0.3"

// checkNo2020Keywords refuses doc if a schema of a request (a parameter's,
// or a body's) uses a keyword of only2020, naming the operation, the
// parameter or media type, where in its schema and which keyword: the
// validator would let it pass unchecked (see validatedAs). Every map is
// walked in sorted order, so the error is the same on every call.
func checkNo2020Keywords(doc *openapi3.T) error {
	if doc.Paths == nil {
		return nil
	}
	paths := doc.Paths.Map()
	for _, path := range slices.Sorted(maps.Keys(paths)) {
		item := paths[path]
		ops := item.Operations()
		for _, method := range slices.Sorted(maps.Keys(ops)) {
			for _, rs := range requestSchemas(item, ops[method]) {
				err := rs.schema.WalkSubtree(func(at string, sr *openapi3.SchemaRef) error {
					if k := only2020(sr.Value); k != "" {
						return fmt.Errorf("%s %s: %s uses %s (at %q), which only a JSON Schema 2020-12 validator checks, and nitrotest validates as OpenAPI %s (nitrotest/validate.go: validatedAs)", method, path, rs.of, k, "#"+at, validatedAs)
					}
					return nil
				})
				if err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// requestSchema is a schema of a request, and what it is the schema of.
type requestSchema struct {
	of     string // "path parameter envelopeID", "the request body (application/json)"
	schema *openapi3.SchemaRef
}

// requestSchemas is the schemas of op's parameters (and its path's) and of
// its request body, in every media type (in sorted order).
func requestSchemas(item *openapi3.PathItem, op *openapi3.Operation) []requestSchema {
	var out []requestSchema
	add := func(of string, s *openapi3.SchemaRef) {
		if s != nil {
			out = append(out, requestSchema{of, s})
		}
	}
	addContent := func(of string, content openapi3.Content) {
		for _, mt := range slices.Sorted(maps.Keys(content)) {
			if m := content[mt]; m != nil {
				add(of+" ("+mt+")", m.Schema)
			}
		}
	}
	for _, p := range slices.Concat(item.Parameters, op.Parameters) {
		if p == nil || p.Value == nil {
			continue
		}
		of := p.Value.In + " parameter " + p.Value.Name
		add(of, p.Value.Schema)
		addContent(of, p.Value.Content)
	}
	if op.RequestBody != nil && op.RequestBody.Value != nil {
		addContent("the request body", op.RequestBody.Value.Content)
	}
	return out
}

// only2020 is the first keyword of s that kin-openapi checks only with its
// JSON Schema 2020-12 validator (the keywords its own fallback guard,
// schemaHasJSONSchema2020FallbackGuardKeyword, looks for), or "".
func only2020(s *openapi3.Schema) string {
	switch {
	case s == nil:
		return ""
	case s.Const != nil:
		return "const"
	case len(s.PrefixItems) != 0:
		return "prefixItems"
	case s.Contains != nil:
		return "contains"
	case len(s.PatternProperties) != 0:
		return "patternProperties"
	case len(s.DependentSchemas) != 0:
		return "dependentSchemas"
	case s.PropertyNames != nil:
		return "propertyNames"
	case s.UnevaluatedItems.Has != nil || s.UnevaluatedItems.Schema != nil:
		return "unevaluatedItems"
	case s.UnevaluatedProperties.Has != nil || s.UnevaluatedProperties.Schema != nil:
		return "unevaluatedProperties"
	case s.If != nil || s.Then != nil || s.Else != nil:
		return "if/then/else"
	case len(s.DependentRequired) != 0:
		return "dependentRequired"
	case len(s.Defs) != 0:
		return "$defs"
	case s.ContentSchema != nil:
		return "contentSchema"
	}
	return ""
}

// check validates r (and, for the handler, restores its body on routed).
func (v *validator) check(r, routed *http.Request, op string) (problem, bool) {
	route, params, err := v.router.FindRoute(r)
	if err != nil {
		return problem{}, true // unrouted requests are the handlers' to answer
	}
	// The server checks the Bearer token itself, before this. Left to
	// kin-openapi, security validation would read the whole body into memory
	// (for a 20 MB upload, 20 MB) to offer it to an authentication function.
	operation := *route.Operation
	operation.Security = &openapi3.SecurityRequirements{}
	unsecured := *route
	unsecured.Operation = &operation
	in := &openapi3filter.RequestValidationInput{
		Request: r, PathParams: params, Route: &unsecured,
		Options: &openapi3filter.Options{MultiError: true},
	}
	if r.ContentLength < 0 || r.ContentLength > maxValidatedBody || strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		in.Options.ExcludeRequestBody = true
	} else if r.Body != nil {
		body, err := io.ReadAll(io.LimitReader(r.Body, maxValidatedBody+1))
		if err != nil {
			return validationError(r.URL.Path, map[string]string{"body": "could not be read"}), false
		}
		if op == "CreateParticipant" {
			body = lowerRoles(body)
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		defer func() { routed.Body = io.NopCloser(bytes.NewReader(body)) }()
	}
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
		return validationError(r.URL.Path, fieldErrors(err)), false
	}
	return problem{}, true
}

// fieldErrors turns kin-openapi's errors into validation_errors.
func fieldErrors(err error) map[string]string {
	out := map[string]string{}
	var multi openapi3.MultiError
	errs := []error{err}
	if errors.As(err, &multi) {
		errs = multi
	}
	for _, e := range errs {
		key := "request"
		var pe *openapi3filter.RequestError
		if errors.As(e, &pe) && pe.Parameter != nil {
			key = pe.Parameter.Name
		} else if errors.As(e, &pe) && pe.RequestBody != nil {
			key = "body"
			var se *openapi3.SchemaError
			if errors.As(e, &se) && len(se.JSONPointer()) > 0 {
				key = strings.Join(se.JSONPointer(), ".")
			}
		}
		msg := shortReason(e)
		if prev, ok := out[key]; ok {
			msg = prev + "; " + msg
		}
		out[key] = msg
	}
	return out
}

// shortReason is the first line of an error: kin-openapi appends the whole
// schema and value, which is noise in a problem's validation_errors.
func shortReason(err error) string {
	var se *openapi3.SchemaError
	if errors.As(err, &se) && se.Reason != "" {
		return se.Reason
	}
	msg, _, _ := strings.Cut(err.Error(), "\n")
	return msg
}

// lowerRoles lower-cases participant roles: the spec's enum says "signer"
// and "cc" while its examples send "SIGNER"; the fake accepts both.
func lowerRoles(body []byte) []byte {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return body
	}
	var walk func(any)
	walk = func(x any) {
		switch t := x.(type) {
		case map[string]any:
			for k, val := range t {
				if s, ok := val.(string); ok && k == "role" {
					t[k] = strings.ToLower(s)
				}
				walk(val)
			}
		case []any:
			for _, val := range t {
				walk(val)
			}
		}
	}
	walk(v)
	if b, err := json.Marshal(v); err == nil {
		return b
	}
	return body
}
