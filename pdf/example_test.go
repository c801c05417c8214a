package pdf_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/nitrokit/nitro/pdf"
)

// Receive Nitro's callback for an asynchronous job: the header and value
// given to Delivery.Callback are checked in constant time.
func ExampleCallbackHandler() {
	h := pdf.CallbackHandler("X-Callback-Secret", "s3cr3t", func(cb pdf.JobCallback) {
		fmt.Println("job", cb.JobID, "started; status at", cb.Location)
	})
	// What Nitro sends, given
	// pdf.Delivery{Callback: &pdf.Callback{URL: …, Header: http.Header{"X-Callback-Secret": {"s3cr3t"}}}}:
	req := httptest.NewRequest(http.MethodPost, "/nitro/callback", strings.NewReader(`{"jobID":"job-1","location":"/jobs/job-1/status"}`))
	req.Header.Set("X-Callback-Secret", "s3cr3t")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	fmt.Println(rec.Code)
	// Output:
	// job job-1 started; status at /jobs/job-1/status
	// 204
}
