package pdf

import (
	"context"
	"errors"
	"net/http"
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
	// upload PUTs staged inputs to the pre-signed URLs Nitro hands out
	// (Stage): another host, so never the nitro.Client, which carries the
	// token and refuses other hosts.
	upload *http.Client
}

// Option configures a Client at New.
type Option func(*Client)

// WithUploadClient sets the http.Client that uploads staged inputs (Stage)
// to the pre-signed URLs Nitro hands out, for a proxy or TLS settings of
// the caller's: it is sent no token. The default is a plain http.Client on
// http.DefaultTransport. A nil hc keeps the default. hc is copied, and the
// copy follows no redirect: a pre-signed URL that redirects is an error.
func WithUploadClient(hc *http.Client) Option {
	return func(c *Client) {
		if hc != nil {
			c.upload = hc
		}
	}
}

// ErrNoClient is the answer of every call on a Client that New did not make
// from a nitro.Client (a nil *Client, a zero Client, New(nil)), and of a Job
// or Request no Client's call made (a zero Job, a zero Request): nothing is
// sent.
var ErrNoClient = errors.New("nitro: no pdf.Client behind this call: make one with pdf.New(nc), nc from nitro.NewClient")

// ErrNilContext is the answer of every call given a nil context.Context:
// nothing is sent, and a Request refused so can be sent again.
var ErrNilContext = errors.New("nitro: a nil context.Context: pass the caller's, or context.Background()")

// live is ErrNilContext for a nil ctx, which would panic wherever it is
// first used (net/http, the token source).
func live(ctx context.Context) error {
	if ctx == nil {
		return ErrNilContext
	}
	return nil
}

// New returns the PDF Services client on nc's connection, token and
// retries. New(nil) returns a Client whose every call is ErrNoClient. A nil
// Option is skipped.
func New(nc *nitro.Client, opts ...Option) *Client {
	c := &Client{nc: nc, sleep: retry.Sleep, upload: &http.Client{}}
	if nc != nil {
		// nc is the raw client's doer, so even the raw calls return an
		// *nitro.APIError for any non-2xx answer, and nothing leaves for
		// another host with the token.
		c.raw = &pdfapi.Client{Server: nc.BaseURL() + "/", Client: nc}
	}
	for _, opt := range opts {
		if opt != nil {
			opt(c)
		}
	}
	// A pre-signed URL is exact: a redirect means the file was not stored
	// there (and net/http would re-send a 301/302's PUT without its body,
	// or as a GET). The upload client is a copy that stops at one.
	up := *c.upload
	up.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	c.upload = &up
	return c
}

// ready reports ErrNoClient for a Client New did not make from a
// nitro.Client.
func (c *Client) ready() error {
	if c == nil || c.nc == nil || c.raw == nil || c.sleep == nil || c.upload == nil {
		return ErrNoClient
	}
	return nil
}

// redact removes the credentials c's nitro.Client knows (the client secret,
// its tokens) from s: every string the server chose passes through it
// before it reaches an error.
func (c *Client) redact(s string) string {
	if c == nil {
		return s
	}
	return c.nc.Redact(s) // a nil nitro.Client returns s
}

// Raw returns the client oapi-codegen generated, for what the typed calls
// do not offer. It shares this client's stack: a non-2xx answer is an
// *nitro.APIError, and a 2xx response's body is the caller's to close. It is
// a copy: changing it changes nothing for c. On a Client New did not make
// from a nitro.Client, its every call is ErrNoClient.
func (c *Client) Raw() *pdfapi.Client {
	if c.ready() != nil {
		return &pdfapi.Client{Client: noClient{}}
	}
	raw := *c.raw
	return &raw
}

// noClient is the doer of Raw's copy on a Client without a nitro.Client.
type noClient struct{}

func (noClient) Do(*http.Request) (*http.Response, error) { return nil, ErrNoClient }
