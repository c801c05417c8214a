package pdf_test

import (
	"bufio"
	"context"
	"errors"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/internal/testkit/flowtest"
	"github.com/nitrokit/nitro/nitrotest"
	"github.com/nitrokit/nitro/pdf"
)

// TestUploadIsNeverRetried: a 503, which the stack retries for a
// rewindable request, reaches the caller of a streamed upload after one
// attempt.
func TestUploadIsNeverRetried(t *testing.T) {
	srv, _, c := onFake(t) // MaxRetries 1
	flowtest.Must(t, srv.InjectFault(nitrotest.Operation("TransformDocument"), 2, nitrotest.Fault{Status: http.StatusServiceUnavailable, RetryAfter: "0"}))
	_, err := c.Compress(textPDF("a.pdf", "a"), pdf.PDFCompressParams{}).JSON(context.Background())
	var apiErr *nitro.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("err %v", err)
	}
	if n := srv.Stats().Operations["TransformDocument"]; n != 1 {
		t.Fatalf("%d attempts of a streamed upload", n)
	}
}

// TestToolTableMatchesTheDoc: every row of docs/pdf-services-tools.md's
// tool table has its typed call, on its endpoint with its method value
// (and params.to for conversions), and no call is without a row.
func TestToolTableMatchesTheDoc(t *testing.T) {
	fh, err := os.Open("../docs/pdf-services-tools.md")
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	type row struct{ path, method, to string }
	doc := map[string]row{}
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		cells := strings.Split(strings.ReplaceAll(sc.Text(), `\|`, "/"), "|") // an escaped pipe is in a cell
		// | # | tool | endpoint | method | params | result | call |
		if len(cells) != 9 || strings.TrimSpace(cells[1]) == "#" || strings.HasPrefix(strings.TrimSpace(cells[1]), "---") {
			continue
		}
		method := strings.Trim(strings.Fields(strings.TrimSpace(cells[4]))[0], "`")
		_, to, _ := strings.Cut(cells[4], "to: ")
		to, _, _ = strings.Cut(to, "`")
		doc[strings.Trim(strings.TrimSpace(cells[7]), "`")] = row{strings.TrimSpace(cells[3]), method, to}
	}
	if len(doc) != 30 {
		t.Fatalf("%d rows read from the doc's tool table, want 30", len(doc))
	}
	seen := map[string]bool{}
	for _, tc := range allTools() {
		name := tc.name
		if name == "FillFormsWithData" { // fill-forms with its files parts
			name = "FillForms"
		}
		r, ok := doc[name]
		if !ok {
			t.Errorf("%s: no row in the doc", tc.name)
			continue
		}
		seen[name] = true
		if r.path != tc.path || r.method != tc.method || !slices.Contains(strings.Split(r.to, "/"), tc.to) {
			t.Errorf("%s: the doc says %s %s to=%q, the call sends %s %s to=%q", tc.name, r.path, r.method, r.to, tc.path, tc.method, tc.to)
		}
	}
	for name := range doc {
		if !seen[name] {
			t.Errorf("%s: in the doc, no typed call tested", name)
		}
	}
}
