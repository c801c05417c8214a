// Package nitro is the vocabulary of a Go client for Nitro's public APIs
// (https://api.gonitro.dev): the configuration (Config, ConfigFromEnv), the
// Client every API package builds on, the options of one call (CallOption),
// what an answer said (Response) and the error every call returns
// (APIError, Outcome). Each API is a package built on a Client: package sign
// for Nitro Sign (envelopes, documents, participants, fields, sending for
// signature, sealed downloads), package pdf for Nitro PDF Services.
//
//	cfg, err := nitro.ConfigFromEnv() // NITRO_CLIENT_ID, NITRO_CLIENT_SECRET, …
//	if err != nil {
//		return err
//	}
//	nc, err := nitro.NewClient(cfg)
//	if err != nil {
//		return err
//	}
//	defer nc.Close()
//	s := sign.New(nc)
//
// Every call returns an *APIError for any answer that is not 2xx. Package
// auth holds the token flows (and auth/redisstore a token shared across
// replicas); package nitrotest is a fake Nitro server for tests; module
// github.com/nitrokit/nitro/otel traces and measures calls (see Observer).
//
// # One call
//
// Every typed method takes CallOptions last: WithHeader, WithMaxRetries,
// WithAttemptTimeout, WithIdempotent (the call is safe to repeat whatever
// its method) and WithResponse (fill a Response with the status, header,
// request ID, attempts and raw JSON of the answer the call ended with, on
// success as on failure). CallContext puts them on a context, for the raw
// clients and Client.Do.
//
// # Retries
//
// A Client retries what is safe to retry, up to Config.MaxRetries times (3
// by default: 4 attempts; WithMaxRetries for one call), with jittered
// exponential backoff from 0.5s up to 30s (Config.Retry's BaseDelay and
// MaxDelay), or the delay a Retry-After asks for, up to
// Config.Retry.MaxRetryAfter (a minute; a longer one ends the call with that
// answer), and never past the caller's deadline. Nitro has no idempotency
// keys, so a POST or a PATCH is sent again only when the server cannot have
// carried it out, or when the caller says the call is idempotent
// (WithIdempotent: then it is retried, and fails, as a PUT is):
//
//	method           answer                                   retried   if it still fails
//	any              429 (Retry-After within MaxRetryAfter)   yes       retryable
//	GET, PUT, DELETE 408, 5xx (or any WithIdempotent call)    yes       retryable
//	POST, PATCH      408, 5xx                                 no        outcome unknown
//	GET, PUT, DELETE none (connection lost, attempt timeout)  yes       retryable
//	POST, PATCH      none, before the request was sent        yes       retryable
//	POST, PATCH      none, after the request was sent         no        outcome unknown
//	GET              2xx whose body breaks off                yes (*)   retryable
//	POST, PATCH      2xx whose body breaks off                no        outcome unknown
//	DELETE           gone (404, 410, "already deleted"), after
//	                 an attempt that may have deleted it      no        success
//	any              401                                      once, with a new token: not done
//	any              token endpoint unavailable               yes       retryable
//	any              token endpoint refuses the credentials   no        not done
//	any              any other 4xx                            no (**)   not done (***)
//
// (*) a decoded answer; a download only if none of it reached the writer.
// (**) unless Config.Retry.ShouldRetry allows it. (***) outcome unknown
// after an earlier attempt that may have been carried out (a PUT answered
// 502, then refused with 409: already cancelled).
// A streamed upload (sign.Client.CreateDocument, pdf files) is never sent
// twice. An error after several attempts says how many ("after 4
// attempts: …"; APIError.Attempts). Config.Retry.ShouldRetry sees each
// failed attempt and what the Client would do: it may refuse any retry and
// allow one the table does not make, but never repeat what may have been
// carried out.
//
// # What a failure means
//
// OutcomeOf reads every error a call returns as one of three outcomes:
// OutcomeNotDone (fix the cause: the input, the credentials), OutcomeRetryable
// (safe to send again later; the Client already did, within its budget), or
// OutcomeUnknown (also errors.Is(err, ErrOutcomeUnknown)): the request
// reached the server and may have been carried out. Reconcile before you
// repeat such a call: look for what it would have made (list the envelopes
// and find the one by the name you gave it; list an envelope's participants
// and find yours by e-mail), then carry on from what you find.
package nitro
