package main

import (
	"fmt"
	"io"
	"time"

	"github.com/schollz/progressbar/v3"
)

// meter shows how far a wait has come: a bar redrawn in place on a
// terminal, plain lines otherwise (a log, a CI job, a pipe).
type meter interface {
	// set shows progress from 0.0 to 1.0; a meter without a fraction
	// (a spinner) ignores it.
	set(fraction float64)
	// finish shows the wait done and ends the line.
	finish()
	// abandon ends the line where the wait stood: interrupted or failed.
	abandon()
}

// newBar is a meter for a wait with a known fraction, such as a PDF job.
func (a *app) newBar(label string) meter {
	label = a.forPerson(label) // a job's ID is the server's
	if !a.terminal() {
		return &lines{w: a.stderr, label: label, last: -1}
	}
	return &bar{w: a.stderr, fraction: true, pb: progressbar.NewOptions(100,
		progressbar.OptionSetWriter(a.stderr),
		progressbar.OptionSetDescription(label),
		progressbar.OptionSetWidth(30),
		progressbar.OptionSetPredictTime(false),
		progressbar.OptionSetElapsedTime(true),
		progressbar.OptionSetRenderBlankState(true),
		progressbar.OptionOnCompletion(func() { fmt.Fprintln(a.stderr) }),
	)}
}

// newSpinner is a meter for a wait with no fraction, such as for a
// signature: a spinner with the time elapsed on a terminal.
func (a *app) newSpinner(label string) meter {
	if !a.terminal() {
		fmt.Fprintf(a.stderr, "%s…\n", label)
		return &lines{w: a.stderr, label: label, last: -1, start: time.Now()}
	}
	pb := progressbar.NewOptions(-1,
		progressbar.OptionSetWriter(a.stderr),
		progressbar.OptionSetDescription(label),
		progressbar.OptionSpinnerType(14),
		progressbar.OptionSetElapsedTime(true),
		progressbar.OptionOnCompletion(func() { fmt.Fprintln(a.stderr) }),
	)
	_ = pb.RenderBlank() // starts the clock; the library redraws it every 100ms
	return &bar{w: a.stderr, pb: pb}
}

// bar is a meter drawn by progressbar, in place, on a terminal.
type bar struct {
	w        io.Writer
	pb       *progressbar.ProgressBar
	fraction bool // a bar of 100 steps, not a spinner
}

func (b *bar) set(fraction float64) {
	if b.fraction && !b.pb.IsFinished() {
		_ = b.pb.Set(int(100 * min(max(fraction, 0), 1)))
	}
}

func (b *bar) finish() { _ = b.pb.Finish() }

func (b *bar) abandon() {
	_ = b.pb.Exit()
	fmt.Fprintln(b.w)
}

// lines is a meter that prints a line at each tenth of the way: a log
// keeps the story without a line per event.
type lines struct {
	w     io.Writer
	label string
	last  int       // the last tenth printed, -1 for none
	start time.Time // set for a spinner's lines: finish says how long it took
}

func (l *lines) set(fraction float64) {
	if l.start.IsZero() {
		if tenth := int(10 * min(max(fraction, 0), 1)); tenth > l.last {
			l.last = tenth
			fmt.Fprintf(l.w, "%s: %d%%\n", l.label, 10*tenth)
		}
	}
}

func (l *lines) finish() {
	switch {
	case !l.start.IsZero():
		fmt.Fprintf(l.w, "%s: done after %s\n", l.label, time.Since(l.start).Round(time.Second))
	case l.last < 10:
		l.set(1)
	}
}

func (l *lines) abandon() {}
