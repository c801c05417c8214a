package otel

import (
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// Option configures NewObserver.
type Option func(*config)

// config is what the options chose; a nil field means the global one.
type config struct {
	tp    trace.TracerProvider
	mp    metric.MeterProvider
	props propagation.TextMapPropagator
}

// WithTracerProvider has the Observer start its spans with tp; without it
// (or with a nil tp) it uses the global one (otel.GetTracerProvider).
func WithTracerProvider(tp trace.TracerProvider) Option {
	return func(c *config) { c.tp = tp }
}

// WithMeterProvider has the Observer record its metrics with mp; without it
// (or with a nil mp) it uses the global one (otel.GetMeterProvider).
func WithMeterProvider(mp metric.MeterProvider) Option {
	return func(c *config) { c.mp = mp }
}

// WithPropagators has the Observer inject the trace context into every
// request with p (W3C traceparent with propagation.TraceContext); without
// it (or with a nil p) it uses the global one (otel.GetTextMapPropagator),
// which injects nothing until the program sets one.
func WithPropagators(p propagation.TextMapPropagator) Option {
	return func(c *config) { c.props = p }
}
