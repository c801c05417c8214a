// Command nitro is Nitro's PDF Services and Sign from a terminal, and a fake
// Nitro server that any language's tests can start:
//
//	nitro pdf convert report.docx --to pdf -o report.pdf
//	nitro sign send contract.pdf --signer ada@example.com --wait
//	nitro fake --env
//
// It is built on the library alone (nitro.Client, sign, pdf; nitrotest for
// the fake), in a module of its own, so the library's users get none of its
// dependencies. `nitro --help` lists the commands, the configuration and the
// exit codes.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	os.Exit(mainExit())
}

// mainExit runs the command line with the process's standard streams and
// environment, the first SIGINT or SIGTERM ending its context (a second one
// kills the process as usual), and returns the exit code.
func mainExit() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		stop() // a second Ctrl-C is not caught: it ends the process at once
	}()
	a := &app{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}
	return a.execute(ctx, os.Args[1:])
}
