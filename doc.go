// Package nitro is the core of a Go client for Nitro's public APIs
// (https://api.gonitro.dev): the configuration, the OAuth 2.0 token, retries,
// the connection pool and the error every API call returns. Each API is a
// package built on a Client: package sign for Nitro Sign (envelopes,
// documents, participants, fields, sending for signature, sealed downloads).
//
//	nc, err := nitro.NewClient(nitro.Config{ClientID: id, ClientSecret: secret})
//	if err != nil {
//		return err
//	}
//	defer nc.Close()
//	s := sign.New(nc)
//
// Every call returns an *APIError for any answer that is not 2xx. Package
// auth holds the token flows (and auth/redisstore a token shared across
// replicas); package nitrotest is a fake Nitro server for tests.
//
// # Retries
//
// A Client retries what is safe to retry, up to Config.MaxRetries times (3
// by default: 4 attempts), with jittered exponential backoff from 0.5s up to
// 30s, or the delay a Retry-After asks for, and never past the caller's
// deadline. Nitro has no idempotency keys, so a POST or a PATCH is sent
// again only when the server cannot have carried it out:
//
//	method           answer                                   retried   if it still fails
//	any              429                                      yes       retryable
//	GET, PUT, DELETE 408, 5xx                                 yes       retryable
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
//	any              any other 4xx                            no        not done
//
// (*) a decoded answer; a download only if none of it reached the writer.
// A streamed upload (sign.Client.CreateDocument, pdf files) is never sent
// twice. An error after several attempts says how many ("after 4
// attempts: …"; APIError.Attempts).
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
