package nitrotest

import (
	"context"
	"errors"
	"io"
	"net/http"
	"path"
	"strings"

	"github.com/google/uuid"

	"github.com/nitrokit/nitro/nitrotest/internal/api"
)

// ConvertFile accepts a file part and completes the conversion at once.
func (s handlers) ConvertFile(_ context.Context, req api.ConvertFileRequestObject) (api.ConvertFileResponseObject, error) {
	var size int64
	found := false
	for {
		part, err := req.Body.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return api.ConvertFile400JSONResponse(as[api.BadRequestProblemDetail](validationError("/sign/conversions", map[string]string{"body": "malformed multipart body"}))), nil
		}
		if part.FormName() == "file" {
			found = true
			if !convertible(part.FileName()) {
				return api.ConvertFile415JSONResponse(as[api.UnsupportedMediaTypeDetail](newProblem(http.StatusUnsupportedMediaType, "/sign/conversions", "The provided file type is not supported: %q", part.FileName()))), nil
			}
			if size, err = io.Copy(io.Discard, io.LimitReader(part, maxFileBytes+1)); err != nil {
				return api.ConvertFile400JSONResponse(as[api.BadRequestProblemDetail](validationError("/sign/conversions", map[string]string{"file": "could not be read"}))), nil
			}
		}
		part.Close()
	}
	switch {
	case !found:
		return api.ConvertFile400JSONResponse(as[api.BadRequestProblemDetail](validationError("/sign/conversions", map[string]string{"file": "is required"}))), nil
	case size > maxFileBytes:
		return api.ConvertFile413JSONResponse(as[api.ContentTooLargeProblemDetail](newProblem(http.StatusRequestEntityTooLarge, "/sign/conversions", "Uploaded file exceeds the file size limit of 20Mb"))), nil
	}
	j := &job{id: uuid.NewString(), size: size}
	s.state.mu.Lock()
	s.state.jobs[j.id] = j
	s.state.mu.Unlock()
	status := api.JobStatusCompleted
	return api.ConvertFile200JSONResponse{JobID: &j.id, Status: &status, JobStatusURL: s.URL() + "/sign/conversions/" + j.id + "/status"}, nil
}

func (s *Server) job(id string) *job {
	s.state.mu.Lock()
	defer s.state.mu.Unlock()
	return s.state.jobs[id]
}

func jobNotFound(id string) problem {
	return newProblem(http.StatusNotFound, "/sign/conversions/"+id, "Conversion job with ID '%s' not found", id)
}

// GetJobStatus reports a conversion job, always completed here.
func (s handlers) GetJobStatus(_ context.Context, req api.GetJobStatusRequestObject) (api.GetJobStatusResponseObject, error) {
	j := s.job(req.JobID)
	if j == nil {
		return api.GetJobStatus404JSONResponse(as[api.NotFoundProblemDetail](jobNotFound(req.JobID))), nil
	}
	status := api.JobStatusCompleted
	return api.GetJobStatus200JSONResponse{JobID: &j.id, Status: &status}, nil
}

// DownloadConvertedFile streams the converted PDF.
func (s handlers) DownloadConvertedFile(_ context.Context, req api.DownloadConvertedFileRequestObject) (api.DownloadConvertedFileResponseObject, error) {
	j := s.job(req.JobID)
	if j == nil {
		return api.DownloadConvertedFile404JSONResponse(as[api.NotFoundProblemDetail](jobNotFound(req.JobID))), nil
	}
	body, n := PDF("Converted "+j.id, j.size)
	return api.DownloadConvertedFile200ApplicationOctetStreamResponse{Body: body, ContentLength: n}, nil
}

// convertible reports whether the fake converts a file, by its extension.
func convertible(name string) bool {
	switch strings.ToLower(path.Ext(name)) {
	case ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".odt", ".rtf", ".txt", ".html", ".png", ".jpg", ".jpeg", ".pdf":
		return true
	}
	return false
}
