package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/nitrokit/nitro/nitrotest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// build compiles the example: the binary a user runs is under test.
func build(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "signflow")
	// "go" is the toolchain running this test: go test puts its
	// GOROOT/bin first on the test's PATH.
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// runFlow runs the binary with env (and a temporary directory of its own)
// and returns its output and exit error.
func runFlow(t *testing.T, bin string, env ...string) (stdout, stderr string, tmp string, err error) {
	t.Helper()
	tmp = t.TempDir()
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp, "NITRO_CLIENT_ID=", "NITRO_CLIENT_SECRET=", "NITRO_BASE_URL=")
	cmd.Env = append(cmd.Env, env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	return out.String(), errOut.String(), tmp, err
}

// TestSignflow runs the example twice: on its embedded fake, where it ends
// with the ZIP inspected and leaves no ZIP behind; and against a server
// that stands in for the real API (where nobody signs), where it says it
// waits for a signature, with the time waited, and gives up after
// NITRO_SIGN_WAIT with what to do next.
func TestSignflow(t *testing.T) {
	bin := build(t)

	out, errOut, tmp, err := runFlow(t, bin)
	if err != nil || !strings.Contains(out, "inspect the ZIP") || !strings.Contains(out, "done in") {
		t.Fatalf("on the embedded fake: %v\n%s%s", err, out, errOut)
	}
	if left, _ := filepath.Glob(filepath.Join(tmp, "nitro-signflow-*.zip")); len(left) != 0 {
		t.Errorf("the flow left %v behind", left)
	}

	srv := nitrotest.NewServer() // never signs: nobody is at the signing URL
	defer srv.Close()
	creds := srv.Credentials()
	out, errOut, _, err = runFlow(t, bin, "NITRO_CLIENT_ID="+creds.ClientID, "NITRO_CLIENT_SECRET="+creds.ClientSecret,
		"NITRO_BASE_URL="+srv.URL(), "NITRO_SIGN_WAIT=1s")
	if err == nil {
		t.Fatalf("nobody signed, yet the flow succeeded:\n%s", out)
	}
	if !strings.Contains(out, "waiting for a signature at the signing URL above: 0s so far, giving up after 1s") {
		t.Errorf("the flow did not say it was waiting for a signature:\n%s", out)
	}
	if !strings.Contains(errOut, "nobody signed within 1s") || !strings.Contains(errOut, "NITRO_SIGN_WAIT") {
		t.Errorf("giving up did not say why and what to do:\n%s", errOut)
	}
	if strings.Contains(out+errOut, creds.ClientSecret) {
		t.Errorf("the output holds the secret")
	}
}
