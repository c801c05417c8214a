package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/spf13/cobra"

	"github.com/nitrokit/nitro/pdf"
	"github.com/nitrokit/nitro/sign"
)

// sendFlags are `nitro sign send`'s flags.
type sendFlags struct {
	signers, ccs           []string
	name, subject, message string
	mode                   string
	page                   int32
	box                    string
	wait                   bool
	out                    string
}

func (a *app) signSendCommand() *cobra.Command {
	var sf sendFlags
	cmd := &cobra.Command{
		Use:   "send FILE --signer EMAIL",
		Short: "Send a document for signature: envelope, upload, signers, signature fields, send",
		Long: `Creates an envelope, uploads FILE, adds each --signer (and --cc), places a
signature field for each signer, sends it, and prints the signing URLs.
With --wait it then waits (a spinner and the time elapsed) until every
signer has signed and the envelope is sealed, and downloads the sealed ZIP.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("send takes one file, not %d", len(args))
			}
			return nil
		},
		ValidArgsFunction: completeInputs,
		RunE:              func(cmd *cobra.Command, args []string) error { return a.send(cmd.Context(), args[0], sf) },
	}
	f := cmd.Flags()
	f.StringArrayVar(&sf.signers, "signer", nil, "a signer's email (repeat it for more)")
	f.StringArrayVar(&sf.ccs, "cc", nil, "an email that receives a copy (repeat it for more)")
	f.StringVar(&sf.name, "name", "", "the envelope's name (default: the file's name)")
	f.StringVar(&sf.subject, "subject", "", "the notification email's subject")
	f.StringVar(&sf.message, "message", "", "the notification email's body")
	f.StringVar(&sf.mode, "mode", string(sign.EnvelopeModeParallel), "parallel (all sign at once) or sequential (in --signer order)")
	f.Int32Var(&sf.page, "page", 1, "the page of the signature fields (1 is the first)")
	f.StringVar(&sf.box, "box", "72,600,200,50", "the first signature field's box in points, x,y,w,h; each next signer's is below it")
	f.BoolVar(&sf.wait, "wait", false, "wait until it is signed and sealed, then download it")
	f.StringVarP(&sf.out, "output", "o", "", "with --wait: where the sealed ZIP goes (default: FILE's name with .signed.zip)")
	_ = cmd.MarkFlagRequired("signer")
	_ = cmd.RegisterFlagCompletionFunc("mode", cobra.FixedCompletions([]string{"parallel", "sequential"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// sendResult is what `nitro sign send` prints with --json.
type sendResult struct {
	Envelope     sign.ExtendedEnvelope        `json:"envelope"`
	Document     sign.PendingDocumentResponse `json:"document"`
	Participants []sign.Participant           `json:"participants"`
	SigningURLs  []sign.SignerSigningURL      `json:"signing_urls"`
	Sealed       *download                    `json:"sealed,omitempty"`
}

// download is a file a command wrote.
type download struct {
	Output string `json:"output"`
	Bytes  int64  `json:"bytes"`
}

func (a *app) send(ctx context.Context, path string, sf sendFlags) error {
	box, err := parseBox(sf.box)
	if err != nil {
		return usagef("--box: %v", err)
	}
	if sf.mode != string(sign.EnvelopeModeParallel) && sf.mode != string(sign.EnvelopeModeSequential) {
		return usagef("--mode %q: parallel or sequential", sf.mode)
	}
	if sf.out != "" && !sf.wait {
		return usagef("-o needs --wait: the sealed ZIP is there once everyone has signed")
	}
	in, err := openInputs([]string{path})
	if err != nil {
		return err
	}
	defer in.close()
	s, err := a.signClient()
	if err != nil {
		return err
	}
	var out *output
	if sf.wait {
		outPath := sf.out
		if outPath == "" {
			outPath = strings.TrimSuffix(path, filepath.Ext(path)) + ".signed.zip"
		}
		if out, err = a.createOutput(outPath); err != nil {
			return err
		}
		defer out.abort()
	}
	res, err := a.sendEnvelope(ctx, s, in, sf, box)
	if err != nil {
		return err
	}
	if a.flags.json {
		// The JSON comes at the end; a script waiting to act on the
		// envelope (or a test playing its signers) needs its ID now.
		a.note("nitro: envelope %s sent for signature\n", res.Envelope.ID)
	} else {
		say := a.printf
		if out != nil && out.path == "-" {
			say = a.note // stdout is the sealed ZIP's
		}
		say("envelope %s sent for signature to %s (%q)\n", res.Envelope.ID, strings.Join(sf.signers, ", "), res.Envelope.Name)
		for _, u := range res.SigningURLs {
			say("  sign at %s (until %s)\n", u.SigningURL, u.ExpiresAt.Format(time.RFC3339))
		}
	}
	if out != nil {
		if res.Sealed, err = a.awaitSealed(ctx, s, res.Envelope.ID, out); err != nil {
			return err
		}
		if !a.flags.json && out.path != "-" {
			a.printf("wrote %s (%d bytes)\n", res.Sealed.Output, res.Sealed.Bytes)
		}
	}
	if a.flags.json {
		return a.printJSON(res)
	}
	return nil
}

// sendEnvelope makes the envelope and sends it: the steps of a signing
// flow up to the signing URLs. Once the envelope exists, an error or an
// interruption says what became of it.
func (a *app) sendEnvelope(ctx context.Context, s *sign.Client, in *inputs, sf sendFlags, box []float32) (*sendResult, error) {
	name := cmp.Or(sf.name, in.files[0].Name)
	env, err := s.CreateEnvelope(ctx, sign.EnvelopeCreate{
		Name: name, Mode: sign.EnvelopeMode(sf.mode),
		Notification: sign.Notification{
			Subject: cmp.Or(sf.subject, "Please sign: "+name),
			Body:    cmp.Or(sf.message, name+" is ready for your signature."),
		},
	})
	if err != nil {
		return nil, err
	}
	id := env.ID
	res := &sendResult{Envelope: env}
	if err := a.prepareEnvelope(ctx, s, res, in.files[0], sf, box); err != nil {
		return nil, a.leftBehind(ctx, err, fmt.Sprintf("envelope %s was created but not sent; delete it with:\n  nitro sign envelope delete %s", id, id))
	}
	if _, err := s.SendForSigning(ctx, id); err != nil {
		return nil, a.leftBehind(ctx, err, fmt.Sprintf("envelope %s was created, and may not have been sent; see it with:\n  nitro sign envelope get %s", id, id))
	}
	sent := fmt.Sprintf("envelope %s was sent for signature; see it with:\n  nitro sign envelope get %s", id, id)
	if res.Envelope, err = s.GetEnvelope(ctx, id); err != nil {
		return nil, a.leftBehind(ctx, err, sent)
	}
	urls, err := s.ListSignerSigningUrls(ctx, id)
	if err != nil {
		return nil, a.leftBehind(ctx, err, sent)
	}
	res.SigningURLs = urls.Items
	return res, nil
}

// prepareEnvelope uploads the document to the envelope, adds the
// participants, and places a signature field for each signer.
func (a *app) prepareEnvelope(ctx context.Context, s *sign.Client, res *sendResult, f pdf.File, sf sendFlags, box []float32) error {
	id := res.Envelope.ID
	var err error
	if res.Document, err = s.CreateDocument(ctx, id, sign.DocumentUpload{Name: f.Name, ContentType: f.ContentType, Body: f.Body, Size: f.Size}); err != nil {
		return err
	}
	for i, email := range append(slices.Clone(sf.signers), sf.ccs...) {
		role := sign.ParticipantRoleSigner
		if i >= len(sf.signers) {
			role = sign.ParticipantRoleCc
		}
		ps, err := s.CreateParticipant(ctx, id, sign.NewCreateParticipantRequest(sign.SingleParticipantRequest{Email: email, Role: role}))
		if err != nil {
			return err
		}
		res.Participants = append(res.Participants, ps...)
		if role != sign.ParticipantRoleSigner || len(ps) == 0 {
			continue
		}
		b := slices.Clone(box)
		b[1] += float32(i) * (box[3] + 10) // each signer's field below the last
		if _, err := s.CreateField(ctx, id, res.Document.ID, sign.NewCreateFieldRequest(sign.CreateSignatureField{
			ParticipantID: ps[0].ID, Page: sf.page, BoundingBox: b, Required: true,
		})); err != nil {
			return err
		}
	}
	return nil
}

// leftBehind is err of a send or wait that stopped with the envelope in
// place, with what says where it stands: an interruption (exit code 130)
// if ctx ended, else err with that hint. --fake's envelopes end with its
// fake: err alone.
func (a *app) leftBehind(ctx context.Context, err error, what string) error {
	switch {
	case a.fake != nil:
		return err
	case ctx.Err() != nil:
		return &interruptedError{msg: "interrupted: " + what}
	}
	return &hinted{err: err, hint: what}
}

// awaitSealed waits, with a spinner, until the envelope is sealed, then
// downloads the sealed ZIP to out.
func (a *app) awaitSealed(ctx context.Context, s *sign.Client, id uuid.UUID, out *output) (*download, error) {
	if signed, err := a.signedByFake(id.String()); err != nil {
		return nil, err
	} else if signed {
		a.note("nitro: --fake: signed by the fake's signers\n")
	}
	m := a.newSpinner("waiting for the signatures and the seal")
	if _, err := s.WaitForEnvelopeStatus(ctx, id, sign.EnvelopeStatusSealed); err != nil {
		m.abandon()
		return nil, a.leftBehind(ctx, err, fmt.Sprintf("envelope %s stays out for signature; once it is sealed:\n  nitro sign download %s -o %s", id, id, shellQuote(out.path)))
	}
	m.finish()
	n, err := out.write(func(w io.Writer) (int64, error) { return s.DownloadSealedEnvelope(ctx, id, w) })
	if err != nil {
		return nil, a.leftBehind(ctx, err, fmt.Sprintf("envelope %s is sealed; download it with:\n  nitro sign download %s -o %s", id, id, shellQuote(out.path)))
	}
	return &download{Output: out.path, Bytes: n}, nil
}

// parseBox reads "x,y,w,h" in points.
func parseBox(s string) ([]float32, error) {
	var box []float32
	for f := range strings.SplitSeq(s, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(f), 32)
		if err != nil {
			return nil, fmt.Errorf("%q is not a number", f)
		}
		box = append(box, float32(v))
	}
	if len(box) != 4 {
		return nil, fmt.Errorf("%q is not four numbers, x,y,w,h", s)
	}
	return box, nil
}
