package nitrotest

import (
	"context"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/nitrokit/nitro/nitrotest/internal/api"
)

func envelopePath(id uuid.UUID) string { return "/sign/envelopes/" + id.String() }

// extended and summary copy every value: the answer is encoded after the
// state lock is released, so it must not point into the state.
func (e *envelope) extended() api.ExtendedEnvelope {
	s := e.summary()
	mode, n := api.EnvelopeMode(e.mode), e.notification
	status := *s.Status
	return api.ExtendedEnvelope{ID: s.ID, Name: s.Name, Status: &status, Mode: &mode, Notification: &n,
		CreatedAt: s.CreatedAt, LastModifiedAt: s.LastModifiedAt}
}

func (e *envelope) summary() api.Envelope {
	id, name, status, created, modified := e.id, e.name, api.EnvelopeStatus(e.status), e.created, e.modified
	return api.Envelope{ID: &id, Name: &name, Status: &status, CreatedAt: &created, LastModifiedAt: &modified}
}

// notFound is the 404 for an envelope id.
func notFound(id uuid.UUID) problem {
	return newProblem(http.StatusNotFound, envelopePath(id), "Envelope with ID '%s' not found", id)
}

// invalidState is the 409 for an operation the envelope's status forbids.
func invalidState(e *envelope, action string) problem {
	p := newProblem(http.StatusConflict, envelopePath(e.id), "Envelope in invalid state: cannot %s an envelope that is %s", action, e.status)
	p.Extensions = map[string]any{"status": e.status}
	return p
}

// editable is the 409 unless e is still a draft: only drafts change.
func editable(e *envelope, action string) (problem, bool) {
	if e.status != drafted {
		return invalidState(e, action), false
	}
	return problem{}, true
}

func validationError(instance string, fields map[string]string) problem {
	p := newProblem(http.StatusBadRequest, instance, "Request validation failed")
	p.ValidationErrors = fields
	return p
}

func checkEnvelopeFields(name *string, mode *string, n *api.Notification) map[string]string {
	bad := map[string]string{}
	if name != nil && strings.TrimSpace(*name) == "" {
		bad["name"] = "must not be blank"
	}
	if mode != nil && *mode != "sequential" && *mode != "parallel" {
		bad["mode"] = "must be sequential or parallel"
	}
	if n != nil {
		if strings.TrimSpace(n.Subject) == "" {
			bad["notification.subject"] = "must not be blank"
		}
		if strings.TrimSpace(n.Body) == "" {
			bad["notification.body"] = "must not be blank"
		}
	}
	return bad
}

// CreateEnvelope creates a drafted envelope.
func (s handlers) CreateEnvelope(_ context.Context, req api.CreateEnvelopeRequestObject) (api.CreateEnvelopeResponseObject, error) {
	if req.Body == nil {
		return api.CreateEnvelope400ApplicationProblemPlusJSONResponse(as[api.BadRequestProblemDetail](validationError("/sign/envelopes", map[string]string{"body": "is required"}))), nil
	}
	b := req.Body
	mode := string(b.Mode)
	if bad := checkEnvelopeFields(&b.Name, &mode, &b.Notification); len(bad) > 0 {
		return api.CreateEnvelope400ApplicationProblemPlusJSONResponse(as[api.BadRequestProblemDetail](validationError("/sign/envelopes", bad))), nil
	}
	now := s.now().UTC()
	e := &envelope{id: uuid.New(), name: b.Name, mode: mode, notification: b.Notification, status: drafted, created: now, modified: now}
	s.state.mu.Lock()
	s.state.envelopes[e.id] = e
	e.seq = s.state.order.add(e)
	out := e.extended()
	s.state.mu.Unlock()
	return api.CreateEnvelope201JSONResponse(out), nil
}

// GetEnvelope returns an envelope with its mode and notification.
func (s handlers) GetEnvelope(_ context.Context, req api.GetEnvelopeRequestObject) (api.GetEnvelopeResponseObject, error) {
	var out api.ExtendedEnvelope
	if !s.state.withEnvelope(req.EnvelopeID, func(e *envelope) { out = e.extended() }) {
		return api.GetEnvelope404ApplicationProblemPlusJSONResponse(as[api.NotFoundProblemDetail](notFound(req.EnvelopeID))), nil
	}
	return api.GetEnvelope200JSONResponse(out), nil
}

