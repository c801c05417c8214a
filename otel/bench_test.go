package otel_test

import (
	"context"
	"testing"

	metricnoop "go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	tracenoop "go.opentelemetry.io/otel/trace/noop"

	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/nitrotest"
	nitrootel "github.com/nitrokit/nitro/otel"
	"github.com/nitrokit/nitro/sign"
)

// BenchmarkGetEnvelope is one GetEnvelope against the fake over loopback:
// without an Observer (the anchor), with one that does nothing (the
// hook's own cost), with this module's on no-op providers (what a
// program that has not set up OpenTelemetry pays), and with one on the
// SDK, sampling every span and recording every metric (exported nowhere,
// so the export's own cost is left out).
func BenchmarkGetEnvelope(b *testing.B) {
	srv := nitrotest.NewServer(nitrotest.WithoutValidation())
	defer srv.Close()
	creds := srv.Credentials()
	cfg := nitro.Config{ClientID: creds.ClientID, ClientSecret: creds.ClientSecret, BaseURL: srv.URL()}
	tp := sdktrace.NewTracerProvider()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
	defer tp.Shutdown(context.Background())
	defer mp.Shutdown(context.Background())
	for _, c := range []struct {
		name string
		opts []nitro.Option
	}{
		{"no observer", nil},
		{"observer that does nothing", []nitro.Option{nitro.WithObserver(nothing{})}},
		{"observer on no-op providers", []nitro.Option{nitro.WithObserver(nitrootel.NewObserver(
			nitrootel.WithTracerProvider(tracenoop.NewTracerProvider()), nitrootel.WithMeterProvider(metricnoop.NewMeterProvider()), nitrootel.WithPropagators(propagation.TraceContext{})))}},
		{"observer on the SDK", []nitro.Option{nitro.WithObserver(nitrootel.NewObserver(
			nitrootel.WithTracerProvider(tp), nitrootel.WithMeterProvider(mp), nitrootel.WithPropagators(propagation.TraceContext{})))}},
	} {
		b.Run(c.name, func(b *testing.B) {
			client, err := nitro.NewClient(cfg, c.opts...)
			if err != nil {
				b.Fatal(err)
			}
			defer client.Close()
			s := sign.New(client)
			ctx := context.Background()
			env, err := s.CreateEnvelope(ctx, sign.EnvelopeCreate{Name: "Bench", Mode: sign.EnvelopeModeSequential, Notification: sign.Notification{Subject: "s", Body: "b"}})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.GetEnvelope(ctx, env.ID); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// nothing is an Observer that does nothing.
type nothing struct{}

func (nothing) ObserveCall(ctx context.Context, _ nitro.CallInfo) (context.Context, func(nitro.CallEnd)) {
	return ctx, func(nitro.CallEnd) {}
}

func (nothing) ObserveRequest(ctx context.Context, _ nitro.RequestInfo) (context.Context, func(nitro.RequestEnd)) {
	return ctx, func(nitro.RequestEnd) {}
}
