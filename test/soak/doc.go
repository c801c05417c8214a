// Package soak holds the fault soak, a test only: 32 workers run whole
// signing and PDF flows through one nitro.Client while random faults hit
// random operations and the token endpoint, on the fake (nitrotest) and
// behind a proxy that loses answers after the fake acted (internal/testkit/lossy).
// Each worker handles every failure by what its error says (nitro.OutcomeOf):
// retryable, it tries again; unknown, it reconciles (looks for what the
// call would have made) before trying again; not done is a failure of the
// soak, whose inputs are all valid. The soak checks that nothing is lost
// or duplicated, that every failure says one of the three outcomes and
// says it truly (a create that says not done or retryable made nothing),
// and that no error holds a secret.
//
// `make test` runs it for a few seconds; `NITRO_SOAK=3m make test`, or
// `go test ./test/soak -soak 3m`, runs it longer and logs its figures
// (`-v`).
package soak
