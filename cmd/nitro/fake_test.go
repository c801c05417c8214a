package main

// This file's client side uses no package of this module or the library:
// plain net/http, and x/oauth2's clientcredentials for the token, as a
// test in another language would drive `nitro fake`.

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// plainClient calls the fake with plain HTTP.
type plainClient struct {
	t    *testing.T
	hc   *http.Client
	base string
}

// call sends a request and returns the answer's status and body.
func (c plainClient) call(method, path, contentType string, body io.Reader, header ...string) (int, http.Header, []byte) {
	c.t.Helper()
	req, err := http.NewRequestWithContext(c.t.Context(), method, c.base+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, b
}

// ok sends a request that must succeed, and decodes its JSON answer into
// out (if not nil).
func (c plainClient) ok(method, path, contentType string, body io.Reader, out any, header ...string) []byte {
	c.t.Helper()
	code, _, b := c.call(method, path, contentType, body, header...)
	if code/100 != 2 {
		c.t.Fatalf("%s %s: %d %s", method, path, code, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			c.t.Fatalf("%s %s: %v in %s", method, path, err, b)
		}
	}
	return b
}

// multipartBody builds a multipart body of fields, then a file part.
func multipartBody(t *testing.T, fields [][3]string, fileField, fileName, fileType string, file []byte) (string, *bytes.Buffer) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, f := range fields { // name, content type, value
		h := textproto.MIMEHeader{"Content-Disposition": {`form-data; name="` + f[0] + `"`}}
		if f[1] != "" {
			h.Set("Content-Type", f[1])
		}
		w, _ := mw.CreatePart(h)
		io.WriteString(w, f[2])
	}
	w, _ := mw.CreatePart(textproto.MIMEHeader{
		"Content-Disposition": {`form-data; name="` + fileField + `"; filename="` + fileName + `"`},
		"Content-Type":        {fileType},
	})
	w.Write(file)
	mw.Close()
	return mw.FormDataContentType(), &buf
}

