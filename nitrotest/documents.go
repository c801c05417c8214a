package nitrotest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"

	"github.com/google/uuid"

	"github.com/nitrokit/nitro/nitrotest/internal/api"
)

// Documented limits of an envelope's documents.
const (
	maxFileBytes     = 20 << 20
	maxFiles         = 15
	maxEnvelopeBytes = 300 << 20
)

// supportedType reports whether the fake accepts a document type; others
// get 415.
func supportedType(ct string) bool {
	switch ct {
	case "application/pdf", "application/msword",
		"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
		"image/png", "image/jpeg":
		return true
	}
	return false
}

func documentPath(env, doc uuid.UUID) string { return envelopePath(env) + "/documents/" + doc.String() }

// wire is d in the JSON shape of the spec's *DocumentResponse schemas.
func (d *document) wire() map[string]any {
	return map[string]any{"ID": d.id, "name": d.name, "createdAt": d.created, "status": d.status, "sizeBytes": d.size, "numPages": d.pages}
}

func (d *document) union() api.Document { return toUnion[api.Document](d.wire()) }

func documentList(e *envelope) api.DocumentList {
	items := make([]api.Document, 0, len(e.docs))
	for _, d := range e.docs {
		items = append(items, d.union())
	}
	return api.DocumentList{Items: &items}
}

func docNotFound(env, doc uuid.UUID) problem {
	return newProblem(http.StatusNotFound, documentPath(env, doc), "Document with ID '%s' not found", doc)
}

// upload is what CreateDocument read from a multipart body.
type upload struct {
	meta        *api.EnvelopeWebDocumentRequestMetadata
	contentType string // of the payload part
	hasPayload  bool
	size        int64
	pages       int32
}

// CreateDocument reads the multipart body as it streams: a JSON metadata part
// and a binary payload part, or metadata alone with a nitroDocumentID.
func (s handlers) CreateDocument(_ context.Context, req api.CreateDocumentRequestObject) (api.CreateDocumentResponseObject, error) {
	path := envelopePath(req.EnvelopeID) + "/documents"
	if p, ok := s.checkEnvelopeAcceptsDocument(req.EnvelopeID, 0); !ok {
		return problemResponse{p}, nil
	}
	up, p, ok := readUpload(req.Body, path)
	if !ok {
		return problemResponse{p}, nil
	}
	if p, ok := checkUpload(up, req.Params.NitroDocumentID, path); !ok {
		return problemResponse{p}, nil
	}
	now := s.now().UTC()
	d := &document{id: uuid.New(), name: up.meta.Name, contentType: up.contentType, status: "pending", created: now, size: up.size, pages: up.pages}
	if p, ok := s.checkEnvelopeAcceptsDocument(req.EnvelopeID, d.size); !ok {
		return problemResponse{p}, nil
	}
	var out api.PendingDocumentResponse
	s.state.withEnvelope(req.EnvelopeID, func(e *envelope) {
		_ = json.Unmarshal(mustJSON(d.wire()), &out)
		d.status = "uploaded" // processing is instant here; the answer says pending
		e.docs = append(e.docs, d)
		e.modified = now
	})
	return api.CreateDocument201JSONResponse(out), nil
}

// checkEnvelopeAcceptsDocument checks the envelope exists, is a draft, and
// has room for one more document of size bytes.
func (s *Server) checkEnvelopeAcceptsDocument(id uuid.UUID, size int64) (problem, bool) {
	var p *problem
	found := s.state.withEnvelope(id, func(e *envelope) {
		if pp, ok := editable(e, "add documents to"); !ok {
			p = &pp
			return
		}
		if len(e.docs) >= maxFiles {
			pp := newProblem(http.StatusUnprocessableEntity, envelopePath(id)+"/documents", "Too many documents in envelope: at most %d", maxFiles)
			p = &pp
			return
		}
		if e.totalSize()+size > maxEnvelopeBytes {
			pp := newProblem(http.StatusUnprocessableEntity, envelopePath(id)+"/documents", "The envelope's documents exceed the combined limit of 300 MB")
			p = &pp
		}
	})
	if !found {
		return notFound(id), false
	}
	if p != nil {
		return *p, false
	}
	return problem{}, true
}

