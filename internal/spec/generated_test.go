package spec_test

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/nitrokit/nitro/gen/signapi"
	"github.com/nitrokit/nitro/internal/spec"
)

// loadSpec loads api/openapi.json, which `make spec` writes, with the overlay.
func loadSpec(t *testing.T) *spec.Document {
	t.Helper()
	doc, err := spec.Validate(context.Background(), "../../api/sign/openapi.json", "../../api/sign/overlay.yaml")
	if err != nil {
		t.Fatalf("%v (run `make spec` first)", err)
	}
	return doc
}

// TestEveryOperationHasAMethod fails when the generated client silently lacks
// an operation of the spec, for example after an upstream change.
func TestEveryOperationHasAMethod(t *testing.T) {
	doc := loadSpec(t)
	methods := map[string]bool{}
	typ := reflect.TypeFor[*signapi.ClientWithResponses]()
	for i := range typ.NumMethod() {
		methods[strings.ToLower(typ.Method(i).Name)] = true
	}
	n := 0
	for path, item := range doc.Paths.Map() {
		for verb, op := range item.Operations() {
			n++
			base := strings.ToLower(strings.ReplaceAll(op.OperationID, "_", ""))
			if !methods[base+"withresponse"] && !methods[base+"withbodywithresponse"] {
				t.Errorf("%s %s (%s): no %sWithResponse method on signapi.ClientWithResponses", verb, path, op.OperationID, op.OperationID)
			}
		}
	}
	if n != 39 {
		t.Errorf("the spec has %d operations, want the 39 of the locked spec", n)
	}
}

// TestTokenResponseShapes decodes both 200 shapes seed 002 documents, and its
// error body, through the generated types.
func TestTokenResponseShapes(t *testing.T) {
	var camel signapi.GetTokenRfc6749200JSONResponseBody
	if err := json.Unmarshal([]byte(`{"accessToken":"a.b.c","tokenType":"Bearer","expiresIn":86400}`), &camel); err != nil {
		t.Fatal(err)
	}
	c, err := camel.AsAuthTokenResponse()
	if err != nil || c.AccessToken != "a.b.c" || c.TokenType != "Bearer" || c.ExpiresIn != 86400 {
		t.Errorf("camelCase shape: got %+v, %v", c, err)
	}

	var rfc signapi.GetTokenRfc6749200JSONResponseBody
	if err := json.Unmarshal([]byte(`{"access_token":"x.y.z","token_type":"bearer","expires_in":269}`), &rfc); err != nil {
		t.Fatal(err)
	}
	r, err := rfc.AsOAuth2TokenResponse()
	if err != nil || r.AccessToken != "x.y.z" || r.TokenType != "bearer" || r.ExpiresIn != 269 {
		t.Errorf("RFC 6749 shape: got %+v, %v", r, err)
	}

	var e signapi.OAuth2ErrorResponse
	body := `{"error":"invalid_client","error_description":"Client authentication failed","error_uri":"https://example.com/e"}`
	if err := json.Unmarshal([]byte(body), &e); err != nil {
		t.Fatal(err)
	}
	if e.Error != "invalid_client" || e.ErrorDescription != "Client authentication failed" || e.ErrorURI != "https://example.com/e" {
		t.Errorf("error body: got %+v", e)
	}
}
