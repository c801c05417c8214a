package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/nitrokit/nitro/internal/retry"
)

// maxResponseBytes bounds what is read of any token response.
const maxResponseBytes = 1 << 20

// fetch asks the token endpoint for a token, retrying transient failures
// within the retry budget (one attempt under SingleAttempt) and the fetch
// timeout.
func (s *Source) fetch(ctx context.Context) (*entry, error) {
	budget := s.attemptsFor(ctx)
	for attempt := 1; ; attempt++ {
		e, retryAfter, err := s.fetchOnce(ctx)
		if err == nil {
			s.log.Debug("auth: token fetched", "token", e.tok, "attempts", attempt)
			return e, nil
		}
		err.Attempts, err.RetryAfter = attempt, retryAfter
		s.clean(err)
		if !err.Retryable || attempt >= budget || ctx.Err() != nil {
			return nil, err
		}
		d := s.opts.backoff.Delay(attempt, retryAfter)
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < d {
			return nil, err // no time left to wait for another attempt
		}
		s.log.Warn("auth: token request failed; retrying", "attempt", attempt, "retry_in", d, "error", err)
		if serr := s.sleep(ctx, d); serr != nil {
			return nil, err
		}
	}
}

// fetchOnce makes one token request. Every failure is an *Error.
func (s *Source) fetchOnce(ctx context.Context) (*entry, time.Duration, *Error) {
	req, err := s.flow.newRequest(ctx, s.creds, s.opts.params)
	if err != nil {
		return nil, 0, &Error{Err: err}
	}
	if s.opts.userAgent != "" {
		req.Header.Set("User-Agent", s.opts.userAgent)
	}
	sent := s.now()
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, 0, &Error{Retryable: !errors.Is(err, errRedirect), Err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes+1))
	if err != nil {
		return nil, 0, &Error{StatusCode: resp.StatusCode, Retryable: true, Err: fmt.Errorf("reading token response: %w", err)}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		retryAfter, _ := retry.RetryAfter(resp.Header, s.now())
		return nil, retryAfter, s.statusError(resp.StatusCode, body)
	}
	if len(body) > maxResponseBytes {
		return nil, 0, &Error{StatusCode: resp.StatusCode, Err: errors.New("token response is larger than 1 MiB")}
	}
	e, perr := s.entryFrom(body, sent)
	if perr != nil {
		perr.StatusCode = resp.StatusCode
		return nil, 0, perr
	}
	return e, 0, nil
}

// statusError turns a non-2xx answer into an *Error: 408, 429 and 5xx are
// retryable unless the body names an RFC 6749 error retrying cannot fix.
func (s *Source) statusError(status int, body []byte) *Error {
	e := &Error{StatusCode: status}
	// Whatever of the RFC 6749 §5.2 fields decodes is used; a body that is
	// not JSON (a proxy's page) leaves them empty.
	var wire tokenAnswer
	_ = json.Unmarshal(body, &wire)
	e.Code, e.Description, e.URI = deref(wire.Error), deref(wire.ErrorDescription), deref(wire.ErrorURI)
	e.Retryable = (status == http.StatusRequestTimeout || status == http.StatusTooManyRequests || status >= 500) &&
		!isPermanentCode(e.Code)
	if e.Code == "" {
		e.Err = fmt.Errorf("unexpected answer %q", http.StatusText(status))
	}
	return e
}

// entryFrom parses a 2xx body into a cache entry.
func (s *Source) entryFrom(body []byte, sent time.Time) (*entry, *Error) {
	p, err := parseTokenResponse(body)
	if err != nil {
		var ae *Error
		if errors.As(err, &ae) { // a 200 carrying an RFC 6749 error
			ae.Retryable = false
			return nil, ae
		}
		// A body that is not JSON at all is likely a proxy's page: transient.
		return nil, &Error{Retryable: errors.Is(err, errNotJSON), Err: err}
	}
	if err := checkHeaderValue(p.accessToken); err != nil {
		return nil, &Error{Err: err}
	}
	exp, err := expiry(p, sent, s.opts.defaultTTL)
	if err != nil {
		return nil, &Error{Err: err}
	}
	return s.newEntry(Token{AccessToken: p.accessToken, TokenType: "Bearer", Expiry: exp}, sent), nil
}

// newEntry precomputes the header (and the one-value slice every request's
// header map shares, which costs a request no allocation) and the refresh
// time: fraction of the
// lifetime before expiry, at least minWindow, at most half the lifetime.
func (s *Source) newEntry(tok Token, sent time.Time) *entry {
	life := tok.Expiry.Sub(sent)
	window := max(time.Duration(float64(life)*s.opts.fraction), s.opts.minWindow)
	window = min(window, life/2)
	s.red.add(tok.AccessToken)
	header := "Bearer " + tok.AccessToken
	e := &entry{tok: tok, header: header, values: []string{header}, sent: sent, refreshAt: tok.Expiry.Add(-window)}
	now, mono := s.now(), s.since()
	e.refreshes, e.expires = mono+e.refreshAt.Sub(now), mono+tok.Expiry.Sub(now)
	return e
}

// clean redacts everything in e that a token endpoint could have echoed or
// a cause could carry: the code, description and URI, and the cause's text.
// Every *Error leaves fetch through it.
func (s *Source) clean(e *Error) {
	e.Code, e.Description, e.URI = s.red.redact(e.Code), s.red.redact(e.Description), s.red.redact(e.URI)
	e.Err = s.red.redactErr(e.Err)
}
