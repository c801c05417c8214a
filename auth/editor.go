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
	// a third of this call's cost.
	req.Header["Authorization"] = []string{e.header}
	return nil
}
