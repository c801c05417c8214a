// Package wire turns the raw generated clients' answers into what the public
// API packages return: a decoded value, a stream copied to a writer, or only
// an error. It is the one place each API package's generated methods share,
// so a second API decodes, streams and checks bodies the same way.
//
// Every function here receives a response that nitro.Client.Do already
// checked: a non-2xx answer arrives as an *nitro.APIError in err, never as a
// response.
package wire

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"

	// Answers decode (and request bodies encode) with encoding/json as Go
	// 1.27 builds it: v1's rules on json/v2's engine, by the Go team, and
	// from Go 1.27 an alias of the standard library's package. On Go 1.26
	// it decodes an envelope in about half the CPU of encoding/json, with
	// one allocation instead of ten, to the same values but one: a time
	// spelled with a JSON escape ("\u005a" for its Z) reads as that time,
	// where encoding/json refuses it. Its errors are its own types, some
	// worded differently; encodings differ only in invalid UTF-8, written
	// as the replacement character rather than its escape: the same JSON.
	json "github.com/go-json-experiment/json/v1"

	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/internal/callctx"
	"github.com/nitrokit/nitro/internal/engine"
	"github.com/nitrokit/nitro/internal/owned"
)

// MaxJSONBody bounds a decoded answer: a page of results is far smaller, and
// a hostile or broken server must not make the caller allocate without end.
const MaxJSONBody = 32 << 20

// drainLimit bounds what is read from a body to keep its connection.
const drainLimit = 64 << 10

// JSON decodes a successful answer's body into a T. A body that is not one
// JSON value (empty, null, trailing data) or is larger than MaxJSONBody is
// an error: a 2xx that carries no result must not read as a zero result.
//
// A body cut short (the connection broke, the attempt timed out) of an
// idempotent request is fetched again within the call's retry budget (see
// callctx.Call.Resend); every failure says its outcome (nitro.OutcomeOf).
func JSON[T any](resp *http.Response, err error) (T, error) {
	var v T
	if err != nil {
		return v, err
	}
	if resp, err = decodeOne(resp, &v); err != nil {
		return v, AnswerError(resp, "decoding the answer", err)
	}
	return v, nil
}

// errNoResult is a 2xx answer whose body holds no value.
var errNoResult = errors.New("the answer holds no result")

// buffers holds the read buffers of answers: one per call in flight, reused,
// so that reading an answer costs no allocation once warm.
var buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooled bounds the buffers kept for reuse: a rare huge answer's buffer
// is left to the collector rather than pinned.
const maxPooled = 1 << 20

// decodeOne decodes one JSON value of at most MaxJSONBody bytes into v (a
// pointer), refusing null, an empty body, and anything after the value
// (json.Unmarshal refuses trailing data), and closes the body. The body is
// read whole into a pooled buffer: the value is small, and one Unmarshal of
// bytes allocates less than a Decoder reading the stream. It returns the
// response it read last: resp, or the one a resend got (see readAnswer).
func decodeOne[T any](resp *http.Response, v *T) (*http.Response, error) {
	buf := buffers.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= maxPooled {
			buf.Reset()
			buffers.Put(buf)
		}
	}()
	resp, err := readAnswer(resp, buf)
	if err != nil {
		return resp, err
	}
	b := bytes.TrimSpace(buf.Bytes())
	capture(resp, b)
	if len(b) == 0 || bytes.Equal(b, []byte("null")) {
		return resp, errNoResult
	}
	return resp, undecodable(json.Unmarshal(b, v))
}

// capture hands a JSON answer's body, redacted, to the call's
// nitro.WithResponse, if it has one; it costs a call without one a context
// lookup.
func capture(resp *http.Response, b []byte) {
	c := engine.CallOfResponse(resp)
	if c == nil || c.OnBody == nil {
		return
	}
	if call := callctx.Of(resp); call != nil {
		c.OnBody([]byte(call.Redact(string(b))))
		return
	}
	c.OnBody(bytes.Clone(b))
}

