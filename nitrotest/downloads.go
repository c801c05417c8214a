package nitrotest

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/nitrokit/nitro/nitrotest/internal/api"
)

// docSnapshot is what a download needs of a document, copied under the lock
// so the stream runs without it.
type docSnapshot struct {
	name string
	size int64
}

func snapshotDocs(e *envelope) []docSnapshot {
	out := make([]docSnapshot, 0, len(e.docs))
	for _, d := range e.docs {
		out = append(out, docSnapshot{name: d.name, size: d.size})
	}
	return out
}

func pdfName(name string) string {
	if strings.HasSuffix(strings.ToLower(name), ".pdf") {
		return name
	}
	return name + ".pdf"
}

// auditTrail is the audit trail PDF of an envelope.
func auditTrail(e *envelope) (io.Reader, int64) {
	return PDF(fmt.Sprintf("Audit trail of envelope %s (%s): created %s, %s %s", e.id, e.name,
		e.created.Format(time.RFC3339), e.status, e.modified.Format(time.RFC3339)), 0)
}

// DownloadSealedEnvelope streams a ZIP of the sealed documents and the audit
// trail; 409 until the envelope is sealed.
func (s handlers) DownloadSealedEnvelope(_ context.Context, req api.DownloadSealedEnvelopeRequestObject) (api.DownloadSealedEnvelopeResponseObject, error) {
	var resp api.DownloadSealedEnvelopeResponseObject
	found := s.state.withEnvelope(req.EnvelopeID, func(e *envelope) {
		if e.status != sealed {
			resp = api.DownloadSealedEnvelope409ApplicationProblemPlusJSONResponse(as[api.EnvelopeInInvalidStateProblemDetail](invalidState(e, "download the sealed documents of")))
			return
		}
		docs := snapshotDocs(e)
		if s.cfg.sealedSize > 0 && len(docs) > 0 {
			per := s.cfg.sealedSize / int64(len(docs))
			for i := range docs {
				docs[i].size = per
			}
		}
		audit, auditLen := auditTrail(e)
		entries := make([]zipEntry, 0, len(docs)+1)
		for _, d := range docs {
			entries = append(entries, zipEntry{name: "sealed/" + pdfName(d.name), body: func() (io.Reader, int64) { return PDF("Sealed: "+d.name, d.size) }})
		}
		entries = append(entries, zipEntry{name: "audit-trail.pdf", body: func() (io.Reader, int64) { return audit, auditLen }})
		resp = api.DownloadSealedEnvelope200ApplicationOctetStreamResponse{Body: zipStream(entries)}
	})
	if !found {
		return api.DownloadSealedEnvelope404ApplicationProblemPlusJSONResponse(as[api.NotFoundProblemDetail](notFound(req.EnvelopeID))), nil
	}
	return resp, nil
}

// DownloadOriginalEnvelope streams a ZIP of the documents as uploaded.
func (s handlers) DownloadOriginalEnvelope(_ context.Context, req api.DownloadOriginalEnvelopeRequestObject) (api.DownloadOriginalEnvelopeResponseObject, error) {
	var docs []docSnapshot
	if !s.state.withEnvelope(req.EnvelopeID, func(e *envelope) { docs = snapshotDocs(e) }) {
		return api.DownloadOriginalEnvelope404ApplicationProblemPlusJSONResponse(as[api.NotFoundProblemDetail](notFound(req.EnvelopeID))), nil
	}
	entries := make([]zipEntry, 0, len(docs))
	for _, d := range docs {
		entries = append(entries, zipEntry{name: "original/" + pdfName(d.name), body: func() (io.Reader, int64) { return PDF(d.name, d.size) }})
	}
	return api.DownloadOriginalEnvelope200ApplicationOctetStreamResponse{Body: zipStream(entries)}, nil
}

// DownloadAuditTrailOfEnvelope streams the audit trail PDF.
func (s handlers) DownloadAuditTrailOfEnvelope(_ context.Context, req api.DownloadAuditTrailOfEnvelopeRequestObject) (api.DownloadAuditTrailOfEnvelopeResponseObject, error) {
	var body io.Reader
	var n int64
	if !s.state.withEnvelope(req.EnvelopeID, func(e *envelope) { body, n = auditTrail(e) }) {
		return api.DownloadAuditTrailOfEnvelope404ApplicationProblemPlusJSONResponse(as[api.NotFoundProblemDetail](notFound(req.EnvelopeID))), nil
	}
	return api.DownloadAuditTrailOfEnvelope200ApplicationOctetStreamResponse{Body: body, ContentLength: n}, nil
}

// DownloadSealedDocument streams one sealed document; 409 until sealed.
func (s handlers) DownloadSealedDocument(_ context.Context, req api.DownloadSealedDocumentRequestObject) (api.DownloadSealedDocumentResponseObject, error) {
	var resp api.DownloadSealedDocumentResponseObject = api.DownloadSealedDocument404ApplicationProblemPlusJSONResponse(as[api.NotFoundProblemDetail](docNotFound(req.EnvelopeID, req.DocumentID)))
	s.state.withEnvelope(req.EnvelopeID, func(e *envelope) {
		d := e.document(req.DocumentID)
		switch {
		case d == nil:
		case e.status != sealed:
			resp = api.DownloadSealedDocument409ApplicationProblemPlusJSONResponse(as[api.EnvelopeInInvalidStateProblemDetail](invalidState(e, "download a sealed document of")))
		default:
			body, n := PDF("Sealed: "+d.name, d.size)
			resp = api.DownloadSealedDocument200ApplicationPdfResponse{Body: body, ContentLength: n}
		}
	})
	return resp, nil
}
