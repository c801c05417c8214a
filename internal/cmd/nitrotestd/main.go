// Command nitrotestd serves nitrotest's fake Nitro as a process of its own,
// on a loopback port: what the conformance suite's test points `make
// conformance` at, standing in for the real host. It prints the base URL
// as its first line, NITRO_BASE_URL=http://127.0.0.1:PORT, and serves until
// it is interrupted (SIGINT, SIGTERM) or, when its standard input is a pipe,
// the pipe closes (so it ends with the program that started it). The
// client secret is best given in NITROTESTD_CLIENT_SECRET: a flag shows in
// ps.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/nitrokit/nitro/auth"
	"github.com/nitrokit/nitro/nitrotest"
)

func main() {
	id := flag.String("client-id", "nitrotest-client", "the client ID the token endpoint accepts")
	secret := flag.String("client-secret", "nitrotest-secret", "the client secret the token endpoint accepts (or NITROTESTD_CLIENT_SECRET)")
	jobs := flag.Duration("job-duration", 50*time.Millisecond, "how long a PDF Services job runs")
	flag.Parse()
	if s := os.Getenv("NITROTESTD_CLIENT_SECRET"); s != "" {
		*secret = s
	}
	srv := nitrotest.NewServer(nitrotest.WithCredentials(auth.Credentials{ClientID: *id, ClientSecret: *secret}), nitrotest.WithJobDuration(*jobs))
	defer srv.Close()
	fmt.Printf("NITRO_BASE_URL=%s\n", srv.URL())

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if fi, err := os.Stdin.Stat(); err == nil && fi.Mode()&os.ModeNamedPipe != 0 {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin) // until the pipe closes
			stop()
		}()
	}
	<-ctx.Done()
}
