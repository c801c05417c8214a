package conformance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

// Transcript limits: what of each body is kept (a token answer whole, to
// learn its token), and how many exchanges.
const (
	keepBody      = 1536
	keepTokenBody = 64 << 10
	maxExchanges  = 5000
)

// recorder is the transport under the nitro.Client (and the staging
// uploads): it keeps each exchange's method, URL, status, headers and the
// first bytes of both bodies, and learns every credential it sees (the
// tokens in Authorization headers and token answers), so that the
// transcript it writes shows none of them. Nothing is redacted as it is
// recorded: the transcript is written at the end, once every token is
// known, and through the nitro.Client's redactor as well.
type recorder struct {
	base http.RoundTripper

	mu        sync.Mutex
	exchanges []*exchange
	secrets   []string // learned and given: redacted wherever they appear
	redact    func(string) string
	dropped   int
}

// exchange is one request and its answer, as much as was kept.
type exchange struct {
	Method, URL string
	ReqHeader   http.Header
	ReqBody     capped
	Status      int
	RespHeader  http.Header
	RespBody    capped
	Err         string
}

// capped keeps the first bytes written to it, counting the rest.
type capped struct {
	mu    sync.Mutex
	limit int
	buf   []byte
	total int64
}

func (c *capped) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if room := c.limit - len(c.buf); room > 0 {
		c.buf = append(c.buf, p[:min(room, len(p))]...)
	}
	c.total += int64(len(p))
	return len(p), nil
}

func (c *capped) snapshot() ([]byte, int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.buf), c.total
}

func newRecorder(base http.RoundTripper, secrets ...string) *recorder {
	r := &recorder{base: base}
	for _, s := range secrets {
		r.learn(s)
	}
	return r
}

// learn adds a credential to redact (the empty string and very short
// values would redact everything, and are no credential).
func (r *recorder) learn(s string) {
	s = strings.TrimSpace(s)
	if len(s) < 6 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if !slices.Contains(r.secrets, s) {
		r.secrets = append(r.secrets, s)
	}
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	ex := &exchange{Method: req.Method, URL: req.URL.String(), ReqHeader: req.Header.Clone(),
		ReqBody: capped{limit: keepBody}, RespBody: capped{limit: keepBody}}
	if tok, ok := strings.CutPrefix(req.Header.Get("Authorization"), "Bearer "); ok {
		r.learn(tok)
	}
	if isTokenRequest(req) {
		ex.RespBody.limit = keepTokenBody
	}
	r.mu.Lock()
	if len(r.exchanges) < maxExchanges {
		r.exchanges = append(r.exchanges, ex)
	} else {
		r.dropped++
	}
	r.mu.Unlock()

	if req.Body != nil && req.Body != http.NoBody {
		out := req.Clone(req.Context())
		out.Body = teeBody{io.TeeReader(req.Body, &ex.ReqBody), req.Body}
		req = out
	}
	resp, err := r.base.RoundTrip(req)
	if err != nil {
		ex.Err = err.Error()
		return nil, err
	}
	ex.Status, ex.RespHeader = resp.StatusCode, resp.Header.Clone()
	tokenAnswer := isTokenRequest(req)
	resp.Body = &recordedBody{ReadCloser: resp.Body, tee: io.TeeReader(resp.Body, &ex.RespBody), onClose: func() {
		if tokenAnswer {
			b, _ := ex.RespBody.snapshot()
			r.learnTokens(b)
		}
	}}
	return resp, nil
}

// isTokenRequest is a request to a token endpoint: its answer is kept whole
// to learn the token (a JWT is longer than keepBody).
func isTokenRequest(req *http.Request) bool {
	return req.Method == http.MethodPost && strings.HasSuffix(req.URL.Path, "/token")
}

// learnTokens learns the tokens of a token answer, in both of Nitro's
// shapes.
func (r *recorder) learnTokens(body []byte) {
	var t struct {
		AccessToken  string `json:"accessToken"`
		AccessToken2 string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
	}
	if json.Unmarshal(body, &t) == nil {
		r.learn(t.AccessToken)
		r.learn(t.AccessToken2)
		r.learn(t.RefreshToken)
	}
}

type teeBody struct {
	io.Reader
	io.Closer
}

// recordedBody is an answer's body that records what is read of it.
type recordedBody struct {
	io.ReadCloser
	tee     io.Reader
	once    sync.Once
	onClose func()
}

func (b *recordedBody) Read(p []byte) (int, error) {
	n, err := b.tee.Read(p)
	if err == io.EOF {
		b.once.Do(b.onClose)
	}
	return n, err
}

func (b *recordedBody) Close() error {
	b.once.Do(b.onClose)
	return b.ReadCloser.Close()
}

// find returns the last exchange whose method is method and whose path
// ends with suffix, or nil.
func (r *recorder) find(method, suffix string) *exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := len(r.exchanges) - 1; i >= 0; i-- {
		ex := r.exchanges[i]
		if ex.Method == method && strings.HasSuffix(pathOf(ex.URL), suffix) {
			return ex
		}
	}
	return nil
}

