// Package conformance is one set of scenarios with two targets: nitrotest,
// the fake, in `make test`, and the real Nitro API in `make conformance`
// when credentials are set. The same scenarios passing on both is what
// keeps the fake honest and confirms the wire: every Sign operation in an
// envelope's lifecycle, every PDF Services tool in each of its three
// answer modes, jobs (polled, streamed, their result and bytes, resumed),
// staging, errors (400, 404, 409) and pagination. Probes settle what
// Nitro's own sources leave open (docs/wire-sources.md): the invoice
// method, rotate's key, the synchronous result's wrapper, the status
// events' shape, and more; the summary says what each observed.
//
// Against a real account, Run deletes every envelope it creates, sends for
// signing only to Config.SignerEmail (skipping those steps without it), and
// writes a transcript of every exchange (method, URL, status, headers and
// the first bytes of the bodies) in which no secret, token or pre-signed
// URL's signature appears.
package conformance

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/pdf"
	"github.com/nitrokit/nitro/sign"
)

// Config is what Run needs.
type Config struct {
	// Nitro is the client's configuration: the credentials, and BaseURL and
	// TokenURL for another host (the fake). Its HTTPClient's transport, if
	// any, is what the recorder sends through.
	Nitro nitro.Config
	// SignerEmail receives the envelopes sent for signing; empty skips
	// sending (and what needs a sent envelope).
	SignerEmail string
	// Sign, if set, signs a sent envelope as its signer would (the fake's
	// hook); nil with SealWait > 0 waits that long for the signer to sign
	// from the email, else the sealed downloads are skipped.
	Sign     func(envelopeID string) error
	SealWait time.Duration
	// Transcript and Summary receive the transcript and the summary at the
	// end of Run; either may be nil.
	Transcript, Summary io.Writer
	// Progress receives one line per scenario as it ends; may be nil.
	Progress io.Writer
	// JobWait bounds each asynchronous job (default 5 minutes), and Poll
	// paces the waits that poll (default 1s).
	JobWait, Poll time.Duration
}

// Outcome is how a scenario ended.
type Outcome string

const (
	Pass Outcome = "pass"
	Fail Outcome = "FAIL"
	Skip Outcome = "skip"
)

// Result is one scenario's outcome.
type Result struct {
	Name    string
	Outcome Outcome
	// Detail is the error, or why it was skipped, redacted.
	Detail   string
	Duration time.Duration
}

// Finding is what a probe observed of an item Nitro's sources leave open.
type Finding struct {
	Item     string // what was open
	Observed string // what the target answered
}

// Report is a whole run.
type Report struct {
	Target   string
	Results  []Result
	Findings []Finding
}

// Failed counts the scenarios that failed.
func (r *Report) Failed() int {
	n := 0
	for _, res := range r.Results {
		if res.Outcome == Fail {
			n++
		}
	}
	return n
}

// errSkip is a scenario's way to say it could not run here.
type errSkip struct{ why string }

func (e errSkip) Error() string { return e.why }

func skip(format string, args ...any) error { return errSkip{fmt.Sprintf(format, args...)} }

// scenario is one named case; run returns nil, a skip, or what failed.
type scenario struct {
	name string
	run  func(ctx context.Context, r *runner) error
}

// runner is one run's state: the clients, the recorder, what was created
// (to delete) and what was found.
type runner struct {
	cfg  Config
	nc   *nitro.Client
	sign *sign.Client
	pdf  *pdf.Client
	rec  *recorder

	mu        sync.Mutex
	envelopes []uuid.UUID
	findings  []Finding
}

// Run runs every scenario against the API cfg.Nitro points at, then
// deletes what it created and writes the transcript and summary. Its error
// is for a run that could not start (bad configuration); a scenario's
// failure is in the Report.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if cfg.JobWait <= 0 {
		cfg.JobWait = 5 * time.Minute
	}
	if cfg.Poll <= 0 {
		cfg.Poll = time.Second
	}
	base := http.DefaultTransport
	if cfg.Nitro.HTTPClient != nil && cfg.Nitro.HTTPClient.Transport != nil {
		base = cfg.Nitro.HTTPClient.Transport
	}
	rec := newRecorder(base, cfg.Nitro.ClientSecret)
	ncfg := cfg.Nitro
	ncfg.HTTPClient = &http.Client{Transport: rec}
	ncfg.UserAgent = strings.TrimSpace(ncfg.UserAgent + " nitro-conformance")
	nc, err := nitro.NewClient(ncfg)
	if err != nil {
		return nil, err
	}
	defer nc.Close()
	rec.mu.Lock()
	rec.redact = nc.Redact
	rec.mu.Unlock()
	r := &runner{cfg: cfg, nc: nc, sign: sign.New(nc), pdf: pdf.New(nc, pdf.WithUploadClient(&http.Client{Transport: rec})), rec: rec}

	report := &Report{Target: nc.BaseURL()}
	for _, sc := range scenarios(ctx) {
		res := r.one(ctx, sc)
		report.Results = append(report.Results, res)
		if cfg.Progress != nil {
			fmt.Fprintf(cfg.Progress, "%-4s %s %s\n", res.Outcome, res.Name, firstLine(res.Detail))
		}
	}
	// The cleanup runs even when ctx ended (an interrupted run still
	// deletes what it created), within a bound of its own.
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
	report.Results = append(report.Results, r.cleanup(cctx))
	cancel()
	report.Findings = r.findingsSorted()
	if cfg.Transcript != nil {
		if err := rec.writeTranscript(cfg.Transcript); err != nil {
			return report, fmt.Errorf("conformance: writing the transcript: %w", err)
		}
	}
	if cfg.Summary != nil {
		if err := report.write(cfg.Summary); err != nil {
			return report, fmt.Errorf("conformance: writing the summary: %w", err)
		}
	}
	return report, nil
}

