package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nitrokit/nitro"
)

// rootLong is `nitro --help`: what the command does, where its settings
// come from, and its exit codes.
var rootLong = `nitro runs Nitro's PDF Services and Nitro Sign from a terminal, and serves a
fake Nitro that tests in any language can start.

Configuration, first found wins for each setting:
  1. flags: --client-id, --client-secret, --base-url, --token-url
  2. the environment: ` + nitro.EnvClientID + `, ` + nitro.EnvClientSecret + `, ` + nitro.EnvBaseURL + `, ` + nitro.EnvTokenURL + `
  3. a config file (--config, default <user config dir>/nitro/config.json),
     written by 'nitro auth login' with mode 0600; a file others can read
     is refused.
--fake runs any command against a fake Nitro inside the command, so every
command can be tried with no account.

Exit codes:
  0    ok
  1    the API answered an error, a job failed, or a file could not be read or written
  2    usage: an unknown command or flag, wrong arguments
  3    authentication: credentials missing, refused, or in a config file others can read
  130  interrupted (Ctrl-C or SIGTERM); a PDF job keeps running and can be resumed`

// rootCommand builds the command tree.
func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:           "nitro",
		Short:         "Nitro PDF Services and Sign from a terminal, and a fake Nitro for tests",
		Long:          rootLong,
		Version:       version(),
		SilenceErrors: true, // execute prints errors, with their exit codes
		SilenceUsage:  true,
		RunE:          func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usagef("%v", err) })
	f := root.PersistentFlags()
	f.StringVar(&a.flags.clientID, "client-id", "", "the application's client ID (or "+nitro.EnvClientID+")")
	f.StringVar(&a.flags.clientSecret, "client-secret", "", "the client secret (or "+nitro.EnvClientSecret+"; a flag shows in the process list: prefer the environment or 'nitro auth login')")
	f.StringVar(&a.flags.baseURL, "base-url", "", "the API's base URL (or "+nitro.EnvBaseURL+"; default "+nitro.DefaultBaseURL+")")
	f.StringVar(&a.flags.tokenURL, "token-url", "", "the OAuth token endpoint (or "+nitro.EnvTokenURL+"; default <base URL>/oauth/token)")
	f.StringVar(&a.flags.configPath, "config", "", "the config file (default <user config dir>/nitro/config.json)")
	f.BoolVar(&a.flags.fake, "fake", false, "run against a fake Nitro inside this command: no account needed, nothing kept")
	f.BoolVar(&a.flags.json, "json", false, "print results as JSON on stdout")
	f.BoolVarP(&a.flags.verbose, "verbose", "v", false, "log each HTTP attempt on stderr (never a token or the secret)")

	root.AddCommand(a.pdfCommand(), a.signCommand(), a.authCommand(), a.fakeCommand())
	a.markRuns(root)
	return root
}

// group is a command that only holds subcommands: alone it prints its help,
// with an unknown subcommand it is a usage error (cobra would print the help
// and succeed).
func group(use, short string, subs ...*cobra.Command) *cobra.Command {
	c := &cobra.Command{
		Use:   use,
		Short: short,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return cmd.Help()
			}
			msg := fmt.Sprintf("unknown command %q for %q", args[0], cmd.CommandPath())
			if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
				msg += "; did you mean " + strings.Join(s, " or ") + "?"
			}
			return usagef("%s", msg)
		},
	}
	c.AddCommand(subs...)
	return c
}
