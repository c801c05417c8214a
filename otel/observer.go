package otel

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	otelglobal "go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/nitrokit/nitro"
)

// scope names this instrumentation to the providers.
const scope = "github.com/nitrokit/nitro/otel"

// observer is the nitro.Observer NewObserver returns.
type observer struct {
	tracer trace.Tracer
	props  propagation.TextMapPropagator
	inst   instruments
}

// NewObserver returns a nitro.Observer that traces and measures a Client's
// calls with OpenTelemetry (see the package doc for what it records); give
// it to nitro.NewClient with nitro.WithObserver. Without options it uses the
// global TracerProvider, MeterProvider and TextMapPropagator. An
// instrument the MeterProvider refuses is reported to otel.Handle and
// left out.
func NewObserver(opts ...Option) nitro.Observer {
	var c config
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	if c.tp == nil {
		c.tp = otelglobal.GetTracerProvider()
	}
	if c.mp == nil {
		c.mp = otelglobal.GetMeterProvider()
	}
	if c.props == nil {
		c.props = otelglobal.GetTextMapPropagator()
	}
	return &observer{
		tracer: c.tp.Tracer(scope, trace.WithSchemaURL(semconv.SchemaURL)),
		props:  c.props,
		inst:   newInstruments(c.mp.Meter(scope, metric.WithSchemaURL(semconv.SchemaURL))),
	}
}

// callKey finds a call's state among its context's values.
type callKey struct{}

// call is what a call's requests need of it.
type call struct {
	caller   context.Context // the context the call was made with
	template string          // the route's path template, "" if none
	sent     atomic.Int32    // the API requests sent so far
}

// ObserveCall starts the call's span, an INTERNAL one: the conventions
// want the CLIENT spans to be the requests on the wire, and a logical
// operation wrapping resends to be no HTTP client span itself.
func (o *observer) ObserveCall(ctx context.Context, ci nitro.CallInfo) (context.Context, func(nitro.CallEnd)) {
	m, original := method(ci.Method)
	c := &call{caller: ctx, template: templateOf(ci.Route)}
	attrs := startAttrs(m, original, ci.ServerAddress, ci.ServerPort, ci.URL)
	if c.template != "" {
		attrs = append(attrs, semconv.URLTemplate(c.template))
	}
	ctx, span := o.tracer.Start(ctx, spanName(m, c.template), trace.WithSpanKind(trace.SpanKindInternal), trace.WithAttributes(attrs...))
	ctx = context.WithValue(ctx, callKey{}, c)
	start := time.Now()
	return ctx, func(e nitro.CallEnd) {
		errType, failed := failure(e.StatusCode, e.Err, c.caller.Err() != nil)
		if span.IsRecording() {
			end := append(make([]attribute.KeyValue, 0, 4), attemptsKey.Int(e.Attempts), outcomeKey.String(outcomeValue(e.Outcome)))
			if e.StatusCode != 0 {
				end = append(end, semconv.HTTPResponseStatusCode(e.StatusCode))
			}
			if failed {
				end = append(end, semconv.ErrorTypeKey.String(errType))
				span.SetStatus(codes.Error, callDescription(e.Err))
			}
			span.SetAttributes(end...)
		}
		span.End()
		if o.inst.callEnabled(ctx) {
			o.inst.recordCall(ctx, time.Since(start), e, callMetricAttrs(m, c.template, ci, e, errType, failed))
		}
	}
}

// startAttrs are the attributes a call's or request's span starts with
// (the conventions want them at creation, for samplers), with room for
// url.template and http.request.resend_count.
func startAttrs(method, original, host string, port int, url string) []attribute.KeyValue {
	attrs := append(make([]attribute.KeyValue, 0, 7),
		semconv.HTTPRequestMethodKey.String(method),
		semconv.ServerAddress(host),
		semconv.ServerPort(port),
		semconv.URLFull(url))
	if original != "" {
		attrs = append(attrs, semconv.HTTPRequestMethodOriginal(original))
	}
	return attrs
}

// callDescription is a failed call's status description: none when its
// status code says it (the conventions' rule), else its error's text,
// which the Client has redacted.
func callDescription(err error) string {
	var ae *nitro.APIError
	if err == nil || errors.As(err, &ae) {
		return ""
	}
	return err.Error()
}

// ObserveRequest starts a CLIENT span for one request on the wire (an
// attempt, a replay after a 401, a token request), child of its call's
// span, and injects its trace context into the request.
func (o *observer) ObserveRequest(ctx context.Context, ri nitro.RequestInfo) (context.Context, func(nitro.RequestEnd)) {
	m, original := method(ri.Method)
	var template string
	attrs := startAttrs(m, original, ri.ServerAddress, ri.ServerPort, ri.URL)
	c, _ := ctx.Value(callKey{}).(*call)
	switch {
	case ri.Token:
		// The token endpoint is one fixed path: a template with no
		// variable, as low in cardinality as any.
		template = pathOf(ri.URL)
	case c != nil:
		template = c.template
		// Every request of the call after its first is a resend, a
		// replay after a 401 as much as a retry (the conventions count
		// both), so the count is the call's, not the attempt's number.
		if n := c.sent.Add(1) - 1; n > 0 {
			attrs = append(attrs, semconv.HTTPRequestResendCount(int(n)))
		}
	}
	if template != "" {
		attrs = append(attrs, semconv.URLTemplate(template))
	}
	ctx, span := o.tracer.Start(ctx, spanName(m, template), trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(attrs...))
	if ri.SetHeader != nil {
		o.props.Inject(ctx, headerSetter(ri.SetHeader))
	}
	return ctx, func(e nitro.RequestEnd) {
		// A request cancelled while its call's caller waits on was ended by
		// the Client (see errorClass); a token request's context is the
		// token source's, and one outside any call is the caller's.
		callerGone := ri.Token || c == nil || c.caller.Err() != nil
		errType, failed := failure(e.StatusCode, e.Err, callerGone)
		if span.IsRecording() {
			endRequestSpan(span, e, errType, failed)
		}
		span.End()
		if o.inst.requestEnabled(ctx) {
			o.inst.recordRequest(ctx, e.Duration, requestMetricAttrs(m, template, ri, e, errType, failed))
		}
	}
}

// endRequestSpan sets what a request's end says on its span.
func endRequestSpan(span trace.Span, e nitro.RequestEnd, errType string, failed bool) {
	if e.StatusCode != 0 {
		span.SetAttributes(semconv.HTTPResponseStatusCode(e.StatusCode))
	}
	if !failed {
		return
	}
	span.SetAttributes(semconv.ErrorTypeKey.String(errType))
	desc := "" // the status code says it
	switch {
	case errors.Is(e.Err, context.Canceled):
		desc = "attempt timed out" // the Client ended it (see errorClass)
	case e.Err != nil:
		desc = e.Err.Error() // redacted by the Client
	}
	span.SetStatus(codes.Error, desc)
}

// headerSetter is a carrier that can only set: the Observer injects, and
// never reads a request's header.
type headerSetter func(key, value string)

func (h headerSetter) Get(string) string     { return "" }
func (h headerSetter) Keys() []string        { return nil }
func (h headerSetter) Set(key, value string) { h(key, value) }
