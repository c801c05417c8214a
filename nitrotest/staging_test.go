package nitrotest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nitrokit/nitro/nitrotest"
)

// presigned asks the fake for n pre-signed pairs.
func presigned(t *testing.T, c *pdfClient, n string) []struct{ UploadURL, DownloadURL string } {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, c.srv.URL()+"/presigned-file-urls?n="+n, nil)
	must(t, err)
	resp, err := c.hc.Do(req)
	must(t, err)
	var out struct {
		URLs []struct{ UploadURL, DownloadURL string } `json:"urls"`
	}
	must(t, json.Unmarshal(read(t, resp, http.StatusOK), &out))
	return out.URLs
}

// do sends method to url with body (nil: none) and no token.
func do(t *testing.T, method, url string, body io.Reader, size int64) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	must(t, err)
	req.ContentLength = size
	resp, err := http.DefaultClient.Do(req)
	must(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestStagingURLs: POST /presigned-file-urls (with a token) hands out
// pairs; the upload URL takes one PUT with its Content-Length and no
// token, the download URL serves it once; a wrong signature, a second use,
// or 15 minutes on the fake's clock are refused.
func TestStagingURLs(t *testing.T) {
	clock := newFakeClock()
	srv := nitrotest.NewServer(nitrotest.WithClock(clock.Now))
	defer srv.Close()
	c := newPDFClient(t, srv)

	if code, _ := do(t, http.MethodPost, srv.URL()+"/presigned-file-urls?n=1", nil, 0); code != http.StatusUnauthorized {
		t.Errorf("presign without a token: %d", code)
	}
	pairs := presigned(t, c, "2")
	if len(pairs) != 2 || pairs[0].UploadURL == pairs[1].UploadURL || !strings.HasPrefix(pairs[0].UploadURL, srv.URL()+"/") {
		t.Fatalf("pairs %+v", pairs)
	}
	up, down := pairs[0].UploadURL, pairs[0].DownloadURL

	if code, _ := do(t, http.MethodGet, down, nil, 0); code != http.StatusNotFound {
		t.Errorf("download before the upload: %d", code)
	}
	if code, _ := do(t, http.MethodPut, strings.Replace(up, "signature=", "signature=x", 1), strings.NewReader("abc"), 3); code != http.StatusForbidden {
		t.Errorf("a wrong signature: %d", code)
	}
	if code, _ := do(t, http.MethodPut, up, io.NopCloser(strings.NewReader("abc")), -1); code != http.StatusLengthRequired {
		t.Errorf("a PUT without Content-Length: %d", code)
	}
	if code, body := do(t, http.MethodPut, up, strings.NewReader("staged bytes"), 12); code != http.StatusOK {
		t.Fatalf("the upload: %d %s", code, body)
	}
	if code, _ := do(t, http.MethodPut, up, strings.NewReader("again"), 5); code != http.StatusForbidden {
		t.Errorf("a second upload: %d", code)
	}
	if code, body := do(t, http.MethodGet, down, nil, 0); code != http.StatusOK || body != "staged bytes" {
		t.Errorf("the download: %d %q", code, body)
	}
	if code, _ := do(t, http.MethodGet, down, nil, 0); code != http.StatusForbidden {
		t.Errorf("a second download: %d", code)
	}

	// The second pair expires after 15 minutes.
	clock.Advance(15 * time.Minute)
	if code, _ := do(t, http.MethodPut, pairs[1].UploadURL, strings.NewReader("late"), 4); code != http.StatusForbidden {
		t.Errorf("an upload after 15 minutes: %d", code)
	}
	for _, n := range []string{"0", "101", "x"} {
		req, _ := http.NewRequest(http.MethodPost, srv.URL()+"/presigned-file-urls?n="+n, nil)
		resp, err := c.hc.Do(req)
		must(t, err)
		read(t, resp, http.StatusBadRequest)
	}
}

// TestStagedFilesAreRemoved: a staged file is gone from disk once served,
// and every one left is gone when the server closes.
func TestStagedFilesAreRemoved(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	srv := nitrotest.NewServer()
	c := newPDFClient(t, srv)
	pairs := presigned(t, c, "2")
	for _, p := range pairs {
		if code, _ := do(t, http.MethodPut, p.UploadURL, strings.NewReader("x"), 1); code != http.StatusOK {
			t.Fatal(code)
		}
	}
	files := func() int { return filesUnder(tmp) }
	if n := files(); n != 2 {
		t.Fatalf("%d staged files on disk, want 2", n)
	}
	do(t, http.MethodGet, pairs[0].DownloadURL, nil, 0)
	if n := files(); n != 1 {
		t.Errorf("%d staged files after one was served, want 1", n)
	}
	srv.Close()
	if n := files(); n != 0 {
		t.Errorf("%d staged files after Close", n)
	}
}

// filesUnder counts the files under dir.
func filesUnder(dir string) int {
	n := 0
	_ = filepath.WalkDir(dir, func(_ string, d os.DirEntry, _ error) error {
		if d != nil && !d.IsDir() {
			n++
		}
		return nil
	})
	return n
}

// TestExpiredStagedFilesAreRemoved: a pair that expired unused is
// forgotten, its uploaded file removed from disk, by the next request for
// pairs: a long-running fake (nitrotestd) keeps no more than 15 minutes of
// staged files.
func TestExpiredStagedFilesAreRemoved(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	clock := newFakeClock()
	srv := nitrotest.NewServer(nitrotest.WithClock(clock.Now))
	defer srv.Close()
	c := newPDFClient(t, srv)
	files := func() int { return filesUnder(tmp) }
	old := presigned(t, c, "1")[0]
	if code, _ := do(t, http.MethodPut, old.UploadURL, strings.NewReader("never fetched"), 13); code != http.StatusOK {
		t.Fatal(code)
	}
	clock.Advance(15 * time.Minute)
	fresh := presigned(t, c, "1")[0]
	if n := files(); n != 0 {
		t.Errorf("%d staged files on disk after their pair expired, want 0", n)
	}
	if code, _ := do(t, http.MethodGet, old.DownloadURL, nil, 0); code != http.StatusForbidden {
		t.Errorf("the expired pair's download: %d", code)
	}
	if code, _ := do(t, http.MethodPut, fresh.UploadURL, strings.NewReader("x"), 1); code != http.StatusOK {
		t.Errorf("a fresh pair's upload: %d", code)
	}
}
