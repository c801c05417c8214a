package main

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestProgressBarOnTerminal: on a terminal, a job's progress is a bar
// redrawn in place, from its first draw at 0% to 100%, and the file is
// written once the job completes.
func TestProgressBarOnTerminal(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := start(t, runOpts{dir: dir, terminal: true}, "pdf", "convert", testdata(t, "report.docx"), "--async", "-o", "report.pdf")
	id := p.stdout.waitFor(t, jobStarted, p.done)[1]
	p.stdout.waitFor(t, `convert `+id[:8]+` +0% \|`, p.done) // the bar, drawn before any progress
	admin(t, "jobs/"+id+"/complete")
	if code := p.wait(t); code != exitOK {
		t.Fatalf("exit code %d; the terminal showed:\n%s", code, p.stdout)
	}
	fileStarts(t, filepath.Join(dir, "report.pdf"), "%PDF-")
	screen := p.stdout.String()
	if !regexp.MustCompile(`\rconvert ` + id[:8] + ` +100% \|█+\|`).MatchString(screen) {
		t.Errorf("no full bar redrawn in place on the terminal:\n%q", screen)
	}
	if strings.Contains(screen, id[:8]+": 100%") {
		t.Errorf("plain progress lines on a terminal:\n%q", screen)
	}
}

// TestCtrlCOnTerminal: Ctrl-C typed at the terminal during a job's wait
// ends the command with 130 and the command that resumes the job.
func TestCtrlCOnTerminal(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := start(t, runOpts{dir: dir, terminal: true}, "pdf", "compress", testdata(t, "contract.pdf"), "--async", "-o", "small.pdf")
	id := p.stdout.waitFor(t, jobStarted, p.done)[1]
	p.stdout.waitFor(t, `compress `+id[:8]+` +0% \|`, p.done)
	if _, err := p.tty.Write([]byte{3}); err != nil { // Ctrl-C: the terminal sends SIGINT
		t.Fatal(err)
	}
	if code := p.wait(t); code != exitInterrupted {
		t.Fatalf("exit code %d after Ctrl-C, want %d; the terminal showed:\n%s", code, exitInterrupted, p.stdout)
	}
	if m := regexp.MustCompile(resumeHint).FindStringSubmatch(p.stdout.String()); m == nil || m[1] != id || m[2] != "small.pdf" {
		t.Errorf("no resume command for job %s on the terminal:\n%s", id, p.stdout)
	}
	noPartFiles(t, dir)
	admin(t, "jobs/"+id+"/cancel") // leave the shared fake tidy
}

// TestCtrlCAtLoginPrompts: Ctrl-C at either of 'auth login's questions
// ends it (exit code 130), the terminal's echo back on after the secret's.
// Both reads used to ignore it: the first Ctrl-C did nothing, and a second
// killed the command with the terminal still not echoing.
func TestCtrlCAtLoginPrompts(t *testing.T) {
	t.Parallel()
	env := []string{"NITRO_CLIENT_ID=", "NITRO_CLIENT_SECRET="}
	p := start(t, runOpts{terminal: true, env: env}, "auth", "login")
	p.stdout.waitFor(t, `Client ID: `, p.done)
	if _, err := p.tty.Write([]byte{3}); err != nil {
		t.Fatal(err)
	}
	if code := p.wait(t); code != exitInterrupted {
		t.Fatalf("exit code %d after Ctrl-C at the client ID, want %d; the terminal showed:\n%s", code, exitInterrupted, p.stdout)
	}

	p = start(t, runOpts{terminal: true, env: env, shell: `trap : INT; "$NITRO" auth login; echo "exit $?"; stty -a`}, "")
	p.stdout.waitFor(t, `Client ID: `, p.done)
	if _, err := p.tty.Write([]byte("test-client\r")); err != nil {
		t.Fatal(err)
	}
	p.stdout.waitFor(t, `Client secret: `, p.done)
	if _, err := p.tty.Write([]byte{3}); err != nil {
		t.Fatal(err)
	}
	p.wait(t)
	screen := p.stdout.String()
	after, found := strings.CutPrefix(screen[max(strings.LastIndex(screen, "exit "), 0):], "exit 130")
	if !found || !regexp.MustCompile(`\secho\s`).MatchString(after) { // stty -a: echo, not -echo
		t.Errorf("after Ctrl-C at the secret: want exit 130 and echo on; the terminal showed:\n%s", screen)
	}
}
