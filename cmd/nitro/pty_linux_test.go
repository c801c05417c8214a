package main

import (
	"os"
	"os/exec"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

// startOnTerminal starts cmd on a new pseudo-terminal of 40 rows of 160
// columns and returns its controlling side, as pty.StartWithSize does, but
// with NOFLSH set: Ctrl-C typed at a terminal signals the command, then
// discards the output not yet read from the terminal, and the command's
// answer to the signal, written in that moment, was lost now and then (2
// runs of TestCtrlCOnTerminal in 100). A person's terminal reads at once;
// the test's copy does not.
func startOnTerminal(cmd *exec.Cmd) (*os.File, error) {
	ptm, tty, err := pty.Open()
	if err != nil {
		return nil, err
	}
	defer tty.Close()
	t, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
	if err == nil {
		t.Lflag |= unix.NOFLSH
		err = unix.IoctlSetTermios(int(tty.Fd()), unix.TCSETS, t)
	}
	if err == nil {
		err = pty.Setsize(ptm, &pty.Winsize{Rows: 40, Cols: 160})
	}
	if err != nil {
		ptm.Close()
		return nil, err
	}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
	cmd.SysProcAttr = &unix.SysProcAttr{Setsid: true, Setctty: true}
	if err := cmd.Start(); err != nil {
		ptm.Close()
		return nil, err
	}
	return ptm, nil
}
