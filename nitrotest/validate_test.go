package nitrotest_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/nitrokit/nitro/gen/signapi"
)

// TestValidationIsSafeForConcurrentUse sends valid and invalid requests of
// every body kind the validator treats differently (JSON, JSON whose roles
// it rewrites, multipart it skips) from many goroutines at once through two
// validating servers, which share the one validator a process builds. Run
// with -race, it is the check that sharing the validator is sound.
func TestValidationIsSafeForConcurrentUse(t *testing.T) {
	_, c1 := setup(t)
	_, c2 := setup(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	for w := range 8 {
		c := []*signapi.ClientWithResponses{c1.ClientWithResponses, c2.ClientWithResponses}[w%2]
		wg.Go(func() {
			for i := range 5 {
				if err := validationRound(t, ctx, c, fmt.Sprintf("w%d-%d", w, i)); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
}

// validationRound makes one of each request; it reports errors rather than
// failing, as it runs off the test's goroutine (multipartDoc only marks
// itself a helper).
func validationRound(t *testing.T, ctx context.Context, c *signapi.ClientWithResponses, name string) error {
	want := func(op string, got, status int, err error) error {
		if err != nil || got != status {
			return fmt.Errorf("%s %s: %d, want %d (%v)", name, op, got, status, err)
		}
		return nil
	}
	r, err := c.CreateEnvelopeWithResponse(ctx, signapi.CreateEnvelopeJSONRequestBody{Name: name, Mode: signapi.EnvelopeModeParallel,
		Notification: signapi.Notification{Subject: "s", Body: "b"}})
	if err := want("CreateEnvelope", r.StatusCode(), 201, err); err != nil {
		return err
	}
	env := r.JSON201.ID
	bad, err := c.CreateEnvelopeWithBodyWithResponse(ctx, "application/json", strings.NewReader(`{"name":"x","mode":"sideways"}`))
	if err := want("CreateEnvelope (invalid)", bad.StatusCode(), 400, err); err != nil {
		return err
	}
	var p signapi.CreateParticipantJSONRequestBody
	if err := p.UnmarshalJSON([]byte(`{"email":"` + name + `@example.com","role":"SIGNER"}`)); err != nil {
		return err
	}
	pr, err := c.CreateParticipantWithResponse(ctx, env, p)
	if err := want("CreateParticipant", pr.StatusCode(), 201, err); err != nil {
		return err
	}
	ct, b := multipartDoc(t, name+".pdf", "application/pdf", minimalPDF(1))
	dr, err := c.CreateDocumentWithBodyWithResponse(ctx, env, nil, ct, b)
	if err := want("CreateDocument", dr.StatusCode(), 201, err); err != nil {
		return err
	}
	notUUID := "not-a-cursor"
	lr, err := c.ListEnvelopesWithResponse(ctx, &signapi.ListEnvelopesParams{PageAfter: &notUUID})
	if err := want("ListEnvelopes (bad cursor)", lr.StatusCode(), 400, err); err != nil {
		return err
	}
	lr, err = c.ListEnvelopesWithResponse(ctx, nil)
	return want("ListEnvelopes", lr.StatusCode(), 200, err)
}
