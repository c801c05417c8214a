package main

import (
	"context"
	"errors"

	"github.com/spf13/cobra"

	"github.com/nitrokit/nitro/pdf"
)

// jobFlags are `nitro pdf job`'s flags.
type jobFlags struct {
	wait        bool
	out         string
	tool        string
	toolDefault bool // --tool was not given
}

func (a *app) pdfJobCommand() *cobra.Command {
	var jf jobFlags
	cmd := &cobra.Command{
		Use:   "job ID",
		Short: "Show a job's status, or wait for it and fetch its result (--wait -o OUT)",
		Long: `Shows the status of a PDF Services job by its ID, as 'nitro pdf TOOL --async'
printed it; with --wait, follows it to its end with progress, then writes its
file to -o OUT or prints its result. --tool names the tool that started it
when its result is data, not a file (extract-text, extract-tables, …).`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("job takes one job ID, not %d", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			jf.toolDefault = !cmd.Flags().Changed("tool")
			return a.runJobCommand(cmd.Context(), args[0], jf)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&jf.wait, "wait", false, "wait for the job to end, then fetch its result")
	f.StringVarP(&jf.out, "output", "o", "", "with --wait: write the job's file to this file (- for stdout)")
	f.StringVar(&jf.tool, "tool", "convert", "the tool that started the job")
	_ = cmd.RegisterFlagCompletionFunc("tool", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		var names []string
		for _, t := range pdfTools {
			names = append(names, t.name)
		}
		return names, cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

// jobStatus is what `nitro pdf job ID` prints with --json. Progress is
// there while the job runs.
type jobStatus struct {
	JobID    string   `json:"job_id"`
	Status   string   `json:"status"`
	Progress *float64 `json:"progress,omitempty"`
}

func (a *app) runJobCommand(ctx context.Context, id string, jf jobFlags) error {
	t := toolNamed(jf.tool)
	switch {
	case t == nil:
		return usagef("--tool %q is not a tool; 'nitro pdf --help' lists them", jf.tool)
	case jf.out != "" && !jf.wait:
		return usagef("-o needs --wait: a job's file is there once it has ended")
	}
	if jf.wait {
		if err := a.checkOutput(t, jf.out); err != nil {
			return err
		}
	}
	p, err := a.pdfClient()
	if err != nil {
		return err
	}
	j, err := t.call.resume(p, id)
	if err != nil {
		return err
	}
	if jf.wait {
		var out *output
		if jf.out != "" {
			if out, err = a.createOutput(jf.out); err != nil {
				return err
			}
			defer out.abort()
		}
		res := toolResult{Tool: t.name, Mode: "async", JobID: id}
		if jf.toolDefault {
			res.Tool = "" // the job's tool is not known: --tool's default only says how to read its result
		}
		err := a.awaitJob(ctx, t, j, out, res)
		if errors.Is(err, pdf.ErrUnexpectedAnswer) && jf.toolDefault {
			if h, ok := err.(*hinted); ok {
				err = h.err // resuming it the same way would fail the same way
			}
			err = &hinted{err: err, hint: "(a job of a tool whose result is data, not a file, needs that tool named: --tool extract-text, say)"}
		}
		return err
	}
	st, err := j.Status(ctx)
	if err != nil {
		return err
	}
	out := jobStatus{JobID: id, Status: st.Status}
	if !st.Done() {
		out.Progress = &st.Progress
	}
	if a.flags.json {
		return a.printJSON(out)
	}
	if out.Progress != nil {
		a.printf("job %s: %s, %.0f%%\n", id, st.Status, 100*st.Progress)
	} else {
		a.printf("job %s: %s\n", id, st.Status)
	}
	return nil
}