// readUpload streams the parts, counting the payload's bytes and PDF pages
// without keeping it.
func readUpload(mr *multipart.Reader, path string) (upload, problem, bool) {
	var up upload
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return up, problem{}, true
		}
		if err != nil {
			return up, validationError(path, map[string]string{"body": "malformed multipart body"}), false
		}
		switch part.FormName() {
		case "metadata":
			var m api.EnvelopeWebDocumentRequestMetadata
			if err := json.NewDecoder(io.LimitReader(part, 64<<10)).Decode(&m); err != nil {
				return up, validationError(path, map[string]string{"metadata": "must be a JSON object"}), false
			}
			up.meta = &m
		case "payload":
			up.hasPayload = true
			up.contentType, _, _ = mime.ParseMediaType(part.Header.Get("Content-Type"))
			pc := &pageCounter{}
			n, err := io.Copy(pc, io.LimitReader(part, maxFileBytes+1))
			if err != nil {
				return up, validationError(path, map[string]string{"payload": "could not be read"}), false
			}
			if n > maxFileBytes {
				return up, newProblem(http.StatusRequestEntityTooLarge, path, "Uploaded document exceeds the file size limit of 20Mb"), false
			}
			up.size, up.pages = n, max(pc.pages, 1)
		}
		part.Close()
	}
}

// checkUpload applies the rules the spec states for the parts.
func checkUpload(up upload, nitroDocumentID *string, path string) (problem, bool) {
	switch {
	case up.meta == nil:
		return validationError(path, map[string]string{"metadata": "is required"}), false
	case strings.TrimSpace(up.meta.Name) == "":
		return validationError(path, map[string]string{"metadata.name": "must not be blank"}), false
	case nitroDocumentID != nil && up.hasPayload:
		return validationError(path, map[string]string{"nitroDocumentID": "must not be combined with a payload"}), false
	case nitroDocumentID == nil && !up.hasPayload:
		return validationError(path, map[string]string{"payload": "is required without nitroDocumentID"}), false
	case nitroDocumentID != nil:
		if _, err := uuid.Parse(*nitroDocumentID); err != nil {
			return validationError(path, map[string]string{"nitroDocumentID": "must be a UUID"}), false
		}
		return problem{}, true
	}
	ct := up.contentType
	if up.meta.ContentType != nil && *up.meta.ContentType != "" {
		ct, _, _ = mime.ParseMediaType(*up.meta.ContentType)
	}
	if supportedType(ct) {
		return problem{}, true
	}
	return newProblem(http.StatusUnsupportedMediaType, path, "The provided media type is not supported: %s", ct), false
}

// pageCounter counts "/Type /Page" objects (not "/Pages") in a PDF stream.
type pageCounter struct {
	carry []byte
	pages int32
}

const pageMarker = "/Type /Page"

func (pc *pageCounter) Write(p []byte) (int, error) {
	buf := append(pc.carry, p...)
	for i := 0; ; {
		j := bytes.Index(buf[i:], []byte(pageMarker))
		if j < 0 {
			break
		}
		end := i + j + len(pageMarker)
		if end >= len(buf) {
			break // cannot tell /Page from /Pages yet
		}
		if buf[end] != 's' {
			pc.pages++
		}
		i = end
	}
	keep := min(len(buf), len(pageMarker))
	pc.carry = append(pc.carry[:0], buf[len(buf)-keep:]...)
	return len(p), nil
}

// ListDocuments lists an envelope's documents in order.
func (s handlers) ListDocuments(_ context.Context, req api.ListDocumentsRequestObject) (api.ListDocumentsResponseObject, error) {
	var out api.DocumentList
	if !s.state.withEnvelope(req.EnvelopeID, func(e *envelope) { out = documentList(e) }) {
		return api.ListDocuments404ApplicationProblemPlusJSONResponse(as[api.NotFoundProblemDetail](notFound(req.EnvelopeID))), nil
	}
	return api.ListDocuments200JSONResponse(out), nil
}

// GetDocument returns one document.
func (s handlers) GetDocument(_ context.Context, req api.GetDocumentRequestObject) (api.GetDocumentResponseObject, error) {
	var out *api.Document
	s.state.withEnvelope(req.EnvelopeID, func(e *envelope) {
		if d := e.document(req.DocumentID); d != nil {
			u := d.union()
			out = &u
		}
	})
	if out == nil {
		return api.GetDocument404ApplicationProblemPlusJSONResponse(as[api.NotFoundProblemDetail](docNotFound(req.EnvelopeID, req.DocumentID))), nil
	}
	return api.GetDocument200JSONResponse(*out), nil
}

