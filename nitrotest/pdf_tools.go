package nitrotest

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"path"
	"slices"
	"strings"

	"github.com/nitrokit/nitro/gen/pdfapi"
)

// pdfTool is one of the 30 tools of docs/pdf-services-tools.md: where it is
// served, how a request picks it, and what it does.
type pdfTool struct {
	name     string // its x-nitro-tools name
	endpoint string
	method   string
	// files says which file parts it takes: 0 one file, n > 0 at least n
	// files, -1 either (fill-forms).
	files int
	// input is the kind of its (first) input.
	input inputKind
	// prepare decodes and checks the params (a decoding error is a 400, the
	// map the 422's validation errors) and returns the work to do.
	prepare func(c *pdfCall) (func(s *Server) pdfOutput, map[string]string, error)
}

// pdfCall is a request being served by its tool.
type pdfCall struct {
	req  *pdfRequest
	tool *pdfTool
	in   pdfInput // the first input
}

// defineTool makes a tool whose params decode into P. Keys P does not have
// are ignored, the same way for every tool: Nitro documents no rejection of
// unknown keys, and its own samples send keys newer servers dropped
// ({"level": 2} to compress), so code written from them runs here. A key of
// the wrong type, or params that are not a JSON object, is a 400.
func defineTool[P any](name, endpoint, method string, input inputKind, files int, check func(*pdfCall, P) map[string]string, run func(*Server, *pdfCall, P) pdfOutput) *pdfTool {
	t := &pdfTool{name: name, endpoint: endpoint, method: method, input: input, files: files}
	t.prepare = func(c *pdfCall) (func(*Server) pdfOutput, map[string]string, error) {
		var p P
		raw := bytes.TrimSpace(c.req.params)
		if len(raw) == 0 || string(raw) == "null" {
			raw = []byte("{}")
		}
		if raw[0] != '{' {
			return nil, nil, fmt.Errorf("not valid for %s: params must be a JSON object", name)
		}
		if err := json.Unmarshal(raw, &p); err != nil {
			return nil, nil, fmt.Errorf("not valid for %s: %v", name, err)
		}
		if check != nil {
			if errs := check(c, p); len(errs) > 0 {
				return nil, errs, nil
			}
		}
		return func(s *Server) pdfOutput { return run(s, c, p) }, nil, nil
	}
	return t
}

// pdfTools are the tools by endpoint and method; conversions share method
// convert and are picked by params.to and the input's kind (pickConversion).
// extract-expense-data, the invoice method an older reference page sends
// (.../extractions/extract-expense-data), reaches extract-invoices, the
// method Nitro's MCP server sends (node-version/src/handlers/
// platformHandler.ts@c1422ac).
var pdfTools = func() map[string]*pdfTool {
	m := map[string]*pdfTool{}
	for _, t := range allTools() {
		if t.endpoint != "/conversions" {
			m[t.endpoint+" "+t.method] = t
		} else {
			m[t.endpoint+" "+t.name] = t
		}
	}
	m["/extractions extract-expense-data"] = m["/extractions extract-invoices"]
	return m
}()

