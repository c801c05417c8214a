package auth

import (
	"context"
	"net/http"
)

// RequestEditor sets req's Authorization header to the current Bearer token.
// It has the signature of gen.RequestEditorFn: pass it as
// gen.WithRequestEditorFn(src.RequestEditor). It refuses plain http to a
// non-loopback host (ErrInsecureURL) unless WithInsecureHTTP was given.
//
// An editor runs once per call, not per attempt; for retries and the 401
// replay, use Transport instead.
//
// The header's value slice is shared by every request the token
// authorises, as net/http shares nothing it is given but reads it only:
// replace the field (Header.Set, Del), never write into its slice.
func (s *Source) RequestEditor(ctx context.Context, req *http.Request) error {
	if req.Header == nil {
		req.Header = make(http.Header)
	}
	if req.URL.Scheme != "https" {
		if err := checkScheme(req.URL, s.opts.insecure); err != nil {
			return err
		}
	}
	e, err := s.get(ctx)
	if err != nil {
		return err
	}
	// The key is already canonical: skip Header.Set's canonicalisation,
	// a third of this call's cost. The value slice is the entry's, shared
	// by every request it authorises (see the doc above).
	req.Header["Authorization"] = e.values
	return nil
}
