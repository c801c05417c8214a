package pdf

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"

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
// with JSON, Stream or Async. R is the tool's synchronous JSON result. A
// Request is a value: WithDelivery returns a changed copy. A Request is sent
// once, by the one mode called on it or on any copy of it: the files'
// Bodies are read then, and a second send is ErrRequestSent, whatever the
// Bodies are. A Request refused before anything was read (a bad file, no
// token) can be sent again.
type Request[R any] struct {
	c        *Client
	t        *tool
	params   any
	files    []File
	delivery *Delivery
	sent     *atomic.Bool // shared by the copies: the files are theirs too
}

// ErrRequestSent is the answer to a second send of a Request (its JSON,
// Stream or Async called again, on it or on a copy): its files' Bodies were
// read by the first. Make another Request with the Client's call.
var ErrRequestSent = errors.New("nitro: this pdf.Request was sent already: a Request is sent once")

// WithDelivery returns r with the delivery block d.
func (r Request[R]) WithDelivery(d Delivery) Request[R] {
	r.delivery = &d
	return r
}

// JSON sends the request synchronously and decodes the tool's result
// (Accept: application/json). A file result is read whether the API wraps
// it in result ({"result": {"file": …}}, as Nitro's samples read it) or not
// ({"file": …}, as the reference pages' examples show), and the two
// extractions answering {"formFields": …} either way too. An answer that is
// not the result (a 202: the API chose to run a job; a body that is not
// JSON) is ErrUnexpectedAnswer.
func (r Request[R]) JSON(ctx context.Context, opts ...nitro.CallOption) (R, error) {
	ctx = nitro.CallContext(ctx, opts...)
	var zero R
	resp, err := r.send(ctx, "application/json", false)
	raw, err := wire.JSON[json.RawMessage](r.synchronous(resp, err, true))
	if err != nil {
		return zero, err
	}
	out, err := decodeResult[R](r.t, raw)
	if err != nil {
		return zero, fmt.Errorf("nitro: %s: decoding the answer: %w", r.t.call, err)
	}
	return out, nil
}

// Stream sends the request synchronously and copies the resulting file's
// bytes to w as they arrive (Accept: application/octet-stream), in constant
// memory whatever their size, returning how many were written. It is the
// way to read ExtractFillableFormData's XFDF, FDF or CSV; for the other
// extractions, the bytes are what the API serves for them (JSON is the
// typed way).
func (r Request[R]) Stream(ctx context.Context, w io.Writer, opts ...nitro.CallOption) (int64, error) {
	ctx = nitro.CallContext(ctx, opts...)
	if err := writable(w); err != nil {
		return 0, err
	}
	resp, err := r.send(ctx, "application/octet-stream", false)
	return wire.Stream(w)(r.synchronous(resp, err, false))
}

// ErrNilWriter is the answer of Stream, Download and FollowDownload given
// a nil io.Writer (or a nil pointer in one): nothing is sent, and a
// Request refused so can be sent again.
var ErrNilWriter = errors.New("nitro: a nil io.Writer: nowhere to write the result")

// writable is ErrNilWriter for a nil w or a nil pointer in it, which would
// panic in io.Copy once the bytes arrived.
func writable(w io.Writer) error {
	if w == nil || nilPointer(w) {
		return fmt.Errorf("%w (%T)", ErrNilWriter, w)
	}
	return nil
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
	case !json && (notAFile(mt) || (mt == "application/json" && r.t.endpoint != extractions)):
		why = fmt.Sprintf("a %q body, not a file", mt)
	}
	if why != "" {
		_ = wire.Empty(resp, nil)
		return nil, fmt.Errorf("%w: %s answered %s", ErrUnexpectedAnswer, r.t.call, r.c.redact(why))
	}
	return resp, nil
}

// notAFile reports whether a 200's media type is a page or a problem (a
// gateway's login page, an error with the wrong status), never a tool's
// file.
func notAFile(mt string) bool {
	return mt == "text/html" || strings.HasSuffix(mt, "problem+json")
}

