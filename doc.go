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
package nitro
