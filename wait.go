package nitro

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/nitrokit/nitro/gen/signapi"
	"github.com/nitrokit/nitro/internal/retry"
)

// ErrFinalStatus is returned by WaitForStatus when the envelope reached a
// status it can never leave (cancelled, rejected, deleted) that is not one
// of those waited for.
var ErrFinalStatus = errors.New("nitro: envelope reached a final status")

// WaitForStatus polls the envelope, with jittered backoff from 250ms up to
// 10s, until its status is one of statuses, ctx ends, or it reaches a final
// status it was not waited for (ErrFinalStatus). It returns the envelope as
// last read.
func (c *Client) WaitForStatus(ctx context.Context, envelopeID uuid.UUID, statuses ...signapi.ExtendedEnvelopeStatus) (signapi.ExtendedEnvelope, error) {
	if len(statuses) == 0 {
		return signapi.ExtendedEnvelope{}, errors.New("nitro: WaitForStatus: no status to wait for")
	}
	b := retry.Backoff{Base: 250 * time.Millisecond, Max: 10 * time.Second}
	for poll := 1; ; poll++ {
		r, err := Check(c.GetEnvelopeWithResponse(ctx, envelopeID))
		if err != nil {
			return signapi.ExtendedEnvelope{}, err
		}
		if r.JSON200 == nil || r.JSON200.Status == nil {
			return signapi.ExtendedEnvelope{}, errors.New("nitro: getEnvelope answered without a status")
		}
		env, status := *r.JSON200, *r.JSON200.Status
		if slices.Contains(statuses, status) {
			return env, nil
		}
		switch status {
		case signapi.ExtendedEnvelopeStatusCancelled, signapi.ExtendedEnvelopeStatusRejected, signapi.ExtendedEnvelopeStatusDeleted:
			return env, fmt.Errorf("%w: %s, waiting for %v", ErrFinalStatus, status, statuses)
		}
		if err := retry.Sleep(ctx, b.Delay(poll, 0)); err != nil {
			return env, fmt.Errorf("nitro: waiting for envelope %s to be %v (it is %s): %w", envelopeID, statuses, status, err)
		}
	}
}
