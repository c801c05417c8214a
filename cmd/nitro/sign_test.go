package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
)

// envelopeSent matches the line `sign send` prints once it has sent, the
// envelope's ID the group.
const envelopeSent = `envelope ([0-9a-f-]{36}) sent for signature`

// TestSignFlow drives a signing flow against `nitro fake` in another
// process: send with --wait, the signer signs and the envelope seals
// (through the fake's admin endpoint, as the service would), the sealed
// ZIP is downloaded; then the envelope is listed, read, downloaded again
// and deleted, and a second one cancelled.
func TestSignFlow(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := start(t, runOpts{dir: dir}, "--json", "sign", "send", testdata(t, "contract.pdf"),
		"--signer", "ada@example.com", "--cc", "grace@example.com", "--name", "Contract 7", "--wait", "-o", "sealed.zip")
	id := p.stderr.waitFor(t, envelopeSent, p.done)[1]
	admin(t, "envelopes/"+id+"/sign")
	admin(t, "envelopes/"+id+"/seal")
	if code := p.wait(t); code != exitOK {
		t.Fatalf("exit code %d; stderr:\n%s", code, p.stderr)
	}
	var sent struct {
		Envelope     struct{ ID, Name, Status string }
		Participants []struct{ Email, Role string }
		SigningURLs  []struct{ SigningURL string } `json:"signing_urls"`
		Sealed       struct {
			Output string
			Bytes  int64
		}
	}
	decode(t, p.stdout.String(), &sent)
	if sent.Envelope.ID != id || sent.Envelope.Name != "Contract 7" || len(sent.Participants) != 2 ||
		len(sent.SigningURLs) != 1 || sent.Sealed.Output != "sealed.zip" {
		t.Errorf("sign send printed %+v", sent)
	}
	zipHolds(t, filepath.Join(dir, "sealed.zip"), "sealed/contract.pdf")

	list, _ := expect(t, exitOK, runOpts{}, "--json", "sign", "envelopes", "list", "--status", "sealed")
	var envs []struct{ ID, Status string }
	decode(t, list, &envs)
	if !hasEnvelope(envs, id, "sealed") {
		t.Errorf("envelopes list --status sealed misses %s:\n%s", id, list)
	}
	got, _ := expect(t, exitOK, runOpts{}, "sign", "envelope", "get", id)
	if !strings.Contains(got, id) || !strings.Contains(got, "sealed") {
		t.Errorf("envelope get printed:\n%s", got)
	}
	expect(t, exitOK, runOpts{dir: dir}, "sign", "download", id, "--audit-trail", "-o", "audit.pdf")
	fileStarts(t, filepath.Join(dir, "audit.pdf"), "%PDF-")
	expect(t, exitOK, runOpts{}, "sign", "envelope", "delete", id)

	out, _ := expect(t, exitOK, runOpts{}, "sign", "send", testdata(t, "contract.pdf"), "--signer", "ada@example.com")
	second := regexp.MustCompile(`envelope ([0-9a-f-]{36})`).FindStringSubmatch(out)
	if second == nil || !strings.Contains(out, "sign at http") {
		t.Fatalf("sign send printed no envelope and signing URL:\n%s", out)
	}
	got, _ = expect(t, exitOK, runOpts{}, "sign", "envelope", "cancel", second[1])
	if !strings.Contains(got, "cancelled") {
		t.Errorf("envelope cancel printed:\n%s", got)
	}
}

func hasEnvelope(envs []struct{ ID, Status string }, id, status string) bool {
	for _, e := range envs {
		if e.ID == id && e.Status == status {
			return true
		}
	}
	return false
}

// zipHolds fails the test unless the ZIP at path holds an entry named name.
func zipHolds(t *testing.T, path, name string) {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if f.Name == name {
			return
		}
	}
	t.Errorf("%s holds no %s", path, name)
}

// TestSignWaitOnTerminal: on a terminal the wait for signatures is a
// spinner with the time elapsed; SIGINT ends the wait with 130 and the
// command that downloads the envelope once it is sealed.
func TestSignWaitOnTerminal(t *testing.T) {
	t.Parallel()
	p := start(t, runOpts{terminal: true}, "sign", "send", testdata(t, "contract.pdf"), "--signer", "ada@example.com", "--wait", "-o", "sealed.zip")
	id := p.stdout.waitFor(t, envelopeSent, p.done)[1]
	p.stdout.waitFor(t, `waiting for the signatures and the seal +\[\d+s\]`, p.done)
	p.signal(t, syscall.SIGINT)
	if code := p.wait(t); code != exitInterrupted {
		t.Fatalf("exit code %d, want %d; the terminal showed:\n%s", code, exitInterrupted, p.stdout)
	}
	if !strings.Contains(p.stdout.String(), "nitro sign download "+id+" -o sealed.zip") {
		t.Errorf("no download command for envelope %s:\n%s", id, p.stdout)
	}
}

// TestEnvelopesListPages: the listing follows every page (a fake of one
// envelope per page), and --limit and --status cut it.
func TestEnvelopesListPages(t *testing.T) {
	t.Parallel()
	fake := ownFake(t, "--page-size", "1", "--client-id", "test-client", "--client-secret", testSecret)
	o := runOpts{env: fake.env()}
	for range 3 {
		expect(t, exitOK, o, "sign", "send", testdata(t, "contract.pdf"), "--signer", "ada@example.com")
	}
	for _, tc := range []struct {
		args []string
		want int
	}{
		{nil, 3},
		{[]string{"--limit", "2"}, 2},
		{[]string{"--status", "sent,drafted"}, 3},
		{[]string{"--status", "sealed"}, 0},
	} {
		stdout, _ := expect(t, exitOK, o, append([]string{"--json", "sign", "envelopes", "list"}, tc.args...)...)
		var envs []struct{ ID string }
		decode(t, stdout, &envs)
		if len(envs) != tc.want {
			t.Errorf("envelopes list %v: %d envelopes, want %d:\n%s", tc.args, len(envs), tc.want, stdout)
		}
	}
	stdout, _ := expect(t, exitOK, o, "sign", "envelopes", "list")
	if n := strings.Count(stdout, "\n"); n != 4 {
		t.Errorf("the table has %d lines, want a header and 3 envelopes:\n%s", n, stdout)
	}
}

