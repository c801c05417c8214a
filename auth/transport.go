package auth

import (
	"fmt"
	"io"
	"net/http"
)

// Transport returns a RoundTripper that sets the Bearer token on each attempt
// and sends it through base (http.DefaultTransport if nil).
//
// When the API answers 401, the token that was refused is invalidated (only
// if it is still the cached one) and the request is replayed once with a new
// token, provided its body can be replayed (no body, or GetBody set, as
// http.NewRequest does for in-memory bodies); otherwise the 401 is returned.
// If the new token cannot be had, its *Error is returned instead of the 401.
// Redirects to another host are sent without the token.
func (s *Source) Transport(base http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	return &transport{src: s, base: base}
}

type transport struct {
	src  *Source
	base http.RoundTripper
}

// Format prints the Source's safe description for every verb.
func (t *transport) Format(f fmt.State, _ rune) {
	_, _ = f.Write([]byte("auth.Transport{" + t.src.String() + "}"))
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if crossHost(req) {
		return t.base.RoundTrip(req)
	}
	if err := checkScheme(req.URL, t.src.opts.insecure); err != nil {
		closeBody(req)
		return nil, err
	}
	e, err := t.src.get(req.Context())
	if err != nil {
		closeBody(req)
		return nil, err
	}
	resp, err := t.base.RoundTrip(attach(req, e.values))
	if err != nil || resp.StatusCode != http.StatusUnauthorized {
		return resp, err
	}
	t.src.drop(e)
	if req.Body != nil && req.Body != http.NoBody && req.GetBody == nil {
		return resp, nil // the body was consumed and cannot be replayed
	}
	return t.replay(req, resp)
}

// replay resends req once with a fresh token, returning the original 401 if
// a replay cannot be built. If the fresh token cannot be had, that failure
// is the answer: it says whether another attempt is worth it (the endpoint
// unavailable, say), where the 401 would say only that the credentials are
// wrong, and the caller's retry layer judges it like any token failure.
func (t *transport) replay(req *http.Request, unauthorized *http.Response) (*http.Response, error) {
	r := withAuth(req, nil)
	if req.GetBody != nil {
		body, err := req.GetBody()
		if err != nil {
			return unauthorized, nil
		}
		r.Body = body
	}
	e, err := t.src.get(req.Context())
	_, _ = io.Copy(io.Discard, io.LimitReader(unauthorized.Body, 64<<10))
	unauthorized.Body.Close()
	if err != nil {
		closeBody(r)
		return nil, err
	}
	r.Header["Authorization"] = e.values
	resp, err := t.base.RoundTrip(r)
	if err == nil && resp.StatusCode == http.StatusUnauthorized {
		// Refused too (revoked along with the first, say): the next request
		// fetches a new one rather than be refused with it first.
		t.src.drop(e)
	}
	return resp, err
}

// HeaderOwnedKey is a context key. A request's context answers it with
// that very request, as an *http.Request, when the request has a Header map
// of its own, which nothing else reads or writes while the Transport sends
// it: the Transport then sets its Authorization field in place instead of
// copying the request and its header map. A layer above the Transport that
// already makes a fresh copy of each request it sends (nitro's retry layer
// does, for each attempt) gives that copy its own map and answers the key
// with the copy, so that a request is copied once, not twice.
//
// The answer names one request, not a context: a request built from the
// same context (a side request a caller's transport makes on it, say) is
// not that request, and is copied. The replay after a 401 is a copy all the
// same: the Transport may still be reading the first request's map.
var HeaderOwnedKey any = headerOwnedKey{}

type headerOwnedKey struct{}

// attach returns req carrying values as its Authorization field (the
// entry's shared slice, which nothing writes into): req itself if its
// context names it as owning its header map (HeaderOwnedKey), else a copy
// (withAuth).
func attach(req *http.Request, values []string) *http.Request {
	if owner, _ := req.Context().Value(HeaderOwnedKey).(*http.Request); owner == req && req.Header != nil {
		req.Header["Authorization"] = values
		return req
	}
	return withAuth(req, values)
}

// withAuth returns a copy of req with its own header map, as the
// RoundTripper contract forbids modifying the caller's request. Only the
// header map is new: the rest is shared, as Request.WithContext shares it,
// which costs a third of a full Request.Clone.
func withAuth(req *http.Request, values []string) *http.Request {
	r := new(http.Request)
	*r = *req
	r.Header = req.Header.Clone()
	if r.Header == nil {
		r.Header = make(http.Header, 1)
	}
	if values != nil {
		r.Header["Authorization"] = values
	}
	return r
}

func closeBody(req *http.Request) {
	if req.Body != nil {
		req.Body.Close()
	}
}
