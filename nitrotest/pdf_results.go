package nitrotest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/nitrokit/nitro/gen/pdfapi"
)

// pdfFile is a file a tool produced: generated on each open, so a result of
// any size costs no memory (see WithOutputSize).
type pdfFile struct {
	name, contentType string
	pages             int // 0: not a document with pages
	size              int64
	open              func() io.Reader // size bytes
}

// pdfOutput is what a tool produced: files (answered as one file, or as
// several when many), or an extraction's JSON (the whole synchronous body).
type pdfOutput struct {
	files []pdfFile
	many  bool
	json  any
}

func bytesFile(name, contentType string, pages int, b []byte) pdfFile {
	return pdfFile{name: name, contentType: contentType, pages: pages, size: int64(len(b)),
		open: func() io.Reader { return bytes.NewReader(b) }}
}

// newPDF is a one-page PDF showing text, of the configured output size.
func (s *Server) newPDF(name, text string) pdfFile {
	size := s.cfg.outputSize
	_, n := PDF(text, size)
	return pdfFile{name: name, contentType: "application/pdf", pages: 1, size: n,
		open: func() io.Reader { r, _ := PDF(text, size); return r }}
}

// pdfResult is the usual output: one PDF named after the input.
func (s *Server) pdfResult(in pdfInput, text string) pdfOutput {
	return pdfOutput{files: []pdfFile{s.newPDF(baseName(in.name)+".pdf", text)}}
}

// servePDFCall serves a POST to one of the four tool endpoints, in the mode
// the request asks for: a job with Prefer: respond-async (202, Location,
// AsyncJobResponse), the output's bytes with Accept:
// application/octet-stream, the JSON result otherwise.
func (s *Server) servePDFCall(endpoint string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, run, err := s.readCall(r, endpoint)
		if err != nil {
			var re *requestError
			if !errors.As(err, &re) {
				re = &requestError{newProblem(http.StatusBadRequest, endpoint, "%v", err)}
			}
			writeProblem(w, re.p)
			return
		}
		if preferAsync(r) {
			j := s.startJob(c, run)
			w.Header().Set("Location", s.URL()+"/jobs/"+j.id+"/status")
			w.Header().Set("Preference-Applied", "respond-async")
			writeJSON(w, http.StatusAccepted, pdfapi.AsyncJobResponse{JobID: j.id, Status: pdfapi.AsyncJobResponseStatusRunning})
			return
		}
		out := run(s)
		delivered := false
		if d := c.req.delivery; d != nil && hasUploads(*d) {
			if err := s.upload(r.Context(), *d, out); err != nil {
				writeProblem(w, newProblem(http.StatusUnprocessableEntity, endpoint, "Delivery failed: %v", err))
				return
			}
			delivered = true
		}
		if wantsBinary(r) {
			s.writeOutput(w, out)
			return
		}
		writeJSON(w, http.StatusOK, s.resultBody(out, delivered))
	}
}

// readCall reads and checks a request, and picks its tool: 400 for a
// malformed body, an unknown method, params that do not decode into the
// tool's params type or a missing file; 415 for an input the tool cannot
// take; 413 beyond Nitro's limits; 422 for params the tool refuses.
func (s *Server) readCall(r *http.Request, endpoint string) (*pdfCall, func(*Server) pdfOutput, error) {
	req, err := readPDFRequest(r.Context(), r, endpoint)
	if err != nil {
		return nil, nil, err
	}
	if len(req.inputs) == 0 {
		return nil, nil, badPart(endpoint, "file", "is required")
	}
	t, err := pickTool(req)
	if err != nil {
		return nil, nil, err
	}
	switch n := len(req.inputs); {
	case t.files == 0 && (n != 1 || req.multi):
		return nil, nil, badPart(endpoint, "file", t.name+" takes one file part")
	case t.files > 0 && (n < t.files || !req.multi):
		return nil, nil, badPart(endpoint, "files", fmt.Sprintf("%s takes %d or more files parts", t.name, t.files))
	}
	for i, in := range req.inputs {
		if (i == 0 || t.name == "merge") && in.kind != t.input {
			return nil, nil, statusError(http.StatusUnsupportedMediaType, endpoint, "%s cannot take %q (%s)", t.name, in.name, in.contentType)
		}
	}
	c := &pdfCall{req: req, tool: t, in: req.inputs[0]}
	run, invalid, err := t.prepare(c)
	switch {
	case err != nil:
		return nil, nil, badPart(endpoint, "params", err.Error())
	case invalid != nil:
		return nil, nil, &requestError{unprocessable(endpoint, invalid)}
	}
	return c, run, nil
}

