package pdf

import (
	"context"
	"time"
)

// SetSleep replaces the wait between c's status polls and stream
// reconnections: a seam for the external tests.
func SetSleep(c *Client, sleep func(context.Context, time.Duration) error) { c.sleep = sleep }