func allTools() []*pdfTool {
	const conv, tr, ex, gen = "/conversions", "/transformations", "/extractions", "/generations"
	samePDF := func(s *Server, c *pdfCall, _ any) pdfOutput { return s.pdfResult(c.in, c.in.text) }
	toPDF := func(s *Server, c *pdfCall, _ pdfapi.ConversionParams) pdfOutput { return s.pdfResult(c.in, c.in.text) }
	return []*pdfTool{
		defineTool("mstopdf", conv, "convert", kindOffice, 0, nil, toPDF),
		defineTool("imgtopdf", conv, "convert", kindImage, 0, nil, toPDF),
		defineTool("misctopdf", conv, "convert", kindMisc, 0, nil, toPDF),
		defineTool("pdfa", conv, "convert", kindPDF, 0,
			func(_ *pdfCall, p pdfapi.ConversionPDFAParams) map[string]string {
				if !p.Conformance.Valid() {
					return map[string]string{"params.conformance": fmt.Sprintf("must be one of 1a 1b 2a 2b 2u 3a 3b 3u, not %q", p.Conformance)}
				}
				return nil
			},
			func(s *Server, c *pdfCall, _ pdfapi.ConversionPDFAParams) pdfOutput {
				return s.pdfResult(c.in, c.in.text)
			}),
		defineTool("pdftoms", conv, "convert", kindPDF, 0, nil,
			func(_ *Server, c *pdfCall, p pdfapi.ConversionMSOfficeParams) pdfOutput {
				ext := string(p.To)
				return pdfOutput{files: []pdfFile{bytesFile(baseName(c.in.name)+"."+ext, officeTypes[ext], 0, officeFile(ext, c.in.text))}}
			}),
		defineTool("pdftoimg", conv, "convert", kindPDF, 0, nil,
			func(_ *Server, c *pdfCall, p pdfapi.ConversionImageParams) pdfOutput {
				var out pdfOutput
				for i := range max(c.in.pages, 1) {
					out.files = append(out.files, bytesFile(fmt.Sprintf("%s-%d.%s", baseName(c.in.name), i+1, p.To), "image/"+string(p.To), 0, pageImage(string(p.To), i)))
				}
				out.many = len(out.files) > 1
				return out
			}),

		defineTool("compress", tr, "compress", kindPDF, 0, nil, samePDFOf[pdfapi.PDFCompressParams](samePDF)),
		defineTool("delete", tr, "delete-pages", kindPDF, 0,
			func(c *pdfCall, p pdfapi.DeletePagesParams) map[string]string {
				if len(p.PageIndices) == 0 {
					return map[string]string{"params.pageIndices": "is required"}
				}
				if len(p.PageIndices) >= c.in.pages {
					return map[string]string{"params.pageIndices": fmt.Sprintf("would delete all %d pages", c.in.pages)}
				}
				return pagesIn("params.pageIndices", c.in.pages, p.PageIndices...)
			},
			samePDFOf[pdfapi.DeletePagesParams](samePDF)),
		defineTool("flatten", tr, "flatten", kindPDF, 0, nil, samePDFOf[pdfapi.EmptyParams](samePDF)),
		// With tableOfContents.enabled (what Nitro's MCP server sends by
		// default), the output starts with a line per input: its contents.
		defineTool("merge", tr, "merge", kindPDF, 2, nil,
			func(s *Server, c *pdfCall, p pdfapi.MergeParams) pdfOutput {
				var texts []string
				if p.TableOfContents != nil && p.TableOfContents.Enabled {
					for i, in := range c.req.inputs {
						texts = append(texts, fmt.Sprintf("[contents %d: %s]", i+1, in.name))
					}
				}
				for _, in := range c.req.inputs {
					texts = append(texts, in.text)
				}
				return s.pdfResult(c.in, strings.Join(texts, "\n"))
			}),
		defineTool("ocr", tr, "ocr", kindPDF, 0,
			func(c *pdfCall, p pdfapi.PDFOCRParams) map[string]string {
				return pagesIn("params.pageIndices", c.in.pages, p.PageIndices...)
			},
			samePDFOf[pdfapi.PDFOCRParams](samePDF)),
		defineTool("optimize", tr, "optimize", kindPDF, 0,
			func(_ *pdfCall, p pdfapi.PDFOptimizeParams) map[string]string {
				if !p.Profile.Valid() {
					return map[string]string{"params.profile": fmt.Sprintf("must be archive, minimal-file-size, mixed-raster-content, print or web, not %q", p.Profile)}
				}
				return nil
			},
			samePDFOf[pdfapi.PDFOptimizeParams](samePDF)),
		defineTool("protect", tr, "protect", kindPDF, 0,
			func(_ *pdfCall, p pdfapi.PDFPasswordProtectionParams) map[string]string {
				if p.UserPassword == "" && p.OwnerPassword == "" {
					return map[string]string{"params": "userPassword or ownerPassword is required"}
				}
				return nil
			},
			samePDFOf[pdfapi.PDFPasswordProtectionParams](samePDF)),
		defineTool("redact", tr, "redact", kindPDF, 0,
			func(c *pdfCall, p pdfapi.RedactParams) map[string]string {
				if len(p.Redactions) == 0 {
					return map[string]string{"params.redactions": "is required"}
				}
				var pages []int
				for _, r := range p.Redactions {
					pages = append(pages, r.PageIndex)
				}
				return pagesIn("params.redactions[].pageIndex", c.in.pages, pages...)
			},
			// The redacted text is gone: what the output shows says so.
			func(s *Server, c *pdfCall, _ pdfapi.RedactParams) pdfOutput { return s.pdfResult(c.in, "[redacted]") }),
		defineTool("rotate", tr, "rotate", kindPDF, 0,
			func(c *pdfCall, p rotation) map[string]string {
				if len(p.Rotations) == 0 {
					return map[string]string{"params.rotations": "is required"}
				}
				var pages []int
				for _, r := range p.Rotations {
					if !r.Amount.Valid() {
						return map[string]string{"params.rotations[].amount": fmt.Sprintf("%d is not a multiple of 90 in -270..270", r.Amount)}
					}
					page := cmp.Or(r.PageIndex, r.PageIndexSnake)
					if page == nil {
						return map[string]string{"params.rotations[].pageIndex": "is required"}
					}
					pages = append(pages, *page)
				}
				return pagesIn("params.rotations[].pageIndex", c.in.pages, pages...)
			},
			samePDFOf[rotation](samePDF)),
		defineTool("set-properties", tr, "set-properties", kindPDF, 0, nil, samePDFOf[pdfapi.SetPropertiesParams](samePDF)),
		defineTool("split", tr, "split", kindPDF, 0,
			func(c *pdfCall, p pdfapi.SplitParams) map[string]string {
				if len(p.PageIndices) == 0 || slices.ContainsFunc(p.PageIndices, func(g []int) bool { return len(g) == 0 }) {
					return map[string]string{"params.pageIndices": "needs one or more non-empty groups of pages"}
				}
				return pagesIn("params.pageIndices", c.in.pages, slices.Concat(p.PageIndices...)...)
			},
			// One PDF per group, each showing the input's text.
			func(s *Server, c *pdfCall, p pdfapi.SplitParams) pdfOutput {
				out := pdfOutput{many: true}
				for i := range p.PageIndices {
					out.files = append(out.files, s.newPDF(fmt.Sprintf("%s-%d.pdf", baseName(c.in.name), i+1), c.in.text))
				}
				return out
			}),
		defineTool("unprotect", tr, "unprotect", kindPDF, 0, nil, samePDFOf[pdfapi.UnprotectParams](samePDF)),
		defineTool("watermark", tr, "watermark", kindPDF, 2,
			func(c *pdfCall, p pdfapi.WatermarkParams) map[string]string {
				if len(c.req.inputs) != 2 || c.req.inputs[1].kind != kindImage {
					return map[string]string{"files": "takes the PDF, then the watermark image"}
				}
				if p.Opacity != nil && (*p.Opacity < 0 || *p.Opacity > 1) {
					return map[string]string{"params.opacity": "must be in 0..1"}
				}
				return pagesIn("params.pageIndices", c.in.pages, p.PageIndices...)
			},
			samePDFOf[pdfapi.WatermarkParams](samePDF)),

		defineTool("extract-fillable-form-data", ex, "extract-fillable-form-data", kindPDF, 0,
			func(_ *pdfCall, p pdfapi.ExtractFillableFormDataParams) map[string]string {
				if p.Format != "" && !p.Format.Valid() {
					return map[string]string{"params.format": fmt.Sprintf("must be json, xfdf, fdf or csv, not %q", p.Format)}
				}
				return nil
			},
			func(_ *Server, c *pdfCall, p pdfapi.ExtractFillableFormDataParams) pdfOutput {
				if p.Format == "" || p.Format == pdfapi.ExtractFillableFormDataParamsFormatJSON {
					return pdfOutput{json: pdfapi.ExtractFillableFormDataResponse{FormFields: []pdfapi.FillableFormField{{
						Name: "text", FieldType: pdfapi.FillableFormFieldFieldTypeTextBox, Value: c.in.text,
						PageIndex: 0, BoundingBox: textBox, Choices: []string{},
					}}}}
				}
				ct, b := formData(string(p.Format), c.in.text)
				return pdfOutput{files: []pdfFile{bytesFile(baseName(c.in.name)+"."+string(p.Format), ct, 0, b)}}
			}),
		defineTool("extract-invoices", ex, "extract-invoices", kindPDF, 0, nil,
			func(_ *Server, c *pdfCall, _ pdfapi.EmptyParams) pdfOutput {
				vendor, _, _ := strings.Cut(c.in.text, "\n")
				return pdfOutput{json: pdfapi.ExtractExpenseDataResponse{Result: pdfapi.ExpenseData{
					VendorName: vendor, Currency: "USD", InvoiceNumber: baseName(c.in.name), LineItems: []pdfapi.ExpenseLineItem{},
				}}}
			}),
		defineTool("forms", ex, "extract-forms", kindPDF, 0, nil,
			func(_ *Server, c *pdfCall, _ pdfapi.ExtractFormsParams) pdfOutput {
				return pdfOutput{json: pdfapi.ExtractFormsResponse{Result: pdfapi.FormResultType{
					AverageConfidence: 100, Fields: []pdfapi.FormField{{Name: "text", Value: c.in.text, Confidence: 100}},
				}}}
			}),
		defineTool("get-properties", ex, "get-properties", kindPDF, 0, nil,
			func(_ *Server, c *pdfCall, _ pdfapi.EmptyParams) pdfOutput {
				return pdfOutput{json: pdfapi.GetPropertiesResponse{Result: pdfapi.PropertiesTypes{
					Title: baseName(c.in.name), Creator: "nitrotest", Producer: "nitrotest",
					CreationDate: "D:20000101000000Z", ModDate: "D:20000101000000Z", Trapped: "False",
				}}}
			}),
		defineTool("pii", ex, "extract-pii-bounding-boxes", kindPDF, 0, nil,
			func(_ *Server, c *pdfCall, _ pdfapi.PIIBboxExtractionParams) pdfOutput {
				boxes := []pdfapi.PIIBox{}
				for i, e := range emailPattern.FindAllString(c.in.text, -1) {
					boxes = append(boxes, pdfapi.PIIBox{ID: fmt.Sprintf("pii-%d", i+1), PIIType: pdfapi.PIIBoxPIITypeEMAIL,
						BoundingBox: textBox, Confidence: 1, PageIndex: 0, Text: e, TextPiece: e})
				}
				return pdfOutput{json: pdfapi.PIIExtractionResult{Result: pdfapi.PIIResultType{PIIBoxes: boxes}}}
			}),
		defineTool("smart-detect-form-fields", ex, "smart-detect-form-fields", kindPDF, 0, nil,
			func(_ *Server, _ *pdfCall, _ pdfapi.EmptyParams) pdfOutput {
				return pdfOutput{json: pdfapi.SmartDetectFormFieldsResponse{FormFields: []pdfapi.FormFieldDetection{{
					Name: "text", FieldType: pdfapi.FormFieldDetectionFieldTypeTextBox, PageIndex: 0, BoundingBox: textBox,
				}}}}
			}),
		defineTool("tables", ex, "extract-tables", kindPDF, 0,
			func(c *pdfCall, p pdfapi.ExtractTablesParams) map[string]string {
				return pagesIn("params.pageIndices", c.in.pages, p.PageIndices...)
			},
			func(_ *Server, c *pdfCall, _ pdfapi.ExtractTablesParams) pdfOutput {
				return pdfOutput{json: pdfapi.ExtractTablesResponse{Result: pdfapi.TablesResultType{Tables: []pdfapi.ExtractedTable{textTable(c.in.text)}}}}
			}),
		defineTool("text", ex, "extract-text", kindPDF, 0,
			func(c *pdfCall, p pdfapi.ExtractTextParams) map[string]string {
				return pagesIn("params.pageIndices", c.in.pages, p.PageIndices...)
			},
			func(_ *Server, c *pdfCall, _ pdfapi.ExtractTextParams) pdfOutput {
				return pdfOutput{json: pdfapi.PlatformResponseText{Result: c.in.text}}
			}),
		defineTool("text-box", ex, "extract-text-bounding-boxes", kindPDF, 0,
			func(_ *pdfCall, p pdfapi.TextboxExtractionParams) map[string]string {
				if len(p.Queries) == 0 || slices.ContainsFunc(p.Queries, func(q pdfapi.TextBoxQuery) bool { return q.Text == "" }) {
					return map[string]string{"params.queries": "needs one or more queries with text"}
				}
				return checkRegexQueries(p.Queries)
			},
			func(_ *Server, c *pdfCall, p pdfapi.TextboxExtractionParams) pdfOutput {
				return pdfOutput{json: pdfapi.ExtractTextBoxResponse{Result: textBoxes(c.in.text, p.Queries)}}
			}),

		defineTool("create-fillable-forms", gen, "create-fillable-forms", kindPDF, 0,
			func(_ *pdfCall, p pdfapi.CreateFillableFormsParams) map[string]string {
				if len(p.FormFields) == 0 {
					return map[string]string{"params.formFields": "is required"}
				}
				return nil
			},
			// The output shows the input's text, then one line per field.
			func(s *Server, c *pdfCall, p pdfapi.CreateFillableFormsParams) pdfOutput {
				lines := []string{c.in.text}
				for _, f := range p.FormFields {
					lines = append(lines, fmt.Sprintf("[%s %s]", f.FieldType, f.Name))
				}
				return s.pdfResult(c.in, strings.Join(lines, "\n"))
			}),
		defineTool("fill-forms", gen, "fill-forms", kindPDF, -1,
			func(c *pdfCall, p pdfapi.FormFillParams) map[string]string {
				switch {
				case len(c.req.inputs) == 1 && len(p.Fields) == 0:
					return map[string]string{"params.fields": "is required without a data file"}
				case len(c.req.inputs) == 2 && c.req.inputs[1].kind != kindData && c.req.inputs[1].kind != kindMisc:
					return map[string]string{"files": "takes the PDF, then a CSV, JSON, XFDF or FDF data file"}
				case len(c.req.inputs) > 2:
					return map[string]string{"files": "takes the PDF, then one data file"}
				}
				return nil
			},
			// The output shows the input's text, then "field: value" lines
			// (the data file's content when one was sent).
			func(s *Server, c *pdfCall, p pdfapi.FormFillParams) pdfOutput {
				lines := []string{c.in.text}
				for _, f := range p.Fields {
					lines = append(lines, fmt.Sprintf("%s: %v", f.Field, f.Value))
				}
				if len(c.req.inputs) == 2 {
					lines = append(lines, c.req.inputs[1].text)
				}
				return s.pdfResult(c.in, strings.Join(lines, "\n"))
			}),
	}
}

