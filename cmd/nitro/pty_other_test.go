//go:build !linux

package main

import (
	"os"
	"os/exec"

	"github.com/creack/pty"
)

// startOnTerminal starts cmd on a new pseudo-terminal of 40 rows of 160
// columns and returns its controlling side (see the Linux one).
func startOnTerminal(cmd *exec.Cmd) (*os.File, error) {
	return pty.StartWithSize(cmd, &pty.Winsize{Rows: 40, Cols: 160})
}
