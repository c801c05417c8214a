package redisstore_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/nitrokit/nitro/auth"
	"github.com/nitrokit/nitro/auth/redisstore"
)

// The test binary re-executes itself as a child process when childEnv is
// set: one replica of a service sharing Redis with its siblings.
const childEnv = "NITRO_REDISSTORE_CHILD"

// childSpec is what a child is told through its environment.
type childSpec struct {
	redisAddr, tokenURL, clientID, secret string
	runFor                                time.Duration // 0: one Token call
	leaseTTL                              time.Duration
	store                                 bool
}

func (c childSpec) env() []string {
	return append(os.Environ(), childEnv+"=1",
		"CHILD_REDIS="+c.redisAddr, "CHILD_TOKEN_URL="+c.tokenURL, "CHILD_ID="+c.clientID, "CHILD_SECRET="+c.secret,
		"CHILD_RUN_FOR="+c.runFor.String(), "CHILD_LEASE_TTL="+c.leaseTTL.String(), "CHILD_STORE="+strconv.FormatBool(c.store))
}

// startChild starts one child; its stdout is its report.
func startChild(t testing.TB, spec childSpec) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = spec.env()
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, &out
}

// child runs in the child process: Token calls for runFor (or one call),
// then a report line "calls=N failures=N first=DURATION".
func child() int {
	spec := childSpec{
		redisAddr: os.Getenv("CHILD_REDIS"), tokenURL: os.Getenv("CHILD_TOKEN_URL"),
		clientID: os.Getenv("CHILD_ID"), secret: os.Getenv("CHILD_SECRET"),
	}
	spec.runFor, _ = time.ParseDuration(os.Getenv("CHILD_RUN_FOR"))
	spec.leaseTTL, _ = time.ParseDuration(os.Getenv("CHILD_LEASE_TTL"))
	spec.store, _ = strconv.ParseBool(os.Getenv("CHILD_STORE"))
	opts := []auth.Option{auth.WithLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))}
	if spec.store {
		rdb := redis.NewClient(&redis.Options{Addr: spec.redisAddr})
		defer rdb.Close()
		st, err := redisstore.New(rdb)
		if err != nil {
			fmt.Println("error", err)
			return 1
		}
		// Room under load: these tests count shared fetches, and a store
		// call past its (enforced) timeout would fetch locally.
		opts = append(opts, auth.WithStore(st), auth.WithLeaseTTL(spec.leaseTTL), auth.WithStoreTimeout(2*time.Second))
	}
	src, err := auth.NewSource(auth.NitroJSON(spec.tokenURL), auth.Credentials{ClientID: spec.clientID, ClientSecret: spec.secret}, opts...)
	if err != nil {
		fmt.Println("error", err)
		return 1
	}
	defer src.Close()
	start := time.Now()
	calls, failures := 0, 0
	var first time.Duration
	for {
		_, err := src.Token(context.Background())
		calls++
		if err != nil {
			failures++
			fmt.Fprintln(os.Stderr, "token:", err)
		}
		if calls == 1 {
			first = time.Since(start)
		}
		if time.Since(start) >= spec.runFor {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	fmt.Printf("calls=%d failures=%d first=%s\n", calls, failures, first)
	return 0
}

// report parses a child's report line.
func report(t testing.TB, out string) (calls, failures int, first time.Duration) {
	t.Helper()
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "calls=") {
			var f string
			if _, err := fmt.Sscanf(line, "calls=%d failures=%d first=%s", &calls, &failures, &f); err == nil {
				first, _ = time.ParseDuration(f)
				return calls, failures, first
			}
		}
	}
	t.Fatalf("child reported nothing:\n%s", out)
	return
}
