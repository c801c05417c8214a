package conformance

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"slices"
	"strings"

	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/pdf"
)

// The probes: each settles an item Nitro's sources leave open
// (docs/wire-sources.md) by what the target answers, and records it as a
// finding. A probe passes when it could observe; what it observed is data,
// for the summary, not a verdict.
func probeScenarios() []scenario {
	return []scenario{
		{"probe: the synchronous file result's wrapper", func(ctx context.Context, r *runner) error {
			if _, err := r.pdf.Compress(onePagePDF(), pdf.PDFCompressParams{}).JSON(ctx); err != nil {
				return err
			}
			return r.topKeys("sync file result (result-wrapped or bare)", "POST", "/transformations")
		}},
		{"probe: the unwrapped extractions' synchronous shape", func(ctx context.Context, r *runner) error {
			if _, err := r.pdf.ExtractFillableFormData(onePagePDF(), pdf.ExtractFillableFormDataParams{}).JSON(ctx); err != nil {
				return err
			}
			if err := r.topKeys("extract-fillable-form-data sync shape", "POST", "/extractions"); err != nil {
				return err
			}
			if _, err := r.pdf.SmartDetectFormFields(onePagePDF(), pdf.EmptyParams{}).JSON(ctx); err != nil {
				r.found("smart-detect-form-fields sync shape", "the call failed: %s", firstLine(err.Error()))
				return nil
			}
			return r.topKeys("smart-detect-form-fields sync shape", "POST", "/extractions")
		}},
		{"probe: the asynchronous answer and the status events", func(ctx context.Context, r *runner) error {
			job, err := r.pdf.Compress(onePagePDF(), pdf.PDFCompressParams{}).Async(ctx)
			if err != nil {
				return err
			}
			if ex := r.rec.find("POST", "/transformations"); ex != nil {
				body, _ := ex.RespBody.snapshot()
				r.found("async answer", "%d, Location %s, body keys %s", ex.Status, present(ex.RespHeader.Get("Location")), keysOf(body))
			}
			ctx, cancel := context.WithTimeout(ctx, r.cfg.JobWait)
			defer cancel()
			if _, err := job.Follow(ctx, nil); err != nil {
				return err
			}
			ex := r.rec.find("GET", "/jobs/"+job.ID+"/status")
			if ex == nil {
				return errors.New("the status stream was not recorded")
			}
			body, _ := ex.RespBody.snapshot()
			r.found("status events", "%s", eventShapes(body))
			return nil
		}},
		{"probe: a running job's result", func(ctx context.Context, r *runner) error {
			job, err := r.pdf.OCR(twoPagePDF(), pdf.PDFOCRParams{}).Async(ctx)
			if err != nil {
				return err
			}
			resp, err := r.pdf.Raw().GetJobResult(ctx, job.ID)
			var apiErr *nitro.APIError
			switch {
			case errors.As(err, &apiErr):
				r.found("running job's result", "%d %s", apiErr.StatusCode, apiErr.Title)
			case err != nil:
				return err
			default:
				var st struct{ Status string }
				_ = json.NewDecoder(resp.Body).Decode(&st)
				resp.Body.Close()
				r.found("running job's result", "%d with status %q (a job that finished already says nothing)", resp.StatusCode, st.Status)
			}
			ctx, cancel := context.WithTimeout(ctx, r.cfg.JobWait)
			defer cancel()
			_, err = job.Wait(ctx)
			return err
		}},
		{"probe: the invoice method", func(ctx context.Context, r *runner) error {
			for _, method := range []string{"extract-invoices", "extract-expense-data"} {
				r.found("invoice method "+method, "%s", r.raw(ctx, "/extractions", method, "", `{}`))
			}
			return nil
		}},
		{"probe: rotate's page key", func(ctx context.Context, r *runner) error {
			// Page 7 of a one-page PDF: the key the API reads is range
			// checked, the one it does not read is ignored or missing.
			for _, key := range []string{"pageIndex", "page_index"} {
				r.found("rotate key "+key, "page 7 of 1: %s", r.raw(ctx, "/transformations", "rotate", "", `{"rotations":[{"`+key+`":7,"amount":90}]}`))
			}
			return nil
		}},
		{"probe: unconfirmed method values", func(ctx context.Context, r *runner) error {
			r.found("method smart-detect-form-fields", "%s", r.raw(ctx, "/extractions", "smart-detect-form-fields", "", `{}`))
			r.found("method create-fillable-forms", "%s", r.raw(ctx, "/generations", "create-fillable-forms", "",
				`{"formFields":[{"name":"n","fieldType":"TextBox","pageIndex":0,"boundingBox":[72,100,200,20]}]}`))
			return nil
		}},
		{"probe: the params part's encoding", func(ctx context.Context, r *runner) error {
			for _, ct := range []string{"", "application/json"} {
				r.found("params part typed "+present(ct), "%s", r.raw(ctx, "/transformations", "flatten", ct, `{}`))
			}
			return nil
		}},
	}
}

