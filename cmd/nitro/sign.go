package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/google/uuid"
	"github.com/spf13/cobra"

	"github.com/nitrokit/nitro/sign"
)

func (a *app) signCommand() *cobra.Command {
	return group("sign", "Nitro Sign: send documents for signature, list, inspect and download envelopes",
		a.signSendCommand(),
		group("envelopes", "List envelopes", a.envelopesListCommand()),
		group("envelope", "Get, cancel or delete one envelope",
			a.envelopeCommand("get", "Show an envelope", func(ctx context.Context, s *sign.Client, id uuid.UUID) (any, string, error) {
				env, err := s.GetEnvelope(ctx, id)
				return env, describeEnvelope(env), err
			}),
			a.envelopeCommand("cancel", "Cancel a sent envelope", func(ctx context.Context, s *sign.Client, id uuid.UUID) (any, string, error) {
				env, err := s.CancelEnvelope(ctx, id)
				return env, "cancelled " + describeEnvelope(env), err
			}),
			a.envelopeCommand("delete", "Delete an envelope", func(ctx context.Context, s *sign.Client, id uuid.UUID) (any, string, error) {
				err := s.DeleteEnvelope(ctx, id)
				return map[string]any{"ID": id, "deleted": true}, "deleted envelope " + id.String(), err
			}),
		),
		a.signDownloadCommand(),
	)
}

// envelopeID reads an envelope's ID argument.
func envelopeID(arg string) (uuid.UUID, error) {
	id, err := uuid.Parse(arg)
	if err != nil {
		return id, usagef("%q is not an envelope ID (a UUID, as 'nitro sign envelopes list' shows)", arg)
	}
	return id, nil
}

func oneID(what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != 1 {
			return usagef("%s takes one %s, not %d", cmd.Name(), what, len(args))
		}
		return nil
	}
}

// envelopeCommand is a command acting on one envelope by its ID: do returns
// what --json prints and the line a person reads.
func (a *app) envelopeCommand(name, short string, do func(context.Context, *sign.Client, uuid.UUID) (any, string, error)) *cobra.Command {
	return &cobra.Command{
		Use:               name + " ENVELOPE-ID",
		Short:             short,
		Args:              oneID("envelope ID"),
		ValidArgsFunction: a.completeEnvelopes,
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := envelopeID(args[0])
			if err != nil {
				return err
			}
			s, err := a.signClient()
			if err != nil {
				return err
			}
			v, line, err := do(cmd.Context(), s, id)
			if err != nil {
				return err
			}
			if a.flags.json {
				return a.printJSON(v)
			}
			if line != "" {
				a.printf("%s\n", line)
			}
			return nil
		},
	}
}

func describeEnvelope(e sign.ExtendedEnvelope) string {
	return fmt.Sprintf("envelope %s %q: %s, created %s, last changed %s", e.ID, e.Name, e.Status,
		e.CreatedAt.Format(time.RFC3339), e.LastModifiedAt.Format(time.RFC3339))
}

// completeEnvelopes offers the IDs of the first page of envelopes, with
// their names, when credentials are set; nothing otherwise.
func (a *app) completeEnvelopes(cmd *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	s, err := a.signClient()
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	ctx, cancel := context.WithTimeout(cmd.Context(), 5*time.Second)
	defer cancel()
	page, err := s.ListEnvelopes(ctx, sign.ListEnvelopesParams{})
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var ids []string
	for _, e := range page.Items {
		// Redacted as all the command prints: the shell shows it.
		ids = append(ids, a.forPerson(e.ID.String()+"\t"+string(e.Status)+" "+strings.ReplaceAll(e.Name, "\t", " ")))
	}
	return ids, cobra.ShellCompDirectiveNoFileComp
}

// envelopeStatuses are the statuses --status completes.
var envelopeStatuses = []string{
	string(sign.EnvelopeStatusDrafted), string(sign.EnvelopeStatusSent), string(sign.EnvelopeStatusProcessing),
	string(sign.EnvelopeStatusSealed), string(sign.EnvelopeStatusRejected), string(sign.EnvelopeStatusCancelled),
	string(sign.EnvelopeStatusDeleted),
}

