package consumer_test

import (
	"context"
	"slices"
	"testing"

	"go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"example.com/consumer"
	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/nitrotest"
	"github.com/nitrokit/nitro/sign"
)

// TestTraceOfOneCall: one call that needed a retry is exported, to an
// in-memory exporter, as the call's span with its two attempts (the second
// a resend) beneath it, under the caller's span.
func TestTraceOfOneCall(t *testing.T) {
	fake := nitrotest.NewServer()
	defer fake.Close()
	exp := tracetest.NewInMemoryExporter()
	tp := trace.NewTracerProvider(trace.WithSyncer(exp))
	defer tp.Shutdown(context.Background())
	creds := fake.Credentials()
	nc, err := consumer.Traced(nitro.Config{ClientID: creds.ClientID, ClientSecret: creds.ClientSecret, BaseURL: fake.URL()}, tp)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	s := sign.New(nc)
	env, err := s.CreateEnvelope(context.Background(), sign.EnvelopeCreate{Name: "Traced", Mode: sign.EnvelopeModeParallel, Notification: sign.Notification{Subject: "s", Body: "b"}})
	if err != nil {
		t.Fatal(err)
	}
	exp.Reset()

	if err := fake.InjectFault(nitrotest.Operation("GetEnvelope"), 1, nitrotest.Fault{Status: 503}); err != nil {
		t.Fatal(err)
	}
	ctx, parent := tp.Tracer("service").Start(context.Background(), "handle request")
	status, err := consumer.Fetch(ctx, s, env.ID)
	parent.End()
	if err != nil || status != sign.EnvelopeStatusDrafted {
		t.Fatalf("%s, %v", status, err)
	}

	spans := exp.GetSpans()
	byName := map[string][]tracetest.SpanStub{}
	for _, sp := range spans {
		byName[sp.Name] = append(byName[sp.Name], sp)
	}
	call := byName["GET /sign/envelopes/{envelopeID}"]
	if len(call) != 3 {
		t.Fatalf("spans %v: want the call and its two attempts, named by the route", names(spans))
	}
	var callSpan tracetest.SpanStub
	for _, sp := range call {
		if sp.Parent.SpanID() == byName["handle request"][0].SpanContext.SpanID() {
			callSpan = sp
		}
	}
	attempts := 0
	for _, sp := range call {
		if sp.Parent.SpanID() == callSpan.SpanContext.SpanID() && sp.SpanContext.SpanID() != callSpan.SpanContext.SpanID() {
			attempts++
		}
	}
	if !callSpan.SpanContext.IsValid() || attempts != 2 {
		t.Fatalf("the call's span under the caller's, with %d attempts beneath it; want 2 (%v)", attempts, names(spans))
	}
}

func names(spans tracetest.SpanStubs) []string {
	var out []string
	for _, s := range spans {
		out = append(out, s.Name)
	}
	slices.Sort(out)
	return out
}
