package spec_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/nitrokit/nitro/internal/spec"
)

// The classes of upstream change that used to pass unnoticed or be blamed
// on the wrong side, each tried on both APIs: a copy of the locked spec is
// changed as upstream might change it, and the comparison with the locked
// spec (what `make drift` and `make spec-update` run) must say what
// happened, on which side, and where to change what.

// class is one upstream change and what the comparison must say of it.
type class struct {
	name string
	api  *apiFixture
	edit func(doc map[string]any)
	// breaking: a finding (or the candidate's rejection) must be breaking.
	breaking bool
	// rejected: the candidate must not validate (a *spec.CandidateError).
	rejected bool
	says     []string
	not      []string
	// check, if set, looks at the comparison of a candidate that
	// validates.
	check func(t *testing.T, c *spec.Comparison)
}

func runClasses(t *testing.T, classes []class) {
	t.Helper()
	for _, c := range classes {
		t.Run(c.api.name+"/"+c.name, func(t *testing.T) {
			t.Parallel()
			cmp, err := c.api.compare(t, c.edit)
			out := report(cmp, err)
			if (err != nil) != c.rejected {
				t.Errorf("rejected = %v, want %v:\n%s", err != nil, c.rejected, out)
			}
			breaking := err != nil || cmp.Breaking()
			if breaking != c.breaking {
				t.Errorf("breaking = %v, want %v:\n%s", breaking, c.breaking, out)
			}
			for _, s := range c.says {
				if !strings.Contains(out, s) {
					t.Errorf("does not say %q:\n%s", s, out)
				}
			}
			for _, s := range c.not {
				if strings.Contains(out, s) {
					t.Errorf("says %q:\n%s", s, out)
				}
			}
			if c.check != nil && err == nil {
				c.check(t, cmp)
			}
		})
	}
}

// props is the properties of a components schema.
func props(doc map[string]any, schema string) map[string]any {
	return m(doc, "components", "schemas", schema, "properties")
}

var documentVariants = []string{"PendingDocumentResponse", "UploadedDocumentResponse", "FailedDocumentResponse", "SignedDocumentResponse", "SealedDocumentResponse"}

// TestMergedVariantTypeChanges: a member retyped in the variants the
// overlay merges flows into the merged object (Document, the completed
// job), so the regenerated type follows; retyped in only some, it fails
// naming both places.
func TestMergedVariantTypeChanges(t *testing.T) {
	runClasses(t, []class{
		{name: "sizeBytes string in every document variant", api: signAPI, edit: func(doc map[string]any) {
			for _, v := range documentVariants[1:] {
				props(doc, v)["sizeBytes"] = map[string]any{"type": "string"}
			}
		}, check: memberType("Document", "sizeBytes", "string")},
		{name: "sizeBytes string in one document variant", api: signAPI, rejected: true, breaking: true, edit: func(doc map[string]any) {
			props(doc, "FailedDocumentResponse")["sizeBytes"] = map[string]any{"type": "string"}
		}, says: []string{
			"/components/schemas/Document/properties/sizeBytes merges upstream's /components/schemas/UploadedDocumentResponse/properties/sizeBytes",
			`/components/schemas/FailedDocumentResponse/properties/sizeBytes, which is {"type":"string"}`,
		}},
		{name: "jobID integer in the completed job's allOf part", api: pdfAPI, edit: func(doc map[string]any) {
			part := m(doc, "components", "schemas", "PlatformJobResultCompleted")["allOf"].([]any)[0].(map[string]any)
			m(part, "properties")["jobID"] = map[string]any{"type": "integer"}
		}, check: memberType("PlatformJobResultCompleted", "jobID", "integer")},
	})
}

// memberType checks that the derived object's member follows upstream.
func memberType(schema, prop, want string) func(t *testing.T, c *spec.Comparison) {
	return func(t *testing.T, c *spec.Comparison) {
		p := c.Candidate.Components.Schemas[schema].Value.Properties[prop]
		if p == nil || p.Value == nil || p.Value.Type.Slice()[0] != want {
			t.Errorf("%s.%s after the overlay is %v, want upstream's %s", schema, prop, p, want)
		}
	}
}

