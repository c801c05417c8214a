// Package redistest runs a real redis-server on a loopback port for tests.
package redistest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// Server is a redis-server process owned by a test.
type Server struct {
	Addr string
	cmd  *exec.Cmd
	done chan struct{}
}

// Start runs redis-server in a temporary directory on a free loopback port
// and stops it when the test ends. Without redis-server the test is skipped,
// except under CI=true, where it fails: CI must have installed it.
func Start(t testing.TB) *Server {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("redistest: redis-server is not installed; .ci/run installs it (apt-get install redis-server)")
		}
		t.Skip("redistest: redis-server is not installed (apt-get install redis-server)")
	}
	var lastErr error
	for range 5 {
		s, err := start(t, bin)
		if err == nil {
			t.Cleanup(s.Stop)
			return s
		}
		lastErr = err
	}
	t.Fatalf("redistest: could not start redis-server: %v", lastErr)
	return nil
}

func start(t testing.TB, bin string) (*Server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
		"--dir", t.TempDir(), "--protected-mode", "no", "--loglevel", "warning")
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &Server{Addr: fmt.Sprintf("127.0.0.1:%d", port), cmd: cmd, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(s.done) }()
	rdb := redis.NewClient(&redis.Options{Addr: s.Addr})
	defer rdb.Close()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-s.done:
			return nil, fmt.Errorf("redis-server on port %d exited", port)
		default:
		}
		if rdb.Ping(context.Background()).Err() == nil {
			return s, nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	s.Stop()
	return nil, fmt.Errorf("redis-server on port %d did not answer PING", port)
}

// Stop ends the server and waits for it; it may be called more than once.
func (s *Server) Stop() {
	select {
	case <-s.done:
		return
	default:
	}
	_ = s.cmd.Process.Kill()
	<-s.done
}

// Pause stops the server with SIGSTOP: it keeps its port and accepts
// connections, but answers nothing, as a hung Redis does. Resume undoes it;
// Pause registers Resume as a cleanup too, so a failing test cannot leave
// the server stopped for the calls that close clients and sources.
func (s *Server) Pause(t testing.TB) {
	t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGSTOP); err != nil {
		t.Fatalf("redistest: SIGSTOP: %v", err)
	}
	t.Cleanup(s.Resume)
}

// Resume continues a paused server; it is harmless on a running one.
func (s *Server) Resume() {
	select {
	case <-s.done:
	default:
		_ = s.cmd.Process.Signal(syscall.SIGCONT)
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
