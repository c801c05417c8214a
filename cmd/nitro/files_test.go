package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOutputCheckedFirst: an output that cannot be written is found before
// anything is sent, and named as given. It used to be found once a job had
// run (or an envelope been signed), by a message naming a temporary file.
func TestOutputCheckedFirst(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "folder"), 0o700); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		code int
		args []string
		want string
	}{
		{exitFailed, []string{"pdf", "compress", testdata(t, "contract.pdf"), "--async", "-o", "missing/out.pdf"}, "cannot write missing/out.pdf: no directory missing"},
		{exitUsage, []string{"pdf", "compress", testdata(t, "contract.pdf"), "--async", "-o", "folder"}, "-o folder is a directory"},
		{exitFailed, []string{"pdf", "job", "00000000-0000-0000-0000-000000000000", "--wait", "-o", "missing/out.pdf"}, "cannot write missing/out.pdf"},
		{exitFailed, []string{"sign", "send", testdata(t, "contract.pdf"), "--signer", "ada@example.com", "--wait", "-o", "missing/signed.zip"}, "cannot write missing/signed.zip"},
		{exitUsage, []string{"sign", "download", "00000000-0000-0000-0000-000000000000", "-o", "folder"}, "-o folder is a directory"},
	} {
		stdout, stderr := expect(t, tc.code, runOpts{dir: dir}, tc.args...)
		if !strings.Contains(stderr, tc.want) || strings.Contains(stderr, ".part") || strings.Contains(stderr, "started") || stdout != "" {
			t.Errorf("%v:\nstdout: %s\nstderr: %s", tc.args, stdout, stderr)
		}
	}
	noPartFiles(t, dir)
}

// TestOutputReplaced: an -o that exists is untouched by a run that fails,
// and replaced whole by one that succeeds, keeping its mode: a private
// file used to become readable by all (0666 less the umask).
func TestOutputReplaced(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out := filepath.Join(dir, "out.pdf")
	if err := os.WriteFile(out, []byte("older"), 0o600); err != nil {
		t.Fatal(err)
	}
	expect(t, exitFailed, runOpts{dir: dir}, "pdf", "delete-pages", testdata(t, "contract.pdf"), "-o", "out.pdf") // no pages: 422
	if b, err := os.ReadFile(out); err != nil || string(b) != "older" {
		t.Fatalf("a failed run changed -o: %q, %v", b, err)
	}
	expect(t, exitOK, runOpts{dir: dir}, "pdf", "compress", testdata(t, "contract.pdf"), "-o", "out.pdf")
	fileStarts(t, out, "%PDF-")
	if st, err := os.Stat(out); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("the replaced output's mode is %v (%v), want 0600", st.Mode().Perm(), err)
	}
	noPartFiles(t, dir)
}

// TestStdoutHoldsOnlyTheFile: with -o -, stdout is the file and nothing
// else. 'sign send --wait -o -' used to print its lines there too, and
// --json with -o - its JSON after the file's bytes: both are refused or
// go to stderr now.
func TestStdoutHoldsOnlyTheFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	stdout, _ := expect(t, exitOK, runOpts{dir: dir}, "--fake", "sign", "send", testdata(t, "contract.pdf"), "--signer", "ada@example.com", "--wait", "-o", "-")
	if !strings.HasPrefix(stdout, "PK\x03\x04") {
		t.Errorf("sign send --wait -o -: stdout starts with %q, not the ZIP", stdout[:min(len(stdout), 40)])
	}
	if err := os.WriteFile(filepath.Join(dir, "sealed.zip"), []byte(stdout), 0o600); err != nil {
		t.Fatal(err)
	}
	zipHolds(t, filepath.Join(dir, "sealed.zip"), "sealed/contract.pdf")
	for _, args := range [][]string{
		{"--json", "pdf", "compress", testdata(t, "contract.pdf"), "-o", "-"},
		{"--json", "pdf", "extract-text", testdata(t, "contract.pdf"), "-o", "-"},
		{"--json", "pdf", "job", "00000000-0000-0000-0000-000000000000", "--wait", "-o", "-"},
		{"--json", "sign", "download", "00000000-0000-0000-0000-000000000000", "-o", "-"},
		{"--json", "sign", "send", testdata(t, "contract.pdf"), "--signer", "ada@example.com", "--wait", "-o", "-"},
	} {
		stdout, stderr := expect(t, exitUsage, runOpts{dir: dir}, args...)
		if stdout != "" || !strings.Contains(stderr, "--json and -o - both") {
			t.Errorf("%v:\nstdout: %s\nstderr: %s", args, stdout, stderr)
		}
	}
}
