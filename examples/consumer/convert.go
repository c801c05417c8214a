package consumer

import (
	"bytes"
	"context"
	"fmt"
	"io"

	"github.com/google/uuid"

	"github.com/nitrokit/nitro/pdf"
	"github.com/nitrokit/nitro/sign"
)

// SignWordDocument converts a Word document to PDF with PDF Services, then
// sends it through SignPDF: two Nitro APIs on one client, one token.
func SignWordDocument(ctx context.Context, p *pdf.Client, s *sign.Client, docx io.Reader, signer string, out io.Writer, signed func(uuid.UUID, []string)) (int64, error) {
	const docxType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	var converted bytes.Buffer
	if _, err := p.ConvertOfficeToPDF(pdf.File{Name: "agreement.docx", ContentType: docxType, Body: docx}, pdf.ConversionParams{}).Stream(ctx, &converted); err != nil {
		return 0, fmt.Errorf("convert: %w", err)
	}
	return SignPDF(ctx, s, &converted, signer, out, signed)
}
