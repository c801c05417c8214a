package sign

import (
	"context"
	"net/http"

	"github.com/google/uuid"

	"github.com/nitrokit/nitro/internal/wire"
)

// CreateField is createField: POST
// /sign/envelopes/{envelopeID}/documents/{documentID}/fields. It places one
// field (NewCreateFieldRequest(CreateSignatureField{…}), or any other field
// type) or several (NewCreateFieldRequest(BulkFieldRequest{…})) on a
// document, and returns the created fields either way: one, or one per item.
// (The API answers 201 with a field or 200 with a list.) A body holding no
// variant is refused before sending (nitro.ErrEmptyUnion). Any non-2xx answer
// is an *nitro.APIError.
func (c *Client) CreateField(ctx context.Context, envelopeID, documentID uuid.UUID, body CreateFieldRequest) ([]CreatedField, error) {
	if err := wire.NotEmpty("createField", body); err != nil {
		return nil, err
	}
	resp, err := c.raw.CreateField(ctx, envelopeID, documentID, body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode == http.StatusCreated {
		f, err := wire.JSON[CreatedField](resp, nil)
		return []CreatedField{f}, err
	}
	list, err := wire.JSON[CreatedFieldList](resp, nil)
	return list.Items, err
}
