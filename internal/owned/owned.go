// Package owned marks the requests this module builds for itself, whose
// header maps no caller holds, so that the transport stack may write into
// such a map instead of copying it first: on the hot path, a header map is
// a third of what a call allocates beyond bare net/http.
package owned

import "context"

type key struct{}

// Context returns ctx marked: a request made with it, and then handed to
// the transport stack, has a header map that nothing else holds or reads.
// Mark only a context made for one such request; a context that goes on to
// build other requests would mark them too.
func Context(ctx context.Context) context.Context { return context.WithValue(ctx, key{}, true) }

// Is reports whether ctx carries the mark.
func Is(ctx context.Context) bool {
	v, _ := ctx.Value(key{}).(bool)
	return v
}
