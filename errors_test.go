package nitro

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/nitrokit/nitro/auth"
	"github.com/nitrokit/nitro/gen/signapi"
	"github.com/nitrokit/nitro/internal/flowtest"
	"github.com/nitrokit/nitro/nitrotest"
)

// TestErrorTyping produces each problem type the API answers and checks
// what an *APIError says about it.
func TestErrorTyping(t *testing.T) {
	c, srv, _, _ := setup(t, Config{MaxRetries: -1}, nitrotest.WithSealDelay(-1))
	ctx := context.Background()
	draft := flowtest.NewEnvelope(t, c.ClientWithResponses, "Draft")
	sent, _, _ := flowtest.SentEnvelope(t, c.ClientWithResponses)
	inject := func(status int) func() error {
		return func() error {
			n := 1
			if status == http.StatusUnauthorized {
				n = 2 // a 401 is replayed once with a new token
			}
			srv.InjectFault(nitrotest.Operation("GetEnvelope"), n, nitrotest.Fault{Status: status, RetryAfter: "7"})
			_, err := Check(c.GetEnvelopeWithResponse(ctx, draft))
			return err
		}
	}
	tests := []struct {
		status int
		call   func() error
		is     func(error) bool
		check  func(*APIError) error
	}{
		{400, func() error {
			_, err := Check(c.UpdateEnvelopeWithResponse(ctx, draft, signapi.EnvelopeUpdate{Name: flowtest.Ptr("")}))
			return err
		}, nil, func(e *APIError) error {
			if e.ValidationErrors["name"] != "must not be blank" || !strings.Contains(e.Error(), "name must not be blank") {
				return fmt.Errorf("validation_errors %v not kept", e.ValidationErrors)
			}
			return nil
		}},
		{401, inject(401), IsUnauthorized, func(e *APIError) error {
			if e.Attempts != 1 {
				return fmt.Errorf("attempts %d: the 401 replay is the auth layer's, not a retry", e.Attempts)
			}
			return nil
		}},
		{403, inject(403), nil, nil},
		{404, func() error { _, err := Check(c.GetEnvelopeWithResponse(ctx, uuid.New())); return err }, IsNotFound, nil},
		{409, func() error { _, err := Check(c.CancelEnvelopeWithResponse(ctx, draft)); return err }, IsConflict, func(e *APIError) error {
			if e.Extensions["status"] != "drafted" {
				return fmt.Errorf("extensions %v not kept", e.Extensions)
			}
			return nil
		}},
		{413, func() error {
			srv.InjectFault(nitrotest.Operation("CreateDocument"), 1, nitrotest.Fault{Status: 413})
			_, err := c.UploadDocument(ctx, draft, Document{Name: "y", ContentType: "application/pdf", Body: strings.NewReader("y")})
			return err
		}, nil, nil},
		{415, func() error {
			_, err := c.UploadDocument(ctx, draft, Document{Name: "x.exe", ContentType: "application/x-msdownload", Body: strings.NewReader("MZ")})
			return err
		}, nil, nil},
		{422, func() error {
			var b signapi.CreateFieldJSONRequestBody
			flowtest.Must(t, b.UnmarshalJSON([]byte(`{"type":"signature","participantID":"`+uuid.NewString()+`","boundingBox":[1,1,1,1]}`)))
			doc := flowtest.UploadDoc(t, c.ClientWithResponses, draft, 1) // a field for an unknown participant: 422
			_, err := Check(c.CreateFieldWithResponse(ctx, draft, doc, b))
			return err
		}, nil, nil},
		{429, inject(429), IsRateLimited, func(e *APIError) error {
			if e.RetryAfter != "7" {
				return fmt.Errorf("Retry-After %q", e.RetryAfter)
			}
			return nil
		}},
		{500, inject(500), nil, nil},
		{409, func() error { _, err := c.DownloadSealedEnvelope(ctx, sent, nil); return err }, IsConflict, nil},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.status), func(t *testing.T) {
			err := tt.call()
			var e *APIError
			if !errors.As(err, &e) {
				t.Fatalf("error %v (%T) is not an *APIError", err, err)
			}
			if e.StatusCode != tt.status || e.Type == "" || e.Title == "" || e.Instance == "" || e.RequestID == "" || len(e.Body) == 0 || e.Method == "" || e.Path == "" {
				t.Errorf("APIError %+v misses fields", e)
			}
			if !strings.Contains(e.Type, fmt.Sprint(tt.status)) {
				t.Errorf("type %q does not name %d", e.Type, tt.status)
			}
			if tt.is != nil && !tt.is(err) {
				t.Errorf("the Is helper does not recognise %v", err)
			}
			if tt.check != nil {
				if err := tt.check(e); err != nil {
					t.Error(err)
				}
			}
		})
	}
}

func TestBadCredentialsAreUnauthorized(t *testing.T) {
	srv := nitrotest.NewServer(nitrotest.WithPageSize(50))
	defer srv.Close()
	c, err := NewClient(Config{ClientID: srv.Credentials().ClientID, ClientSecret: "wrong-secret-value", BaseURL: srv.URL()})
	must(t, err)
	defer c.Close()
	_, err = Check(c.ListEnvelopesWithResponse(context.Background(), nil))
	var ae *auth.Error
	if !IsUnauthorized(err) || !errors.As(err, &ae) || ae.Code != "invalid_client" {
		t.Errorf("bad credentials: %v", err)
	}
	if strings.Contains(err.Error(), "wrong-secret-value") || strings.Contains(fmt.Sprintf("%+v %#v", err, c), "wrong-secret-value") {
		t.Errorf("the secret leaks: %v", err)
	}
}

func TestCheckPassesSuccessAndErrors(t *testing.T) {
	c, _, _, _ := setup(t, Config{})
	ctx := context.Background()
	r, err := Check(c.ListEnvelopesWithResponse(ctx, nil))
	if err != nil || r.StatusCode() != http.StatusOK {
		t.Errorf("Check on a 200: %v", err)
	}
	wantErr := errors.New("transport down")
	if _, err := Check((*signapi.ListEnvelopesResponse)(nil), wantErr); err != wantErr {
		t.Errorf("Check does not pass the call's error through: %v", err)
	}
}
