package nitro

import (
	"context"
	"errors"
	"iter"

	"github.com/nitrokit/nitro/gen/signapi"
)

// ErrRepeatedCursor stops a listing whose server sent a cursor it had
// already sent, which would otherwise loop forever.
var ErrRepeatedCursor = errors.New("nitro: the server repeated a page cursor")

// Envelopes lists every envelope, fetching pages lazily as the loop asks
// for more and following nextPage through pageAfter. A failed page ends the
// sequence with its error; breaking out of the loop fetches nothing more.
//
//	for env, err := range c.Envelopes(ctx) {
//		if err != nil { return err }
//		…
//	}
//
// Only listEnvelopes is paginated by the API; the other lists answer in one
// page.
func (c *Client) Envelopes(ctx context.Context) iter.Seq2[signapi.Envelope, error] {
	return func(yield func(signapi.Envelope, error) bool) {
		seen := map[string]bool{}
		params := &signapi.ListEnvelopesParams{}
		for {
			r, err := Check(c.ListEnvelopesWithResponse(ctx, params))
			if err == nil && r.JSON200 == nil {
				err = errors.New("nitro: listEnvelopes answered without a JSON body")
			}
			if err != nil {
				yield(signapi.Envelope{}, err)
				return
			}
			if r.JSON200.Items != nil {
				for _, e := range *r.JSON200.Items {
					if !yield(e, nil) {
						return
					}
				}
			}
			next := r.JSON200.NextPage
			if next == nil || *next == "" {
				return
			}
			if seen[*next] {
				yield(signapi.Envelope{}, ErrRepeatedCursor)
				return
			}
			seen[*next] = true
			params = &signapi.ListEnvelopesParams{PageAfter: next}
		}
	}
}
