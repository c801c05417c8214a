package sign

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strings"

	"github.com/google/uuid"

	"github.com/nitrokit/nitro"

	"github.com/nitrokit/nitro/gen/signapi"
	"github.com/nitrokit/nitro/internal/wire"
)

// MaxDocumentSize is the documented limit of one document, in bytes (20
// MiB), checked before sending when DocumentUpload.Size says, and while
// sending otherwise. (An envelope's limit of 15 documents is the server's to
// enforce: checking it here would cost a request per upload, and race.)
const MaxDocumentSize = 20 << 20

// Errors of CreateDocument found before anything is sent (or, for a body
// larger than its stated Size, while sending).
var (
	ErrInvalidDocument  = errors.New("nitro: invalid document")
	ErrDocumentTooLarge = errors.New("nitro: document exceeds 20 MB")
)

// DocumentUpload is a file to add to an envelope: either Body, streamed as it is
// read and never held in memory, or NitroDocumentID, an existing Nitro
// document.
type DocumentUpload struct {
	// Name is the document's name, shown to participants. Required.
	Name string
	// ContentType is the file's media type, such as "application/pdf".
	// Required with Body.
	ContentType string
	// Body is the file's content. A typed nil (a nil *bytes.Reader) is
	// refused like a nil Body would be with no NitroDocumentID.
	Body io.Reader
	// Size is Body's length in bytes if known (> 0): a file over the limit
	// is refused before anything is sent. A Body that turns out longer than
	// the limit is cut off with ErrDocumentTooLarge either way.
	Size int64
	// NitroDocumentID attaches an existing Nitro document instead of Body.
	NitroDocumentID string
}

func (d DocumentUpload) check() error {
	switch {
	case d.Body != nil && wire.IsNil(d.Body):
		return fmt.Errorf("%w: Body is a nil %T", ErrInvalidDocument, d.Body)
	case strings.TrimSpace(d.Name) == "":
		return fmt.Errorf("%w: Name is required", ErrInvalidDocument)
	case d.Body != nil && d.NitroDocumentID != "":
		return fmt.Errorf("%w: Body and NitroDocumentID are mutually exclusive", ErrInvalidDocument)
	case d.Body == nil && d.NitroDocumentID == "":
		return fmt.Errorf("%w: Body or NitroDocumentID is required", ErrInvalidDocument)
	case d.Body != nil && d.ContentType == "":
		return fmt.Errorf("%w: ContentType is required with Body", ErrInvalidDocument)
	case d.Size > MaxDocumentSize:
		return fmt.Errorf("%w: %q is %d bytes, the limit is %d", ErrDocumentTooLarge, d.Name, d.Size, MaxDocumentSize)
	}
	return nil
}

// CreateDocument is createDocument: POST
// /sign/envelopes/{envelopeID}/documents. It adds doc to a drafted envelope
// as a multipart request (a JSON metadata part and a binary payload part)
// streamed through a pipe, so the file is never buffered whole, and returns
// the document, pending until Nitro has processed it.
//
// A streamed body cannot be sent twice, so an upload is never retried; a
// token is fetched first if none is cached (without an API request), so the
// upload does not carry the first token fetch's failures. If ctx ends while
// doc.Body is blocked in Read, CreateDocument returns ctx's error at once;
// the goroutine reading Body ends when that Read returns. Any non-2xx answer
// is an *nitro.APIError.
func (c *Client) CreateDocument(ctx context.Context, envelopeID uuid.UUID, doc DocumentUpload, opts ...nitro.CallOption) (PendingDocumentResponse, error) {
	var out PendingDocumentResponse
	if err := c.ready(ctx); err != nil {
		return out, err
	}
	ctx = nitro.CallContext(ctx, opts...)
	if err := doc.check(); err != nil {
		return out, err
	}
	if _, err := c.nc.Token(ctx); err != nil {
		return out, err
	}
	var params signapi.CreateDocumentParams
	if doc.NitroDocumentID != "" {
		params.NitroDocumentID = &doc.NitroDocumentID
	}
	resp, err := wire.Upload(ctx, func(mw *multipart.Writer) error { return writeMultipart(mw, doc) },
		func(contentType string, body io.Reader) (*http.Response, error) {
			return c.raw.CreateDocumentWithBody(ctx, envelopeID, &params, contentType, body, routeCreateDocument)
		})
	if err != nil {
		return out, fmt.Errorf("nitro: upload %q: %w", doc.Name, err)
	}
	return wire.JSON[PendingDocumentResponse](resp, nil)
}

// writeMultipart writes the metadata and payload parts; wire.Upload closes
// the writer.
func writeMultipart(mw *multipart.Writer, doc DocumentUpload) error {
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="metadata"`)
	h.Set("Content-Type", "application/json")
	part, err := mw.CreatePart(h)
	if err != nil {
		return err
	}
	meta := signapi.EnvelopeWebDocumentRequestMetadata{Name: doc.Name, ContentType: doc.ContentType}
	if err := json.NewEncoder(part).Encode(meta); err != nil {
		return err
	}
	if doc.Body != nil {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", wire.FileDisposition("payload", doc.Name))
		h.Set("Content-Type", doc.ContentType)
		if part, err = mw.CreatePart(h); err != nil {
			return err
		}
		n, err := io.Copy(part, io.LimitReader(wire.Guard(doc.Body), MaxDocumentSize+1))
		if err != nil {
			return err
		}
		if n > MaxDocumentSize {
			return fmt.Errorf("%w: %q is longer than %d bytes", ErrDocumentTooLarge, doc.Name, MaxDocumentSize)
		}
	}
	return nil
}

// routeCreateDocument names the call for nitro.Observer (see wire.Route).
var routeCreateDocument = wire.Route("POST /sign/envelopes/{envelopeID}/documents")
