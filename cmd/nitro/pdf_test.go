package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// jobStarted matches the line a job's start prints, its ID the group.
const jobStarted = `job ([0-9a-f-]{36}) started`

// TestConvertSync: a small file converts synchronously, straight into the
// output file.
func TestConvertSync(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	stdout, stderr := expect(t, exitOK, runOpts{dir: dir}, "pdf", "convert", testdata(t, "report.docx"), "--to", "pdf", "-o", "report.pdf")
	fileStarts(t, filepath.Join(dir, "report.pdf"), "%PDF-")
	if !strings.Contains(stdout, "wrote report.pdf") || strings.Contains(stderr, "job") {
		t.Errorf("a synchronous conversion printed:\nstdout: %s\nstderr: %s", stdout, stderr)
	}
}

// TestConvertJobProgressLines: without a terminal, a job's progress is
// plain lines, and its file is downloaded once it completes.
func TestConvertJobProgressLines(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := start(t, runOpts{dir: dir}, "pdf", "convert", testdata(t, "report.docx"), "--async", "-o", "report.pdf")
	id := p.stderr.waitFor(t, jobStarted, p.done)[1]
	admin(t, "jobs/"+id+"/complete")
	if code := p.wait(t); code != exitOK {
		t.Fatalf("exit code %d; stderr:\n%s", code, p.stderr)
	}
	fileStarts(t, filepath.Join(dir, "report.pdf"), "%PDF-")
	stderr := p.stderr.String()
	if !regexp.MustCompile(`(?m)^convert ` + id[:8] + `: 100%$`).MatchString(stderr) {
		t.Errorf("no progress line for 100%%:\n%s", stderr)
	}
	if strings.ContainsAny(stderr, "\r\x1b") {
		t.Errorf("progress drawn for a terminal where there is none:\n%q", stderr)
	}
}

// TestJSONParsedBack: --json prints the typed result, and what was written,
// in a shape a script can decode.
func TestJSONParsedBack(t *testing.T) {
	t.Parallel()
	t.Run("extraction", func(t *testing.T) {
		t.Parallel()
		stdout, _ := expect(t, exitOK, runOpts{}, "--json", "pdf", "extract-text", testdata(t, "contract.pdf"))
		var got struct {
			Tool, Mode string
			Result     struct{ Result string }
		}
		decode(t, stdout, &got)
		if got.Tool != "extract-text" || got.Mode != "sync" || !strings.Contains(got.Result.Result, "Agreement between Ada and Nitro") {
			t.Errorf("got %+v from:\n%s", got, stdout)
		}
	})
	t.Run("file", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		// --json with -o asks for the typed result and the file: a job.
		p := start(t, runOpts{dir: dir}, "--json", "pdf", "convert", testdata(t, "report.docx"), "-o", "out.pdf")
		id := p.stderr.waitFor(t, jobStarted, p.done)[1]
		admin(t, "jobs/"+id+"/complete")
		if code := p.wait(t); code != exitOK {
			t.Fatalf("exit code %d; stderr:\n%s", code, p.stderr)
		}
		var got struct {
			Bytes  int64
			Result struct {
				Result struct {
					File struct{ ContentType string }
				}
			}
		}
		raw := map[string]any{}
		decode(t, p.stdout.String(), &raw)
		decode(t, p.stdout.String(), &got)
		b := fileStarts(t, filepath.Join(dir, "out.pdf"), "%PDF-")
		if raw["tool"] != "convert" || raw["mode"] != "async" || raw["job_id"] != id || raw["output"] != "out.pdf" ||
			got.Bytes != int64(len(b)) || got.Result.Result.File.ContentType != "application/pdf" {
			t.Errorf("got %v from:\n%s", raw, p.stdout)
		}
	})
	t.Run("job status", func(t *testing.T) {
		t.Parallel()
		p := start(t, runOpts{}, "pdf", "compress", testdata(t, "contract.pdf"), "--async", "-o", "out.pdf")
		id := p.stderr.waitFor(t, jobStarted, p.done)[1]
		stdout, _ := expect(t, exitOK, runOpts{}, "--json", "pdf", "job", id)
		var got jobStatus
		decode(t, stdout, &got)
		if got.JobID != id || got.Status != "running" {
			t.Errorf("got %+v from:\n%s", got, stdout)
		}
		admin(t, "jobs/"+id+"/complete")
		p.wait(t)
	})
}

