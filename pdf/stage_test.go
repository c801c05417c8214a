package pdf_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/pdf"
)

// TestStageOnTheFake: a staged input is uploaded to the fake's pre-signed
// URL, fetched by the fake from it, and processed like a sent one.
func TestStageOnTheFake(t *testing.T) {
	srv, _, c := onFake(t)
	ctx := context.Background()
	staged, err := c.Stage(ctx, textPDF("letter.pdf", "staged hello"))
	if err != nil {
		t.Fatal(err)
	}
	if staged.Name != "letter.pdf" || staged.ContentType != pdf.RemoteContentType {
		t.Errorf("staged %q %q", staged.Name, staged.ContentType)
	}
	res, err := c.ExtractText(staged, pdf.ExtractTextParams{}).JSON(ctx)
	if err != nil || res.Result != "staged hello" {
		t.Fatalf("%+v, %v", res, err)
	}
	ops := srv.Stats().Operations
	for op, n := range map[string]int{"CreatePresignedFileURLs": 1, "UploadStagedFile": 1, "DownloadStagedFile": 1, "ExtractFromDocument": 1} {
		if ops[op] != n {
			t.Errorf("%s %d times, want %d (%v)", op, ops[op], n, ops)
		}
	}
}

// stubSecret is the client secret of the staging stubs: no URL they hand
// out holds it (a URL that did would be refused).
const stubSecret = "staging-stub-client-secret"

// stagingStub is a server for a request over the size limit: it hands out
// pre-signed pairs on itself, counts what is PUT to them (with no token),
// and keeps the tool call's file parts.
type stagingStub struct {
	mu       sync.Mutex
	put      map[string]int64 // bytes per upload path
	puts     []string         // problems with an upload
	filePart []string         // the call's file parts: content type, then body
}

func (st *stagingStub) handler(base func() string) http.HandlerFunc {
	n := 0
	return func(w http.ResponseWriter, r *http.Request) {
		st.mu.Lock()
		defer st.mu.Unlock()
		switch {
		case r.URL.Path == "/oauth/token":
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"access_token":"tok","token_type":"Bearer","expires_in":3600}`))
		case r.Method == http.MethodPost && r.URL.Path == "/presigned-file-urls":
			if r.URL.Query().Get("n") != "1" || r.Header.Get("Authorization") == "" {
				st.puts = append(st.puts, "presign without n=1 or a token")
			}
			n++
			w.Header().Set("Content-Type", "application/json")
			_, _ = fmt.Fprintf(w, `{"urls":[{"uploadURL":"%s/up/%d?signature=sig-secret","downloadURL":"%s/down/%d?signature=sig-secret"}]}`, base(), n, base(), n)
		case r.Method == http.MethodPut && strings.HasPrefix(r.URL.Path, "/up/"):
			if r.Header.Get("Authorization") != "" || r.ContentLength <= 0 {
				st.puts = append(st.puts, fmt.Sprintf("PUT with Authorization %q, Content-Length %d", r.Header.Get("Authorization"), r.ContentLength))
			}
			st.mu.Unlock()
			got, _ := io.Copy(io.Discard, r.Body)
			st.mu.Lock()
			st.put[r.URL.Path] = got
		default:
			mr, err := r.MultipartReader()
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			for {
				p, err := mr.NextPart()
				if err != nil {
					break
				}
				if p.FormName() == "file" || p.FormName() == "files" {
					b, _ := io.ReadAll(io.LimitReader(p, 4<<10))
					st.filePart = append(st.filePart, p.Header.Get("Content-Type"), string(b))
				}
			}
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"result":{"file":{"URL":"https://f.example/1.pdf","contentType":"application/pdf"}}}`))
		}
	}
}

