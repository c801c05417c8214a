package sign

import (
	"context"

	"github.com/google/uuid"

	"github.com/nitrokit/nitro/internal/wire"
)

// CreateField is createField: POST
// /sign/envelopes/{envelopeID}/documents/{documentID}/fields. It places one
// field (NewCreateFieldRequest(CreateSignatureField{…}), or any other field
// type) or several (NewCreateFieldRequest(BulkFieldRequest{…})) on a
// document, and returns the created fields either way, one per field asked
// for, in order. (The API answers one field or a list.) A body holding null
// (an empty union, a nil bounding box) is refused before sending
// (nitro.ErrEmptyUnion). Any non-2xx answer is an *nitro.APIError.
func (c *Client) CreateField(ctx context.Context, envelopeID, documentID uuid.UUID, body CreateFieldRequest) ([]CreatedField, error) {
	encoded, err := wire.EncodeBody("createField", body)
	if err != nil {
		return nil, err
	}
	want := 1
	if bulk, err := body.AsBulkFieldRequest(); err == nil && len(bulk.Items) > 0 {
		want = len(bulk.Items)
	}
	resp, err := c.raw.CreateFieldWithBody(ctx, envelopeID, documentID, "application/json", encoded)
	return wire.OneOrList[CreatedField](resp, err, want)
}
