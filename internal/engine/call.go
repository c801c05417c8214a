package engine

import (
	"context"
	"net/http"
	"time"
)

// Call is one call's settings, from its per-call options (nitro.CallOption):
// they travel in the call's context (WithCall), so that every layer, and the
// code that reads the answer, finds them without a parameter of its own. A
// call without options has none, and costs nothing for it.
type Call struct {
	// Header is set on every attempt's request (checked by the option
	// that made it).
	Header http.Header
	// MaxRetries bounds the call's retries; negative: the Client's.
	MaxRetries int
	// Timeout is each attempt's idle timeout; 0: the Client's.
	Timeout time.Duration
	// Idempotent says the caller knows the request is safe to repeat,
	// whatever its method.
	Idempotent bool
	// Err is an option's refusal: the call fails with it before sending.
	Err error
	// OnResponse is told each answer the call ends with (2xx or not), and
	// OnBody the body of a JSON answer as it was decoded; nil for none.
	OnResponse func(resp *http.Response, attempts int)
	OnBody     func(body []byte)
	// OnFailure is told a failure with no answer, and the attempts made.
	OnFailure func(err error, attempts int)
}

// NewCall returns settings that change nothing.
func NewCall() *Call { return &Call{MaxRetries: -1} }

type callKey struct{}

// WithCall returns ctx carrying c.
func WithCall(ctx context.Context, c *Call) context.Context {
	return context.WithValue(ctx, callKey{}, c)
}

// CallOf returns the settings ctx carries, or nil.
func CallOf(ctx context.Context) *Call {
	c, _ := ctx.Value(callKey{}).(*Call)
	return c
}

// CallOfResponse returns the settings of the call resp answers, or nil. An
// answer of the Retry's names its attempt's request, whose context is the
// attempt or derived from it: the attempt answers CallOf itself, so no
// answer pays a walk up the caller's context chain, options or none.
func CallOfResponse(resp *http.Response) *Call {
	if resp == nil || resp.Request == nil {
		return nil
	}
	return CallOf(resp.Request.Context())
}
