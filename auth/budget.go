package auth

import "context"

// singleAttemptKey marks a context whose caller owns the retry budget.
type singleAttemptKey struct{}

// SingleAttempt returns a context that tells the Source the caller owns the
// retry budget: a token fetch that this caller starts (because no valid
// token is cached) makes exactly one token request, with no retries inside,
// and its failure comes back at once for the caller's layer to judge with
// IsRetryable and Error.RetryAfter. An API client's retry loop uses it on
// every attempt, so that one API call costs at most one token request per
// API attempt instead of one per attempt times WithRetryBudget.
//
// The contract, in full:
//   - A foreground fetch (a caller waits for it) makes one attempt if the
//     caller that started it passed a SingleAttempt context, else up to
//     WithRetryBudget attempts with backoff; both are bounded by
//     WithFetchTimeout. Callers that join a fetch already running share it,
//     whatever their contexts say: single-flight wins over the marker.
//   - A background refresh-ahead is never a caller's: it keeps its own
//     budget (WithRetryBudget attempts per try, tries rescheduled with
//     backoff until the token expires), since a failed early refresh is no
//     outage and nobody waits for it.
//   - Permanent failures are remembered briefly (a few seconds) whatever the
//     marker, so a retry loop that ignores IsRetryable still cannot hammer
//     the endpoint with a wrong secret.
func SingleAttempt(ctx context.Context) context.Context {
	return context.WithValue(ctx, SingleAttemptKey, true)
}

// SingleAttemptKey is the context key SingleAttempt sets, to true. A layer
// that already builds a context.Context of its own per attempt (an API
// client's retry loop) can answer it from its Value method instead of
// wrapping the caller's context once more, which costs an allocation per
// call.
var SingleAttemptKey any = singleAttemptKey{}

// attemptsFor is how many token requests a fetch under ctx may make. The
// marker reaches the fetch because the detached context keeps values.
func (s *Source) attemptsFor(ctx context.Context) int {
	if one, _ := ctx.Value(SingleAttemptKey).(bool); one {
		return 1
	}
	return s.opts.maxAttempts
}
