package sign

import (
	"context"
	"encoding/json"

	"github.com/google/uuid"

	"github.com/nitrokit/nitro"

	"github.com/nitrokit/nitro/internal/wire"
)

// CreateParticipant is createParticipant: POST
// /sign/envelopes/{envelopeID}/participants. It adds one participant
// (NewCreateParticipantRequest(SingleParticipantRequest{…})) or several
// (NewCreateParticipantRequest(BulkParticipantRequest{…})) to a drafted
// envelope, and returns the created participants either way, one per
// participant asked for, in order: a caller may index the result. (The API
// answers one participant or a list; one result type spares the caller that
// distinction.) A bulk request with no items (nil or empty) sends nothing
// and returns an empty list: there is nothing to create. A body holding
// null (an empty union) is refused before sending (nitro.ErrEmptyUnion).
// Any non-2xx answer is an *nitro.APIError.
func (c *Client) CreateParticipant(ctx context.Context, envelopeID uuid.UUID, body CreateParticipantRequest, opts ...nitro.CallOption) ([]Participant, error) {
	if err := c.ready(ctx); err != nil {
		return nil, err
	}
	ctx = nitro.CallContext(ctx, opts...)
	want := askedFor(body)
	if want == 0 {
		return []Participant{}, nil
	}
	encoded, err := wire.EncodeBody("createParticipant", body)
	if err != nil {
		return nil, err
	}
	resp, err := c.raw.CreateParticipantWithBody(ctx, envelopeID, "application/json", encoded, routeCreateParticipant)
	return wire.OneOrList[Participant](resp, err, want)
}

// askedFor is how many things a one-or-bulk union body asks to create: the
// length of its bulk variant's items (nil counts as empty), else 1. A
// body that does not encode is left for EncodeBody to report.
func askedFor(body json.Marshaler) int {
	b, err := body.MarshalJSON()
	if err != nil {
		return 1
	}
	var probe map[string]json.RawMessage
	if json.Unmarshal(b, &probe) != nil {
		return 1
	}
	raw, bulk := probe["items"]
	var items []json.RawMessage
	if !bulk || json.Unmarshal(raw, &items) != nil {
		return 1
	}
	return len(items)
}

// routeCreateParticipant names the call for nitro.Observer (see wire.Route).
var routeCreateParticipant = wire.Route("POST /sign/envelopes/{envelopeID}/participants")
