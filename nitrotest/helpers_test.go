package nitrotest_test

import (
	"testing"

	"github.com/nitrokit/nitro/auth"
	"github.com/nitrokit/nitro/gen/signapi"
	"github.com/nitrokit/nitro/internal/flowtest"
	"github.com/nitrokit/nitro/nitrotest"
)

// setup starts a validating fake and a generated client that authenticates
// through auth's request editor; both stop when the test ends.
func setup(t *testing.T, opts ...nitrotest.Option) (*nitrotest.Server, *signapi.ClientWithResponses) {
	t.Helper()
	srv := nitrotest.NewServer(opts...)
	t.Cleanup(srv.Close)
	c, err := signapi.NewClientWithResponses(srv.URL(), signapi.WithRequestEditorFn(newSource(t, srv).RequestEditor))
	if err != nil {
		t.Fatal(err)
	}
	return srv, c
}

func newSource(t *testing.T, srv *nitrotest.Server) *auth.Source {
	t.Helper()
	src, err := auth.NewSource(auth.NitroJSON(srv.TokenURL()), srv.Credentials())
	must(t, err)
	t.Cleanup(func() { src.Close() })
	return src
}

// TestEveryOperation drives each operation of the spec through the generated
// client and auth's request editor, and checks the fake saw all of them.
func TestEveryOperation(t *testing.T) {
	srv, c := setup(t, nitrotest.WithSealDelay(-1))
	flowtest.EveryOperation(t, srv, c)
}

// Short names for the shared helpers.
var (
	newEnvelope  = flowtest.NewEnvelope
	multipartDoc = flowtest.MultipartDoc
	uploadDoc    = flowtest.UploadDoc
	minimalPDF   = flowtest.MinimalPDF
	addSigner    = flowtest.AddSigner
	sentEnvelope = flowtest.SentEnvelope
	fileForm     = flowtest.FileForm
	body         = flowtest.Body
	must         = flowtest.Must
)

func ptr[T any](v T) *T { return &v }
