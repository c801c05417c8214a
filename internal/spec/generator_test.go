package spec_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oapi-codegen/oapi-codegen/v2/pkg/util"

	"github.com/nitrokit/nitro/internal/spec"
)

// equivalenceSpec exercises what internal/spec does differently from the
// generator's loader: scalars of every kind (numbers that are and are not
// integers, strings that read as numbers, booleans, dates or null, multi-line
// text), a 3.1 type list, lists items are removed from, members removed from
// mappings, and copies.
const equivalenceSpec = `{
  "openapi": "3.1.0",
  "info": {"title": "equivalence", "version": "1"},
  "paths": {
    "/a/{id}": {
      "get": {
        "operationId": "getA",
        "parameters": [
          {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}},
          {"name": "Accept", "in": "header", "schema": {"type": "string"}},
          {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 10}}
        ],
        "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}}}}
      }
    }
  },
  "components": {
    "schemas": {
      "A": {
        "type": "object",
        "required": ["id"],
        "properties": {
          "id": {"type": "string", "example": "0123"},
          "size": {"type": "number", "example": 1.5, "maximum": 1e21},
          "count": {"type": ["integer", "null"], "example": 3},
          "flag": {"type": "boolean", "default": true},
          "on": {"type": "string", "format": "date", "example": "2025-09-10"},
          "yes": {"type": "string", "enum": ["yes", "no", "true", "null", "1.0"]},
          "note": {"type": "string", "description": "  Indented.\n\n  Two paragraphs.\n"},
          "meta": {"type": "object", "properties": {"a": {"type": "integer"}, "b": {"type": "string"}}}
        }
      },
      "B": {"type": "object", "properties": {"c": {"type": "number"}}}
    }
  }
}`

const equivalenceOverlay = `overlay: 1.0.0
x-speakeasy-jsonpath: rfc9535
info: {title: equivalence, version: 1.0.0}
actions:
  # Defect 1: every construct once.
  - target: $.paths.*.*.parameters[?@.name == 'Accept']
    remove: true
  - target: $.components.schemas.A.properties.meta.properties.b
    remove: true
  - target: $.components.schemas
    update:
      Meta: {type: object, properties: {}}
  - target: $.components.schemas.Meta.properties
    copy: $.components.schemas.A.properties.meta.properties
  - target: $.components.schemas.Meta.properties
    copy: $.components.schemas.B.properties
  - target: $.components.schemas.A.properties.meta
    remove: true
  - target: $.components.schemas.A.properties
    update:
      meta: {$ref: '#/components/schemas/Meta'}
      ratio: {type: number, example: 2.0, default: 0.25}
  - target: $.components.schemas.A.required
    update: [size]
`

// TestSameDocumentAsTheGenerator: the document internal/spec validates,
// judges and opsgen reads is the one oapi-codegen generates from (its own
// loader applying the overlay). internal/spec takes shortcuts the generator
// does not (kin-openapi's JSON instead of a YAML round trip, removals
// without the library's parent index); this keeps them honest on every
// construct they touch. (make verify checks the same end to end on the
// real specs: opsgen plans from internal/spec's document against what
// oapi-codegen generated.)
func TestSameDocumentAsTheGenerator(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	specPath, overlayPath := filepath.Join(dir, "openapi.json"), filepath.Join(dir, "overlay.yaml")
	if err := os.WriteFile(specPath, []byte(equivalenceSpec), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(overlayPath, []byte(equivalenceOverlay), 0o644); err != nil {
		t.Fatal(err)
	}
	ours, rep, err := spec.LoadReport(specPath, overlayPath)
	if err != nil {
		t.Fatal(err)
	}
	if r := rep.Redundant(); len(r) > 0 {
		t.Fatalf("an action matched nothing: %v", r)
	}
	theirs, err := util.LoadSwaggerWithOverlay(specPath, util.LoadSwaggerWithOverlayOpts{Path: overlayPath, AllowRemoteRefsFrom: []string{}})
	if err != nil {
		t.Fatal(err)
	}
	if o, g := normalized(t, ours), normalized(t, theirs); o != g {
		t.Errorf("internal/spec's post-overlay document differs from the generator's:\n ours:   %s\n theirs: %s", o, g)
	}
}

// normalized is a document's JSON with the white space of every string
// collapsed: the generator's YAML round trip re-indents multi-line text
// (a description's leading spaces), which says nothing of the wire.
func normalized(t *testing.T, doc any) string {
	t.Helper()
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	var walk func(v any) any
	walk = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				x[k] = walk(e)
			}
		case []any:
			for i, e := range x {
				x[i] = walk(e)
			}
		case string:
			return strings.Join(strings.Fields(x), " ")
		}
		return v
	}
	b, _ = json.Marshal(walk(v))
	return string(b)
}
