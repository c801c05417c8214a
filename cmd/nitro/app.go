package main

import (
	"context"
	"fmt"
	"io"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/nitrotest"
)

// app is one run of the command line: its streams, its environment, the
// global flags, and the client it makes on first use.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string

	flags globalFlags

	nc   *nitro.Client     // made by client, closed by execute
	fake *nitrotest.Server // --fake: the in-process fake, closed by execute
	// ran is set when a command's own run starts: an error before it is
	// cobra's, about the command line (exit code 2).
	ran bool
	// entered names the settings 'auth login' asked for ("ClientID",
	// "ClientSecret"), for messages about them.
	entered map[string]bool
}

// globalFlags are the flags every command takes.
type globalFlags struct {
	clientID, clientSecret, baseURL, tokenURL string
	configPath                                string
	fake, json, verbose                       bool
}

// execute runs args and returns the exit code, printing the error (if any)
// as a person can act on it.
func (a *app) execute(ctx context.Context, args []string) int {
	root := a.rootCommand()
	root.SetArgs(args)
	root.SetIn(a.stdin)
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	cmd, err := root.ExecuteContextC(ctx)
	a.close()
	if err == nil {
		return exitOK
	}
	hint := ""
	if h, ok := err.(*hinted); ok {
		err, hint = h.err, "\n"+h.hint
	}
	code, msg := a.explain(ctx, cmd, err)
	fmt.Fprintln(a.stderr, a.forPerson(msg+hint))
	return code
}

// close ends what the run started: the client's background work, then the
// in-process fake.
func (a *app) close() {
	if a.nc != nil {
		a.nc.Close()
	}
	if a.fake != nil {
		a.fake.Close()
	}
}

// redact removes the client secret and every token from s: all the command
// prints passes through it.
func (a *app) redact(s string) string {
	return a.nc.Redact(s) // a nil Client returns s unchanged
}

// version is the command's module version as it was built: a tag for `go
// install …@vX.Y.Z`, else "devel" (not Go's "(devel)", which a User-Agent
// product version cannot hold).
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}

// markRuns wraps the run of c and its subcommands so that a.ran tells an
// error of a command's own from one of cobra's (unknown command, bad flag,
// wrong arguments), which comes before any run.
func (a *app) markRuns(c *cobra.Command) {
	if run := c.RunE; run != nil {
		c.RunE = func(cmd *cobra.Command, args []string) error {
			a.ran = true
			return run(cmd, args)
		}
	}
	for _, sub := range c.Commands() {
		a.markRuns(sub)
	}
}
