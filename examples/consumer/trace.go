package consumer

import (
	"context"

	"github.com/google/uuid"
	"go.opentelemetry.io/otel/sdk/trace"

	"github.com/nitrokit/nitro"
	nitrootel "github.com/nitrokit/nitro/otel"
	"github.com/nitrokit/nitro/sign"
)

// Traced is a client whose every call is a span on tp, with its attempts
// and token requests beneath it: what a service with OpenTelemetry adds to
// its constructor, one option.
func Traced(cfg nitro.Config, tp *trace.TracerProvider) (*nitro.Client, error) {
	return nitro.NewClient(cfg, nitro.WithObserver(nitrootel.NewObserver(nitrootel.WithTracerProvider(tp))))
}

// Fetch reads an envelope under the caller's span, so its call is that
// span's child.
func Fetch(ctx context.Context, s *sign.Client, env uuid.UUID) (sign.EnvelopeStatus, error) {
	e, err := s.GetEnvelope(ctx, env)
	return e.Status, err
}
