package nitrotest_test

import (
	"context"
	"errors"
	"testing"

	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/internal/testkit/flowtest"
	"github.com/nitrokit/nitro/nitrotest"
	"github.com/nitrokit/nitro/sign"
)

// TestWithSpecValidatesAgainstTheGivenDocument: a candidate spec that caps
// an envelope's name at 3 characters turns a request the embedded spec
// accepts into a 400, and leaves the embedded one (shared) untouched.
func TestWithSpecValidatesAgainstTheGivenDocument(t *testing.T) {
	doc, err := nitrotest.OpenAPI()
	must(t, err)
	max := uint64(3)
	doc.Components.Schemas["EnvelopeCreate"].Value.Properties["name"].Value.MaxLength = &max
	body := sign.EnvelopeCreate{Name: "Contract", Mode: sign.EnvelopeModeParallel, Notification: sign.Notification{Subject: "s", Body: "b"}}

	strict := nitrotest.NewServer(nitrotest.WithSpec(doc))
	defer strict.Close()
	if _, err := flowtest.Client(t, strict).CreateEnvelope(context.Background(), body); !hasStatus(err, 400) {
		t.Errorf("with the candidate spec: %v, want a 400", err)
	}
	plain := nitrotest.NewServer()
	defer plain.Close()
	if _, err := flowtest.Client(t, plain).CreateEnvelope(context.Background(), body); err != nil {
		t.Errorf("with the embedded spec: %v", err)
	}
}

func hasStatus(err error, status int) bool {
	var ae *nitro.APIError
	return errors.As(err, &ae) && ae.StatusCode == status
}
