package sign_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/nitrotest"
	"github.com/nitrokit/nitro/sign"
)

// note is the email the participants get.
var note = sign.Notification{Subject: "Please sign", Body: "Thanks!"}

// exampleClient is a sign.Client on a fresh fake, and what stops both.
func exampleClient(opts ...nitrotest.Option) (*sign.Client, *nitrotest.Server, func()) {
	fake := nitrotest.NewServer(opts...)
	creds := fake.Credentials()
	nc, err := nitro.NewClient(nitro.Config{ClientID: creds.ClientID, ClientSecret: creds.ClientSecret, BaseURL: fake.URL()})
	if err != nil {
		panic(err)
	}
	return sign.New(nc), fake, func() { nc.Close(); fake.Close() }
}

// Range over every envelope; pages are fetched as the loop asks for more.
func ExampleClient_ListEnvelopesAutoPaging() {
	s, _, stop := exampleClient(nitrotest.WithPageSize(2))
	defer stop()
	ctx := context.Background()
	for _, name := range []string{"a", "b", "c"} {
		if _, err := s.CreateEnvelope(ctx, sign.EnvelopeCreate{Name: name, Mode: sign.EnvelopeModeParallel, Notification: note}); err != nil {
			panic(err)
		}
	}

	for env, err := range s.ListEnvelopesAutoPaging(ctx) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(env.Name)
	}
	// Output:
	// a
	// b
	// c
}

// Upload a file as it is read: the body is streamed, never held whole.
func ExampleClient_CreateDocument() {
	s, _, stop := exampleClient()
	defer stop()
	ctx := context.Background()
	env, err := s.CreateEnvelope(ctx, sign.EnvelopeCreate{Name: "Contract", Mode: sign.EnvelopeModeParallel, Notification: note})
	if err != nil {
		panic(err)
	}

	pdf, size := nitrotest.PDF("The contract.", 0) // any io.Reader: an *os.File, a request body
	doc, err := s.CreateDocument(ctx, env.ID, sign.DocumentUpload{
		Name: "contract.pdf", ContentType: "application/pdf", Body: pdf, Size: size,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(doc.Name, doc.Status)
	// Output: contract.pdf pending
}

// Wait for signing to finish, then stream the sealed ZIP to any io.Writer.
func ExampleClient_WaitForEnvelopeStatus() {
	s, fake, stop := exampleClient()
	defer stop()
	ctx := context.Background()
	env := sentEnvelope(ctx, s)
	_ = fake.Sign(env.String()) // the fake's stand-in for the signers

	sealed, err := s.WaitForEnvelopeStatus(ctx, env, sign.EnvelopeStatusSealed)
	if err != nil {
		fmt.Println(err)
		return
	}
	var zip bytes.Buffer
	n, err := s.DownloadSealedEnvelope(ctx, env, &zip)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(sealed.Status, n == int64(zip.Len()), strings.HasPrefix(zip.String(), "PK"))
	// Output: sealed true true
}

// sentEnvelope sends an envelope with a document, a signer and a field.
func sentEnvelope(ctx context.Context, s *sign.Client) uuid.UUID {
	env, err := s.CreateEnvelope(ctx, sign.EnvelopeCreate{Name: "Contract", Mode: sign.EnvelopeModeParallel, Notification: note})
	check(err)
	pdf, size := nitrotest.PDF("The contract.", 0)
	doc, err := s.CreateDocument(ctx, env.ID, sign.DocumentUpload{Name: "c.pdf", ContentType: "application/pdf", Body: pdf, Size: size})
	check(err)
	signers, err := s.CreateParticipant(ctx, env.ID, sign.NewCreateParticipantRequest(
		sign.SingleParticipantRequest{Email: "signer@example.com", Role: sign.ParticipantRoleSigner}))
	check(err)
	_, err = s.CreateField(ctx, env.ID, doc.ID, sign.NewCreateFieldRequest(sign.CreateSignatureField{
		ParticipantID: signers[0].ID, Page: 1, BoundingBox: []float32{72, 600, 200, 50}}))
	check(err)
	_, err = s.SendForSigning(ctx, env.ID)
	check(err)
	return env.ID
}

func check(err error) {
	if err != nil {
		panic(err)
	}
}
