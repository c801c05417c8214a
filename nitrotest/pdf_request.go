package nitrotest

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/nitrokit/nitro/gen/pdfapi"
	"github.com/nitrokit/nitro/internal/wire"
)

// Limits Nitro documents for PDF Services: 100 MB per request (files
// counted), 500 pages per document. Both answer 413.
const (
	maxPDFRequestBytes = 100 << 20
	maxPDFPages        = 500
)

// pdfInput is an uploaded file, as much of it as the fake needs: its name,
// type and size, the text a PDF shows and its page count, read from its
// first and last bytes as it streams past (constant memory).
type pdfInput struct {
	name, contentType string
	kind              inputKind
	remote            bool // a RemoteFile the service fetched
	size              int64
	text              string
	pages             int // 0: unknown (not a PDF the fake can read)
}

// pdfRequest is a parsed PDF Services POST.
type pdfRequest struct {
	endpoint string
	method   string
	params   json.RawMessage // nil: not sent
	inputs   []pdfInput      // the file part, or the files parts in order
	multi    bool            // inputs came as files parts
	delivery *pdfapi.Delivery
}

// requestError is a problem found reading or checking a request.
type requestError struct{ p problem }

func (e *requestError) Error() string { return e.p.Detail }

func badPart(endpoint, part, reason string) error {
	return &requestError{validationError(endpoint, map[string]string{part: reason})}
}

func statusError(status int, endpoint, format string, args ...any) error {
	return &requestError{newProblem(status, endpoint, format, args...)}
}

// readPDFRequest reads the multipart body: method (text), params and
// delivery (JSON text, whatever the part's Content-Type: none, as every
// Nitro client sends them, text/plain or application/json), file or files
// (bytes, or a RemoteFile JSON typed application/vnd.gonitro.url+json,
// fetched from its loopback URL). method may be left out on /conversions,
// as Nitro's MCP server does (params.to picks the conversion).
func readPDFRequest(ctx context.Context, r *http.Request, endpoint string) (*pdfRequest, error) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "multipart/form-data" {
		return nil, statusError(http.StatusUnsupportedMediaType, endpoint, "Content-Type must be multipart/form-data, not %q", ct)
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, badPart(endpoint, "body", "malformed multipart body")
	}
	req := &pdfRequest{endpoint: endpoint}
	var total int64
	var file *pdfInput
	var files []pdfInput
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, badPart(endpoint, "body", "malformed multipart body")
		}
		name := part.FormName()
		switch name {
		case "method":
			b, err := io.ReadAll(io.LimitReader(part, 256))
			if err != nil {
				return nil, badPart(endpoint, "method", "could not be read")
			}
			req.method = strings.TrimSpace(string(b))
		case "params", "delivery":
			b, err := io.ReadAll(io.LimitReader(part, 1<<20))
			if err != nil || !json.Valid(b) {
				return nil, badPart(endpoint, name, "must be JSON")
			}
			if name == "params" {
				req.params = b
				break
			}
			var d pdfapi.Delivery
			if err := strictJSON(b, &d); err != nil {
				return nil, badPart(endpoint, "delivery", "is not a Delivery: "+err.Error())
			}
			if err := checkDelivery(d); err != nil {
				return nil, badPart(endpoint, "delivery", err.Error())
			}
			req.delivery = &d
		case "file", "files":
			in, err := readInput(ctx, part, maxPDFRequestBytes-total)
			if in.remote {
				// A remote file is fetched by the service: the request
				// carried only its reference.
				in.size = 0
			}
			if err != nil {
				if errors.Is(err, errTooLarge) {
					return nil, statusError(http.StatusRequestEntityTooLarge, endpoint, "The request exceeds the limit of 100 MB")
				}
				return nil, badPart(endpoint, name, err.Error())
			}
			total += in.size
			if in.pages > maxPDFPages {
				return nil, statusError(http.StatusRequestEntityTooLarge, endpoint, "%s has %d pages; the limit is %d", in.name, in.pages, maxPDFPages)
			}
			if name == "file" {
				if file != nil {
					return nil, badPart(endpoint, "file", "sent twice")
				}
				file = &in
			} else {
				files = append(files, in)
			}
		}
		part.Close()
	}
	switch {
	case req.method == "" && endpoint != "/conversions":
		return nil, badPart(endpoint, "method", "is required")
	case file != nil && files != nil:
		return nil, badPart(endpoint, "file", "send file or files, not both")
	case file != nil:
		req.inputs = []pdfInput{*file}
	default:
		req.inputs, req.multi = files, files != nil
	}
	return req, nil
}

