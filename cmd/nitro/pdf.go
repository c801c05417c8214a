package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nitrokit/nitro/pdf"
)

// asyncAbove is the input size above which a tool runs as a job when
// neither --sync nor --async says: a long synchronous request holds a
// connection open for the whole conversion, and cannot show progress.
const asyncAbove = 10 << 20

func (a *app) pdfCommand() *cobra.Command {
	var subs []*cobra.Command
	for i := range pdfTools {
		subs = append(subs, a.pdfToolCommand(&pdfTools[i]))
	}
	subs = append(subs, a.pdfJobCommand())
	c := group("pdf", "Nitro PDF Services: convert, compress, merge, split, OCR, extract, …", subs...)
	c.Long = `Each tool runs synchronously, or as a job when --async says so or its input is
over 10 MB (or when --json and -o both ask for the typed result and the
file). A job shows a progress bar on a terminal and progress lines
otherwise; Ctrl-C stops waiting and prints how to resume it:
  nitro pdf job ID --wait -o OUT
Files are streamed, never held in memory whole; inputs over the 100 MB a
request takes are first uploaded to a pre-signed URL Nitro hands out.
--params sets any of a tool's params as JSON (or @FILE); its flags set the
common ones over it.`
	return c
}

// toolLong is a tool's help: what it makes, and where it goes.
func toolLong(t *pdfTool) string {
	long := t.short + "."
	if t.name == "convert" {
		long += "\nTo PDF, it takes " + knownExtensions(familyOffice, familyImage, familyMisc) + "; the other targets take a PDF."
	}
	if t.call.file {
		return long + "\n\nIt makes a file: -o OUT writes it (- for stdout), replacing OUT only once\nthe whole file is in; --json prints the typed result too (a job)."
	}
	printed := "as JSON"
	if t.name == "extract-text" {
		printed = "as text (--json: as JSON)"
	}
	return long + "\n\nIt reads data, printed " + printed + ", or with -o OUT the API's answer\nas it comes."
}

// runFlags are the flags every tool takes besides its params.
type runFlags struct {
	out         string
	sync, async bool
}

func (a *app) pdfToolCommand(t *pdfTool) *cobra.Command {
	var rf runFlags
	cmd := &cobra.Command{
		Use:               t.name + " " + t.files,
		Short:             t.short,
		Long:              toolLong(t),
		Args:              fileArgs(t.call.min, t.call.max),
		ValidArgsFunction: completeInputs,
		RunE: func(cmd *cobra.Command, args []string) error {
			params, err := paramsJSON(cmd.Flags(), t.params)
			if err != nil {
				return err
			}
			return a.runTool(cmd.Context(), t, args, params, rf)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&rf.out, "output", "o", "", "write the result to this file (- for stdout)")
	f.BoolVar(&rf.sync, "sync", false, "run synchronously, whatever the input's size")
	f.BoolVar(&rf.async, "async", false, "run as a job, with progress")
	f.String("params", "", "the tool's params as a JSON object, or @FILE to read it from a file")
	for _, p := range t.params {
		p.register(f)
		if p.values != nil {
			_ = cmd.RegisterFlagCompletionFunc(p.flag, cobra.FixedCompletions(p.values, cobra.ShellCompDirectiveNoFileComp))
		}
	}
	cmd.MarkFlagsMutuallyExclusive("sync", "async")
	return cmd
}

// fileArgs checks the number of files a tool takes.
func fileArgs(lo, hi int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if n := len(args); n < lo || n > hi {
			return usagef("%s takes %s, not %d", cmd.Name(), fileCount(lo, hi), n)
		}
		return nil
	}
}

// completeInputs completes files of the types the tools take.
func completeInputs(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	var exts []string
	for _, ext := range sortedKeys(mediaTypes) {
		exts = append(exts, strings.TrimPrefix(ext, "."))
	}
	return exts, cobra.ShellCompDirectiveFilterFileExt
}

// toolResult is what a tool's run prints with --json: the tool's typed
// result, and where its file went.
type toolResult struct {
	Tool   string `json:"tool,omitempty"` // unknown for 'pdf job' without --tool
	Mode   string `json:"mode"`           // sync or async
	JobID  string `json:"job_id,omitempty"`
	Output string `json:"output,omitempty"`
	Bytes  int64  `json:"bytes,omitempty"`
	// Result is the tool's typed answer: absent for a file streamed from a
	// synchronous call, whose answer is the file itself.
	Result any `json:"result,omitempty"`
}

