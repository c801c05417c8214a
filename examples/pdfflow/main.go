// Command pdfflow runs a Nitro PDF Services flow and prints each step: it
// converts a generated Word document to PDF as an asynchronous job, showing
// the job's progress from its status stream, then compresses the PDF
// (showing its size before and after) and extracts its text, on one client
// and one token.
//
// With no credentials set it runs against an embedded fake (nitrotest).
// With NITRO_CLIENT_ID and NITRO_CLIENT_SECRET (and optionally
// NITRO_BASE_URL) set it runs against the real API.
//
//	go run ./examples/pdfflow
package main

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"log"
	"os"
	"strings"
	"time"

	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/nitrotest"
	"github.com/nitrokit/nitro/pdf"
)

const docxType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

func main() {
	if err := run(context.Background()); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context) error {
	cfg, err := nitro.ConfigFromEnv()
	if err != nil && (os.Getenv(nitro.EnvClientID) != "" || os.Getenv(nitro.EnvClientSecret) != "") {
		return err // half of the pair: the error names the other
	}
	cfg.UserAgent = "pdfflow-example"
	var fake *nitrotest.Server
	if err != nil {
		// Jobs on the fake take a second, so the progress is there to see.
		fake = nitrotest.NewServer(nitrotest.WithJobDuration(time.Second))
		defer fake.Close()
		creds := fake.Credentials()
		cfg.ClientID, cfg.ClientSecret, cfg.BaseURL = creds.ClientID, creds.ClientSecret, fake.URL()
		fmt.Println("no NITRO_CLIENT_ID/NITRO_CLIENT_SECRET: running against an embedded fake at", fake.URL())
	}
	nc, err := nitro.NewClient(cfg)
	if err != nil {
		return err
	}
	defer nc.Close()
	p := pdf.New(nc)

	docx, err := wordDocument("Quarterly report: revenue up, costs down.")
	if err != nil {
		return err
	}
	fmt.Printf("1. a Word document of %d bytes\n", len(docx))

	job, err := p.ConvertOfficeToPDF(pdf.File{Name: "report.docx", ContentType: docxType, Body: bytes.NewReader(docx), Size: int64(len(docx))},
		pdf.ConversionParams{}).Async(ctx)
	if err != nil {
		return fmt.Errorf("convert: %w", err)
	}
	fmt.Printf("2. conversion job %s started\n", job.ID)
	shown := -1 // the last quarter printed: the stream reports every step
	if _, err := job.Follow(ctx, func(progress float64) {
		if q := int(progress * 4); q > shown {
			shown = q
			fmt.Printf("   progress %3.0f%%\n", 100*progress)
		}
	}); err != nil {
		return fmt.Errorf("conversion job: %w", err)
	}
	var converted bytes.Buffer
	if _, err := job.Download(ctx, &converted); err != nil {
		return fmt.Errorf("download: %w", err)
	}
	fmt.Printf("3. converted: a PDF of %d bytes\n", converted.Len())

	var compressed bytes.Buffer
	if _, err := p.Compress(pdfFile("report.pdf", converted.Bytes()), pdf.PDFCompressParams{}).Stream(ctx, &compressed); err != nil {
		return fmt.Errorf("compress: %w", err)
	}
	fmt.Printf("4. compressed: %s\n", sizeChange(converted.Len(), compressed.Len(), fake != nil))

	text, err := p.ExtractText(pdfFile("report.pdf", compressed.Bytes()), pdf.ExtractTextParams{}).JSON(ctx)
	if err != nil {
		return fmt.Errorf("extract text: %w", err)
	}
	fmt.Printf("5. its text: %q\n", strings.TrimSpace(text.Result))
	if fake != nil {
		fmt.Printf("token requests for all of it: %d\n", fake.Stats().TokenRequests)
	}
	return nil
}

// sizeChange says what compressing did to a file of in bytes: its size
// before and after, and by how much it changed. The fake returns its input
// as it is, so there it says so rather than show two equal sizes bare.
func sizeChange(in, out int, fake bool) string {
	switch {
	case out < in:
		return fmt.Sprintf("%d -> %d bytes, %.0f%% smaller", in, out, 100*float64(in-out)/float64(in))
	case out > in:
		return fmt.Sprintf("%d -> %d bytes, %.0f%% larger: nothing in it to compress", in, out, 100*float64(out-in)/float64(in))
	case fake:
		return fmt.Sprintf("%d -> %d bytes, unchanged: the fake's compress returns its input as it is", in, out)
	}
	return fmt.Sprintf("%d -> %d bytes, unchanged: nothing in it to compress", in, out)
}

func pdfFile(name string, b []byte) pdf.File {
	return pdf.File{Name: name, ContentType: "application/pdf", Body: bytes.NewReader(b), Size: int64(len(b))}
}

// wordDocument is a minimal .docx: a ZIP holding the document's XML.
func wordDocument(text string) ([]byte, error) {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, body := range map[string]string{
		"[Content_Types].xml": `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`,
		"word/document.xml":   `<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>` + text + `</w:t></w:r></w:p></w:body></w:document>`,
	} {
		w, err := zw.Create(name)
		if err != nil {
			return nil, err
		}
		if _, err := w.Write([]byte(body)); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
