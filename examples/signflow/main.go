// Command signflow runs a whole Nitro Sign flow and prints each step with
// its duration and the token requests made so far: token, envelope, upload
// of a PDF it generates, signer, signature field, send, signing URLs,
// signing, waiting for the seal, and the sealed ZIP's download.
//
// With no credentials set it runs against an embedded fake (nitrotest).
// With NITRO_CLIENT_ID and NITRO_CLIENT_SECRET (and optionally
// NITRO_BASE_URL and NITRO_SIGNER_EMAIL) set it runs against the real API,
// where signing is done by a person at the signing URL it prints: it then
// says that it is waiting for the signature, with the time waited so far,
// and gives up after NITRO_SIGN_WAIT (a duration, default 15m), leaving the
// envelope sent. The sealed ZIP goes to a temporary file, removed at exit.
//
//	go run ./examples/signflow
package main

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/nitrotest"
	"github.com/nitrokit/nitro/sign"
)

func main() {
	if err := run(context.Background()); err != nil {
		log.Fatal(err)
	}
}

// flow is the state the steps share.
type flow struct {
	nc       *nitro.Client
	c        *sign.Client
	fake     *nitrotest.Server // nil against the real API
	tokens   *atomic.Int64
	env, doc uuid.UUID
	signer   uuid.UUID
	zipPath  string
	signWait time.Duration // how long a person has to sign, against the real API
}

// envSignWait bounds the wait for a signature against the real API.
const envSignWait = "NITRO_SIGN_WAIT"

func run(ctx context.Context) error {
	f, cleanup, err := newFlow()
	if err != nil {
		return err
	}
	defer cleanup()
	steps := []struct {
		name string
		do   func(context.Context) (string, error)
	}{
		{"token", f.token},
		{"create envelope", f.createEnvelope},
		{"upload a generated PDF", f.upload},
		{"add a signer", f.addSigner},
		{"place a signature field", f.placeField},
		{"send for signing", f.send},
		{"list signing URLs", f.signingURLs},
		{"signing done", f.sign},
		{"wait for sealed", f.waitSealed},
		{"download the sealed ZIP", f.download},
		{"inspect the ZIP", f.inspect},
	}
	total := time.Now()
	for i, s := range steps {
		start := time.Now()
		out, err := s.do(ctx)
		if err != nil {
			return fmt.Errorf("step %d, %s: %w", i+1, s.name, err)
		}
		fmt.Printf("%2d. %-26s %9s  tokens: %d  %s\n", i+1, s.name, time.Since(start).Round(10*time.Microsecond), f.tokens.Load(), out)
	}
	fmt.Printf("done in %s\n", time.Since(total).Round(time.Millisecond))
	return nil
}

// newFlow builds a client for the real API when credentials are set, or for
// an embedded fake.
func newFlow() (*flow, func(), error) {
	f := &flow{tokens: &atomic.Int64{}, signWait: 15 * time.Minute}
	if v := os.Getenv(envSignWait); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return nil, nil, fmt.Errorf("%s=%q: want a positive duration, such as 30m", envSignWait, v)
		}
		f.signWait = d
	}
	cfg, err := nitro.ConfigFromEnv()
	if err != nil && (os.Getenv(nitro.EnvClientID) != "" || os.Getenv(nitro.EnvClientSecret) != "") {
		return nil, nil, err // half of the pair: the error names the other
	}
	cfg.UserAgent = "signflow-example"
	if err != nil {
		f.fake = nitrotest.NewServer()
		creds := f.fake.Credentials()
		cfg.ClientID, cfg.ClientSecret, cfg.BaseURL = creds.ClientID, creds.ClientSecret, f.fake.URL()
		fmt.Println("no NITRO_CLIENT_ID/NITRO_CLIENT_SECRET: running against an embedded fake at", f.fake.URL())
	}
	// Count token requests by watching the wire, the same way for both.
	cfg.HTTPClient = &http.Client{Transport: countTokens{next: http.DefaultTransport, n: f.tokens}}
	c, err := nitro.NewClient(cfg)
	if err != nil {
		return nil, nil, err
	}
	f.nc, f.c = c, sign.New(c)
	return f, func() {
		c.Close()
		if f.fake != nil {
			f.fake.Close()
		}
		if f.zipPath != "" {
			os.Remove(f.zipPath)
		}
	}, nil
}

type countTokens struct {
	next http.RoundTripper
	n    *atomic.Int64
}

func (t countTokens) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasSuffix(r.URL.Path, "/oauth/token") {
		t.n.Add(1)
	}
	return t.next.RoundTrip(r)
}

func (f *flow) token(ctx context.Context) (string, error) {
	tok, err := f.nc.Token(ctx)
	return fmt.Sprintf("%s token, expires %s", tok.TokenType, tok.Expiry.Format(time.RFC3339)), err
}

