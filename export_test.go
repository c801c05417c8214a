package nitro

import (
	"context"
	"net/http"
	"time"

	"github.com/nitrokit/nitro/internal/engine"
)

// Test seams for the external tests (package nitro_test), which drive the
// client through package sign and so cannot live in package nitro.

// ErrAttemptTimeout is the cause of an attempt that went quiet too long.
var ErrAttemptTimeout = engine.ErrAttemptTimeout

// SetRetrySleep replaces the wait between c's retries.
func SetRetrySleep(c *Client, sleep func(context.Context, time.Duration) error) {
	c.engine.SetSleep(sleep)
}

// RetryBudget is c's retry budget and per-attempt timeout.
func RetryBudget(c *Client) (maxRetries int, timeout time.Duration) {
	return c.engine.MaxRetries(), c.engine.Timeout()
}

// Pool is c's own connection pool, nil when Config.HTTPClient was given.
func Pool(c *Client) *http.Transport { return c.pool }
