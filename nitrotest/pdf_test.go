package nitrotest_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/nitrokit/nitro/gen/pdfapi"
	"github.com/nitrokit/nitro/nitrotest"
)

const (
	docText = "ACME Invoice 42, alice@example.com"
	docxCT  = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
)

// toolCase is one tool of docs/pdf-services-tools.md and what it answers.
type toolCase struct {
	tool, endpoint, method, params string
	files                          func(t *testing.T) []part // nil: the 3-page docText PDF
	// fileType and magic describe each output file; "" for an
	// extraction's JSON, whose synchronous body contains want.
	fileType, magic, want string
	many                  bool // several files (binary: a ZIP)
}

func pdfFile(t *testing.T) []part {
	return []part{filePart("file", "doc.pdf", "application/pdf", pagedPDF(docText, 3))}
}

var toolCases = []toolCase{
	{tool: "mstopdf", endpoint: "/conversions", method: "convert", params: `{"to":"pdf"}`, fileType: "application/pdf", magic: "%PDF-",
		files: func(*testing.T) []part {
			return []part{filePart("file", "letter.docx", docxCT, []byte("PK\x03\x04 a docx"))}
		}},
	{tool: "imgtopdf", endpoint: "/conversions", method: "convert", params: `{"to":"pdf"}`, fileType: "application/pdf", magic: "%PDF-",
		files: func(t *testing.T) []part { return []part{filePart("file", "scan.png", "image/png", inputPNG(t))} }},
	{tool: "misctopdf", endpoint: "/conversions", method: "convert", params: `{"to":"pdf"}`, fileType: "application/pdf", magic: "%PDF-",
		files: func(*testing.T) []part {
			return []part{filePart("file", "page.html", "text/html", []byte("<p>Hello</p>"))}
		}},
	{tool: "pdfa", endpoint: "/conversions", method: "convert", params: `{"to":"pdfa","conformance":"2b"}`, fileType: "application/pdf", magic: "%PDF-"},
	{tool: "pdftoms", endpoint: "/conversions", method: "convert", params: `{"to":"docx"}`, fileType: docxCT, magic: "PK\x03\x04"},
	{tool: "pdftoimg", endpoint: "/conversions", method: "convert", params: `{"to":"png"}`, fileType: "image/png", magic: "\x89PNG", many: true},

	{tool: "compress", endpoint: "/transformations", method: "compress", params: `{}`, fileType: "application/pdf", magic: "%PDF-"},
	{tool: "delete", endpoint: "/transformations", method: "delete-pages", params: `{"pageIndices":[1]}`, fileType: "application/pdf", magic: "%PDF-"},
	{tool: "flatten", endpoint: "/transformations", method: "flatten", fileType: "application/pdf", magic: "%PDF-"},
	{tool: "merge", endpoint: "/transformations", method: "merge", fileType: "application/pdf", magic: "%PDF-",
		files: func(*testing.T) []part {
			return []part{filePart("files", "a.pdf", "application/pdf", pagedPDF("A", 1)), filePart("files", "b.pdf", "application/pdf", pagedPDF("B", 1))}
		}},
	{tool: "ocr", endpoint: "/transformations", method: "ocr", params: `{"pageIndices":[0,2]}`, fileType: "application/pdf", magic: "%PDF-"},
	{tool: "optimize", endpoint: "/transformations", method: "optimize", params: `{"profile":"web"}`, fileType: "application/pdf", magic: "%PDF-"},
	{tool: "protect", endpoint: "/transformations", method: "protect", params: `{"userPassword":"u"}`, fileType: "application/pdf", magic: "%PDF-"},
	{tool: "redact", endpoint: "/transformations", method: "redact", params: `{"redactions":[{"pageIndex":0,"boundingBox":[0,0,10,10]}]}`, fileType: "application/pdf", magic: "%PDF-"},
	{tool: "rotate", endpoint: "/transformations", method: "rotate", params: `{"rotations":[{"pageIndex":2,"amount":90}]}`, fileType: "application/pdf", magic: "%PDF-"},
	{tool: "set-properties", endpoint: "/transformations", method: "set-properties", params: `{"title":"T"}`, fileType: "application/pdf", magic: "%PDF-"},
	{tool: "split", endpoint: "/transformations", method: "split", params: `{"pageIndices":[[0],[1,2]]}`, fileType: "application/pdf", magic: "%PDF-", many: true},
	{tool: "unprotect", endpoint: "/transformations", method: "unprotect", params: `{"userPassword":"u"}`, fileType: "application/pdf", magic: "%PDF-"},
	{tool: "watermark", endpoint: "/transformations", method: "watermark", params: `{"boundingBox":[0,0,10,10],"opacity":0.5}`, fileType: "application/pdf", magic: "%PDF-",
		files: func(t *testing.T) []part {
			return []part{filePart("files", "doc.pdf", "application/pdf", pagedPDF(docText, 3)), filePart("files", "mark.png", "image/png", inputPNG(t))}
		}},

	{tool: "extract-fillable-form-data", endpoint: "/extractions", method: "extract-fillable-form-data", want: `"value":"` + docText + `"`},
	{tool: "extract-invoices", endpoint: "/extractions", method: "extract-invoices", want: `"vendor_name":"` + docText + `"`},
	{tool: "forms", endpoint: "/extractions", method: "extract-forms", want: `"value":"` + docText + `"`},
	{tool: "get-properties", endpoint: "/extractions", method: "get-properties", want: `"title":"doc"`},
	{tool: "pii", endpoint: "/extractions", method: "extract-pii-bounding-boxes", params: `{}`, want: `"text":"alice@example.com"`},
	{tool: "smart-detect-form-fields", endpoint: "/extractions", method: "smart-detect-form-fields", want: `"formFields":[{`},
	{tool: "tables", endpoint: "/extractions", method: "extract-tables", want: `"cells":[["` + docText + `"]]`},
	{tool: "text", endpoint: "/extractions", method: "extract-text", params: `{"pageIndices":[0]}`, want: `{"result":"` + docText + `"}`},
	{tool: "text-box", endpoint: "/extractions", method: "extract-text-bounding-boxes", params: `{"queries":[{"text":"Invoice \\d+","isRegex":true}]}`, want: `"matchedText":"Invoice 42"`},

	{tool: "create-fillable-forms", endpoint: "/generations", method: "create-fillable-forms",
		params: `{"formFields":[{"name":"sig","fieldType":"TextBox","pageIndex":0,"boundingBox":[0,0,1,1]}]}`, fileType: "application/pdf", magic: "%PDF-"},
	{tool: "fill-forms", endpoint: "/generations", method: "fill-forms", params: `{"fields":[{"field":"name","value":"Ann"}]}`, fileType: "application/pdf", magic: "%PDF-"},
}

