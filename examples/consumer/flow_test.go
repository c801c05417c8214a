package consumer_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/google/uuid"

	"example.com/consumer"
	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/nitrotest"
	"github.com/nitrokit/nitro/pdf"
	"github.com/nitrokit/nitro/sign"
)

// client is a sign.Client on a fresh fake, as a user's test sets one up:
// no spec file, no path; the fake validates every request by itself.
func client(t *testing.T) (*sign.Client, *nitrotest.Server) {
	t.Helper()
	nc, fake := nitroClient(t)
	return sign.New(nc), fake
}

// nitroClient is the one nitro.Client every API client of a test shares.
func nitroClient(t *testing.T) (*nitro.Client, *nitrotest.Server) {
	t.Helper()
	fake := nitrotest.NewServer()
	t.Cleanup(fake.Close)
	creds := fake.Credentials()
	nc, err := nitro.NewClient(nitro.Config{ClientID: creds.ClientID, ClientSecret: creds.ClientSecret, BaseURL: fake.URL()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	return nc, fake
}

// TestSignWordDocument uses both APIs on one client: PDF Services converts,
// Sign signs, and the fake counts one token request for all of it.
func TestSignWordDocument(t *testing.T) {
	nc, fake := nitroClient(t)
	var zip bytes.Buffer
	n, err := consumer.SignWordDocument(context.Background(), pdf.New(nc), sign.New(nc), bytes.NewReader([]byte("PK\x03\x04 a docx")),
		"signer@example.com", &zip, func(env uuid.UUID, _ []string) {
			if err := fake.Sign(env.String()); err != nil {
				t.Error(err)
			}
		})
	if err != nil || n == 0 || !bytes.HasPrefix(zip.Bytes(), []byte("PK")) {
		t.Fatalf("SignWordDocument: %d bytes, %v", n, err)
	}
	if got := fake.Stats().TokenRequests; got != 1 {
		t.Errorf("%d token requests for both APIs, want 1", got)
	}
	if got := fake.Stats().Operations["ConvertDocument"]; got != 1 {
		t.Errorf("%d conversions, want 1", got)
	}
}

// TestSignPDF runs the whole flow while the API refuses once on the way: a
// 429 on sending, which the client retries without the flow seeing it.
func TestSignPDF(t *testing.T) {
	s, fake := client(t)
	if err := fake.InjectFault(nitrotest.Operation("SendForSigning"), 1, nitrotest.Fault{Status: 429, RetryAfter: "0"}); err != nil {
		t.Fatal(err)
	}
	pdf, _ := nitrotest.PDF("The agreement.", 0)
	var zip bytes.Buffer
	n, err := consumer.SignPDF(context.Background(), s, pdf, "signer@example.com", &zip, func(env uuid.UUID, urls []string) {
		if len(urls) != 1 {
			t.Errorf("signing URLs: %v", urls)
		}
		if err := fake.Sign(env.String()); err != nil {
			t.Error(err)
		}
	})
	if err != nil || n == 0 || n != int64(zip.Len()) || !bytes.HasPrefix(zip.Bytes(), []byte("PK")) {
		t.Fatalf("SignPDF: %d bytes (%d written), %v", n, zip.Len(), err)
	}
	if got := fake.Stats().Operations["SendForSigning"]; got != 2 {
		t.Errorf("SendForSigning was sent %d times, want 2 (the 429, then the retry)", got)
	}
}

// TestUnknownEnvelope is the error a user meets first: a Go error, typed.
func TestUnknownEnvelope(t *testing.T) {
	s, _ := client(t)
	_, err := s.GetEnvelope(context.Background(), uuid.New())
	var apiErr *nitro.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 404 {
		t.Fatalf("unknown envelope: %v, want an *nitro.APIError with StatusCode 404", err)
	}
}
