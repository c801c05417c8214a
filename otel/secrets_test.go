package otel_test

import (
	"context"
	"fmt"
	"github.com/nitrokit/nitro/internal/testkit/flowtest"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/auth"
	"github.com/nitrokit/nitro/nitrotest"
)

// hostileSecret is the client secret of TestNoSecretInTelemetry's server,
// which echoes it, with the token, wherever it can.
const hostileSecret = "hostile-echo-secret-0123456789abcdef"

// echoSecrets answers every request under /jobs/ 500, echoing the bearer
// token it was sent and the client secret in its header and problem body.
func echoSecrets(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if !strings.HasPrefix(req.URL.Path, "/jobs/") {
			next.ServeHTTP(w, req)
			return
		}
		bearer := req.Header.Get("Authorization")
		w.Header().Set("Content-Type", "application/problem+json")
		w.Header().Set("X-Echo", bearer+" "+hostileSecret)
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprintf(w, `{"title":"you sent %s","detail":"secret %s, token %s","status":500}`, bearer, hostileSecret, strings.TrimPrefix(bearer, "Bearer "))
	})
}

// TestNoSecretInTelemetry: a hostile server puts the token and the secret
// in a job ID, in error bodies and headers, and in the token endpoint's
// error_description; no exported span's name, attribute, event, link or
// status, and no metric's attribute, holds either. The redacted forms do
// reach the telemetry, so it was told the hostile text.
func TestNoSecretInTelemetry(t *testing.T) {
	creds := auth.Credentials{ClientID: "hostile-client", ClientSecret: hostileSecret}
	r := newRig(t, nitro.Config{MaxRetries: 1}, nitrotest.WithCredentials(creds), nitrotest.WithMiddleware(echoSecrets))
	ctx := context.Background()
	tok, err := r.client.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}

	// A job ID holding the token and the secret, answered with both.
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, r.srv.URL()+"/jobs/"+tok.AccessToken+"-"+hostileSecret+"/status", nil)
	if resp, err := r.client.Do(req); err == nil {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		t.Fatal("the echoing server's 500 was no error")
	}
	// A token endpoint refusing, its error_description echoing both.
	r.srv.RevokeTokens()
	flowtest.Must(t, r.srv.InjectFault(nitrotest.TokenEndpoint, 1, nitrotest.Fault{Status: http.StatusBadRequest, ContentType: "application/json",
		Body: fmt.Sprintf(`{"error":"invalid_grant","error_description":"secret %s, token %s"}`, hostileSecret, tok.AccessToken)}))
	if _, err := r.sign.GetEnvelope(ctx, uuid.New()); err == nil {
		t.Fatal("the refused token was no error")
	}

	var told []string // every string the telemetry holds
	keep := func(kvs []attribute.KeyValue) {
		for _, kv := range kvs {
			told = append(told, string(kv.Key)+"="+kv.Value.String())
		}
	}
	spans := r.spans.GetSpans()
	for _, s := range spans {
		told = append(told, s.Name, s.Status.Description)
		keep(s.Attributes)
		for _, e := range s.Events {
			told = append(told, e.Name)
			keep(e.Attributes)
		}
		for _, l := range s.Links {
			keep(l.Attributes)
		}
	}
	for _, m := range r.collect(t) {
		switch h := m.Data.(type) {
		case metricdata.Histogram[float64]:
			for _, dp := range h.DataPoints {
				keep(dp.Attributes.ToSlice())
			}
		case metricdata.Histogram[int64]:
			for _, dp := range h.DataPoints {
				keep(dp.Attributes.ToSlice())
			}
		}
	}
	all := strings.Join(told, "\n")
	for name, secret := range map[string]string{"the client secret": hostileSecret, "the access token": tok.AccessToken} {
		if strings.Contains(all, secret) {
			t.Errorf("the telemetry holds %s:\n%s", name, tree(spans))
		}
	}
	if !strings.Contains(all, "url.full="+r.srv.URL()+"/jobs/[REDACTED]") || !strings.Contains(all, "invalid_grant: secret [REDACTED]") {
		t.Fatalf("the telemetry was not told the hostile server's text, redacted:\n%s", tree(spans))
	}
}
