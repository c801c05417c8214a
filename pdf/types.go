package pdf

import (
	"errors"
	"fmt"

	"github.com/nitrokit/nitro/gen/pdfapi"
)

// The tools' parameter types, from the generated package: every one a
// struct, so only documented options compile (EmptyParams and
// PDFCompressParams, for tools without options, are empty structs).
// Conversion parameters' To may be left empty where the call implies it
// (ConvertOfficeToPDF and its siblings send "pdf", ConvertToPDFA "pdfa").
type (
	ConversionParams              = pdfapi.ConversionParams
	ConversionPDFAParams          = pdfapi.ConversionPDFAParams
	ConversionMSOfficeParams      = pdfapi.ConversionMSOfficeParams
	ConversionImageParams         = pdfapi.ConversionImageParams
	PDFCompressParams             = pdfapi.PDFCompressParams
	DeletePagesParams             = pdfapi.DeletePagesParams
	EmptyParams                   = pdfapi.EmptyParams
	MergeParams                   = pdfapi.MergeParams
	TableOfContents               = pdfapi.TableOfContents
	ExtractFormsParams            = pdfapi.ExtractFormsParams
	ExtractTablesParams           = pdfapi.ExtractTablesParams
	PDFOCRParams                  = pdfapi.PDFOCRParams
	PDFOptimizeParams             = pdfapi.PDFOptimizeParams
	PDFPasswordProtectionParams   = pdfapi.PDFPasswordProtectionParams
	RedactParams                  = pdfapi.RedactParams
	Redaction                     = pdfapi.Redaction
	Rotation                      = pdfapi.Rotation
	PageRotation                  = pdfapi.PageRotation
	SetPropertiesParams           = pdfapi.SetPropertiesParams
	SplitParams                   = pdfapi.SplitParams
	UnprotectParams               = pdfapi.UnprotectParams
	WatermarkParams               = pdfapi.WatermarkParams
	ExtractFillableFormDataParams = pdfapi.ExtractFillableFormDataParams
	PIIBboxExtractionParams       = pdfapi.PIIBboxExtractionParams
	ExtractTextParams             = pdfapi.ExtractTextParams
	TextboxExtractionParams       = pdfapi.TextboxExtractionParams
	TextBoxQuery                  = pdfapi.TextBoxQuery
	CreateFillableFormsParams     = pdfapi.CreateFillableFormsParams
	FormFieldDetection            = pdfapi.FormFieldDetection
	FormFillParams                = pdfapi.FormFillParams
	FormFieldValue                = pdfapi.FormFieldValue
)

// The tools' synchronous JSON results, from the generated package.
type (
	// FileResult is the result of every tool that makes a file (or files,
	// for Split and ConvertPDFToImage): read it with ResultFiles.
	FileResult                      = pdfapi.PlatformResponse
	FileInfo                        = pdfapi.FileInfo
	ExtractFillableFormDataResponse = pdfapi.ExtractFillableFormDataResponse
	ExtractExpenseDataResponse      = pdfapi.ExtractExpenseDataResponse
	ExtractFormsResponse            = pdfapi.ExtractFormsResponse
	GetPropertiesResponse           = pdfapi.GetPropertiesResponse
	PIIExtractionResult             = pdfapi.PIIExtractionResult
	SmartDetectFormFieldsResponse   = pdfapi.SmartDetectFormFieldsResponse
	ExtractTablesResponse           = pdfapi.ExtractTablesResponse
	PlatformResponseText            = pdfapi.PlatformResponseText
	ExtractTextBoxResponse          = pdfapi.ExtractTextBoxResponse
	// JobCallback is what Nitro POSTs to Delivery.Callback when an
	// asynchronous job starts; see CallbackHandler.
	JobCallback = pdfapi.JobCallback
)

// ResultFiles returns the file or files a FileResult holds, in order: one for
// most tools, one per part for Split, one or one per page for
// ConvertPDFToImage. A FileInfo's URL is empty when a Delivery uploaded it.
func ResultFiles(r FileResult) ([]FileInfo, error) {
	// The two variants differ by their member: "files" (a list) or "file".
	if many, err := r.Result.AsPlatformOperationFilesResult(); err == nil && len(many.Files) > 0 {
		return many.Files, nil
	}
	one, err := r.Result.AsPlatformOperationFileResult()
	if err != nil {
		return nil, fmt.Errorf("nitro: the result holds no file: %w", err)
	}
	if one.File == (FileInfo{}) {
		return nil, errors.New("nitro: the result holds no file")
	}
	return []FileInfo{one.File}, nil
}
