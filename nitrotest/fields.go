package nitrotest

import (
	"context"
	"encoding/json"
	"maps"
	"net/http"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/nitrokit/nitro/nitrotest/internal/api"
)

// fieldType reports whether t is one of the spec's eight field types.
func fieldType(t string) bool {
	switch t {
	case "checkbox", "company", "custom", "date", "initials", "name", "signature", "title":
		return true
	}
	return false
}

func fieldsPath(env, doc uuid.UUID) string { return documentPath(env, doc) + "/fields" }

// parseField checks one field as sent for doc d of an envelope with
// signers. Problems about the request's form go to bad (400); a field for a
// participant who is not a signer, or for a page the document lacks, is a
// 422.
func parseField(props map[string]any, signers map[uuid.UUID]bool, d *document, prefix string, bad map[string]string) (*field, string) {
	f := &field{id: uuid.New(), props: maps.Clone(props)}
	f.typ, _ = props["type"].(string)
	f.typ = strings.ToLower(f.typ)
	if !fieldType(f.typ) {
		bad[prefix+"type"] = "must be one of checkbox, company, custom, date, initials, name, signature, title"
	}
	pid, _ := props["participantID"].(string)
	id, err := uuid.Parse(pid)
	if err != nil {
		bad[prefix+"participantID"] = "must be a participant's UUID"
	}
	f.participant = id
	if !boundingBox(props["boundingBox"]) {
		bad[prefix+"boundingBox"] = "must be [x, y, w, h] with x, y >= 0 and w, h > 0"
	}
	page := 1.0
	if v, ok := props["page"]; ok {
		page, _ = v.(float64)
		if page < 1 || page != float64(int(page)) {
			bad[prefix+"page"] = "must be a page number from 1"
		}
	}
	f.props["type"], f.props["ID"], f.props["documentID"], f.props["page"] = f.typ, f.id, d.id, int(page)
	if len(bad) > 0 {
		return f, ""
	}
	if !signers[id] {
		return f, "fields can only be created for participants with the signer role"
	}
	if int32(page) > d.pages {
		return f, "the document has " + strconv.Itoa(int(d.pages)) + " page(s)"
	}
	return f, ""
}

func boundingBox(v any) bool {
	box, ok := v.([]any)
	if !ok || len(box) != 4 {
		return false
	}
	for i, x := range box {
		n, ok := x.(float64)
		if !ok || n < 0 || (i >= 2 && n == 0) {
			return false
		}
	}
	return true
}

// CreateField places one field (201) or, with "items", several (200).
func (s handlers) CreateField(_ context.Context, req api.CreateFieldRequestObject) (api.CreateFieldResponseObject, error) {
	var raw []byte
	if req.Body != nil {
		raw, _ = req.Body.MarshalJSON()
	}
	var body map[string]any
	if err := json.Unmarshal(raw, &body); err != nil {
		return problemResponse{validationError(fieldsPath(req.EnvelopeID, req.DocumentID), map[string]string{"body": "must be a field or {items: [...]}"})}, nil
	}
	items, bulk := body["items"].([]any)
	if !bulk {
		items = []any{body}
	}
	var resp api.CreateFieldResponseObject = api.CreateField404ApplicationProblemPlusJSONResponse(as[api.NotFoundProblemDetail](docNotFound(req.EnvelopeID, req.DocumentID)))
	s.state.withEnvelope(req.EnvelopeID, func(e *envelope) {
		d := e.document(req.DocumentID)
		if d == nil {
			return
		}
		if p, ok := editable(e, "place fields on"); !ok {
			resp = problemResponse{p}
			return
		}
		fs, bad, unprocessable := parseFields(items, bulk, e, d)
		path := fieldsPath(e.id, d.id)
		switch {
		case len(bad) > 0:
			resp = api.CreateField400ApplicationProblemPlusJSONResponse(as[api.BadRequestProblemDetail](validationError(path, bad)))
		case unprocessable != "":
			resp = api.CreateField422ApplicationProblemPlusJSONResponse(as[api.UnprocessableEntityProblemDetail](newProblem(http.StatusUnprocessableEntity, path, "%s", unprocessable)))
		default:
			d.fields = append(d.fields, fs...)
			e.modified = s.now().UTC()
			resp = createdFields(fs, bulk)
		}
	})
	return resp, nil
}

func parseFields(items []any, bulk bool, e *envelope, d *document) ([]*field, map[string]string, string) {
	bad := map[string]string{}
	if len(items) == 0 {
		bad["items"] = "must not be empty"
	}
	var fs []*field
	unprocessable := ""
	// One set for the request: a lookup among the participants per field
	// would make k fields among n participants cost O(k·n).
	signers := e.signerIDs()
	for i, it := range items {
		props, _ := it.(map[string]any)
		prefix := ""
		if bulk {
			prefix = "items[" + strconv.Itoa(i) + "]."
		}
		f, why := parseField(props, signers, d, prefix, bad)
		if why != "" && unprocessable == "" {
			unprocessable = prefix + why
		}
		fs = append(fs, f)
	}
	return fs, bad, unprocessable
}

func createdFields(fs []*field, bulk bool) api.CreateFieldResponseObject {
	if !bulk {
		return api.CreateField201JSONResponse(toUnion[api.CreatedField](fs[0].props))
	}
	items := make([]api.CreatedField, 0, len(fs))
	for _, f := range fs {
		items = append(items, toUnion[api.CreatedField](f.props))
	}
	return api.CreateField200JSONResponse{Items: &items}
}