// one runs a scenario, turning a panic into its failure: one broken
// scenario must not hide the others' results, nor skip the cleanup.
func (r *runner) one(ctx context.Context, sc scenario) (res Result) {
	start := time.Now()
	res.Name = sc.name
	defer func() {
		if p := recover(); p != nil {
			res.Outcome, res.Detail = Fail, fmt.Sprintf("panic: %v", p)
		}
		res.Duration = time.Since(start)
		res.Detail = r.rec.clean(res.Detail)
	}()
	err := sc.run(ctx, r)
	var s errSkip
	switch {
	case err == nil:
		res.Outcome = Pass
	case errors.As(err, &s):
		res.Outcome, res.Detail = Skip, s.why
	default:
		res.Outcome, res.Detail = Fail, err.Error()
	}
	return res
}

func (r *runner) pollEvery() time.Duration { return r.cfg.Poll }

// found records a probe's observation.
func (r *runner) found(item, format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.findings = append(r.findings, Finding{Item: item, Observed: r.rec.clean(fmt.Sprintf(format, args...))})
}

func (r *runner) findingsSorted() []Finding {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := slices.Clone(r.findings)
	slices.SortStableFunc(out, func(a, b Finding) int { return strings.Compare(a.Item, b.Item) })
	return out
}

// created remembers an envelope to delete at the end.
func (r *runner) created(id uuid.UUID) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.envelopes = append(r.envelopes, id)
}

// cleanup deletes every envelope the run created and has not deleted:
// cancelled first if it was sent.
func (r *runner) cleanup(ctx context.Context) Result {
	start := time.Now()
	r.mu.Lock()
	ids := slices.Clone(r.envelopes)
	r.mu.Unlock()
	var errs []error
	for _, id := range ids {
		err := r.sign.DeleteEnvelope(ctx, id)
		if nitro.IsConflict(err) || isBadRequest(err) {
			_, _ = r.sign.CancelEnvelope(ctx, id)
			err = r.sign.DeleteEnvelope(ctx, id)
		}
		if err != nil && !nitro.IsNotFound(err) && !alreadyDeleted(err) {
			errs = append(errs, fmt.Errorf("envelope %s: %w", id, err))
		}
	}
	res := Result{Name: "cleanup: delete every envelope created", Outcome: Pass, Duration: time.Since(start)}
	if err := errors.Join(errs...); err != nil {
		res.Outcome, res.Detail = Fail, r.rec.clean(err.Error())
	}
	return res
}

func isBadRequest(err error) bool {
	var apiErr *nitro.APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusBadRequest
}

// alreadyDeleted is Sign's answer to deleting a deleted envelope.
func alreadyDeleted(err error) bool {
	return isBadRequest(err) && strings.Contains(strings.ToLower(err.Error()), "deleted")
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// write writes the summary: each scenario's outcome, then each finding.
func (rep *Report) write(w io.Writer) error {
	var b strings.Builder
	pass, skipped := 0, 0
	for _, res := range rep.Results {
		switch res.Outcome {
		case Pass:
			pass++
		case Skip:
			skipped++
		}
	}
	fmt.Fprintf(&b, "conformance against %s: %d passed, %d failed, %d skipped\n\n", rep.Target, pass, rep.Failed(), skipped)
	for _, res := range rep.Results {
		fmt.Fprintf(&b, "%-4s %-55s %6.2fs %s\n", res.Outcome, res.Name, res.Duration.Seconds(), firstLine(res.Detail))
	}
	b.WriteString("\nWhat Nitro's sources leave open, as this target answered (docs/wire-sources.md):\n")
	for _, f := range rep.Findings {
		fmt.Fprintf(&b, "- %s: %s\n", f.Item, f.Observed)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// scenarios is the whole suite, in order: Sign, errors, PDF Services tools,
// jobs and staging, then the probes.
func scenarios(ctx context.Context) []scenario {
	return slices.Concat(signScenarios(), errorScenarios(), pdfScenarios(ctx), jobScenarios(), probeScenarios())
}