// readAnswer reads resp's body whole into buf and closes it. A body cut
// short (any read error but the size limit's) is the call's to fetch
// again: its Resend sends an idempotent request once more within the
// call's budget, and that answer is read instead, until one is whole or
// the call refuses. It returns the response it read last. On success, it
// costs nothing beyond the read: the call is asked only after a failure.
func readAnswer(resp *http.Response, buf *bytes.Buffer) (*http.Response, error) {
	for {
		err := readAll(buf, resp.Body, MaxJSONBody)
		if err == nil {
			// Read to its end: nothing is left to drain for the
			// connection's reuse, and closeBody's pooled buffer and
			// extra Read would cost every call for nothing.
			_ = resp.Body.Close()
			return resp, nil
		}
		closeBody(resp)
		if errors.Is(err, errTooLarge) {
			return resp, err
		}
		call := callctx.Of(resp)
		if call == nil {
			return resp, err
		}
		next, rerr := call.Resend(err)
		if rerr != nil {
			return resp, rerr
		}
		if c := engine.CallOfResponse(next); c != nil && c.OnResponse != nil {
			c.OnResponse(next, engine.AttemptsOf(next)) // the answer the call now ends with
		}
		buf.Reset()
		resp = next
	}
}

// errTooLarge is an answer over MaxJSONBody.
var errTooLarge = fmt.Errorf("the answer is larger than %d bytes", MaxJSONBody)

// readAll reads r to its end into buf, failing past limit bytes, with no
// allocation once buf has grown (io.ReadAll and io.LimitReader would each
// allocate per call).
func readAll(buf *bytes.Buffer, r io.Reader, limit int) error {
	for {
		if buf.Len() > limit {
			return errTooLarge
		}
		buf.Grow(512)
		room := buf.AvailableBuffer()
		n, err := r.Read(room[:cap(room)])
		buf.Write(room[:n])
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// readJSON reads one JSON value of at most MaxJSONBody bytes, refusing null
// and anything after the value, and closes the body; it returns the
// response it read last (see decodeOne).
func readJSON(resp *http.Response) (*http.Response, json.RawMessage, error) {
	var raw json.RawMessage
	resp, err := decodeOne(resp, &raw)
	if err != nil {
		return resp, nil, err
	}
	return resp, raw, nil
}

// Empty ends a successful answer that carries nothing the caller needs.
func Empty(resp *http.Response, err error) error {
	if err != nil {
		return err
	}
	closeBody(resp)
	return nil
}

// Stream returns a function that copies a successful answer's body to w as
// it arrives, so memory does not grow with its size, and returns the bytes
// written. A body shorter than its Content-Length is io.ErrUnexpectedEOF.
// A body that breaks before its first byte reached w is fetched again like
// a JSON answer (see readAnswer); one that breaks later is the error, as w
// holds part of it.
func Stream(w io.Writer) func(*http.Response, error) (int64, error) {
	return func(resp *http.Response, err error) (int64, error) {
		if err != nil {
			return 0, err
		}
		for {
			body := &readErr{r: resp.Body}
			n, err := io.Copy(w, body)
			closeBody(resp)
			if err == nil && resp.ContentLength >= 0 && n != resp.ContentLength {
				err = fmt.Errorf("got %d of %d bytes: %w", n, resp.ContentLength, io.ErrUnexpectedEOF)
			}
			if err == nil {
				return n, nil
			}
			if n == 0 && body.err != nil {
				if call := callctx.Of(resp); call != nil {
					next, rerr := call.Resend(err)
					if rerr == nil {
						resp = next
						continue
					}
					err = rerr
				}
			}
			if body.err == nil {
				// The caller's writer failed: the answer was fine.
				err = &outcomeError{nitro.OutcomeNotDone, err}
			}
			return n, AnswerError(resp, fmt.Sprintf("download: after %d bytes", n), err)
		}
	}
}

// readErr remembers the error its reader returned, to tell a broken body
// from a writer that failed.
type readErr struct {
	r   io.Reader
	err error
}

func (r *readErr) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if err != nil && err != io.EOF {
		r.err = err
	}
	return n, err
}

// where names the request an answer is for, for errors, its path redacted
// (it may hold an ID the server chose); a response from a caller's own
// RoundTripper may not say.
func where(resp *http.Response) string {
	if resp.Request == nil || resp.Request.URL == nil {
		return "request"
	}
	path := resp.Request.URL.Path
	if call := callctx.Of(resp); call != nil {
		path = call.Redact(path)
	}
	return resp.Request.Method + " " + path
}

// closeBody drains a little of what is left, so the connection can be
// reused, and closes the body. An answer read to its end (the usual case)
// has nothing left, and costs nothing here.
func closeBody(resp *http.Response) {
	buf := buffers.Get().(*bytes.Buffer)
	for drained := 0; drained < drainLimit; {
		buf.Reset()
		buf.Grow(512)
		room := buf.AvailableBuffer()
		n, err := resp.Body.Read(room[:cap(room)])
		drained += n
		if err != nil {
			break
		}
	}
	buf.Reset()
	buffers.Put(buf)
	_ = resp.Body.Close()
}

// EncodeBody encodes a JSON request body, once, for the raw client's
// WithBody calls, refusing before anything is sent a body that would reach
// the wire holding null anywhere: a union with no variant set (a oneOf such
// as CreateFieldRequest, at the top or nested in a list or a field), or a
// required list left nil. Optional members are omitted when unset, so a
// null can only be a mistake. The error wraps nitro.ErrEmptyUnion and names
// the member. The reader is a *bytes.Reader, so a retry can rewind it.
func EncodeBody(op string, body any) (*bytes.Reader, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return nil, fmt.Errorf("nitro: %s: encoding the body: %w", op, err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, fmt.Errorf("nitro: %s: encoding the body: %w", op, err)
	}
	if path := nullAt(v, "body"); path != "" {
		return nil, fmt.Errorf("%w: %s: %s is null (a union with no variant, or a required list left nil)", nitro.ErrEmptyUnion, op, path)
	}
	return bytes.NewReader(b), nil
}

// nullAt is the path of the first null in v, or "".
func nullAt(v any, path string) string {
	switch t := v.(type) {
	case nil:
		return path
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(t)) {
			if p := nullAt(t[k], path+"."+k); p != "" {
				return p
			}
		}
	case []any:
		for i, x := range t {
			if p := nullAt(x, fmt.Sprintf("%s[%d]", path, i)); p != "" {
				return p
			}
		}
	}
	return ""
}