// TestReplacedObjectFieldAdded: a member upstream adds inside an object the
// overlay replaces flows into a derived replacement (FileMetadata), and
// fails, naming the action, where the replacement is written by hand
// (PDF's Redaction, Sign's bulk field items).
func TestReplacedObjectFieldAdded(t *testing.T) {
	runClasses(t, []class{
		{name: "file metadata gains a checksum", api: pdfAPI, edit: func(doc map[string]any) {
			m(props(doc, "FileInfo"), "metadata", "properties")["checksum"] = map[string]any{"type": "string"}
		}, not: []string{"breaking"}, check: func(t *testing.T, c *spec.Comparison) {
			if c.Candidate.Components.Schemas["FileMetadata"].Value.Properties["checksum"] == nil {
				t.Error("FileMetadata lacks the member upstream added to FileInfo.metadata")
			}
		}},
		{name: "a redaction gains a label", api: pdfAPI, breaking: true, edit: func(doc map[string]any) {
			m(props(doc, "RedactParams"), "redactions", "items", "properties")["label"] = map[string]any{"type": "string"}
		}, says: []string{"upstream-changed: upstream changed what action", "Drop the anonymous redaction item.", "/components/schemas/RedactParams/properties/redactions/items (properties.label: added"}},
		{name: "a bulk checkbox item gains a tooltip", api: signAPI, breaking: true, edit: func(doc map[string]any) {
			items := m(props(doc, "BulkFieldRequest"), "items", "items")["oneOf"].([]any)
			m(items[0].(map[string]any), "properties")["tooltip"] = map[string]any{"type": "string"}
		}, says: []string{"upstream-changed: upstream changed what action", "Bulk items are the named Create*Field schemas.", "properties.tooltip: added"}},
	})
}

// TestDiscriminatorMappings: a mapping that contradicts its variants, or
// that maps a value to another schema than before, or that disagrees with
// the overlay's own union replacing upstream's, is breaking.
func TestDiscriminatorMappings(t *testing.T) {
	swap := func(mapping map[string]any, a, b string) { mapping[a], mapping[b] = mapping[b], mapping[a] }
	runClasses(t, []class{
		{name: "two values swapped", api: signAPI, rejected: true, breaking: true, edit: func(doc map[string]any) {
			swap(m(doc, "components", "schemas", "ParticipantAuthentication", "discriminator", "mapping"), "SMS", "AccessCode")
		}, says: []string{`the discriminator of ParticipantAuthentication maps "AccessCode" to #/components/schemas/SMS, whose type allows only [SMS]`, "upstream's own text"}},
		{name: "a value remapped to another schema", api: signAPI, breaking: true, edit: func(doc map[string]any) {
			sms := map[string]any{}
			for k, v := range m(doc, "components", "schemas", "SMS") {
				sms[k] = v
			}
			p := map[string]any{"carrier": map[string]any{"type": "string"}}
			for k, v := range m(sms, "properties") {
				p[k] = v
			}
			sms["properties"] = p
			m(doc, "components", "schemas")["SMSv2"] = sms
			m(doc, "components", "schemas", "ParticipantAuthentication", "discriminator", "mapping")["SMS"] = "#/components/schemas/SMSv2"
		}, says: []string{`discriminator: the discriminator at /components/schemas/ParticipantAuthentication maps "SMS" to #/components/schemas/SMSv2, where it mapped it to #/components/schemas/SMS`}},
		{name: "upstream's job union maps completed to the failed job", api: pdfAPI, rejected: true, breaking: true, edit: func(doc map[string]any) {
			s := m(doc, "paths", "/jobs/{jobID}/status", "get", "responses", "200", "content", "application/json", "schema")
			s["discriminator"] = map[string]any{"propertyName": "status", "mapping": map[string]any{
				"running":   "#/components/schemas/JobStatusRunning",
				"completed": "#/components/schemas/JobResultFailedGeneric",
				"failed":    "#/components/schemas/PlatformJobResultCompleted",
				"canceled":  "#/components/schemas/JobCanceledResponse",
			}}
		}, says: []string{`maps "completed" to #/components/schemas/JobResultFailedGeneric, but the overlay's /components/schemas/JobStatus maps it to #/components/schemas/PlatformJobResultCompleted`}},
	})
}

