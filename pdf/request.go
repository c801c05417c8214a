package pdf

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/gen/pdfapi"
	"github.com/nitrokit/nitro/internal/wire"
)

// Delivery sends a tool's result somewhere instead of leaving it at a
// download URL (the result's FileInfo.URL is then empty), and asks for a
// callback when an asynchronous job starts. Every member is optional.
type Delivery struct {
	// UploadResultTo receives a single-file result.
	UploadResultTo *Upload
	// UploadResultsTo receives a multi-file result (Split, per-page
	// images), one Upload per file.
	UploadResultsTo []Upload
	// Callback is POSTed a JobCallback when an asynchronous job starts;
	// receive it with CallbackHandler.
	Callback *Callback
}

// Upload is where Nitro uploads a result: the caller's endpoint or a
// pre-signed URL (an S3 or GCS PUT URL, say).
type Upload struct {
	URL string
	// Method is the HTTP method; empty is the API's default (PUT).
	Method string
	// Header is sent with the upload (an Authorization, say).
	Header http.Header
}

// Callback is the URL Nitro POSTs a JobCallback to, with Header; give
// CallbackHandler the header it should check.
type Callback struct {
	URL    string
	Header http.Header
}

func headers(h http.Header) []pdfapi.Header {
	var out []pdfapi.Header
	for name, vs := range h {
		for _, v := range vs {
			out = append(out, pdfapi.Header{Name: name, Value: v})
		}
	}
	return out
}

func (u Upload) check(what string) error {
	if u.URL == "" {
		return fmt.Errorf("nitro: %s has no URL", what)
	}
	if u.Method != "" && !pdfapi.HTTPCallVerb(u.Method).Valid() {
		return fmt.Errorf("nitro: %s: method %q is not one the API offers (PUT, POST, PATCH, GET, DELETE)", what, u.Method)
	}
	return nil
}

func (u Upload) wire() pdfapi.HTTPCall {
	return pdfapi.HTTPCall{URL: u.URL, Verb: pdfapi.HTTPCallVerb(u.Method), Headers: headers(u.Header)}
}

// encode checks d and returns the delivery part's JSON.
func (d Delivery) encode() ([]byte, error) {
	var out pdfapi.Delivery
	if d.UploadResultTo != nil {
		if err := d.UploadResultTo.check("Delivery.UploadResultTo"); err != nil {
			return nil, err
		}
		out.UploadResultTo = d.UploadResultTo.wire()
	}
	for i, u := range d.UploadResultsTo {
		if err := u.check(fmt.Sprintf("Delivery.UploadResultsTo[%d]", i)); err != nil {
			return nil, err
		}
		out.UploadResultsTo = append(out.UploadResultsTo, u.wire())
	}
	if d.Callback != nil {
		if d.Callback.URL == "" {
			return nil, errors.New("nitro: Delivery.Callback has no URL")
		}
		out.Callback = pdfapi.Callback{URL: d.Callback.URL, Headers: headers(d.Callback.Header)}
	}
	return json.Marshal(out)
}

// Request is one tool call, not sent yet: choose how the result comes back
// with JSON, Stream or Async, each of which sends it once. R is the tool's
// synchronous JSON result. A Request is a value: WithDelivery returns a
// changed copy. The files' Bodies are read by the one mode called; a Request
// whose files were read cannot be sent again.
type Request[R any] struct {
	c        *Client
	t        *tool
	params   any
	files    []File
	delivery *Delivery
}

// WithDelivery returns r with the delivery block d.
func (r Request[R]) WithDelivery(d Delivery) Request[R] {
	r.delivery = &d
	return r
}

// JSON sends the request synchronously and decodes the tool's result
// (Accept: application/json). An answer that is not the result (a 202: the
// API chose to run a job; a body that is not JSON) is ErrUnexpectedAnswer.
func (r Request[R]) JSON(ctx context.Context) (R, error) {
	resp, err := r.send(ctx, "application/json", false)
	return wire.JSON[R](r.synchronous(resp, err, true))
}

// Stream sends the request synchronously and copies the resulting file's
// bytes to w as they arrive (Accept: application/octet-stream), in constant
// memory whatever their size, returning how many were written. It is the
// way to read ExtractFillableFormData's XFDF, FDF or CSV; for the other
// extractions, the bytes are what the API serves for them (JSON is the
// typed way).
func (r Request[R]) Stream(ctx context.Context, w io.Writer) (int64, error) {
	resp, err := r.send(ctx, "application/octet-stream", false)
	return wire.Stream(w)(r.synchronous(resp, err, false))
}

// ErrUnexpectedAnswer is a synchronous call's 2xx answer that is not the
// result asked for: a 202 (the API chose to run a job), or a body of
// another kind (a page, a problem, a job's state where a file was asked
// for). Nothing of it reaches the caller's writer.
var ErrUnexpectedAnswer = errors.New("nitro: the API answered something other than the result")