// Async sends the request with Prefer: respond-async and returns the job
// the API created. Follow it with Job.Wait, Job.Follow or
// Job.FollowDownload. The job is read from each answer Nitro documents: 202
// Accepted with the job in its body (and its status URL in Location), 202
// with no body and the status URL in Location (what Nitro's own clients
// read), or the job in a 200 (the reference pages' schema). Anything else,
// a synchronous result included, is ErrUnexpectedAnswer.
func (r Request[R]) Async(ctx context.Context, opts ...nitro.CallOption) (*Job[R], error) {
	ctx = nitro.CallContext(ctx, opts...)
	resp, err := r.send(ctx, "application/json", true)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	status, loc := resp.StatusCode, resp.Header.Get("Location")
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxJobAnswer+1))
	if err != nil {
		return nil, wire.AnswerError(resp, "reading the job", err)
	}
	var acc pdfapi.AsyncJobResponse
	if len(bytes.TrimSpace(body)) > 0 && (len(body) > maxJobAnswer || json.Unmarshal(body, &acc) != nil) {
		return nil, fmt.Errorf("%w: %s: asked for a job, the API answered %d with a body that is no job", ErrUnexpectedAnswer, r.t.call, status)
	}
	id := acc.JobID
	if id == "" && status == http.StatusAccepted {
		id = jobIDIn(loc)
	}
	switch {
	case status != http.StatusAccepted && (status != http.StatusOK || acc.JobID == ""):
		return nil, fmt.Errorf("%w: %s: asked for a job, the API answered %d", ErrUnexpectedAnswer, r.t.call, status)
	case !usableID(id):
		return nil, fmt.Errorf("nitro: %s: the API's job has no usable ID (%q)", r.t.call, r.c.redact(id))
	}
	return newJob[R](r.c, r.t, id, r.c.redact(loc)), nil
}

// maxJobAnswer bounds the answer that creates a job: {jobID, status}.
const maxJobAnswer = 64 << 10

// usableID reports whether id can be a job's path segment: "", "." or ".."
// would reach another route (the raw client resolves dot segments on the
// client side), and a slash, query or fragment another resource.
func usableID(id string) bool {
	return strings.Trim(id, ".") != "" && !strings.ContainsAny(id, "/?#")
}

// jobIDIn is the job ID in a job's status URL, …/jobs/{jobID}/status (or
// …/jobs/{jobID}), "" if loc is not one.
func jobIDIn(loc string) string {
	u, err := url.Parse(loc)
	if err != nil {
		return ""
	}
	segs := strings.Split(strings.TrimSuffix(u.Path, "/"), "/")
	for i := len(segs) - 2; i >= 0; i-- {
		if segs[i] == "jobs" && (i+2 == len(segs) || (i+3 == len(segs) && segs[i+2] == "status")) {
			return segs[i+1]
		}
	}
	return ""
}

// send streams the multipart request through a pipe (wire.Upload), so no
// file is held in memory whole. A streamed body cannot be sent twice, so it
// is never retried; a token is fetched first if none is cached, so the
// upload does not carry the first token fetch's failures. Files whose known
// sizes add up to more than MaxRequestSize are staged first (stage.go). If
// ctx ends while a Body is blocked in Read, send returns ctx's error at
// once; the goroutine reading it ends when that Read returns.
func (r Request[R]) send(ctx context.Context, accept string, async bool) (*http.Response, error) {
	switch {
	case r.t == nil || r.sent == nil:
		return nil, fmt.Errorf("%w: a zero pdf.Request: make one with a Client's tool call", ErrNoClient)
	case r.c.ready() != nil:
		return nil, fmt.Errorf("%w (%s)", ErrNoClient, r.t.call)
	case ctx == nil:
		return nil, fmt.Errorf("%w (%s)", ErrNilContext, r.t.call)
	}
	if err := r.check(); err != nil {
		return nil, err
	}
	if _, err := r.c.nc.Token(ctx); err != nil {
		return nil, err
	}
	if !r.sent.CompareAndSwap(false, true) {
		return nil, fmt.Errorf("%w: %s", ErrRequestSent, r.t.call)
	}
	files, err := r.c.stageOver(ctx, r.files, MaxRequestSize)
	if err != nil {
		return nil, fmt.Errorf("nitro: %s: %w", r.t.call, err)
	}
	f, err := r.form(files)
	if err != nil {
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

// check checks the request before anything is read: the files (their
// count, names, types, Bodies) and the delivery.
func (r Request[R]) check() error {
	if err := r.t.count(len(r.files)); err != nil {
		return err
	}
	for _, f := range r.files {
		if err := f.check(); err != nil {
			return fmt.Errorf("nitro: %s: %w", r.t.call, err)
		}
	}
	if r.delivery != nil {
		if _, err := r.delivery.encode(); err != nil {
			return fmt.Errorf("nitro: %s: %w", r.t.call, err)
		}
	}
	return nil
}

// form encodes the request's small parts beside files (r's, some staged).
func (r Request[R]) form(files []File) (*form, error) {
	if err := checkFiles(files); err != nil {
		return nil, fmt.Errorf("nitro: %s: %w", r.t.call, err)
	}
	params, err := json.Marshal(r.params)
	if err != nil {
		return nil, fmt.Errorf("nitro: %s: encoding params: %w", r.t.call, err)
	}
	f := &form{method: r.t.method, params: params, part: r.t.part, files: files}
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
