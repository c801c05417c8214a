package pdf_test

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/nitrokit/nitro/pdf"
)

// toolCase is one typed call, with what the wire must carry for it.
type toolCase struct {
	name, path, method, to string
	parts                  []string // "part:filename:type:bytes" as the fake records them
	run                    func(t *testing.T, c *pdf.Client, f *fake, async string)
}

// newCase builds a toolCase for a call whose Request mk makes afresh (the
// files' bodies are read once per mode).
func newCase[R any](name, path, method, to string, parts []pdf.File, mk func(c *pdf.Client) pdf.Request[R]) toolCase {
	var want []string
	for _, p := range parts {
		part := "file"
		if len(parts) > 1 || name == "Merge" {
			part = "files"
		}
		want = append(want, part+":"+p.Name+":"+p.ContentType+":"+strconv.FormatInt(p.Size, 10))
	}
	return toolCase{name: name, path: path, method: method, to: to, parts: want, run: func(t *testing.T, c *pdf.Client, f *fake, async string) {
		ctx := context.Background()
		sync, err := mk(c).JSON(ctx)
		if err != nil {
			t.Fatalf("JSON: %v", err)
		}
		if reflect.ValueOf(sync).IsZero() {
			t.Fatalf("JSON: a zero %T", sync)
		}
		checkPost(t, f.last(), name, path, method, to, want, "application/json", "")

		var buf bytes.Buffer
		n, err := mk(c).Stream(ctx, &buf)
		if err != nil || n != int64(buf.Len()) || buf.String() != contentFor(method, to) {
			t.Fatalf("Stream: %d, %q, %v; want %q", n, buf.String(), err, contentFor(method, to))
		}
		checkPost(t, f.last(), name, path, method, to, want, "application/octet-stream", "")

		job, err := mk(c).Async(ctx)
		if err != nil {
			t.Fatalf("Async: %v", err)
		}
		checkPost(t, f.last(), name, path, method, to, want, "application/json", "respond-async")
		var got R
		if async == "wait" {
			got, err = job.Wait(ctx)
		} else {
			got, err = job.Follow(ctx, nil)
		}
		if err != nil {
			t.Fatalf("Async %s: %v", async, err)
		}
		// The job's result is the sync result's `result` member: decoded,
		// it must be the same value.
		if !sameJSON(t, got, sync) {
			t.Fatalf("Async %s: %+v, want the sync result %+v", async, got, sync)
		}
		buf.Reset()
		if _, err := job.Download(ctx, &buf); err != nil || buf.String() != contentFor(method, to) {
			t.Fatalf("Download: %q, %v", buf.String(), err)
		}
	}}
}

func sameJSON(t *testing.T, a, b any) bool {
	t.Helper()
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	return bytes.Equal(x, y)
}

func checkPost(t *testing.T, p posted, name, path, method, to string, parts []string, accept, prefer string) {
	t.Helper()
	var params struct{ To string }
	if err := json.Unmarshal(p.params, &params); err != nil {
		t.Fatalf("%s: params %s: %v", name, p.params, err)
	}
	switch {
	case p.path != path, p.method != method, params.To != to:
		t.Fatalf("%s: sent %s method=%q to=%q, want %s %q %q", name, p.path, p.method, params.To, path, method, to)
	case !slices.Equal(p.parts, parts):
		t.Fatalf("%s: parts %q, want %q", name, p.parts, parts)
	case p.accept != accept, p.prefer != prefer:
		t.Fatalf("%s: Accept %q Prefer %q, want %q %q", name, p.accept, p.prefer, accept, prefer)
	}
}

func contentFor(method, to string) string { return content(method, to) }

// file makes a named input of a content type.
func file(name, ct string) pdf.File {
	body := "input " + name
	return pdf.File{Name: name, ContentType: ct, Body: strings.NewReader(body), Size: int64(len(body))}
}

const (
	docx    = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	pdfType = "application/pdf"
)

