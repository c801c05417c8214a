package wire_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/nitrokit/nitro/internal/wire"
)

// TestUploadReturnsWhenCtxEndsMidRequest: with the request under way and
// the body stuck in a file's Read, ctx's end returns at once, though
// net/http waits for the body's writer. (Run by a plain http.Client on
// loopback: the pipe, not the stack, is under test.)
func TestUploadReturnsWhenCtxEndsMidRequest(t *testing.T) {
	reading := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(reading)
		_, _ = io.Copy(io.Discard, r.Body)
	}))
	defer srv.Close()
	release := make(chan struct{})
	defer close(release)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-reading; cancel() }()
	start := time.Now()
	_, err := wire.Upload(ctx, func(mw *multipart.Writer) error {
		if _, err := mw.CreateFormFile("file", "a.pdf"); err != nil {
			return err
		}
		<-release // a file's Read, stalled
		return errors.New("released")
	}, func(ct string, body io.Reader) (*http.Response, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL, body)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", ct)
		return srv.Client().Do(req)
	})
	if !errors.Is(err, context.Canceled) || time.Since(start) > 10*time.Second {
		t.Fatalf("err %v after %v", err, time.Since(start))
	}
}

// TestUploadBodyErrorFirst: the body's own failure explains the request's.
func TestUploadBodyErrorFirst(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
	}))
	defer srv.Close()
	tooBig := errors.New("too big")
	_, err := wire.Upload(context.Background(), func(mw *multipart.Writer) error {
		if err := mw.WriteField("method", "compress"); err != nil {
			return err
		}
		return tooBig
	}, func(ct string, body io.Reader) (*http.Response, error) {
		return srv.Client().Post(srv.URL, ct, body)
	})
	if !errors.Is(err, tooBig) {
		t.Fatalf("err %v", err)
	}
}

// post sends an upload's body to url with a plain http.Client.
func post(c *http.Client, url string) func(string, io.Reader) (*http.Response, error) {
	return func(ct string, body io.Reader) (*http.Response, error) { return c.Post(url, ct, body) }
}

// TestUploadBodyPanicIsTheError: a body whose Read panics (a typed nil
// *bytes.Reader, say) fails the call with that panic as its error; the
// panic does not escape into the upload's goroutine, where no caller could
// recover it and the process would die.
func TestUploadBodyPanicIsTheError(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
	}))
	defer srv.Close()
	for name, body := range map[string]io.Reader{
		"typed nil *bytes.Reader": (*bytes.Reader)(nil),
		"typed nil *os.File":      (*os.File)(nil), // returns os.ErrInvalid, no panic
		"a Read that panics":      panicky{},
	} {
		_, err := wire.Upload(context.Background(), func(mw *multipart.Writer) error {
			part, err := mw.CreateFormFile("file", "a.pdf")
			if err != nil {
				return err
			}
			_, err = io.Copy(part, body)
			return err
		}, post(srv.Client(), srv.URL))
		if err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

type panicky struct{}

func (panicky) Read([]byte) (int, error) { panic("the body broke") }

// TestUploadCutOffReportsTheTransportsError: the server reads part of the
// upload and closes the connection. The call's error is the transport's
// (the connection reset or closed), not the pipe's "read/write on closed
// pipe", which says only that the request stopped reading.
func TestUploadCutOffReportsTheTransportsError(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.CopyN(io.Discard, r.Body, 1<<10)
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	}))
	defer srv.Close()
	_, err := wire.Upload(context.Background(), writeZeros(64<<20), post(srv.Client(), srv.URL))
	var ue *url.Error
	if err == nil || errors.Is(err, io.ErrClosedPipe) || !errors.As(err, &ue) {
		t.Fatalf("got %v, want the transport's error", err)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// writeZeros writes a file part of n zero bytes.
func writeZeros(n int64) func(*multipart.Writer) error {
	return func(mw *multipart.Writer) error {
		part, err := mw.CreateFormFile("file", "a.pdf")
		if err != nil {
			return err
		}
		_, err = io.Copy(part, io.LimitReader(zeros{}, n))
		return err
	}
}

// TestUploadEarlyAnswerIsTheAnswer: a server that answers before reading the
// whole upload (a 413 for a file over its limit) is heard: the call returns
// its answer, not the pipe's error.
func TestUploadEarlyAnswerIsTheAnswer(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.CopyN(io.Discard, r.Body, 1<<10)
		w.Header().Set("Connection", "close")
		w.WriteHeader(http.StatusRequestEntityTooLarge)
	}))
	defer srv.Close()
	resp, err := wire.Upload(context.Background(), writeZeros(64<<20), post(srv.Client(), srv.URL))
	if resp != nil {
		resp.Body.Close()
	}
	if err != nil && errors.Is(err, io.ErrClosedPipe) {
		t.Fatalf("got %v, want the server's answer or the transport's error", err)
	}
	if err == nil && resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("got %d, want the 413", resp.StatusCode)
	}
}

func TestIsNil(t *testing.T) {
	var iface io.Reader
	for _, tt := range []struct {
		r    io.Reader
		want bool
	}{
		{nil, true}, {iface, true}, {(*bytes.Reader)(nil), true}, {(*os.File)(nil), true},
		{bytes.NewReader(nil), false}, {zeros{}, false}, {panicky{}, false},
	} {
		if got := wire.IsNil(tt.r); got != tt.want {
			t.Errorf("IsNil(%T) = %v, want %v", tt.r, got, tt.want)
		}
	}
}

// stuck is a body whose Read returns n and no error for ever.
type stuck struct{ n int }

func (s stuck) Read([]byte) (int, error) { return s.n, nil }

// TestGuardStopsAStuckBody: a body that reads nothing for ever, or reports
// an impossible count, ends the copy with an error instead of spinning.
func TestGuardStopsAStuckBody(t *testing.T) {
	for _, n := range []int{0, -1, 1 << 20} {
		_, err := io.Copy(io.Discard, wire.Guard(stuck{n}))
		if err == nil {
			t.Errorf("Read returning (%d, nil): the copy ended without an error", n)
		}
	}
	if n, err := io.Copy(io.Discard, wire.Guard(strings.NewReader("abc"))); n != 3 || err != nil {
		t.Errorf("a good body: %d, %v", n, err)
	}
}