// runTool runs one tool on the files at paths.
func (a *app) runTool(ctx context.Context, t *pdfTool, paths []string, params []byte, rf runFlags) error {
	if err := a.checkOutput(t, rf.out); err != nil {
		return err
	}
	in, err := openInputs(paths)
	if err != nil {
		return err
	}
	defer in.close()
	p, err := a.pdfClient()
	if err != nil {
		return err
	}
	req, err := t.call.start(p, in.files, params)
	if err != nil {
		return err
	}
	var out *output
	if rf.out != "" {
		if out, err = a.createOutput(rf.out); err != nil {
			return err
		}
		defer out.abort()
	}
	res := toolResult{Tool: t.name, Mode: "sync"}
	if rf.async || (!rf.sync && (in.total > asyncAbove || (a.flags.json && rf.out != ""))) {
		j, err := req.Async(ctx)
		if err != nil {
			return err
		}
		res.Mode, res.JobID = "async", j.id()
		a.note("nitro: %s: job %s started\n", t.name, j.id())
		return a.awaitJob(ctx, t, j, out, res)
	}
	if out != nil {
		res.Output = out.path
		res.Bytes, err = out.write(func(w io.Writer) (int64, error) { return req.Stream(ctx, w) })
	} else {
		res.Result, err = req.JSON(ctx)
	}
	if err != nil {
		return err
	}
	return a.report(res)
}

// checkOutput refuses a run whose result would go nowhere useful.
func (a *app) checkOutput(t *pdfTool, out string) error {
	switch {
	case out == "" && t.call.file && !a.flags.json:
		return usagef("%s makes a file: give -o OUT (- for stdout), or --json for the result with its download URL", t.name)
	case out == "-" && t.call.file && a.stdoutTerminal():
		return usagef("%s makes a file, which a terminal cannot show: give -o OUT, or pipe the output", t.name)
	}
	return nil
}

// awaitJob follows j with a progress meter until it ends, then writes its
// file to out (if not nil) and reports. The file is one request once the
// job ends (FollowDownload); the typed result is fetched first only for
// --json, or when there is no file to write. Ctrl-C leaves the job running
// and says how to resume it.
func (a *app) awaitJob(ctx context.Context, t *pdfTool, j job, out *output, res toolResult) error {
	if out != nil {
		res.Output = out.path
	}
	m := a.newBar(cmp.Or(res.Tool, "job") + " " + shortID(j.id()))
	var err error
	switch {
	case out == nil:
		res.Result, err = j.Follow(ctx, m.set)
	case a.flags.json:
		if res.Result, err = j.Follow(ctx, m.set); err == nil {
			res.Bytes, err = out.write(func(w io.Writer) (int64, error) { return j.Download(ctx, w) })
		}
	default:
		res.Bytes, err = out.write(func(w io.Writer) (int64, error) { return j.FollowDownload(ctx, w, m.set) })
	}
	if err != nil {
		m.abandon()
		return a.resumable(ctx, err, t, j.id(), res.Output)
	}
	m.finish()
	return a.report(res)
}

// resumable is err of a wait for job id, with how to resume it unless
// the job ended (failed, canceled, expired) or ended with --fake's fake.
func (a *app) resumable(ctx context.Context, err error, t *pdfTool, id, out string) error {
	switch {
	case a.fake != nil && ctx.Err() != nil:
		return &interruptedError{msg: fmt.Sprintf("interrupted: job %s ended with --fake's fake, which lived only for this command", id)}
	case a.fake != nil, errors.Is(err, pdf.ErrJobFailed), errors.Is(err, pdf.ErrJobCanceled), errors.Is(err, pdf.ErrJobExpired):
		return err
	}
	resume := "nitro pdf job " + id + " --wait"
	if !t.call.file {
		resume += " --tool " + t.name
	}
	if out != "" {
		resume += " -o " + shellQuote(out)
	}
	if ctx.Err() != nil {
		return &interruptedError{msg: fmt.Sprintf("interrupted: job %s keeps running; resume it with:\n  %s", id, resume)}
	}
	return &hinted{err: err, hint: fmt.Sprintf("job %s may still be running; resume it with:\n  %s", id, resume)}
}

// report prints a tool's result: JSON with --json; else, for a person,
// where the file went, or the extracted data.
func (a *app) report(res toolResult) error {
	switch {
	case a.flags.json:
		return a.printJSON(res)
	case res.Output == "-":
		return nil // the bytes are the output
	case res.Output != "":
		a.printf("wrote %s (%d bytes)\n", res.Output, res.Bytes)
		return nil
	}
	if text, ok := res.Result.(pdf.PlatformResponseText); ok {
		// The document's text as it is (a form feed between pages), but
		// on a terminal, which would act on its control characters.
		out := a.redact(strings.TrimRight(string(text.Result), "\n")) + "\n"
		if a.stdoutTerminal() {
			out = printable(out)
		}
		_, err := io.WriteString(a.stdout, out)
		return err
	}
	return a.printJSON(res.Result)
}

// shortID is a job's ID cut for a progress bar's label.
func shortID(id string) string {
	if len(id) > 8 {
		return id[:8]
	}
	return id
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./=:@%+,", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
