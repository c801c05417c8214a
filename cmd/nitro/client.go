package main

import (
	"log/slog"
	"time"

	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/nitrotest"
	"github.com/nitrokit/nitro/pdf"
	"github.com/nitrokit/nitro/sign"
)

// fakeJobDuration is how long a PDF job runs on --fake's fake: long enough
// to watch its progress, short enough to wait for.
const fakeJobDuration = time.Second

// client returns the run's nitro.Client, made on first use from the
// settings, or for the in-process fake with --fake. Every API call of the
// command goes through it.
func (a *app) client() (*nitro.Client, error) {
	if a.nc != nil {
		return a.nc, nil
	}
	cfg, err := a.config()
	if err != nil {
		return nil, err
	}
	cfg.UserAgent = "nitro-cli/" + version()
	if a.flags.verbose {
		cfg.Logger = slog.New(slog.NewTextHandler(redacting{a}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	nc, err := nitro.NewClient(cfg)
	if err != nil {
		return nil, err
	}
	a.nc = nc
	return nc, nil
}

// config is the client's Config: the in-process fake's with --fake, else
// the settings, which must hold both credentials.
func (a *app) config() (nitro.Config, error) {
	if a.flags.fake {
		a.fake = nitrotest.NewServer(nitrotest.WithJobDuration(fakeJobDuration))
		creds := a.fake.Credentials()
		return nitro.Config{ClientID: creds.ClientID, ClientSecret: creds.ClientSecret, BaseURL: a.fake.URL()}, nil
	}
	s, err := a.settings()
	if err != nil {
		return nitro.Config{}, err
	}
	if s.clientID.value == "" || s.clientSecret.value == "" {
		return nitro.Config{}, &credentialsError{msg: "no client credentials: set " + nitro.EnvClientID + " and " + nitro.EnvClientSecret +
			", pass --client-id and --client-secret, or save them with 'nitro auth login'\n" +
			"to try a command with no account, add --fake; to serve a fake for other programs, run 'nitro fake'"}
	}
	return nitro.Config{ClientID: s.clientID.value, ClientSecret: s.clientSecret.value, BaseURL: s.baseURL.value, TokenURL: s.tokenURL.value}, nil
}

func (a *app) pdfClient() (*pdf.Client, error) {
	nc, err := a.client()
	if err != nil {
		return nil, err
	}
	return pdf.New(nc), nil
}

func (a *app) signClient() (*sign.Client, error) {
	nc, err := a.client()
	if err != nil {
		return nil, err
	}
	return sign.New(nc), nil
}

// signedByFake signs envelopeID as its signers would when the command runs
// on --fake's fake, where no person can: it reports whether it did.
func (a *app) signedByFake(envelopeID string) (bool, error) {
	if a.fake == nil {
		return false, nil
	}
	return true, a.fake.Sign(envelopeID)
}
