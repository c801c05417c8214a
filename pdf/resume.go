package pdf

import (
	"errors"
	"fmt"
)

// ErrUnknownResult is ResumeJob's refusal of a result type that no tool
// answers: the job could not be decoded.
var ErrUnknownResult = errors.New("nitro: no PDF Services tool answers this result type")

// ResumeJob returns the job with the given ID, as a Job[R] with all of
// Wait, Follow, Status, Result and Download, for a job this Client did not
// start: one another replica started, one persisted across a restart, or the
// JobID of a JobCallback. R is the result type of the tool that started it
// (FileResult for every tool that makes files, PlatformResponseText for
// ExtractText, …), as its call's Request[R] names it. Nothing is sent: the
// ID is checked for shape only, so an unknown job shows on first use as the
// API's 404.
//
// The job's ID is the whole resume token: store Job.ID, then
//
//	job, err := pdf.ResumeJob[pdf.FileResult](p, id)
func ResumeJob[R any](c *Client, id string) (*Job[R], error) {
	if err := c.ready(); err != nil {
		return nil, fmt.Errorf("nitro: pdf.ResumeJob: %w", err)
	}
	if !usableID(id) {
		return nil, fmt.Errorf("nitro: pdf.ResumeJob: %q is not a job ID", c.redact(id))
	}
	t, err := toolFor[R]()
	if err != nil {
		return nil, err
	}
	return newJob[R](c, t, id, ""), nil
}

// toolFor is a tool whose answer decodes as R: what decoding a job's result
// depends on is whether the result is wrapped (unwrapped) and whether its
// file is an extraction's JSON (endpoint), and R's type decides both.
func toolFor[R any]() (*tool, error) {
	switch any(*new(R)).(type) {
	case FileResult:
		return toolCompress, nil
	case ExtractFillableFormDataResponse:
		return toolExtractFillableFormData, nil
	case SmartDetectFormFieldsResponse:
		return toolSmartDetectFormFields, nil
	case ExtractExpenseDataResponse:
		return toolExtractExpenseData, nil
	case ExtractFormsResponse:
		return toolExtractForms, nil
	case GetPropertiesResponse:
		return toolGetProperties, nil
	case PIIExtractionResult:
		return toolExtractPII, nil
	case ExtractTablesResponse:
		return toolExtractTables, nil
	case PlatformResponseText:
		return toolExtractText, nil
	case ExtractTextBoxResponse:
		return toolExtractTextBoxes, nil
	}
	return nil, fmt.Errorf("%w: %T", ErrUnknownResult, *new(R))
}
