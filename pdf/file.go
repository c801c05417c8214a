package pdf

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/textproto"
	"path"
	"reflect"
	"strings"

	"github.com/nitrokit/nitro/gen/pdfapi"
	"github.com/nitrokit/nitro/internal/wire"
)

// The limits the API documents. MaxRequestSize bounds what one request
// carries: files whose known sizes add up to more are staged (Stage) until
// the rest fits, and a body whose size was not known is cut off past it
// while sending (ErrTooLarge); MaxPages is the server's to check (it needs
// the document parsed), and its 413 answer is an ErrTooLarge too.
const (
	MaxRequestSize = 100 << 20 // bytes of input per request (100 MB)
	MaxPages       = 500       // pages per document
)

// Errors found before anything is sent, or (ErrTooLarge) while sending or in
// the server's 413 answer, which then also unwraps to its *nitro.APIError.
var (
	ErrInvalidFile = errors.New("nitro: invalid file")
	ErrTooLarge    = errors.New("nitro: request exceeds the API's limits (100 MB, 500 pages)")
)

// File is one input of a tool: Body is streamed as it is read, never held in
// memory whole.
type File struct {
	// Name is the file's name, sent as the part's filename. Required.
	Name string
	// ContentType is the file's media type, such as "application/pdf";
	// the conversions choose their input format by it. Required.
	ContentType string
	// Body is the file's content. Required: nil, or a nil pointer such
	// as (*bytes.Reader)(nil), is ErrInvalidFile before anything is sent,
	// and a Read that panics is the call's ErrInvalidFile, not a crash.
	Body io.Reader
	// Size is Body's length in bytes if known (> 0): files whose sizes
	// add up to more than MaxRequestSize are staged (Stage, which needs
	// it) instead of carried in the request. A Body of unknown size that
	// turns out longer than the limit is cut off with ErrTooLarge; one that
	// does not match its Size is ErrInvalidFile.
	Size int64
}

func (f File) check() error {
	switch {
	case strings.TrimSpace(f.Name) == "":
		return fmt.Errorf("%w: Name is required", ErrInvalidFile)
	case f.ContentType == "":
		return fmt.Errorf("%w: %q: ContentType is required", ErrInvalidFile, f.Name)
	case strings.ContainsAny(f.ContentType, "\r\n"):
		// It is the part's Content-Type header, written as it is: a line
		// break would end the header and start another.
		return fmt.Errorf("%w: %q: ContentType has a line break", ErrInvalidFile, f.Name)
	case f.Body == nil:
		return fmt.Errorf("%w: %q: Body is required", ErrInvalidFile, f.Name)
	case nilPointer(f.Body):
		// A typed nil, (*bytes.Reader)(nil) say, is not == nil, and its
		// Read would panic on the goroutine that reads it.
		return fmt.Errorf("%w: %q: Body is a nil %T", ErrInvalidFile, f.Name, f.Body)
	case f.Size < 0:
		return fmt.Errorf("%w: %q: negative Size", ErrInvalidFile, f.Name)
	}
	return nil
}

// nilPointer reports whether x is a nil pointer inside a non-nil interface.
func nilPointer(x any) bool {
	v := reflect.ValueOf(x)
	return v.Kind() == reflect.Pointer && v.IsNil()
}

// readPanic is the error a Body's Read panicking with p becomes. A Body is
// read on the library's goroutines (the multipart writer's, the upload
// transport's), where a panic would end the caller's whole process.
func readPanic(name string, p any) error {
	return fmt.Errorf("%w: %q: its Body's Read panicked: %v", ErrInvalidFile, name, p)
}

// checkFiles checks each file and the known total against MaxRequestSize.
func checkFiles(files []File) error {
	var total int64
	for _, f := range files {
		if err := f.check(); err != nil {
			return err
		}
		total += f.Size
	}
	if total > MaxRequestSize {
		return fmt.Errorf("%w: the files are %d bytes, the limit is %d", ErrTooLarge, total, MaxRequestSize)
	}
	return nil
}

// form is what one request's multipart body carries besides the files.
type form struct {
	method   string
	params   []byte // JSON
	delivery []byte // JSON, or nil
	part     string // "file" or "files"
	files    []File
}

// write writes the parts, small ones first (method, params, delivery), so a
// server streaming the body knows the tool before the files arrive, then
// the files, their total bounded by MaxRequestSize.
//
// method, params and delivery are plain form fields, with no Content-Type:
// what every Nitro client sends (the reference pages' curl --form
// 'params={…}'; Nitro's MCP server form.append('params',
// JSON.stringify(…)), node-version/src/client/platformClient.ts@a4df724;
// samples/python/api/platform_api.py@2713a9f data={"params": json.dumps(…)}).
func (f *form) write(mw *multipart.Writer) (err error) {
	reading := ""
	defer func() {
		if p := recover(); p != nil {
			err = readPanic(reading, p)
		}
	}()
	if err := mw.WriteField("method", f.method); err != nil {
		return err
	}
	if err := mw.WriteField("params", string(f.params)); err != nil {
		return err
	}
	if f.delivery != nil {
		if err := mw.WriteField("delivery", string(f.delivery)); err != nil {
			return err
		}
	}
	left := int64(MaxRequestSize)
	for _, file := range f.files {
		reading = file.Name
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", wire.FileDisposition(f.part, file.Name))
		h.Set("Content-Type", file.ContentType)
		part, err := mw.CreatePart(h)
		if err != nil {
			return err
		}
		n, err := io.Copy(part, io.LimitReader(wire.Guard(file.Body), left+1))
		if err != nil {
			return err
		}
		if left -= n; left < 0 {
			return fmt.Errorf("%w: the files are longer than %d bytes", ErrTooLarge, MaxRequestSize)
		}
		// A stated size that the body does not match (a Body read before)
		// would send another file than meant.
		if file.Size > 0 && n != file.Size {
			return fmt.Errorf("%w: %q is %d bytes, not the %d its Size says (a Body can be read once)", ErrInvalidFile, file.Name, n, file.Size)
		}
	}
	return nil
}

// RemoteContentType is the Content-Type of a file part that names a remote
// file for Nitro to fetch instead of carrying it.
const RemoteContentType = "application/vnd.gonitro.url+json"

// RemoteFile is an input Nitro fetches from url itself (a pre-signed URL,
// say) instead of receiving it: a part of type RemoteContentType holding
// a RemoteFile JSON object, named by the URL. contentType is the remote
// file's own type, such as "application/pdf".
func RemoteFile(url, contentType string) File {
	b, _ := json.Marshal(pdfapi.RemoteFile{URL: url, ContentType: contentType}) // two strings: cannot fail
	// The part's name is the URL's last path segment: the whole URL (a
	// pre-signed one's signature included) would reach logs as a filename.
	name := path.Base(wire.URLWithoutQuery(url))
	return File{Name: name, ContentType: RemoteContentType, Body: bytes.NewReader(b), Size: int64(len(b))}
}
