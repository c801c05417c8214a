package main

import (
	"github.com/nitrokit/nitro/pdf"
)

// pdfTool is one row of the command's tool table, a subcommand of
// `nitro pdf`: its name, its files, its flags (each one key of its
// params), and the library call it makes. A tool of the library's table
// (pdf/tools.go) is added to the command, or changed, here and only here.
type pdfTool struct {
	name   string
	short  string
	files  string // the files' usage: "FILE", "PDF IMAGE", …
	params []param
	call   call
}

// pagesParam is --pages, zero-based page indices.
func pagesParam(usage string) param { return param{"pages", "pageIndices", ints, usage, nil} }

// pdfTools is the table: docs/pdf-services-tools.md's tools, as commands.
var pdfTools = []pdfTool{
	{"convert", "Convert to PDF (from Office, images, HTML, …), to PDF/A, or from PDF to Office files or images", "FILE", []param{
		{"to", "to", text, "the target: pdf (the default), pdfa, docx, xlsx, pptx, png or jpeg", []string{"pdf", "pdfa", "docx", "xlsx", "pptx", "png", "jpeg"}},
		{"conformance", "conformance", text, "PDF/A conformance level (--to pdfa), such as 2b", []string{"1a", "1b", "2a", "2b", "2u", "3a", "3b", "3u"}},
		{"image-quality", "imageQuality", number, "image quality from 0.01 to 1.0 (--to pdfa)", nil},
	}, convertCall},
	{"compress", "Compress a PDF to the smallest file size", "PDF", nil, one((*pdf.Client).Compress)},
	{"delete-pages", "Delete pages of a PDF", "PDF", []param{pagesParam("the pages to delete, zero-based: 0,2,5-7")}, one((*pdf.Client).DeletePages)},
	{"flatten", "Flatten a PDF's form fields and annotations into its content", "PDF", nil, one((*pdf.Client).Flatten)},
	{"merge", "Merge PDFs, in order, into one", "PDF PDF...", nil, many((*pdf.Client).Merge)},
	{"ocr", "Make a scanned PDF's text searchable", "PDF", []param{
		{"language", "language", text, "the document's language, such as english or french", []string{
			"brazilian", "danish", "dutch", "english", "finnish", "french", "german", "italian", "norwegian", "portuguese", "spanish", "swedish"}},
		{"quality", "quality", text, "low (fastest), medium or high (most accurate)", []string{"low", "medium", "high"}},
		{"compression", "compressionLevel", text, "low, medium or high", []string{"low", "medium", "high"}},
		{"editable", "isOutputPDFEditable", toggle, "render the recognised text over the page image, editable", nil},
		pagesParam("the pages to process, zero-based (default all): 0,2,5-7"),
	}, one((*pdf.Client).OCR)},
	{"optimize", "Optimize a PDF for a use: web, print, archive, …", "PDF", []param{
		{"profile", "profile", text, "web, print, archive, minimal-file-size or mixed-raster-content", []string{
			"web", "print", "archive", "minimal-file-size", "mixed-raster-content"}},
	}, one((*pdf.Client).Optimize)},
	{"protect", "Protect a PDF with passwords and permissions", "PDF", []param{
		{"user-password", "userPassword", text, "the password to open it", nil},
		{"owner-password", "ownerPassword", text, "the password to change its permissions", nil},
		{"permissions", "permissions", texts, "what readers may do, of print, print-hq, copy, modify, annotate, form, assemble: print,copy", nil},
	}, one((*pdf.Client).Protect)},
	{"redact", "Black out regions of a PDF's pages (--params '{\"redactions\":[…]}')", "PDF", nil, one((*pdf.Client).Redact)},
	{"rotate", "Rotate pages of a PDF", "PDF", []param{
		{"rotate", "rotations", rotations, "pages and degrees, zero-based: 0:90,2:180", nil},
	}, one((*pdf.Client).Rotate)},
	{"set-properties", "Set a PDF's document properties", "PDF", []param{
		{"title", "title", text, "the title", nil},
		{"author", "author", text, "the author", nil},
		{"subject", "subject", text, "the subject", nil},
		{"keywords", "keywords", text, "the keywords", nil},
		{"creator", "creator", text, "the creator", nil},
		{"producer", "producer", text, "the producer", nil},
	}, one((*pdf.Client).SetProperties)},
	{"split", "Split a PDF into several (a ZIP of the parts)", "PDF", []param{
		{"pages", "pageIndices", intGroups, "the pages of each part, zero-based, parts split by ';': 0-2;3,5", nil},
	}, one((*pdf.Client).Split)},
	{"unprotect", "Remove a PDF's password protection", "PDF", []param{
		{"user-password", "userPassword", text, "the password to open it", nil},
		{"owner-password", "ownerPassword", text, "the owner password", nil},
	}, one((*pdf.Client).Unprotect)},
	{"watermark", "Stamp an image onto a PDF's pages", "PDF IMAGE", []param{
		{"box", "boundingBox", numbers, "where, in points: x0,y0,x1,y1", nil},
		{"opacity", "opacity", number, "from 0.0 (transparent) to 1.0", nil},
		{"rotation", "rotation", number, "degrees", nil},
		pagesParam("the pages to stamp, zero-based (default all): 0,2,5-7"),
	}, two((*pdf.Client).Watermark)},
	{"extract-form-data", "Read the data of a PDF's form (JSON; XFDF, FDF or CSV with --format and -o)", "PDF", []param{
		{"format", "format", text, "json (the default), xfdf, fdf or csv", []string{"json", "xfdf", "fdf", "csv"}},
	}, one((*pdf.Client).ExtractFillableFormData)},
	{"extract-expense-data", "Read an invoice's or receipt's data", "PDF", nil, one((*pdf.Client).ExtractExpenseData)},
	{"extract-forms", "Extract form field names and values, with confidences", "PDF", nil, one((*pdf.Client).ExtractForms)},
	{"get-properties", "Read a PDF's document properties", "PDF", nil, one((*pdf.Client).GetProperties)},
	{"extract-pii", "Find personal information and where it is", "PDF", []param{
		{"language", "language", text, "the language to detect in: en or es", []string{"en", "es"}},
	}, one((*pdf.Client).ExtractPII)},
	{"detect-form-fields", "Detect where a PDF's form fields could be", "PDF", nil, one((*pdf.Client).SmartDetectFormFields)},
	{"extract-tables", "Extract tables, with cell confidences", "PDF", nil, one((*pdf.Client).ExtractTables)},
	{"extract-text", "Extract a PDF's text", "PDF", []param{
		pagesParam("the pages to read, zero-based (default all): 0,2,5-7"),
		{"reading-order", "readingOrder", toggle, "in reading order", nil},
	}, one((*pdf.Client).ExtractText)},
	{"extract-text-boxes", "Find texts or patterns and where they are (--params '{\"queries\":[…]}')", "PDF", nil, one((*pdf.Client).ExtractTextBoxes)},
	{"create-fillable-forms", "Add fillable form fields to a PDF (--params '{\"formFields\":[…]}')", "PDF", nil, one((*pdf.Client).CreateFillableForms)},
	{"fill-forms", "Fill a PDF's form fields, from --field flags or a data file (CSV, JSON, XFDF, FDF)", "PDF [DATA]", []param{
		{"field", "fields", pairs, "a field's value, NAME=VALUE (repeat it)", nil},
		{"strict", "strict", toggle, "fail on unknown or missing fields", nil},
	}, fillFormsCall},
}

