package pdf_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nitrokit/nitro/gen/pdfapi"
	"github.com/nitrokit/nitro/nitrotest"
	"github.com/nitrokit/nitro/pdf"
)

// docText is what the test input PDFs show; the fake's outputs and
// extractions are read from it.
const docText = "ACME Invoice 42, alice@example.com"

const (
	docx    = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	pdfType = "application/pdf"
)

// The fake's operation for each endpoint, as Stats counts them.
var opOf = map[string]string{
	"/conversions":     "ConvertDocument",
	"/transformations": "TransformDocument",
	"/extractions":     "ExtractFromDocument",
	"/generations":     "GenerateDocument",
}

// toolCase is one typed call and what the fake must answer it.
type toolCase struct {
	name, path, method, to string
	// magic starts every output file ("" for an extraction, whose answer
	// is JSON); many: several files (Stream answers a ZIP of them).
	magic string
	many  bool
	// shows is text each output file must contain (for a PDF, a string it
	// shows); for an extraction, text its JSON result must contain.
	shows string
	run   func(t *testing.T, e *env, tc toolCase, follow bool)
}

// env is the fake and a client on it.
type env struct {
	srv  *nitrotest.Server
	c    *pdf.Client
	hook *streamHook
}

func doc() pdf.File { return bytesFile("doc.pdf", pdfType, pagedPDF(docText, 3)) }

// newCase builds a toolCase for a call whose Request mk makes afresh (the
// files' bodies are read once per mode), and check, which checks the
// synchronous JSON answer's content.
func newCase[R any](tc toolCase, mk func(c *pdf.Client) pdf.Request[R], check func(t *testing.T, r R)) toolCase {
	tc.run = func(t *testing.T, e *env, tc toolCase, follow bool) {
		ctx := context.Background()
		before := e.srv.Stats().Operations[opOf[tc.path]]

		// Synchronous JSON.
		sync, err := mk(e.c).JSON(ctx)
		if err != nil {
			t.Fatalf("JSON: %v", err)
		}
		if reflect.ValueOf(sync).IsZero() {
			t.Fatalf("JSON: a zero %T", sync)
		}
		if check != nil {
			check(t, sync)
		}
		fr, isFile := any(sync).(pdf.FileResult)
		if isFile {
			files, err := pdf.ResultFiles(fr)
			if err != nil || (len(files) > 1) != tc.many {
				t.Fatalf("JSON: files %+v, %v (many: %v)", files, err, tc.many)
			}
			for _, f := range files {
				b := fetch(t, f.URL)
				if int64(len(b)) != f.Metadata.FileSizeBytes {
					t.Errorf("JSON: %s is %d bytes, its metadata says %d", f.URL, len(b), f.Metadata.FileSizeBytes)
				}
				checkOutput(t, "JSON: "+f.URL, b, tc)
			}
		} else {
			b, _ := json.Marshal(sync)
			if !bytes.Contains(b, []byte(tc.shows)) {
				t.Errorf("JSON: %s lacks %q", b, tc.shows)
			}
		}

		// Synchronous bytes.
		var streamed bytes.Buffer
		n, err := mk(e.c).Stream(ctx, &streamed)
		if err != nil || n != int64(streamed.Len()) {
			t.Fatalf("Stream: %d (%d), %v", n, streamed.Len(), err)
		}
		switch {
		case !isFile: // an extraction's JSON, as itself
			var r R
			if err := json.Unmarshal(streamed.Bytes(), &r); err != nil || !sameJSON(t, r, sync) {
				t.Errorf("Stream: %s, want the JSON answer %+v (%v)", streamed.Bytes(), sync, err)
			}
		case tc.many:
			zr, err := zip.NewReader(bytes.NewReader(streamed.Bytes()), int64(streamed.Len()))
			if err != nil || len(zr.File) < 2 {
				t.Fatalf("Stream: not a ZIP of several files: %v", err)
			}
			for _, zf := range zr.File {
				rc, err := zf.Open()
				if err != nil {
					t.Fatal(err)
				}
				var b bytes.Buffer
				_, err = b.ReadFrom(rc)
				rc.Close()
				if err != nil {
					t.Fatal(err)
				}
				checkOutput(t, "Stream: "+zf.Name, b.Bytes(), tc)
			}
		default:
			checkOutput(t, "Stream", streamed.Bytes(), tc)
		}

		// A job: polled (Wait) or followed over SSE (Follow), completed on
		// the fake by its hook while the client watches it.
		job, err := mk(e.c).Async(ctx)
		if err != nil {
			t.Fatalf("Async: %v", err)
		}
		var got R
		if follow {
			var progress []float64
			e.hook.set(func(id string) {
				if err := e.srv.CompleteJob(id); err != nil {
					t.Error(err)
				}
			})
			got, err = job.Follow(ctx, func(p float64) { progress = append(progress, p) })
			e.hook.set(nil)
			if err == nil && !slices.Equal(progress, []float64{1}) {
				t.Errorf("Follow: progress %v, want [1]", progress)
			}
		} else {
			polls := 0
			pdf.SetSleep(e.c, func(ctx context.Context, _ time.Duration) error {
				polls++
				if err := e.srv.CompleteJob(job.ID); err != nil {
					t.Error(err)
				}
				return ctx.Err()
			})
			got, err = job.Wait(ctx)
			if err == nil && polls != 1 {
				t.Errorf("Wait: %d polls, want 1", polls)
			}
		}
		if err != nil {
			t.Fatalf("Async (follow: %v): %v", follow, err)
		}
		if isFile {
			// Its file URLs are its own; its files are the synchronous ones.
			jf, err := pdf.ResultFiles(any(got).(pdf.FileResult))
			sf, _ := pdf.ResultFiles(fr)
			if err != nil || len(jf) != len(sf) || jf[0].ContentType != sf[0].ContentType || jf[0].Metadata != sf[0].Metadata {
				t.Errorf("job files %+v (%v), want like %+v", jf, err, sf)
			}
		} else if !sameJSON(t, got, sync) {
			t.Errorf("job result %+v, want the synchronous %+v", got, sync)
		}
		var downloaded bytes.Buffer
		if _, err := job.Download(ctx, &downloaded); err != nil || !bytes.Equal(downloaded.Bytes(), streamed.Bytes()) {
			t.Errorf("Download: %d bytes (%v), want the %d streamed", downloaded.Len(), err, streamed.Len())
		}

		// The same job, picked up by its ID alone (as another replica
		// would): ResumeJob knows every tool's result type.
		resumed, err := pdf.ResumeJob[R](e.c, job.ID)
		if err != nil {
			t.Fatalf("ResumeJob: %v", err)
		}
		if again, err := resumed.Result(ctx); err != nil || !sameJSON(t, again, got) {
			t.Errorf("resumed Result: %+v, %v; want %+v", again, err, got)
		}
		downloaded.Reset()
		if _, err := resumed.Download(ctx, &downloaded); err != nil || !bytes.Equal(downloaded.Bytes(), streamed.Bytes()) {
			t.Errorf("resumed Download: %d bytes (%v), want the %d streamed", downloaded.Len(), err, streamed.Len())
		}

		if after := e.srv.Stats().Operations[opOf[tc.path]]; after-before != 3 {
			t.Errorf("the fake saw %d %s requests, want 3 (JSON, Stream, Async)", after-before, opOf[tc.path])
		}
	}
	return tc
}

