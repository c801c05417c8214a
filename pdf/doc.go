// Package pdf is the typed client of Nitro PDF Services: conversions,
// transformations, extractions and generations, one call per tool, on the
// same nitro.Client (token, retries, connection pool) as package sign.
//
// Each tool's call (ConvertOfficeToPDF, Compress, Merge, ExtractTables, …)
// takes its file(s) and its parameters and returns a Request; the caller
// chooses how the answer comes back:
//
//   - JSON: synchronous, the tool's typed result (a FileResult with the
//     file's download URL, or an extraction's data);
//   - Stream: synchronous, the result's bytes copied to an io.Writer in
//     constant memory;
//   - Async: a Job, followed with Wait (polling with backoff) or Follow (the
//     Server-Sent Events status stream, with progress), then Result or
//     Download; or FollowDownload, the stream then the bytes in one request.
//
// Files are streamed as multipart parts, never held in memory whole. Files
// whose known sizes add up to more than the API's 100 MB request limit are
// staged first (Stage: uploaded to a pre-signed URL Nitro hands out, and
// sent as a RemoteFile). A Request is sent once (ErrRequestSent after) and,
// having a file body, never retried. WithDelivery uploads results to the
// caller's URLs and asks for a callback, which CallbackHandler receives.
//
// Each tool's parameters are a struct (EmptyParams and PDFCompressParams,
// for tools without options, are empty), so only documented options
// compile; conversion parameters' To may be left empty where the call
// implies it (ConvertOfficeToPDF and its siblings send "pdf", ConvertToPDFA
// "pdfa"). The parameter and result types are the generated models of
// package pdfapi, aliased here with their fields (go doc pdf.RedactParams).
//
// The wire is what Nitro's own clients send where its documents disagree
// (extract-invoices, rotate's pageIndex, params as a plain form field), and
// every answer shape they document is read: docs/wire-sources.md says which
// source each choice follows and what a live run has confirmed.
//
//	nc, err := nitro.NewClient(nitro.Config{ClientID: id, ClientSecret: secret})
//	if err != nil { … }
//	defer nc.Close()
//	pc := pdf.New(nc)
//	job, err := pc.ConvertOfficeToPDF(pdf.File{Name: "q3.docx", ContentType: docx, Body: f, Size: size}, pdf.ConversionParams{}).Async(ctx)
//	if err != nil { … }
//	_, err = job.Follow(ctx, func(p float64) { log.Printf("%.0f%%", 100*p) })
//	if err != nil { … } // a *pdf.JobError, ErrJobCanceled, ErrJobExpired, …
//	_, err = job.Download(ctx, out)
//
// Any non-2xx answer of the API is an *nitro.APIError (errors.As); a 413 is
// also ErrTooLarge, and a job's 410 ErrJobExpired. (A staged upload's PUT
// goes to the storage host a pre-signed URL names, not the API: its
// refusal is a plain error naming the status.) Every string the server chose
// that this package puts in an error or a printed form (a failed job's type
// and title, a status, a job's ID and Location) passes through the
// nitro.Client's redactor. (The request path an *nitro.APIError or an
// answer's decoding error names, a job's ID in it, is the nitro package's
// text, not redacted yet.) A Client, Job or Request
// not made by New, Request.Async, ResumeJob or a tool call answers
// ErrNoClient, never a panic; a nil context is ErrNilContext, a nil writer
// ErrNilWriter, and a nil or nil-pointer File Body ErrInvalidFile, each
// before anything is sent.
package pdf
