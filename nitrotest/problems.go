package nitrotest

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// problem is an RFC 9457 problem as Nitro sends it (the spec's *ProblemDetail
// schemas all share this shape).
type problem struct {
	Type             string            `json:"type"`
	Title            string            `json:"title"`
	Status           int               `json:"status"`
	Detail           string            `json:"detail"`
	Instance         string            `json:"instance"`
	ValidationErrors map[string]string `json:"validation_errors,omitempty"`
	Extensions       map[string]any    `json:"extensions,omitempty"`
}

const docsErrors = "https://developers.gonitro.com/docs/build-nitro/errors#"

// problemKind returns the anchor in Nitro's error docs and the title for a
// status.
func problemKind(status int) (anchor, title string) {
	switch status {
	case http.StatusBadRequest:
		return "400-bad-request", "Bad Request"
	case http.StatusUnauthorized:
		return "401-unauthorized", "Unauthorized"
	case http.StatusForbidden:
		return "403-forbidden", "Forbidden"
	case http.StatusNotFound:
		return "404-not-found", "Not Found"
	case http.StatusConflict:
		return "409-conflict", "Conflict"
	case http.StatusRequestEntityTooLarge:
		return "413-content-too-large", "Content too large"
	case http.StatusUnsupportedMediaType:
		return "415-unsupported-media-type", "Unsupported Media Type"
	case http.StatusUnprocessableEntity:
		return "422-unprocessable-entity", "Unprocessable Entity"
	}
	return fmt.Sprint(status), http.StatusText(status)
}

// newProblem builds the problem for status about the request path instance.
func newProblem(status int, instance, format string, args ...any) problem {
	anchor, title := problemKind(status)
	return problem{Type: docsErrors + anchor, Title: title, Status: status, Detail: fmt.Sprintf(format, args...), Instance: instance}
}

func writeProblem(w http.ResponseWriter, p problem) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

// as converts p to one of the generated problem types, which all have its
// fields.
func as[T any](p problem) T {
	var t T
	b, _ := json.Marshal(p)
	_ = json.Unmarshal(b, &t)
	return t
}

// problemResponse answers an operation with a problem the spec does not type
// for it: 404 for an unknown envelope where only other errors are listed,
// 409 for editing a sent envelope, and 400 for bodies no listed error fits.
type problemResponse struct{ p problem }

func (r problemResponse) visit(w http.ResponseWriter) error {
	writeProblem(w, r.p)
	return nil
}

func (r problemResponse) VisitListEnvelopesResponse(w http.ResponseWriter) error { return r.visit(w) }

func (r problemResponse) VisitCreateDocumentResponse(w http.ResponseWriter) error { return r.visit(w) }

func (r problemResponse) VisitReorderDocumentsResponse(w http.ResponseWriter) error {
	return r.visit(w)
}

func (r problemResponse) VisitCreateFieldResponse(w http.ResponseWriter) error { return r.visit(w) }

func (r problemResponse) VisitUpdateFieldResponse(w http.ResponseWriter) error { return r.visit(w) }

func (r problemResponse) VisitDeleteFieldResponse(w http.ResponseWriter) error { return r.visit(w) }

func (r problemResponse) VisitDeleteFieldsResponse(w http.ResponseWriter) error { return r.visit(w) }

func (r problemResponse) VisitCreateParticipantResponse(w http.ResponseWriter) error {
	return r.visit(w)
}

func (r problemResponse) VisitUpdateParticipantResponse(w http.ResponseWriter) error {
	return r.visit(w)
}

func (r problemResponse) VisitDeleteParticipantResponse(w http.ResponseWriter) error {
	return r.visit(w)
}

func (r problemResponse) VisitDeleteParticipantsResponse(w http.ResponseWriter) error {
	return r.visit(w)
}
