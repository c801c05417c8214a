//go:build !unix

package cputest

import "time"

// Used is not measured here: it is always 0, and so are the ratios and
// per-op figures built on it.
func Used() time.Duration { return 0 }