// rotation is rotate's params as the fake reads them: each page index as
// pageIndex, what Nitro's MCP server sends and its unit test pins
// (node-version/tests/platformHandler.test.ts@2add94d, "rotatePdf"), or as
// page_index, what the assembled reference schema says.
type rotation struct {
	Rotations []struct {
		PageIndex      *int                      `json:"pageIndex"`
		PageIndexSnake *int                      `json:"page_index"`
		Amount         pdfapi.PageRotationAmount `json:"amount"`
	} `json:"rotations"`
}

// samePDFOf adapts a run that ignores its params to a tool's params type.
func samePDFOf[P any](run func(*Server, *pdfCall, any) pdfOutput) func(*Server, *pdfCall, P) pdfOutput {
	return func(s *Server, c *pdfCall, p P) pdfOutput { return run(s, c, p) }
}

// pagesIn checks page indices (0-based) against a document of n pages.
func pagesIn(field string, n int, pages ...int) map[string]string {
	for _, p := range pages {
		if p < 0 || p >= n {
			return map[string]string{field: fmt.Sprintf("page index %d is not in the document's %d pages (0-based)", p, n)}
		}
	}
	return nil
}

// pickTool finds the tool a request asks for: by method, or for
// conversions by params.to and the input's kind.
func pickTool(req *pdfRequest) (*pdfTool, error) {
	if req.endpoint != "/conversions" {
		t := pdfTools[req.endpoint+" "+req.method]
		if t == nil {
			return nil, badPart(req.endpoint, "method", fmt.Sprintf("%q is not a method of %s", req.method, req.endpoint))
		}
		return t, nil
	}
	if req.method != "convert" && req.method != "" {
		return nil, badPart(req.endpoint, "method", fmt.Sprintf("%q is not a method of /conversions (convert, or none)", req.method))
	}
	var p struct {
		To string `json:"to"`
	}
	if len(req.params) == 0 || json.Unmarshal(req.params, &p) != nil {
		return nil, badPart(req.endpoint, "params", "must be a JSON object with to")
	}
	if len(req.inputs) == 0 {
		return nil, badPart(req.endpoint, "file", "is required")
	}
	kind := req.inputs[0].kind
	name := ""
	switch p.To {
	case "pdf":
		switch kind {
		case kindOffice:
			name = "mstopdf"
		case kindImage:
			name = "imgtopdf"
		case kindMisc:
			name = "misctopdf"
		default:
			return nil, statusError(http.StatusUnsupportedMediaType, req.endpoint, "Cannot convert %q (%s) to pdf: send an Office file, a PNG or JPEG image, or HTML, JSON, CSV, XML or EPS", req.inputs[0].name, req.inputs[0].contentType)
		}
	case "pdfa":
		name = "pdfa"
	case "docx", "xlsx", "pptx":
		name = "pdftoms"
	case "png", "jpeg":
		name = "pdftoimg"
	case "":
		return nil, &requestError{unprocessable(req.endpoint, map[string]string{"params.to": "is required"})}
	default:
		return nil, &requestError{unprocessable(req.endpoint, map[string]string{"params.to": fmt.Sprintf("%q is not one of pdf, pdfa, docx, xlsx, pptx, png, jpeg", p.To)})}
	}
	return pdfTools[req.endpoint+" "+name], nil
}

// unprocessable is the 422 for params that decode but break the tool's rules.
func unprocessable(instance string, fields map[string]string) problem {
	p := newProblem(http.StatusUnprocessableEntity, instance, "The parameters are not valid for this tool")
	p.ValidationErrors = fields
	return p
}

func baseName(name string) string {
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	if name == "." || name == "/" || name == "" {
		return "document"
	}
	return strings.TrimSuffix(name, path.Ext(name))
}
