package main

import (
	"strings"
	"testing"
)

// TestUsageErrors: a command line that cannot run is exit code 2, with
// where to read the usage.
func TestUsageErrors(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"bogus"},
		{"pdf", "bogus"},
		{"sign", "envelope", "bogus"},
		{"--bogus-flag", "auth", "check"},
		{"pdf", "compress"},
		{"pdf", "compress", "a.pdf", "b.pdf", "-o", "x.pdf"},
		{"pdf", "compress", "testdata/contract.pdf"},
		{"pdf", "compress", "testdata/contract.pdf", "-o", "x.pdf", "--sync", "--async"},
		{"pdf", "convert", "testdata/contract.pdf", "--to", "gif", "-o", "x.gif"},
		{"pdf", "split", "testdata/contract.pdf", "--pages", "1-x", "-o", "x.zip"},
		{"pdf", "ocr", "testdata/contract.pdf", "--params", `{"nope": 1}`, "-o", "x.pdf"},
		{"pdf", "job", "a", "b"},
		{"sign", "send", "testdata/contract.pdf"},
		{"sign", "envelope", "get", "not-an-id"},
		{"sign", "envelopes", "list", "--status", "sent,seald"}, // a typo used to list nothing, successfully
		{"fake", "--fault", "target=nowhere,status=500"},
		{"fake", "--addr", "no-port"},
		{"fake", "--addr", "127.0.0.1:0", "--token-lifetime", "-1s"}, // its tokens' expires_in -1, refused by every client
		{"fake", "--addr", "127.0.0.1:0", "--page-size", "0"},
		{"fake", "--addr", "127.0.0.1:0", "--output-size", "-5"},
		// Faults the shared fake would take harmlessly (no such operation)
		// if they were not refused.
		{"fake", "inject", "target=op:NoSuchOperation,truncate=-1"},
		{"fake", "inject", "target=op:NoSuchOperation,drop=no"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			t.Parallel()
			for i, a := range args {
				if strings.HasPrefix(a, "testdata/") {
					args[i] = testdata(t, strings.TrimPrefix(a, "testdata/"))
				}
			}
			_, stderr := expect(t, exitUsage, runOpts{}, args...)
			if !strings.Contains(stderr, "--help' for usage") {
				t.Errorf("no pointer to the usage:\n%s", stderr)
			}
		})
	}
}

// TestHelp: the help documents the exit codes and the settings, and shell
// completion offers the tools and a flag's values.
func TestHelp(t *testing.T) {
	t.Parallel()
	stdout, _ := expect(t, exitOK, runOpts{}, "--help")
	for _, want := range []string{"Exit codes:", "130", "interrupted", "3    authentication", "NITRO_CLIENT_SECRET", "0600"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("nitro --help has no %q", want)
		}
	}
	// A tool's help says what it takes and what it makes.
	stdout, _ = expect(t, exitOK, runOpts{}, "pdf", "convert", "--help")
	if !strings.Contains(stdout, "docx") || !strings.Contains(stdout, "It makes a file: -o OUT") {
		t.Errorf("nitro pdf convert --help does not say what it takes and makes:\n%s", stdout)
	}
	stdout, _ = expect(t, exitOK, runOpts{}, "__complete", "pdf", "")
	for _, tool := range []string{"convert", "compress", "merge", "split", "ocr", "extract-text", "extract-tables", "job"} {
		if !strings.Contains(stdout, tool+"\t") {
			t.Errorf("completing 'nitro pdf ' does not offer %s:\n%s", tool, stdout)
		}
	}
	stdout, _ = expect(t, exitOK, runOpts{}, "__complete", "pdf", "convert", "--to", "")
	if !strings.Contains(stdout, "docx\n") || !strings.Contains(stdout, "pdfa\n") {
		t.Errorf("completing --to does not offer its values:\n%s", stdout)
	}
	if stdout, _ = expect(t, exitOK, runOpts{}, "completion", "bash"); !strings.Contains(stdout, "__start_nitro") {
		t.Error("no bash completion script")
	}
}
