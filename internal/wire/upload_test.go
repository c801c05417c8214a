package wire_test

import (
	"context"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
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
