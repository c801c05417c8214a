package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/auth"
	"github.com/nitrokit/nitro/nitrotest"
)

// defaultFakeAddr is where `nitro fake` listens unless --addr says: a
// fixed loopback port, so the exports it prints stay the same run after
// run.
const defaultFakeAddr = "127.0.0.1:9797"

// fakeFlags are `nitro fake`'s flags.
type fakeFlags struct {
	addr                                             string
	env                                              bool
	jobDuration, jobExpiry, sealDelay, tokenLifetime time.Duration
	pageSize                                         int
	outputSize, sealedSize                           int64
	faults                                           []string
}

var fakeLong = `Serves a fake Nitro (Sign and PDF Services, with state, validation against
the spec, and faults: the library's nitrotest) for tests in any language,
until Ctrl-C or SIGTERM stops it. It prints the base URL, token URL and
credentials to use (--env: as export lines; --json: as one JSON object).
It accepts the global --client-id and --client-secret flags (only those)
as the credentials to accept.

Tests drive what a person or the service would do through its admin
endpoint, beside the API (plain HTTP, no credentials needed), or the
subcommands below, which call it at the base URL (--base-url or
NITRO_BASE_URL; default the fake's own default address):
` + adminRoutes() + `
A fault, at start (--fault, repeatable) or with 'nitro fake inject', is:
  ` + faultSyntax + "\n" + faultOperations

func (a *app) fakeCommand() *cobra.Command {
	var ff fakeFlags
	cmd := &cobra.Command{
		Use:   "fake",
		Short: "Serve a fake Nitro for tests in any language, and drive it (sign, complete-job, inject, …)",
		Long:  fakeLong,
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return a.serveFake(cmd.Context(), ff) },
	}
	f := cmd.Flags()
	f.StringVar(&ff.addr, "addr", defaultFakeAddr, "the address to listen on (127.0.0.1:0: any free port)")
	f.BoolVar(&ff.env, "env", false, "print the settings as shell export lines")
	f.DurationVar(&ff.jobDuration, "job-duration", 3*time.Second, "how long a PDF job runs; negative: until 'nitro fake complete-job' ends it")
	f.DurationVar(&ff.jobExpiry, "job-expiry", 24*time.Hour, "how long a finished PDF job's result stays")
	f.DurationVar(&ff.sealDelay, "seal-delay", time.Second, "how long after signing an envelope seals; negative: until 'nitro fake seal'")
	f.DurationVar(&ff.tokenLifetime, "token-lifetime", 24*time.Hour, "how long an access token lives")
	f.IntVar(&ff.pageSize, "page-size", 50, "envelopes per page of a listing")
	f.Int64Var(&ff.outputSize, "output-size", 0, "the size of each PDF a tool makes, in bytes (0: what its content takes)")
	f.Int64Var(&ff.sealedSize, "sealed-size", 0, "the size of a sealed envelope's download, in bytes (0: its documents')")
	f.StringArrayVar(&ff.faults, "fault", nil, "a fault for the first requests: "+faultSyntax)
	for _, h := range adminHooks {
		cmd.AddCommand(a.adminCommand(h))
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "stats",
		Short: "Print the requests the fake has counted (JSON)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			b, err := a.adminCall(cmd.Context(), http.MethodGet, adminPrefix+"stats", nil)
			if err == nil {
				a.printf("%s", b)
			}
			return err
		},
	})
	return cmd
}

// fakeInfo is what `nitro fake` prints: how to reach it.
type fakeInfo struct {
	BaseURL      string `json:"base_url"`
	TokenURL     string `json:"token_url"`
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"` // the fake's own, made to be printed
	AdminURL     string `json:"admin_url"`
}