// OneOrList decodes the answer of an operation that creates one thing or
// several: a T, or {"items": [T, …]}, told apart by the body itself, not
// the status code. want is how many the request asked for; an answer with
// another count is an error, so a caller may index the result.
func OneOrList[T any](resp *http.Response, err error, want int) ([]T, error) {
	if err != nil {
		return nil, err
	}
	resp, raw, err := readJSON(resp)
	var list struct {
		Items *[]T `json:"items"`
	}
	if err == nil && bytes.HasPrefix(bytes.TrimSpace(raw), []byte("{")) {
		err = undecodable(json.Unmarshal(raw, &list))
	}
	var out []T
	switch {
	case err != nil:
	case list.Items != nil:
		out = *list.Items
	default:
		var one T
		err = undecodable(json.Unmarshal(raw, &one))
		out = []T{one}
	}
	if err == nil && len(out) != want {
		err = undecodable(fmt.Errorf("%d results for the %d asked for", len(out), want))
	}
	if err != nil {
		return nil, AnswerError(resp, "decoding the answer", err)
	}
	return out, nil
}

// Call sends a bodiless request for route ("GET /sign/envelopes/{envelopeID}":
// the operation's method and path template) to url through do, as a
// request the module owns (owned.NewRequest), named by route (see Route).
func Call(ctx context.Context, do interface {
	Do(*http.Request) (*http.Response, error)
}, route, url string) (*http.Response, error) {
	method, _, _ := strings.Cut(route, " ")
	req, err := owned.NewRequest(ctx, method, url, nil)
	if err != nil {
		return nil, err
	}
	req.Pattern = route
	return do.Do(req)
}

// Route returns a raw client's request editor that names the request's
// operation by its method and path template, for nitro.Observer's
// CallInfo.Route. It keeps it in http.Request.Pattern, the field that names
// a server's route: net/http has no other use for it in a client's
// request, so naming a call costs nothing.
func Route(route string) func(context.Context, *http.Request) error {
	return func(_ context.Context, req *http.Request) error {
		req.Pattern = route
		return nil
	}
}

// PathSegment is s escaped as one path segment: url.PathEscape, and a
// segment of dots (".", "..") escaped too, which PathEscape leaves as it
// is and a server or proxy would resolve as a step up the path.
func PathSegment(s string) string {
	e := url.PathEscape(s)
	if strings.Trim(e, ".") == "" && e != "" {
		return strings.ReplaceAll(e, ".", "%2E")
	}
	return e
}