func (tc toolCase) parts(t *testing.T) []part {
	files := pdfFile
	if tc.files != nil {
		files = tc.files
	}
	ps := []part{text("method", tc.method)}
	if tc.params != "" {
		ps = append(ps, jsonPart("params", tc.params))
	}
	return append(ps, files(t)...)
}

// TestEveryToolInEveryMode sends each of the 30 tools in the three modes:
// synchronous JSON (the file URLs served, or the extraction's JSON),
// synchronous bytes, and a job whose result, JSON and bytes, is the same
// as the synchronous answers (the fake is deterministic).
func TestEveryToolInEveryMode(t *testing.T) {
	if len(toolCases) != 30 {
		t.Fatalf("%d tool cases, want the 30 of docs/pdf-services-tools.md", len(toolCases))
	}
	for _, tc := range toolCases {
		t.Run(tc.tool, func(t *testing.T) {
			t.Parallel()
			srv := nitrotest.NewServer(nitrotest.WithJobDuration(-1))
			defer srv.Close()
			c := newPDFClient(t, srv)

			// Synchronous JSON.
			syncJSON := read(t, c.post(tc.endpoint, map[string]string{"Accept": "application/json"}, tc.parts(t)...), http.StatusOK)
			if tc.fileType == "" {
				if !strings.Contains(string(syncJSON), tc.want) {
					t.Errorf("JSON %s lacks %s", syncJSON, tc.want)
				}
			} else {
				for _, f := range resultFiles(t, tc, syncJSON) {
					if f.ContentType != tc.fileType || f.Metadata.FileSizeBytes == 0 {
						t.Errorf("file %+v, want type %s and a size", f, tc.fileType)
					}
					b := read(t, c.get(f.URL, ""), http.StatusOK)
					if !bytes.HasPrefix(b, []byte(tc.magic)) || int64(len(b)) != f.Metadata.FileSizeBytes {
						t.Errorf("%s: %d bytes %.20q, want %d starting %q", f.URL, len(b), b, f.Metadata.FileSizeBytes, tc.magic)
					}
				}
			}

			// Synchronous bytes.
			resp := c.post(tc.endpoint, map[string]string{"Accept": "application/octet-stream"}, tc.parts(t)...)
			syncBytes := read(t, resp, http.StatusOK)
			wantType, magic := tc.fileType, tc.magic
			switch {
			case tc.fileType == "":
				wantType, magic = "application/json", "{"
			case tc.many:
				wantType, magic = "application/zip", "PK\x03\x04"
			}
			if ct := resp.Header.Get("Content-Type"); ct != wantType || !bytes.HasPrefix(syncBytes, []byte(magic)) {
				t.Errorf("bytes: %s %.20q, want %s starting %q", ct, syncBytes, wantType, magic)
			}

			// A job.
			resp = c.post(tc.endpoint, map[string]string{"Prefer": "respond-async"}, tc.parts(t)...)
			job := decode[pdfapi.AsyncJobResponse](t, read(t, resp, http.StatusAccepted))
			if job.Status != pdfapi.AsyncJobResponseStatusRunning || resp.Header.Get("Location") != srv.URL()+"/jobs/"+job.JobID+"/status" {
				t.Fatalf("202: %+v, Location %q", job, resp.Header.Get("Location"))
			}
			running := decode[pdfapi.JobRunning](t, read(t, c.get(resp.Header.Get("Location"), "application/json"), http.StatusOK))
			if running.Status != pdfapi.JobRunningStatusRunning {
				t.Errorf("status before completion: %+v", running)
			}
			must(t, srv.CompleteJob(job.JobID))
			done := decode[pdfapi.JobCompleted](t, read(t, c.get(srv.URL()+"/jobs/"+job.JobID, "application/json"), http.StatusOK))
			if done.Status != pdfapi.JobCompletedStatusCompleted {
				t.Fatalf("result: %+v", done)
			}
			if tc.fileType == "" {
				if !strings.Contains(string(done.Result), tc.want) && !strings.Contains(string(syncJSON), string(done.Result)) {
					t.Errorf("job result %s, sync %s", done.Result, syncJSON)
				}
			}
			jobBytes := read(t, c.get(srv.URL()+"/jobs/"+job.JobID, "application/octet-stream"), http.StatusOK)
			if !bytes.Equal(jobBytes, syncBytes) {
				t.Errorf("job bytes (%d) differ from the synchronous bytes (%d)", len(jobBytes), len(syncBytes))
			}
		})
	}
}

// resultFiles reads a synchronous file result's files.
func resultFiles(t *testing.T, tc toolCase, body []byte) []pdfapi.FileInfo {
	t.Helper()
	res := decode[pdfapi.PlatformResponse](t, body)
	if tc.many {
		fs, err := res.Result.AsPlatformOperationFilesResult()
		if err != nil || len(fs.Files) < 2 {
			t.Fatalf("files result: %s (%v)", body, err)
		}
		return fs.Files
	}
	f, err := res.Result.AsPlatformOperationFileResult()
	if err != nil || f.File.URL == "" {
		t.Fatalf("file result: %s (%v)", body, err)
	}
	return []pdfapi.FileInfo{f.File}
}
