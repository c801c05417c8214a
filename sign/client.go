package sign

import (
	"context"
	"errors"
	"time"

	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/gen/signapi"
	"github.com/nitrokit/nitro/internal/retry"
)

// Client calls the Nitro Sign API through a nitro.Client's stack (token,
// retries, logging). It is safe for concurrent use and holds nothing to
// close: close the nitro.Client.
type Client struct {
	nc    *nitro.Client
	raw   *signapi.Client
	sleep func(context.Context, time.Duration) error // between polls; a test seam
}

// New returns the Sign API client on nc's connection, token and retries.
// New(nil) returns a Client whose every call fails with nitro.ErrNilClient.
func New(nc *nitro.Client) *Client {
	// Do is the raw client's doer, so even the raw calls return an
	// *nitro.APIError for any non-2xx answer.
	return &Client{nc: nc, raw: &signapi.Client{Server: nc.BaseURL() + "/", Client: nc}, sleep: retry.Sleep}
}

// Raw returns the client oapi-codegen generated, for the rare call the typed
// methods do not offer (such as the Platform forwarders, superseded by the
// PDF Services client). It shares this client's stack: a non-2xx answer is
// an *nitro.APIError, and a 2xx response's body is the caller's to close.
// It is a copy: changing it changes nothing for c.
func (c *Client) Raw() *signapi.Client {
	if c.ready(context.Background()) != nil {
		// A raw client on a nil nitro.Client: its calls answer
		// nitro.ErrNilClient, as the typed methods do.
		return &signapi.Client{Server: "/", Client: (*nitro.Client)(nil)}
	}
	raw := *c.raw
	return &raw
}

// ready is every call's guard: a nil or zero Client (or one New made from a
// nil nitro.Client) answers nitro.ErrNilClient, and a nil ctx ErrNilContext,
// instead of panicking.
func (c *Client) ready(ctx context.Context) error {
	switch {
	case c == nil || c.raw == nil || c.nc == nil:
		return nitro.ErrNilClient
	case ctx == nil:
		return ErrNilContext
	}
	return nil
}

// ErrNilContext is the answer of every call given a nil context: nothing is
// sent. (The raw client, Raw, panics on one, as net/http's
// Request.WithContext does.)
var ErrNilContext = errors.New("nitro: nil Context")
