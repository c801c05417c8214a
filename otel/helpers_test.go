package otel_test

import (
	"context"
	"fmt"
	"github.com/nitrokit/nitro/internal/testkit/flowtest"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/nitrotest"
	nitrootel "github.com/nitrokit/nitro/otel"
	"github.com/nitrokit/nitro/sign"
)

// rig is a fake Nitro over loopback and a Client on it observed by an
// Observer exporting to memory: spans to an in-memory exporter, metrics to
// a manual reader.
type rig struct {
	srv     *nitrotest.Server
	client  *nitro.Client
	sign    *sign.Client
	spans   *tracetest.InMemoryExporter
	metrics *sdkmetric.ManualReader
}

// newRig starts the rig; everything stops when the test ends. Retries wait
// a millisecond (cfg.Retry, unless the test sets it): no test here measures
// time.
func newRig(t *testing.T, cfg nitro.Config, opts ...nitrotest.Option) *rig {
	t.Helper()
	r := &rig{srv: nitrotest.NewServer(opts...), spans: tracetest.NewInMemoryExporter(), metrics: sdkmetric.NewManualReader()}
	t.Cleanup(r.srv.Close)
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(r.spans))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(r.metrics))
	t.Cleanup(func() {
		_ = tp.Shutdown(context.Background())
		_ = mp.Shutdown(context.Background())
	})
	creds := r.srv.Credentials()
	cfg.ClientID, cfg.ClientSecret, cfg.BaseURL = creds.ClientID, creds.ClientSecret, r.srv.URL()
	if cfg.Retry.BaseDelay == 0 {
		cfg.Retry = nitro.RetryPolicy{BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}
	}
	obs := nitrootel.NewObserver(nitrootel.WithTracerProvider(tp), nitrootel.WithMeterProvider(mp), nitrootel.WithPropagators(propagation.TraceContext{}))
	c, err := nitro.NewClient(cfg, nitro.WithObserver(obs))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	r.client, r.sign = c, sign.New(c)
	return r
}

// envelope makes an envelope through a Client of its own, unobserved, so
// that the rig's Client has made no call yet.
func (r *rig) envelope(t *testing.T) uuid.UUID {
	t.Helper()
	creds := r.srv.Credentials()
	c, err := nitro.NewClient(nitro.Config{ClientID: creds.ClientID, ClientSecret: creds.ClientSecret, BaseURL: r.srv.URL()})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	env, err := sign.New(c).CreateEnvelope(context.Background(), sign.EnvelopeCreate{
		Name: "Observed", Mode: sign.EnvelopeModeSequential, Notification: sign.Notification{Subject: "Please sign", Body: "Thanks"}})
	if err != nil {
		t.Fatal(err)
	}
	return env.ID
}

// retriedCall makes one call through the rig's Client, its first in a
// fresh rig (so it fetches a token), answered 503 then 200, and returns
// what makes its telemetry read the same in every run: the server's
// host:port, its port and the envelope's ID, each with its stand-in, for
// strings.NewReplacer.
func (r *rig) retriedCall(t *testing.T) []string {
	t.Helper()
	env := r.envelope(t)
	flowtest.Must(t, r.srv.InjectFault(nitrotest.Operation("GetEnvelope"), 1, nitrotest.Fault{Status: http.StatusServiceUnavailable}))
	if _, err := r.sign.GetEnvelope(context.Background(), env); err != nil {
		t.Fatal(err)
	}
	host := strings.TrimPrefix(r.srv.URL(), "http://")
	port := host[strings.LastIndexByte(host, ':')+1:]
	return []string{host, "HOST:PORT", "=" + port, "=PORT", env.String(), "ID"}
}

// collect reads the metrics recorded so far, by name.
func (r *rig) collect(t *testing.T) map[string]metricdata.Metrics {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := r.metrics.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	out := map[string]metricdata.Metrics{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			out[m.Name] = m
		}
	}
	return out
}

// tree renders spans as text, one per line, each child under its parent in
// the order they started: name, kind, attributes (sorted), status. Each
// old string of subst reads as its new one (a host:port, an ID).
func tree(spans tracetest.SpanStubs, subst ...string) string {
	byParent := map[string][]tracetest.SpanStub{}
	ids := map[string]bool{}
	for _, s := range spans {
		ids[s.SpanContext.SpanID().String()] = true
	}
	for _, s := range spans {
		p := s.Parent.SpanID().String()
		if !ids[p] {
			p = ""
		}
		byParent[p] = append(byParent[p], s)
	}
	var b strings.Builder
	var walk func(parent string, depth int)
	walk = func(parent string, depth int) {
		kids := byParent[parent]
		slices.SortStableFunc(kids, func(a, b tracetest.SpanStub) int { return a.StartTime.Compare(b.StartTime) })
		for _, s := range kids {
			fmt.Fprintf(&b, "%s%s (%s)", strings.Repeat("  ", depth), s.Name, strings.ToUpper(s.SpanKind.String()))
			attrs := slices.Clone(s.Attributes)
			slices.SortFunc(attrs, func(a, b attribute.KeyValue) int { return strings.Compare(string(a.Key), string(b.Key)) })
			for _, kv := range attrs {
				fmt.Fprintf(&b, " %s=%s", kv.Key, kv.Value.String())
			}
			if s.Status.Code != codes.Unset {
				fmt.Fprintf(&b, " status=%s", s.Status.Code)
				if s.Status.Description != "" {
					fmt.Fprintf(&b, "(%q)", s.Status.Description)
				}
			}
			b.WriteByte('\n')
			walk(s.SpanContext.SpanID().String(), depth+1)
		}
	}
	walk("", 0)
	return strings.NewReplacer(subst...).Replace(b.String())
}

// point is a histogram's data point: its count and sum.
type point struct {
	count uint64
	sum   float64
}

// histogram is the data points of a histogram metric, whichever its
// number type, by their attributes (rendered, sorted by key, each old
// string of subst as its new one).
func histogram(t *testing.T, agg metricdata.Aggregation, subst ...string) map[string]point {
	t.Helper()
	out := map[string]point{}
	key := func(s attribute.Set) string {
		var parts []string
		for _, kv := range s.ToSlice() {
			parts = append(parts, string(kv.Key)+"="+kv.Value.String())
		}
		return strings.NewReplacer(subst...).Replace(strings.Join(parts, " "))
	}
	switch h := agg.(type) {
	case metricdata.Histogram[float64]:
		for _, dp := range h.DataPoints {
			out[key(dp.Attributes)] = point{dp.Count, dp.Sum}
		}
	case metricdata.Histogram[int64]:
		for _, dp := range h.DataPoints {
			out[key(dp.Attributes)] = point{dp.Count, float64(dp.Sum)}
		}
	default:
		t.Fatalf("%T is no histogram", agg)
	}
	return out
}