func (f *flow) createEnvelope(ctx context.Context) (string, error) {
	env, err := f.c.CreateEnvelope(ctx, sign.EnvelopeCreate{
		Name: "Signflow example", Mode: sign.EnvelopeModeSequential,
		Notification: sign.Notification{Subject: "Please sign the example", Body: "Sent by the nitro Go client's signflow example."},
	})
	f.env = env.ID
	return "envelope " + f.env.String(), err
}

func (f *flow) upload(ctx context.Context) (string, error) {
	pdf, size := nitrotest.PDF("Agreement: signed with the nitro Go client.", 0)
	d, err := f.c.CreateDocument(ctx, f.env, sign.DocumentUpload{
		Name: "agreement.pdf", ContentType: "application/pdf", Body: pdf, Size: size,
	})
	f.doc = d.ID
	return fmt.Sprintf("document %s, %d bytes", f.doc, size), err
}

func (f *flow) addSigner(ctx context.Context) (string, error) {
	email := envOr("NITRO_SIGNER_EMAIL", "signer@example.com")
	ps, err := f.c.CreateParticipant(ctx, f.env, sign.NewCreateParticipantRequest(
		sign.SingleParticipantRequest{Email: email, Role: sign.ParticipantRoleSigner}))
	if err != nil {
		return "", err
	}
	f.signer = ps[0].ID
	return "signer " + email, nil
}

func (f *flow) placeField(ctx context.Context) (string, error) {
	_, err := f.c.CreateField(ctx, f.env, f.doc, sign.NewCreateFieldRequest(sign.CreateSignatureField{
		ParticipantID: f.signer, Page: 1, BoundingBox: []float32{72, 600, 200, 50}, Required: true,
	}))
	return "signature on page 1 at [72 600 200 50]", err
}

func (f *flow) send(ctx context.Context) (string, error) {
	env, err := f.c.SendForSigning(ctx, f.env)
	return "status " + string(env.Status), err
}

func (f *flow) signingURLs(ctx context.Context) (string, error) {
	list, err := f.c.ListSignerSigningUrls(ctx, f.env)
	var urls []string
	for _, u := range list.Items {
		urls = append(urls, u.SigningURL)
	}
	return strings.Join(urls, " "), err
}

func (f *flow) sign(context.Context) (string, error) {
	if f.fake == nil {
		return "skipped against the real API: sign at the URL above", nil
	}
	return "by the fake's Sign hook", f.fake.Sign(f.env.String())
}

// waitSealed waits for the envelope to be signed and sealed. Against the
// real API a person signs, so it says that it waits, with the time waited
// so far, and gives up after f.signWait with what to do next.
func (f *flow) waitSealed(ctx context.Context) (string, error) {
	wait := f.signWait
	if f.fake != nil {
		wait = time.Minute // the fake seals by itself, at once
	}
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	if f.fake == nil {
		defer f.sayWaiting(wait)()
	}
	env, err := f.c.WaitForEnvelopeStatus(ctx, f.env, sign.EnvelopeStatusSealed)
	if errors.Is(err, context.DeadlineExceeded) && f.fake == nil {
		return "", fmt.Errorf("nobody signed within %v: envelope %s stays sent. Sign it at the URL above and download it later, cancel it in Nitro, or run again with a longer %s", wait, f.env, envSignWait)
	}
	return "status " + string(env.Status), err
}

// sayWaiting prints, now and then every so often until the returned stop is
// called, that the flow is waiting for a signature and for how long.
func (f *flow) sayWaiting(limit time.Duration) (stop func()) {
	start := time.Now()
	every := min(30*time.Second, max(limit/10, time.Second))
	say := func() {
		fmt.Printf("    waiting for a signature at the signing URL above: %s so far, giving up after %s\n",
			time.Since(start).Round(time.Second), limit)
	}
	say()
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-tick.C:
				say()
			case <-done:
				return
			}
		}
	}()
	return func() { close(done); <-finished }
}

func (f *flow) download(ctx context.Context) (string, error) {
	out, err := os.CreateTemp("", "nitro-signflow-*.zip")
	if err != nil {
		return "", err
	}
	defer out.Close()
	f.zipPath = out.Name() // removed at exit, whatever happens
	n, err := f.c.DownloadSealedEnvelope(ctx, f.env, out)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%d bytes to %s (removed at exit)", n, f.zipPath), out.Close()
}

func (f *flow) inspect(context.Context) (string, error) {
	zr, err := zip.OpenReader(f.zipPath)
	if err != nil {
		return "", err
	}
	defer zr.Close()
	st, err := os.Stat(f.zipPath)
	if err != nil {
		return "", err
	}
	var entries []string
	for _, e := range zr.File {
		entries = append(entries, fmt.Sprintf("%s (%d bytes)", e.Name, e.UncompressedSize64))
	}
	return fmt.Sprintf("%s: %d bytes, entries: %s", filepath.Base(f.zipPath), st.Size(), strings.Join(entries, ", ")), nil
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
