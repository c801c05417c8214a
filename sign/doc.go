// Package sign is the client for the Nitro Sign API: envelopes, documents,
// participants, fields, sending for signature and sealed downloads.
//
//	nc, err := nitro.NewClient(nitro.Config{ClientID: id, ClientSecret: secret})
//	if err != nil {
//		return err
//	}
//	defer nc.Close()
//	s := sign.New(nc)
//	env, err := s.CreateEnvelope(ctx, sign.EnvelopeCreate{
//		Name: "Contract", Mode: sign.EnvelopeModeParallel,
//		Notification: sign.Notification{Subject: "Please sign", Body: "Thanks!"},
//	})
//
// Client has one method per operation of Nitro's API reference, named after
// its operationId (CreateEnvelope, ListSignerSigningUrls, …), generated from
// the spec: each returns the decoded answer as a value, streams a binary
// answer to an io.Writer, and returns an *nitro.APIError for any answer that
// is not 2xx. The models the methods reach are the spec's, aliased from the
// generated package gen/signapi with their fields, values and methods in
// their doc (go doc sign.EnvelopeCreate), so this is the only import a
// caller needs besides github.com/google/uuid (IDs are uuid.UUID);
// optional fields are plain values, except in PATCH bodies and optional
// query parameters, where nil means "leave unchanged" or "not sent"
// (nitro.Ptr makes one).
//
// A few methods are written by hand where the spec's shape needs it:
// CreateDocument streams a multipart upload; CreateParticipant and
// CreateField accept one or many and answer a list either way. Helpers add
// what no single operation does: ListEnvelopesAutoPaging (every page, lazily)
// and WaitForEnvelopeStatus (polling with backoff).
package sign
