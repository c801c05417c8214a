package auth

import (
	"context"
	"reflect"
	"time"
)

// detached is the context a shared token fetch runs under: none of the
// caller's deadline or cancellation (the fetch serves every waiter, and has
// its own timeout), and all of the caller's values except its HTTP tracing.
//
// Values that pass: everything a caller put in its context, such as
// OpenTelemetry spans and baggage, request ids and logger fields, so the
// token request is attributed to the call that caused it.
//
// Values that do not: the net/http/httptrace ClientTrace and the internal
// net trace that httptrace.WithClientTrace installs beside it. A caller's
// trace is written for its API request; on the token request its hooks would
// see the token request's headers (Basic credentials included) and fire its
// WroteHeaders or GotConn callbacks for the wrong request. They are found by
// their key's package, as both key types are unexported. Hiding them is the
// only way: httptrace.WithClientTrace with an empty trace composes with the
// parent's hooks, so they would still fire.
type detached struct{ parent context.Context }

// detach returns ctx's values without its cancellation or tracing. The
// parent is first passed through context.WithoutCancel, whose Value also
// hides the context package's own cancellation lookups, so nothing derived
// from the result can find the caller's cancellation either.
func detach(ctx context.Context) context.Context { return detached{context.WithoutCancel(ctx)} }

func (detached) Deadline() (time.Time, bool) { return time.Time{}, false }
func (detached) Done() <-chan struct{}       { return nil }
func (detached) Err() error                  { return nil }

func (c detached) Value(key any) any {
	if t := reflect.TypeOf(key); t != nil {
		switch t.PkgPath() {
		case "net/http/httptrace", "internal/nettrace":
			return nil
		}
	}
	return c.parent.Value(key)
}

func (c detached) String() string { return "auth.detached" }
