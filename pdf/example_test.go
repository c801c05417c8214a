package pdf_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/nitrotest"
	"github.com/nitrokit/nitro/pdf"
)

// A job started on one replica and finished on another: replica A starts
// it and asks for a callback; Nitro calls back replica B (whichever
// instance the load balancer picks), whose handler picks the job up by its
// ID alone (ResumeJob) and waits for its result. The header and value given
// to Delivery.Callback are checked in constant time.
func ExampleCallbackHandler() {
	fake := nitrotest.NewServer(nitrotest.WithJobDuration(100 * time.Millisecond))
	defer fake.Close()
	creds := fake.Credentials()
	replica := func() (*pdf.Client, func() error) {
		nc, err := nitro.NewClient(nitro.Config{ClientID: creds.ClientID, ClientSecret: creds.ClientSecret, BaseURL: fake.URL()})
		if err != nil {
			log.Fatal(err)
		}
		return pdf.New(nc), nc.Close
	}
	ctx := context.Background()

	// Replica B: its callback endpoint resumes the job it is told of.
	b, closeB := replica()
	defer closeB()
	results := make(chan string, 1)
	h, err := pdf.CallbackHandler("X-Callback-Secret", "s3cr3t", func(cb pdf.JobCallback) {
		go func() { // the handler returns at once; the job is a worker's
			job, err := pdf.ResumeJob[pdf.PlatformResponseText](b, cb.JobID)
			if err == nil {
				var res pdf.PlatformResponseText
				if res, err = job.Wait(ctx); err == nil {
					results <- res.Result
					return
				}
			}
			results <- err.Error()
		}()
	})
	if err != nil {
		log.Fatal(err)
	}
	callbacks := httptest.NewServer(h)
	defer callbacks.Close()

	// Replica A: starts the job, asks for the callback, and moves on.
	a, closeA := replica()
	defer closeA()
	in, size := nitrotest.PDF("Invoice 42", 0)
	_, err = a.ExtractText(pdf.File{Name: "invoice.pdf", ContentType: "application/pdf", Body: in, Size: size}, pdf.ExtractTextParams{}).
		WithDelivery(pdf.Delivery{Callback: &pdf.Callback{URL: callbacks.URL, Header: http.Header{"X-Callback-Secret": {"s3cr3t"}}}}).
		Async(ctx)
	if err != nil {
		log.Fatal(err)
	}

	fmt.Println("replica B read:", <-results)
	// Output:
	// replica B read: Invoice 42
}
