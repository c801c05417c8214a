package nitrotest

import "time"

// WithJobDuration sets how long a PDF Services job runs, on the Server's
// clock, from its creation to completion (default 50ms); its progress grows
// linearly meanwhile. A negative duration leaves jobs running until
// CompleteJob, FailJob or CancelJob.
func WithJobDuration(d time.Duration) Option { return func(o *config) { o.jobDuration = d } }

// WithJobExpiry sets how long a finished PDF Services job stays available
// (default 24h, on the Server's clock); after that its status and result
// answer 410, as ExpireJob makes them at once.
func WithJobExpiry(d time.Duration) Option { return func(o *config) { o.jobExpiry = d } }

// WithOutputSize sets the size in bytes of every PDF a PDF Services tool
// produces (default: the smallest, about 600 bytes). The bulk is generated
// as it is sent, so a 200 MB synchronous binary result costs no memory.
// Images, Office files and form data keep their own small sizes.
func WithOutputSize(n int64) Option { return func(o *config) { o.outputSize = n } }
