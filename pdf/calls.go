package pdf

// The typed calls, one per tool (docs/pdf-services-tools.md): each binds its
// name and Go types to a row of the tool table in tools.go and returns a
// Request, sent by its JSON, Stream or Async method. Files are checked and
// read only then.

// ConvertOfficeToPDF converts a Word, Excel or PowerPoint file (doc, docx,
// docm, dotx, dotm, xls, xlsx, xlsm, xltx, xltm, ppt, pptx, told apart by
// f.ContentType) to PDF. An empty p.To is "pdf".
func (c *Client) ConvertOfficeToPDF(f File, p ConversionParams) Request[FileResult] {
	return newRequest[FileResult](c, toolConvertOfficeToPDF, pdfTo(p), f)
}

// ConvertImageToPDF converts a PNG or JPEG image to PDF. An empty p.To is "pdf".
func (c *Client) ConvertImageToPDF(f File, p ConversionParams) Request[FileResult] {
	return newRequest[FileResult](c, toolConvertImageToPDF, pdfTo(p), f)
}

// ConvertMiscToPDF converts HTML, JSON, CSV, XML or EPS to PDF. An empty p.To
// is "pdf".
func (c *Client) ConvertMiscToPDF(f File, p ConversionParams) Request[FileResult] {
	return newRequest[FileResult](c, toolConvertMiscToPDF, pdfTo(p), f)
}

// ConvertToPDFA converts a PDF to PDF/A at p.Conformance. An empty p.To is "pdfa".
func (c *Client) ConvertToPDFA(f File, p ConversionPDFAParams) Request[FileResult] {
	if p.To == "" {
		p.To = "pdfa"
	}
	return newRequest[FileResult](c, toolConvertToPDFA, p, f)
}

// ConvertPDFToOffice converts a PDF to p.To: docx, xlsx or pptx.
func (c *Client) ConvertPDFToOffice(f File, p ConversionMSOfficeParams) Request[FileResult] {
	return newRequest[FileResult](c, toolConvertPDFToOffice, p, f)
}

// ConvertPDFToImage converts a PDF to p.To images (png or jpeg): one file or
// one per page.
func (c *Client) ConvertPDFToImage(f File, p ConversionImageParams) Request[FileResult] {
	return newRequest[FileResult](c, toolConvertPDFToImage, p, f)
}

// Compress compresses a PDF to the smallest file size. It has no options:
// p is PDFCompressParams{}.
func (c *Client) Compress(f File, p PDFCompressParams) Request[FileResult] {
	return newRequest[FileResult](c, toolCompress, p, f)
}

// DeletePages deletes pages of a PDF.
func (c *Client) DeletePages(f File, p DeletePagesParams) Request[FileResult] {
	return newRequest[FileResult](c, toolDeletePages, p, f)
}

// Flatten flattens a PDF's form fields and annotations into its content. It
// has no options: p is EmptyParams{}.
func (c *Client) Flatten(f File, p EmptyParams) Request[FileResult] {
	return newRequest[FileResult](c, toolFlatten, p, f)
}

// Merge merges PDFs, in order, into one. It takes at least two files.
// p.TableOfContents, if set, asks for a table of contents of the inputs or
// none; nil leaves it to the API.
func (c *Client) Merge(files []File, p MergeParams) Request[FileResult] {
	return newRequest[FileResult](c, toolMerge, p, files...)
}

// OCR makes a scanned PDF's text searchable.
func (c *Client) OCR(f File, p PDFOCRParams) Request[FileResult] {
	return newRequest[FileResult](c, toolOCR, p, f)
}

// Optimize optimizes a PDF for a profile (web, print, …).
func (c *Client) Optimize(f File, p PDFOptimizeParams) Request[FileResult] {
	return newRequest[FileResult](c, toolOptimize, p, f)
}

// Protect protects a PDF with passwords and permissions.
func (c *Client) Protect(f File, p PDFPasswordProtectionParams) Request[FileResult] {
	return newRequest[FileResult](c, toolProtect, p, f)
}

// Redact blacks out regions of a PDF's pages, removing what lies beneath.
func (c *Client) Redact(f File, p RedactParams) Request[FileResult] {
	return newRequest[FileResult](c, toolRedact, p, f)
}

// Rotate rotates pages of a PDF.
func (c *Client) Rotate(f File, p Rotation) Request[FileResult] {
	return newRequest[FileResult](c, toolRotate, p, f)
}

