package pdf

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"

	"github.com/nitrokit/nitro/gen/pdfapi"
	"github.com/nitrokit/nitro/internal/wire"
)

// endpoint is one of the four POST endpoints, each running several tools.
type endpoint int

const (
	conversions endpoint = iota
	transformations
	extractions
	generations
)

// post sends a request to e through the generated client.
func (e endpoint) post(ctx context.Context, raw *pdfapi.Client, async bool, contentType string, body io.Reader, accept string) (*http.Response, error) {
	var prefer *pdfapi.PreferHeader
	if async {
		p := pdfapi.PreferHeaderRespondAsync
		prefer = &p
	}
	ed := accepting(accept)
	switch e {
	case conversions:
		return raw.ConvertDocumentWithBody(ctx, &pdfapi.ConvertDocumentParams{Prefer: prefer}, contentType, body, ed, routeConversions)
	case transformations:
		return raw.TransformDocumentWithBody(ctx, &pdfapi.TransformDocumentParams{Prefer: prefer}, contentType, body, ed, routeTransformations)
	case extractions:
		return raw.ExtractFromDocumentWithBody(ctx, &pdfapi.ExtractFromDocumentParams{Prefer: prefer}, contentType, body, ed, routeExtractions)
	default:
		return raw.GenerateDocumentWithBody(ctx, &pdfapi.GenerateDocumentParams{Prefer: prefer}, contentType, body, ed, routeGenerations)
	}
}

// The routes of the calls, for nitro.Observer (see wire.Route), each made
// once.
var (
	routeConversions     = wire.Route("POST /conversions")
	routeTransformations = wire.Route("POST /transformations")
	routeExtractions     = wire.Route("POST /extractions")
	routeGenerations     = wire.Route("POST /generations")
	routeJobStatus       = wire.Route("GET /jobs/{jobID}/status")
	routeJobResult       = wire.Route("GET /jobs/{jobID}")
	routePresign         = "POST /presigned-file-urls"
)

// tool is one row of docs/pdf-services-tools.md's table: what a typed call
// sends. The table below is the single place a tool is described; each
// method is one line binding its name and its Go types to a row.
type tool struct {
	call     string // the typed call's name, for errors
	endpoint endpoint
	method   string // the method part
	part     string // "file" or "files"
	min, max int    // how many files
	// unwrapped: the sync JSON is the result itself ({"formFields": …}),
	// not {"result": …}; a completed job's result is then that whole value.
	unwrapped bool
}

func (t *tool) count(n int) error {
	if n < t.min || n > t.max {
		return fmt.Errorf("%w: %s takes %d to %d files, not %d", ErrInvalidFile, t.call, t.min, t.max, n)
	}
	return nil
}

// one, two and many are the input shapes: one file part; a "files" pair
// (the PDF, then an image or a data file); a "files" list.
func one(call string, e endpoint, method string) *tool {
	return &tool{call: call, endpoint: e, method: method, part: "file", min: 1, max: 1}
}

func two(call string, e endpoint, method string) *tool {
	return &tool{call: call, endpoint: e, method: method, part: "files", min: 2, max: 2}
}