// TestCompletionRedacted: completing an envelope ID offers the envelopes'
// names, redacted like every other output: a server that echoes the secret
// in a name (here, one given the secret as a name) used to have it printed
// by the shell's completion.
func TestCompletionRedacted(t *testing.T) {
	t.Parallel()
	fake := ownFake(t, "--client-id", "test-client", "--client-secret", testSecret)
	o := runOpts{env: fake.env()}
	out, _ := expect(t, exitOK, o, "--json", "sign", "send", testdata(t, "contract.pdf"), "--signer", "ada@example.com", "--name", "Contract "+testSecret)
	var sent struct{ Envelope struct{ ID string } }
	decode(t, out, &sent)
	stdout, _ := expect(t, exitOK, o, "__complete", "sign", "envelope", "get", "") // expect checks for the secret
	if !strings.Contains(stdout, sent.Envelope.ID+"\t") {
		t.Errorf("no completion for envelope %s:\n%s", sent.Envelope.ID, stdout)
	}
}

// TestServerTextCannotDriveTheTerminal: what a server says (a problem's
// title and detail, a job's failure, an envelope's name) reaches the
// terminal with its control characters shown, not acted on: they used to
// pass as they came, so a hostile server could recolour, retitle or
// rewrite the user's terminal with escape sequences.
func TestServerTextCannotDriveTheTerminal(t *testing.T) {
	t.Parallel()
	const hostile = "\x1b]0;owned\x07\x1b[2J\u009b31m"
	problem, _ := json.Marshal(map[string]any{"title": "Bad" + hostile, "detail": "see" + hostile, "status": 400})
	fake := ownFake(t, "--job-duration=-1s", "--fault", "target=op:GetEnvelope,status=400,content-type=application/problem+json,body="+string(problem))
	o := runOpts{env: fake.env()}
	clean := func(what, out string) {
		t.Helper()
		if strings.ContainsAny(out, "\x1b\x07\u009b") {
			t.Errorf("%s: a control character reached the terminal:\n%q", what, out)
		}
	}
	_, stderr := expect(t, exitFailed, o, "sign", "envelope", "get", "00000000-0000-0000-0000-000000000000")
	clean("a problem", stderr)
	if !strings.Contains(stderr, `\x1b]0;owned\x07`) {
		t.Errorf("the problem's control characters are not shown:\n%s", stderr)
	}

	expect(t, exitOK, o, "sign", "send", testdata(t, "contract.pdf"), "--signer", "ada@example.com", "--name", "Contract"+hostile)
	stdout, _ := expect(t, exitOK, o, "sign", "envelopes", "list")
	clean("an envelope's name", stdout)
	stdout, _ = expect(t, exitOK, o, "__complete", "sign", "envelope", "get", "")
	clean("a completion", stdout)

	p := start(t, o, "pdf", "compress", testdata(t, "contract.pdf"), "--async", "-o", "out.pdf")
	id := p.stderr.waitFor(t, jobStarted, p.done)[1]
	body, _ := json.Marshal(map[string]string{"reason": "failed" + hostile})
	resp, err := http.Post(fake.info.AdminURL+"jobs/"+id+"/fail", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if code := p.wait(t); code != exitFailed {
		t.Fatalf("exit code %d; stderr:\n%s", code, p.stderr)
	}
	clean("a job's failure", p.stderr.String())
}

// TestSendSaysWhatItLeft: a send that fails or is interrupted once its
// envelope exists names the envelope and what to do with it; it used to
// print the error alone, leaving a draft nobody knew of.
func TestSendSaysWhatItLeft(t *testing.T) {
	t.Parallel()
	fake := ownFake(t, "--fault", "target=op:CreateField,status=422", "--fault", "target=op:SendForSigning,delay=1h")
	o := runOpts{env: fake.env()}
	draft := regexp.MustCompile(`envelope ([0-9a-f-]{36}) was created but not sent; delete it with:\n  nitro sign envelope delete ([0-9a-f-]{36})`)
	_, stderr := expect(t, exitFailed, o, "sign", "send", testdata(t, "contract.pdf"), "--signer", "ada@example.com")
	if m := draft.FindStringSubmatch(stderr); m == nil || m[1] != m[2] || !strings.Contains(stderr, "422") {
		t.Errorf("a failed send:\n%s", stderr)
	} else if got, _ := expect(t, exitOK, o, "sign", "envelope", "get", m[1]); !strings.Contains(got, "drafted") {
		t.Errorf("the envelope named is not the draft: %s", got)
	}

	p := start(t, o, "sign", "send", testdata(t, "contract.pdf"), "--signer", "ada@example.com")
	for fakeStats(t, fake).Operations["SendForSigning"] == 0 { // the send is in its delay
	}
	p.signal(t, syscall.SIGINT)
	if code := p.wait(t); code != exitInterrupted {
		t.Fatalf("exit code %d; stderr:\n%s", code, p.stderr)
	}
	if !regexp.MustCompile(`interrupted: envelope [0-9a-f-]{36} was created, and may not have been sent`).MatchString(p.stderr.String()) {
		t.Errorf("an interrupted send:\n%s", p.stderr)
	}
}
