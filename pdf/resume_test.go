package pdf_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/nitrotest"
	"github.com/nitrokit/nitro/pdf"
)

// TestResumeJobOnAnotherClient: a job started by one client is waited for,
// by its ID alone, on a second client with a token of its own (another
// replica, or the same process after a restart).
func TestResumeJobOnAnotherClient(t *testing.T) {
	srv, _, first := onFake(t, nitrotest.WithJobDuration(-1))
	job := startText(t, first, "resumed")

	creds := srv.Credentials()
	nc, err := nitro.NewClient(nitro.Config{ClientID: creds.ClientID, ClientSecret: creds.ClientSecret, BaseURL: srv.URL()})
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	second := pdf.New(nc)
	pdf.SetSleep(second, func(ctx context.Context, _ time.Duration) error {
		if err := srv.CompleteJob(job.ID); err != nil {
			t.Error(err)
		}
		return ctx.Err()
	})
	again, err := pdf.ResumeJob[pdf.PlatformResponseText](second, job.ID)
	if err != nil {
		t.Fatal(err)
	}
	res, err := again.Wait(context.Background())
	if err != nil || res.Result != "resumed" {
		t.Fatalf("%+v, %v", res, err)
	}
}

// TestResumeJobRefuses: a nil client, an ID that is no path segment, and a
// result type no tool answers are refused before anything is sent.
func TestResumeJobRefuses(t *testing.T) {
	_, _, c := onFake(t)
	for _, id := range []string{"", ".", "..", "a/b", "a?b", "a#b"} {
		if _, err := pdf.ResumeJob[pdf.FileResult](c, id); err == nil {
			t.Errorf("ID %q accepted", id)
		}
	}
	if _, err := pdf.ResumeJob[pdf.FileResult](nil, "id"); err == nil {
		t.Error("a nil client accepted")
	}
	if _, err := pdf.ResumeJob[pdf.FileResult](&pdf.Client{}, "id"); err == nil {
		t.Error("a zero client accepted")
	}
	if _, err := pdf.ResumeJob[string](c, "id"); !errors.Is(err, pdf.ErrUnknownResult) {
		t.Errorf("a string result: %v, want ErrUnknownResult", err)
	}
}
