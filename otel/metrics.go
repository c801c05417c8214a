package otel

import (
	"context"
	"time"

	otelglobal "go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/metric/noop"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/semconv/v1.43.0/httpconv"

	"github.com/nitrokit/nitro"
)

// Metric names of this module's own (http.client.request.duration is the
// conventions').
const (
	callDurationName = "nitro.client.call.duration"
	callAttemptsName = "nitro.client.call.attempts"
)

// durationBuckets are http.client.request.duration's, which the conventions
// set; a call's duration uses the same, so the two read side by side.
var durationBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10}

// attemptBuckets count a call's attempts one by one where most calls are,
// up to the 21 that a call's largest retry budget (20) allows.
var attemptBuckets = []float64{1, 2, 3, 4, 5, 7, 10, 15, 21}

// instruments are the Observer's metrics.
type instruments struct {
	request      httpconv.ClientRequestDuration
	callDuration metric.Float64Histogram
	callAttempts metric.Int64Histogram
}

// newInstruments makes the instruments with m, leaving out (and reporting
// to otel.Handle) any that m refuses.
func newInstruments(m metric.Meter) instruments {
	var in instruments
	var err error
	if in.request, err = httpconv.NewClientRequestDuration(m); err != nil {
		otelglobal.Handle(err)
	}
	in.callDuration, err = m.Float64Histogram(callDurationName, metric.WithUnit("s"),
		metric.WithDescription("Duration of a Client's calls, from the start of the request to the end of its answer's body, every attempt and wait between them included."),
		metric.WithExplicitBucketBoundaries(durationBuckets...))
	if err != nil {
		otelglobal.Handle(err)
		in.callDuration = noop.Float64Histogram{}
	}
	in.callAttempts, err = m.Int64Histogram(callAttemptsName, metric.WithUnit("{attempt}"),
		metric.WithDescription("How many times a Client's call sent its request: 1, and one more for each retry."),
		metric.WithExplicitBucketBoundaries(attemptBuckets...))
	if err != nil {
		otelglobal.Handle(err)
		in.callAttempts = noop.Int64Histogram{}
	}
	return in
}

// requestEnabled and callEnabled report whether a request's or a call's
// measurements would be kept: their attributes are not worth building
// otherwise.
func (in *instruments) requestEnabled(ctx context.Context) bool {
	return in.request.Inst().Enabled(ctx)
}

func (in *instruments) callEnabled(ctx context.Context) bool {
	return in.callDuration.Enabled(ctx) || in.callAttempts.Enabled(ctx)
}

// recordRequest records one request's duration (until its answer's headers).
func (in *instruments) recordRequest(ctx context.Context, d time.Duration, attrs attribute.Set) {
	in.request.RecordSet(ctx, d.Seconds(), attrs)
}

// recordCall records a call's duration and attempts.
func (in *instruments) recordCall(ctx context.Context, d time.Duration, e nitro.CallEnd, attrs attribute.Set) {
	opt := metric.WithAttributeSet(attrs)
	in.callDuration.Record(ctx, d.Seconds(), opt)
	in.callAttempts.Record(ctx, int64(e.Attempts), opt)
}

// requestMetricAttrs are a request's metric attributes: the conventions'
// for http.client.request.duration, the route's template among them, never
// its URL.
func requestMetricAttrs(method, template string, ri nitro.RequestInfo, e nitro.RequestEnd, errType string, failed bool) attribute.Set {
	return metricAttrs(method, template, ri.ServerAddress, ri.ServerPort, e.StatusCode, errType, failed)
}

// callMetricAttrs are a call's metric attributes: a request's, and the
// call's outcome.
func callMetricAttrs(method, template string, ci nitro.CallInfo, e nitro.CallEnd, errType string, failed bool) attribute.Set {
	return metricAttrs(method, template, ci.ServerAddress, ci.ServerPort, e.StatusCode, errType, failed, outcomeKey.String(outcomeValue(e.Outcome)))
}

// metricAttrs are the low-cardinality attributes both kinds of metric share.
func metricAttrs(method, template, host string, port, status int, errType string, failed bool, more ...attribute.KeyValue) attribute.Set {
	kv := make([]attribute.KeyValue, 0, 8)
	kv = append(kv, semconv.HTTPRequestMethodKey.String(method), semconv.ServerAddress(host), semconv.ServerPort(port))
	if template != "" {
		kv = append(kv, semconv.URLTemplate(template))
	}
	if status != 0 {
		kv = append(kv, semconv.HTTPResponseStatusCode(status))
	}
	if failed {
		kv = append(kv, semconv.ErrorTypeKey.String(errType))
	}
	return attribute.NewSet(append(kv, more...)...)
}
