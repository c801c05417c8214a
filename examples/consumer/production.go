package consumer

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/google/uuid"

	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/pdf"
	"github.com/nitrokit/nitro/sign"
)

// NewClient is the one constructor a service writes: credentials and hosts
// from the environment (NITRO_CLIENT_ID, NITRO_CLIENT_SECRET, and
// optionally NITRO_BASE_URL, NITRO_TOKEN_URL), and a retry policy of its
// own: quicker first retries than the default, a longer Retry-After
// honoured, and no retry of a 503 on a listing the caller would rather
// refresh later (the policy may refuse any retry, and allow none that
// could repeat what the server may have done).
func NewClient(logger *slog.Logger, opts ...nitro.Option) (*nitro.Client, error) {
	cfg, err := nitro.ConfigFromEnv()
	if err != nil {
		return nil, err // a *nitro.ConfigError naming the missing variable
	}
	cfg.Logger = logger
	cfg.Retry = nitro.RetryPolicy{
		BaseDelay:     200 * time.Millisecond,
		MaxDelay:      5 * time.Second,
		MaxRetryAfter: 2 * time.Minute,
		ShouldRetry: func(a nitro.RetryAttempt) bool {
			if a.Method == http.MethodGet && a.Path == "/sign/envelopes" && a.StatusCode == http.StatusServiceUnavailable {
				return false
			}
			return a.Retry
		},
	}
	return nitro.NewClient(cfg, opts...)
}

// Rename renames an envelope, correlated with the caller's request ID. A
// PATCH is not repeated by default (it may have been carried out when an
// attempt times out); this one sets an absolute value, so doing it twice is
// doing it once, and the caller says so: it is retried like a GET.
func Rename(ctx context.Context, s *sign.Client, env uuid.UUID, name, correlationID string) (sign.Envelope, error) {
	return s.UpdateEnvelope(ctx, env, sign.EnvelopeUpdate{Name: nitro.Ptr(name)},
		nitro.WithHeader("X-Correlation-Id", correlationID), nitro.WithIdempotent())
}

// Status reads an envelope's status and the request ID Nitro gave the call,
// for the log line a support ticket will quote.
func Status(ctx context.Context, s *sign.Client, env uuid.UUID, log *slog.Logger) (sign.EnvelopeStatus, error) {
	var r nitro.Response
	e, err := s.GetEnvelope(ctx, env, nitro.WithResponse(&r))
	log.Info("nitro: getEnvelope", "request_id", r.RequestID, "status", r.StatusCode, "attempts", r.Attempts, "error", err)
	if err != nil {
		return "", err
	}
	return e.Status, nil
}

// StartConversion starts a Word-to-PDF job and returns its ID, the whole
// of what another replica (or this one after a restart) needs to finish it:
// store it with the work item.
func StartConversion(ctx context.Context, p *pdf.Client, docx io.Reader, size int64) (string, error) {
	job, err := p.ConvertOfficeToPDF(pdf.File{Name: "letter.docx", Body: docx, Size: size,
		ContentType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}, pdf.ConversionParams{}).Async(ctx)
	if err != nil {
		return "", fmt.Errorf("start the conversion: %w", err)
	}
	return job.ID, nil
}

// FinishConversion picks the job up by its ID and writes its PDF to out.
func FinishConversion(ctx context.Context, p *pdf.Client, jobID string, out io.Writer) (int64, error) {
	job, err := pdf.ResumeJob[pdf.FileResult](p, jobID)
	if err != nil {
		return 0, err
	}
	return job.FollowDownload(ctx, out, nil)
}
