package main

import (
	"bufio"
	"cmp"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/nitrokit/nitro"
)

func (a *app) authCommand() *cobra.Command {
	return group("auth", "Check credentials, or save them in the config file",
		&cobra.Command{
			Use:   "check",
			Short: "Fetch a token with the configured credentials and report on it (never the token)",
			Args:  cobra.NoArgs,
			RunE:  func(cmd *cobra.Command, _ []string) error { return a.authCheck(cmd.Context()) },
		},
		a.authLoginCommand(),
	)
}

// authReport is what `nitro auth check` prints with --json: never the
// token, never the secret.
type authReport struct {
	OK               bool              `json:"ok"`
	ClientID         string            `json:"client_id"`
	BaseURL          string            `json:"base_url"`
	TokenURL         string            `json:"token_url"`
	TokenType        string            `json:"token_type"`
	ExpiresAt        time.Time         `json:"expires_at"`
	ExpiresInSeconds int64             `json:"expires_in_seconds"`
	Sources          map[string]string `json:"sources"`
}

func (a *app) authCheck(ctx context.Context) error {
	nc, err := a.client()
	if err != nil {
		return err
	}
	tok, err := nc.Token(ctx)
	if err != nil {
		return err
	}
	cfg, _ := a.resolvedConfig()
	r := authReport{
		OK: true, ClientID: cfg.ClientID, BaseURL: nc.BaseURL(),
		TokenURL:  cmp.Or(cfg.TokenURL, nc.BaseURL()+"/oauth/token"),
		TokenType: tok.TokenType, ExpiresAt: tok.Expiry.UTC(),
		ExpiresInSeconds: int64(time.Until(tok.Expiry).Seconds()),
		Sources:          map[string]string{},
	}
	for _, sp := range settingSpecs {
		r.Sources[sp.key] = a.sourceOf(sp.field)
	}
	if a.fake != nil {
		r.Sources = map[string]string{"all": "--fake"}
	}
	if a.flags.json {
		return a.printJSON(r)
	}
	a.printf("ok: the token endpoint issued a %s token to client %s\n", r.TokenType, r.ClientID)
	a.printf("  token endpoint: %s\n  API:            %s\n", r.TokenURL, r.BaseURL)
	a.printf("  lifetime:       %s (until %s)\n", time.Duration(r.ExpiresInSeconds)*time.Second, r.ExpiresAt.Format(time.RFC3339))
	a.printf("  credentials:    from %s and %s\n", r.Sources["client_id"], r.Sources["client_secret"])
	return nil
}

// resolvedConfig is the Config the client was made from, the secret left
// out.
func (a *app) resolvedConfig() (nitro.Config, error) {
	if a.fake != nil {
		return nitro.Config{ClientID: a.fake.Credentials().ClientID, BaseURL: a.fake.URL(), TokenURL: a.fake.TokenURL()}, nil
	}
	s, err := a.settings()
	return nitro.Config{ClientID: s.clientID.value, BaseURL: s.baseURL.value, TokenURL: s.tokenURL.value}, err
}

func (a *app) authLoginCommand() *cobra.Command {
	var noVerify bool
	cmd := &cobra.Command{
		Use:   "login",
		Short: "Save credentials in the config file (mode 0600), after checking them",
		Long: `Asks for the client ID and secret (the secret is not echoed; without a
terminal, each is read as one line of standard input), checks them by
fetching a token, and saves them, with --base-url and --token-url if given,
in the config file (--config, default <user config dir>/nitro/config.json)
with mode 0600. --client-id and --client-secret skip the questions.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return a.login(cmd.Context(), noVerify) },
	}
	cmd.Flags().BoolVar(&noVerify, "no-verify", false, "save without fetching a token first")
	return cmd
}

func (a *app) login(ctx context.Context, noVerify bool) error {
	path, err := a.configPath()
	if err != nil {
		return fmt.Errorf("no config directory: %w; give --config", err)
	}
	in := bufio.NewReader(a.stdin)
	fc := fileConfig{BaseURL: a.flags.baseURL, TokenURL: a.flags.tokenURL}
	if fc.ClientID, err = a.ask(ctx, in, "Client ID: ", a.flags.clientID, false); err != nil {
		return err
	}
	if fc.ClientSecret, err = a.ask(ctx, in, "Client secret: ", a.flags.clientSecret, true); err != nil {
		return err
	}
	a.entered = map[string]bool{"ClientID": a.flags.clientID == "", "ClientSecret": a.flags.clientSecret == ""}
	// Checked against the service the commands will use: the flags', else
	// the environment's (which beats the file's), though only the flags'
	// are saved.
	nc, err := nitro.NewClient(nitro.Config{ClientID: fc.ClientID, ClientSecret: fc.ClientSecret,
		BaseURL:   cmp.Or(fc.BaseURL, strings.TrimSpace(a.getenv(nitro.EnvBaseURL))),
		TokenURL:  cmp.Or(fc.TokenURL, strings.TrimSpace(a.getenv(nitro.EnvTokenURL))),
		UserAgent: "nitro-cli/" + version()})
	if err != nil {
		return err
	}
	a.nc = nc // redacts the secret from here on
	if !noVerify {
		if _, err := nc.Token(ctx); err != nil {
			return err
		}
	}
	if err := writeConfig(path, fc); err != nil {
		return err
	}
	a.printf("saved the credentials of client %s in %s (mode 0600)\n", fc.ClientID, path)
	return nil
}

// ask returns given, or asks for a value: on a terminal with a prompt (and
// no echo for a secret), else as one line of stdin. Ctrl-C ends the
// question (ctx), the terminal's echo restored.
func (a *app) ask(ctx context.Context, in *bufio.Reader, prompt, given string, secret bool) (string, error) {
	if given != "" {
		return given, nil
	}
	f, isFile := a.stdin.(*os.File)
	tty := isFile && term.IsTerminal(int(f.Fd()))
	read := func() (string, error) {
		line, err := in.ReadString('\n')
		if err != nil && (err != io.EOF || line == "") {
			return "", usagef("reading %s: %v", strings.ToLower(strings.TrimSuffix(prompt, ": ")), err)
		}
		return line, nil
	}
	if tty && secret {
		fd := int(f.Fd())
		state, err := term.GetState(fd)
		if err != nil {
			return "", err
		}
		// ReadPassword restores the terminal when it returns; when Ctrl-C
		// ends the question first, this does.
		defer term.Restore(fd, state)
		defer fmt.Fprintln(a.stderr)
		read = func() (string, error) {
			b, err := term.ReadPassword(fd)
			return string(b), err
		}
	}
	if tty {
		fmt.Fprint(a.stderr, prompt)
	}
	v, err := untilDone(ctx, read)
	if err != nil {
		return "", err
	}
	if v = strings.TrimSpace(v); v == "" {
		return "", usagef("%s cannot be empty", strings.TrimSuffix(prompt, ": "))
	}
	return v, nil
}

// untilDone returns read's answer, or ctx's error once ctx ends: a read of
// stdin cannot be interrupted, and Ctrl-C must end the command. The read
// is left to the process's exit.
func untilDone(ctx context.Context, read func() (string, error)) (string, error) {
	type answer struct {
		v   string
		err error
	}
	got := make(chan answer, 1)
	go func() {
		v, err := read()
		got <- answer{v, err}
	}()
	select {
	case a := <-got:
		return a.v, a.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}
