//go:build unix

package sign_test

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time the process has used so far, user and system: a
// benchmark's cost that other processes on a shared machine do not skew the
// way they skew wall time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
