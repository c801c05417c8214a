package nitrotest_test

import (
	"archive/zip"
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/nitrokit/nitro/nitrotest"
)

// TestConvertingAWordDocumentShowsItsWords: a small .docx converts to a PDF
// that shows the document's runs of text, not its file name, so a flow can
// check what it converted (examples/pdfflow does).
func TestConvertingAWordDocumentShowsItsWords(t *testing.T) {
	srv := nitrotest.NewServer()
	defer srv.Close()
	var doc bytes.Buffer
	zw := zip.NewWriter(&doc)
	w, err := zw.Create("word/document.xml")
	must(t, err)
	_, err = w.Write([]byte(`<w:document><w:body><w:p><w:r><w:t>Hello </w:t></w:r><w:r><w:t xml:space="preserve">Word &amp; PDF</w:t></w:r></w:p></w:body></w:document>`))
	must(t, err)
	must(t, zw.Close())

	resp := newPDFClient(t, srv).post("/conversions", map[string]string{"Accept": "application/octet-stream"},
		text("method", "convert"), jsonPart("params", `{"to":"pdf"}`), filePart("file", "letter.docx", docxCT, doc.Bytes()))
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	must(t, err)
	if resp.StatusCode != 200 || !strings.Contains(string(out), "(Hello Word & PDF) Tj") {
		t.Errorf("converting a .docx: %s, a PDF showing %q", resp.Status, out)
	}
}
