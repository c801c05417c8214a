// Package consumer is a Go backend's use of the nitro client, written as a
// user writes it, in a module of its own: the whole signing flow, from an
// empty envelope to the sealed ZIP.
package consumer

import (
	"context"
	"fmt"
	"io"

	"github.com/google/uuid"

	"github.com/nitrokit/nitro/sign"
)

// SignPDF sends pdf to signer for signature, waits until every signature is
// in and Nitro has sealed the envelope, and writes the sealed ZIP to out.
// signed stands in for the people who sign; it is called once the envelope
// is sent, with the signing URLs.
func SignPDF(ctx context.Context, s *sign.Client, pdf io.Reader, signer string, out io.Writer, signed func(uuid.UUID, []string)) (int64, error) {
	env, err := s.CreateEnvelope(ctx, sign.EnvelopeCreate{Name: "Agreement", Mode: sign.EnvelopeModeSequential,
		Notification: sign.Notification{Subject: "Please sign", Body: "The agreement we discussed."}})
	if err != nil {
		return 0, fmt.Errorf("create envelope: %w", err)
	}
	doc, err := s.CreateDocument(ctx, env.ID, sign.DocumentUpload{Name: "agreement.pdf", ContentType: "application/pdf", Body: pdf})
	if err != nil {
		return 0, fmt.Errorf("upload: %w", err)
	}
	who, err := s.CreateParticipant(ctx, env.ID, sign.NewCreateParticipantRequest(
		sign.SingleParticipantRequest{Email: signer, Role: sign.ParticipantRoleSigner}))
	if err != nil {
		return 0, fmt.Errorf("add signer: %w", err)
	}
	_, err = s.CreateField(ctx, env.ID, doc.ID, sign.NewCreateFieldRequest(sign.CreateSignatureField{
		ParticipantID: who[0].ID, Page: 1, BoundingBox: []float32{72, 600, 200, 50}, Required: true}))
	if err != nil {
		return 0, fmt.Errorf("place field: %w", err)
	}
	if _, err := s.SendForSigning(ctx, env.ID); err != nil {
		return 0, fmt.Errorf("send: %w", err)
	}
	urls, err := s.ListSignerSigningUrls(ctx, env.ID)
	if err != nil {
		return 0, fmt.Errorf("signing URLs: %w", err)
	}
	var links []string
	for _, u := range urls.Items {
		links = append(links, u.SigningURL)
	}
	signed(env.ID, links)
	if _, err := s.WaitForEnvelopeStatus(ctx, env.ID, sign.EnvelopeStatusSealed); err != nil {
		return 0, fmt.Errorf("wait for the seal: %w", err)
	}
	return s.DownloadSealedEnvelope(ctx, env.ID, out)
}