func (a *app) envelopesListCommand() *cobra.Command {
	var (
		statuses []string
		limit    int
	)
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List envelopes, every page of them",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			for _, st := range statuses {
				if !slices.Contains(envelopeStatuses, st) {
					return usagef("--status %q is not a status: %s", st, strings.Join(envelopeStatuses, ", "))
				}
			}
			s, err := a.signClient()
			if err != nil {
				return err
			}
			return a.listEnvelopes(cmd.Context(), s, statuses, limit)
		},
	}
	cmd.Flags().StringSliceVar(&statuses, "status", nil, "only envelopes in these statuses (repeat it, or comma-separate)")
	cmd.Flags().IntVar(&limit, "limit", 0, "stop after this many envelopes (0: all)")
	_ = cmd.RegisterFlagCompletionFunc("status", cobra.FixedCompletions(envelopeStatuses, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// listEnvelopes prints envelopes as they arrive, page after page: a table,
// or with --json an array written one element at a time, so a long
// listing is never held whole.
func (a *app) listEnvelopes(ctx context.Context, s *sign.Client, statuses []string, limit int) error {
	var tw *tabwriter.Writer
	if a.flags.json {
		fmt.Fprint(a.stdout, "[")
	} else {
		tw = tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tSTATUS\tCREATED\tNAME")
	}
	n := 0
	for env, err := range s.ListEnvelopesAutoPaging(ctx) {
		if err != nil {
			return err
		}
		if len(statuses) > 0 && !slices.Contains(statuses, string(env.Status)) {
			continue
		}
		if a.flags.json {
			if n > 0 {
				fmt.Fprint(a.stdout, ",")
			}
			fmt.Fprint(a.stdout, "\n  ")
			if err := a.printJSONInline(env); err != nil {
				return err
			}
		} else {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", env.ID, a.forPerson(string(env.Status)), env.CreatedAt.Format(time.RFC3339), a.forPerson(env.Name))
		}
		if n++; limit > 0 && n >= limit {
			break
		}
	}
	if a.flags.json {
		if n > 0 {
			fmt.Fprintln(a.stdout)
		}
		fmt.Fprintln(a.stdout, "]")
		return nil
	}
	return tw.Flush()
}

func (a *app) signDownloadCommand() *cobra.Command {
	var (
		out               string
		original, auditTr bool
	)
	cmd := a.envelopeCommand("download", "Download a sealed envelope (a ZIP), its original documents, or its audit trail",
		func(ctx context.Context, s *sign.Client, id uuid.UUID) (any, string, error) {
			get := func(w io.Writer) (int64, error) { return s.DownloadSealedEnvelope(ctx, id, w) }
			switch {
			case original:
				get = func(w io.Writer) (int64, error) { return s.DownloadOriginalEnvelope(ctx, id, w) }
			case auditTr:
				get = func(w io.Writer) (int64, error) { return s.DownloadAuditTrailOfEnvelope(ctx, id, w) }
			}
			n, err := a.writeTo(out, get)
			line := fmt.Sprintf("wrote %s (%d bytes)", out, n)
			if out == "-" {
				line = "" // the bytes are the output
			}
			return download{Output: out, Bytes: n}, line, err
		})
	cmd.Use = "download ENVELOPE-ID -o OUT"
	cmd.Flags().StringVarP(&out, "output", "o", "", "the file to write (- for stdout)")
	cmd.Flags().BoolVar(&original, "original", false, "the original documents (a ZIP), not the sealed ones")
	cmd.Flags().BoolVar(&auditTr, "audit-trail", false, "the audit trail (a PDF)")
	_ = cmd.MarkFlagRequired("output")
	cmd.MarkFlagsMutuallyExclusive("original", "audit-trail")
	return cmd
}
