package nitrotest_test

import (
	"context"
	"testing"

	"github.com/google/uuid"

	"github.com/nitrokit/nitro/gen/signapi"
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
