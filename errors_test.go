package nitro_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/auth"
	"github.com/nitrokit/nitro/internal/testkit/flowtest"
	"github.com/nitrokit/nitro/nitrotest"
	"github.com/nitrokit/nitro/sign"
)

// TestErrorTyping produces each problem type the API answers and checks
// what an *nitro.APIError says about it.
func TestErrorTyping(t *testing.T) {
	c, srv, _, _ := setup(t, nitro.Config{MaxRetries: -1}, nitrotest.WithSealDelay(-1))
	ctx := context.Background()
	draft := flowtest.NewEnvelope(t, sign.New(c), "Draft")
	sent, _, _ := flowtest.SentEnvelope(t, sign.New(c))
	inject := func(status int) func() error {
		return func() error {
			n := 1
			if status == http.StatusUnauthorized {
				n = 2 // a 401 is replayed once with a new token
			}
			flowtest.Must(t, srv.InjectFault(nitrotest.Operation("GetEnvelope"), n, nitrotest.Fault{Status: status, RetryAfter: "7"}))
			_, err := sign.New(c).GetEnvelope(ctx, draft)
			return err
		}
	}
	tests := []struct {
		status int
		call   func() error
		is     func(error) bool
		check  func(*nitro.APIError) error
	}{
		{400, func() error {
			_, err := sign.New(c).UpdateEnvelope(ctx, draft, sign.EnvelopeUpdate{Name: nitro.Ptr("")})
			return err
		}, nil, func(e *nitro.APIError) error {
			if e.ValidationErrors["name"] != "must not be blank" || !strings.Contains(e.Error(), "name must not be blank") {
				return fmt.Errorf("validation_errors %v not kept", e.ValidationErrors)
			}
			return nil
		}},
		{401, inject(401), nitro.IsUnauthorized, func(e *nitro.APIError) error {
			if e.Attempts != 1 {
				return fmt.Errorf("attempts %d: the 401 replay is the auth layer's, not a retry", e.Attempts)
			}
			return nil
		}},
		{403, inject(403), nil, nil},
		{404, func() error { _, err := sign.New(c).GetEnvelope(ctx, uuid.New()); return err }, nitro.IsNotFound, nil},
		{409, func() error { _, err := sign.New(c).CancelEnvelope(ctx, draft); return err }, nitro.IsConflict, func(e *nitro.APIError) error {
			if e.Extensions["status"] != "drafted" {
				return fmt.Errorf("extensions %v not kept", e.Extensions)
			}
			return nil
		}},
		{413, func() error {
			flowtest.Must(t, srv.InjectFault(nitrotest.Operation("CreateDocument"), 1, nitrotest.Fault{Status: 413}))
			_, err := sign.New(c).CreateDocument(ctx, draft, sign.DocumentUpload{Name: "y", ContentType: "application/pdf", Body: strings.NewReader("y")})
			return err
		}, nil, nil},
		{415, func() error {
			_, err := sign.New(c).CreateDocument(ctx, draft, sign.DocumentUpload{Name: "x.exe", ContentType: "application/x-msdownload", Body: strings.NewReader("MZ")})
			return err
		}, nil, nil},
		{422, func() error {
			b := sign.NewCreateFieldRequest(sign.CreateSignatureField{ParticipantID: uuid.New(), BoundingBox: []float32{1, 1, 1, 1}})
			doc := flowtest.UploadDoc(t, sign.New(c), draft, 1) // a field for an unknown participant: 422
			_, err := sign.New(c).CreateField(ctx, draft, doc, b)
			return err
		}, nil, nil},
		{429, inject(429), nitro.IsRateLimited, func(e *nitro.APIError) error {
			if e.RetryAfter != "7" {
				return fmt.Errorf("Retry-After %q", e.RetryAfter)
			}
			return nil
		}},
		{500, inject(500), nil, nil},
		{409, func() error { _, err := sign.New(c).DownloadSealedEnvelope(ctx, sent, io.Discard); return err }, nitro.IsConflict, nil},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.status), func(t *testing.T) {
			err := tt.call()
			var e *nitro.APIError
			if !errors.As(err, &e) {
				t.Fatalf("error %v (%T) is not an *nitro.APIError", err, err)
			}
			if e.StatusCode != tt.status || e.Type == "" || e.Title == "" || e.Instance == "" || e.RequestID == "" || len(e.Body) == 0 || e.Method == "" || e.Path == "" {
				t.Errorf("nitro.APIError %+v misses fields", e)
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
	c, err := nitro.NewClient(nitro.Config{ClientID: srv.Credentials().ClientID, ClientSecret: "wrong-secret-value", BaseURL: srv.URL()})
	must(t, err)
	defer c.Close()
	_, err = sign.New(c).ListEnvelopes(context.Background(), sign.ListEnvelopesParams{})
	var ae *auth.Error
	if !nitro.IsUnauthorized(err) || !errors.As(err, &ae) || ae.Code != "invalid_client" {
		t.Errorf("bad credentials: %v", err)
	}
	if strings.Contains(err.Error(), "wrong-secret-value") || strings.Contains(fmt.Sprintf("%+v %#v", err, c), "wrong-secret-value") {
		t.Errorf("the secret leaks: %v", err)
	}
}

// TestDoReturnsAPIErrors checks the contract every call rests on: Do answers
// 2xx with the response and anything else with an *APIError and no
// response, whoever built the request.
func TestDoReturnsAPIErrors(t *testing.T) {
	c, srv, _, _ := setup(t, nitro.Config{MaxRetries: -1})
	for _, tt := range []struct {
		path string
		want int
	}{{"/sign/envelopes", 200}, {"/sign/envelopes/" + uuid.NewString(), 404}, {"/no/such/path", 404}} {
		req, err := http.NewRequest(http.MethodGet, srv.URL()+tt.path, nil)
		must(t, err)
		resp, err := c.Do(req)
		var ae *nitro.APIError
		switch {
		case tt.want == 200 && (err != nil || resp.StatusCode != 200):
			t.Errorf("GET %s: %v", tt.path, err)
		case tt.want != 200 && (resp != nil || !errors.As(err, &ae) || ae.StatusCode != tt.want):
			t.Errorf("GET %s: response %v, error %v; want no response and a %d APIError", tt.path, resp, err, tt.want)
		}
		if resp != nil {
			resp.Body.Close()
		}
		if req.Header.Get("User-Agent") == "" {
			t.Errorf("Do sent no User-Agent")
		}
	}
	// The raw generated client, on the same Do, cannot see a 4xx as a success.
	if _, err := sign.New(c).Raw().GetEnvelope(context.Background(), uuid.New()); !nitro.IsNotFound(err) {
		t.Errorf("raw client on an unknown envelope: %v, want a 404 APIError", err)
	}
}

// TestDoGuardsTheToken: the stack attaches the API token to every request,
// so Do sends nothing to another host; and requests a caller builds by hand
// (no header map) or answers its own RoundTripper gives (no Request) work.
func TestDoGuardsTheToken(t *testing.T) {
	c, srv, _, _ := setup(t, nitro.Config{})
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("a request reached another host, Authorization %q", r.Header.Get("Authorization"))
	}))
	defer elsewhere.Close()
	req, _ := http.NewRequest(http.MethodGet, elsewhere.URL+"/sign/envelopes", nil)
	if _, err := c.Do(req); !errors.Is(err, nitro.ErrForeignHost) {
		t.Errorf("another host: %v, want ErrForeignHost", err)
	}
	u, _ := url.Parse(srv.URL() + "/sign/envelopes")
	resp, err := c.Do(&http.Request{Method: http.MethodGet, URL: u})
	if err != nil {
		t.Fatalf("a hand-built request with no header map: %v", err)
	}
	resp.Body.Close()
}
