package sign_test

import (
	"testing"

	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/internal/testkit/flowtest"
	"github.com/nitrokit/nitro/nitrotest"
	"github.com/nitrokit/nitro/sign"
)

// setup starts a validating fake and a sign.Client on it, configured by cfg
// (credentials and base URL filled in); both stop when the test ends.
func setup(t testing.TB, cfg nitro.Config, opts ...nitrotest.Option) (*sign.Client, *nitrotest.Server) {
	t.Helper()
	srv := nitrotest.NewServer(opts...)
	t.Cleanup(srv.Close)
	creds := srv.Credentials()
	cfg.ClientID, cfg.ClientSecret, cfg.BaseURL = creds.ClientID, creds.ClientSecret, srv.URL()
	nc, err := nitro.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	return sign.New(nc), srv
}

var must = flowtest.Must
