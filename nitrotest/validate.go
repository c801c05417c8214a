package nitrotest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
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
func validatorFor(doc *openapi3.T) (*validator, error) {
	// Validate against the paths alone: the spec's servers name the real API.
	cp := *doc
	cp.Servers = nil
	doc = &cp
	r, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, err
	}
	return &validator{router: r}, nil
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
