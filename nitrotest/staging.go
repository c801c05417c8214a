package nitrotest

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"io"
	"net/http"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/google/uuid"
)

// Staging, as Nitro's Python sample uses it (samples/python/api/
// base_client.py@2713a9f, _upload): POST /presigned-file-urls?n=N answers
// {"urls": [{"uploadURL", "downloadURL"}, …]}, N pairs of pre-signed URLs,
// each single use and valid for 15 minutes; the input is PUT to uploadURL
// with no token, and downloadURL is sent as a RemoteFile. The fake's URLs
// are its own, on loopback, signed by a random value in their query: a PUT
// to the upload URL stores the body (in a temporary file: constant memory
// whatever its size), and the one GET of the download URL, which the fake
// itself makes when a request names it, serves it and forgets it.

// stagedTTL is how long a pre-signed pair is valid, on the Server's clock.
const stagedTTL = 15 * time.Minute

// maxStagedPairs bounds n: a request for more is a 400.
const maxStagedPairs = 100

// The staging operations (see pdf_route.go).
const (
	opCreatePresignedFileURLs = "CreatePresignedFileURLs"
	opUploadStagedFile        = "UploadStagedFile"
	opDownloadStagedFile      = "DownloadStagedFile"
)

// stagedFile is one pre-signed pair's file.
type stagedFile struct {
	upSig, downSig string
	expires        time.Time
	path           string // the temporary file, once uploaded
	size           int64
	uploading      bool
	used           bool // downloaded: the pair is spent
}

// staging holds the pre-signed pairs, behind their own mutex.
type staging struct {
	mu    sync.Mutex
	files map[string]*stagedFile
	dir   string // created at the first upload
}

// close removes every staged file.
func (st *staging) close() {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.dir != "" {
		_ = os.RemoveAll(st.dir)
	}
	st.files = nil
}

// sweep forgets the pairs that expired, removing their uploaded files, so
// a long-running fake keeps at most 15 minutes of them; one being
// uploaded is left to its upload. The caller holds st.mu.
func (st *staging) sweep(now time.Time) {
	for id, f := range st.files {
		if !now.Before(f.expires) && !f.uploading {
			if f.path != "" && !f.used {
				_ = os.Remove(f.path)
			}
			delete(st.files, id)
		}
	}
}

