//go:build unix

package main

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
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

// TestOutputNotARegularFile: an -o that names a FIFO (or a device, such as
// /dev/null) is written in place. A temporary file used to be renamed over
// it, replacing it: run as root, '-o /dev/null' replaced /dev/null.
func TestOutputNotARegularFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fifo := filepath.Join(dir, "out.pdf")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	// Opened for reading and writing, so the command's open needs no
	// reader to wait for, and the pipe's buffer holds the small result.
	r, err := os.OpenFile(fifo, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	expect(t, exitOK, runOpts{dir: dir}, "pdf", "compress", testdata(t, "contract.pdf"), "-o", "out.pdf")
	if st, err := os.Lstat(fifo); err != nil || st.Mode().Type() != fs.ModeNamedPipe {
		t.Fatalf("-o FIFO: the FIFO was replaced: %v, %v", st.Mode(), err)
	}
	if err := r.SetReadDeadline(time.Now().Add(deadline)); err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 5)
	if _, err := io.ReadFull(r, b); err != nil || string(b) != "%PDF-" {
		t.Errorf("read %q from the FIFO: %v", b, err)
	}
	noPartFiles(t, dir)
}
