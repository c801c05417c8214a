package wire

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"reflect"
)

// errUploadDone tells the multipart writer the request no longer reads.
var errUploadDone = errors.New("nitro: upload request finished")

// Upload sends a multipart body streamed through a pipe, so no part is held
// in memory whole: write fills the parts (Upload closes the writer after
// it), send makes the request with the body's Content-Type. It returns
// send's response, or the first failure that explains the others: the
// body's own (write's error, such as a file over a limit or its Read
// failing, or a panic in its Read, which becomes the error rather than
// killing the process from a goroutine no caller can recover), then ctx's,
// then send's. A write that failed only because the request stopped
// reading (the server answered early, or cut the connection) explains
// nothing: send's answer or the transport's error is the result.
//
// If ctx ends while write is blocked in a file's Read, Upload returns ctx's
// error at once; write's goroutine ends when that Read returns. (net/http
// waits for a canceled request's body writer before its round trip
// returns, so ctx's end also closes the pipe the transport reads.)
func Upload(ctx context.Context, write func(*multipart.Writer) error, send func(contentType string, body io.Reader) (*http.Response, error)) (*http.Response, error) {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	written := make(chan error, 1)
	go func() {
		err := writeSafely(write, mw)
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
		written <- err
	}()
	stop := context.AfterFunc(ctx, func() { pr.CloseWithError(context.Cause(ctx)) })
	defer stop()
	resp, err := send(mw.FormDataContentType(), pr)
	pr.CloseWithError(errUploadDone) // unblocks the writer if the request ended early
	var werr error
	select {
	case werr = <-written: // ready whenever no Read is stuck
	default:
		select {
		case werr = <-written:
		case <-ctx.Done():
			werr = ctx.Err()
		}
	}
	if werr != nil && !errors.Is(werr, errUploadDone) && !errors.Is(werr, io.ErrClosedPipe) {
		if resp != nil {
			closeBody(resp)
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, werr
	}
	return resp, err
}

// errBodyPanicked wraps a panic in writing an upload's body: a Read of the
// caller's reader that panicked (a typed nil *bytes.Reader, say).
var errBodyPanicked = errors.New("nitro: reading the upload's body panicked")

// writeSafely runs write, turning a panic into its error.
func writeSafely(write func(*multipart.Writer) error, mw *multipart.Writer) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%w: %v", errBodyPanicked, p)
		}
	}()
	return write(mw)
}

// IsNil reports whether r is nil, or an interface holding a nil pointer,
// map, slice, func or channel (a typed nil such as (*bytes.Reader)(nil)),
// which a plain r == nil does not catch and whose Read would panic: an
// upload's body is checked with it before anything is sent.
func IsNil(r io.Reader) bool {
	if r == nil {
		return true
	}
	switch v := reflect.ValueOf(r); v.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Func, reflect.Chan, reflect.Interface:
		return v.IsNil()
	}
	return false
}

// errBadRead is a body's Read that broke io.Reader's contract.
var errBadRead = errors.New("nitro: the upload's body returned an impossible count from Read")

// maxEmptyReads is how many reads in a row may return nothing and no error
// before a body counts as stuck, as bufio.Reader counts them.
const maxEmptyReads = 100

// Guard returns r as an upload reads it: a Read that reports a count
// outside 0..len(p) is errBadRead, and 100 reads in a row that return
// nothing and no error are io.ErrNoProgress. Without it, such a body (a
// broken reader, a ring buffer that is never filled) keeps the copy that
// writes the upload spinning on a core for ever, even after the call has
// given up: io.Copy only stops on an error, and a copy that never writes
// never meets the closed pipe.
func Guard(r io.Reader) io.Reader { return &guarded{r: r} }

type guarded struct {
	r     io.Reader
	empty int
}

func (g *guarded) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	switch {
	case n < 0 || n > len(p):
		return 0, errBadRead
	case n == 0 && err == nil && len(p) > 0:
		if g.empty++; g.empty >= maxEmptyReads {
			return 0, io.ErrNoProgress
		}
	default:
		g.empty = 0
	}
	return n, err
}
