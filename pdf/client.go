package pdf

import (
	"context"
	"time"

	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/gen/pdfapi"
	"github.com/nitrokit/nitro/internal/retry"
)

// Client calls Nitro PDF Services through a nitro.Client's stack (token,
// retries, logging, connection pool), like sign.Client does for Sign: one
// nitro.Client serves both APIs with one token. It is safe for concurrent
// use and holds nothing to close: close the nitro.Client.
type Client struct {
	nc    *nitro.Client
	raw   *pdfapi.Client
	sleep func(context.Context, time.Duration) error // between polls and reconnects; a test seam
}

// New returns the PDF Services client on nc's connection, token and retries.
func New(nc *nitro.Client) *Client {
	// nc is the raw client's doer, so even the raw calls return an
	// *nitro.APIError for any non-2xx answer, and nothing leaves for another
	// host with the token.
	return &Client{nc: nc, raw: &pdfapi.Client{Server: nc.BaseURL() + "/", Client: nc}, sleep: retry.Sleep}
}

// Raw returns the client oapi-codegen generated, for what the typed calls
// do not offer. It shares this client's stack: a non-2xx answer is an
// *nitro.APIError, and a 2xx response's body is the caller's to close. It is
// a copy: changing it changes nothing for c.
func (c *Client) Raw() *pdfapi.Client {
	raw := *c.raw
	return &raw
}
