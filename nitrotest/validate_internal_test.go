package nitrotest

import (
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/nitrokit/nitro/nitrotest/internal/api"
)

// TestValidatorRefuses2020Keywords gives validatorFor the embedded spec with
// a keyword that only a JSON Schema 2020-12 validator checks added to one
// schema: a request body's property, a path parameter's, a response's. The
// validator reads every spec as OpenAPI 3.0 (validatedAs), so it refuses the
// first two, naming the operation, the place and the keyword, and takes the
// third: the fake validates no answer.
func TestValidatorRefuses2020Keywords(t *testing.T) {
	for _, tc := range []struct {
		name, want string
		edit       func(*openapi3.T)
	}{
		{"body", `POST /sign/envelopes: a request schema uses const (at "#/properties/name")`, func(doc *openapi3.T) {
			op := doc.Paths.Value("/sign/envelopes").Post
			op.RequestBody.Value.Content["application/json"].Schema.Value.Properties["name"].Value.Const = "x"
		}},
		{"parameter", "DELETE /sign/envelopes/{envelopeID}: a request schema uses if/then/else (at \"#\")", func(doc *openapi3.T) {
			for _, p := range paramsOf(doc.Paths.Value("/sign/envelopes/{envelopeID}")) {
				if p.Value.In == openapi3.ParameterInPath {
					p.Value.Schema.Value.If = openapi3.NewSchemaRef("", openapi3.NewStringSchema())
				}
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
		})
	}
}

// paramsOf is the parameters of a path and of its operations (the first
// in sorted order, DELETE, names the error).
func paramsOf(item *openapi3.PathItem) openapi3.Parameters {
	ps := item.Parameters
	for _, op := range item.Operations() {
		ps = append(ps, op.Parameters...)
	}
	return ps
}
