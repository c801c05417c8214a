package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestInputNotARegularFile: a FIFO or a directory given as an input is a
// usage error at once. A FIFO used to be opened first, which blocks until
// some other process writes to it: the command hung, deaf to Ctrl-C.
func TestInputNotARegularFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fifo := filepath.Join(dir, "in.pdf")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(dir, "folder.pdf")
	if err := os.Mkdir(sub, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"pdf", "compress", fifo, "-o", "out.pdf"},
		{"pdf", "merge", sub, fifo, "-o", "out.pdf"},
		{"sign", "send", fifo, "--signer", "ada@example.com"},
	} {
		_, stderr := expect(t, exitUsage, runOpts{dir: dir}, args...)
		if !strings.Contains(stderr, "is not a regular file") {
			t.Errorf("%v: %s", args, stderr)
		}
	}
}