// TestSecurityChanges: a scheme the client cannot satisfy, inherited or per
// operation, fails naming the operation; one it can is reported.
func TestSecurityChanges(t *testing.T) {
	apiKey := map[string]any{"type": "apiKey", "in": "header", "name": "X-API-Key"}
	runClasses(t, []class{
		{name: "an API key replaces the inherited bearer", api: signAPI, breaking: true, edit: func(doc map[string]any) {
			m(doc, "components", "securitySchemes")["ApiKeyAuth"] = apiKey
			m(doc, "paths", "/sign/envelopes", "get")["security"] = []any{map[string]any{"ApiKeyAuth": []any{}}}
		}, says: []string{`security: GET /sign/envelopes (listEnvelopes) requires ApiKeyAuth (an API key in header "X-API-Key")`, "bearer token"}},
		{name: "an API key replaces the global bearer", api: signAPI, breaking: true, edit: func(doc map[string]any) {
			m(doc, "components", "securitySchemes")["ApiKeyAuth"] = apiKey
			doc["security"] = []any{map[string]any{"ApiKeyAuth": []any{}}}
		}, says: []string{`GET /sign/envelopes/{envelopeID} (getEnvelope) requires ApiKeyAuth`}, not: []string{"(getTokenRfc6749) requires"}},
		{name: "an API key on the job status", api: pdfAPI, breaking: true, edit: func(doc map[string]any) {
			m(doc, "components", "securitySchemes")["ApiKeyAuth"] = apiKey
			m(doc, "paths", "/jobs/{jobID}/status", "get")["security"] = []any{map[string]any{"ApiKeyAuth": []any{}}}
		}, says: []string{`GET /jobs/{jobID}/status (getJobStatus) requires ApiKeyAuth`}},
		{name: "an API key as an alternative", api: pdfAPI, edit: func(doc map[string]any) {
			m(doc, "components", "securitySchemes")["ApiKeyAuth"] = apiKey
			m(doc, "paths", "/conversions", "post")["security"] = []any{map[string]any{"BearerAuth": []any{}}, map[string]any{"ApiKeyAuth": []any{}}}
		}, says: []string{"info: security: POST /conversions (convertDocument): its security changed from ", `ApiKeyAuth (an API key in header "X-API-Key") or BearerAuth`}},
	})
}

// TestServers: servers that no longer list nitro.DefaultBaseURL fail,
// naming config.go.
func TestServers(t *testing.T) {
	moved := func(doc map[string]any) {
		doc["servers"] = []any{map[string]any{"url": "https://api.nitro.example/v2"}}
	}
	says := []string{
		`servers: the spec lists servers [https://api.nitro.example/v2], not nitro.DefaultBaseURL "https://api.gonitro.dev" (config.go)`,
		"info: servers: upstream's servers changed from [https://api.gonitro.dev] to [https://api.nitro.example/v2]",
	}
	runClasses(t, []class{
		{name: "servers moved", api: signAPI, breaking: true, edit: moved, says: says},
		{name: "servers moved, and an operation's own", api: pdfAPI, breaking: true, edit: func(doc map[string]any) {
			moved(doc)
			m(doc, "paths", "/extractions", "post")["servers"] = []any{map[string]any{"url": "https://ai.gonitro.dev"}}
		}, says: append(says, "POST /extractions (extractFromDocument) lists servers [https://ai.gonitro.dev]")},
	})
}

// TestDeprecations: an operation upstream deprecates is reported with its
// Go consequence (opsgen's TestDeprecatedOperationsSayIt covers the
// generated line).
func TestDeprecations(t *testing.T) {
	runClasses(t, []class{
		{name: "getEnvelope deprecated", api: signAPI, edit: func(doc map[string]any) {
			m(doc, "paths", "/sign/envelopes/{envelopeID}", "get")["deprecated"] = true
		}, says: []string{"info: deprecated: upstream deprecates GET /sign/envelopes/{envelopeID} (getEnvelope)", "Deprecated: line"}},
		{name: "extractions deprecated", api: pdfAPI, edit: func(doc map[string]any) {
			m(doc, "paths", "/extractions", "post")["deprecated"] = true
		}, says: []string{"info: deprecated: upstream deprecates POST /extractions (extractFromDocument)"}},
	})
}