var errTooLarge = errors.New("too large")

// remoteFileType is the part type of a RemoteFile reference.
const remoteFileType = "application/vnd.gonitro.url+json"

// maxRemoteBytes bounds a remote file the fake fetches. Nitro documents its
// 100 MB for a request; a remote file (a staged one, say) is not carried by
// the request, and no limit of its own is documented: the fake takes up to
// 1 GiB, streamed, and the 500 pages.
const maxRemoteBytes = 1 << 30

// readInput reads one file part, at most limit bytes (errTooLarge beyond).
func readInput(ctx context.Context, part *multipart.Part, limit int64) (pdfInput, error) {
	h := part.Header.Get("Content-Type")
	if ct, _, _ := mime.ParseMediaType(h); ct == remoteFileType {
		in, err := readRemote(ctx, part, part.FileName(), maxRemoteBytes)
		in.remote = true
		return in, err
	}
	in := pdfInput{name: part.FileName(), contentType: h}
	return in, sniff(&in, part, limit)
}

// readRemote fetches a RemoteFile, which must be on loopback as every URL the
// fake calls. Its name is the part's filename, else the URL's last segment.
func readRemote(ctx context.Context, part io.Reader, name string, limit int64) (pdfInput, error) {
	b, err := io.ReadAll(io.LimitReader(part, 64<<10))
	var rf pdfapi.RemoteFile
	if err != nil || strictJSON(b, &rf) != nil || rf.URL == "" {
		return pdfInput{}, errors.New("is not a RemoteFile {URL, contentType}")
	}
	if err := loopbackURL(rf.URL); err != nil {
		return pdfInput{}, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rf.URL, nil)
	if err != nil {
		return pdfInput{}, err
	}
	resp, err := deliveryClient.Do(req)
	if err != nil {
		return pdfInput{}, fmt.Errorf("RemoteFile %s: could not be fetched", wire.URLWithoutQuery(rf.URL))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return pdfInput{}, fmt.Errorf("RemoteFile %s: %s", wire.URLWithoutQuery(rf.URL), resp.Status)
	}
	if name == "" {
		u, _ := url.Parse(rf.URL)
		name = path.Base(u.Path)
	}
	in := pdfInput{name: name, contentType: rf.ContentType}
	return in, sniff(&in, resp.Body, limit)
}