func signature() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// servePresign answers POST /presigned-file-urls?n=N (1 when absent).
func (s *Server) servePresign(w http.ResponseWriter, r *http.Request) {
	n := 1
	if q := r.URL.Query().Get("n"); q != "" {
		v, err := strconv.Atoi(q)
		if err != nil || v < 1 || v > maxStagedPairs {
			writeProblem(w, validationError(r.URL.Path, map[string]string{"n": "must be a whole number from 1 to 100"}))
			return
		}
		n = v
	}
	type pair struct {
		UploadURL   string `json:"uploadURL"`
		DownloadURL string `json:"downloadURL"`
	}
	out := struct {
		URLs []pair `json:"urls"`
	}{}
	s.staged.mu.Lock()
	if s.staged.files == nil {
		s.staged.files = map[string]*stagedFile{}
	}
	s.staged.sweep(s.now())
	for range n {
		id := uuid.NewString()
		f := &stagedFile{upSig: signature(), downSig: signature(), expires: s.now().Add(stagedTTL)}
		s.staged.files[id] = f
		base := s.URL() + "/staged/" + id
		out.URLs = append(out.URLs, pair{UploadURL: base + "/upload?signature=" + f.upSig, DownloadURL: base + "/download?signature=" + f.downSig})
	}
	s.staged.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

// stagedFor is the pair r's URL names, checked against its signature and
// expiry; on a problem, it is answered (403, as a storage host answers a
// bad or expired signature) and ok is false.
func (s *Server) stagedFor(w http.ResponseWriter, r *http.Request, upload bool) (f *stagedFile, ok bool) {
	s.staged.mu.Lock()
	f = s.staged.files[r.PathValue("fileID")]
	s.staged.mu.Unlock()
	if f == nil {
		writeProblem(w, newProblem(http.StatusForbidden, r.URL.Path, "No such pre-signed URL"))
		return nil, false
	}
	want := f.downSig
	if upload {
		want = f.upSig
	}
	if subtle.ConstantTimeCompare([]byte(r.URL.Query().Get("signature")), []byte(want)) != 1 {
		writeProblem(w, newProblem(http.StatusForbidden, r.URL.Path, "The signature does not match"))
		return nil, false
	}
	if !s.now().Before(f.expires) {
		writeProblem(w, newProblem(http.StatusForbidden, r.URL.Path, "The pre-signed URL has expired"))
		return nil, false
	}
	return f, true
}

// serveStagedUpload answers a PUT of a staged file: its Content-Length is
// required (411, as a storage host's pre-signed PUT does), and the pair's
// upload URL is single use (403 after).
func (s *Server) serveStagedUpload(w http.ResponseWriter, r *http.Request) {
	f, ok := s.stagedFor(w, r, true)
	if !ok {
		return
	}
	if r.ContentLength < 0 {
		writeProblem(w, newProblem(http.StatusLengthRequired, r.URL.Path, "A pre-signed upload needs its Content-Length"))
		return
	}
	s.staged.mu.Lock()
	taken := f.uploading || f.path != ""
	f.uploading = true
	s.staged.mu.Unlock()
	if taken {
		writeProblem(w, newProblem(http.StatusForbidden, r.URL.Path, "The pre-signed upload URL was used already"))
		return
	}
	path, n, err := s.store(r.Body)
	s.staged.mu.Lock()
	f.uploading = false
	if err == nil && n == r.ContentLength {
		f.path, f.size = path, n
	}
	s.staged.mu.Unlock()
	switch {
	case err != nil:
		writeProblem(w, newProblem(http.StatusBadRequest, r.URL.Path, "The upload was cut off"))
	case n != r.ContentLength:
		_ = os.Remove(path)
		writeProblem(w, newProblem(http.StatusBadRequest, r.URL.Path, "The body is %d bytes, not its Content-Length %d", n, r.ContentLength))
	default:
		w.WriteHeader(http.StatusOK)
	}
}

// store writes body to a new temporary file in the staging directory.
func (s *Server) store(body io.Reader) (string, int64, error) {
	s.staged.mu.Lock()
	if s.staged.dir == "" {
		dir, err := os.MkdirTemp("", "nitrotest-staged-")
		if err != nil {
			s.staged.mu.Unlock()
			return "", 0, err
		}
		s.staged.dir = dir
	}
	dir := s.staged.dir
	s.staged.mu.Unlock()
	fh, err := os.CreateTemp(dir, "file-")
	if err != nil {
		return "", 0, err
	}
	n, err := io.Copy(fh, body)
	if cerr := fh.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(fh.Name())
		return "", 0, err
	}
	return fh.Name(), n, nil
}

// serveStagedDownload answers the one GET of a staged file (404 before it
// was uploaded, 403 once it was served).
func (s *Server) serveStagedDownload(w http.ResponseWriter, r *http.Request) {
	f, ok := s.stagedFor(w, r, false)
	if !ok {
		return
	}
	s.staged.mu.Lock()
	path, size, used := f.path, f.size, f.used
	if path != "" {
		f.used = true
	}
	s.staged.mu.Unlock()
	switch {
	case used:
		writeProblem(w, newProblem(http.StatusForbidden, r.URL.Path, "The pre-signed download URL was used already"))
		return
	case path == "":
		writeProblem(w, newProblem(http.StatusNotFound, r.URL.Path, "Nothing was uploaded to this pre-signed URL"))
		return
	}
	// Removed before it is served (an open file stays readable): it is
	// gone once the single use began, whenever the handler returns.
	fh, err := os.Open(path)
	_ = os.Remove(path)
	if err != nil {
		writeProblem(w, newProblem(http.StatusNotFound, r.URL.Path, "The staged file is gone"))
		return
	}
	defer fh.Close()
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
	w.WriteHeader(http.StatusOK)
	_, _ = io.Copy(w, fh)
}
