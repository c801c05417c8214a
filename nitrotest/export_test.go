package nitrotest

import "time"

// WithClock makes the Server read the time from now instead of time.Now,
// for the tests in nitrotest_test. now must be safe for concurrent use.
func WithClock(now func() time.Time) Option { return func(c *config) { c.now = now } }
