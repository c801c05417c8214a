package sign

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/internal/retry"
	"github.com/nitrokit/nitro/internal/wire"
)

// ErrFinalStatus is returned by WaitForEnvelopeStatus when the envelope
// reached a status it can never leave that is not one of those waited for.
var ErrFinalStatus = errors.New("nitro: envelope reached a final status")

// finalStatus says, for every envelope status the spec lists, whether an
// envelope can leave it. A status upstream adds must be classified here:
// TestEveryEnvelopeStatusIsClassified fails, naming it, until it is; an
// unclassified status seen at run time is waited through, as a transient
// one.
var finalStatus = map[EnvelopeStatus]bool{
	EnvelopeStatusDrafted:    false,
	EnvelopeStatusSent:       false,
	EnvelopeStatusProcessing: false,
	EnvelopeStatusSealed:     true,
	EnvelopeStatusRejected:   true,
	EnvelopeStatusCancelled:  true,
	EnvelopeStatusDeleted:    true,
}

// waitBackoff paces WaitForEnvelopeStatus: from 250ms up to 10s, jittered.
var waitBackoff = retry.Backoff{Base: 250 * time.Millisecond, Max: 10 * time.Second}

// WaitForEnvelopeStatus polls getEnvelope, with jittered backoff from 250ms
// up to 10s, until the envelope's status is status, ctx ends, or it reaches
// a final status other than status (ErrFinalStatus: a rejected envelope
// will never be sealed). A poll that fails with a retryable error
// (nitro.OutcomeRetryable: the API unavailable for the whole of one call's
// retry budget) is polled again, up to three in a row. It returns the
// envelope as last read. The options apply to each poll.
func (c *Client) WaitForEnvelopeStatus(ctx context.Context, envelopeID uuid.UUID, status EnvelopeStatus, opts ...nitro.CallOption) (ExtendedEnvelope, error) {
	var env ExtendedEnvelope
	if err := c.ready(ctx); err != nil {
		return env, err
	}
	if status == "" {
		return env, errors.New("nitro: WaitForEnvelopeStatus: no status to wait for")
	}
	ctx = nitro.CallContext(ctx, opts...)
	statuses := []EnvelopeStatus{status}
	err := retry.Poll(ctx, waitBackoff, c.sleep, wire.Transient, func(ctx context.Context) (bool, string, error) {
		var err error
		if env, err = c.GetEnvelope(ctx, envelopeID); err != nil {
			return false, "", err
		}
		if slices.Contains(statuses, env.Status) {
			return true, "", nil
		}
		// The status is the server's text: it reaches the error redacted.
		if finalStatus[env.Status] {
			return false, "", fmt.Errorf("%w: %s, waiting for %v", ErrFinalStatus, c.nc.Redact(string(env.Status)), statuses)
		}
		return false, fmt.Sprintf("nitro: waiting for envelope %s to be %v (it is %s)", envelopeID, statuses, c.nc.Redact(string(env.Status))), nil
	})
	return env, err
}
