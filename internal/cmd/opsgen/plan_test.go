package main

import (
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/nitrokit/nitro/nitrotest"
)

// signInputs are the generator's inputs for the Sign API, from the spec
// compiled into nitrotest (post-overlay) and the committed gen/signapi.
func signInputs(t *testing.T) ([]operation, *generated) {
	t.Helper()
	doc, err := nitrotest.OpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	ops, err := operationsOf(doc, []string{"Sign"}, []string{"Platform", "Authentication"})
	if err != nil {
		t.Fatal(err)
	}
	g, err := parseGenerated("../../../gen/signapi")
	if err != nil {
		t.Fatal(err)
	}
	return ops, g
}

func TestPlanNeedsAHandwrittenMethodForTwoSuccessTypes(t *testing.T) {
	ops, g := signInputs(t)
	_, err := plan(ops, g, map[string]bool{})
	if err == nil || !strings.Contains(err.Error(), "write (*Client).Create") {
		t.Fatalf("plan with no handwritten methods: %v, want it to name the method to write", err)
	}
	own := map[string]bool{"(*Client).CreateField": true, "(*Client).CreateParticipant": true}
	methods, err := plan(ops, g, own)
	if err != nil {
		t.Fatal(err)
	}
	if len(methods) != len(ops)-2 {
		t.Errorf("%d methods for %d operations, 2 of them handwritten", len(methods), len(ops))
	}
}

func TestPlanShapesEachSuccessKind(t *testing.T) {
	ops, g := signInputs(t)
	methods, err := plan(ops, g, map[string]bool{"(*Client).CreateField": true, "(*Client).CreateParticipant": true})
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]method{}
	for _, m := range methods {
		byID[m.op.id] = m
	}
	for id, want := range map[string]successKind{"getEnvelope": successJSON, "deleteEnvelope": successEmpty,
		"downloadSealedEnvelope": successStream, "sendReminders": successEmpty} {
		if got := byID[id].op.success; got != want {
			t.Errorf("%s: success kind %d, want %d", id, got, want)
		}
	}
	if m := byID["getEnvelope"]; m.result != "ExtendedEnvelope" {
		t.Errorf("getEnvelope decodes into %q", m.result)
	}
	if m := byID["updateField"]; m.bodyArg != "body" || m.params[len(m.params)-1].typ != "FieldUpdate" {
		t.Errorf("updateField: union body %q, params %v: want the alias resolved and the union checked", m.bodyArg, m.params)
	}
	if m := byID["listEnvelopes"]; m.params[0].typ != "ListEnvelopesParams" {
		t.Errorf("listEnvelopes takes %v, want its params by value", m.params)
	}
}

func TestConstructorsFillOneValuedTypes(t *testing.T) {
	_, g := signInputs(t)
	if c := g.onlyTypeValue("CreateSignatureField"); c != "CreateSignatureFieldTypeSignature" {
		t.Errorf("CreateSignatureField's only type value: %q", c)
	}
	ops, _ := signInputs(t)
	own := map[string]bool{"(*Client).CreateField": true, "(*Client).CreateParticipant": true,
		"uses:CreateFieldRequest": true, "uses:CreateParticipantRequest": true}
	methods, err := plan(ops, g, own)
	if err != nil {
		t.Fatal(err)
	}
	b, err := renderTypes("sign", "github.com/nitrokit/nitro/gen/signapi", g, own, g.reachable(surface(methods, own), own))
	if err != nil {
		t.Fatal(err)
	}
	out := strings.Join(strings.Fields(string(b)), " ") // gofmt aligns the = signs
	if !strings.Contains(out, "func NewCreateParticipantRequest[V SingleParticipantRequest | BulkParticipantRequest]") {
		t.Errorf("no constructor for CreateParticipantRequest")
	}
	for _, absent := range []string{"= signapi.Client ", "GetEnvelopeResponse =", "AuthTokenRequest", "JSONRequestBody"} {
		if strings.Contains(out, absent) {
			t.Errorf("%q is aliased: client plumbing, response wrappers, the token endpoint's models and body aliases stay in signapi", absent)
		}
	}
	for _, present := range []string{"Envelope = signapi.Envelope", `EnvelopeStatusSealed EnvelopeStatus = "sealed"`, "SingleParticipantRequest_Authentication = signapi.SingleParticipantRequest_Authentication"} {
		if !strings.Contains(out, present) {
			t.Errorf("%q is not aliased, though the surface reaches it", present)
		}
	}
}

