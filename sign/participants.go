package sign

import (
	"context"

	"github.com/google/uuid"

	"github.com/nitrokit/nitro/internal/wire"
)

// CreateParticipant is createParticipant: POST
// /sign/envelopes/{envelopeID}/participants. It adds one participant
// (NewCreateParticipantRequest(SingleParticipantRequest{…})) or several
// (NewCreateParticipantRequest(BulkParticipantRequest{…})) to a drafted
// envelope, and returns the created participants either way, one per
// participant asked for, in order: a caller may index the result. (The API
// answers one participant or a list; one result type spares the caller that
// distinction.) A body holding null (an empty union) is refused before
// sending (nitro.ErrEmptyUnion). Any non-2xx answer is an *nitro.APIError.
func (c *Client) CreateParticipant(ctx context.Context, envelopeID uuid.UUID, body CreateParticipantRequest) ([]Participant, error) {
	encoded, err := wire.EncodeBody("createParticipant", body)
	if err != nil {
		return nil, err
	}
	want := 1
	if bulk, err := body.AsBulkParticipantRequest(); err == nil && len(bulk.Items) > 0 {
		want = len(bulk.Items)
	}
	resp, err := c.raw.CreateParticipantWithBody(ctx, envelopeID, "application/json", encoded)
	return wire.OneOrList[Participant](resp, err, want)
}