// checkOutput checks one output file: its magic, and the text it shows.
func checkOutput(t *testing.T, what string, b []byte, tc toolCase) {
	t.Helper()
	if !bytes.HasPrefix(b, []byte(tc.magic)) {
		t.Errorf("%s: %.20q, want it to start with %q", what, b, tc.magic)
	}
	if tc.shows != "" && !bytes.Contains(b, []byte(tc.shows)) {
		t.Errorf("%s: does not show %q", what, tc.shows)
	}
}

// wants fails unless r, as JSON, holds each of want.
func wants[R any](want ...string) func(t *testing.T, r R) {
	return func(t *testing.T, r R) {
		t.Helper()
		b, _ := json.Marshal(r)
		for _, w := range want {
			if !strings.Contains(string(b), w) {
				t.Errorf("%s lacks %s", b, w)
			}
		}
	}
}

// allTools is every typed call: the 30 tools of docs/pdf-services-tools.md
// (fill-forms twice: with field values and with a data file).
func allTools() []toolCase {
	const pdfMagic = "%PDF-"
	shown := "(" + docText + ")" // the input's text, as a PDF shows it
	file := func(name, path, method, to string) toolCase {
		return toolCase{name: name, path: path, method: method, to: to, magic: pdfMagic, shows: shown}
	}
	ext := func(name, method, shows string) toolCase {
		return toolCase{name: name, path: "/extractions", method: method, shows: shows}
	}
	with := func(tc toolCase, f func(*toolCase)) toolCase { f(&tc); return tc }
	png := pagePNG()
	return []toolCase{
		newCase(with(file("ConvertOfficeToPDF", "/conversions", "convert", "pdf"), func(tc *toolCase) { tc.shows = "(letter.docx)" }),
			func(c *pdf.Client) pdf.Request[pdf.FileResult] {
				return c.ConvertOfficeToPDF(bytesFile("letter.docx", docx, []byte("PK\x03\x04 a docx")), pdf.ConversionParams{})
			}, nil),
		newCase(with(file("ConvertImageToPDF", "/conversions", "convert", "pdf"), func(tc *toolCase) { tc.shows = "(scan.png)" }),
			func(c *pdf.Client) pdf.Request[pdf.FileResult] {
				return c.ConvertImageToPDF(bytesFile("scan.png", "image/png", png), pdf.ConversionParams{})
			}, nil),
		newCase(with(file("ConvertMiscToPDF", "/conversions", "convert", "pdf"), func(tc *toolCase) { tc.shows = "(<p>Hello</p>)" }),
			func(c *pdf.Client) pdf.Request[pdf.FileResult] {
				return c.ConvertMiscToPDF(bytesFile("page.html", "text/html", []byte("<p>Hello</p>")), pdf.ConversionParams{To: "pdf"})
			}, nil),
		newCase(file("ConvertToPDFA", "/conversions", "convert", "pdfa"), func(c *pdf.Client) pdf.Request[pdf.FileResult] {
			return c.ConvertToPDFA(doc(), pdf.ConversionPDFAParams{Conformance: "2b"})
		}, nil),
		newCase(with(file("ConvertPDFToOffice", "/conversions", "convert", "docx"), func(tc *toolCase) { tc.magic, tc.shows = "PK\x03\x04", "<w:t>"+docText+"</w:t>" }),
			func(c *pdf.Client) pdf.Request[pdf.FileResult] {
				return c.ConvertPDFToOffice(doc(), pdf.ConversionMSOfficeParams{To: "docx"})
			}, wants[pdf.FileResult](docx)),
		newCase(with(file("ConvertPDFToImage", "/conversions", "convert", "png"), func(tc *toolCase) { tc.magic, tc.shows, tc.many = "\x89PNG", "", true }),
			func(c *pdf.Client) pdf.Request[pdf.FileResult] {
				return c.ConvertPDFToImage(doc(), pdf.ConversionImageParams{To: "png"})
			}, wants[pdf.FileResult]("image/png")),

		newCase(file("Compress", "/transformations", "compress", ""), func(c *pdf.Client) pdf.Request[pdf.FileResult] {
			return c.Compress(doc(), pdf.PDFCompressParams{})
		}, nil),
		newCase(file("DeletePages", "/transformations", "delete-pages", ""), func(c *pdf.Client) pdf.Request[pdf.FileResult] {
			return c.DeletePages(doc(), pdf.DeletePagesParams{PageIndices: []int{0}})
		}, nil),
		newCase(file("Flatten", "/transformations", "flatten", ""), func(c *pdf.Client) pdf.Request[pdf.FileResult] {
			return c.Flatten(doc(), pdf.EmptyParams{})
		}, nil),
		newCase(with(file("Merge", "/transformations", "merge", ""), func(tc *toolCase) { tc.shows = "(A\nB\nC)" }),
			func(c *pdf.Client) pdf.Request[pdf.FileResult] {
				return c.Merge([]pdf.File{textPDF("a.pdf", "A"), textPDF("b.pdf", "B"), textPDF("c.pdf", "C")}, pdf.MergeParams{})
			}, nil),
		newCase(file("OCR", "/transformations", "ocr", ""), func(c *pdf.Client) pdf.Request[pdf.FileResult] {
			return c.OCR(doc(), pdf.PDFOCRParams{PageIndices: []int{0, 2}})
		}, nil),
		newCase(file("Optimize", "/transformations", "optimize", ""), func(c *pdf.Client) pdf.Request[pdf.FileResult] {
			return c.Optimize(doc(), pdf.PDFOptimizeParams{Profile: "web"})
		}, nil),
		newCase(file("Protect", "/transformations", "protect", ""), func(c *pdf.Client) pdf.Request[pdf.FileResult] {
			return c.Protect(doc(), pdf.PDFPasswordProtectionParams{UserPassword: "u"})
		}, nil),
		newCase(with(file("Redact", "/transformations", "redact", ""), func(tc *toolCase) { tc.shows = "([redacted])" }),
			func(c *pdf.Client) pdf.Request[pdf.FileResult] {
				return c.Redact(doc(), pdf.RedactParams{Redactions: []pdfapi.Redaction{{PageIndex: 0, BoundingBox: []float32{0, 0, 10, 10}}}})
			}, nil),
		newCase(file("Rotate", "/transformations", "rotate", ""), func(c *pdf.Client) pdf.Request[pdf.FileResult] {
			return c.Rotate(doc(), pdf.Rotation{Rotations: []pdfapi.PageRotation{{PageIndex: 2, Amount: 90}}})
		}, nil),
		newCase(file("SetProperties", "/transformations", "set-properties", ""), func(c *pdf.Client) pdf.Request[pdf.FileResult] {
			return c.SetProperties(doc(), pdf.SetPropertiesParams{Title: "T"})
		}, nil),
		newCase(with(file("Split", "/transformations", "split", ""), func(tc *toolCase) { tc.many = true }),
			func(c *pdf.Client) pdf.Request[pdf.FileResult] {
				return c.Split(doc(), pdf.SplitParams{PageIndices: [][]int{{0}, {1, 2}}})
			}, nil),
		newCase(file("Unprotect", "/transformations", "unprotect", ""), func(c *pdf.Client) pdf.Request[pdf.FileResult] {
			return c.Unprotect(doc(), pdf.UnprotectParams{})
		}, nil),
		newCase(file("Watermark", "/transformations", "watermark", ""), func(c *pdf.Client) pdf.Request[pdf.FileResult] {
			return c.Watermark(doc(), bytesFile("mark.png", "image/png", png), pdf.WatermarkParams{})
		}, nil),

		newCase(ext("ExtractFillableFormData", "extract-fillable-form-data", `"value":"`+docText+`"`), func(c *pdf.Client) pdf.Request[pdf.ExtractFillableFormDataResponse] {
			return c.ExtractFillableFormData(doc(), pdf.ExtractFillableFormDataParams{})
		}, func(t *testing.T, r pdf.ExtractFillableFormDataResponse) {
			if len(r.FormFields) != 1 || r.FormFields[0].Value != docText {
				t.Errorf("form fields %+v", r.FormFields)
			}
		}),
		newCase(ext("ExtractExpenseData", "extract-invoices", docText), func(c *pdf.Client) pdf.Request[pdf.ExtractExpenseDataResponse] {
			return c.ExtractExpenseData(doc(), pdf.EmptyParams{})
		}, func(t *testing.T, r pdf.ExtractExpenseDataResponse) {
			if r.Result.VendorName != docText || r.Result.InvoiceNumber != "doc" {
				t.Errorf("expense data %+v", r.Result)
			}
		}),
		newCase(ext("ExtractForms", "extract-forms", docText), func(c *pdf.Client) pdf.Request[pdf.ExtractFormsResponse] {
			return c.ExtractForms(doc(), pdf.ExtractFormsParams{})
		}, func(t *testing.T, r pdf.ExtractFormsResponse) {
			if len(r.Result.Fields) != 1 || r.Result.Fields[0].Value != docText {
				t.Errorf("forms %+v", r.Result)
			}
		}),
		newCase(ext("GetProperties", "get-properties", `"title":"doc"`), func(c *pdf.Client) pdf.Request[pdf.GetPropertiesResponse] {
			return c.GetProperties(doc(), pdf.EmptyParams{})
		}, func(t *testing.T, r pdf.GetPropertiesResponse) {
			if r.Result.Title != "doc" {
				t.Errorf("properties %+v", r.Result)
			}
		}),
		newCase(ext("ExtractPII", "extract-pii-bounding-boxes", "alice@example.com"), func(c *pdf.Client) pdf.Request[pdf.PIIExtractionResult] {
			return c.ExtractPII(doc(), pdf.PIIBboxExtractionParams{})
		}, func(t *testing.T, r pdf.PIIExtractionResult) {
			if len(r.Result.PIIBoxes) != 1 || r.Result.PIIBoxes[0].Text != "alice@example.com" || r.Result.PIIBoxes[0].PIIType != "EMAIL" {
				t.Errorf("PII %+v", r.Result)
			}
		}),
		newCase(ext("SmartDetectFormFields", "smart-detect-form-fields", `"formFields":[{`), func(c *pdf.Client) pdf.Request[pdf.SmartDetectFormFieldsResponse] {
			return c.SmartDetectFormFields(doc(), pdf.EmptyParams{})
		}, nil),
		newCase(ext("ExtractTables", "extract-tables", "Invoice"), func(c *pdf.Client) pdf.Request[pdf.ExtractTablesResponse] {
			return c.ExtractTables(doc(), pdf.ExtractTablesParams{})
		}, func(t *testing.T, r pdf.ExtractTablesResponse) {
			if len(r.Result.Tables) != 1 {
				t.Errorf("tables %+v", r.Result)
			}
		}),
		newCase(ext("ExtractText", "extract-text", docText), func(c *pdf.Client) pdf.Request[pdf.PlatformResponseText] {
			return c.ExtractText(doc(), pdf.ExtractTextParams{})
		}, func(t *testing.T, r pdf.PlatformResponseText) {
			if r.Result != docText {
				t.Errorf("text %q, want %q", r.Result, docText)
			}
		}),
		newCase(ext("ExtractTextBoxes", "extract-text-bounding-boxes", "Invoice"), func(c *pdf.Client) pdf.Request[pdf.ExtractTextBoxResponse] {
			return c.ExtractTextBoxes(doc(), pdf.TextboxExtractionParams{Queries: []pdfapi.TextBoxQuery{{Text: "Invoice"}}})
		}, func(t *testing.T, r pdf.ExtractTextBoxResponse) {
			if len(r.Result.TextBoxes) != 1 {
				t.Errorf("text boxes %+v", r.Result)
			}
		}),

		newCase(with(file("CreateFillableForms", "/generations", "create-fillable-forms", ""), func(tc *toolCase) { tc.shows = "(" + docText + "\n[TextBox name])" }),
			func(c *pdf.Client) pdf.Request[pdf.FileResult] {
				return c.CreateFillableForms(doc(), pdf.CreateFillableFormsParams{FormFields: []pdfapi.FormFieldDetection{{Name: "name", FieldType: "TextBox", BoundingBox: []float32{1, 2, 3, 4}}}})
			}, nil),
		newCase(with(file("FillForms", "/generations", "fill-forms", ""), func(tc *toolCase) { tc.shows = "(" + docText + "\nname: Alice)" }),
			func(c *pdf.Client) pdf.Request[pdf.FileResult] {
				return c.FillForms(doc(), pdf.FormFillParams{Fields: []pdfapi.FormFieldValue{{Field: "name", Value: "Alice"}}})
			}, nil),
		newCase(with(file("FillFormsWithData", "/generations", "fill-forms", ""), func(tc *toolCase) { tc.shows = "(" + docText + "\nname,Bob)" }),
			func(c *pdf.Client) pdf.Request[pdf.FileResult] {
				return c.FillFormsWithData(doc(), bytesFile("data.csv", "text/csv", []byte("name,Bob\n")), pdf.FormFillParams{})
			}, nil),
	}
}

