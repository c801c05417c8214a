package nitrotest

import (
	"archive/zip"
	"fmt"
	"io"
	"strings"
)

// PDF returns a valid one-page PDF that shows text, of exactly size bytes
// (or its minimum, about 600 bytes, if size is smaller), and its length. It
// is generated as it is read: the bulk is a comment block between the header
// and the objects, so a 300 MB file costs no memory. The fake serves its
// documents this way; tests can upload one.
func PDF(text string, size int64) (io.Reader, int64) { return pdfPages(size, text) }

// PDFPages returns a valid PDF of one page per text, each page showing its
// text, as small as it can be, and its length: for tools that need several
// pages (split, delete-pages).
func PDFPages(texts ...string) (io.Reader, int64) { return pdfPages(0, texts...) }

// pdfPages is a PDF of a page per text, of at least size bytes.
func pdfPages(size int64, texts ...string) (io.Reader, int64) {
	const header = "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
	// Objects: 1 the catalog, 2 the page tree, 3 the font, then a page and
	// its content per text.
	kids := make([]string, len(texts))
	for i := range texts {
		kids[i] = fmt.Sprintf("%d 0 R", 4+2*i)
	}
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(texts)),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	}
	for i, text := range texts {
		stream := fmt.Sprintf("BT /F1 12 Tf 72 720 Td (%s) Tj ET", pdfEscape(text))
		objs = append(objs,
			fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R /Resources << /Font << /F1 3 0 R >> >> >>", 5+2*i),
			fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(stream), stream))
	}
	body := func(pad int64) string {
		var b strings.Builder
		offsets := make([]int64, len(objs))
		for i, o := range objs {
			offsets[i] = int64(len(header)) + pad + int64(b.Len())
			fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
		}
		xref := int64(len(header)) + pad + int64(b.Len())
		fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
		for _, off := range offsets {
			fmt.Fprintf(&b, "%010d 00000 n \n", off)
		}
		fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%010d\n%%%%EOF\n", len(objs)+1, xref)
		return b.String()
	}
	// The xref offsets and startxref have fixed width, so the tail's length does not
	// depend on the padding.
	tailLen := int64(len(body(0)))
	pad := max(size-int64(len(header))-tailLen, 0)
	total := int64(len(header)) + pad + tailLen
	return io.MultiReader(strings.NewReader(header), &padding{left: pad}, strings.NewReader(body(pad))), total
}

func pdfEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `(`, `\(`, `)`, `\)`).Replace(s)
}

// zipEntry is one file of a generated ZIP.
type zipEntry struct {
	name string
	body func() (io.Reader, int64)
}

// zipStream writes a ZIP of entries (stored, not compressed) into a pipe as
// the client reads it; closing the reader stops the writer.
func zipStream(entries []zipEntry) io.ReadCloser {
	pr, pw := io.Pipe()
	go func() {
		zw := zip.NewWriter(pw)
		for _, e := range entries {
			r, n := e.body()
			w, err := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: zip.Store, UncompressedSize64: uint64(n)})
			if err == nil {
				_, err = io.Copy(w, r)
			}
			if err != nil {
				pw.CloseWithError(err)
				return
			}
		}
		pw.CloseWithError(zw.Close())
	}()
	return pr
}
