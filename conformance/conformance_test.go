package conformance_test

import (
	"bytes"
	"context"
	"github.com/nitrokit/nitro/internal/testkit/flowtest"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/auth"
	"github.com/nitrokit/nitro/conformance"
	"github.com/nitrokit/nitro/nitrotest"
	"github.com/nitrokit/nitro/sign"
)

// The secret the fake is given, long enough to be found in a transcript.
const fakeSecret = "conformance-fake-secret-9b1f77c2"

// jwt matches a JWT-shaped token: the fake issues those.
var jwt = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.`)

// TestEveryScenarioOnTheFake runs the whole suite against nitrotest: every
// scenario passes (the fake answers as Nitro's documents and clients say),
// and the transcript shows neither the secret nor a token.
func TestEveryScenarioOnTheFake(t *testing.T) {
	t.Parallel()
	srv := nitrotest.NewServer(nitrotest.WithJobDuration(0), nitrotest.WithSealDelay(time.Millisecond), nitrotest.WithPageSize(2),
		nitrotest.WithCredentials(auth.Credentials{ClientID: "conformance", ClientSecret: fakeSecret}))
	defer srv.Close()
	var transcript, summary, progress bytes.Buffer
	rep, err := conformance.Run(context.Background(), conformance.Config{
		Nitro:       nitro.Config{ClientID: "conformance", ClientSecret: fakeSecret, BaseURL: srv.URL()},
		SignerEmail: "signer@example.com",
		Sign:        srv.Sign,
		Transcript:  &transcript, Summary: &summary, Progress: &progress,
		JobWait: 30 * time.Second, Poll: 5 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, res := range rep.Results {
		if res.Outcome != conformance.Pass {
			t.Errorf("%s %s: %s", res.Outcome, res.Name, res.Detail)
		}
	}
	if len(rep.Results) < 100 {
		t.Errorf("%d scenarios ran", len(rep.Results))
	}
	if len(rep.Findings) < 10 {
		t.Errorf("%d findings:\n%s", len(rep.Findings), summary.String())
	}
	checkClean(t, "transcript", transcript.String())
	checkClean(t, "summary", summary.String())
	if !strings.Contains(transcript.String(), "> POST /oauth/token") && !strings.Contains(transcript.String(), "/oauth/token") {
		t.Error("the transcript has no token request")
	}
	if t.Failed() || testing.Verbose() {
		t.Logf("summary:\n%s", summary.String())
	}
}

// checkClean fails if text shows the secret, a token, a bearer credential
// or a pre-signed URL's signature.
func checkClean(t *testing.T, what, text string) {
	t.Helper()
	for _, bad := range []struct {
		name string
		re   *regexp.Regexp
	}{
		{"the client secret", regexp.MustCompile(regexp.QuoteMeta(fakeSecret))},
		{"a token", jwt},
		{"a bearer credential", regexp.MustCompile(`(?i)bearer\s+[^\s\[]`)},
		{"a URL's signature", regexp.MustCompile(`signature=[0-9a-f]`)},
	} {
		if loc := bad.re.FindStringIndex(text); loc != nil {
			t.Errorf("the %s shows %s: …%s…", what, bad.name, text[max(loc[0]-80, 0):min(loc[1]+40, len(text))])
		}
	}
}

// TestSendsOnlyToTheSigner: the lifecycle's envelope holds two placeholder
// participants until they are deleted; when deleting them fails, the
// envelope is not sent (its send scenario fails instead), so nothing is
// ever sent for signing to anyone but the signer.
func TestSendsOnlyToTheSigner(t *testing.T) {
	t.Parallel()
	srv := nitrotest.NewServer(nitrotest.WithJobDuration(0), nitrotest.WithSealDelay(time.Millisecond),
		nitrotest.WithCredentials(auth.Credentials{ClientID: "conformance", ClientSecret: fakeSecret}))
	defer srv.Close()
	flowtest.Must(t, srv.InjectFault(nitrotest.Operation("DeleteParticipant"), 100, nitrotest.Fault{Status: http.StatusBadRequest}))
	rep, err := conformance.Run(context.Background(), conformance.Config{
		Nitro:       nitro.Config{ClientID: "conformance", ClientSecret: fakeSecret, BaseURL: srv.URL()},
		SignerEmail: "signer@example.com",
		Sign:        srv.Sign,
		JobWait:     30 * time.Second, Poll: 5 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, res := range rep.Results {
		if res.Name == "sign/send for signing" && res.Outcome != conformance.Fail {
			t.Errorf("%s %s: %s; want it failed", res.Outcome, res.Name, res.Detail)
		}
	}
	// One send: the sealed-downloads envelope, whose only participant is
	// the signer.
	if n := srv.Stats().Operations["SendForSigning"]; n != 1 {
		t.Errorf("%d envelopes sent, want 1", n)
	}
}

// roundTripFunc is an http.RoundTripper of a func.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestAnEnvelopeMeantToBeRefusedIsDeletedToo: the 400 scenario's envelope
// (no name, a mode that is none) is deleted at the end if the API creates
// it after all; here a transport under the suite makes the request valid,
// so the fake creates it.
func TestAnEnvelopeMeantToBeRefusedIsDeletedToo(t *testing.T) {
	t.Parallel()
	srv := nitrotest.NewServer(nitrotest.WithJobDuration(0), nitrotest.WithSealDelay(time.Millisecond),
		nitrotest.WithCredentials(auth.Credentials{ClientID: "conformance", ClientSecret: fakeSecret}))
	defer srv.Close()
	accepting := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/sign/envelopes") {
			b, err := io.ReadAll(r.Body)
			if err != nil {
				return nil, err
			}
			b = bytes.Replace(b, []byte(`"mode":"neither"`), []byte(`"mode":"sequential"`), 1)
			b = bytes.Replace(b, []byte(`"name":""`), []byte(`"name":"accepted after all"`), 1)
			b = bytes.Replace(b, []byte(`{"body":"","subject":""}`), []byte(`{"body":"b","subject":"s"}`), 1)
			r = r.Clone(r.Context())
			r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
		}
		return http.DefaultTransport.RoundTrip(r)
	})
	cfg := nitro.Config{ClientID: "conformance", ClientSecret: fakeSecret, BaseURL: srv.URL()}
	run := cfg
	run.HTTPClient = &http.Client{Transport: accepting}
	if _, err := conformance.Run(context.Background(), conformance.Config{Nitro: run, JobWait: 30 * time.Second, Poll: 5 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	nc, err := nitro.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	for env, err := range sign.New(nc).ListEnvelopesAutoPaging(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		t.Errorf("left behind: %q, %s", env.Name, env.Status)
	}
}