// count is how many API exchanges were recorded: token requests, which a
// refresh may add at any time, are not counted.
func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, ex := range r.exchanges {
		if !(ex.Method == http.MethodPost && strings.HasSuffix(pathOf(ex.URL), "/token")) {
			n++
		}
	}
	return n
}

func pathOf(raw string) string {
	p, _, _ := strings.Cut(raw, "?")
	if i := strings.Index(p, "://"); i >= 0 {
		if j := strings.Index(p[i+3:], "/"); j >= 0 {
			return p[i+3+j:]
		}
		return "/"
	}
	return p
}

// The transcript's redactions: header values that are credentials, and URL
// queries (a pre-signed URL's signature) wherever a URL appears, in every
// encoding a body carries it in: a JSON string's \/ for a slash (PHP's
// json_encode) and \u0026 for & (encoding/json, this client's own
// RemoteFile part) do not end the URL or its query, or the parameters after
// the first (an X-Amz-Signature) would show.
var (
	secretHeaders = []string{"Authorization", "Cookie", "Set-Cookie", "Proxy-Authorization", "X-Amz-Security-Token"}
	urlQuery      = regexp.MustCompile(`(https?:(?:\\?/){2}[^\s"'<>?]+)\?[^\s"'<>]*`)
	bearer        = regexp.MustCompile(`(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+`)
)

// clean removes every credential from s: the ones learned, the nitro
// Client's, bearer tokens, URL queries.
func (r *recorder) clean(s string) string {
	r.mu.Lock()
	secrets := slices.Clone(r.secrets)
	redact := r.redact
	r.mu.Unlock()
	// The longest first: a token that contains a shorter secret is
	// redacted whole.
	slices.SortFunc(secrets, func(a, b string) int { return len(b) - len(a) })
	for _, sec := range secrets {
		s = strings.ReplaceAll(s, sec, "[REDACTED]")
	}
	if redact != nil {
		s = redact(s)
	}
	s = bearer.ReplaceAllString(s, "${1}[REDACTED]")
	return urlQuery.ReplaceAllString(s, "$1?[REDACTED]")
}

// writeTranscript writes every exchange, in the order the requests were
// made: method and URL, headers (credentials redacted), the first bytes of
// each body, the status.
func (r *recorder) writeTranscript(w io.Writer) error {
	r.mu.Lock()
	exchanges := slices.Clone(r.exchanges)
	dropped := r.dropped
	r.mu.Unlock()
	var b strings.Builder
	for i, ex := range exchanges {
		fmt.Fprintf(&b, "### %d\n> %s %s\n", i+1, ex.Method, ex.URL)
		writeHeaders(&b, "> ", ex.ReqHeader)
		writeBody(&b, "> ", &ex.ReqBody)
		switch {
		case ex.Err != "":
			fmt.Fprintf(&b, "< error: %s\n", ex.Err)
		default:
			fmt.Fprintf(&b, "< %d %s\n", ex.Status, http.StatusText(ex.Status))
			writeHeaders(&b, "< ", ex.RespHeader)
			writeBody(&b, "< ", &ex.RespBody)
		}
		b.WriteString("\n")
	}
	if dropped > 0 {
		fmt.Fprintf(&b, "(%d more exchanges not recorded)\n", dropped)
	}
	_, err := io.WriteString(w, r.clean(b.String()))
	return err
}

func writeHeaders(b *strings.Builder, prefix string, h http.Header) {
	names := make([]string, 0, len(h))
	for name := range h {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		v := strings.Join(h[name], ", ")
		if slices.ContainsFunc(secretHeaders, func(s string) bool { return strings.EqualFold(s, name) }) {
			v = "[REDACTED]"
		}
		fmt.Fprintf(b, "%s%s: %s\n", prefix, name, v)
	}
}

// writeBody writes what was kept of a body as text: bytes that are not
// printable UTF-8 (a file's content) become dots.
func writeBody(b *strings.Builder, prefix string, c *capped) {
	kept, total := c.snapshot()
	if total == 0 {
		return
	}
	text := printable(kept)
	if len(kept) > keepBody {
		text = printable(kept[:keepBody])
	}
	for line := range strings.SplitSeq(strings.TrimRight(text, "\n"), "\n") {
		fmt.Fprintf(b, "%s| %s\n", prefix, line)
	}
	if shown := min(int64(len(kept)), keepBody); total > shown {
		fmt.Fprintf(b, "%s(%d of %d bytes shown)\n", prefix, shown, total)
	}
}

func printable(p []byte) string {
	var out bytes.Buffer
	for len(p) > 0 {
		r, size := utf8.DecodeRune(p)
		switch {
		case r == '\r':
		case r == utf8.RuneError && size <= 1, r < 0x20 && r != '\n' && r != '\t', r == 0x7f:
			out.WriteByte('.')
		default:
			out.Write(p[:size])
		}
		p = p[size:]
	}
	return out.String()
}
