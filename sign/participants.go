package sign

import (
	"context"
	"net/http"

	"github.com/google/uuid"

	"github.com/nitrokit/nitro/internal/wire"
)

// CreateParticipant is createParticipant: POST
// /sign/envelopes/{envelopeID}/participants. It adds one participant
// (NewCreateParticipantRequest(SingleParticipantRequest{…})) or several
// (NewCreateParticipantRequest(BulkParticipantRequest{…})) to a drafted
// envelope, and returns the created participants either way: one, or one per
// item. (The API answers 201 with a participant or 200 with a list; one
// result type spares the caller that distinction.) A body holding no variant
// is refused before sending (nitro.ErrEmptyUnion). Any non-2xx answer is an
// *nitro.APIError.
func (c *Client) CreateParticipant(ctx context.Context, envelopeID uuid.UUID, body CreateParticipantRequest) ([]Participant, error) {
	if err := wire.NotEmpty("createParticipant", body); err != nil {
		return nil, err
	}
	resp, err := c.raw.CreateParticipant(ctx, envelopeID, body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode == http.StatusCreated {
		p, err := wire.JSON[Participant](resp, nil)
		return []Participant{p}, err
	}
	list, err := wire.JSON[BulkParticipantResponse](resp, nil)
	return list.Items, err
}