// UpdateDocument renames a draft's document.
func (s handlers) UpdateDocument(_ context.Context, req api.UpdateDocumentRequestObject) (api.UpdateDocumentResponseObject, error) {
	var resp api.UpdateDocumentResponseObject = api.UpdateDocument404ApplicationProblemPlusJSONResponse(as[api.DocumentNotFoundProblemDetail](docNotFound(req.EnvelopeID, req.DocumentID)))
	s.state.withEnvelope(req.EnvelopeID, func(e *envelope) {
		d := e.document(req.DocumentID)
		switch {
		case d == nil:
		case e.status != drafted:
			resp = api.UpdateDocument409ApplicationProblemPlusJSONResponse(as[api.EnvelopeInInvalidStateProblemDetail](invalidState(e, "rename documents of")))
		case req.Body == nil || strings.TrimSpace(req.Body.Name) == "":
			resp = api.UpdateDocument400ApplicationProblemPlusJSONResponse(as[api.BadRequestProblemDetail](validationError(documentPath(e.id, d.id), map[string]string{"name": "must not be blank"})))
		default:
			d.name, e.modified = req.Body.Name, s.now().UTC()
			resp = api.UpdateDocument200JSONResponse(d.union())
		}
	})
	return resp, nil
}

// DeleteDocument removes a draft's document.
func (s handlers) DeleteDocument(_ context.Context, req api.DeleteDocumentRequestObject) (api.DeleteDocumentResponseObject, error) {
	var resp api.DeleteDocumentResponseObject = api.DeleteDocument404ApplicationProblemPlusJSONResponse(as[api.DocumentNotFoundProblemDetail](docNotFound(req.EnvelopeID, req.DocumentID)))
	s.state.withEnvelope(req.EnvelopeID, func(e *envelope) {
		for i, d := range e.docs {
			if d.id != req.DocumentID {
				continue
			}
			if p, ok := editable(e, "remove documents from"); !ok {
				resp = api.DeleteDocument409ApplicationProblemPlusJSONResponse(as[api.EnvelopeInInvalidStateProblemDetail](p))
				return
			}
			e.docs = append(e.docs[:i], e.docs[i+1:]...)
			e.modified = s.now().UTC()
			resp = api.DeleteDocument204Response{}
			return
		}
	})
	return resp, nil
}

// ReorderDocuments puts a draft's documents in the given order, which must
// name each of them once.
func (s handlers) ReorderDocuments(_ context.Context, req api.ReorderDocumentsRequestObject) (api.ReorderDocumentsResponseObject, error) {
	var resp api.ReorderDocumentsResponseObject
	found := s.state.withEnvelope(req.EnvelopeID, func(e *envelope) {
		if p, ok := editable(e, "reorder documents of"); !ok {
			resp = api.ReorderDocuments409ApplicationProblemPlusJSONResponse(as[api.EnvelopeInInvalidStateProblemDetail](p))
			return
		}
		var order []uuid.UUID
		if req.Body != nil && req.Body.Order != nil {
			order = *req.Body.Order
		}
		docs, ok := permute(e.docs, order)
		if !ok {
			resp = problemResponse{validationError(envelopePath(e.id)+"/documents:reorder", map[string]string{"order": "must list each document of the envelope once"})}
			return
		}
		e.docs, e.modified = docs, s.now().UTC()
		resp = api.ReorderDocuments200JSONResponse(documentList(e))
	})
	if !found {
		return api.ReorderDocuments404ApplicationProblemPlusJSONResponse(as[api.NotFoundProblemDetail](notFound(req.EnvelopeID))), nil
	}
	return resp, nil
}

func permute(docs []*document, order []uuid.UUID) ([]*document, bool) {
	if len(order) != len(docs) {
		return nil, false
	}
	out := make([]*document, 0, len(docs))
	seen := map[uuid.UUID]bool{}
	for _, id := range order {
		d := (&envelope{docs: docs}).document(id)
		if d == nil || seen[id] {
			return nil, false
		}
		seen[id] = true
		out = append(out, d)
	}
	return out, true
}

// toUnion loads v's JSON into one of the generated union types.
func toUnion[T any](v any) T {
	var t T
	_ = json.Unmarshal(mustJSON(v), &t)
	return t
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		return []byte("null") // only plain data is marshalled here
	}
	return b
}
