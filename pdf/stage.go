package pdf

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"

	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/gen/pdfapi"
	"github.com/nitrokit/nitro/internal/wire"
)

// Staging is how an input larger than a request allows reaches Nitro, as
// Nitro's Python sample does it (samples/python/api/base_client.py@2713a9f,
// _upload): POST /presigned-file-urls?n=1 answers a pair of pre-signed URLs,
// {"urls": [{"uploadURL", "downloadURL"}]}, single use and valid for 15
// minutes, so a fresh pair is asked for right before each upload; the input
// is PUT to uploadURL (another host: no token), and downloadURL is sent as a
// RemoteFile for Nitro to fetch.

// presignedPairs is the answer of POST /presigned-file-urls.
type presignedPairs struct {
	URLs []struct {
		UploadURL   string `json:"uploadURL"`
		DownloadURL string `json:"downloadURL"`
	} `json:"urls"`
}

// Stage uploads f to a pre-signed URL Nitro hands out and returns the
// RemoteFile naming it, to give any tool in f's place: the way to send an
// input larger than a request allows (MaxRequestSize). A request whose
// files' known sizes add up to more than MaxRequestSize stages the largest
// of them by itself, until the rest fits; Stage is for staging on request
// (an input used by several calls is still staged once per call: each
// pre-signed pair is single use).
//
// f.Size is required (> 0): the upload is one PUT of f.Body with that
// Content-Length, streamed in constant memory, and a Body of another length
// is ErrInvalidFile. The upload carries no token and goes through the
// upload client (WithUploadClient). Pre-signed URLs are taken over https
// only (plain http to a loopback host, or to any host when the API's own
// base URL is plain http: nitro.WithInsecureHTTP) and free of the token
// and the secret (a server echoing them); others are ErrUnexpectedAnswer
// before anything is uploaded. The staged URLs are
// credentials: the returned File's Name is f.Name, its Body holds the
// download URL for the request's part, and no error shows either URL's
// query.
func (c *Client) Stage(ctx context.Context, f File, opts ...nitro.CallOption) (File, error) {
	ctx = nitro.CallContext(ctx, opts...)
	if err := c.ready(); err != nil {
		return File{}, err
	}
	if err := live(ctx); err != nil {
		return File{}, err
	}
	if err := f.check(); err != nil {
		return File{}, err
	}
	if f.Size == 0 {
		return File{}, fmt.Errorf("%w: %q: staging needs its Size (a pre-signed upload is one PUT of a known length)", ErrInvalidFile, f.Name)
	}
	uploadURL, downloadURL, err := c.presign(ctx)
	if err != nil {
		return File{}, fmt.Errorf("nitro: staging %q: %w", f.Name, err)
	}
	if err := c.put(ctx, uploadURL, f); err != nil {
		return File{}, fmt.Errorf("nitro: staging %q: %w", f.Name, err)
	}
	b, _ := json.Marshal(pdfapi.RemoteFile{URL: downloadURL, ContentType: f.ContentType}) // two strings: cannot fail
	return File{Name: f.Name, ContentType: RemoteContentType, Body: bytes.NewReader(b), Size: int64(len(b))}, nil
}

// presign asks for one pre-signed URL pair.
func (c *Client) presign(ctx context.Context) (upload, download string, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.nc.BaseURL()+"/presigned-file-urls?n=1", nil)
	if err != nil {
		return "", "", err
	}
	req.Header.Set("Accept", "application/json")
	req.Pattern = routePresign
	pairs, err := wire.JSON[presignedPairs](c.nc.Do(req))
	if err != nil {
		return "", "", err
	}
	if len(pairs.URLs) != 1 || !c.stagingURL(pairs.URLs[0].UploadURL) || !c.stagingURL(pairs.URLs[0].DownloadURL) {
		return "", "", fmt.Errorf("%w: POST /presigned-file-urls answered %d URL pairs, not one pair of https URLs (plain http only to loopback, or with the API itself on plain http) free of this client's credentials", ErrUnexpectedAnswer, len(pairs.URLs))
	}
	return pairs.URLs[0].UploadURL, pairs.URLs[0].DownloadURL, nil
}

// stagingURL reports whether a pre-signed URL may carry the file and its
// own signature: https, or plain http to a loopback host (a fake), or to
// any host when the API's base URL is itself plain http to a host that is
// not loopback (the caller chose nitro.WithInsecureHTTP, for a network that
// encrypts beneath HTTP): the rule nitro.Config applies to the API's URLs.
// A URL holding a credential the nitro.Client knows (a server echoing the
// token or the secret into it) is refused: it would reach the storage host.
func (c *Client) stagingURL(raw string) bool {
	u, err := url.Parse(raw)
	switch {
	case err != nil || u.Host == "" || c.redact(raw) != raw:
		return false
	case u.Scheme == "https":
		return true
	case u.Scheme != "http":
		return false
	}
	base, err := url.Parse(c.nc.BaseURL())
	return loopback(u.Hostname()) || (err == nil && base.Scheme == "http" && !loopback(base.Hostname()))
}