// sniff reads r into in: size, kind, text, pages. It keeps the first
// headBytes and the last tailBytes, where nitrotest.PDF puts its objects.
func sniff(in *pdfInput, r io.Reader, limit int64) error {
	const headBytes, tailBytes = 256 << 10, 64 << 10
	var head, tail []byte
	buf := make([]byte, 32<<10)
	for {
		n, err := r.Read(buf)
		in.size += int64(n)
		if in.size > limit {
			return errTooLarge
		}
		b := buf[:n]
		if k := min(len(b), headBytes-len(head)); k > 0 {
			head = append(head, b[:k]...)
			b = b[k:]
		}
		if len(b) > 0 {
			tail = append(tail, b...)
			if len(tail) > 2*tailBytes {
				tail = append(tail[:0], tail[len(tail)-tailBytes:]...)
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return errors.New("could not be read")
		}
	}
	in.kind = kindOf(in.contentType, in.name, head)
	switch in.kind {
	case kindPDF:
		in.text, in.pages = pdfText(head, tail)
	case kindMisc, kindData:
		in.text = strings.TrimSpace(string(head[:min(len(head), 4<<10)]))
	default:
		in.text = in.name
		if t := wordText(head, in.size); t != "" {
			in.text = t
		}
	}
	return nil
}

// wordRun is a run of text in a Word document's XML.
var wordRun = regexp.MustCompile(`<w:t(?:\s[^>]*)?>([^<]*)</w:t>`)

// wordText is the text of a .docx held whole in b (size bytes; a larger one
// was not kept whole): its word/document.xml's runs, so that a conversion
// of a small Word document shows the document's words, not its name.
func wordText(b []byte, size int64) string {
	if size != int64(len(b)) {
		return ""
	}
	zr, err := zip.NewReader(bytes.NewReader(b), size)
	if err != nil {
		return ""
	}
	f, err := zr.Open("word/document.xml")
	if err != nil {
		return ""
	}
	defer f.Close()
	xml, err := io.ReadAll(io.LimitReader(f, 1<<20))
	if err != nil {
		return ""
	}
	var runs []string
	for _, m := range wordRun.FindAllSubmatch(xml, -1) {
		runs = append(runs, html.UnescapeString(string(m[1])))
	}
	return strings.TrimSpace(strings.Join(runs, ""))
}

var (
	pdfShowText = regexp.MustCompile(`\(((?:[^()\\]|\\.)*)\)\s*Tj`)
	pdfCount    = regexp.MustCompile(`/Type\s*/Pages\b[^>]*?/Count\s+(\d+)`)
	pdfPage     = regexp.MustCompile(`/Type\s*/Page\b`)
)

// pdfText reads the strings a PDF shows (its Tj operators, one line each)
// and its page count, from the bytes kept of it: enough for the PDFs
// nitrotest.PDF and the usual minimal test PDFs make, which is what the
// fake promises.
func pdfText(parts ...[]byte) (string, int) {
	var lines []string
	pages, objs := 0, 0
	for _, b := range parts {
		for _, m := range pdfShowText.FindAllSubmatch(b, -1) {
			lines = append(lines, pdfUnescape(string(m[1])))
		}
		for _, m := range pdfCount.FindAllSubmatch(b, -1) {
			n, _ := strconv.Atoi(string(m[1]))
			pages = max(pages, n)
		}
		objs += len(pdfPage.FindAll(b, -1))
	}
	if pages == 0 {
		pages = max(objs, 1)
	}
	return strings.Join(lines, "\n"), pages
}

func pdfUnescape(s string) string {
	return strings.NewReplacer(`\\`, `\`, `\(`, `(`, `\)`, `)`, `\n`, "\n").Replace(s)
}

// strictJSON decodes b into v, refusing members v does not have.
func strictJSON(b []byte, v any) error {
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("trailing data")
	}
	return nil
}

// loopbackURL refuses URLs off loopback: the fake calls out only to its
// test's own servers.
func loopbackURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an http(s) URL", wire.URLWithoutQuery(raw))
	}
	host := u.Hostname()
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("%q is not on loopback: the fake calls only loopback URLs", wire.URLWithoutQuery(raw))
}

// checkDelivery checks a delivery's URLs and verbs.
func checkDelivery(d pdfapi.Delivery) error {
	calls := append([]pdfapi.HTTPCall{}, d.UploadResultsTo...)
	if d.UploadResultTo.URL != "" || len(d.UploadResultTo.Headers) > 0 || d.UploadResultTo.Verb != "" {
		calls = append(calls, d.UploadResultTo)
	}
	for _, c := range calls {
		if err := loopbackURL(c.URL); err != nil {
			return err
		}
		if c.Verb != "" && !c.Verb.Valid() {
			return fmt.Errorf("verb %q is not an HTTP method the spec allows", c.Verb)
		}
	}
	if d.Callback.URL != "" || len(d.Callback.Headers) > 0 {
		return loopbackURL(d.Callback.URL)
	}
	return nil
}
