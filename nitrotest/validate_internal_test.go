package nitrotest

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/google/uuid"

	"github.com/nitrokit/nitro/nitrotest/internal/api"
)

// TestValidatorRefuses2020Keywords gives validatorFor the embedded spec with
// a keyword that only a JSON Schema 2020-12 validator checks added to one
// schema: a request body's property, a path parameter's, a header
// parameter's content, two more media types of a request body, a
// response's. The validator reads every spec as OpenAPI 3.0 (validatedAs),
// so it refuses all but the last, naming the operation, the parameter or
// media type, the place in its schema and the keyword, the same way every
// time (the first media type in sorted order), and takes the last: the fake
// validates no answer.
func TestValidatorRefuses2020Keywords(t *testing.T) {
	for _, tc := range []struct {
		name, want string
		edit       func(*openapi3.T)
	}{
		{"body", `POST /sign/envelopes: the request body (application/json) uses const (at "#/properties/name")`, func(doc *openapi3.T) {
			op := doc.Paths.Value("/sign/envelopes").Post
			op.RequestBody.Value.Content["application/json"].Schema.Value.Properties["name"].Value.Const = "x"
		}},
		// The path's parameter is every operation's: DELETE, first in
		// sorted order, names it.
		{"parameter", `DELETE /sign/envelopes/{envelopeID}: path parameter envelopeID uses if/then/else (at "#")`, func(doc *openapi3.T) {
			for _, p := range paramsOf(doc.Paths.Value("/sign/envelopes/{envelopeID}")) {
				if p.Value.In == openapi3.ParameterInPath {
					p.Value.Schema.Value.If = openapi3.NewSchemaRef("", openapi3.NewStringSchema())
				}
			}
		}},
		{"parameter content", `GET /sign/envelopes: header parameter X-Probe (application/json) uses prefixItems (at "#/properties/a")`, func(doc *openapi3.T) {
			s := openapi3.NewObjectSchema().WithProperty("a", &openapi3.Schema{PrefixItems: openapi3.SchemaRefs{openapi3.NewSchemaRef("", openapi3.NewStringSchema())}})
			p := &openapi3.Parameter{In: openapi3.ParameterInHeader, Name: "X-Probe", Content: openapi3.NewContentWithJSONSchema(s)}
			op := doc.Paths.Value("/sign/envelopes").Get
			op.Parameters = append(op.Parameters, &openapi3.ParameterRef{Value: p})
		}},
		{"media types", `POST /sign/envelopes: the request body (application/merge-patch+json) uses const (at "#")`, func(doc *openapi3.T) {
			content := doc.Paths.Value("/sign/envelopes").Post.RequestBody.Value.Content
			for mt, s := range map[string]*openapi3.Schema{
				"application/x-www-form-urlencoded": {If: openapi3.NewSchemaRef("", openapi3.NewStringSchema())},
				"application/merge-patch+json":      {Const: "x"},
				"text/plain":                        {PropertyNames: openapi3.NewSchemaRef("", openapi3.NewStringSchema())},
			} {
				content[mt] = openapi3.NewMediaType().WithSchema(s)
			}
		}},
		{"response", "", func(doc *openapi3.T) {
			op := doc.Paths.Value("/sign/envelopes/{envelopeID}").Get
			op.Responses.Status(200).Value.Content["application/json"].Schema = openapi3.NewSchemaRef("", &openapi3.Schema{Const: "x"})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := api.GetSpec() // a copy of its own
			if err != nil {
				t.Fatal(err)
			}
			if _, err := validatorFor(doc); err != nil {
				t.Fatalf("the embedded spec: %v", err)
			}
			tc.edit(doc)
			_, err = validatorFor(doc)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("validatorFor = %v, want an error with %q", err, tc.want)
			}
			for range 20 { // maps are walked in a new order each time
				if again := checkNo2020Keywords(doc); (again == nil) != (err == nil) || again != nil && again.Error() != err.Error() {
					t.Fatalf("checkNo2020Keywords = %v, then %v", err, again)
				}
			}
		})
	}
}

// paramsOf is the parameters of a path and of its operations, in a slice
// of their own.
func paramsOf(item *openapi3.PathItem) openapi3.Parameters {
	ps := slices.Clone(item.Parameters)
	for _, op := range item.Operations() {
		ps = append(ps, op.Parameters...)
	}
	return ps
}

// BenchmarkValidation prices one CreateField request's validation (the
// route, the path parameters, the JSON body, a union of eight field types)
// by the validator a Server uses, which reads the spec as OpenAPI 3.0
// (validatedAs), against the anchor: the same spec read as the 3.1 it
// says it is, for which kin-openapi compiles a JSON Schema 2020-12
// validator per value checked. Both must take the request.
func BenchmarkValidation(b *testing.B) {
	doc, err := api.GetSpec()
	if err != nil {
		b.Fatal(err)
	}
	url := "/sign/envelopes/" + uuid.NewString() + "/documents/" + uuid.NewString() + "/fields"
	body := `{"boundingBox":[72,600,200,50],"page":1,"participantID":"` + uuid.NewString() + `","required":true,"type":"signature"}`
	for _, version := range []string{validatedAs, doc.OpenAPI} {
		v, err := validatorAs(doc, version)
		if err != nil {
			b.Fatal(err)
		}
		b.Run("as-"+version, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				r := httptest.NewRequest(http.MethodPost, url, strings.NewReader(body))
				r.Header.Set("Content-Type", "application/json")
				if p, ok := v.check(r, r, "CreateField"); !ok {
					b.Fatalf("refused: %+v", p)
				}
			}
		})
	}
}
