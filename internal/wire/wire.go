// Package wire turns the raw generated clients' answers into what the public
// API packages return: a decoded value, a stream copied to a writer, or only
// an error. It is the one place each API package's generated methods share,
// so a second API decodes, streams and refuses empty unions the same way.
//
// Every function here receives a response that nitro.Client.Do already
// checked: a non-2xx answer arrives as an *nitro.APIError in err, never as a
// response.
package wire

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	"github.com/nitrokit/nitro"
)

// drainLimit bounds what is read from a body to keep its connection.
const drainLimit = 64 << 10

// JSON decodes a successful answer's body into a T.
func JSON[T any](resp *http.Response, err error) (T, error) {
	var v T
	if err != nil {
		return v, err
	}
	defer closeBody(resp)
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
		return v, fmt.Errorf("nitro: %s %s: decoding the answer: %w", resp.Request.Method, resp.Request.URL.Path, err)
	}
	return v, nil
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
func Stream(w io.Writer) func(*http.Response, error) (int64, error) {
	return func(resp *http.Response, err error) (int64, error) {
		if err != nil {
			return 0, err
		}
		defer closeBody(resp)
		n, err := io.Copy(w, resp.Body)
		path := resp.Request.URL.Path
		if err != nil {
			return n, fmt.Errorf("nitro: download %s: after %d bytes: %w", path, n, err)
		}
		if resp.ContentLength >= 0 && n != resp.ContentLength {
			return n, fmt.Errorf("nitro: download %s: got %d of %d bytes: %w", path, n, resp.ContentLength, io.ErrUnexpectedEOF)
		}
		return n, nil
	}
}

// NotEmpty refuses a union body that would reach the wire with no variant.
func NotEmpty(op string, body json.Marshaler) error {
	b, err := body.MarshalJSON()
	if err != nil {
		return fmt.Errorf("nitro: %s: encoding the body: %w", op, err)
	}
	if b = bytes.TrimSpace(b); len(b) == 0 || bytes.Equal(b, []byte("null")) || bytes.Equal(b, []byte("{}")) {
		return fmt.Errorf("%w (%s)", nitro.ErrEmptyUnion, op)
	}
	return nil
}

// closeBody drains a little of what is left, so the connection can be
// reused, and closes the body.
func closeBody(resp *http.Response) {
	_, _ = io.CopyN(io.Discard, resp.Body, drainLimit)
	_ = resp.Body.Close()
}