// TestTools: a tool upstream removes from x-nitro-tools, or adds, is
// breaking until the overlay and pdf's calls follow.
func TestTools(t *testing.T) {
	tools := func(doc map[string]any, path string) []any {
		return m(doc, "paths", path, "post")["x-nitro-tools"].([]any)
	}
	runClasses(t, []class{
		{name: "rotate removed", api: pdfAPI, breaking: true, edit: func(doc map[string]any) {
			m(doc, "paths", "/transformations", "post")["x-nitro-tools"] = deleteValue(tools(doc, "/transformations"), "rotate")
		}, says: []string{
			`tools: the overlay's RotateRequest names tool "rotate", which upstream no longer lists on POST /transformations`,
			"tool-list: upstream removes tool(s) [rotate] from POST /transformations",
		}},
		{name: "stamp added", api: pdfAPI, breaking: true, edit: func(doc map[string]any) {
			m(doc, "paths", "/transformations", "post")["x-nitro-tools"] = append(tools(doc, "/transformations"), "stamp")
		}, says: []string{`upstream lists tool "stamp" on POST /transformations (transformDocument) (x-nitro-tools), but no request schema of the overlay names it`}},
	})
}

func deleteValue(l []any, v any) []any {
	var out []any
	for _, e := range l {
		if e != v {
			out = append(out, e)
		}
	}
	return out
}

// TestRequiredHeaders: a header upstream requires that no client sends
// fails, naming the operation and the header.
func TestRequiredHeaders(t *testing.T) {
	header := map[string]any{"name": "X-Request-Id", "in": "header", "required": true, "schema": map[string]any{"type": "string"}}
	runClasses(t, []class{
		{name: "on every transformation", api: pdfAPI, breaking: true, edit: func(doc map[string]any) {
			op := m(doc, "paths", "/transformations", "post")
			op["parameters"] = append(op["parameters"].([]any), header)
		}, says: []string{`header: POST /transformations (transformDocument) requires header "X-Request-Id", which no client sends`, "x-nitro-sent-by"}},
		{name: "on createEnvelope", api: signAPI, breaking: true, edit: func(doc map[string]any) {
			m(doc, "paths", "/sign/envelopes", "post")["parameters"] = []any{header}
		}, says: []string{`POST /sign/envelopes (createEnvelope) requires header "X-Request-Id"`}},
	})
}

// allOfSplit turns a components schema into an allOf of two parts holding
// the same members (first takes the named ones): the same wire form.
func allOfSplit(doc map[string]any, schema string, first ...string) {
	s := m(doc, "components", "schemas", schema)
	a, b := map[string]any{}, map[string]any{}
	for k, v := range m(s, "properties") {
		if slices.Contains(first, k) {
			a[k] = v
		} else {
			b[k] = v
		}
	}
	delete(s, "properties")
	delete(s, "type")
	s["allOf"] = []any{map[string]any{"type": "object", "properties": a}, map[string]any{"type": "object", "properties": b}}
}