func newStagingStub(t *testing.T) (*stagingStub, *pdf.Client) {
	t.Helper()
	st := &stagingStub{put: map[string]int64{}}
	var srv *httptest.Server
	srv = httptest.NewServer(st.handler(func() string { return srv.URL }))
	t.Cleanup(srv.Close)
	nc, err := nitro.NewClient(nitro.Config{ClientID: "id", ClientSecret: stubSecret, BaseURL: srv.URL, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	return st, pdf.New(nc)
}

// wantRemote checks a file part is a RemoteFile naming the download path.
func wantRemote(t *testing.T, part []string, path string) {
	t.Helper()
	if len(part) < 2 || part[0] != pdf.RemoteContentType {
		t.Fatalf("file part %q, want a RemoteFile", part)
	}
	var rf struct{ URL, ContentType string }
	if err := json.Unmarshal([]byte(part[1]), &rf); err != nil || !strings.Contains(rf.URL, path+"?signature=") || rf.ContentType != "application/pdf" {
		t.Errorf("RemoteFile %s, %v", part[1], err)
	}
}

// TestStagingRefusesAndHidesItsURLs: a staged file needs its exact Size,
// and no error of a failed upload shows a pre-signed URL's signature.
func TestStagingRefusesAndHidesItsURLs(t *testing.T) {
	ctx := context.Background()
	_, c := newStagingStub(t)
	for name, f := range map[string]pdf.File{
		"no Size":            {Name: "a.pdf", ContentType: "application/pdf", Body: strings.NewReader("abc")},
		"shorter than Size":  {Name: "a.pdf", ContentType: "application/pdf", Body: strings.NewReader("abc"), Size: 4},
		"longer than Size":   {Name: "a.pdf", ContentType: "application/pdf", Body: strings.NewReader("abcde"), Size: 4},
		"read before, Sized": {Name: "a.pdf", ContentType: "application/pdf", Body: bytes.NewReader(nil), Size: 4},
	} {
		if _, err := c.Stage(ctx, f); !errors.Is(err, pdf.ErrInvalidFile) {
			t.Errorf("%s: %v, want ErrInvalidFile", name, err)
		}
	}

	// Pre-signed URLs whose host refuses or rejects the upload.
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	for name, upload := range map[string]string{
		"unreachable": closed.URL + "/up?signature=sig-secret",
		"403":         newLoopback(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusForbidden) })) + "/up?signature=sig-secret",
	} {
		api := newLoopback(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			if r.URL.Path == "/oauth/token" {
				_, _ = w.Write([]byte(`{"access_token":"tok","token_type":"Bearer","expires_in":3600}`))
				return
			}
			_, _ = fmt.Fprintf(w, `{"urls":[{"uploadURL":%q,"downloadURL":"https://files.example/down?signature=sig-secret"}]}`, upload)
		}))
		nc, err := nitro.NewClient(nitro.Config{ClientID: "id", ClientSecret: stubSecret, BaseURL: api, MaxRetries: -1})
		if err != nil {
			t.Fatal(err)
		}
		defer nc.Close()
		_, err = pdf.New(nc).Stage(ctx, textPDF("a.pdf", "a"))
		if err == nil || strings.Contains(err.Error(), "sig-secret") || strings.Contains(fmt.Sprintf("%#v", err), "sig-secret") {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// roundTripFunc is an http.RoundTripper of a func.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestStagingRefusesPlainHTTP: pre-signed URLs over plain http to a host
// that is not loopback would carry the file and the URLs' signatures in
// clear: refused before any upload (ErrUnexpectedAnswer), naming no
// signature. Loopback (a fake) is taken, and so is any host when the API's
// own base URL is plain http to a host that is not loopback (the caller
// chose nitro.WithInsecureHTTP, for a network that encrypts beneath HTTP).
func TestStagingRefusesPlainHTTP(t *testing.T) {
	ctx := context.Background()
	presign := func(up, down string) string {
		return newLoopback(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			if r.URL.Path == "/oauth/token" {
				_, _ = w.Write([]byte(`{"access_token":"tok","token_type":"Bearer","expires_in":3600}`))
				return
			}
			_, _ = fmt.Fprintf(w, `{"urls":[{"uploadURL":%q,"downloadURL":%q}]}`, up, down)
		}))
	}
	var mu sync.Mutex
	var puts []string
	uploads := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		puts = append(puts, r.URL.Host)
		mu.Unlock()
		_, _ = io.Copy(io.Discard, r.Body)
		return &http.Response{StatusCode: http.StatusOK, Body: http.NoBody, Request: r}, nil
	})}
	const (
		plainUp   = "http://files.example/up?signature=sig-secret"
		plainDown = "http://files.example/down?signature=sig-secret"
		tlsUp     = "https://files.example/up?signature=sig-secret"
		tlsDown   = "https://files.example/down?signature=sig-secret"
	)
	for name, urls := range map[string][2]string{"upload": {plainUp, tlsDown}, "download": {tlsUp, plainDown}} {
		nc, err := nitro.NewClient(nitro.Config{ClientID: "id", ClientSecret: stubSecret, BaseURL: presign(urls[0], urls[1]), MaxRetries: -1})
		if err != nil {
			t.Fatal(err)
		}
		defer nc.Close()
		_, err = pdf.New(nc, pdf.WithUploadClient(uploads)).Stage(ctx, textPDF("a.pdf", "a"))
		if !errors.Is(err, pdf.ErrUnexpectedAnswer) || strings.Contains(fmt.Sprintf("%v %#v", err, err), "sig-secret") {
			t.Errorf("plain http %s URL: %v, want ErrUnexpectedAnswer naming no signature", name, err)
		}
	}
	if len(puts) > 0 {
		t.Errorf("uploaded to %v", puts)
	}

	// The API itself over plain http to a host that is not loopback (its
	// requests reach the loopback stub through the transport).
	stub := presign(plainUp, plainDown)
	toStub := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		r = r.Clone(r.Context())
		r.URL.Host = strings.TrimPrefix(stub, "http://")
		return http.DefaultTransport.RoundTrip(r)
	})}
	nc, err := nitro.NewClient(nitro.Config{ClientID: "id", ClientSecret: stubSecret, BaseURL: "http://api.example", HTTPClient: toStub, MaxRetries: -1}, nitro.WithInsecureHTTP())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	if _, err := pdf.New(nc, pdf.WithUploadClient(uploads)).Stage(ctx, textPDF("a.pdf", "a")); err != nil || len(puts) != 1 {
		t.Errorf("with the API on plain http: %v, uploads %v", err, puts)
	}
}

