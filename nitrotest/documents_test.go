package nitrotest_test

import (
	"archive/zip"
	"bytes"
	"context"
	"testing"

	"github.com/google/uuid"

	"github.com/nitrokit/nitro/gen/signapi"
	"github.com/nitrokit/nitro/nitrotest"
)

func TestUploadRules(t *testing.T) {
	_, c := setup(t)
	ctx := context.Background()
	env := newEnvelope(t, c, "Uploads")
	tests := []struct {
		name    string
		meta    bool
		payload []byte
		params  *signapi.CreateDocumentParams
		status  int
	}{
		{"payload", true, minimalPDF(2), nil, 201},
		{"existing document", true, nil, &signapi.CreateDocumentParams{NitroDocumentID: ptr(uuid.NewString())}, 201},
		{"both payload and nitroDocumentID", true, minimalPDF(1), &signapi.CreateDocumentParams{NitroDocumentID: ptr(uuid.NewString())}, 400},
		{"neither", true, nil, nil, 400},
		{"no metadata", false, minimalPDF(1), nil, 400},
		{"exactly 20 MiB", true, make([]byte, 20<<20), nil, 201},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ct, b := multipartDoc(t, "doc.pdf", "application/pdf", tt.payload)
			if !tt.meta {
				ct, b = fileForm(t, "payload", tt.payload)
			}
			r, err := c.CreateDocumentWithBodyWithResponse(ctx, env, tt.params, ct, b)
			must(t, err)
			if r.StatusCode() != tt.status {
				t.Errorf("HTTP %d, want %d: %s", r.StatusCode(), tt.status, r.Body)
			}
		})
	}
}

func TestSealedDownloadHasTheConfiguredSize(t *testing.T) {
	// Sealed by hand: the automatic seal is TestSignSealsAfterTheSealDelay's,
	// and waiting for it here would poll on the real clock.
	srv, c := setup(t, nitrotest.WithSealedSize(8<<20), nitrotest.WithSealDelay(-1))
	env, _, _ := sentEnvelope(t, c)
	must(t, srv.Sign(env.String()))
	must(t, srv.Seal(env.String()))
	ctx := context.Background()
	r, err := c.DownloadSealedEnvelopeWithResponse(ctx, env)
	must(t, err)
	zr, err := zip.NewReader(bytes.NewReader(r.Body), int64(len(r.Body)))
	must(t, err)
	if zr.File[0].UncompressedSize64 != 8<<20 {
		t.Errorf("sealed document is %d bytes, want %d", zr.File[0].UncompressedSize64, 8<<20)
	}
	rc, err := zr.File[0].Open()
	must(t, err)
	head := make([]byte, 5)
	rc.Read(head)
	rc.Close()
	if string(head) != "%PDF-" {
		t.Errorf("entry starts %q", head)
	}
}