// synchronous passes resp on if it is the synchronous result asked for:
// 200, with a JSON body when json, else a file (JSON only for an
// extraction, whose data is its file).
func (r Request[R]) synchronous(resp *http.Response, err error, json bool) (*http.Response, error) {
	if err != nil {
		return nil, err
	}
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	var why string
	switch {
	case resp.StatusCode != http.StatusOK:
		why = fmt.Sprintf("HTTP %d", resp.StatusCode)
	case json && mt != "application/json":
		why = fmt.Sprintf("a %q body", mt)
	case !json && (mt == "text/html" || strings.HasSuffix(mt, "problem+json") ||
		(mt == "application/json" && r.t.endpoint != extractions)):
		why = fmt.Sprintf("a %q body, not a file", mt)
	}
	if why != "" {
		_ = wire.Empty(resp, nil)
		return nil, fmt.Errorf("%w: %s answered %s", ErrUnexpectedAnswer, r.t.call, why)
	}
	return resp, nil
}

// Async sends the request with Prefer: respond-async and returns the job
// the API created (202 Accepted). Follow it with Job.Wait or Job.Follow.
func (r Request[R]) Async(ctx context.Context) (*Job[R], error) {
	resp, err := r.send(ctx, "application/json", true)
	if err != nil {
		return nil, err
	}
	status, loc := resp.StatusCode, resp.Header.Get("Location")
	acc, err := wire.JSON[pdfapi.AsyncJobResponse](resp, nil)
	switch {
	case err != nil:
		return nil, err
	case status != http.StatusAccepted:
		return nil, fmt.Errorf("nitro: %s: asked for a job, the API answered %d", r.t.call, status)
	case strings.Trim(acc.JobID, ".") == "":
		// "", "." or "..": the raw client resolves dot segments on the
		// client side, so such an ID would reach another route.
		return nil, fmt.Errorf("nitro: %s: the API's job has no usable ID (%q)", r.t.call, acc.JobID)
	}
	return &Job[R]{ID: acc.JobID, Location: loc, c: r.c, t: r.t}, nil
}

// send streams the multipart request through a pipe (wire.Upload), so no
// file is held in memory whole. A streamed body cannot be sent twice, so it
// is never retried; a token is fetched first if none is cached, so the
// upload does not carry the first token fetch's failures. If ctx ends while
// a Body is blocked in Read, send returns ctx's error at once; the
// goroutine reading it ends when that Read returns.
func (r Request[R]) send(ctx context.Context, accept string, async bool) (*http.Response, error) {
	if r.c == nil || r.t == nil {
		return nil, errors.New("nitro: a zero pdf.Request: make one with a Client's tool call")
	}
	f, err := r.form()
	if err != nil {
		return nil, err
	}
	if _, err := r.c.nc.Token(ctx); err != nil {
		return nil, err
	}
	resp, err := wire.Upload(ctx, f.write, func(contentType string, body io.Reader) (*http.Response, error) {
		return r.t.endpoint.post(ctx, r.c.raw, async, contentType, body, accept)
	})
	if err != nil {
		return nil, fmt.Errorf("nitro: %s: %w", r.t.call, tooLarge(err))
	}
	return resp, nil
}

// form checks the request and encodes its small parts.
func (r Request[R]) form() (*form, error) {
	if err := r.t.count(len(r.files)); err != nil {
		return nil, err
	}
	if err := checkFiles(r.files); err != nil {
		return nil, fmt.Errorf("nitro: %s: %w", r.t.call, err)
	}
	params, err := json.Marshal(r.params)
	if err != nil {
		return nil, fmt.Errorf("nitro: %s: encoding params: %w", r.t.call, err)
	}
	if string(params) == "null" { // an EmptyParams left nil
		params = []byte("{}")
	}
	f := &form{method: r.t.method, params: params, part: r.t.part, files: r.files}
	if r.delivery != nil {
		if f.delivery, err = r.delivery.encode(); err != nil {
			return nil, fmt.Errorf("nitro: %s: %w", r.t.call, err)
		}
	}
	return f, nil
}

// tooLarge makes the API's 413 an ErrTooLarge that still unwraps to the
// *nitro.APIError.
func tooLarge(err error) error {
	var apiErr *nitro.APIError
	if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusRequestEntityTooLarge {
		return fmt.Errorf("%w: %w", ErrTooLarge, err)
	}
	return err
}

// accepting sets the Accept header of a generated call's request.
func accepting(accept string) pdfapi.RequestEditorFn {
	return func(_ context.Context, req *http.Request) error {
		req.Header.Set("Accept", accept)
		return nil
	}
}
