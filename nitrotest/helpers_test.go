package nitrotest_test

import (
	"testing"

	"github.com/google/uuid"

	"github.com/nitrokit/nitro/auth"
	"github.com/nitrokit/nitro/gen/signapi"
	"github.com/nitrokit/nitro/internal/testkit/flowtest"
	"github.com/nitrokit/nitro/nitrotest"
	"github.com/nitrokit/nitro/sign"
)

// clients are two views of one fake: the generated client with auth's
// request editor, whose …WithResponse calls hand back every status and body
// for the tests to check (a 4xx is an answer here, not an error), and the
// typed sign.Client that builds the states those checks start from.
type clients struct {
	*signapi.ClientWithResponses
	typed *sign.Client
}

// setup starts a validating fake and both clients; all stop when the test
// ends.
func setup(t *testing.T, opts ...nitrotest.Option) (*nitrotest.Server, clients) {
	t.Helper()
	srv := nitrotest.NewServer(opts...)
	t.Cleanup(srv.Close)
	c, err := signapi.NewClientWithResponses(srv.URL(), signapi.WithRequestEditorFn(newSource(t, srv).RequestEditor))
	if err != nil {
		t.Fatal(err)
	}
	return srv, clients{c, flowtest.Client(t, srv)}
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
	flowtest.EveryOperation(t, srv, c.typed)
}

// Short names for the shared helpers.
var (
	multipartDoc = flowtest.MultipartDoc
	minimalPDF   = flowtest.MinimalPDF
	fileForm     = flowtest.FileForm
	body         = flowtest.Body
	must         = flowtest.Must
)

func newEnvelope(t *testing.T, c clients, name string) uuid.UUID {
	return flowtest.NewEnvelope(t, c.typed, name)
}

func uploadDoc(t *testing.T, c clients, env uuid.UUID, pages int) uuid.UUID {
	return flowtest.UploadDoc(t, c.typed, env, pages)
}

func addSigner(t *testing.T, c clients, env uuid.UUID, email string) uuid.UUID {
	return flowtest.AddSigner(t, c.typed, env, email)
}

func sentEnvelope(t *testing.T, c clients) (env, doc, signer uuid.UUID) {
	return flowtest.SentEnvelope(t, c.typed)
}

func ptr[T any](v T) *T { return &v }