func decode(t *testing.T, s string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(s), v); err != nil {
		t.Fatalf("the output is not JSON: %v\n%s", err, s)
	}
}

// resumeHint matches the resume command an interrupted wait prints.
const resumeHint = `nitro pdf job ([0-9a-f-]{36}) --wait -o (\S+)`

// TestInterruptedWait: SIGINT during a job's wait exits 130, leaves no
// partial file, and prints the command that resumes it, which then fetches
// the job's file once it completes.
func TestInterruptedWait(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	id, p := interruptedJob(t, runOpts{dir: dir}, "small.pdf")
	hint := regexp.MustCompile(resumeHint).FindStringSubmatch(p.stderr.String())
	if hint == nil || hint[1] != id || hint[2] != "small.pdf" {
		t.Fatalf("no resume command for job %s:\n%s", id, p.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "small.pdf")); err == nil {
		t.Error("the interrupted wait wrote the output")
	}
	noPartFiles(t, dir)

	resumed := start(t, runOpts{dir: dir}, strings.Fields(hint[0])[1:]...)
	admin(t, "jobs/"+id+"/complete")
	if code := resumed.wait(t); code != exitOK {
		t.Fatalf("%s: exit code %d; stderr:\n%s", hint[0], code, resumed.stderr)
	}
	fileStarts(t, filepath.Join(dir, "small.pdf"), "%PDF-")
}

// interruptedJob starts a compress job writing to out, interrupts its wait
// with SIGINT, and returns the job's ID and the run.
func interruptedJob(t *testing.T, o runOpts, out string) (string, *proc) {
	t.Helper()
	p := start(t, o, "pdf", "compress", testdata(t, "contract.pdf"), "--async", "-o", out)
	id := p.stderr.waitFor(t, jobStarted, p.done)[1]
	p.signal(t, syscall.SIGINT)
	if code := p.wait(t); code != exitInterrupted {
		t.Fatalf("exit code %d after SIGINT, want %d; stderr:\n%s", code, exitInterrupted, p.stderr)
	}
	return id, p
}

// TestFailedJob: a failed job is exit code 1, with the reason.
func TestFailedJob(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := start(t, runOpts{dir: dir}, "pdf", "ocr", testdata(t, "contract.pdf"), "--async", "-o", "ocr.pdf")
	id := p.stderr.waitFor(t, jobStarted, p.done)[1]
	resp := adminJSON(t, "jobs/"+id+"/fail", `{"reason": "the scan is blank"}`)
	if resp != 204 {
		t.Fatalf("failing the job: %d", resp)
	}
	if code := p.wait(t); code != exitFailed {
		t.Fatalf("exit code %d, want %d; stderr:\n%s", code, exitFailed, p.stderr)
	}
	if !strings.Contains(p.stderr.String(), "job "+id+" failed: the scan is blank") {
		t.Errorf("the failure's reason is not shown:\n%s", p.stderr)
	}
	noPartFiles(t, dir)
}

// TestAPIErrorShown: an API error shows its title, detail, validation
// errors and request ID, and is exit code 1.
func TestAPIErrorShown(t *testing.T) {
	t.Parallel()
	_, stderr := expect(t, exitFailed, runOpts{}, "pdf", "delete-pages", testdata(t, "contract.pdf"), "-o", "out.pdf")
	for _, want := range []string{"422", "title:", "detail:", "invalid:    params.pageIndices", "request ID: "} {
		if !strings.Contains(stderr, want) {
			t.Errorf("no %q in:\n%s", want, stderr)
		}
	}
}