// TestReshapedDocuments: upstream moving a schema into components, or
// composing an object with allOf, keeps the wire but moves what actions
// target: they say so ("gone", with where it went), the validation errors
// that follow are shown as its consequence, and nothing advises deleting an
// action whose fix is still needed.
func TestReshapedDocuments(t *testing.T) {
	runClasses(t, []class{
		{name: "listDocuments' union moved into components", api: signAPI, rejected: true, breaking: true, edit: func(doc map[string]any) {
			c := m(doc, "paths", "/sign/envelopes/{envelopeID}/documents", "get", "responses", "200", "content", "application/json")
			m(doc, "components", "schemas")["DocumentUnion"] = c["schema"]
			c["schema"] = map[string]any{"$ref": "#/components/schemas/DocumentUnion"}
		}, says: []string{
			"gone: action 8 (defect 4,", "upstream moved the schema at /paths/~1sign~1envelopes~1{envelopeID}~1documents/get/responses/200/content/application~1json/schema into #/components/schemas/DocumentUnion",
			"re-target the action", "this is the cause", "the schema it is checked against was written, in the locked spec, by action 8 (defect 4,",
		}, not: []string{"redundant", "delete them"}},
		{name: "the transformations body moved into components", api: pdfAPI, rejected: true, breaking: true, edit: func(doc map[string]any) {
			c := m(doc, "paths", "/transformations", "post", "requestBody", "content", "multipart/form-data")
			m(doc, "components", "schemas")["TransformationBody"] = c["schema"]
			c["schema"] = map[string]any{"$ref": "#/components/schemas/TransformationBody"}
		}, says: []string{
			`/components/schemas/TransformationBody/properties/files/$ref: "#/components/schemas/FilesUpload" resolves to nothing (action`,
			"removed /components/schemas/FilesUpload; the $ref itself is upstream's", "upstream refers to what the overlay removes from a new place",
		}, not: []string{"(upstream's own text; the overlay does not touch it)"}},
		{name: "Envelope composed with allOf", api: signAPI, breaking: true, edit: func(doc map[string]any) {
			allOfSplit(doc, "Envelope", "ID", "name")
		}, says: []string{"gone: action 37 (Go-surface shaping, \"One type per concept\"", "upstream now composes /components/schemas/Envelope with allOf"},
			not: []string{"redundant", "partly fixed"}},
		{name: "FileInfo composed with allOf", api: pdfAPI, breaking: true, edit: func(doc map[string]any) {
			allOfSplit(doc, "FileInfo", "URL", "contentType")
		}, says: []string{"copy source $.components.schemas.FileInfo.properties.metadata", "upstream now composes /components/schemas/FileInfo with allOf", "re-target its copy"},
			not: []string{"redundant"}},
	})
}

// TestMovedOperations: an operation upstream moves to another path leaves
// the actions fixing it matching nothing: they are "gone", naming where the
// operationId went, never redundant.
func TestMovedOperations(t *testing.T) {
	move := func(doc map[string]any, from, to string) {
		p := doc["paths"].(map[string]any)
		p[to] = p[from]
		delete(p, from)
	}
	runClasses(t, []class{
		{name: "getJobResult moved", api: signAPI, rejected: true, breaking: true, edit: func(doc map[string]any) { move(doc, "/jobs/{jobID}", "/v2/jobs/{jobID}") },
			says: []string{"gone: action 1 (defect 1,", "upstream no longer has /paths/~1jobs~1{jobID} (operation getJobResult is now at /paths/~1v2~1jobs~1{jobID}/get)", "do not delete it"},
			not:  []string{"redundant"}},
		{name: "getJobResult moved", api: pdfAPI, breaking: true, edit: func(doc map[string]any) { move(doc, "/jobs/{jobID}", "/v2/jobs/{jobID}") },
			says: []string{"(defect 10, \"expired jobs\"", "(defect 12,", "operation getJobResult is now at /paths/~1v2~1jobs~1{jobID}/get", "do not delete it"},
			not:  []string{"redundant"}},
	})
}

// TestFixedDifferently: an upstream fix that is not what the action
// produced is "changed", not redundant.
func TestFixedDifferently(t *testing.T) {
	runClasses(t, []class{
		{name: "boundingBox an array of integers", api: signAPI, rejected: true, breaking: true, edit: func(doc map[string]any) {
			for _, f := range []string{"Checkbox", "Company", "Custom", "Date", "Initials", "Name", "Signature", "Title"} {
				props(doc, f)["boundingBox"] = map[string]any{"type": "array", "items": map[string]any{"type": "integer"}, "minItems": 4, "maxItems": 4}
			}
		}, says: []string{"changed: action 4 (defect 3,", `boundingBox/items upstream now has {"type":"integer"} where the overlay produced {"format":"float","type":"number"}`, "Rewrite the action",
			"CreateCheckboxFieldResponse, CreateCompanyFieldResponse,"},
			not: []string{"upstream fixed defect 3"}},
		{name: "HTTPCall's verb optional, and a new required member", api: pdfAPI, breaking: true, edit: func(doc map[string]any) {
			m(doc, "components", "schemas", "HTTPCall")["required"] = []any{"URL", "region"}
			props(doc, "HTTPCall")["region"] = map[string]any{"type": "string"}
		}, says: []string{"upstream-changed: upstream changed what action", "verb has a default, so it is optional", `+"region"`}},
	})
}
