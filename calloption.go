package nitro

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/nitrokit/nitro/internal/engine"
)

// CallOption changes one call: every typed method of the API packages takes
// them last (s.GetEnvelope(ctx, id, nitro.WithHeader("X-Trace", t))), and
// CallContext puts them on a context for Client.Do and the raw clients. A
// call without options costs nothing for them.
//
// An option that cannot apply (a header the stack owns, a negative
// timeout) fails the call with an *OptionError before anything is sent.
type CallOption interface {
	apply(*engine.Call) error
}

type callOption func(*engine.Call) error

func (f callOption) apply(c *engine.Call) error { return f(c) }

// OptionError is a CallOption that cannot apply; the call it was given to
// sent nothing.
type OptionError struct {
	Option string
	Reason string
}

func (e *OptionError) Error() string { return "nitro: " + e.Option + ": " + e.Reason }

// CallContext returns ctx carrying opts, for a call through Client.Do or a
// raw client (sign.Client.Raw): the typed methods call it themselves. With
// no options it returns ctx itself, and a nil ctx as it is, for the call to
// refuse. Options given to a call made under a context that already carries
// some are applied after them.
func CallContext(ctx context.Context, opts ...CallOption) context.Context {
	if len(opts) == 0 || ctx == nil {
		return ctx
	}
	c := engine.NewCall()
	if outer := engine.CallOf(ctx); outer != nil {
		*c = *outer
		c.Header = outer.Header.Clone()
	}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o.apply(c); err != nil && c.Err == nil {
			c.Err = err
		}
	}
	return engine.WithCall(ctx, c)
}

// ownedHeaders are the fields the stack sets itself: a call may not
// replace them, for they carry the token, frame the body, or name the host.
var ownedHeaders = map[string]bool{
	"Authorization": true, "Host": true, "Content-Length": true,
	"Content-Type": true, "Transfer-Encoding": true, "Connection": true,
}

// WithHeader sets a header field on the call's request, every attempt
// included (an X-Correlation-Id, a feature flag the API reads). It replaces
// a field of the same name the request would have had. The fields the
// stack owns (Authorization, Host, Content-Length, Content-Type,
// Transfer-Encoding, Connection), a name that is not an HTTP token, and a
// value with a control character are refused.
func WithHeader(key, value string) CallOption {
	return callOption(func(c *engine.Call) error {
		name := http.CanonicalHeaderKey(key)
		switch {
		case !validHeaderName(key):
			return &OptionError{"WithHeader", fmt.Sprintf("%q is not a header name", key)}
		case ownedHeaders[name]:
			return &OptionError{"WithHeader", name + " is set by the Client itself"}
		case !validHeaderValue(value):
			return &OptionError{"WithHeader", name + "'s value holds a control character (a line break, a NUL, …), which net/http refuses"}
		}
		if c.Header == nil {
			c.Header = make(http.Header, 1)
		}
		c.Header[name] = []string{value}
		return nil
	})
}

// validHeaderValue reports whether v is a field value net/http sends: no
// control character but a tab (RFC 9110 5.5).
func validHeaderValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; (c < ' ' && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}

// validHeaderName reports whether s is a token (RFC 9110 5.1).
func validHeaderName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r >= 0x7f || r <= ' ' || strings.ContainsRune(`"(),/:;<=>?@[\]{}`, r) {
			return false
		}
	}
	return true
}

// WithMaxRetries sets how many times the call may be retried (0: never),
// in place of Config.MaxRetries; at most 20.
func WithMaxRetries(n int) CallOption {
	return callOption(func(c *engine.Call) error {
		if n < 0 || n > 20 {
			return &OptionError{"WithMaxRetries", fmt.Sprintf("%d is outside 0 to 20", n)}
		}
		c.MaxRetries = n
		return nil
	})
}

// WithAttemptTimeout bounds each of the call's attempts as Config.Timeout
// does (until the answer's headers, then each wait for more of its body),
// in place of it. The whole call is bounded by ctx's deadline, as ever.
func WithAttemptTimeout(d time.Duration) CallOption {
	return callOption(func(c *engine.Call) error {
		if d <= 0 {
			return &OptionError{"WithAttemptTimeout", fmt.Sprintf("%v is not positive", d)}
		}
		c.Timeout = d
		return nil
	})
}

// WithIdempotent says the call is safe to repeat, whatever its method: the
// caller knows that doing it twice is doing it once (a POST whose effect
// the caller checks for, a PATCH that sets absolute values). The Client may
// then retry it where it may have reached the server (a timeout after it
// was sent, a 5xx), which it never does for a POST or PATCH otherwise, and
// its failures say OutcomeRetryable rather than OutcomeUnknown.
func WithIdempotent() CallOption {
	return callOption(func(c *engine.Call) error {
		c.Idempotent = true
		return nil
	})
}

// errNilResponse is WithResponse(nil)'s refusal.
var errNilResponse = errors.New("nil *Response")

// WithResponse fills r with what the call's last answer said (status,
// header, request ID, attempts, and the body of a JSON answer), on success
// as on failure; after a failure with no answer, only Attempts. See
// Response.
func WithResponse(r *Response) CallOption {
	return callOption(func(c *engine.Call) error {
		if r == nil {
			return &OptionError{"WithResponse", errNilResponse.Error()}
		}
		*r = Response{} // a reused Response says nothing of an earlier call
		c.OnResponse = r.fromAnswer
		c.OnBody = r.fromBody
		c.OnFailure = r.fromFailure
		return nil
	})
}