// SetProperties sets a PDF's document properties (title, author, …).
func (c *Client) SetProperties(f File, p SetPropertiesParams) Request[FileResult] {
	return newRequest[FileResult](c, toolSetProperties, p, f)
}

// Split splits a PDF into several; the result holds one file per part.
func (c *Client) Split(f File, p SplitParams) Request[FileResult] {
	return newRequest[FileResult](c, toolSplit, p, f)
}

// Unprotect removes a PDF's password protection.
func (c *Client) Unprotect(f File, p UnprotectParams) Request[FileResult] {
	return newRequest[FileResult](c, toolUnprotect, p, f)
}

// Watermark stamps image onto the PDF doc.
func (c *Client) Watermark(doc, image File, p WatermarkParams) Request[FileResult] {
	return newRequest[FileResult](c, toolWatermark, p, doc, image)
}

// ExtractFillableFormData reads the data of a PDF's AcroForm. Its JSON is
// for p.Format json (the default); for xfdf, fdf or csv, use Stream.
func (c *Client) ExtractFillableFormData(f File, p ExtractFillableFormDataParams) Request[ExtractFillableFormDataResponse] {
	return newRequest[ExtractFillableFormDataResponse](c, toolExtractFillableFormData, p, f)
}

// ExtractExpenseData reads an invoice's or receipt's data (the
// extract-invoices method). It has no options: p is EmptyParams{}.
func (c *Client) ExtractExpenseData(f File, p EmptyParams) Request[ExtractExpenseDataResponse] {
	return newRequest[ExtractExpenseDataResponse](c, toolExtractExpenseData, p, f)
}

// ExtractForms extracts form field names and values, with confidences, in
// p.Language if set.
func (c *Client) ExtractForms(f File, p ExtractFormsParams) Request[ExtractFormsResponse] {
	return newRequest[ExtractFormsResponse](c, toolExtractForms, p, f)
}

// GetProperties reads a PDF's document properties. It has no options: p is
// EmptyParams{}.
func (c *Client) GetProperties(f File, p EmptyParams) Request[GetPropertiesResponse] {
	return newRequest[GetPropertiesResponse](c, toolGetProperties, p, f)
}

// ExtractPII finds personally identifiable information and its bounding boxes.
func (c *Client) ExtractPII(f File, p PIIBboxExtractionParams) Request[PIIExtractionResult] {
	return newRequest[PIIExtractionResult](c, toolExtractPII, p, f)
}

// SmartDetectFormFields detects where a PDF's form fields could be. It has no
// options: p is EmptyParams{}.
func (c *Client) SmartDetectFormFields(f File, p EmptyParams) Request[SmartDetectFormFieldsResponse] {
	return newRequest[SmartDetectFormFieldsResponse](c, toolSmartDetectFormFields, p, f)
}

// ExtractTables extracts tables, with cell confidences, from the pages in
// p.PageIndices (all when empty).
func (c *Client) ExtractTables(f File, p ExtractTablesParams) Request[ExtractTablesResponse] {
	return newRequest[ExtractTablesResponse](c, toolExtractTables, p, f)
}

// ExtractText extracts a PDF's text.
func (c *Client) ExtractText(f File, p ExtractTextParams) Request[PlatformResponseText] {
	return newRequest[PlatformResponseText](c, toolExtractText, p, f)
}

// ExtractTextBoxes finds texts or regular expressions and their bounding boxes.
func (c *Client) ExtractTextBoxes(f File, p TextboxExtractionParams) Request[ExtractTextBoxResponse] {
	return newRequest[ExtractTextBoxResponse](c, toolExtractTextBoxes, p, f)
}

// CreateFillableForms adds fillable form fields to a PDF.
func (c *Client) CreateFillableForms(f File, p CreateFillableFormsParams) Request[FileResult] {
	return newRequest[FileResult](c, toolCreateFillableForms, p, f)
}

// FillForms fills a PDF's form fields with the values in p.Fields.
func (c *Client) FillForms(f File, p FormFillParams) Request[FileResult] {
	return newRequest[FileResult](c, toolFillForms, p, f)
}

// FillFormsWithData fills the PDF doc's form fields from data, a CSV, JSON,
// XFDF or FDF file (the same fill-forms tool as FillForms, with its files
// parts).
func (c *Client) FillFormsWithData(doc, data File, p FormFillParams) Request[FileResult] {
	return newRequest[FileResult](c, toolFillFormsWithData, p, doc, data)
}
