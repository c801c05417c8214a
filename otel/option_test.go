package otel_test

import (
	"context"
	"net/http"
	"sync"
	"testing"

	otelglobal "go.opentelemetry.io/otel"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace/noop"

	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/nitrotest"
	nitrootel "github.com/nitrokit/nitro/otel"
)

// TestNewObserverUsesTheGlobals: without options, or with nil ones, the
// Observer uses the global providers and propagator.
func TestNewObserverUsesTheGlobals(t *testing.T) {
	var mu sync.Mutex
	var traceparents []string
	srv := nitrotest.NewServer(nitrotest.WithMiddleware(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			mu.Lock()
			traceparents = append(traceparents, req.Header.Get("Traceparent"))
			mu.Unlock()
			next.ServeHTTP(w, req)
		})
	}))
	defer srv.Close()
	creds := srv.Credentials()
	for name, opts := range map[string][]nitrootel.Option{
		"no options":  nil,
		"nil options": {nitrootel.WithTracerProvider(nil), nitrootel.WithMeterProvider(nil), nitrootel.WithPropagators(nil), nil},
	} {
		t.Run(name, func(t *testing.T) {
			spans := tracetest.NewInMemoryExporter()
			tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans))
			reader := sdkmetric.NewManualReader()
			mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
			otelglobal.SetTracerProvider(tp)
			otelglobal.SetMeterProvider(mp)
			otelglobal.SetTextMapPropagator(propagation.TraceContext{})
			defer func() {
				otelglobal.SetTracerProvider(noop.NewTracerProvider())
				otelglobal.SetMeterProvider(metricnoop.NewMeterProvider())
				otelglobal.SetTextMapPropagator(propagation.NewCompositeTextMapPropagator())
				_ = tp.Shutdown(context.Background())
				_ = mp.Shutdown(context.Background())
			}()
			mu.Lock()
			traceparents = nil
			mu.Unlock()

			obs := nitrootel.NewObserver(opts...)
			c, err := nitro.NewClient(nitro.Config{ClientID: creds.ClientID, ClientSecret: creds.ClientSecret, BaseURL: srv.URL()}, nitro.WithObserver(obs))
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if _, err := c.Token(context.Background()); err != nil {
				t.Fatal(err)
			}
			if n := len(spans.GetSpans()); n != 1 {
				t.Errorf("the global TracerProvider got %d spans, want the token request's", n)
			}
			var rm metricdata.ResourceMetrics
			if err := reader.Collect(context.Background(), &rm); err != nil || len(rm.ScopeMetrics) == 0 {
				t.Errorf("the global MeterProvider got no metric (%v)", err)
			}
			mu.Lock()
			defer mu.Unlock()
			if len(traceparents) != 1 || traceparents[0] == "" {
				t.Errorf("the global propagator set traceparents %q, want one", traceparents)
			}
		})
	}
}
