package nitrotest

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/nitrokit/nitro/nitrotest/internal/api"
)

// participantIn is a participant as a client sends it. Role is compared
// case-insensitively: the spec's enum says "signer" and "cc", its examples
// send "SIGNER".
type participantIn struct {
	Email          *string         `json:"email"`
	Role           *string         `json:"role"`
	Authentication json.RawMessage `json:"authentication"`
}

func (p *participant) wire() api.Participant {
	var out api.Participant
	m := map[string]any{"ID": p.id, "role": p.role}
	if p.email != "" {
		m["email"] = p.email
	}
	if len(p.auth) > 0 {
		m["authentication"] = p.auth
	}
	_ = json.Unmarshal(mustJSON(m), &out)
	return out
}

// parseParticipant checks one participant; bad maps field to message.
func parseParticipant(in participantIn, prefix string, bad map[string]string) *participant {
	p := &participant{id: uuid.New()}
	if in.Role != nil {
		p.role = strings.ToLower(*in.Role)
	}
	if p.role != "signer" && p.role != "cc" {
		bad[prefix+"role"] = "must be signer or cc"
	}
	if in.Email != nil {
		p.email = *in.Email
	}
	if !strings.Contains(p.email, "@") {
		bad[prefix+"email"] = "must be an email address"
	}
	if msg := checkAuthentication(in.Authentication); msg != "" {
		bad[prefix+"authentication"] = msg
	}
	p.auth = in.Authentication
	return p
}

// checkAuthentication checks the AccessCode or SMS union, if present.
func checkAuthentication(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var a struct{ Type, AccessCode, CountryCode, PhoneNumber string }
	if err := json.Unmarshal(raw, &a); err != nil {
		return "must be an AccessCode or SMS object"
	}
	switch {
	case a.Type == "AccessCode" && a.AccessCode != "":
	case a.Type == "SMS" && a.CountryCode != "" && a.PhoneNumber != "":
	default:
		return "must be {type: AccessCode, accessCode} or {type: SMS, countryCode, phoneNumber}"
	}
	return ""
}

func participantsPath(id uuid.UUID) string { return envelopePath(id) + "/participants" }

// CreateParticipant adds one participant (201) or, with "items", several (200).
func (s handlers) CreateParticipant(_ context.Context, req api.CreateParticipantRequestObject) (api.CreateParticipantResponseObject, error) {
	var raw []byte
	if req.Body != nil {
		raw, _ = req.Body.MarshalJSON()
	}
	var bulk struct {
		Items *[]participantIn `json:"items"`
	}
	_ = json.Unmarshal(raw, &bulk)
	var ins []participantIn
	if bulk.Items != nil {
		ins = *bulk.Items
	} else {
		var one participantIn
		if err := json.Unmarshal(raw, &one); err != nil {
			return problemResponse{validationError(participantsPath(req.EnvelopeID), map[string]string{"body": "must be a participant or {items: [...]}"})}, nil
		}
		ins = []participantIn{one}
	}
	bad := map[string]string{}
	ps := make([]*participant, 0, len(ins))
	for i, in := range ins {
		prefix := ""
		if bulk.Items != nil {
			prefix = "items[" + strconv.Itoa(i) + "]."
		}
		ps = append(ps, parseParticipant(in, prefix, bad))
	}
	if len(ins) == 0 {
		bad["items"] = "must not be empty"
	}
	if len(bad) > 0 {
		return api.CreateParticipant400ApplicationProblemPlusJSONResponse(as[api.BadRequestProblemDetail](validationError(participantsPath(req.EnvelopeID), bad))), nil
	}
	var resp api.CreateParticipantResponseObject
	found := s.state.withEnvelope(req.EnvelopeID, func(e *envelope) {
		if p, ok := editable(e, "add participants to"); !ok {
			resp = problemResponse{p}
			return
		}
		out := make([]api.Participant, 0, len(ps))
		for _, p := range ps {
			p.userID = int64(len(e.participants) + 1)
			e.participants = append(e.participants, p)
			out = append(out, p.wire())
		}
		e.modified = s.now().UTC()
		if bulk.Items != nil {
			resp = api.CreateParticipant200JSONResponse{Items: out}
		} else {
			resp = api.CreateParticipant201JSONResponse(out[0])
		}
	})
	if !found {
		return api.CreateParticipant404ApplicationProblemPlusJSONResponse(as[api.NotFoundProblemDetail](notFound(req.EnvelopeID))), nil
	}
	return resp, nil
}

// ListParticipants lists an envelope's participants in order.
func (s handlers) ListParticipants(_ context.Context, req api.ListParticipantsRequestObject) (api.ListParticipantsResponseObject, error) {
	var out api.ParticipantList
	found := s.state.withEnvelope(req.EnvelopeID, func(e *envelope) {
		items := make([]api.Participant, 0, len(e.participants))
		for _, p := range e.participants {
			items = append(items, p.wire())
		}
		total := int32(len(items))
		out = api.ParticipantList{Items: &items, Total: &total}
	})
	if !found {
		return api.ListParticipants404ApplicationProblemPlusJSONResponse(as[api.NotFoundProblemDetail](notFound(req.EnvelopeID))), nil
	}
	return api.ListParticipants200JSONResponse(out), nil
}

func participantNotFound(env, id uuid.UUID) problem {
	return newProblem(http.StatusNotFound, participantsPath(env)+"/"+id.String(), "Participant with ID '%s' not found", id)
}

