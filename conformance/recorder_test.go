package conformance

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/nitrokit/nitro/gen/pdfapi"
)

// TestCleanHidesEveryEncodingOfASignature: a pre-signed URL's query is
// redacted however the text carries the URL: plain, in JSON as this
// client's own RemoteFile part encodes it (encoding/json writes & as
// \u0026), and with escaped slashes (PHP's json_encode, among others).
// A real storage URL's signature comes after several parameters.
func TestCleanHidesEveryEncodingOfASignature(t *testing.T) {
	const sig = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
	s3 := "https://bucket.s3.amazonaws.com/staged/in.pdf?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA%2F20240101&X-Amz-Signature=" + sig
	remote, err := json.Marshal(pdfapi.RemoteFile{URL: s3, ContentType: "application/pdf"})
	if err != nil {
		t.Fatal(err)
	}
	r := newRecorder(nil)
	for name, text := range map[string]string{
		"plain":           "> PUT " + s3 + "\n",
		"JSON, & escaped": string(remote),
		"JSON, / escaped": `{"urls":[{"uploadURL":"` + strings.ReplaceAll(s3, "/", `\/`) + `"}]}`,
	} {
		if got := r.clean(text); strings.Contains(got, sig) || !strings.Contains(got, "[REDACTED]") {
			t.Errorf("%s: %s", name, got)
		}
	}
}
