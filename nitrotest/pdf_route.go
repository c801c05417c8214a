package nitrotest

import (
	"net/http"
	"strings"

	"github.com/google/uuid"
)

// The PDF Services operations, by the names gen/pdfapi gives them. They are
// what Stats counts and what Operation targets. GetJobStatus is also the
// name of the Sign conversion status (/sign/conversions/{jobID}/status), so
// Operation("GetJobStatus") targets both, and Stats counts both under it.
// DownloadResultFile is the fake's own: the URL of a result file (a
// pre-signed URL at Nitro) is served by the fake, without a token; so are
// UploadStagedFile and DownloadStagedFile, its pre-signed staging URLs
// (staging.go), while CreatePresignedFileURLs, which hands them out, is
// Nitro's POST /presigned-file-urls.
const (
	opConvertDocument     = "ConvertDocument"
	opTransformDocument   = "TransformDocument"
	opExtractFromDocument = "ExtractFromDocument"
	opGenerateDocument    = "GenerateDocument"
	opGetJobStatus        = "GetJobStatus"
	opGetJobResult        = "GetJobResult"
	opDownloadResultFile  = "DownloadResultFile"
)

// pdfRouter serves PDF Services: its paths are also in the Sign spec, as
// the "Platform forwarder" stubs (no body, an empty 200), so requests for
// them are routed here before the Sign router and its validator see them.
// The handlers check PDF requests themselves (see checkPDFRequest).
type pdfRouter struct {
	mux *http.ServeMux
	ops map[string]string // pattern -> operation
}

func (s *Server) newPDFRouter() *pdfRouter {
	pr := &pdfRouter{mux: http.NewServeMux(), ops: map[string]string{}}
	handle := func(pattern, op string, h http.HandlerFunc) {
		pr.mux.HandleFunc(pattern, h)
		pr.ops[pattern] = op
	}
	handle("POST /conversions", opConvertDocument, s.servePDFCall("/conversions"))
	handle("POST /transformations", opTransformDocument, s.servePDFCall("/transformations"))
	handle("POST /extractions", opExtractFromDocument, s.servePDFCall("/extractions"))
	handle("POST /generations", opGenerateDocument, s.servePDFCall("/generations"))
	handle("GET /jobs/{jobID}/status", opGetJobStatus, s.serveJobStatus)
	handle("GET /jobs/{jobID}", opGetJobResult, s.serveJobResult)
	handle("GET /files/{fileID}", opDownloadResultFile, s.serveResultFile)
	handle("POST /presigned-file-urls", opCreatePresignedFileURLs, s.servePresign)
	handle("PUT /staged/{fileID}/upload", opUploadStagedFile, s.serveStagedUpload)
	handle("GET /staged/{fileID}/download", opDownloadStagedFile, s.serveStagedDownload)
	return pr
}

// route returns the PDF operation r reaches and its handler, or "" and nil
// when r is not for PDF Services (then the Sign router serves it).
//
// Until the Sign surface drops its Platform forwarders (issue 12, point 7),
// requests in the forwarders' shape keep the Sign spec's empty 200 (and
// their Sign operation names in Stats): a POST with no body, and a GET of a
// job the fake never issued whose ID is no UUID, sent without Accept. Every
// PDF Services request has a multipart body, and every job ID the fake
// issues is a UUID.
func (pr *pdfRouter) route(s *Server, r *http.Request) (string, http.Handler) {
	_, pattern := pr.mux.Handler(r)
	op := pr.ops[pattern]
	switch {
	case op == "":
		return "", nil
	case r.Method == http.MethodPost && r.ContentLength == 0 && r.Header.Get("Content-Type") == "" && op != opCreatePresignedFileURLs:
		return "", nil
	case strings.HasPrefix(pattern, "GET /jobs/"):
		id := strings.TrimPrefix(r.URL.Path, "/jobs/")
		id, _, _ = strings.Cut(id, "/")
		if _, err := uuid.Parse(id); err != nil && r.Header.Get("Accept") == "" && s.pdfJob(id) == nil {
			return "", nil
		}
	}
	// The mux serves it, not the handler Handler found: only ServeHTTP sets
	// the path values (jobID, fileID).
	return op, pr.mux
}

// needsToken reports whether an operation needs the Bearer token: all but
// the result files and the staged files, whose URLs stand for Nitro's
// pre-signed ones.
func needsToken(op string) bool {
	return op != opDownloadResultFile && op != opUploadStagedFile && op != opDownloadStagedFile
}
