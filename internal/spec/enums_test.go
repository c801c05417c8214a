package spec_test

import (
	"context"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/nitrokit/nitro/internal/spec"
)

// doc is a spec whose Envelope.status is the inline enum values, or a
// reference to a named EnvelopeStatus holding named.
func doc(t *testing.T, inline []any, named []any) *openapi3.T {
	t.Helper()
	status := &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{"string"}, Enum: inline}}
	schemas := openapi3.Schemas{}
	if named != nil {
		schemas["EnvelopeStatus"] = &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{"string"}, Enum: named}}
		status = &openapi3.SchemaRef{Ref: "#/components/schemas/EnvelopeStatus", Value: schemas["EnvelopeStatus"].Value}
	}
	schemas["Envelope"] = &openapi3.SchemaRef{Value: &openapi3.Schema{Properties: openapi3.Schemas{"status": status}}}
	return &openapi3.T{Components: &openapi3.Components{Schemas: schemas}}
}

func TestCheckNamedEnums(t *testing.T) {
	raw := doc(t, []any{"drafted", "sent", "archived"}, nil)
	if err := spec.CheckNamedEnums(raw, doc(t, nil, []any{"sent", "drafted", "archived"})); err != nil {
		t.Errorf("same values in another order: %v", err)
	}
	err := spec.CheckNamedEnums(raw, doc(t, nil, []any{"drafted", "sent"}))
	if err == nil || !strings.Contains(err.Error(), "#/components/schemas/Envelope/properties/status") ||
		!strings.Contains(err.Error(), "lacks [archived]") || !strings.Contains(err.Error(), "update EnvelopeStatus in the overlay") {
		t.Errorf("a value upstream added: %v, want it named with both places", err)
	}
	if err := spec.CheckNamedEnums(raw, raw); err != nil {
		t.Errorf("no overlay: %v", err)
	}
}

// TestValidateChecksNamedEnums: the sign overlay names the envelope status
// enum once (EnvelopeStatus); a status upstream adds to its inline copies
// makes Validate (make spec, make generate, make drift) fail, naming both
// places, rather than vanish from the Go type.
func TestValidateChecksNamedEnums(t *testing.T) {
	t.Parallel()
	path := lockedSpecFile(t, func(doc map[string]any) {
		p := m(doc, "components", "schemas", "Envelope", "properties", "status")
		p["enum"] = append(p["enum"].([]any), "archived")
	})
	_, err := spec.Validate(context.Background(), path, signOverlay)
	if err == nil || !strings.Contains(err.Error(), "#/components/schemas/Envelope/properties/status") || !strings.Contains(err.Error(), "update EnvelopeStatus in the overlay") {
		t.Errorf("a status upstream added: %v, want the named enum's drift", err)
	}
}