// The tool table: docs/pdf-services-tools.md, rows 1–30 in order.
var (
	toolConvertOfficeToPDF = one("ConvertOfficeToPDF", conversions, string(pdfapi.ConvertToPDFRequestMethodConvert))
	toolConvertImageToPDF  = one("ConvertImageToPDF", conversions, string(pdfapi.ConvertToPDFRequestMethodConvert))
	toolConvertMiscToPDF   = one("ConvertMiscToPDF", conversions, string(pdfapi.ConvertToPDFRequestMethodConvert))
	toolConvertToPDFA      = one("ConvertToPDFA", conversions, string(pdfapi.ConvertToPDFARequestMethodConvert))
	toolConvertPDFToOffice = one("ConvertPDFToOffice", conversions, string(pdfapi.ConvertPDFToOfficeRequestMethodConvert))
	toolConvertPDFToImage  = one("ConvertPDFToImage", conversions, string(pdfapi.ConvertPDFToImageRequestMethodConvert))

	toolCompress      = one("Compress", transformations, string(pdfapi.CompressRequestMethodCompress))
	toolDeletePages   = one("DeletePages", transformations, string(pdfapi.DeletePagesRequestMethodDeletePages))
	toolFlatten       = one("Flatten", transformations, string(pdfapi.FlattenRequestMethodFlatten))
	toolMerge         = &tool{call: "Merge", endpoint: transformations, method: string(pdfapi.MergeRequestMethodMerge), part: "files", min: 2, max: 1 << 10}
	toolOCR           = one("OCR", transformations, string(pdfapi.OCRRequestMethodOcr))
	toolOptimize      = one("Optimize", transformations, string(pdfapi.OptimizeRequestMethodOptimize))
	toolProtect       = one("Protect", transformations, string(pdfapi.ProtectRequestMethodProtect))
	toolRedact        = one("Redact", transformations, string(pdfapi.RedactRequestMethodRedact))
	toolRotate        = one("Rotate", transformations, string(pdfapi.RotateRequestMethodRotate))
	toolSetProperties = one("SetProperties", transformations, string(pdfapi.SetPropertiesRequestMethodSetProperties))
	toolSplit         = one("Split", transformations, string(pdfapi.SplitRequestMethodSplit))
	toolUnprotect     = one("Unprotect", transformations, string(pdfapi.UnprotectRequestMethodUnprotect))
	toolWatermark     = two("Watermark", transformations, string(pdfapi.WatermarkRequestMethodWatermark))

	toolExtractFillableFormData = &tool{call: "ExtractFillableFormData", endpoint: extractions, method: string(pdfapi.ExtractFillableFormDataRequestMethodExtractFillableFormData), part: "file", min: 1, max: 1, unwrapped: true}
	toolExtractExpenseData      = one("ExtractExpenseData", extractions, string(pdfapi.ExtractExpenseDataRequestMethodExtractInvoices))
	toolExtractForms            = one("ExtractForms", extractions, string(pdfapi.ExtractFormsRequestMethodExtractForms))
	toolGetProperties           = one("GetProperties", extractions, string(pdfapi.GetPropertiesRequestMethodGetProperties))
	toolExtractPII              = one("ExtractPII", extractions, string(pdfapi.ExtractPIIRequestMethodExtractPiiBoundingBoxes))
	toolSmartDetectFormFields   = &tool{call: "SmartDetectFormFields", endpoint: extractions, method: string(pdfapi.SmartDetectFormFieldsRequestMethodSmartDetectFormFields), part: "file", min: 1, max: 1, unwrapped: true}
	toolExtractTables           = one("ExtractTables", extractions, string(pdfapi.ExtractTablesRequestMethodExtractTables))
	toolExtractText             = one("ExtractText", extractions, string(pdfapi.ExtractTextRequestMethodExtractText))
	toolExtractTextBoxes        = one("ExtractTextBoxes", extractions, string(pdfapi.ExtractTextBoxesRequestMethodExtractTextBoundingBoxes))

	toolCreateFillableForms = one("CreateFillableForms", generations, string(pdfapi.CreateFillableFormsRequestMethodCreateFillableForms))
	toolFillForms           = one("FillForms", generations, string(pdfapi.FillFormsRequestMethodFillForms))
	toolFillFormsWithData   = two("FillFormsWithData", generations, string(pdfapi.FillFormsRequestMethodFillForms))
)

// newRequest binds a tool to its inputs; nothing is sent or read yet.
func newRequest[R, P any](c *Client, t *tool, p P, files ...File) Request[R] {
	return Request[R]{c: c, t: t, params: p, files: files, sent: new(atomic.Bool)}
}

// decodeResult decodes a tool's synchronous JSON into R, in either shape
// Nitro's sources document for it (docs/wire-sources.md, "sync JSON
// wrapper"): a file result wrapped, {"result": {"file": …}} (Nitro's
// samples read result.result.file.URL: samples/python/api/
// platform_api.py@2713a9f, _request_bytes), or bare, {"file": …} (the
// reference pages' examples); the two unwrapped extractions bare,
// {"formFields": …} (their reference pages), or wrapped like the others.
// Every other extraction is wrapped in all sources.
func decodeResult[R any](t *tool, raw json.RawMessage) (R, error) {
	var out R
	var top map[string]json.RawMessage
	if json.Unmarshal(raw, &top) == nil {
		inner, wrapped := top["result"]
		switch {
		case t.unwrapped && wrapped && len(top) == 1 && bytes.HasPrefix(bytes.TrimSpace(inner), []byte("{")):
			raw = inner
		case !t.unwrapped && t.endpoint != extractions && !wrapped && (top["file"] != nil || top["files"] != nil):
			raw, _ = json.Marshal(map[string]json.RawMessage{"result": raw})
		}
	}
	err := json.Unmarshal(raw, &out)
	return out, err
}

// pdfTo fills in the conversion target a ConvertXToPDF call implies.
func pdfTo(p ConversionParams) ConversionParams {
	if p.To == "" {
		p.To = pdfapi.ConversionParamsToPdf
	}
	return p
}
