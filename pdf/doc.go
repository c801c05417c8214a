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
//     Download.
//
// Files are streamed as multipart parts, never held in memory whole, and a
// request over the API's 100 MB limit is refused before it is sent when the
// files' sizes are known. A request with a file body is never retried (it
// cannot be sent twice). WithDelivery uploads results to the caller's URLs
// and asks for a callback, which CallbackHandler receives.
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
// Any non-2xx answer is an *nitro.APIError (errors.As); a 413 is also
// ErrTooLarge, and a job's 410 ErrJobExpired.
package pdf