// UpdateEnvelope changes a draft's name, mode or notification.
func (s handlers) UpdateEnvelope(_ context.Context, req api.UpdateEnvelopeRequestObject) (api.UpdateEnvelopeResponseObject, error) {
	var resp api.UpdateEnvelopeResponseObject
	found := s.state.withEnvelope(req.EnvelopeID, func(e *envelope) {
		if p, ok := editable(e, "update"); !ok {
			resp = api.UpdateEnvelope409ApplicationProblemPlusJSONResponse(as[api.EnvelopeInInvalidStateProblemDetail](p))
			return
		}
		b := req.Body
		if b == nil {
			b = &api.UpdateEnvelopeJSONRequestBody{}
		}
		if bad := checkEnvelopeFields(b.Name, (*string)(b.Mode), b.Notification); len(bad) > 0 {
			resp = api.UpdateEnvelope400ApplicationProblemPlusJSONResponse(as[api.BadRequestProblemDetail](validationError(envelopePath(e.id), bad)))
			return
		}
		if b.Name != nil {
			e.name = *b.Name
		}
		if b.Mode != nil {
			e.mode = string(*b.Mode)
		}
		if b.Notification != nil {
			e.notification = *b.Notification
		}
		e.modified = s.now().UTC()
		resp = api.UpdateEnvelope200JSONResponse(e.summary())
	})
	if !found {
		return api.UpdateEnvelope404ApplicationProblemPlusJSONResponse(as[api.NotFoundProblemDetail](notFound(req.EnvelopeID))), nil
	}
	return resp, nil
}

// DeleteEnvelope deletes an envelope that is not out for signing. The spec
// lists no 404 here, so an unknown envelope is a 400.
func (s handlers) DeleteEnvelope(_ context.Context, req api.DeleteEnvelopeRequestObject) (api.DeleteEnvelopeResponseObject, error) {
	var p *problem
	found := s.state.withEnvelope(req.EnvelopeID, func(e *envelope) {
		switch e.status {
		case sent, processing:
			pp := newProblem(http.StatusBadRequest, envelopePath(e.id), "Envelope is %s: cancel it before deleting it", e.status)
			p = &pp
		case deleted:
			pp := newProblem(http.StatusBadRequest, envelopePath(e.id), "Envelope is already deleted")
			p = &pp
		default:
			e.status, e.modified = deleted, s.now().UTC()
			s.state.order.remove(e.seq)
		}
	})
	if !found {
		pp := newProblem(http.StatusBadRequest, envelopePath(req.EnvelopeID), "Envelope with ID '%s' not found", req.EnvelopeID)
		p = &pp
	}
	if p != nil {
		return api.DeleteEnvelope400ApplicationProblemPlusJSONResponse(as[api.BadRequestProblemDetail](*p)), nil
	}
	return api.DeleteEnvelope204Response{}, nil
}

// ListEnvelopes pages through the envelopes not deleted, oldest first.
// nextPage is a cursor for pageAfter; pageBefore pages backwards.
//
// Each page is a snapshot taken under the state lock, at a cost of O(page)
// whatever the number of envelopes. A cursor names an envelope's place in
// creation order, not an index into the list, so envelopes created or
// deleted between pages shift nothing. A walk with pageAfter lists, once
// each and in creation order, every envelope that exists throughout it;
// envelopes created during the walk come after every cursor issued, so it
// lists them too; those deleted during it are missing from the pages
// fetched after their deletion. A cursor stays valid when its own envelope
// is deleted.
func (s handlers) ListEnvelopes(_ context.Context, req api.ListEnvelopesRequestObject) (api.ListEnvelopesResponseObject, error) {
	s.state.mu.Lock()
	defer s.state.mu.Unlock()
	var page []*envelope
	var more bool
	switch {
	case req.Params.PageAfter != nil:
		seq, ok := decodeCursor(*req.Params.PageAfter)
		if !ok {
			return badCursor("pageAfter"), nil
		}
		// A forged cursor may be math.MaxInt; seq+1 must not wrap.
		page, more = s.state.order.after(min(seq, len(s.state.order.all))+1, s.cfg.pageSize)
	case req.Params.PageBefore != nil:
		seq, ok := decodeCursor(*req.Params.PageBefore)
		if !ok {
			return badCursor("pageBefore"), nil
		}
		page, more = s.state.order.before(seq, s.cfg.pageSize)
	default:
		page, more = s.state.order.after(0, s.cfg.pageSize)
	}
	items := make([]api.Envelope, 0, len(page))
	for _, e := range page {
		items = append(items, e.summary())
	}
	out := api.EnvelopeList{Items: &items}
	if more {
		next := encodeCursor(page[len(page)-1].seq)
		out.NextPage = &next
	}
	return api.ListEnvelopes200JSONResponse(out), nil
}

