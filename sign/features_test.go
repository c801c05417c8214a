package sign_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/internal/testkit/flowtest"
	"github.com/nitrokit/nitro/internal/testkit/memtest"
	"github.com/nitrokit/nitro/nitrotest"
	"github.com/nitrokit/nitro/sign"
)

func TestEnvelopesPaginatesLazily(t *testing.T) {
	c, srv := setup(t, nitro.Config{}, nitrotest.WithPageSize(10))
	ctx := context.Background()
	var want []uuid.UUID
	for range 200 {
		r, err := c.CreateEnvelope(ctx, createBody())
		must(t, err)
		want = append(want, r.ID)
	}
	var got []uuid.UUID
	for e, err := range c.ListEnvelopesAutoPaging(ctx) {
		must(t, err)
		got = append(got, e.ID)
	}
	if len(got) != 200 || got[0] != want[0] || got[199] != want[199] {
		t.Fatalf("listed %d envelopes", len(got))
	}
	if n := srv.Stats().Operations["ListEnvelopes"]; n != 20 {
		t.Errorf("200 envelopes took %d pages, want 20 of 10", n)
	}
	before := srv.Stats().Operations["ListEnvelopes"]
	for range c.ListEnvelopesAutoPaging(ctx) {
		break
	}
	if n := srv.Stats().Operations["ListEnvelopes"] - before; n != 1 {
		t.Errorf("stopping after one envelope fetched %d pages, want 1", n)
	}
}

func TestEnvelopesStopsOnARepeatedCursor(t *testing.T) {
	c, srv := setup(t, nitro.Config{})
	page := `{"items":[{"ID":"` + uuid.NewString() + `","name":"loop"}],"nextPage":"c2FtZQ"}`
	flowtest.Must(t, srv.InjectFault(nitrotest.Operation("ListEnvelopes"), 3, nitrotest.Fault{Status: 200, ContentType: "application/json", Body: page}))
	var n int
	var last error
	for _, err := range c.ListEnvelopesAutoPaging(context.Background()) {
		n++
		last = err
	}
	if !errors.Is(last, sign.ErrRepeatedCursor) || n != 3 {
		t.Errorf("got %d results ending in %v, want 2 envelopes then sign.ErrRepeatedCursor", n, last)
	}
}