func (a *app) serveFake(ctx context.Context, ff fakeFlags) error {
	if err := ff.check(); err != nil {
		return err
	}
	opts := []nitrotest.Option{
		nitrotest.WithJobDuration(ff.jobDuration), nitrotest.WithJobExpiry(ff.jobExpiry),
		nitrotest.WithSealDelay(ff.sealDelay), nitrotest.WithTokenLifetime(ff.tokenLifetime),
		nitrotest.WithPageSize(ff.pageSize), nitrotest.WithOutputSize(ff.outputSize), nitrotest.WithSealedSize(ff.sealedSize),
	}
	if a.flags.clientID != "" || a.flags.clientSecret != "" {
		if a.flags.clientID == "" || a.flags.clientSecret == "" {
			return usagef("the fake takes both --client-id and --client-secret, or neither")
		}
		opts = append(opts, nitrotest.WithCredentials(auth.Credentials{ClientID: a.flags.clientID, ClientSecret: a.flags.clientSecret}))
	}
	var faults []faultSpec
	for _, s := range ff.faults {
		f, err := parseFault(s)
		if err != nil {
			return usagef("--fault: %v", err)
		}
		faults = append(faults, f)
	}
	if _, _, err := net.SplitHostPort(ff.addr); err != nil {
		return usagef("--addr %q: %v; write it HOST:PORT, such as 127.0.0.1:9797 (127.0.0.1:0: any free port)", ff.addr, err)
	}
	l, err := net.Listen("tcp", ff.addr)
	if errors.Is(err, syscall.EADDRINUSE) {
		return fmt.Errorf("%w\n(is another fake running there? --addr 127.0.0.1:0 picks any free port)", err)
	}
	if err != nil {
		return err
	}
	var srv atomic.Pointer[nitrotest.Server]
	s := nitrotest.NewServer(append(opts, nitrotest.WithListener(l),
		nitrotest.WithMiddleware(adminMiddleware(&srv)))...)
	srv.Store(s)
	for _, f := range faults {
		target, n, fault, _ := f.fault() // checked by parseFault
		if err := s.InjectFault(target, n, fault); err != nil {
			s.Close()
			return usagef("--fault: %v", err)
		}
	}
	a.printFake(fakeInfo{BaseURL: s.URL(), TokenURL: s.TokenURL(), ClientID: s.Credentials().ClientID,
		ClientSecret: s.Credentials().ClientSecret, AdminURL: s.URL() + adminPrefix}, ff.env, l.Addr())
	<-ctx.Done()
	// Close waits for the requests in flight: it ends a fault's delay and a
	// status stream itself; those blocked reading a client's body, or
	// delivering a result on the request's context, end when its
	// connection closes.
	s.CloseClientConnections()
	s.Close()
	fmt.Fprintln(a.stderr, "nitro fake: stopped")
	return nil
}

// check refuses settings the fake would serve as nonsense: a token's
// expires_in of -1 (which every client refuses), a listing of no pages.
func (ff fakeFlags) check() error {
	switch {
	case ff.tokenLifetime <= 0:
		return usagef("--token-lifetime %v: a duration over 0", ff.tokenLifetime)
	case ff.jobExpiry <= 0:
		return usagef("--job-expiry %v: a duration over 0 ('nitro fake expire-job' expires one now)", ff.jobExpiry)
	case ff.pageSize < 1:
		return usagef("--page-size %d: 1 or more", ff.pageSize)
	case ff.outputSize < 0, ff.sealedSize < 0:
		return usagef("--output-size and --sealed-size: 0 (the content's own size) or more bytes")
	}
	return nil
}

// printFake says how to reach the fake. Its secret is the fake's own,
// printed on purpose; nothing the command was given is.
func (a *app) printFake(info fakeInfo, env bool, addr net.Addr) {
	vars := [][2]string{{nitro.EnvBaseURL, info.BaseURL}, {nitro.EnvTokenURL, info.TokenURL},
		{nitro.EnvClientID, info.ClientID}, {nitro.EnvClientSecret, info.ClientSecret}}
	switch {
	case a.flags.json:
		b, _ := json.Marshal(info)
		fmt.Fprintf(a.stdout, "%s\n", b)
	case env:
		for _, v := range vars {
			fmt.Fprintf(a.stdout, "export %s=%s\n", v[0], shellQuote(v[1]))
		}
	default:
		fmt.Fprintf(a.stdout, "nitro fake: a fake Nitro (Sign and PDF Services) at %s\n", info.BaseURL)
		for _, v := range vars {
			fmt.Fprintf(a.stdout, "  %s=%s\n", v[0], shellQuote(v[1]))
		}
		fmt.Fprintf(a.stdout, "admin: %s ('nitro fake --help' lists its routes); Ctrl-C stops it\n", info.AdminURL)
	}
	if tcp, ok := addr.(*net.TCPAddr); ok && !tcp.IP.IsLoopback() {
		fmt.Fprintf(a.stderr, "nitro fake: listening on %s, reachable from other machines; clients of the nitro library refuse plain http to them\n", addr)
	}
}

