package conformance

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/nitrokit/nitro/pdf"
)

// toolCase is one typed call of package pdf, sent in each of the three
// answer modes: synchronous JSON, synchronous bytes, a job followed to its
// result.
type toolCase struct {
	name string
	// the three modes, each sending a fresh Request
	json, stream, async func(ctx context.Context, r *runner) error
}

// toolOf builds a toolCase from a call (mk makes a fresh Request each time:
// a Request is sent once) and a check of its JSON result.
func toolOf[R any](name string, mk func(r *runner) (pdf.Request[R], error), check func(R) error) toolCase {
	return toolCase{
		name: name,
		json: func(ctx context.Context, r *runner) error {
			req, err := mk(r)
			if err != nil {
				return err
			}
			res, err := req.JSON(ctx)
			if err != nil {
				return err
			}
			return check(res)
		},
		stream: func(ctx context.Context, r *runner) error {
			req, err := mk(r)
			if err != nil {
				return err
			}
			var b bytes.Buffer
			n, err := req.Stream(ctx, &b)
			if err == nil && (n == 0 || n != int64(b.Len())) {
				err = fmt.Errorf("%d bytes (%d written)", n, b.Len())
			}
			return err
		},
		async: func(ctx context.Context, r *runner) error {
			req, err := mk(r)
			if err != nil {
				return err
			}
			job, err := req.Async(ctx)
			if err != nil {
				return err
			}
			ctx, cancel := context.WithTimeout(ctx, r.cfg.JobWait)
			defer cancel()
			res, err := job.Follow(ctx, nil)
			if err != nil {
				return err
			}
			return check(res)
		},
	}
}

// hasFiles checks a file result names its file or files.
func hasFiles(res pdf.FileResult) error {
	files, err := pdf.ResultFiles(res)
	if err != nil {
		return err
	}
	for _, f := range files {
		if f.URL == "" {
			return errors.New("a result file has no URL")
		}
	}
	return nil
}

// decoded accepts any result that decoded: what an extraction finds in
// the suite's small inputs is the service's to say.
func decoded[R any](R) error { return nil }

// call wraps a call without inputs to prepare.
func call[R any](f func(r *runner) pdf.Request[R]) func(r *runner) (pdf.Request[R], error) {
	return func(r *runner) (pdf.Request[R], error) { return f(r), nil }
}

// protected is a PDF Protect made (the Unprotect input), made once.
type protected struct {
	once sync.Once
	b    []byte
	err  error
}

const ownerPassword = "conformance-owner"

func (p *protected) file(ctx context.Context, r *runner) (pdf.File, error) {
	p.once.Do(func() {
		var b bytes.Buffer
		_, p.err = r.pdf.Protect(onePagePDF(), pdf.PDFPasswordProtectionParams{OwnerPassword: ownerPassword, UserPassword: "conformance-user"}).Stream(ctx, &b)
		p.b = b.Bytes()
	})
	if p.err != nil {
		return pdf.File{}, skip("needs a protected PDF, and Protect failed: %v", p.err)
	}
	return fileOf("protected.pdf", "application/pdf", p.b), nil
}