// convertCall picks the conversion by --to and, to PDF, by the input's type.
var convertCall = choose(1, 1, func(files []pdf.File, params map[string]any) (call, error) {
	to, _ := params["to"].(string)
	switch to {
	case "", "pdf":
		switch familyOf(files[0].Name) {
		case familyOffice:
			return one((*pdf.Client).ConvertOfficeToPDF), nil
		case familyImage:
			return one((*pdf.Client).ConvertImageToPDF), nil
		case familyMisc:
			return one((*pdf.Client).ConvertMiscToPDF), nil
		}
		return call{}, usagef("%s: converting to PDF takes %s", files[0].Name, knownExtensions(familyOffice, familyImage, familyMisc))
	case "pdfa":
		return one((*pdf.Client).ConvertToPDFA), nil
	case "docx", "xlsx", "pptx":
		return one((*pdf.Client).ConvertPDFToOffice), nil
	case "png", "jpeg":
		return one((*pdf.Client).ConvertPDFToImage), nil
	}
	return call{}, usagef("--to %q: it is one of pdf, pdfa, docx, xlsx, pptx, png, jpeg", to)
})

// fillFormsCall fills from the flags' values, or from a data file.
var fillFormsCall = choose(1, 2, func(files []pdf.File, _ map[string]any) (call, error) {
	if len(files) == 2 {
		return two((*pdf.Client).FillFormsWithData), nil
	}
	return one((*pdf.Client).FillForms), nil
})

// toolNamed is the row named name, or nil.
func toolNamed(name string) *pdfTool {
	for i := range pdfTools {
		if pdfTools[i].name == name {
			return &pdfTools[i]
		}
	}
	return nil
}
