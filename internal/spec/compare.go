package spec

import (
	"context"
	"fmt"
	"strings"
)

// Input is one document to run the overlay on: the spec file (made
// loadable by the API's preload, if it has one) and the preload's report.
type Input struct {
	Spec string
	Pre  *Report
}

// Comparison is one overlay run on the locked spec and on a candidate,
// with what was found.
type Comparison struct {
	Locked, Candidate *Document
	// Findings: how each action fares on the candidate (judgeActions),
	// what the candidate's client cannot send (CheckClient), and what
	// changed that oasdiff does not judge (changes).
	Findings []Finding
}

// Breaking reports whether any finding is breaking.
func (c *Comparison) Breaking() bool {
	for _, f := range c.Findings {
		if f.Breaking {
			return true
		}
	}
	return false
}

// CandidateError is a candidate the overlay or validation rejects, with the
// judgments of the overlay's actions that explain it: an action that no
// longer applies is the cause, the validation errors its consequence.
type CandidateError struct {
	Findings []Finding
	Err      error
}

func (e *CandidateError) Error() string {
	var causes []string
	for _, f := range e.Findings {
		if f.Breaking && (f.Kind == "gone" || f.Kind == "changed" || f.Kind == "upstream-changed") {
			causes = append(causes, f.String())
		}
	}
	if len(causes) == 0 {
		return e.Err.Error()
	}
	return fmt.Sprintf("the overlay no longer applies to the candidate as it does to the locked spec; this is the cause:\n  - %s\nand this is what it leads to:\n%v",
		strings.Join(causes, "\n  - "), e.Err)
}

func (e *CandidateError) Unwrap() error { return e.Err }

// Compare runs the overlay at overlayPath on the locked spec and on a
// candidate and judges the candidate (see Comparison). baseURL is the
// client's default server (nitro.DefaultBaseURL), "" to skip that check.
// The locked spec must validate; a candidate that does not is a
// *CandidateError.
func Compare(ctx context.Context, overlayPath string, locked, cand Input, baseURL string) (*Comparison, error) {
	b, err := NewBaseline(ctx, overlayPath, locked)
	if err != nil {
		return nil, err
	}
	return b.Compare(ctx, cand, baseURL)
}

// Baseline is the overlay run on the locked spec, to compare candidates
// with. It is read, never changed, by Compare: one serves many candidates.
type Baseline struct {
	overlay string
	doc     *Document
	rep     *Report
}

// Document is the post-overlay locked spec.
func (b *Baseline) Document() *Document { return b.doc }

// Report is what the overlay did to the locked spec.
func (b *Baseline) Report() *Report { return b.rep }

// NewBaseline runs the overlay at overlayPath on the locked spec.
func NewBaseline(ctx context.Context, overlayPath string, locked Input) (*Baseline, error) {
	doc, rep, err := validate(ctx, locked.Spec, overlayPath, runOptions{pre: locked.Pre, snapshots: true})
	if err != nil {
		return nil, fmt.Errorf("the locked spec: %w", err)
	}
	return &Baseline{overlay: overlayPath, doc: doc, rep: rep}, nil
}

// Compare runs the overlay on a candidate and judges it against the
// baseline.
func (b *Baseline) Compare(ctx context.Context, cand Input, baseURL string) (*Comparison, error) {
	cdoc, crep, err := validate(ctx, cand.Spec, b.overlay, runOptions{pre: cand.Pre, snapshots: true, locked: b.rep})
	c := &Comparison{Locked: b.doc, Candidate: cdoc}
	c.Findings = judgeActions(b.rep, crep)
	if err != nil {
		return c, &CandidateError{Findings: c.Findings, Err: err}
	}
	c.Findings = append(c.Findings, CheckClient(cdoc, baseURL)...)
	c.Findings = append(c.Findings, changes(b.doc, cdoc, b.rep.root, crep.root)...)
	return c, nil
}