func preferAsync(r *http.Request) bool {
	for _, v := range r.Header.Values("Prefer") {
		for p := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(p), "respond-async") {
				return true
			}
		}
	}
	return false
}

// wantsBinary reports whether Accept asks for the bytes (and not JSON
// first).
func wantsBinary(r *http.Request) bool {
	for _, v := range r.Header.Values("Accept") {
		for p := range strings.SplitSeq(v, ",") {
			mt, _, _ := mime.ParseMediaType(strings.TrimSpace(p))
			switch mt {
			case "application/octet-stream":
				return true
			case "application/json":
				return false
			}
		}
	}
	return false
}

// resultBody is the synchronous JSON answer: the extraction's result, or a
// PlatformResponse with the files' URLs on this server (empty when
// delivered to the caller's URLs instead).
func (s *Server) resultBody(out pdfOutput, delivered bool) any {
	if out.files == nil {
		return out.json
	}
	infos := make([]pdfapi.FileInfo, len(out.files))
	for i, f := range out.files {
		infos[i] = pdfapi.FileInfo{ContentType: f.contentType, Metadata: pdfapi.FileMetadata{FileSizeBytes: f.size, PageCount: f.pages}}
		if !delivered {
			infos[i].URL = s.storeFile(f)
		}
	}
	var res pdfapi.PlatformResponse
	if out.many {
		_ = res.Result.FromPlatformOperationFilesResult(pdfapi.PlatformOperationFilesResult{Files: infos})
	} else {
		_ = res.Result.FromPlatformOperationFileResult(pdfapi.PlatformOperationFileResult{File: infos[0]})
	}
	return res
}

// resultMember is a completed job's result: the synchronous body's result
// member, or the whole body for the two extractions that answer unwrapped
// ({"formFields": …}).
func resultMember(body any) json.RawMessage {
	b := mustJSON(body)
	var m map[string]json.RawMessage
	if json.Unmarshal(b, &m) == nil {
		if r, ok := m["result"]; ok {
			return r
		}
	}
	return b
}

// writeOutput streams an output: one file as itself, several as a ZIP, an
// extraction's JSON as application/json.
func (s *Server) writeOutput(w http.ResponseWriter, out pdfOutput) {
	h := w.Header()
	switch {
	case out.files == nil:
		b := mustJSON(out.json)
		h.Set("Content-Type", "application/json")
		h.Set("Content-Length", strconv.Itoa(len(b)))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(b)
	case out.many:
		entries := make([]zipEntry, len(out.files))
		for i, f := range out.files {
			entries[i] = zipEntry{name: f.name, body: func() (io.Reader, int64) { return f.open(), f.size }}
		}
		body := zipStream(entries)
		defer body.Close()
		h.Set("Content-Type", "application/zip")
		h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": "results.zip"}))
		w.WriteHeader(http.StatusOK)
		_, _ = io.Copy(w, body)
	default:
		writeFile(w, out.files[0])
	}
}

func writeFile(w http.ResponseWriter, f pdfFile) {
	h := w.Header()
	h.Set("Content-Type", f.contentType)
	h.Set("Content-Length", strconv.FormatInt(f.size, 10))
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": f.name}))
	w.WriteHeader(http.StatusOK)
	_, _ = io.Copy(w, f.open())
}

// storeFile keeps f for GET /files/{fileID} and returns its URL, which,
// like Nitro's pre-signed URLs, needs no token.
func (s *Server) storeFile(f pdfFile) string {
	id := uuid.NewString()
	s.pdf.mu.Lock()
	s.pdf.files[id] = f
	s.pdf.mu.Unlock()
	return s.URL() + "/files/" + id
}

func (s *Server) serveResultFile(w http.ResponseWriter, r *http.Request) {
	s.pdf.mu.Lock()
	f, ok := s.pdf.files[r.PathValue("fileID")]
	s.pdf.mu.Unlock()
	if !ok {
		writeProblem(w, newProblem(http.StatusNotFound, r.URL.Path, "No result file %s", r.PathValue("fileID")))
		return
	}
	writeFile(w, f)
}