// TestUploadDocumentRules: bad documents are refused before a request,
// the 16th document is the server's to refuse. TestUploadDocumentStreams
// (volume_test.go) has the uploads at the 20 MiB limit.
func TestUploadDocumentRules(t *testing.T) {
	c, srv := setup(t, nitro.Config{})
	ctx := context.Background()
	env := flowtest.NewEnvelope(t, c, "Upload")
	ct := srv.Stats().Operations["CreateDocument"]
	tests := []struct {
		name string
		doc  sign.DocumentUpload
		want error
	}{
		{"stated size over the limit", sign.DocumentUpload{Name: "a", ContentType: "application/pdf", Body: &memtest.Zeros{N: 1}, Size: sign.MaxDocumentSize + 1}, sign.ErrDocumentTooLarge},
		{"no name", sign.DocumentUpload{ContentType: "application/pdf", Body: &memtest.Zeros{N: 1}}, sign.ErrInvalidDocument},
		{"body and id", sign.DocumentUpload{Name: "a", ContentType: "application/pdf", Body: &memtest.Zeros{N: 1}, NitroDocumentID: uuid.NewString()}, sign.ErrInvalidDocument},
		{"neither", sign.DocumentUpload{Name: "a"}, sign.ErrInvalidDocument},
		{"no content type", sign.DocumentUpload{Name: "a", Body: &memtest.Zeros{N: 1}}, sign.ErrInvalidDocument},
	}
	for _, tt := range tests {
		if _, err := c.CreateDocument(ctx, env, tt.doc); !errors.Is(err, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, err, tt.want)
		}
	}
	if n := srv.Stats().Operations["CreateDocument"] - ct; n != 0 {
		t.Errorf("bad documents reached the server %d times", n)
	}
	if _, err := c.CreateDocument(ctx, env, sign.DocumentUpload{Name: "existing", NitroDocumentID: uuid.NewString()}); err != nil {
		t.Errorf("attaching by nitroDocumentID: %v", err)
	}
	// The 15-document limit is the server's to enforce: a 16th upload is
	// one request, answered with the server's problem.
	full := flowtest.NewEnvelope(t, c, "Full")
	for range 15 {
		flowtest.UploadDoc(t, c, full, 1)
	}
	ct = srv.Stats().Operations["CreateDocument"]
	if _, err := c.CreateDocument(ctx, full, sign.DocumentUpload{Name: "16th", ContentType: "application/pdf", Body: &memtest.Zeros{N: 10}}); !hasStatus(err, 400) && !hasStatus(err, 409) && !hasStatus(err, 422) {
		t.Errorf("a 16th document: %v, want the server's refusal", err)
	}
	if n := srv.Stats().Operations["CreateDocument"] - ct; n != 1 {
		t.Errorf("a 16th upload made %d CreateDocument requests, want 1", n)
	}
	if n := srv.Stats().Operations["ListDocuments"]; n != 0 {
		t.Errorf("uploads made %d hidden ListDocuments requests", n)
	}
	if _, err := c.CreateDocument(ctx, env, sign.DocumentUpload{Name: "x.exe", ContentType: "application/x-msdownload", Body: &memtest.Zeros{N: 10}}); !hasStatus(err, 415) {
		t.Errorf("an unsupported type: %v, want a 415 APIError", err)
	}
}

// TestDownloads: each download writes the whole file, and a missing
// envelope or document is a 404 that writes nothing. TestDownloadsStream
// (volume_test.go) has the sealed download in constant memory.
func TestDownloads(t *testing.T) {
	c, srv := setup(t, nitro.Config{}, nitrotest.WithSealDelay(-1))
	ctx := context.Background()
	env, doc, _ := flowtest.SentEnvelope(t, c)
	if _, err := c.DownloadSealedEnvelope(ctx, env, io.Discard); !nitro.IsConflict(err) {
		t.Fatalf("before sealing: %v, want a 409", err)
	}
	must(t, srv.Sign(env.String()))
	must(t, srv.Seal(env.String()))
	if _, err := c.WaitForEnvelopeStatus(ctx, env, sign.EnvelopeStatusSealed); err != nil {
		t.Fatal(err)
	}
	for name, dl := range map[string]func(io.Writer) (int64, error){
		"sealed":      func(w io.Writer) (int64, error) { return c.DownloadSealedEnvelope(ctx, env, w) },
		"original":    func(w io.Writer) (int64, error) { return c.DownloadOriginalEnvelope(ctx, env, w) },
		"audit trail": func(w io.Writer) (int64, error) { return c.DownloadAuditTrailOfEnvelope(ctx, env, w) },
		"sealed doc":  func(w io.Writer) (int64, error) { return c.DownloadSealedDocument(ctx, env, doc, w) },
		"missing env": func(w io.Writer) (int64, error) { return c.DownloadAuditTrailOfEnvelope(ctx, uuid.New(), w) },
		"missing doc": func(w io.Writer) (int64, error) { return c.DownloadSealedDocument(ctx, env, uuid.New(), w) },
	} {
		var buf bytes.Buffer
		n, err := dl(&buf)
		switch {
		case strings.HasPrefix(name, "missing"):
			if !nitro.IsNotFound(err) || n != 0 || buf.Len() != 0 {
				t.Errorf("%s: %d bytes, %v; want nothing and a 404", name, n, err)
			}
		case err != nil || n != int64(buf.Len()) || n == 0:
			t.Errorf("%s: %d bytes (%d written), %v", name, n, buf.Len(), err)
		}
	}
}