// tools is every typed call, rows 1–30 of docs/pdf-services-tools.md (the
// fill-forms row twice: its two calls).
func tools(ctx context.Context) []toolCase {
	prot := &protected{}
	return []toolCase{
		toolOf("ConvertOfficeToPDF", call(func(r *runner) pdf.Request[pdf.FileResult] {
			return r.pdf.ConvertOfficeToPDF(docxFile(), pdf.ConversionParams{})
		}), hasFiles),
		toolOf("ConvertImageToPDF", call(func(r *runner) pdf.Request[pdf.FileResult] {
			return r.pdf.ConvertImageToPDF(pngFile(), pdf.ConversionParams{})
		}), hasFiles),
		toolOf("ConvertMiscToPDF", call(func(r *runner) pdf.Request[pdf.FileResult] {
			return r.pdf.ConvertMiscToPDF(htmlFile(), pdf.ConversionParams{})
		}), hasFiles),
		toolOf("ConvertToPDFA", call(func(r *runner) pdf.Request[pdf.FileResult] {
			return r.pdf.ConvertToPDFA(onePagePDF(), pdf.ConversionPDFAParams{Conformance: "2b"})
		}), hasFiles),
		toolOf("ConvertPDFToOffice", call(func(r *runner) pdf.Request[pdf.FileResult] {
			return r.pdf.ConvertPDFToOffice(onePagePDF(), pdf.ConversionMSOfficeParams{To: "docx"})
		}), hasFiles),
		toolOf("ConvertPDFToImage", call(func(r *runner) pdf.Request[pdf.FileResult] {
			return r.pdf.ConvertPDFToImage(onePagePDF(), pdf.ConversionImageParams{To: "png"})
		}), hasFiles),
		toolOf("Compress", call(func(r *runner) pdf.Request[pdf.FileResult] {
			return r.pdf.Compress(onePagePDF(), pdf.PDFCompressParams{})
		}), hasFiles),
		toolOf("DeletePages", call(func(r *runner) pdf.Request[pdf.FileResult] {
			return r.pdf.DeletePages(twoPagePDF(), pdf.DeletePagesParams{PageIndices: []int{1}})
		}), hasFiles),
		toolOf("Flatten", call(func(r *runner) pdf.Request[pdf.FileResult] {
			return r.pdf.Flatten(onePagePDF(), pdf.EmptyParams{})
		}), hasFiles),
		toolOf("Merge", call(func(r *runner) pdf.Request[pdf.FileResult] {
			return r.pdf.Merge([]pdf.File{onePagePDF(), twoPagePDF()}, pdf.MergeParams{TableOfContents: &pdf.TableOfContents{Enabled: true}})
		}), hasFiles),
		toolOf("OCR", call(func(r *runner) pdf.Request[pdf.FileResult] {
			return r.pdf.OCR(onePagePDF(), pdf.PDFOCRParams{Language: "english"})
		}), hasFiles),
		toolOf("Optimize", call(func(r *runner) pdf.Request[pdf.FileResult] {
			return r.pdf.Optimize(onePagePDF(), pdf.PDFOptimizeParams{Profile: "web"})
		}), hasFiles),
		toolOf("Protect", call(func(r *runner) pdf.Request[pdf.FileResult] {
			return r.pdf.Protect(onePagePDF(), pdf.PDFPasswordProtectionParams{OwnerPassword: ownerPassword, UserPassword: "conformance-user"})
		}), hasFiles),
		toolOf("Redact", call(func(r *runner) pdf.Request[pdf.FileResult] {
			return r.pdf.Redact(onePagePDF(), pdf.RedactParams{Redactions: []pdf.Redaction{{PageIndex: 0, BoundingBox: []float32{72, 60, 300, 20}, Label: "conformance"}}})
		}), hasFiles),
		toolOf("Rotate", call(func(r *runner) pdf.Request[pdf.FileResult] {
			return r.pdf.Rotate(twoPagePDF(), pdf.Rotation{Rotations: []pdf.PageRotation{{PageIndex: 1, Amount: 90}}})
		}), hasFiles),
		toolOf("SetProperties", call(func(r *runner) pdf.Request[pdf.FileResult] {
			return r.pdf.SetProperties(onePagePDF(), pdf.SetPropertiesParams{Title: "Conformance", Author: "nitro", CreationDate: "D:20240101120000", ModDate: "D:20240102120000", Trapped: "False"})
		}), hasFiles),
		toolOf("Split", call(func(r *runner) pdf.Request[pdf.FileResult] {
			return r.pdf.Split(twoPagePDF(), pdf.SplitParams{PageIndices: [][]int{{0}, {1}}})
		}), hasFiles),
		toolOf("Unprotect", func(r *runner) (pdf.Request[pdf.FileResult], error) {
			f, err := prot.file(ctx, r)
			return r.pdf.Unprotect(f, pdf.UnprotectParams{OwnerPassword: ownerPassword}), err
		}, hasFiles),
		toolOf("Watermark", call(func(r *runner) pdf.Request[pdf.FileResult] {
			half := float32(0.5)
			return r.pdf.Watermark(onePagePDF(), pngFile(), pdf.WatermarkParams{BoundingBox: []float32{72, 72, 64, 64}, Opacity: &half})
		}), hasFiles),
		toolOf("ExtractFillableFormData", call(func(r *runner) pdf.Request[pdf.ExtractFillableFormDataResponse] {
			return r.pdf.ExtractFillableFormData(onePagePDF(), pdf.ExtractFillableFormDataParams{})
		}), decoded),
		toolOf("ExtractExpenseData", call(func(r *runner) pdf.Request[pdf.ExtractExpenseDataResponse] {
			return r.pdf.ExtractExpenseData(onePagePDF(), pdf.EmptyParams{})
		}), decoded),
		toolOf("ExtractForms", call(func(r *runner) pdf.Request[pdf.ExtractFormsResponse] {
			return r.pdf.ExtractForms(onePagePDF(), pdf.ExtractFormsParams{Language: "en"})
		}), decoded),
		toolOf("GetProperties", call(func(r *runner) pdf.Request[pdf.GetPropertiesResponse] {
			return r.pdf.GetProperties(onePagePDF(), pdf.EmptyParams{})
		}), decoded),
		toolOf("ExtractPII", call(func(r *runner) pdf.Request[pdf.PIIExtractionResult] {
			return r.pdf.ExtractPII(onePagePDF(), pdf.PIIBboxExtractionParams{Language: "en"})
		}), decoded),
		toolOf("SmartDetectFormFields", call(func(r *runner) pdf.Request[pdf.SmartDetectFormFieldsResponse] {
			return r.pdf.SmartDetectFormFields(onePagePDF(), pdf.EmptyParams{})
		}), decoded),
		toolOf("ExtractTables", call(func(r *runner) pdf.Request[pdf.ExtractTablesResponse] {
			return r.pdf.ExtractTables(twoPagePDF(), pdf.ExtractTablesParams{PageIndices: []int{0}})
		}), decoded),
		toolOf("ExtractText", call(func(r *runner) pdf.Request[pdf.PlatformResponseText] {
			return r.pdf.ExtractText(onePagePDF(), pdf.ExtractTextParams{})
		}), func(res pdf.PlatformResponseText) error {
			if !strings.Contains(res.Result, "conformance") {
				return fmt.Errorf("the text %q does not show the document's", res.Result)
			}
			return nil
		}),
		toolOf("ExtractTextBoxes", call(func(r *runner) pdf.Request[pdf.ExtractTextBoxResponse] {
			return r.pdf.ExtractTextBoxes(onePagePDF(), pdf.TextboxExtractionParams{Queries: []pdf.TextBoxQuery{{Text: "conformance"}}})
		}), decoded),
		toolOf("CreateFillableForms", call(func(r *runner) pdf.Request[pdf.FileResult] {
			return r.pdf.CreateFillableForms(onePagePDF(), pdf.CreateFillableFormsParams{FormFields: []pdf.FormFieldDetection{
				{Name: "name", FieldType: "TextBox", PageIndex: 0, BoundingBox: []float32{72, 100, 200, 20}}}})
		}), hasFiles),
		toolOf("FillForms", call(func(r *runner) pdf.Request[pdf.FileResult] {
			return r.pdf.FillForms(onePagePDF(), pdf.FormFillParams{Fields: []pdf.FormFieldValue{{Field: "name", Value: "Conformance"}}})
		}), hasFiles),
		toolOf("FillFormsWithData", call(func(r *runner) pdf.Request[pdf.FileResult] {
			return r.pdf.FillFormsWithData(onePagePDF(), formData(), pdf.FormFillParams{})
		}), hasFiles),
	}
}