// TestFakeOverPlainHTTP starts `nitro fake` as a process of its own (with
// a fault at start, its settings as export lines) and drives a whole
// signing flow and a PDF job through it with plain HTTP, a token from
// x/oauth2's clientcredentials, and its admin endpoint for what the
// signer and the service would do. SIGTERM then stops it cleanly.
func TestFakeOverPlainHTTP(t *testing.T) {
	t.Parallel()
	fake := start(t, runOpts{}, "fake", "--addr", "127.0.0.1:0", "--env", "--job-duration=-1s", "--seal-delay=-1s",
		"--client-id", "plain-client", "--client-secret", "plain-secret",
		"--fault", "target=op:CreateEnvelope,status=503,retry-after=0")
	exports := map[string]string{}
	for _, name := range []string{"NITRO_BASE_URL", "NITRO_TOKEN_URL", "NITRO_CLIENT_ID", "NITRO_CLIENT_SECRET"} {
		exports[name] = fake.stdout.waitFor(t, `(?m)^export `+name+`=(\S+)$`, fake.done)[1]
	}
	cc := clientcredentials.Config{ClientID: exports["NITRO_CLIENT_ID"], ClientSecret: exports["NITRO_CLIENT_SECRET"],
		TokenURL: exports["NITRO_TOKEN_URL"], AuthStyle: oauth2.AuthStyleInHeader}
	api := plainClient{t: t, hc: cc.Client(t.Context()), base: exports["NITRO_BASE_URL"]}
	raw := plainClient{t: t, hc: &http.Client{}, base: exports["NITRO_BASE_URL"]}

	// The fault given at start answers the first createEnvelope.
	create := `{"name": "Plain HTTP", "mode": "parallel", "notification": {"subject": "Please sign", "body": "Thanks"}}`
	if code, h, _ := api.call("POST", "/sign/envelopes", "application/json", strings.NewReader(create)); code != 503 || h.Get("Retry-After") != "0" {
		t.Fatalf("the first createEnvelope answered %d (Retry-After %q), want the injected 503", code, h.Get("Retry-After"))
	}
	var env, doc, signer struct{ ID string }
	api.ok("POST", "/sign/envelopes", "application/json", strings.NewReader(create), &env)
	pdfBytes, err := os.ReadFile(testdata(t, "contract.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	ct, body := multipartBody(t, [][3]string{{"metadata", "application/json", `{"name": "contract.pdf", "contentType": "application/pdf"}`}},
		"payload", "contract.pdf", "application/pdf", pdfBytes)
	api.ok("POST", "/sign/envelopes/"+env.ID+"/documents", ct, body, &doc)
	api.ok("POST", "/sign/envelopes/"+env.ID+"/participants", "application/json", strings.NewReader(`{"email": "ada@example.com", "role": "signer"}`), &signer)
	api.ok("POST", "/sign/envelopes/"+env.ID+"/documents/"+doc.ID+"/fields", "application/json", strings.NewReader(
		`{"type": "signature", "participantID": "`+signer.ID+`", "page": 1, "boundingBox": [72, 600, 200, 50], "required": true}`), nil)
	api.ok("POST", "/sign/envelopes/"+env.ID+":send-for-signing", "", nil, nil)
	var urls struct{ Items []struct{ SigningURL string } }
	api.ok("GET", "/sign/envelopes/"+env.ID+"/participants/signing-urls", "", nil, &urls)
	if len(urls.Items) != 1 || urls.Items[0].SigningURL == "" {
		t.Fatalf("signing URLs: %+v", urls)
	}
	raw.ok("POST", "/_fake/envelopes/"+env.ID+"/sign", "", nil, nil)
	raw.ok("POST", "/_fake/envelopes/"+env.ID+"/seal", "", nil, nil)
	var sealed struct{ Status string }
	api.ok("GET", "/sign/envelopes/"+env.ID, "", nil, &sealed)
	if sealed.Status != "sealed" {
		t.Fatalf("after sign and seal, the envelope is %q", sealed.Status)
	}
	if zip := api.ok("GET", "/sign/envelopes/"+env.ID+":download-sealed", "", nil, nil); !bytes.HasPrefix(zip, []byte("PK")) {
		t.Errorf("the sealed download is not a ZIP: %q", zip[:min(len(zip), 8)])
	}

	// A PDF job: started, running, completed by the admin endpoint, its file fetched.
	ct, body = multipartBody(t, [][3]string{{"method", "", "compress"}, {"params", "application/json", "{}"}},
		"file", "contract.pdf", "application/pdf", pdfBytes)
	var job struct{ JobID, Status string }
	code, h, b := api.call("POST", "/transformations", ct, body, "Prefer", "respond-async", "Accept", "application/json")
	if code != 202 || json.Unmarshal(b, &job) != nil || job.JobID == "" || h.Get("Location") == "" {
		t.Fatalf("an async compress answered %d %s (Location %q)", code, b, h.Get("Location"))
	}
	api.ok("GET", "/jobs/"+job.JobID+"/status", "", nil, &job, "Accept", "application/json")
	if job.Status != "running" {
		t.Fatalf("the job is %q before it is completed", job.Status)
	}
	raw.ok("POST", "/_fake/jobs/"+job.JobID+"/complete", "", nil, nil)
	if out := api.ok("GET", "/jobs/"+job.JobID, "", nil, nil, "Accept", "application/octet-stream"); !bytes.HasPrefix(out, []byte("%PDF-")) {
		t.Errorf("the job's file is not a PDF: %q", out[:min(len(out), 8)])
	}

	// A fault injected at run time: the next token request fails.
	raw.ok("POST", "/_fake/faults", "application/json", strings.NewReader(`{"target": "token", "status": 503}`), nil)
	if _, err := cc.Token(t.Context()); err == nil || !strings.Contains(err.Error(), "503") {
		t.Errorf("the token request after an injected 503: %v", err)
	}
	if _, err := cc.Token(t.Context()); err != nil {
		t.Errorf("the token request after the fault was used up: %v", err)
	}
	if code, _, b := raw.call("POST", "/_fake/jobs/no-such-job/complete", "", nil); code != 404 {
		t.Errorf("completing an unknown job answered %d %s, want 404", code, b)
	}

	fake.signal(t, syscall.SIGTERM)
	if code := fake.wait(t); code != exitOK || !strings.Contains(fake.stderr.String(), "nitro fake: stopped") {
		t.Errorf("after SIGTERM the fake exited %d; stderr:\n%s", code, fake.stderr)
	}
}

// TestFakeStopsWithRequestsInFlight: SIGTERM stops the fake while a client
// waits in an injected delay. The fake used to wait for every request in
// flight to end, an hour here: a CI job's fake outlived its tests.
func TestFakeStopsWithRequestsInFlight(t *testing.T) {
	t.Parallel()
	fake, err := startFake("--fault", "target=op:ListEnvelopes,delay=1h")
	if err != nil {
		t.Fatal(err)
	}
	held := make(chan error, 1)
	go func() {
		resp, err := http.Get(fake.info.BaseURL + "/sign/envelopes")
		if err == nil {
			resp.Body.Close()
		}
		held <- err
	}()
	for fakeStats(t, fake).Operations["ListEnvelopes"] == 0 { // the request is in its delay
	}
	if err := fake.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := fake.wait(); err != nil {
		t.Fatal(err)
	}
	<-held
}

// fakeStats reads a fake's counts from its admin endpoint.
func fakeStats(t *testing.T, f *fakeProc) (st struct{ Operations map[string]int }) {
	t.Helper()
	resp, err := http.Get(f.info.AdminURL + "stats")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		t.Fatal(err)
	}
	return st
}
