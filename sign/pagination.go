package sign

import (
	"context"
	"errors"
	"iter"

	"github.com/nitrokit/nitro"
)

// ErrRepeatedCursor stops a listing whose server sent a cursor it had
// already sent, which would otherwise loop forever.
var ErrRepeatedCursor = errors.New("nitro: the server repeated a page cursor")

// ListEnvelopesAutoPaging lists every envelope, calling ListEnvelopes for
// each page lazily, as the loop asks for more, and following nextPage
// through pageAfter. A failed page ends the sequence with its error;
// breaking out of the loop fetches nothing more.
//
//	for env, err := range c.ListEnvelopesAutoPaging(ctx) {
//		if err != nil {
//			return err
//		}
//		…
//	}
//
// Only listEnvelopes is paginated by the API; the other lists answer in one
// page. The options apply to each page's call (WithResponse keeps the
// last page's answer).
func (c *Client) ListEnvelopesAutoPaging(ctx context.Context, opts ...nitro.CallOption) iter.Seq2[Envelope, error] {
	ctx = nitro.CallContext(ctx, opts...)
	return func(yield func(Envelope, error) bool) {
		seen := map[string]bool{}
		var params ListEnvelopesParams
		for {
			page, err := c.ListEnvelopes(ctx, params)
			if err != nil {
				yield(Envelope{}, err)
				return
			}
			for _, e := range page.Items {
				if !yield(e, nil) {
					return
				}
			}
			if page.NextPage == "" {
				return
			}
			if seen[page.NextPage] {
				yield(Envelope{}, ErrRepeatedCursor)
				return
			}
			seen[page.NextPage] = true
			params = ListEnvelopesParams{PageAfter: &page.NextPage}
		}
	}
}
