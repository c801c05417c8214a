package nitrotest_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/textproto"
	"testing"

	"github.com/nitrokit/nitro/gen/pdfapi"
	"github.com/nitrokit/nitro/nitrotest"
)

// TestGeneratedPDFClientReadsTheFake: the generated PDF client (the typed
// client's base) decodes the fake's answers into its types: a synchronous
// file result, an extraction, a job and its status and result unions.
func TestGeneratedPDFClientReadsTheFake(t *testing.T) {
	srv := nitrotest.NewServer(nitrotest.WithJobDuration(-1))
	defer srv.Close()
	c, err := pdfapi.NewClientWithResponses(srv.URL(), pdfapi.WithRequestEditorFn(newSource(t, srv).RequestEditor))
	must(t, err)
	ctx := context.Background()
	body := func(method string) (string, *bytes.Buffer) {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		_ = mw.WriteField("method", method)
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="file"; filename="doc.pdf"`)
		h.Set("Content-Type", "application/pdf")
		w, _ := mw.CreatePart(h)
		_, _ = w.Write(pagedPDF(docText, 1))
		_ = mw.Close()
		return mw.FormDataContentType(), &b
	}

	ct, b := body("flatten")
	tr, err := c.TransformDocumentWithBodyWithResponse(ctx, nil, ct, b)
	must(t, err)
	if tr.JSON200 == nil {
		t.Fatalf("TransformDocument: %d %s", tr.StatusCode(), tr.Body)
	}
	if f, err := tr.JSON200.Result.AsPlatformOperationFileResult(); err != nil || f.File.ContentType != "application/pdf" || f.File.Metadata.PageCount != 1 {
		t.Errorf("file result %+v (%v)", f, err)
	}

	ct, b = body("extract-text")
	ex, err := c.ExtractFromDocumentWithBodyWithResponse(ctx, nil, ct, b)
	must(t, err)
	if ex.JSON200 == nil {
		t.Fatalf("ExtractFromDocument: %d %s", ex.StatusCode(), ex.Body)
	}
	if txt, err := ex.JSON200.AsPlatformResponseText(); err != nil || txt.Result != docText {
		t.Errorf("text %+v (%v)", txt, err)
	}

	ct, b = body("compress")
	async := pdfapi.PreferHeaderRespondAsync
	job, err := c.TransformDocumentWithBodyWithResponse(ctx, &pdfapi.TransformDocumentParams{Prefer: &async}, ct, b)
	must(t, err)
	if job.JSON202 == nil {
		t.Fatalf("async TransformDocument: %d %s", job.StatusCode(), job.Body)
	}
	id := job.JSON202.JobID
	st, err := c.GetJobStatusWithResponse(ctx, id)
	must(t, err)
	if d, err := st.JSON200.Discriminator(); err != nil || d != "running" {
		t.Errorf("status %s: %q (%v)", st.Body, d, err)
	}
	must(t, srv.CompleteJob(id))
	res, err := c.GetJobResultWithResponse(ctx, id)
	must(t, err)
	if res.JSON200 == nil {
		t.Fatalf("GetJobResult: %d %s", res.StatusCode(), res.Body)
	}
	done, err := res.JSON200.AsJobCompleted()
	must(t, err)
	var file pdfapi.PlatformResponse_Result
	must(t, file.UnmarshalJSON(done.Result))
	if f, err := file.AsPlatformOperationFileResult(); err != nil || f.File.URL == "" {
		t.Errorf("job result %s (%v)", done.Result, err)
	}
	must(t, srv.ExpireJob(id))
	if gone, err := c.GetJobResultWithResponse(ctx, id); err != nil || gone.ApplicationProblemJSON410 == nil {
		t.Errorf("expired: %v %v", gone.StatusCode(), err)
	}
}
