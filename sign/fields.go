package sign

import (
	"context"

	"github.com/google/uuid"

	"github.com/nitrokit/nitro"

	"github.com/nitrokit/nitro/internal/wire"
)

// CreateField is createField: POST
// /sign/envelopes/{envelopeID}/documents/{documentID}/fields. It places one
// field (NewCreateFieldRequest(CreateSignatureField{…}), or any other field
// type) or several (NewCreateFieldRequest(BulkFieldRequest{…})) on a
// document, and returns the created fields either way, one per field asked
// for, in order. (The API answers one field or a list.) A bulk request with
// no items (nil or empty) sends nothing and returns an empty list. A body
// holding null (an empty union, a nil bounding box) is refused before
// sending (nitro.ErrEmptyUnion). Any non-2xx answer is an *nitro.APIError.
func (c *Client) CreateField(ctx context.Context, envelopeID, documentID uuid.UUID, body CreateFieldRequest, opts ...nitro.CallOption) ([]CreatedField, error) {
	if err := c.ready(ctx); err != nil {
		return nil, err
	}
	ctx = nitro.CallContext(ctx, opts...)
	want := askedFor(body)
	if want == 0 {
		return []CreatedField{}, nil
	}
	encoded, err := wire.EncodeBody("createField", body)
	if err != nil {
		return nil, err
	}
	resp, err := c.raw.CreateFieldWithBody(ctx, envelopeID, documentID, "application/json", encoded, routeCreateField)
	return wire.OneOrList[CreatedField](resp, err, want)
}

// routeCreateField names the call for nitro.Observer (see wire.Route).
var routeCreateField = wire.Route("POST /sign/envelopes/{envelopeID}/documents/{documentID}/fields")
