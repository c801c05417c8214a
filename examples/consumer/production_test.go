package consumer_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"example.com/consumer"
	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/nitrotest"
	"github.com/nitrokit/nitro/pdf"
	"github.com/nitrokit/nitro/sign"
)

// envFor points the NITRO_* variables at fake, as a deployment sets them.
func envFor(t *testing.T, fake *nitrotest.Server) {
	creds := fake.Credentials()
	t.Setenv(nitro.EnvClientID, creds.ClientID)
	t.Setenv(nitro.EnvClientSecret, creds.ClientSecret)
	t.Setenv(nitro.EnvBaseURL, fake.URL())
	t.Setenv(nitro.EnvTokenURL, "")
}

// newClient is the service's client, from the environment envFor set,
// closed when the test ends.
func newClient(t *testing.T) *nitro.Client {
	t.Helper()
	nc, err := consumer.NewClient(slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	return nc
}

// draft creates a draft envelope named name.
func draft(t *testing.T, s *sign.Client, name string) sign.ExtendedEnvelope {
	t.Helper()
	env, err := s.CreateEnvelope(context.Background(), sign.EnvelopeCreate{Name: name, Mode: sign.EnvelopeModeParallel, Notification: sign.Notification{Subject: "s", Body: "b"}})
	if err != nil {
		t.Fatal(err)
	}
	return env
}

// seen records one header of each request to the fake.
type seen struct {
	mu  sync.Mutex
	got []string
}

func (s *seen) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPatch {
			s.mu.Lock()
			s.got = append(s.got, r.Header.Get("X-Correlation-Id"))
			s.mu.Unlock()
		}
		next.ServeHTTP(w, r)
	})
}

func TestNewClientFromTheEnvironment(t *testing.T) {
	t.Setenv(nitro.EnvClientID, "")
	t.Setenv(nitro.EnvClientSecret, "")
	_, err := consumer.NewClient(slog.New(slog.DiscardHandler))
	var ce *nitro.ConfigError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), nitro.EnvClientSecret) {
		t.Fatalf("%v, want a ConfigError naming %s", err, nitro.EnvClientSecret)
	}
}

// TestOneCallsHeaderAndIdempotentRetry: the rename carries its
// correlation ID on every attempt, and, being idempotent by the caller's
// word, is retried after a 503 that a PATCH would otherwise not survive.
func TestOneCallsHeaderAndIdempotentRetry(t *testing.T) {
	patches := &seen{}
	fake := nitrotest.NewServer(nitrotest.WithMiddleware(patches.middleware))
	defer fake.Close()
	envFor(t, fake)
	nc := newClient(t)
	s := sign.New(nc)
	ctx := context.Background()
	env := draft(t, s, "Draft")
	if err := fake.InjectFault(nitrotest.Operation("UpdateEnvelope"), 1, nitrotest.Fault{Status: 503}); err != nil {
		t.Fatal(err)
	}
	got, err := consumer.Rename(ctx, s, env.ID, "Final", "req-7")
	if err != nil || got.Name != "Final" {
		t.Fatalf("%+v, %v", got, err)
	}
	patches.mu.Lock()
	defer patches.mu.Unlock()
	if len(patches.got) != 2 || patches.got[0] != "req-7" || patches.got[1] != "req-7" {
		t.Fatalf("PATCHes carried %q, want req-7 on two attempts", patches.got)
	}
}

// TestRequestIDOfASuccessfulCall: the log line of a call that worked names
// the request ID Nitro gave it.
func TestRequestIDOfASuccessfulCall(t *testing.T) {
	fake := nitrotest.NewServer()
	defer fake.Close()
	envFor(t, fake)
	nc := newClient(t)
	s := sign.New(nc)
	ctx := context.Background()
	env := draft(t, s, "Logged")
	var logs bytes.Buffer
	status, err := consumer.Status(ctx, s, env.ID, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil || status != sign.EnvelopeStatusDrafted || !strings.Contains(logs.String(), "request_id=") || strings.Contains(logs.String(), `request_id=""`) || strings.Contains(logs.String(), "request_id= ") {
		t.Fatalf("%s, %v; log %q, want a request ID", status, err, logs.String())
	}
}

// TestJobResumedOnASecondClient: a job started by one client is finished,
// by its ID alone, on another with a token of its own.
func TestJobResumedOnASecondClient(t *testing.T) {
	fake := nitrotest.NewServer()
	defer fake.Close()
	envFor(t, fake)
	first := newClient(t)
	ctx := context.Background()
	docx := "PK\x03\x04 a docx"
	id, err := consumer.StartConversion(ctx, pdf.New(first), strings.NewReader(docx), int64(len(docx)))
	if err != nil {
		t.Fatal(err)
	}
	second := newClient(t)
	var out bytes.Buffer
	if n, err := consumer.FinishConversion(ctx, pdf.New(second), id, &out); err != nil || n == 0 || !bytes.HasPrefix(out.Bytes(), []byte("%PDF-")) {
		t.Fatalf("%d bytes, %v", n, err)
	}
	if n := fake.Stats().TokenRequests; n != 2 {
		t.Fatalf("%d token requests, want one per client", n)
	}
}
