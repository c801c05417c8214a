package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// The command's tests run the built binary, as a person or a script would:
// built once here (-command-race builds it with the race detector), with a fake (`nitro fake`, the same binary) in another
// process that most tests share, its jobs and seals left to the tests to
// end through its admin endpoint, so that no test waits on a clock.
var (
	binary string    // the built command
	shared *fakeProc // the shared fake
)

// testSecret is the shared fake's client secret, and what no output of a
// command run against it may contain (nor a token: tokenMark).
const testSecret = "s3cret-0f-the-test-fake"

// deadline ends the waits of a broken test; a working one never nears it,
// however loaded the machine.
const deadline = 2 * time.Minute

// commandRace builds the command with the race detector. Off by default:
// an instrumented binary costs about five times the CPU per run, and the
// tests run it some eighty times; the library's own goroutines are raced
// by its tests.
var commandRace = flag.Bool("command-race", false, "build the command under test with -race")

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(testMain(m))
}

func testMain(m *testing.M) int {
	dir, err := os.MkdirTemp("", "nitro-command-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	binary = filepath.Join(dir, "nitro")
	args := []string{"build", "-o", binary}
	if *commandRace {
		args = append(args, "-race")
	}
	build := exec.Command("go", append(args, ".")...)
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building the command:", err)
		return 1
	}
	shared, err = startFake("--job-duration=-1s", "--seal-delay=-1s", "--client-id", "test-client", "--client-secret", testSecret)
	if err != nil {
		fmt.Fprintln(os.Stderr, "starting the shared fake:", err)
		return 1
	}
	code := m.Run()
	if err := shared.stop(); err != nil && code == 0 {
		fmt.Fprintln(os.Stderr, "stopping the shared fake:", err)
		code = 1
	}
	if err := goleak.Find(); err != nil && code == 0 {
		fmt.Fprintln(os.Stderr, err)
		code = 1
	}
	return code
}

// fakeProc is a `nitro fake` process.
type fakeProc struct {
	cmd  *exec.Cmd
	info fakeInfo
	err  *buffer // its stderr
}

// startFake starts `nitro fake` on a free loopback port and returns once it
// has printed where it listens.
func startFake(args ...string) (*fakeProc, error) {
	cmd := exec.Command(binary, append([]string{"fake", "--addr", "127.0.0.1:0", "--json"}, args...)...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), goRace()}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	f := &fakeProc{cmd: cmd, err: newBuffer()}
	cmd.Stderr = f.err
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	first := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(out)
		if !sc.Scan() {
			first <- fmt.Errorf("it printed nothing: %v; stderr: %s", sc.Err(), f.err)
			return
		}
		first <- json.Unmarshal(sc.Bytes(), &f.info)
		for sc.Scan() { // keep reading, so the fake never blocks on a full pipe
		}
	}()
	select {
	case err = <-first:
	case <-time.After(deadline):
		err = fmt.Errorf("no settings printed in %v", deadline)
	}
	if err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		return nil, err
	}
	return f, nil
}

// ownFake starts a fake of the test's own with args, stopped (and checked
// to stop cleanly) when the test ends: for a test whose faults or counts
// the other tests must not share.
func ownFake(t *testing.T, args ...string) *fakeProc {
	t.Helper()
	f, err := startFake(args...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := f.stop(); err != nil {
			t.Error(err)
		}
	})
	return f
}

// env is the environment that points a command at the fake.
func (f *fakeProc) env() []string {
	return []string{
		"NITRO_BASE_URL=" + f.info.BaseURL, "NITRO_TOKEN_URL=" + f.info.TokenURL,
		"NITRO_CLIENT_ID=" + f.info.ClientID, "NITRO_CLIENT_SECRET=" + f.info.ClientSecret,
	}
}

// stop ends the fake as Ctrl-C would, and checks that it stops cleanly.
func (f *fakeProc) stop() error {
	if err := f.cmd.Process.Signal(os.Interrupt); err != nil {
		return err
	}
	return f.wait()
}

// wait waits for the fake to exit once signalled, and checks that it
// stopped cleanly.
func (f *fakeProc) wait() error {
	done := make(chan error, 1)
	go func() { done <- f.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("%v; stderr: %s", err, f.err)
		}
		return nil
	case <-time.After(deadline):
		f.cmd.Process.Kill()
		return fmt.Errorf("not stopped %v after its signal; stderr: %s", deadline, f.err)
	}
}