func present(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// raw sends a one-file PDF Services request by hand (a wire the typed
// client does not send) and says how the API answered.
func (r *runner) raw(ctx context.Context, endpoint, method, paramsType, params string) string {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("method", method)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="params"`)
	if paramsType != "" {
		h.Set("Content-Type", paramsType)
	}
	pw, _ := mw.CreatePart(h)
	_, _ = pw.Write([]byte(params))
	fw, _ := mw.CreatePart(textproto.MIMEHeader{"Content-Disposition": {`form-data; name="file"; filename="conformance.pdf"`}, "Content-Type": {"application/pdf"}})
	_, _ = fw.Write(pdfBytes(docText))
	_ = mw.Close()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.nc.BaseURL()+endpoint, &body)
	if err != nil {
		return err.Error()
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Accept", "application/json")
	resp, err := r.nc.Do(req)
	var apiErr *nitro.APIError
	switch {
	case errors.As(err, &apiErr):
		why := firstLine(apiErr.Detail)
		for _, k := range slices.Sorted(maps.Keys(apiErr.ValidationErrors)) {
			why += fmt.Sprintf("; %s: %s", k, apiErr.ValidationErrors[k])
		}
		return fmt.Sprintf("refused, %d %s: %s", apiErr.StatusCode, apiErr.Title, why)
	case err != nil:
		return "no answer: " + firstLine(err.Error())
	}
	resp.Body.Close()
	return fmt.Sprintf("accepted, %d", resp.StatusCode)
}

// topKeys records the top-level keys of the last answer to method path.
func (r *runner) topKeys(item, method, path string) error {
	ex := r.rec.find(method, path)
	if ex == nil {
		return fmt.Errorf("no %s %s recorded", method, path)
	}
	body, _ := ex.RespBody.snapshot()
	r.found(item, "top-level keys %s", keysOf(body))
	return nil
}

// keysOf is a JSON object's keys, sorted, as far as its first bytes show
// them.
func keysOf(body []byte) string {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		return "(not one JSON object: " + present(string(bytes.TrimSpace(body[:min(len(body), 40)]))) + ")"
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return "[" + strings.Join(keys, " ") + "]"
}

// eventShapes describes a status stream's events: each one's event name
// and data keys, and the statuses.
func eventShapes(stream []byte) string {
	var out []string
	name := ""
	sc := bufio.NewScanner(bytes.NewReader(stream))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "event:"):
			name = strings.TrimSpace(strings.TrimPrefix(line, "event:"))
		case strings.HasPrefix(line, "data:"):
			data := []byte(strings.TrimSpace(strings.TrimPrefix(line, "data:")))
			var st struct{ Status string }
			_ = json.Unmarshal(data, &st)
			out = append(out, fmt.Sprintf("event %s, status %s, keys %s", present(name), present(st.Status), keysOf(data)))
			name = ""
		}
	}
	if len(out) == 0 {
		return "no event in the stream's first bytes"
	}
	return strings.Join(out, "; ")
}