// TestStreamsInConstantMemory: an 80 MiB input and a 128 MiB result pass
// through the command without it ever holding either whole. Its peak
// resident size (VmHWM, its own: rusage's would count the test process it
// was forked from) is read while it is held at two points: once the upload
// is done and the job started, and with the last 8 MiB of the result still
// unread on its stdout. It stays under 64 MiB (16 seen; 43 with
// -command-race).
func TestStreamsInConstantMemory(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads the peak resident size from Linux's /proc")
	}
	t.Parallel()
	const in, out, limit = 80 << 20, 128 << 20, 64 << 20
	fake := ownFake(t, "--output-size", strconv.Itoa(out), "--job-duration=-1s", "--client-id", "test-client", "--client-secret", testSecret)
	dir := t.TempDir()
	big := filepath.Join(dir, "big.pdf")
	if err := os.Truncate(createEmpty(t, big), in); err != nil { // sparse: no disk written
		t.Fatal(err)
	}
	cmd := exec.Command(binary, "pdf", "compress", big, "--async", "-o", "-")
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, goRace()}, fake.env()...)
	stderr := newBuffer()
	cmd.Stderr = stderr
	// An os.Pipe, not StdoutPipe: Wait closes StdoutPipe's reader once the
	// command exits, under a read of its last bytes ("file already
	// closed"); this reader is the test's to close.
	stdout, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer stdout.Close()
	cmd.Stdout = w
	err = cmd.Start()
	w.Close()
	if err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	var waitErr error
	go func() { waitErr = cmd.Wait(); close(exited) }()
	t.Cleanup(func() { cmd.Process.Kill(); <-exited })
	peak := func(when string) { peakUnder(t, cmd.Process.Pid, limit, when) }
	id := stderr.waitFor(t, jobStarted, exited)[1]
	peak(fmt.Sprintf("after uploading %d MiB", in>>20))
	if code := fakeAdmin(t, fake, "jobs/"+id+"/complete"); code != http.StatusNoContent {
		t.Fatalf("completing the job: %d", code)
	}
	if n, err := io.CopyN(io.Discard, stdout, out-8<<20); err != nil {
		t.Fatalf("read %d bytes of the result: %v; stderr:\n%s", n, err, stderr)
	}
	peak(fmt.Sprintf("after writing %d MiB of %d", (out-8<<20)>>20, out>>20))
	if n, err := io.Copy(io.Discard, stdout); err != nil || n != 8<<20 {
		t.Fatalf("the rest of the result: %d bytes, %v", n, err)
	}
	<-exited
	if waitErr != nil {
		t.Fatalf("%v; stderr:\n%s", waitErr, stderr)
	}
}

// peakUnder fails the test if the peak resident size of process pid
// (VmHWM, its own: rusage's would count the test process it was forked
// from) is over limit bytes.
func peakUnder(t *testing.T, pid int, limit int64, when string) {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	m := regexp.MustCompile(`VmHWM:\s+(\d+) kB`).FindSubmatch(b)
	if err != nil || m == nil {
		t.Fatalf("reading the command's peak memory %s: %v", when, err)
	}
	kb, _ := strconv.ParseInt(string(m[1]), 10, 64)
	t.Logf("peak resident memory %s: %d MiB", when, kb>>10)
	if kb<<10 > limit {
		t.Errorf("the command's peak resident memory %s was %d MiB, over %d MiB: it held a file whole", when, kb>>10, limit>>20)
	}
}

// TestStagesInputsOver100MB: an input over the 100 MB a request takes is
// staged through a pre-signed URL (POST /presigned-file-urls, then a PUT
// of the file), by the library's send, in constant memory, and its job
// runs as any other.
func TestStagesInputsOver100MB(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads the peak resident size from Linux's /proc")
	}
	t.Parallel()
	const in, limit = 120 << 20, 64 << 20
	fake := ownFake(t, "--job-duration=-1s")
	dir := t.TempDir()
	big := filepath.Join(dir, "big.pdf")
	if err := os.Truncate(createEmpty(t, big), in); err != nil { // sparse: no disk written
		t.Fatal(err)
	}
	p := start(t, runOpts{dir: dir, env: fake.env()}, "pdf", "compress", big, "-o", "small.pdf")
	id := p.stderr.waitFor(t, jobStarted, p.done)[1] // over 10 MB: a job
	peakUnder(t, p.cmd.Process.Pid, limit, fmt.Sprintf("after staging %d MiB", in>>20))
	ops := fakeStats(t, fake).Operations
	if ops["CreatePresignedFileURLs"] != 1 || ops["UploadStagedFile"] != 1 || ops["DownloadStagedFile"] != 1 {
		t.Errorf("the input was not staged: %v", ops)
	}
	if code := fakeAdmin(t, fake, "jobs/"+id+"/complete"); code != http.StatusNoContent {
		t.Fatalf("completing the job: %d", code)
	}
	if code := p.wait(t); code != exitOK {
		t.Fatalf("exit code %d; stderr:\n%s", code, p.stderr)
	}
	fileStarts(t, filepath.Join(dir, "small.pdf"), "%PDF-")
}