func encodeCursor(seq int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("env:" + strconv.Itoa(seq)))
}

func decodeCursor(c string) (int, bool) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return 0, false
	}
	n, ok := strings.CutPrefix(string(b), "env:")
	if !ok {
		return 0, false
	}
	seq, err := strconv.Atoi(n)
	return seq, err == nil && seq >= 0
}

// badCursor has no typed 400 in the spec for this operation: it answers a
// plain problem through the error path.
func badCursor(param string) api.ListEnvelopesResponseObject {
	return problemResponse{validationError("/sign/envelopes", map[string]string{param: "is not a cursor this server issued"})}
}

// SendForSigning sends a draft with documents and at least one signer.
func (s handlers) SendForSigning(_ context.Context, req api.SendForSigningRequestObject) (api.SendForSigningResponseObject, error) {
	var resp api.SendForSigningResponseObject
	found := s.state.withEnvelope(req.EnvelopeID, func(e *envelope) {
		if p, ok := editable(e, "send"); !ok {
			resp = api.SendForSigning409ApplicationProblemPlusJSONResponse(as[api.EnvelopeInInvalidStateProblemDetail](p))
			return
		}
		if len(e.docs) == 0 || len(e.signers()) == 0 {
			p := newProblem(http.StatusConflict, envelopePath(e.id), "Envelope in invalid state: it needs at least one document and one signer to be sent")
			resp = api.SendForSigning409ApplicationProblemPlusJSONResponse(as[api.EnvelopeInInvalidStateProblemDetail](p))
			return
		}
		e.status, e.modified = sent, s.now().UTC()
		resp = api.SendForSigning200JSONResponse(e.summary())
	})
	if !found {
		return api.SendForSigning404ApplicationProblemPlusJSONResponse(as[api.NotFoundProblemDetail](notFound(req.EnvelopeID))), nil
	}
	return resp, nil
}

// CancelEnvelope cancels an envelope out for signing; a draft cannot be
// cancelled (delete it instead).
func (s handlers) CancelEnvelope(_ context.Context, req api.CancelEnvelopeRequestObject) (api.CancelEnvelopeResponseObject, error) {
	var resp api.CancelEnvelopeResponseObject
	found := s.state.withEnvelope(req.EnvelopeID, func(e *envelope) {
		if e.status != sent && e.status != processing {
			resp = api.CancelEnvelope409ApplicationProblemPlusJSONResponse(as[api.EnvelopeInInvalidStateProblemDetail](invalidState(e, "cancel")))
			return
		}
		e.status, e.modified = cancelled, s.now().UTC()
		resp = api.CancelEnvelope200JSONResponse(e.extended())
	})
	if !found {
		return api.CancelEnvelope404ApplicationProblemPlusJSONResponse(as[api.NotFoundProblemDetail](notFound(req.EnvelopeID))), nil
	}
	return resp, nil
}

// SendReminders reminds the signers of a sent envelope.
func (s handlers) SendReminders(_ context.Context, req api.SendRemindersRequestObject) (api.SendRemindersResponseObject, error) {
	var resp api.SendRemindersResponseObject
	found := s.state.withEnvelope(req.EnvelopeID, func(e *envelope) {
		if e.status != sent {
			resp = api.SendReminders409ApplicationProblemPlusJSONResponse(as[api.EnvelopeInInvalidStateProblemDetail](invalidState(e, "send reminders for")))
			return
		}
		e.reminders++
		resp = api.SendReminders202Response{}
	})
	if !found {
		return api.SendReminders404ApplicationProblemPlusJSONResponse(as[api.NotFoundProblemDetail](notFound(req.EnvelopeID))), nil
	}
	return resp, nil
}
