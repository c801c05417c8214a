package otel_test

import (
	"context"
	"fmt"
	"log"

	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/nitrotest"
	nitrootel "github.com/nitrokit/nitro/otel"
	"github.com/nitrokit/nitro/sign"
)

// A Client whose calls are traced. A program usually sets the global
// providers up once (otel.SetTracerProvider, with an OTLP exporter, say)
// and writes nitro.WithObserver(nitrootel.NewObserver()); this one exports
// to memory, against a fake Nitro, to print what one call records.
func ExampleNewObserver() {
	spans := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans))
	defer tp.Shutdown(context.Background())

	srv := nitrotest.NewServer()
	defer srv.Close()
	creds := srv.Credentials()
	c, err := nitro.NewClient(nitro.Config{ClientID: creds.ClientID, ClientSecret: creds.ClientSecret, BaseURL: srv.URL()},
		nitro.WithObserver(nitrootel.NewObserver(nitrootel.WithTracerProvider(tp), nitrootel.WithPropagators(propagation.TraceContext{}))))
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	_, err = sign.New(c).CreateEnvelope(context.Background(), sign.EnvelopeCreate{
		Name: "Lease", Mode: sign.EnvelopeModeSequential, Notification: sign.Notification{Subject: "Please sign", Body: "Thanks"}})
	if err != nil {
		log.Fatal(err)
	}
	for _, s := range spans.GetSpans() { // in the order they ended
		fmt.Println(s.SpanKind, s.Name)
	}
	// Output:
	// client POST /oauth/token
	// client POST /sign/envelopes
	// internal POST /sign/envelopes
}