// stuck is a Body whose Read blocks until released, saying when the first
// Read began.
type stuck struct {
	reading, release chan struct{}
	once             sync.Once
}

func (s *stuck) Read([]byte) (int, error) {
	s.once.Do(func() { close(s.reading) })
	<-s.release
	return 0, errors.New("released")
}

// TestStageEndsWithContext: ctx ending while the Body is stuck in Read
// ends Stage at once with ctx's error, as it ends a request's upload; the
// reading goroutine ends when that Read returns.
func TestStageEndsWithContext(t *testing.T) {
	_, _, c := onFake(t)
	body := &stuck{reading: make(chan struct{}), release: make(chan struct{})}
	defer close(body.release)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := c.Stage(ctx, pdf.File{Name: "slow.pdf", ContentType: "application/pdf", Body: body, Size: 1000})
		done <- err
	}()
	<-body.reading // the upload is under way
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Stage: %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Stage still blocked 10s after its context ended")
	}
}

// TestStagingRefusesURLsHoldingCredentials: a staging endpoint that echoes
// the bearer token or the client secret into a pre-signed URL would have
// this client hand it to the storage host (in the PUT's URL, in its access
// logs): such a pair is ErrUnexpectedAnswer before any upload, and the
// error shows neither credential.
func TestStagingRefusesURLsHoldingCredentials(t *testing.T) {
	ctx := context.Background()
	for name, query := range map[string]string{"the token": "?sig=" + echoToken, "the secret": "?sig=" + echoSecret} {
		var puts int
		uploads := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
			puts++
			return &http.Response{StatusCode: http.StatusOK, Body: http.NoBody, Request: r}, nil
		})}
		c, _ := echoing(t, map[string]http.HandlerFunc{
			"POST /presigned-file-urls": answering(http.StatusOK, "application/json",
				`{"urls":[{"uploadURL":"https://files.example/up`+query+`","downloadURL":"https://files.example/down?sig=x"}]}`),
		}, pdf.WithUploadClient(uploads))
		_, err := c.Stage(ctx, textPDF("a.pdf", "a"))
		if !errors.Is(err, pdf.ErrUnexpectedAnswer) || puts != 0 || len(leaks(err)) > 0 {
			t.Errorf("an upload URL holding %s: %v, %d uploads", name, err, puts)
		}
	}
}

