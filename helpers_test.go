package nitro_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/internal/testkit/flowtest"
	"github.com/nitrokit/nitro/internal/testkit/testlog"
	"github.com/nitrokit/nitro/nitrotest"
)

// sleeps records the retry sleeps a client asked for, without sleeping.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.d = append(s.d, d)
	return ctx.Err()
}

func (s *sleeps) all() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.d...)
}

// setup starts a validating fake and a nitro.Client on it whose retries do not
// sleep; both stop when the test ends.
func setup(t *testing.T, cfg nitro.Config, opts ...nitrotest.Option) (*nitro.Client, *nitrotest.Server, *sleeps, *testlog.Buffer) {
	t.Helper()
	srv := nitrotest.NewServer(append([]nitrotest.Option{nitrotest.WithPageSize(50)}, opts...)...)
	t.Cleanup(srv.Close)
	logs := &testlog.Buffer{}
	creds := srv.Credentials()
	cfg.ClientID, cfg.ClientSecret, cfg.BaseURL = creds.ClientID, creds.ClientSecret, srv.URL()
	cfg.Logger = logs.Logger()
	c, err := nitro.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	sl := &sleeps{}
	nitro.SetRetrySleep(c, sl.sleep)
	return c, srv, sl, logs
}

var must = flowtest.Must
