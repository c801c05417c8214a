package sign_test

import (
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/nitrokit/nitro/gen/signapi"
	"github.com/nitrokit/nitro/nitrotest"
	"github.com/nitrokit/nitro/sign"
)

// goName is the Go method name of an operationId: Go's export case, without
// the underscore the spec uses to tell getJobStatus_1 apart.
func goName(operationID string) string {
	return strings.ToUpper(operationID[:1]) + strings.ReplaceAll(operationID[1:], "_", "")
}

// TestEveryOperationHasAMethod reads the spec's operationIds and checks that
// sign.Client has a method for each Sign operation, returning a value or a
// byte count and never an *http.Response, and that the rest (the token
// endpoint, auth's; the Platform forwarders, superseded by the PDF Services
// client) stay off it, on the raw client.
func TestEveryOperationHasAMethod(t *testing.T) {
	doc, err := nitrotest.OpenAPI()
	must(t, err)
	typed := reflect.TypeFor[*sign.Client]()
	raw := reflect.TypeFor[*signapi.Client]()
	httpResponse := reflect.TypeFor[*http.Response]()
	n := 0
	for path, item := range doc.Paths.Map() {
		for verb, op := range item.Operations() {
			name := goName(op.OperationID)
			m, onClient := typed.MethodByName(name)
			if !slices.Contains(op.Tags, "Sign") {
				if onClient {
					t.Errorf("%s (%v) is on sign.Client; only Sign operations belong there", op.OperationID, op.Tags)
				}
				if _, ok := raw.MethodByName(name); !ok {
					t.Errorf("%s %s (%s): not on the raw client either", verb, path, op.OperationID)
				}
				continue
			}
			n++
			if !onClient {
				t.Errorf("%s %s (%s): no method sign.Client.%s", verb, path, op.OperationID, name)
				continue
			}
			for i := range m.Type.NumOut() {
				if m.Type.Out(i) == httpResponse {
					t.Errorf("sign.Client.%s returns an *http.Response", name)
				}
			}
			if last := m.Type.Out(m.Type.NumOut() - 1); last != reflect.TypeFor[error]() {
				t.Errorf("sign.Client.%s does not return an error last", name)
			}
		}
	}
	if n < 32 {
		t.Errorf("the spec has %d Sign operations, want at least the 32 of the locked spec", n)
	}
}

// TestEveryEnvelopeStatusIsClassified fails when the spec lists an envelope
// status that WaitForEnvelopeStatus does not know to be final or not.
func TestEveryEnvelopeStatusIsClassified(t *testing.T) {
	doc, err := nitrotest.OpenAPI()
	must(t, err)
	schema := doc.Components.Schemas["EnvelopeStatus"]
	if schema == nil || len(schema.Value.Enum) == 0 {
		t.Fatal("the spec has no EnvelopeStatus enum")
	}
	for _, v := range schema.Value.Enum {
		if _, ok := sign.FinalStatus[sign.EnvelopeStatus(v.(string))]; !ok {
			t.Errorf("envelope status %q is new: classify it as final or not in sign/wait.go (finalStatus)", v)
		}
	}
}