// createEmpty creates an empty file at path and returns path.
func createEmpty(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	return path
}

// TestJobFileFetchedOnce: once a job's status stream ends, its file is one
// request (pdf.Job.FollowDownload), for a tool's run as for 'pdf job
// --wait'; the typed result is fetched too only when --json asks for it.
// The command used to fetch the job's JSON result first, then its file.
func TestJobFileFetchedOnce(t *testing.T) {
	t.Parallel()
	fake := ownFake(t, "--job-duration=-1s")
	dir := t.TempDir()
	o := runOpts{dir: dir, env: fake.env()}
	// gets runs the command of start to its end, completing its job, and
	// returns how many GETs of the job's result it made.
	gets := func(start func() *proc, id string) int {
		t.Helper()
		before := fakeStats(t, fake).Operations["GetJobResult"]
		p := start()
		if id == "" {
			id = p.stderr.waitFor(t, jobStarted, p.done)[1]
		}
		if code := fakeAdmin(t, fake, "jobs/"+id+"/complete"); code != http.StatusNoContent {
			t.Fatalf("completing the job: %d", code)
		}
		if code := p.wait(t); code != exitOK {
			t.Fatalf("exit code %d; stderr:\n%s", code, p.stderr)
		}
		return fakeStats(t, fake).Operations["GetJobResult"] - before
	}
	run := func(args ...string) func() *proc { return func() *proc { return start(t, o, args...) } }

	if n := gets(run("pdf", "compress", testdata(t, "contract.pdf"), "--async", "-o", "a.pdf"), ""); n != 1 {
		t.Errorf("a tool's job: %d GETs of its result, want 1", n)
	}
	fileStarts(t, filepath.Join(dir, "a.pdf"), "%PDF-")

	id, _ := interruptedJob(t, o, "b.pdf")
	// Whether it finds the job running or completed.
	if n := gets(run("pdf", "job", id, "--wait", "-o", "b.pdf"), id); n != 1 {
		t.Errorf("'pdf job --wait -o': %d GETs of its result, want 1", n)
	}
	fileStarts(t, filepath.Join(dir, "b.pdf"), "%PDF-")

	if n := gets(run("--json", "pdf", "compress", testdata(t, "contract.pdf"), "-o", "c.pdf"), ""); n != 2 {
		t.Errorf("--json -o: %d GETs of its result and file, want 2", n)
	}
}

// TestJobOfAnotherTool: 'pdf job ID --wait' without --tool does not name
// a tool it was not told: the job's progress and --json used to call a
// compress job "convert", --tool's default.
func TestJobOfAnotherTool(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	id, _ := interruptedJob(t, runOpts{dir: dir}, "small.pdf")
	resumed := start(t, runOpts{dir: dir}, "--json", "pdf", "job", id, "--wait", "-o", "small.pdf")
	admin(t, "jobs/"+id+"/complete")
	if code := resumed.wait(t); code != exitOK {
		t.Fatalf("exit code %d; stderr:\n%s", code, resumed.stderr)
	}
	var got map[string]any
	decode(t, resumed.stdout.String(), &got)
	if got["tool"] != nil || got["job_id"] != id || strings.Contains(resumed.stderr.String(), "convert") {
		t.Errorf("a compress job resumed without --tool:\nstdout: %s\nstderr: %s", resumed.stdout, resumed.stderr)
	}
}

// TestJobErrorSaysHowToResume: a wait that fails while the job may still
// run (its status unreadable here) says how to resume it, as Ctrl-C does;
// it used to print the error alone.
func TestJobErrorSaysHowToResume(t *testing.T) {
	t.Parallel()
	fake := ownFake(t, "--job-duration=-1s", "--fault", "target=op:GetJobStatus,status=503,times=100")
	dir := t.TempDir()
	_, stderr := expect(t, exitFailed, runOpts{dir: dir, env: fake.env()}, "pdf", "compress", testdata(t, "contract.pdf"), "--async", "-o", "out.pdf")
	id := regexp.MustCompile(jobStarted).FindStringSubmatch(stderr)
	hint := regexp.MustCompile(resumeHint).FindStringSubmatch(stderr)
	if id == nil || hint == nil || hint[1] != id[1] || hint[2] != "out.pdf" || !strings.Contains(stderr, "503") {
		t.Errorf("no resume command after the error:\n%s", stderr)
	}
	noPartFiles(t, dir)
}