// adminCommand is the `nitro fake` subcommand of an admin route: it calls
// the fake at the configured base URL, through the same nitro.Client as
// every other command.
func (a *app) adminCommand(h adminHook) *cobra.Command {
	var reason string
	use := h.command
	if h.arg != "" {
		use += " " + h.arg
	}
	cmd := &cobra.Command{
		Use:   use,
		Short: strings.ToUpper(h.short[:1]) + h.short[1:],
		Args: func(cmd *cobra.Command, args []string) error {
			if want := min(len(h.arg), 1); len(args) != want {
				return usagef("%s takes %d argument (%s), not %d", h.command, want, cmp.Or(h.arg, "none"), len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			path, body, err := h.request(args, reason)
			if err != nil {
				return err
			}
			if _, err := a.adminCall(cmd.Context(), http.MethodPost, path, body); err != nil {
				return err
			}
			if !a.flags.json {
				a.printf("ok: %s %s\n", h.command, strings.Join(args, " "))
			}
			return nil
		},
	}
	switch h.command {
	case "fail-job":
		cmd.Flags().StringVar(&reason, "reason", "", "why it failed, as the job's error title")
	case "inject":
		cmd.Long = cmd.Short + ". FAULT is\n  " + faultSyntax + "\n" + faultOperations
	}
	return cmd
}

// request is the admin route's path and JSON body for a command's args.
func (h adminHook) request(args []string, reason string) (string, any, error) {
	path := adminPrefix + h.path
	switch {
	case h.command == "inject":
		f, err := parseFault(args[0])
		if err != nil {
			return "", nil, usagef("%v", err)
		}
		return path, f, nil
	case strings.Contains(path, "{id}"):
		path = strings.Replace(path, "{id}", url.PathEscape(args[0]), 1)
	}
	if reason != "" {
		return path, map[string]string{"reason": reason}, nil
	}
	return path, nil, nil
}

// adminCall sends a request to the fake's admin endpoint at the
// configured base URL (the fake's default address if none), and returns
// the answer's body. It is not a call of Nitro's API, and goes out on a
// plain http.Client, not the nitro.Client the API calls take: that one
// would fetch a token first, using up a fault just injected at the token
// endpoint, and the admin endpoint needs none.
func (a *app) adminCall(ctx context.Context, method, path string, body any) ([]byte, error) {
	s, err := a.settings()
	if err != nil {
		return nil, err
	}
	base := strings.TrimRight(cmp.Or(s.baseURL.value, "http://"+defaultFakeAddr), "/")
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, base+path, r)
	if err != nil {
		return nil, usagef("%s is not the fake's URL: %v", base, err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	hc := &http.Client{Timeout: 30 * time.Second}
	resp, err := hc.Do(req)
	if err != nil {
		from := "the default address; give the fake's with --base-url or " + nitro.EnvBaseURL
		if s.baseURL.value != "" {
			from = s.baseURL.source
		}
		return nil, fmt.Errorf("reaching the fake at %s (%s): %w", base, from, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode/100 != 2 {
		var p struct{ Detail string }
		if json.Unmarshal(b, &p) != nil || p.Detail == "" {
			p.Detail = strings.TrimSpace(string(b))
		}
		return nil, fmt.Errorf("the fake at %s answered %s: %s", base, resp.Status, p.Detail)
	}
	return b, nil
}
