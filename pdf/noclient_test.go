package pdf_test

import (
	"context"
	"errors"
	"io"
	"maps"
	"testing"

	"github.com/nitrokit/nitro/pdf"
)

// TestNoClientIsAnErrorNotAPanic: pdf.New(nil), a zero or nil Client, a
// zero or nil Job and a zero Request answer ErrNoClient on first use, and
// send nothing.
func TestNoClientIsAnErrorNotAPanic(t *testing.T) {
	ctx := context.Background()
	var nilClient *pdf.Client
	var nilJob *pdf.Job[pdf.FileResult]
	for name, c := range map[string]*pdf.Client{"New(nil)": pdf.New(nil), "a zero Client": {}, "a nil Client": nilClient} {
		t.Run(name, func(t *testing.T) {
			calls := map[string]func() error{
				"JSON": func() error {
					_, err := c.Compress(textPDF("a.pdf", "a"), pdf.PDFCompressParams{}).JSON(ctx)
					return err
				},
				"Stream": func() error {
					_, err := c.Flatten(textPDF("a.pdf", "a"), pdf.EmptyParams{}).Stream(ctx, io.Discard)
					return err
				},
				"Async": func() error {
					_, err := c.ExtractText(textPDF("a.pdf", "a"), pdf.ExtractTextParams{}).Async(ctx)
					return err
				},
				"Stage": func() error { _, err := c.Stage(ctx, textPDF("a.pdf", "a")); return err },
				"Raw":   func() error { _, err := c.Raw().GetJobStatus(ctx, "id"); return err },
				"ResumeJob": func() error {
					_, err := pdf.ResumeJob[pdf.FileResult](c, "id")
					return err
				},
			}
			for what, call := range calls {
				if err := call(); !errors.Is(err, pdf.ErrNoClient) {
					t.Errorf("%s: %v, want ErrNoClient", what, err)
				}
			}
		})
	}
	for name, j := range map[string]*pdf.Job[pdf.FileResult]{"a zero Job": {ID: "id"}, "a nil Job": nilJob} {
		t.Run(name, func(t *testing.T) {
			calls := map[string]func() error{
				"Status":         func() error { _, err := j.Status(ctx); return err },
				"Wait":           func() error { _, err := j.Wait(ctx); return err },
				"Follow":         func() error { _, err := j.Follow(ctx, nil); return err },
				"Result":         func() error { _, err := j.Result(ctx); return err },
				"Download":       func() error { _, err := j.Download(ctx, io.Discard); return err },
				"FollowDownload": func() error { _, err := j.FollowDownload(ctx, io.Discard, nil); return err },
			}
			for what, call := range calls {
				if err := call(); !errors.Is(err, pdf.ErrNoClient) {
					t.Errorf("%s: %v, want ErrNoClient", what, err)
				}
			}
		})
	}
	if _, err := (pdf.Request[pdf.FileResult]{}).JSON(ctx); !errors.Is(err, pdf.ErrNoClient) {
		t.Errorf("a zero Request: %v, want ErrNoClient", err)
	}
}

// TestNewSkipsANilOption: a nil Option (an option chosen by a condition
// that chose none) is no option, not a panic in New.
func TestNewSkipsANilOption(t *testing.T) {
	_, nc, _ := onFake(t)
	var none pdf.Option
	c := pdf.New(nc, none, pdf.WithUploadClient(nil), nil)
	if _, err := c.Compress(textPDF("a.pdf", "a"), pdf.PDFCompressParams{}).JSON(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// TestANilJobErrorPrints: a nil *JobError (a typed nil a caller's own code
// may hold) has an Error text, as fmt already shows it, instead of a nil
// pointer panic.
func TestANilJobErrorPrints(t *testing.T) {
	var e *pdf.JobError
	if got := e.Error(); got == "" {
		t.Errorf("Error() = %q", got)
	}
}

// TestANilContextIsAnError: every call taking a context answers
// ErrNilContext to a nil one, before sending anything, instead of
// panicking wherever the context is first used.
func TestANilContextIsAnError(t *testing.T) {
	srv, _, c := onFake(t)
	job, err := c.Compress(textPDF("a.pdf", "a"), pdf.PDFCompressParams{}).Async(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	before := srv.Stats()
	var none context.Context
	req := c.Compress(textPDF("a.pdf", "a"), pdf.PDFCompressParams{})
	for name, call := range map[string]func() error{
		"JSON":           func() error { _, err := req.JSON(none); return err },
		"Stream":         func() error { _, err := req.Stream(none, io.Discard); return err },
		"Async":          func() error { _, err := req.Async(none); return err },
		"Stage":          func() error { _, err := c.Stage(none, textPDF("a.pdf", "a")); return err },
		"Status":         func() error { _, err := job.Status(none); return err },
		"Wait":           func() error { _, err := job.Wait(none); return err },
		"Follow":         func() error { _, err := job.Follow(none, nil); return err },
		"Result":         func() error { _, err := job.Result(none); return err },
		"Download":       func() error { _, err := job.Download(none, io.Discard); return err },
		"FollowDownload": func() error { _, err := job.FollowDownload(none, io.Discard, nil); return err },
	} {
		func() {
			defer func() {
				if p := recover(); p != nil {
					t.Errorf("%s: panicked: %v", name, p)
				}
			}()
			if err := call(); !errors.Is(err, pdf.ErrNilContext) {
				t.Errorf("%s: %v, want ErrNilContext", name, err)
			}
		}()
	}
	if after := srv.Stats(); after.TokenRequests != before.TokenRequests || !maps.Equal(after.Operations, before.Operations) {
		t.Errorf("requests were sent: %+v, then %+v", before, after)
	}
	if _, err := req.JSON(context.Background()); err != nil {
		t.Errorf("the Request after the refusals: %v", err)
	}
}
