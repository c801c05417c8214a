package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/auth"
	"github.com/nitrokit/nitro/pdf"
)

// The exit codes, as `nitro --help` and the README document them.
const (
	exitOK          = 0
	exitFailed      = 1 // the API answered an error, a job failed, a file could not be read or written
	exitUsage       = 2
	exitAuth        = 3
	exitInterrupted = 130
)

// usageError is a command line that cannot run: exit code 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// credentialsError is credentials that are missing or cannot be used
// safely: exit code 3.
type credentialsError struct{ msg string }

func (e *credentialsError) Error() string { return e.msg }

// interruptedError is a wait ended by Ctrl-C, with what to run to pick it
// up again: exit code 130.
type interruptedError struct{ msg string }

func (e *interruptedError) Error() string { return e.msg }

// hinted is an error with what the user can do about what the command
// left behind (a job still running, a draft envelope): execute prints the
// hint after the error's message, whatever explains the error.
type hinted struct {
	err  error
	hint string
}

func (e *hinted) Error() string { return e.err.Error() + "\n" + e.hint }
func (e *hinted) Unwrap() error { return e.err }

// explain returns err's exit code and the message to print for it.
func (a *app) explain(ctx context.Context, cmd *cobra.Command, err error) (int, string) {
	var (
		usage *usageError
		creds *credentialsError
		intr  *interruptedError
		cfg   *nitro.ConfigError
	)
	switch {
	case errors.As(err, &intr):
		return exitInterrupted, prefixed(intr.msg)
	case ctx.Err() != nil:
		return exitInterrupted, "nitro: interrupted"
	case errors.As(err, &usage), !a.ran:
		// Before a command's own run, every error is cobra's: the
		// command line was wrong.
		return exitUsage, fmt.Sprintf("%s\nRun '%s --help' for usage.", prefixed(err.Error()), cmd.CommandPath())
	case errors.As(err, &creds):
		return exitAuth, prefixed(creds.msg)
	case errors.As(err, &cfg):
		if cfg.Field == "ClientID" || cfg.Field == "ClientSecret" {
			return exitAuth, prefixed(cfg.Error())
		}
		return exitUsage, fmt.Sprintf("%s (check %s)", prefixed(err.Error()), a.sourceOf(cfg.Field))
	case refusedCredentials(err):
		return exitAuth, a.refusal(err)
	}
	return exitFailed, describe(err)
}

// refusedCredentials reports whether err is the token endpoint refusing
// the client, or the API refusing its token (401, 403).
func refusedCredentials(err error) bool {
	var te *auth.Error
	if errors.As(err, &te) {
		switch {
		case te.StatusCode == http.StatusUnauthorized, te.StatusCode == http.StatusForbidden:
			return true
		case te.Code == "invalid_client", te.Code == "unauthorized_client", te.Code == "invalid_grant", te.Code == "invalid_scope":
			return true
		}
		return false
	}
	var ae *nitro.APIError
	return errors.As(err, &ae) && (ae.StatusCode == http.StatusUnauthorized || ae.StatusCode == http.StatusForbidden)
}

// refusal says that the credentials were refused, and which settings to
// check: the flags, variables or config file they came from.
func (a *app) refusal(err error) string {
	var b strings.Builder
	var ae *nitro.APIError
	if errors.As(err, &ae) {
		b.WriteString(describe(err))
		b.WriteString("\nthe API refused the token issued for these credentials")
	} else {
		fmt.Fprintf(&b, "nitro: the token endpoint refused the credentials: %v", err)
	}
	fmt.Fprintf(&b, "\ncheck %s and %s", a.sourceOf("ClientID"), a.sourceOf("ClientSecret"))
	if a.flags.tokenURL != "" || a.getenv(nitro.EnvTokenURL) != "" || a.flags.baseURL != "" || a.getenv(nitro.EnvBaseURL) != "" {
		fmt.Fprintf(&b, ", and that %s and %s name the right service", a.sourceOf("BaseURL"), a.sourceOf("TokenURL"))
	}
	return b.String()
}

// describe is err for a person: an *APIError with its title, detail,
// validation errors and request ID on lines of their own, a failed job
// with its reason.
func describe(err error) string {
	var ae *nitro.APIError
	if !errors.As(err, &ae) {
		var je *pdf.JobError
		if errors.As(err, &je) {
			return fmt.Sprintf("nitro: job %s failed: %s (%s)", je.JobID, je.Title, je.Type)
		}
		return prefixed(err.Error())
	}
	var b strings.Builder
	fmt.Fprintf(&b, "nitro: %s %s: the API answered %d %s", ae.Method, ae.Path, ae.StatusCode, http.StatusText(ae.StatusCode))
	if ae.Attempts > 1 {
		fmt.Fprintf(&b, " (after %d attempts)", ae.Attempts)
	}
	if ae.Title != "" {
		b.WriteString("\n  title:      " + ae.Title)
	}
	if ae.Detail != "" {
		b.WriteString("\n  detail:     " + ae.Detail)
	}
	for _, k := range sortedKeys(ae.ValidationErrors) {
		fmt.Fprintf(&b, "\n  invalid:    %s: %s", k, ae.ValidationErrors[k])
	}
	if ae.RequestID != "" {
		b.WriteString("\n  request ID: " + ae.RequestID + " (quote it to Nitro support)")
	}
	return b.String()
}

// prefixed is msg after "nitro: ", once: the library's errors start with it
// already.
func prefixed(msg string) string {
	return "nitro: " + strings.TrimPrefix(msg, "nitro: ")
}
