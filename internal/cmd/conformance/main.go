// Command conformance runs the conformance suite (package conformance)
// against the API the environment names: `make conformance`.
//
// Without NITRO_CLIENT_ID and NITRO_CLIENT_SECRET it prints one line saying
// so and exits 0. With them it runs every scenario against NITRO_BASE_URL
// (default the real API; NITRO_TOKEN_URL likewise), sends for signing only
// to NITRO_SIGNER_EMAIL (skipping those steps without it), waits
// NITRO_SEAL_WAIT (a duration, such as 10m) for that signer to sign before
// the sealed downloads (skipped without it), deletes what it created, and
// writes transcript.txt and summary.txt to -out. It prints a line per
// scenario and the summary.
//
// Exit codes: 0 every scenario passed or was skipped; 1 one failed; 2 the
// configuration is incomplete or wrong.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/conformance"
)

// The environment, beyond nitro.ConfigFromEnv's.
const (
	envSignerEmail = "NITRO_SIGNER_EMAIL"
	envSealWait    = "NITRO_SEAL_WAIT"
)

func main() {
	out := flag.String("out", "bin/conformance", "the directory for transcript.txt and summary.txt")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, *out, os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, out string, getenv func(string) string, stdout, stderr io.Writer) int {
	if strings.TrimSpace(getenv(nitro.EnvClientID)) == "" && strings.TrimSpace(getenv(nitro.EnvClientSecret)) == "" {
		fmt.Fprintf(stdout, "conformance: skipped: set %s and %s to run it against the real API\n", nitro.EnvClientID, nitro.EnvClientSecret)
		return 0
	}
	ncfg, err := nitro.ConfigFromEnv()
	if err != nil {
		fmt.Fprintf(stderr, "conformance: %v\n", err)
		return 2
	}
	var sealWait time.Duration
	if s := strings.TrimSpace(getenv(envSealWait)); s != "" {
		if sealWait, err = time.ParseDuration(s); err != nil || sealWait < 0 {
			fmt.Fprintf(stderr, "conformance: %s=%q is not a duration such as 10m\n", envSealWait, s)
			return 2
		}
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		fmt.Fprintf(stderr, "conformance: %v\n", err)
		return 2
	}
	transcript, err1 := os.Create(filepath.Join(out, "transcript.txt"))
	summary, err2 := os.Create(filepath.Join(out, "summary.txt"))
	if err := errors.Join(err1, err2); err != nil {
		fmt.Fprintf(stderr, "conformance: %v\n", err)
		return 2
	}
	report, err := conformance.Run(ctx, conformance.Config{
		Nitro: ncfg, SignerEmail: strings.TrimSpace(getenv(envSignerEmail)), SealWait: sealWait,
		Transcript: transcript, Summary: io.MultiWriter(summary, stdout), Progress: stderr,
	})
	if err := errors.Join(err, transcript.Close(), summary.Close()); err != nil {
		fmt.Fprintf(stderr, "conformance: %v\n", err)
		if report == nil {
			return 2
		}
	}
	fmt.Fprintf(stdout, "\nconformance: the transcript is %s, the summary %s\n", transcript.Name(), summary.Name())
	if report.Failed() > 0 {
		return 1
	}
	return 0
}
