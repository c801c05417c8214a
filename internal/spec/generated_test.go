package spec_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/nitrokit/nitro/gen/signapi"
	"github.com/nitrokit/nitro/internal/spec"
)

const (
	signLock    = "../../api/sign/openapi.lock"
	signOverlay = "../../api/sign/overlay.yaml"
	// The machine's mirror of upstream specs, when it has one (a sibling of
	// the clone); the locked spec is found there by sha256.
	mirror = "../../../shared/upstream"
)

// lockedSpec returns the raw locked upstream spec from the content-addressed
// cache or the mirror, never the network. The raw spec is never committed,
// so on a fresh clone with neither, the tests that need it skip, saying how
// to get it; everything else is tested without it.
func lockedSpec(t *testing.T) []byte {
	t.Helper()
	return lockedSpecOf(t, signLock)
}

// lockedSpecOf is lockedSpec of the API whose lock is lockPath.
func lockedSpecOf(t *testing.T, lockPath string) []byte {
	t.Helper()
	lock, err := spec.ReadLock(lockPath)
	if err != nil {
		t.Fatal(err)
	}
	f, err := spec.Locate(context.Background(), noNetwork, lock, "", mirror)
	if err != nil {
		t.Skipf("this test needs the raw upstream spec, which is never committed; run `make spec` (or put a copy in the cache) to run it:\n%v", err)
	}
	return f.Bytes
}

// lockedSpecFile writes the locked spec, changed by edit (nil: unchanged), to
// a temporary file.
func lockedSpecFile(t *testing.T, edit func(doc map[string]any)) string {
	t.Helper()
	b := lockedSpec(t)
	if edit != nil {
		var doc map[string]any
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		edit(doc)
		var err error
		if b, err = json.Marshal(doc); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "openapi.json")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestEveryOperationHasAMethod fails when the generated client silently lacks
// an operation of the spec, for example after an upstream change.
func TestEveryOperationHasAMethod(t *testing.T) {
	t.Parallel()
	doc := signAPI.base(t).Document()
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