// ListFields lists a document's fields.
func (s handlers) ListFields(_ context.Context, req api.ListFieldsRequestObject) (api.ListFieldsResponseObject, error) {
	var out *api.FieldList
	s.state.withEnvelope(req.EnvelopeID, func(e *envelope) {
		if d := e.document(req.DocumentID); d != nil {
			items := make([]api.Field, 0, len(d.fields))
			for _, f := range d.fields {
				items = append(items, toUnion[api.Field](f.props))
			}
			out = &api.FieldList{Items: &items}
		}
	})
	if out == nil {
		return api.ListFields404ApplicationProblemPlusJSONResponse(as[api.NotFoundProblemDetail](docNotFound(req.EnvelopeID, req.DocumentID))), nil
	}
	return api.ListFields200JSONResponse(*out), nil
}

func (d *document) field(id uuid.UUID) (int, *field) {
	for i, f := range d.fields {
		if f.id == id {
			return i, f
		}
	}
	return -1, nil
}

func fieldNotFound(env, doc, id uuid.UUID) problem {
	return newProblem(http.StatusNotFound, fieldsPath(env, doc)+"/"+id.String(), "Field with ID '%s' not found", id)
}

// UpdateField changes a field's properties; its type cannot change.
func (s handlers) UpdateField(_ context.Context, req api.UpdateFieldRequestObject) (api.UpdateFieldResponseObject, error) {
	var resp api.UpdateFieldResponseObject = api.UpdateField404ApplicationProblemPlusJSONResponse(as[api.NotFoundProblemDetail](fieldNotFound(req.EnvelopeID, req.DocumentID, req.FieldID)))
	s.state.withEnvelope(req.EnvelopeID, func(e *envelope) {
		d := e.document(req.DocumentID)
		if d == nil {
			return
		}
		_, f := d.field(req.FieldID)
		if f == nil {
			return
		}
		if p, ok := editable(e, "update fields of"); !ok {
			resp = problemResponse{p}
			return
		}
		var raw []byte
		if req.Body != nil {
			raw, _ = req.Body.MarshalJSON()
		}
		var upd map[string]any
		_ = json.Unmarshal(raw, &upd)
		merged := maps.Clone(f.props)
		maps.Copy(merged, upd)
		bad := map[string]string{}
		if t, _ := merged["type"].(string); strings.ToLower(t) != f.typ {
			bad["type"] = "cannot change from " + f.typ
		}
		nf, why := parseField(merged, e.signerIDs(), d, "", bad)
		if len(bad) > 0 || why != "" {
			bad["field"] = why
			resp = problemResponse{validationError(fieldsPath(e.id, d.id)+"/"+f.id.String(), bad)}
			return
		}
		nf.id, nf.props["ID"] = f.id, f.id
		*f = *nf
		e.modified = s.now().UTC()
		resp = api.UpdateField200JSONResponse(toUnion[api.Field](f.props))
	})
	return resp, nil
}

// DeleteField removes one field.
func (s handlers) DeleteField(_ context.Context, req api.DeleteFieldRequestObject) (api.DeleteFieldResponseObject, error) {
	var resp api.DeleteFieldResponseObject = api.DeleteField404ApplicationProblemPlusJSONResponse(as[api.NotFoundProblemDetail](fieldNotFound(req.EnvelopeID, req.DocumentID, req.FieldID)))
	s.state.withEnvelope(req.EnvelopeID, func(e *envelope) {
		d := e.document(req.DocumentID)
		if d == nil {
			return
		}
		i, f := d.field(req.FieldID)
		if f == nil {
			return
		}
		if p, ok := editable(e, "remove fields from"); !ok {
			resp = problemResponse{p}
			return
		}
		d.fields = append(d.fields[:i], d.fields[i+1:]...)
		e.modified = s.now().UTC()
		resp = api.DeleteField204Response{}
	})
	return resp, nil
}

// DeleteFields removes several fields; if any is unknown, none is removed.
func (s handlers) DeleteFields(_ context.Context, req api.DeleteFieldsRequestObject) (api.DeleteFieldsResponseObject, error) {
	var resp api.DeleteFieldsResponseObject = api.DeleteFields404ApplicationProblemPlusJSONResponse(as[api.NotFoundProblemDetail](docNotFound(req.EnvelopeID, req.DocumentID)))
	s.state.withEnvelope(req.EnvelopeID, func(e *envelope) {
		d := e.document(req.DocumentID)
		if d == nil {
			return
		}
		if p, ok := editable(e, "remove fields from"); !ok {
			resp = problemResponse{p}
			return
		}
		// A set, not a lookup per id: k ids among n fields cost O(k+n), not
		// O(k·n).
		known := make(map[uuid.UUID]bool, len(d.fields))
		for _, f := range d.fields {
			known[f.id] = true
		}
		drop := map[uuid.UUID]bool{}
		if req.Body != nil && req.Body.Items != nil {
			for _, id := range *req.Body.Items {
				if !known[id] {
					resp = api.DeleteFields404ApplicationProblemPlusJSONResponse(as[api.NotFoundProblemDetail](fieldNotFound(e.id, d.id, id)))
					return
				}
				drop[id] = true
			}
		}
		kept := d.fields[:0]
		for _, f := range d.fields {
			if !drop[f.id] {
				kept = append(kept, f)
			}
		}
		d.fields, e.modified = kept, s.now().UTC()
		resp = api.DeleteFields200Response{}
	})
	return resp, nil
}