func TestWaitForStatus(t *testing.T) {
	c, srv := setup(t, nitro.Config{}, nitrotest.WithSealDelay(-1))
	ctx := context.Background()
	env, _, _ := flowtest.SentEnvelope(t, c)
	must(t, srv.Sign(env.String()))
	// The fake seals when the waiter first sleeps: no real time passes.
	var slept []time.Duration
	sign.SetPollSleep(c, func(ctx context.Context, d time.Duration) error {
		if slept = append(slept, d); len(slept) == 2 {
			must(t, srv.Seal(env.String()))
		}
		return ctx.Err()
	})
	got, err := c.WaitForEnvelopeStatus(ctx, env, sign.EnvelopeStatusSealed)
	if err != nil || got.Status != sign.EnvelopeStatusSealed || len(slept) != 2 {
		t.Fatalf("WaitForEnvelopeStatus: %v after %d polls, %v", got.Status, len(slept)+1, err)
	}
	if slept[0] < 125*time.Millisecond || slept[0] > 250*time.Millisecond || slept[1] < 250*time.Millisecond || slept[1] > 500*time.Millisecond {
		t.Errorf("poll delays %v: want jittered backoff from 250ms", slept)
	}
	other, _, _ := flowtest.SentEnvelope(t, c)
	_, err = c.CancelEnvelope(ctx, other)
	must(t, err)
	if _, err := c.WaitForEnvelopeStatus(ctx, other, sign.EnvelopeStatusSealed); !errors.Is(err, sign.ErrFinalStatus) {
		t.Errorf("waiting on a cancelled envelope: %v, want ErrFinalStatus", err)
	}
	third, _, _ := flowtest.SentEnvelope(t, c)
	short, cancel := context.WithCancel(ctx)
	polls := 0
	sign.SetPollSleep(c, func(context.Context, time.Duration) error {
		if polls++; polls == 3 {
			cancel()
		}
		return short.Err()
	})
	if _, err := c.WaitForEnvelopeStatus(short, third, sign.EnvelopeStatusSealed); !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "it is sent") {
		t.Errorf("waiting past ctx: %v, want the context's error and the status last seen", err)
	}
}

// failingReader fails after n bytes, as a file on a dying disk would.
type failingReader struct{ n int }

func (f *failingReader) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, errDisk
	}
	k := min(len(p), f.n)
	f.n -= k
	return k, nil
}

var errDisk = errors.New("disk read error")

func TestUploadReportsTheBodysOwnError(t *testing.T) {
	c, _ := setup(t, nitro.Config{})
	env := flowtest.NewEnvelope(t, c, "x")
	_, err := c.CreateDocument(context.Background(), env, sign.DocumentUpload{Name: "a.pdf", ContentType: "application/pdf", Body: &failingReader{n: 100 << 10}})
	if !errors.Is(err, errDisk) {
		t.Errorf("a failing body: %v, want its own error", err)
	}
}

func createBody() sign.EnvelopeCreate {
	return sign.EnvelopeCreate{Name: "Page", Mode: sign.EnvelopeModeParallel, Notification: sign.Notification{Subject: "s", Body: "b"}}
}

func hasStatus(err error, status int) bool {
	var ae *nitro.APIError
	return errors.As(err, &ae) && ae.StatusCode == status
}