// allTools is every typed call: the 30 tools of docs/pdf-services-tools.md
// (fill-forms twice: with field values and with a data file).
func allTools() []toolCase {
	in := func() pdf.File { return file("in.pdf", pdfType) }
	one := []pdf.File{in()}
	return []toolCase{
		newCase("ConvertOfficeToPDF", "/conversions", "convert", "pdf", []pdf.File{file("a.docx", docx)}, func(c *pdf.Client) pdf.Request[pdf.FileResult] {
			return c.ConvertOfficeToPDF(file("a.docx", docx), pdf.ConversionParams{})
		}),
		newCase("ConvertImageToPDF", "/conversions", "convert", "pdf", []pdf.File{file("a.png", "image/png")}, func(c *pdf.Client) pdf.Request[pdf.FileResult] {
			return c.ConvertImageToPDF(file("a.png", "image/png"), pdf.ConversionParams{})
		}),
		newCase("ConvertMiscToPDF", "/conversions", "convert", "pdf", []pdf.File{file("a.html", "text/html")}, func(c *pdf.Client) pdf.Request[pdf.FileResult] {
			return c.ConvertMiscToPDF(file("a.html", "text/html"), pdf.ConversionParams{To: "pdf"})
		}),
		newCase("ConvertToPDFA", "/conversions", "convert", "pdfa", one, func(c *pdf.Client) pdf.Request[pdf.FileResult] {
			return c.ConvertToPDFA(in(), pdf.ConversionPDFAParams{Conformance: "2b"})
		}),
		newCase("ConvertPDFToOffice", "/conversions", "convert", "docx", one, func(c *pdf.Client) pdf.Request[pdf.FileResult] {
			return c.ConvertPDFToOffice(in(), pdf.ConversionMSOfficeParams{To: "docx"})
		}),
		newCase("ConvertPDFToImage", "/conversions", "convert", "png", one, func(c *pdf.Client) pdf.Request[pdf.FileResult] {
			return c.ConvertPDFToImage(in(), pdf.ConversionImageParams{To: "png"})
		}),
		newCase("Compress", "/transformations", "compress", "", one, func(c *pdf.Client) pdf.Request[pdf.FileResult] {
			return c.Compress(in(), nil)
		}),
		newCase("DeletePages", "/transformations", "delete-pages", "", one, func(c *pdf.Client) pdf.Request[pdf.FileResult] {
			return c.DeletePages(in(), pdf.DeletePagesParams{PageIndices: []int{0}})
		}),
		newCase("Flatten", "/transformations", "flatten", "", one, func(c *pdf.Client) pdf.Request[pdf.FileResult] {
			return c.Flatten(in(), nil)
		}),
		newCase("Merge", "/transformations", "merge", "", []pdf.File{file("a.pdf", pdfType), file("b.pdf", pdfType), file("c.pdf", pdfType)}, func(c *pdf.Client) pdf.Request[pdf.FileResult] {
			return c.Merge([]pdf.File{file("a.pdf", pdfType), file("b.pdf", pdfType), file("c.pdf", pdfType)}, nil)
		}),
		newCase("OCR", "/transformations", "ocr", "", one, func(c *pdf.Client) pdf.Request[pdf.FileResult] {
			return c.OCR(in(), pdf.PDFOCRParams{})
		}),
		newCase("Optimize", "/transformations", "optimize", "", one, func(c *pdf.Client) pdf.Request[pdf.FileResult] {
			return c.Optimize(in(), pdf.PDFOptimizeParams{})
		}),
		newCase("Protect", "/transformations", "protect", "", one, func(c *pdf.Client) pdf.Request[pdf.FileResult] {
			return c.Protect(in(), pdf.PDFPasswordProtectionParams{})
		}),
		newCase("Redact", "/transformations", "redact", "", one, func(c *pdf.Client) pdf.Request[pdf.FileResult] {
			return c.Redact(in(), pdf.RedactParams{})
		}),
		newCase("Rotate", "/transformations", "rotate", "", one, func(c *pdf.Client) pdf.Request[pdf.FileResult] {
			return c.Rotate(in(), pdf.Rotation{})
		}),
		newCase("SetProperties", "/transformations", "set-properties", "", one, func(c *pdf.Client) pdf.Request[pdf.FileResult] {
			return c.SetProperties(in(), pdf.SetPropertiesParams{})
		}),
		newCase("Split", "/transformations", "split", "", one, func(c *pdf.Client) pdf.Request[pdf.FileResult] {
			return c.Split(in(), pdf.SplitParams{})
		}),
		newCase("Unprotect", "/transformations", "unprotect", "", one, func(c *pdf.Client) pdf.Request[pdf.FileResult] {
			return c.Unprotect(in(), pdf.UnprotectParams{})
		}),
		newCase("Watermark", "/transformations", "watermark", "", []pdf.File{in(), file("mark.png", "image/png")}, func(c *pdf.Client) pdf.Request[pdf.FileResult] {
			return c.Watermark(in(), file("mark.png", "image/png"), pdf.WatermarkParams{})
		}),
		newCase("ExtractFillableFormData", "/extractions", "extract-fillable-form-data", "", one, func(c *pdf.Client) pdf.Request[pdf.ExtractFillableFormDataResponse] {
			return c.ExtractFillableFormData(in(), pdf.ExtractFillableFormDataParams{})
		}),
		newCase("ExtractExpenseData", "/extractions", "extract-expense-data", "", one, func(c *pdf.Client) pdf.Request[pdf.ExtractExpenseDataResponse] {
			return c.ExtractExpenseData(in(), nil)
		}),
		newCase("ExtractForms", "/extractions", "extract-forms", "", one, func(c *pdf.Client) pdf.Request[pdf.ExtractFormsResponse] {
			return c.ExtractForms(in(), nil)
		}),
		newCase("GetProperties", "/extractions", "get-properties", "", one, func(c *pdf.Client) pdf.Request[pdf.GetPropertiesResponse] {
			return c.GetProperties(in(), nil)
		}),
		newCase("ExtractPII", "/extractions", "extract-pii-bounding-boxes", "", one, func(c *pdf.Client) pdf.Request[pdf.PIIExtractionResult] {
			return c.ExtractPII(in(), pdf.PIIBboxExtractionParams{})
		}),
		newCase("SmartDetectFormFields", "/extractions", "smart-detect-form-fields", "", one, func(c *pdf.Client) pdf.Request[pdf.SmartDetectFormFieldsResponse] {
			return c.SmartDetectFormFields(in(), nil)
		}),
		newCase("ExtractTables", "/extractions", "extract-tables", "", one, func(c *pdf.Client) pdf.Request[pdf.ExtractTablesResponse] {
			return c.ExtractTables(in(), nil)
		}),
		newCase("ExtractText", "/extractions", "extract-text", "", one, func(c *pdf.Client) pdf.Request[pdf.PlatformResponseText] {
			return c.ExtractText(in(), pdf.ExtractTextParams{})
		}),
		newCase("ExtractTextBoxes", "/extractions", "extract-text-bounding-boxes", "", one, func(c *pdf.Client) pdf.Request[pdf.ExtractTextBoxResponse] {
			return c.ExtractTextBoxes(in(), pdf.TextboxExtractionParams{})
		}),
		newCase("CreateFillableForms", "/generations", "create-fillable-forms", "", one, func(c *pdf.Client) pdf.Request[pdf.FileResult] {
			return c.CreateFillableForms(in(), pdf.CreateFillableFormsParams{})
		}),
		newCase("FillForms", "/generations", "fill-forms", "", one, func(c *pdf.Client) pdf.Request[pdf.FileResult] {
			return c.FillForms(in(), pdf.FormFillParams{})
		}),
		newCase("FillFormsWithData", "/generations", "fill-forms", "", []pdf.File{in(), file("data.csv", "text/csv")}, func(c *pdf.Client) pdf.Request[pdf.FileResult] {
			return c.FillFormsWithData(in(), file("data.csv", "text/csv"), pdf.FormFillParams{})
		}),
	}
}

// TestEveryToolInEveryMode sends every typed call in all three modes (the
// job once polled, once followed over SSE, alternately) and checks what
// reached the wire: endpoint, method, params.to, the file parts in order,
// Accept and Prefer; and that each mode's answer decodes.
func TestEveryToolInEveryMode(t *testing.T) {
	cases := allTools()
	if len(cases) != 31 {
		t.Fatalf("%d calls, want 30 tools + FillFormsWithData", len(cases))
	}
	f := newFake(t)
	c, _ := f.client()
	for i, tc := range cases {
		async := "wait"
		if i%2 == 1 {
			async = "follow"
		}
		t.Run(tc.name+"/"+async, func(t *testing.T) { tc.run(t, c, f, async) })
	}
}
