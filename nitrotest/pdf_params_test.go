package nitrotest_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/nitrokit/nitro/nitrotest"
)

// TestParamsPartInEveryEncoding: params (and delivery) are read whatever
// the part's Content-Type: none (a plain form field, as every Nitro client
// sends it), text/plain, or application/json.
func TestParamsPartInEveryEncoding(t *testing.T) {
	srv := nitrotest.NewServer()
	defer srv.Close()
	c := newPDFClient(t, srv)
	for _, ct := range []string{"", "text/plain", "text/plain; charset=utf-8", "application/json"} {
		params := part{form: "params", contentType: ct, body: []byte(`{"pageIndices":[1]}`)}
		delivery := part{form: "delivery", contentType: ct, body: []byte(`{}`)}
		b := read(t, c.post("/extractions", nil, text("method", "extract-text"), params, delivery, pdfFile(t)[0]), http.StatusOK)
		if !strings.Contains(string(b), docText) {
			t.Errorf("params typed %q: %s", ct, b)
		}
	}
	// Not JSON, whatever its type, is still a 400.
	read(t, c.post("/extractions", nil, text("method", "extract-text"), text("params", "pageIndices=1"), pdfFile(t)[0]), http.StatusBadRequest)
}

// TestConversionWithoutMethod: /conversions takes a request with no method
// part, as Nitro's MCP server sends it (params.to picks the conversion).
func TestConversionWithoutMethod(t *testing.T) {
	srv := nitrotest.NewServer()
	defer srv.Close()
	c := newPDFClient(t, srv)
	resp := c.post("/conversions", map[string]string{"Accept": "application/octet-stream"}, text("params", `{"to":"docx"}`), pdfFile(t)[0])
	if read(t, resp, http.StatusOK); resp.Header.Get("Content-Type") != docxCT {
		t.Errorf("a conversion without method answered %s", resp.Header.Get("Content-Type"))
	}
	// Other endpoints still need it.
	read(t, c.post("/transformations", nil, text("params", `{}`), pdfFile(t)[0]), http.StatusBadRequest)
}

// TestUnknownParamsKeysAreIgnored: every tool treats a key it does not know
// the same way, ignoring it (compress and merge did, set-properties and
// rotate refused it).
func TestUnknownParamsKeysAreIgnored(t *testing.T) {
	srv := nitrotest.NewServer()
	defer srv.Close()
	c := newPDFClient(t, srv)
	for _, tc := range toolCases {
		t.Run(tc.tool, func(t *testing.T) {
			withExtra := tc
			params := strings.TrimSpace(tc.params)
			if params == "" || params == "{}" {
				withExtra.params = `{"level":2}`
			} else {
				withExtra.params = `{"level":2,` + strings.TrimPrefix(params, "{")
			}
			read(t, c.post(tc.endpoint, nil, withExtra.parts(t)...), http.StatusOK)
		})
	}
}

// TestWireVariantsNitroDocuments: the older invoice method and the
// reference schema's rotate key reach the same tools as what Nitro's MCP
// server sends.
func TestWireVariantsNitroDocuments(t *testing.T) {
	srv := nitrotest.NewServer()
	defer srv.Close()
	c := newPDFClient(t, srv)
	for _, method := range []string{"extract-invoices", "extract-expense-data"} {
		if b := read(t, c.post("/extractions", nil, text("method", method), pdfFile(t)[0]), http.StatusOK); !strings.Contains(string(b), `"vendor_name"`) {
			t.Errorf("%s: %s", method, b)
		}
	}
	for _, key := range []string{"pageIndex", "page_index"} {
		read(t, c.post("/transformations", nil, text("method", "rotate"), text("params", `{"rotations":[{"`+key+`":2,"amount":90}]}`), pdfFile(t)[0]), http.StatusOK)
		b := read(t, c.post("/transformations", nil, text("method", "rotate"), text("params", `{"rotations":[{"`+key+`":3,"amount":90}]}`), pdfFile(t)[0]), http.StatusUnprocessableEntity)
		if !strings.Contains(string(b), "not in the document's 3 pages") {
			t.Errorf("%s 3 of 3 pages: %s", key, b)
		}
	}
	b := read(t, c.post("/transformations", nil, text("method", "rotate"), text("params", `{"rotations":[{"amount":90}]}`), pdfFile(t)[0]), http.StatusUnprocessableEntity)
	if !strings.Contains(string(b), "pageIndex") {
		t.Errorf("a rotation without its page: %s", b)
	}
	// Options newer than the spec: merge's table of contents, the tables'
	// pages.
	merged := read(t, c.post("/transformations", map[string]string{"Accept": "application/octet-stream"}, text("method", "merge"),
		text("params", `{"tableOfContents":{"enabled":true}}`), filePart("files", "a.pdf", "application/pdf", pagedPDF("A", 1)),
		filePart("files", "b.pdf", "application/pdf", pagedPDF("B", 1))), http.StatusOK)
	if !strings.Contains(string(merged), "contents 2: b.pdf") {
		t.Errorf("merged with a table of contents: %.300q", merged)
	}
	read(t, c.post("/extractions", nil, text("method", "extract-tables"), text("params", `{"pageIndices":[5]}`), pdfFile(t)[0]), http.StatusUnprocessableEntity)
}

