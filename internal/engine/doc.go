// Package engine is the runtime under nitro.Client: the retry loop and its
// attempts, each attempt's idle timeout (one timer per shard, not per
// call), the log line per attempt, per-call settings and the connection
// pool. It is mechanism only: what an attempt's answer or failure means,
// whether it may be sent again, and what error the caller gets are decided
// by the Policy its owner (package nitro) gives it, so the retry rule lives
// in one place, beside the vocabulary (nitro.Outcome) that names it.
//
// The stack a Client builds, top to bottom: Retry (attempts, timeouts,
// backoff), the auth layer (a token per attempt, one replay after a 401),
// Log (a debug line per attempt), then the caller's transport.
package engine
