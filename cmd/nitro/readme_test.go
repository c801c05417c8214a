package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
)

// TestReadmeLines runs the README's three lines (with the built command
// for `go -C cmd/nitro run .`, and any free port for the fake), in a
// directory that has the command's testdata as cmd/nitro has.
func TestReadmeLines(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	lines := regexp.MustCompile(`(?m)^go -C cmd/nitro run \. (.+)$`).FindAllStringSubmatch(string(readme), -1)
	if len(lines) != 3 {
		t.Fatalf("the README has %d 'go -C cmd/nitro run .' lines, want 3", len(lines))
	}
	dir := t.TempDir()
	abs, _ := filepath.Abs("testdata")
	if err := os.Symlink(abs, filepath.Join(dir, "testdata")); err != nil {
		t.Fatal(err)
	}
	env := []string{"NITRO_BASE_URL=", "NITRO_TOKEN_URL=", "NITRO_CLIENT_ID=", "NITRO_CLIENT_SECRET="} // a fresh machine
	expect(t, exitOK, runOpts{dir: dir, env: env}, strings.Fields(lines[0][1])...)
	fileStarts(t, filepath.Join(dir, "report.pdf"), "%PDF-")
	expect(t, exitOK, runOpts{dir: dir, env: env}, strings.Fields(lines[1][1])...)
	zipHolds(t, filepath.Join(dir, "signed.zip"), "sealed/contract.pdf")

	fake := start(t, runOpts{dir: dir, env: env}, append(strings.Fields(lines[2][1]), "--addr", "127.0.0.1:0")...)
	fake.stdout.waitFor(t, `NITRO_BASE_URL=http://127\.0\.0\.1:\d+`, fake.done)
	fake.signal(t, syscall.SIGINT)
	if code := fake.wait(t); code != exitOK {
		t.Errorf("the fake exited %d after Ctrl-C; stderr:\n%s", code, fake.stderr)
	}
}