// loopback reports whether host is localhost or a loopback address.
func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// put uploads f's Body to a pre-signed URL: PUT with its Content-Length and
// nothing else, as Nitro's sample does (a pre-signed URL is signed for what
// the storage host checks, the method and the path).
//
// The Body is read on a goroutine of put's own and reaches the request
// through a pipe, which ctx's end closes: net/http waits for a request's
// body to finish before its round trip returns, so a Body stuck in Read
// would otherwise hold put past ctx's end. That goroutine ends when the
// Read returns, as wire.Upload's does.
func (c *Client) put(ctx context.Context, to string, f File) error {
	pr, pw := io.Pipe()
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, to, pr)
	if err != nil {
		return errors.New("the upload URL is not a URL") // err would quote it
	}
	req.ContentLength = f.Size
	read := make(chan error, 1)
	go func() {
		_, err := io.Copy(pw, &exactly{r: wire.Guard(f.Body), left: f.Size, name: f.Name})
		pw.CloseWithError(err)
		read <- err
	}()
	stop := context.AfterFunc(ctx, func() { pr.CloseWithError(context.Cause(ctx)) })
	defer stop()
	resp, err := c.upload.Do(req)
	pr.CloseWithError(errPutDone) // unblocks the reader if the request ended early
	var rerr error
	select {
	case rerr = <-read: // ready whenever no Read is stuck
	default:
		select {
		case rerr = <-read:
		case <-ctx.Done():
			rerr = ctx.Err()
		}
	}
	if rerr != nil && !errors.Is(rerr, errPutDone) {
		if resp != nil {
			_ = resp.Body.Close()
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return rerr // the Body's own failure explains the request's
	}
	if err != nil {
		return fmt.Errorf("uploading: %w", c.withoutQuery(err))
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("uploading: the upload URL answered %s", c.redact(resp.Status))
	}
	return nil
}

// errPutDone tells put's reader the upload request no longer reads.
var errPutDone = errors.New("nitro: staged upload finished")

// withoutQuery is err with the URL a *url.Error quotes stripped of its
// query (a pre-signed URL's signature), and the rest redacted.
func (c *Client) withoutQuery(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		cp := *ue
		cp.URL = c.redact(wire.URLWithoutQuery(ue.URL))
		return &cp
	}
	return err
}

// exactly reads r's left bytes and fails if r holds more or fewer: a staged
// file is exactly its Size, or another file than meant would be uploaded.
type exactly struct {
	r    io.Reader
	left int64
	name string
	err  error
}

func (e *exactly) Read(p []byte) (n int, err error) {
	defer func() {
		if p := recover(); p != nil {
			e.err = readPanic(e.name, p)
			n, err = 0, e.err
		}
	}()
	if e.err != nil {
		return 0, e.err
	}
	if e.left == 0 {
		var one [1]byte
		if n, _ := io.ReadFull(e.r, one[:]); n > 0 {
			e.err = fmt.Errorf("%w: %q is longer than its Size", ErrInvalidFile, e.name)
			return 0, e.err
		}
		return 0, io.EOF
	}
	n, err = e.r.Read(p[:min(int64(len(p)), e.left)])
	e.left -= int64(n)
	if errors.Is(err, io.EOF) && e.left > 0 {
		e.err = fmt.Errorf("%w: %q is shorter than its Size", ErrInvalidFile, e.name)
		return n, e.err
	}
	if errors.Is(err, io.EOF) {
		err = nil // the extra byte check above ends the body
	}
	return n, err
}

// stageOver stages the largest of files (those of known size) until the
// known total is at most limit, and returns the files to send, in their
// order.
func (c *Client) stageOver(ctx context.Context, files []File, limit int64) ([]File, error) {
	var total int64
	for _, f := range files {
		total += f.Size
	}
	if total <= limit {
		return files, nil
	}
	order := make([]int, len(files))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(files[b].Size, files[a].Size) })
	out := slices.Clone(files)
	for _, i := range order {
		if total <= limit || files[i].Size == 0 {
			break
		}
		staged, err := c.Stage(ctx, files[i])
		if err != nil {
			return nil, err
		}
		total += staged.Size - files[i].Size
		out[i] = staged
	}
	return out, nil
}
