package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// buffer collects a stream and lets a test wait for what it should hold.
type buffer struct {
	mu      sync.Mutex
	b       bytes.Buffer
	changed chan struct{} // closed and replaced at each write
}

func newBuffer() *buffer { return &buffer{changed: make(chan struct{})} }

func (b *buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.b.Write(p)
	close(b.changed)
	b.changed = make(chan struct{})
	return len(p), nil
}

func (b *buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// waitFor waits until the stream matches re, and returns the match's
// groups; it fails the test at the deadline, or when done closes first.
func (b *buffer) waitFor(t *testing.T, re string, done <-chan struct{}) []string {
	t.Helper()
	rx := regexp.MustCompile(re)
	timeout := time.NewTimer(deadline)
	defer timeout.Stop()
	for {
		b.mu.Lock()
		m, changed := rx.FindStringSubmatch(b.b.String()), b.changed
		b.mu.Unlock()
		if m != nil {
			return m
		}
		select {
		case <-changed:
		case <-done:
			if m := rx.FindStringSubmatch(b.String()); m != nil {
				return m
			}
			t.Fatalf("the command ended without printing %q; it printed:\n%s", re, b)
		case <-timeout.C:
			t.Fatalf("no %q in %v; so far:\n%s", re, deadline, b)
		}
	}
}

// proc is a run of the command.
type proc struct {
	cmd            *exec.Cmd
	stdout, stderr *buffer // the same buffer on a terminal
	tty            *os.File
	copied         chan struct{} // the terminal's output is all read
	done           chan struct{}
	code           int
}

// options of a run.
type runOpts struct {
	env      []string  // on top of the shared fake's settings and a fresh HOME
	stdin    io.Reader // default: none
	terminal bool      // run on a pseudo-terminal (stdin, stdout and stderr)
	dir      string    // the working directory (default: a temporary one)
	// shell, if set, is run by sh -c in place of the command, with $NITRO
	// the command: for what a terminal shows after it.
	shell string
}

// start runs the command with args, pointed at the shared fake.
func start(t *testing.T, o runOpts, args ...string) *proc {
	t.Helper()
	home := t.TempDir()
	cmd := exec.Command(binary, args...)
	if o.shell != "" {
		cmd = exec.Command("sh", "-c", o.shell)
	}
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "XDG_CONFIG_HOME=" + filepath.Join(home, "config"),
		"TERM=xterm", "NITRO=" + binary, goRace()}, append(shared.env(), o.env...)...)
	cmd.Dir = o.dir
	if cmd.Dir == "" {
		cmd.Dir = t.TempDir()
	}
	p := &proc{cmd: cmd, done: make(chan struct{}), copied: make(chan struct{})}
	if o.terminal {
		tty, err := startOnTerminal(cmd)
		if err != nil {
			t.Fatal(err)
		}
		p.tty, p.stdout = tty, newBuffer()
		p.stderr = p.stdout
		go func() {
			defer close(p.copied)
			io.Copy(p.stdout, tty) // until the terminal closes (EIO on Linux)
		}()
	} else {
		close(p.copied)
		p.stdout, p.stderr = newBuffer(), newBuffer()
		cmd.Stdout, cmd.Stderr, cmd.Stdin = p.stdout, p.stderr, o.stdin
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
	}
	go func() {
		defer close(p.done)
		err := cmd.Wait()
		var ee *exec.ExitError
		switch {
		case errors.As(err, &ee):
			p.code = ee.ExitCode()
		case err != nil:
			p.code = -1
		}
	}()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			cmd.Process.Kill()
			<-p.done
		}
		if p.tty != nil {
			<-p.copied
			p.tty.Close()
		}
	})
	return p
}

// wait waits for the command to end and returns its exit code, after
// checking that nothing it printed holds the secret or a token.
func (p *proc) wait(t *testing.T) int {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(deadline):
		p.cmd.Process.Kill()
		t.Fatalf("%v still running after %v; it printed:\n%s\n%s", p.cmd.Args[1:], deadline, p.stdout, p.stderr)
	}
	if p.tty != nil {
		select {
		case <-p.copied:
		case <-time.After(deadline):
			t.Fatalf("the terminal's output was not all read in %v", deadline)
		}
	}
	noSecrets(t, p.stdout.String()+p.stderr.String())
	return p.code
}

// signal sends sig to the command.
func (p *proc) signal(t *testing.T, sig syscall.Signal) {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
}

// run runs the command to its end: its exit code, stdout and stderr.
func run(t *testing.T, o runOpts, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	p := start(t, o, args...)
	code = p.wait(t)
	return code, p.stdout.String(), p.stderr.String()
}

// expect runs the command and fails the test unless it exits with want.
func expect(t *testing.T, want int, o runOpts, args ...string) (stdout, stderr string) {
	t.Helper()
	code, stdout, stderr := run(t, o, args...)
	if code != want {
		t.Fatalf("nitro %s: exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), code, want, stdout, stderr)
	}
	return stdout, stderr
}

// tokenMark starts every token the fake issues (a JWT's header).
const tokenMark = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"

// noSecrets fails the test if out holds the shared fake's secret, a
// token, or a secret the test gave.
func noSecrets(t *testing.T, out string, more ...string) {
	t.Helper()
	for _, s := range append([]string{testSecret, tokenMark}, more...) {
		if strings.Contains(out, s) {
			t.Errorf("the output holds a secret or token (%q):\n%s", s, out)
		}
	}
}

// admin calls the shared fake's admin endpoint with plain HTTP, as a test
// in another language would.
func admin(t *testing.T, path string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, shared.info.AdminURL+path, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("POST %s: %s %s", path, resp.Status, b)
	}
}

// testdata is the absolute path of a file in testdata.
func testdata(t *testing.T, name string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// fileStarts fails the test unless the file at path starts with prefix.
func fileStarts(t *testing.T, path, prefix string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte(prefix)) {
		t.Fatalf("%s starts with %q, want %q", path, b[:min(len(b), 16)], prefix)
	}
	return b
}

// noPartFiles fails the test if dir holds a partial download.
func noPartFiles(t *testing.T, dir string) {
	t.Helper()
	parts, _ := filepath.Glob(filepath.Join(dir, ".*.part"))
	if len(parts) > 0 {
		t.Errorf("partial downloads left behind: %v", parts)
	}
}

// fakeAdmin posts to a fake's admin endpoint and returns the answer's
// status.
func fakeAdmin(t *testing.T, f *fakeProc, path string) int {
	t.Helper()
	resp, err := http.Post(f.info.AdminURL+path, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// adminJSON posts body to the shared fake's admin endpoint and returns the
// answer's status.
func adminJSON(t *testing.T, path, body string) int {
	t.Helper()
	resp, err := http.Post(shared.info.AdminURL+path, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// goRace is the race detector's settings for the command: the caller's,
// without the second it sleeps at exit by default (a race found still
// fails the run, with exit code 66).
func goRace() string {
	return "GORACE=" + strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0")
}