// TestStagingDoesNotFollowARedirect: a pre-signed URL is exact; a storage
// host answering the PUT with a redirect has not stored the file, and
// following it (net/http re-sends a 301/302's PUT without its body) would
// report a staged file that holds nothing. The redirect is the error, with
// the user's own upload client too.
func TestStagingDoesNotFollowARedirect(t *testing.T) {
	var mu sync.Mutex
	got := map[string]int64{}
	storage := newLoopback(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := io.Copy(io.Discard, r.Body)
		mu.Lock()
		got[r.Method+" "+r.URL.Path] = n
		mu.Unlock()
		if r.URL.Path == "/up" {
			http.Redirect(w, r, "/elsewhere", http.StatusFound)
		}
	}))
	api := newLoopback(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/oauth/token" {
			_, _ = w.Write([]byte(`{"access_token":"tok","token_type":"Bearer","expires_in":3600}`))
			return
		}
		_, _ = fmt.Fprintf(w, `{"urls":[{"uploadURL":"%s/up?signature=s","downloadURL":"%s/down?signature=s"}]}`, storage, storage)
	}))
	nc, err := nitro.NewClient(nitro.Config{ClientID: "id", ClientSecret: stubSecret, BaseURL: api, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	for name, c := range map[string]*pdf.Client{"the default upload client": pdf.New(nc), "the caller's": pdf.New(nc, pdf.WithUploadClient(&http.Client{}))} {
		if _, err := c.Stage(context.Background(), textPDF("a.pdf", "a")); err == nil {
			mu.Lock()
			t.Errorf("%s: staged with no error; the storage host saw %v", name, got)
			mu.Unlock()
		}
	}
}

// TestStagingRefusesOtherAnswers: a staging answer with no pair, more
// than the one asked for, a pair missing a URL, a URL that is not
// absolute, or no JSON at all is an error before any upload.
func TestStagingRefusesOtherAnswers(t *testing.T) {
	var puts int
	uploads := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		puts++
		return &http.Response{StatusCode: http.StatusOK, Body: http.NoBody, Request: r}, nil
	})}
	const up, down = `"uploadURL":"https://files.example/up?s=1"`, `"downloadURL":"https://files.example/down?s=1"`
	for name, body := range map[string]string{
		"no pair":         `{"urls":[]}`,
		"no urls":         `{}`,
		"two pairs":       `{"urls":[{` + up + `,` + down + `},{` + up + `,` + down + `}]}`,
		"no download URL": `{"urls":[{` + up + `}]}`,
		"a relative URL":  `{"urls":[{"uploadURL":"/up?s=1",` + down + `}]}`,
		"not JSON":        `<html>no</html>`,
	} {
		c, _ := echoing(t, map[string]http.HandlerFunc{"POST /presigned-file-urls": answering(http.StatusOK, "application/json", body)}, pdf.WithUploadClient(uploads))
		if _, err := c.Stage(context.Background(), textPDF("a.pdf", "a")); err == nil {
			t.Errorf("%s: staged", name)
		}
	}
	if puts != 0 {
		t.Errorf("%d uploads", puts)
	}
}
