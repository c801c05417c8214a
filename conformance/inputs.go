package conformance

import (
	"archive/zip"
	"bytes"
	"image"
	"image/color"
	"image/png"
	"io"

	"github.com/nitrokit/nitro/nitrotest"
	"github.com/nitrokit/nitro/pdf"
)

// The inputs every scenario uses: small, valid files of each kind a tool
// takes, made here so the suite needs no fixture files.

// docText is what the input documents show.
const docText = "Nitro conformance 42, conformance@example.com"

// pdfBytes is a valid PDF of one page per text.
func pdfBytes(texts ...string) []byte {
	r, _ := nitrotest.PDFPages(texts...)
	b, _ := io.ReadAll(r) // generated in memory: cannot fail
	return b
}

func fileOf(name, contentType string, b []byte) pdf.File {
	return pdf.File{Name: name, ContentType: contentType, Body: bytes.NewReader(b), Size: int64(len(b))}
}

func onePagePDF() pdf.File { return fileOf("conformance.pdf", "application/pdf", pdfBytes(docText)) }

func twoPagePDF() pdf.File {
	return fileOf("two-pages.pdf", "application/pdf", pdfBytes(docText, "page two"))
}

// pngBytes is an 8×8 PNG.
func pngBytes() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for i := range 8 {
		img.Set(i, i, color.RGBA{R: 200, A: 255})
	}
	var b bytes.Buffer
	_ = png.Encode(&b, img) // in memory: cannot fail
	return b.Bytes()
}

func pngFile() pdf.File { return fileOf("conformance.png", "image/png", pngBytes()) }

const docxType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

// docxBytes is the smallest Word document Word opens: its content types,
// its package relationship and a document with one paragraph of text.
func docxBytes(text string) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, f := range []struct{ name, body string }{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`},
		{"word/document.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>` + text + `</w:t></w:r></w:p></w:body></w:document>`},
	} {
		w, _ := zw.Create(f.name)
		_, _ = io.WriteString(w, f.body)
	}
	_ = zw.Close()
	return b.Bytes()
}

func docxFile() pdf.File { return fileOf("conformance.docx", docxType, docxBytes(docText)) }

func htmlFile() pdf.File {
	return fileOf("conformance.html", "text/html", []byte("<!DOCTYPE html><html><body><p>"+docText+"</p></body></html>"))
}

// formData is a fill-forms data file: field names to values.
func formData() pdf.File {
	return fileOf("fields.json", "application/json", []byte(`{"name":"Conformance"}`))
}