// TestEmptyUnionIsRefusedBeforeSending: a union body with no variant would
// reach the API as null; the typed methods refuse it with ErrEmptyUnion and
// send nothing.
func TestEmptyUnionIsRefusedBeforeSending(t *testing.T) {
	c, srv := setup(t, nitro.Config{})
	ctx := context.Background()
	env := flowtest.NewEnvelope(t, c, "x")
	doc := flowtest.UploadDoc(t, c, env, 1)
	before := srv.Stats().Operations
	calls := map[string]func() error{
		"CreateParticipant": func() error { _, err := c.CreateParticipant(ctx, env, sign.CreateParticipantRequest{}); return err },
		"CreateField":       func() error { _, err := c.CreateField(ctx, env, doc, sign.CreateFieldRequest{}); return err },
		"UpdateField": func() error {
			_, err := c.UpdateField(ctx, env, doc, uuid.New(), sign.FieldUpdate{})
			return err
		},
	}
	for name, call := range calls {
		if err := call(); !errors.Is(err, nitro.ErrEmptyUnion) || !strings.Contains(err.Error(), strings.ToLower(name[:1])+name[1:]) {
			t.Errorf("%s with an empty union: %v, want ErrEmptyUnion naming the operation", name, err)
		}
		if n := srv.Stats().Operations[name] - before[name]; n != 0 {
			t.Errorf("%s: the empty union reached the server %d times", name, n)
		}
	}
}

// blockingReader blocks in Read until release is closed, as a stalled
// network stream would.
type blockingReader struct{ release chan struct{} }

func (r blockingReader) Read([]byte) (int, error) {
	<-r.release
	return 0, io.EOF
}

func TestUploadReturnsWhenCtxEndsWhileTheBodyBlocks(t *testing.T) {
	c, srv := setup(t, nitro.Config{})
	env := flowtest.NewEnvelope(t, c, "x")
	body := blockingReader{release: make(chan struct{})}
	defer close(body.release) // lets the reading goroutine end before goleak looks
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := c.CreateDocument(ctx, env, sign.DocumentUpload{Name: "stalled.pdf", ContentType: "application/pdf", Body: body})
		done <- err
	}()
	// Cancel once the request is in flight (the fake has its headers), the
	// case net/http alone would hang on: it waits for the body's writer.
	for srv.Stats().Operations["CreateDocument"] == 0 {
		runtime.Gosched()
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("a stalled body after cancel: %v, want context.Canceled", err)
	}
}

// TestWaitForStatusToleratesFailedPolls: a poll whose call fails with a
// retryable error (here, with no retries, one 503) is polled again, up to
// three in a row; a fourth in a row, or a failure that is not retryable,
// ends the wait with it.
func TestWaitForStatusToleratesFailedPolls(t *testing.T) {
	c, srv := setup(t, nitro.Config{MaxRetries: -1}, nitrotest.WithSealDelay(-1))
	ctx := context.Background()
	env, _, _ := flowtest.SentEnvelope(t, c)
	must(t, srv.Sign(env.String()))
	polls := 0
	sign.SetPollSleep(c, func(ctx context.Context, d time.Duration) error {
		if polls++; polls == 4 {
			must(t, srv.Seal(env.String()))
		}
		return ctx.Err()
	})
	flowtest.Must(t, srv.InjectFault(nitrotest.Operation("GetEnvelope"), 3, nitrotest.Fault{Status: 503}))
	if got, err := c.WaitForEnvelopeStatus(ctx, env, sign.EnvelopeStatusSealed); err != nil || got.Status != sign.EnvelopeStatusSealed {
		t.Fatalf("three failed polls in a row: %v, %v; want the wait to carry on to sealed", got.Status, err)
	}
	other, _, _ := flowtest.SentEnvelope(t, c)
	flowtest.Must(t, srv.InjectFault(nitrotest.Operation("GetEnvelope"), 4, nitrotest.Fault{Status: 503}))
	if _, err := c.WaitForEnvelopeStatus(ctx, other, sign.EnvelopeStatusSealed); !hasStatus(err, 503) {
		t.Errorf("four failed polls in a row: %v, want the 503", err)
	}
	flowtest.Must(t, srv.InjectFault(nitrotest.Operation("GetEnvelope"), 1, nitrotest.Fault{Status: 404}))
	if _, err := c.WaitForEnvelopeStatus(ctx, other, sign.EnvelopeStatusSealed); !nitro.IsNotFound(err) {
		t.Errorf("a 404: %v, want it at once", err)
	}
}