// pdfScenarios: every tool in every mode.
func pdfScenarios(ctx context.Context) []scenario {
	var out []scenario
	for _, tc := range tools(ctx) {
		out = append(out,
			scenario{"pdf/" + tc.name + ": JSON", tc.json},
			scenario{"pdf/" + tc.name + ": bytes", tc.stream},
			scenario{"pdf/" + tc.name + ": job", tc.async})
	}
	return out
}

// jobScenarios: a job polled, streamed, its result and bytes, resumed by
// its ID alone, and staging.
func jobScenarios() []scenario {
	start := func(ctx context.Context, r *runner) (*pdf.Job[pdf.FileResult], context.Context, context.CancelFunc, error) {
		job, err := r.pdf.Compress(onePagePDF(), pdf.PDFCompressParams{}).Async(ctx)
		if err != nil {
			return nil, nil, nil, err
		}
		ctx, cancel := context.WithTimeout(ctx, r.cfg.JobWait)
		return job, ctx, cancel, nil
	}
	return []scenario{
		{"jobs/poll: Wait, then Result", func(ctx context.Context, r *runner) error {
			job, ctx, cancel, err := start(ctx, r)
			if err != nil {
				return err
			}
			defer cancel()
			res, err := job.Wait(ctx)
			if err != nil {
				return err
			}
			if err := hasFiles(res); err != nil {
				return err
			}
			st, err := job.Status(ctx)
			if err != nil || !st.Done() {
				return fmt.Errorf("the job's status after Wait: %+v, %v", st, err)
			}
			return nil
		}},
		{"jobs/stream: Follow with progress, then Download", func(ctx context.Context, r *runner) error {
			job, ctx, cancel, err := start(ctx, r)
			if err != nil {
				return err
			}
			defer cancel()
			var last float64
			if _, err := job.Follow(ctx, func(p float64) { last = p }); err != nil {
				return err
			}
			if last != 1 {
				return fmt.Errorf("the last progress was %v, not 1", last)
			}
			return downloaded("Download", func(w io.Writer) (int64, error) { return job.Download(ctx, w) })
		}},
		{"jobs/download: FollowDownload, one request for the bytes", func(ctx context.Context, r *runner) error {
			job, ctx, cancel, err := start(ctx, r)
			if err != nil {
				return err
			}
			defer cancel()
			before := r.rec.count()
			if err := downloaded("FollowDownload", func(w io.Writer) (int64, error) { return job.FollowDownload(ctx, w, nil) }); err != nil {
				return err
			}
			if n := r.rec.count() - before; n != 2 {
				return fmt.Errorf("FollowDownload made %d requests, want 2 (the stream, the bytes)", n)
			}
			return nil
		}},
		{"jobs/resume: a job picked up by its ID", func(ctx context.Context, r *runner) error {
			job, ctx, cancel, err := start(ctx, r)
			if err != nil {
				return err
			}
			defer cancel()
			again, err := pdf.ResumeJob[pdf.FileResult](r.pdf, job.ID)
			if err != nil {
				return err
			}
			res, err := again.Wait(ctx)
			if err != nil {
				return err
			}
			return hasFiles(res)
		}},
		{"staging: an input through a pre-signed URL", func(ctx context.Context, r *runner) error {
			staged, err := r.pdf.Stage(ctx, onePagePDF())
			if err != nil {
				return err
			}
			res, err := r.pdf.ExtractText(staged, pdf.ExtractTextParams{}).JSON(ctx)
			if err != nil {
				return err
			}
			if !strings.Contains(res.Result, "conformance") {
				return fmt.Errorf("the staged document's text %q", res.Result)
			}
			return nil
		}},
		{"errors/422: a tool's params it refuses", func(ctx context.Context, r *runner) error {
			_, err := r.pdf.Optimize(onePagePDF(), pdf.PDFOptimizeParams{}).JSON(ctx)
			var apiErr interface{ Error() string }
			if err == nil {
				return errors.New("optimize without a profile was accepted")
			}
			apiErr = err
			r.found("PDF params refused", "%s", firstLine(apiErr.Error()))
			return nil
		}},
	}
}