// UpdateParticipant changes a participant's authentication.
func (s handlers) UpdateParticipant(_ context.Context, req api.UpdateParticipantRequestObject) (api.UpdateParticipantResponseObject, error) {
	var resp api.UpdateParticipantResponseObject = api.UpdateParticipant404ApplicationProblemPlusJSONResponse(as[api.NotFoundProblemDetail](participantNotFound(req.EnvelopeID, req.ParticipantID)))
	s.state.withEnvelope(req.EnvelopeID, func(e *envelope) {
		p := e.participant(req.ParticipantID)
		if p == nil {
			return
		}
		if pr, ok := editable(e, "update participants of"); !ok {
			resp = problemResponse{pr}
			return
		}
		var raw json.RawMessage
		if req.Body != nil && req.Body.Authentication != nil {
			raw, _ = req.Body.Authentication.MarshalJSON()
		}
		if msg := checkAuthentication(raw); msg != "" {
			resp = api.UpdateParticipant400ApplicationProblemPlusJSONResponse(as[api.BadRequestProblemDetail](validationError(participantsPath(e.id), map[string]string{"authentication": msg})))
			return
		}
		p.auth, e.modified = raw, s.now().UTC()
		resp = api.UpdateParticipant200JSONResponse(p.wire())
	})
	return resp, nil
}

// DeleteParticipant removes a participant and the fields assigned to it.
func (s handlers) DeleteParticipant(_ context.Context, req api.DeleteParticipantRequestObject) (api.DeleteParticipantResponseObject, error) {
	var resp api.DeleteParticipantResponseObject = api.DeleteParticipant404ApplicationProblemPlusJSONResponse(as[api.NotFoundProblemDetail](participantNotFound(req.EnvelopeID, req.ParticipantID)))
	s.state.withEnvelope(req.EnvelopeID, func(e *envelope) {
		if e.participant(req.ParticipantID) == nil {
			return
		}
		if p, ok := editable(e, "remove participants from"); !ok {
			resp = problemResponse{p}
			return
		}
		e.removeParticipants(map[uuid.UUID]bool{req.ParticipantID: true}, s.now().UTC())
		resp = api.DeleteParticipant204Response{}
	})
	return resp, nil
}

// DeleteParticipants removes several participants; if any is unknown,
// nothing is removed.
func (s handlers) DeleteParticipants(_ context.Context, req api.DeleteParticipantsRequestObject) (api.DeleteParticipantsResponseObject, error) {
	var resp api.DeleteParticipantsResponseObject
	found := s.state.withEnvelope(req.EnvelopeID, func(e *envelope) {
		if p, ok := editable(e, "remove participants from"); !ok {
			resp = problemResponse{p}
			return
		}
		// A set, not a lookup per id: k ids among n participants cost
		// O(k+n), not O(k·n).
		known := make(map[uuid.UUID]bool, len(e.participants))
		for _, p := range e.participants {
			known[p.id] = true
		}
		ids := map[uuid.UUID]bool{}
		if req.Body != nil && req.Body.Items != nil {
			for _, id := range *req.Body.Items {
				if !known[id] {
					resp = api.DeleteParticipants404ApplicationProblemPlusJSONResponse(as[api.NotFoundProblemDetail](participantNotFound(e.id, id)))
					return
				}
				ids[id] = true
			}
		}
		e.removeParticipants(ids, s.now().UTC())
		resp = api.DeleteParticipants200Response{}
	})
	if !found {
		return api.DeleteParticipants404ApplicationProblemPlusJSONResponse(as[api.NotFoundProblemDetail](notFound(req.EnvelopeID))), nil
	}
	return resp, nil
}

func (e *envelope) removeParticipants(ids map[uuid.UUID]bool, now time.Time) {
	kept := e.participants[:0]
	for _, p := range e.participants {
		if !ids[p.id] {
			kept = append(kept, p)
		}
	}
	e.participants = kept
	for _, d := range e.docs {
		fs := d.fields[:0]
		for _, f := range d.fields {
			if !ids[f.participant] {
				fs = append(fs, f)
			}
		}
		d.fields = fs
	}
	e.modified = now
}

// ListSignerSigningUrls gives each signer of a sent envelope a signing URL.
func (s handlers) ListSignerSigningUrls(_ context.Context, req api.ListSignerSigningUrlsRequestObject) (api.ListSignerSigningUrlsResponseObject, error) {
	var resp api.ListSignerSigningUrlsResponseObject
	found := s.state.withEnvelope(req.EnvelopeID, func(e *envelope) {
		if e.status != sent {
			resp = api.ListSignerSigningUrls409ApplicationProblemPlusJSONResponse(as[api.EnvelopeInInvalidStateProblemDetail](invalidState(e, "list signing URLs of")))
			return
		}
		expires := s.now().UTC().Add(7 * 24 * time.Hour)
		items := []api.SignerSigningURL{}
		for _, p := range e.signers() {
			u, id := s.URL()+"/signing/"+e.id.String()+"/"+p.id.String(), p.userID
			items = append(items, api.SignerSigningURL{UserID: &id, SigningURL: &u, ExpiresAt: &expires})
		}
		total := int32(len(items))
		resp = api.ListSignerSigningUrls200JSONResponse{Items: &items, Total: &total}
	})
	if !found {
		return api.ListSignerSigningUrls404ApplicationProblemPlusJSONResponse(as[api.NotFoundProblemDetail](notFound(req.EnvelopeID))), nil
	}
	return resp, nil
}
