package wire

import (
	"context"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
)

// errUploadDone tells the multipart writer the request no longer reads.
var errUploadDone = errors.New("nitro: upload request finished")

// Upload sends a multipart body streamed through a pipe, so no part is held
// in memory whole: write fills the parts (Upload closes the writer after
// it), send makes the request with the body's Content-Type. It returns
// send's response, or the first failure that explains the others: the
// body's own (write's error, such as a file over a limit or its Read
// failing), then ctx's, then send's.
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
		err := write(mw)
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
	if werr != nil && !errors.Is(werr, errUploadDone) {
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
