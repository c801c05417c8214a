package nitrotest

import (
	"archive/zip"
	"bytes"
	"fmt"
	"html"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"mime"
	"path"
	"strings"
)

// inputKind is what a tool can take: conversions to PDF pick their tool by
// it, every other tool takes PDFs.
type inputKind string

const (
	kindPDF     inputKind = "pdf"
	kindOffice  inputKind = "office" // ConvertOfficeToPDF
	kindImage   inputKind = "image"  // ConvertImageToPDF
	kindMisc    inputKind = "misc"   // ConvertMiscToPDF: html, json, csv, xml, eps
	kindData    inputKind = "data"   // fill-forms data files: csv, json, xfdf, fdf
	kindUnknown inputKind = ""
)

// kindsByExt are the types Nitro documents, by extension. A part's
// Content-Type is read through the same table (by its extension), then the
// file name, then the content's magic bytes.
var kindsByExt = map[string]inputKind{
	"pdf": kindPDF,
	"doc": kindOffice, "docx": kindOffice, "docm": kindOffice, "dotx": kindOffice, "dotm": kindOffice,
	"xls": kindOffice, "xlsx": kindOffice, "xlsm": kindOffice, "xltx": kindOffice, "xltm": kindOffice,
	"ppt": kindOffice, "pptx": kindOffice,
	"png": kindImage, "jpg": kindImage, "jpeg": kindImage,
	"html": kindMisc, "htm": kindMisc, "json": kindMisc, "csv": kindMisc, "xml": kindMisc, "eps": kindMisc,
	"xfdf": kindData, "fdf": kindData,
}

// typesByMIME maps the media types of those files to their extensions.
var typesByMIME = map[string]string{
	"application/pdf":    "pdf",
	"application/msword": "doc",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document":   "docx",
	"application/vnd.ms-word.document.macroenabled.12":                          "docm",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.template":   "dotx",
	"application/vnd.ms-word.template.macroenabled.12":                          "dotm",
	"application/vnd.ms-excel":                                                  "xls",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":         "xlsx",
	"application/vnd.ms-excel.sheet.macroenabled.12":                            "xlsm",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.template":      "xltx",
	"application/vnd.ms-excel.template.macroenabled.12":                         "xltm",
	"application/vnd.ms-powerpoint":                                             "ppt",
	"application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
	"image/png":                  "png",
	"image/jpeg":                 "jpeg",
	"text/html":                  "html",
	"application/json":           "json",
	"text/csv":                   "csv",
	"application/xml":            "xml",
	"text/xml":                   "xml",
	"application/postscript":     "eps",
	"application/vnd.adobe.xfdf": "xfdf",
	"application/vnd.fdf":        "fdf",
}

func kindOf(contentType, name string, head []byte) inputKind {
	ct, _, _ := mime.ParseMediaType(contentType)
	if ext, ok := typesByMIME[strings.ToLower(ct)]; ok {
		return kindsByExt[ext]
	}
	if k, ok := kindsByExt[strings.ToLower(strings.TrimPrefix(path.Ext(name), "."))]; ok {
		return k
	}
	switch {
	case bytes.HasPrefix(head, []byte("%PDF-")):
		return kindPDF
	case bytes.HasPrefix(head, []byte("\x89PNG")), bytes.HasPrefix(head, []byte("\xff\xd8\xff")):
		return kindImage
	}
	return kindUnknown
}

// officeTypes are the media types of the Office files the fake produces.
var officeTypes = map[string]string{
	"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	"pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}

// officeFile is a minimal Office Open XML package (a ZIP, stored, with no
// timestamps, so the same text gives the same bytes) holding text.
func officeFile(ext, text string) []byte {
	var parts [][2]string
	esc := html.EscapeString(text)
	switch ext {
	case "docx":
		parts = [][2]string{{"word/document.xml", `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>` + esc + `</w:t></w:r></w:p></w:body></w:document>`}}
	case "xlsx":
		parts = [][2]string{{"xl/worksheets/sheet1.xml", `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>` + esc + `</t></is></c></row></sheetData></worksheet>`}}
	default:
		parts = [][2]string{{"ppt/slides/slide1.xml", `<?xml version="1.0" encoding="UTF-8"?><p:sld xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><p:cSld><p:spTree><p:sp><p:txBody><a:p><a:r><a:t>` + esc + `</a:t></a:r></a:p></p:txBody></p:sp></p:spTree></p:cSld></p:sld>`}}
	}
	ct := `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>`
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, p := range append([][2]string{{"[Content_Types].xml", ct}}, parts...) {
		w, _ := zw.CreateHeader(&zip.FileHeader{Name: p[0], Method: zip.Store})
		_, _ = io.WriteString(w, p[1])
	}
	_ = zw.Close()
	return b.Bytes()
}

// pageImage is page i of a document as a small image, its shade set by i so
// that pages differ; encoded it is deterministic.
func pageImage(format string, i int) []byte {
	img := image.NewGray(image.Rect(0, 0, 8, 8))
	for p := range img.Pix {
		img.Pix[p] = uint8(0xff - 16*(i%16))
	}
	img.Set(0, 0, color.Black)
	var b bytes.Buffer
	if format == "jpeg" {
		_ = jpeg.Encode(&b, img, &jpeg.Options{Quality: 90})
	} else {
		_ = png.Encode(&b, img)
	}
	return b.Bytes()
}

// formData is the one fillable field the fake reads from a PDF (named
// "text", holding its text), in one of extract-fillable-form-data's file
// formats.
func formData(format, text string) (contentType string, b []byte) {
	switch format {
	case "xfdf":
		return "application/vnd.adobe.xfdf", []byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
			`<xfdf xmlns="http://ns.adobe.com/xfdf/"><fields><field name="text"><value>` + html.EscapeString(text) + `</value></field></fields></xfdf>` + "\n")
	case "fdf":
		return "application/vnd.fdf", []byte(fmt.Sprintf("%%FDF-1.2\n1 0 obj\n<< /FDF << /Fields [<< /T (text) /V (%s) >>] >> >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%%%EOF\n", pdfEscape(text)))
	default:
		return "text/csv", []byte("text\n\"" + strings.ReplaceAll(text, `"`, `""`) + "\"\n")
	}
}