// TestEveryToolInEveryMode sends every typed call to nitrotest's fake in
// all three modes (the job alternately polled and followed over SSE) and
// checks the answers' content: the files are real (PDF, PNG, Office, ZIP)
// and show the input's text as the tool treats it, extractions read it,
// Stream's bytes are the JSON answer's files, and the job's result is the
// synchronous one.
func TestEveryToolInEveryMode(t *testing.T) {
	cases := allTools()
	if len(cases) != 31 {
		t.Fatalf("%d calls, want 30 tools + FillFormsWithData", len(cases))
	}
	// Jobs run until the fake's hook completes them: once the client has
	// read the status (polled) or opened the status stream (followed).
	srv, _, c, hook := onFakeStreams(t, nitrotest.WithJobDuration(-1))
	e := &env{srv: srv, c: c, hook: hook}
	want := map[string]int{}
	for i, tc := range cases {
		follow := i%2 == 1
		mode := "wait"
		if follow {
			mode = "follow"
		}
		want[opOf[tc.path]] += 3
		t.Run(tc.name+"/"+mode, func(t *testing.T) { tc.run(t, e, tc, follow) })
	}
	st := srv.Stats()
	got := maps.Clone(st.Operations)
	for op := range got {
		if _, ok := want[op]; !ok {
			delete(got, op)
		}
	}
	if !maps.Equal(got, want) || st.TokenRequests != 1 {
		t.Fatalf("the fake saw %v and %d token requests, want %v and 1", st.Operations, st.TokenRequests, want)
	}
}

var pngOnce = sync.OnceValue(func() []byte {
	var b bytes.Buffer
	_ = pngEncode(&b)
	return b.Bytes()
})

func pagePNG() []byte { return pngOnce() }
