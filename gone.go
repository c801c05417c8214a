package nitro

import (
	"net/http"
	"strings"
)

// goneAfterRun reports whether e, a failed answer to a DELETE, says that
// the resource is gone after an earlier attempt of the same call may have
// deleted it (that attempt timed out, lost its connection after sending,
// or was answered 5xx; see mayHaveRun): then the delete is done, whoever
// did it, and its retry's answer is the delete's success.
//
// Gone is a 404 or a 410; or, as Nitro's deleteEnvelope answers every
// failure with a 400 (its spec lists 204, 400, 401), a 400 or 409 whose
// problem says the resource is already deleted or not found ("Envelope is
// already deleted").
func goneAfterRun(e *APIError) bool {
	if e.Method != http.MethodDelete || !e.afterRun { // newAPIError asked engine.AfterRun
		return false
	}
	switch e.StatusCode {
	case http.StatusNotFound, http.StatusGone:
		return true
	case http.StatusBadRequest, http.StatusConflict:
		text := strings.ToLower(e.Title + " " + e.Detail)
		return strings.Contains(text, "already deleted") || strings.Contains(text, "not found")
	}
	return false
}

// deleted is the success a gone resource's DELETE answers: a 204 for the
// request resp answered.
func deleted(resp *http.Response) *http.Response {
	return &http.Response{
		Status: "204 No Content", StatusCode: http.StatusNoContent,
		Proto: resp.Proto, ProtoMajor: resp.ProtoMajor, ProtoMinor: resp.ProtoMinor,
		Header: http.Header{}, Body: http.NoBody, Request: resp.Request,
	}
}