// TestStatusEventsCarryWhatNitrosClientsRead: each event's data has its
// event name (the samples), the job's ID (the MCP server), progress while
// running, and the result's location once final (the MCP server reads the
// first final event, the samples the redirect).
func TestStatusEventsCarryWhatNitrosClientsRead(t *testing.T) {
	for _, end := range []string{"completed", "failed"} {
		t.Run(end, func(t *testing.T) {
			clock := newFakeClock()
			srv := nitrotest.NewServer(nitrotest.WithClock(clock.Now), nitrotest.WithJobDuration(-1))
			defer srv.Close()
			c := newPDFClient(t, srv)
			id := startJob(t, c)
			resp := c.get(srv.URL()+"/jobs/"+id+"/status", "text/event-stream")
			defer resp.Body.Close()
			sc := bufio.NewScanner(resp.Body)
			var events []map[string]any
			for sc.Scan() {
				if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
					var e map[string]any
					must(t, json.Unmarshal([]byte(data), &e))
					events = append(events, e)
					if len(events) == 1 {
						if end == "completed" {
							must(t, srv.CompleteJob(id))
						} else {
							must(t, srv.FailJob(id, "no"))
						}
					}
				}
			}
			if len(events) != 3 {
				t.Fatalf("events %v", events)
			}
			for i, e := range events {
				if e["jobID"] != id || e["event"] == nil {
					t.Errorf("event %d %v: want its event and jobID", i, e)
				}
				_, hasProgress := e["progress"]
				switch loc, _ := e["location"].(string); {
				case e["status"] == "running" && (!hasProgress || loc != ""):
					t.Errorf("running event %d %v: want progress (even 0), no location", i, e)
				case e["status"] != "running" && (e["status"] != end || loc != srv.URL()+"/jobs/"+id):
					t.Errorf("final event %d %v: want %s and the result's location", i, e, end)
				}
			}
		})
	}
}

// TestPDFPages: a PDF of several pages is read back by the fake with its
// page count and every page's text (split keeps a part per page group).
func TestPDFPages(t *testing.T) {
	srv := nitrotest.NewServer()
	defer srv.Close()
	c := newPDFClient(t, srv)
	r, n := nitrotest.PDFPages("first page", "second page")
	b, err := io.ReadAll(r)
	must(t, err)
	if int64(len(b)) != n || !bytes.HasPrefix(b, []byte("%PDF-1.4")) {
		t.Fatalf("%d bytes, said %d", len(b), n)
	}
	got := read(t, c.post("/extractions", nil, text("method", "extract-text"), filePart("file", "two.pdf", "application/pdf", b)), http.StatusOK)
	if !strings.Contains(string(got), `first page\nsecond page`) {
		t.Errorf("text %s", got)
	}
	// Page 1 (0-based) exists, page 2 does not.
	read(t, c.post("/transformations", nil, text("method", "delete-pages"), text("params", `{"pageIndices":[1]}`), filePart("file", "two.pdf", "application/pdf", b)), http.StatusOK)
	read(t, c.post("/transformations", nil, text("method", "delete-pages"), text("params", `{"pageIndices":[2]}`), filePart("file", "two.pdf", "application/pdf", b)), http.StatusUnprocessableEntity)
}

// TestOddParamsAreRefusedNotFailed: params of every odd shape (not an
// object, null members, wrong types, out of range) on the tools whose
// params this change reads anew (rotate's two keys, merge's table of
// contents, tables' pages, a conversion without a method) are a 4xx, never
// a 5xx or a dropped connection.
func TestOddParamsAreRefusedNotFailed(t *testing.T) {
	srv := nitrotest.NewServer()
	defer srv.Close()
	c := newPDFClient(t, srv)
	in := pdfFile(t)[0]
	for _, params := range []string{`[]`, `"x"`, `1`, `null`, `{`, "\x00", `{"rotations":[{}]}`, `{"rotations":[{"amount":90}]}`,
		`{"rotations":null}`, `{"rotations":[{"pageIndex":-1,"amount":90}]}`, `{"rotations":[{"page_index":"1","amount":90}]}`,
		`{"to":5}`, `{"tableOfContents":null}`, `{"tableOfContents":{"enabled":"x"}}`, `{"pageIndices":[-5]}`, `{"pageIndices":null}`} {
		for _, call := range []struct{ endpoint, method string }{
			{"/transformations", "rotate"}, {"/transformations", "merge"}, {"/extractions", "extract-tables"}, {"/conversions", ""},
		} {
			parts := []part{text("params", params), in}
			if call.method == "merge" {
				parts = []part{text("params", params), {form: "files", filename: "a.pdf", contentType: "application/pdf", body: in.body}, {form: "files", filename: "b.pdf", contentType: "application/pdf", body: in.body}}
			}
			if call.method != "" {
				parts = append([]part{text("method", call.method)}, parts...)
			}
			resp := c.post(call.endpoint, map[string]string{"Accept": "application/json"}, parts...)
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode >= 500 {
				t.Errorf("%s %s, params %q: %d", call.endpoint, call.method, params, resp.StatusCode)
			}
		}
	}
}
