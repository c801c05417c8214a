package conformance_test

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// env is the test's environment without what would steer make or the
// suite (NITRO_*, a parent make's flags), plus extra.
func env(extra ...string) []string {
	var out []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "NITRO") || name == "MAKEFLAGS" || name == "MAKELEVEL" || name == "MFLAGS" {
			continue
		}
		out = append(out, kv)
	}
	return append(out, extra...)
}

// makeConformance runs `make conformance` at the module's root.
func makeConformance(t *testing.T, environ []string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command("make", append([]string{"-s", "--no-print-directory", "conformance"}, args...)...)
	cmd.Dir = ".."
	cmd.Env = environ
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// TestMakeConformanceWithoutCredentials: one skip line, exit 0.
func TestMakeConformanceWithoutCredentials(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("no make")
	}
	out, err := makeConformance(t, env())
	if err != nil || strings.Count(out, "\n") != 1 || !strings.HasPrefix(out, "conformance: skipped:") {
		t.Fatalf("make conformance without credentials: %v\n%s", err, out)
	}
}

// TestMakeConformanceAgainstAFakeProcess: `make conformance` with
// credentials, pointed at nitrotest served by a process of its own on
// loopback (standing in for the real host), runs every scenario, passes,
// and writes a transcript and a summary in which neither the secret nor a
// token appears.
func TestMakeConformanceAgainstAFakeProcess(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("no make")
	}
	dir := t.TempDir()
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	secret := "conformance-" + hex.EncodeToString(b)

	// go run: the built program is cached, as make conformance's is.
	srv := exec.Command("go", "run", "../internal/cmd/nitrotestd", "-client-id", "conformance", "-job-duration", "0s")
	srv.Env = env("NITROTESTD_CLIENT_SECRET=" + secret)
	stdin, err := srv.StdinPipe() // closed when the test ends: the fake ends with it
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := srv.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		done := make(chan error, 1)
		go func() { done <- srv.Wait() }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = srv.Process.Kill()
			<-done
		}
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	base, ok := strings.CutPrefix(strings.TrimSpace(line), "NITRO_BASE_URL=")
	if err != nil || !ok || !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Fatalf("nitrotestd said %q, %v", line, err)
	}

	out := filepath.Join(dir, "out")
	got, err := makeConformance(t, env("NITRO_CLIENT_ID=conformance", "NITRO_CLIENT_SECRET="+secret, "NITRO_BASE_URL="+base,
		"NITRO_SIGNER_EMAIL=signer@example.com"), "CONFORMANCE_OUT="+out)
	if err != nil {
		t.Fatalf("make conformance: %v\n%s", err, got)
	}
	summary, err1 := os.ReadFile(filepath.Join(out, "summary.txt"))
	transcript, err2 := os.ReadFile(filepath.Join(out, "transcript.txt"))
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	if !strings.Contains(string(summary), " 0 failed,") || strings.Count(string(summary), "\npass ") < 100 {
		t.Errorf("summary:\n%s", summary)
	}
	for what, text := range map[string]string{"transcript": string(transcript), "summary": string(summary), "output": got} {
		if strings.Contains(text, secret) {
			t.Errorf("the %s shows the client secret", what)
		}
		if loc := jwt.FindStringIndex(text); loc != nil {
			t.Errorf("the %s shows a token: %s", what, text[loc[0]:loc[1]])
		}
	}
	if !strings.Contains(string(transcript), `"clientSecret":"[REDACTED]"`) || !strings.Contains(string(transcript), `"accessToken":"[REDACTED]"`) {
		t.Error("the transcript does not show the token exchange, redacted")
	}
}
