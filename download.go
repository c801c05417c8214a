package nitro

import (
	"context"
	"fmt"
	"io"
	"net/http"

	"github.com/google/uuid"
)

// DownloadSealedEnvelope writes the sealed envelope, a ZIP of its signed
// documents and audit trail, to w as it arrives, and returns the bytes
// written. Memory use does not grow with the download. Before the envelope
// is sealed the API answers 409: IsConflict reports it.
func (c *Client) DownloadSealedEnvelope(ctx context.Context, envelopeID uuid.UUID, w io.Writer) (int64, error) {
	return download(w)(c.raw.DownloadSealedEnvelope(ctx, envelopeID))
}

// DownloadOriginalEnvelope writes a ZIP of the documents as uploaded to w.
func (c *Client) DownloadOriginalEnvelope(ctx context.Context, envelopeID uuid.UUID, w io.Writer) (int64, error) {
	return download(w)(c.raw.DownloadOriginalEnvelope(ctx, envelopeID))
}

// DownloadAuditTrail writes the envelope's audit trail PDF to w.
func (c *Client) DownloadAuditTrail(ctx context.Context, envelopeID uuid.UUID, w io.Writer) (int64, error) {
	return download(w)(c.raw.DownloadAuditTrailOfEnvelope(ctx, envelopeID))
}

// DownloadSealedDocument writes one sealed document, a PDF, to w. Before
// the envelope is sealed the API answers 409: IsConflict reports it.
func (c *Client) DownloadSealedDocument(ctx context.Context, envelopeID, documentID uuid.UUID, w io.Writer) (int64, error) {
	return download(w)(c.raw.DownloadSealedDocument(ctx, envelopeID, documentID))
}

// download copies a raw (unbuffered) response's body to w.
func download(w io.Writer) func(*http.Response, error) (int64, error) {
	return func(resp *http.Response, err error) (int64, error) {
		if err != nil {
			return 0, err
		}
		if resp.StatusCode < 200 || resp.StatusCode > 299 {
			return 0, errorFromResponse(resp)
		}
		defer resp.Body.Close()
		n, err := io.Copy(w, resp.Body)
		if err != nil {
			return n, fmt.Errorf("nitro: download %s: after %d bytes: %w", resp.Request.URL.Path, n, err)
		}
		if resp.ContentLength >= 0 && n != resp.ContentLength {
			return n, fmt.Errorf("nitro: download %s: got %d of %d bytes: %w", resp.Request.URL.Path, n, resp.ContentLength, io.ErrUnexpectedEOF)
		}
		return n, nil
	}
}