// TestUpstreamSurprisesFailGeneration: what only a human can decide stops
// generation with the place to decide it, instead of a missing or wrong
// method.
func TestUpstreamSurprisesFailGeneration(t *testing.T) {
	doc, err := nitrotest.OpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	get := doc.Paths.Find("/sign/envelopes/{envelopeID}").Get
	get.Tags = []string{"Templates"}
	if _, err := operationsOf(doc, []string{"Sign"}, []string{"Platform", "Authentication"}); err == nil || !strings.Contains(err.Error(), "getEnvelope") || !strings.Contains(err.Error(), "generate.go") {
		t.Errorf("a new tag: %v, want an error naming the operation and generate.go", err)
	}
	get.Tags = []string{"Sign"}
	get.Responses.Set("204", &openapi3.ResponseRef{Value: openapi3.NewResponse().WithDescription("no change")})
	ops, err := operationsOf(doc, []string{"Sign"}, []string{"Platform", "Authentication"})
	if err != nil {
		t.Fatal(err)
	}
	_, g := signInputs(t)
	_, err = plan(ops, g, map[string]bool{"(*Client).CreateField": true, "(*Client).CreateParticipant": true})
	if err == nil || !strings.Contains(err.Error(), "getEnvelope answers a mix") || !strings.Contains(err.Error(), "(*Client).GetEnvelope by hand") {
		t.Errorf("200 JSON and 204: %v, want a request for a handwritten GetEnvelope", err)
	}
}

// TestDirectURLs: operations with path parameters only are built without
// the raw client's builder; the rest keep it.
func TestDirectURLs(t *testing.T) {
	ops, g := signInputs(t)
	methods, err := plan(ops, g, map[string]bool{"(*Client).CreateField": true, "(*Client).CreateParticipant": true})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"getEnvelope":    `c.raw.Server + "sign/envelopes/" + envelopeID.String()`,
		"cancelEnvelope": `c.raw.Server + "sign/envelopes/" + envelopeID.String() + ":cancel"`,
		"getJobStatus":   `c.raw.Server + "sign/conversions/" + wire.PathSegment(jobID) + "/status"`,
		"listEnvelopes":  "", // a query
		"createEnvelope": "", // a body
	}
	for _, m := range methods {
		w, ok := want[m.op.id]
		if !ok {
			continue
		}
		got, direct := directURL(m)
		if !direct {
			got = ""
		}
		if got != w {
			t.Errorf("%s: direct URL %q, want %q", m.op.id, got, w)
		}
	}
}

// TestDeprecatedOperationsSayIt: an operation upstream deprecates gets a
// Deprecated: paragraph on its typed method, and a handwritten method for
// one fails generation until its own doc says so.
func TestDeprecatedOperationsSayIt(t *testing.T) {
	ops, g := signInputs(t)
	own := map[string]bool{"(*Client).CreateField": true, "(*Client).CreateParticipant": true}
	methods, err := plan(ops, g, own)
	if err != nil {
		t.Fatal(err)
	}
	code, err := renderOperations("sign", methods)
	if err != nil {
		t.Fatal(err)
	}
	// convertFile is deprecated in the locked spec; getEnvelope is not.
	if !strings.Contains(string(code), "// Deprecated: the API deprecates convertFile; it may be removed.\nfunc (c *Client) ConvertFile(") {
		t.Errorf("ConvertFile's doc lacks its Deprecated: paragraph")
	}
	if strings.Contains(string(code), "deprecates getEnvelope") {
		t.Errorf("getEnvelope is said to be deprecated")
	}

	for i := range ops {
		if ops[i].id == "createField" {
			ops[i].deprecated = true
		}
	}
	if _, err := plan(ops, g, own); err == nil || !strings.Contains(err.Error(), "createField") || !strings.Contains(err.Error(), "(*Client).CreateField does not say so") {
		t.Errorf("a deprecated operation with a handwritten method: %v, want generation to fail naming it", err)
	}
	own["deprecated:(*Client).CreateField"] = true
	if _, err := plan(ops, g, own); err != nil {
		t.Errorf("a handwritten method that says Deprecated: %v", err)
	}
}
