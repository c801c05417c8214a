package pdf_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/pdf"
)

// sentPart is one multipart part as a server received it.
type sentPart struct {
	name, contentType, body string
}

// partsServer is a loopback server answering every PDF Services POST with
// a file result, keeping the parts of the last one.
func partsServer(t *testing.T) (*pdf.Client, func() map[string]sentPart) {
	t.Helper()
	var mu sync.Mutex
	last := map[string]sentPart{}
	url := newLoopback(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/oauth/token" {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"access_token":"tok","token_type":"Bearer","expires_in":3600}`))
			return
		}
		mr, err := r.MultipartReader()
		if err != nil {
			http.Error(w, err.Error(), http.StatusUnsupportedMediaType)
			return
		}
		parts := map[string]sentPart{}
		for {
			p, err := mr.NextPart()
			if err != nil {
				break
			}
			b, _ := io.ReadAll(p)
			parts[p.FormName()] = sentPart{p.FormName(), p.Header.Get("Content-Type"), string(b)}
		}
		mu.Lock()
		last = parts
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"result":{"file":{"URL":"https://f.example/1.pdf","contentType":"application/pdf"}}}`))
	}))
	nc, err := nitro.NewClient(nitro.Config{ClientID: "id", ClientSecret: "secret", BaseURL: url, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	return pdf.New(nc), func() map[string]sentPart { mu.Lock(); defer mu.Unlock(); return last }
}

// TestWireAsNitrosClientsSendIt: the method values, param keys and part
// encodings where Nitro's own clients and the assembled spec disagree are
// what Nitro's MCP server sends (docs/wire-sources.md): extract-invoices,
// rotations[].pageIndex, and params and delivery as plain form fields with
// no Content-Type. Plus the options newer than the spec, typed.
func TestWireAsNitrosClientsSendIt(t *testing.T) {
	c, last := partsServer(t)
	ctx := context.Background()
	send := func(r pdf.Request[pdf.FileResult]) map[string]sentPart {
		if _, err := r.JSON(ctx); err != nil {
			return map[string]sentPart{"error": {body: err.Error()}}
		}
		return last()
	}
	two := func() []pdf.File { return []pdf.File{textPDF("a.pdf", "a"), textPDF("b.pdf", "b")} }
	for _, tc := range []struct {
		name, method, params string
		send                 func() map[string]sentPart
	}{
		{"rotate", "rotate", `{"rotations":[{"amount":90,"pageIndex":2}]}`, func() map[string]sentPart {
			return send(c.Rotate(textPDF("a.pdf", "a"), pdf.Rotation{Rotations: []pdf.PageRotation{{PageIndex: 2, Amount: 90}}}))
		}},
		{"merge with a table of contents", "merge", `{"tableOfContents":{"enabled":false}}`, func() map[string]sentPart {
			return send(c.Merge(two(), pdf.MergeParams{TableOfContents: &pdf.TableOfContents{Enabled: false}}))
		}},
		{"merge as the API likes", "merge", `{}`, func() map[string]sentPart { return send(c.Merge(two(), pdf.MergeParams{})) }},
		{"set-properties", "set-properties", `{"creation_date":"D:20240101120000","mod_date":"D:20240102120000","title":"T","trapped":"False"}`, func() map[string]sentPart {
			return send(c.SetProperties(textPDF("a.pdf", "a"), pdf.SetPropertiesParams{Title: "T", CreationDate: "D:20240101120000", ModDate: "D:20240102120000", Trapped: "False"}))
		}},
		{"redact with a label", "redact", `{"redactions":[{"boundingBox":[1,2,3,4],"label":"name","pageIndex":0}]}`, func() map[string]sentPart {
			return send(c.Redact(textPDF("a.pdf", "a"), pdf.RedactParams{Redactions: []pdf.Redaction{{PageIndex: 0, BoundingBox: []float32{1, 2, 3, 4}, Label: "name"}}}))
		}},
		{"compress", "compress", `{}`, func() map[string]sentPart { return send(c.Compress(textPDF("a.pdf", "a"), pdf.PDFCompressParams{})) }},
		{"invoices", "extract-invoices", `{}`, func() map[string]sentPart {
			_, _ = c.ExtractExpenseData(textPDF("a.pdf", "a"), pdf.EmptyParams{}).JSON(ctx) // the answer is no invoice: only the wire counts
			return last()
		}},
		{"forms", "extract-forms", `{"language":"de"}`, func() map[string]sentPart {
			_, _ = c.ExtractForms(textPDF("a.pdf", "a"), pdf.ExtractFormsParams{Language: "de"}).JSON(ctx)
			return last()
		}},
		{"tables", "extract-tables", `{"pageIndices":[0,2]}`, func() map[string]sentPart {
			_, _ = c.ExtractTables(textPDF("a.pdf", "a"), pdf.ExtractTablesParams{PageIndices: []int{0, 2}}).JSON(ctx)
			return last()
		}},
		{"with a delivery", "compress", `{}`, func() map[string]sentPart {
			return send(c.Compress(textPDF("a.pdf", "a"), pdf.PDFCompressParams{}).WithDelivery(pdf.Delivery{Callback: &pdf.Callback{URL: "https://cb.example/done"}}))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			parts := tc.send()
			if e, ok := parts["error"]; ok {
				t.Fatal(e.body)
			}
			if m := parts["method"]; m.body != tc.method || m.contentType != "" {
				t.Errorf("method part %+v, want %q with no Content-Type", m, tc.method)
			}
			p := parts["params"]
			if p.contentType != "" {
				t.Errorf("params part typed %q: Nitro's clients send a plain form field", p.contentType)
			}
			if !sameJSONText(t, p.body, tc.params) {
				t.Errorf("params %s, want %s", p.body, tc.params)
			}
			if d, ok := parts["delivery"]; ok && (d.contentType != "" || !strings.Contains(d.body, `"callback"`)) {
				t.Errorf("delivery part %+v: want a plain form field of JSON", d)
			}
		})
	}
}

// sameJSONText compares two JSON texts by value.
func sameJSONText(t *testing.T, got, want string) bool {
	t.Helper()
	var a, b any
	if err := json.Unmarshal([]byte(got), &a); err != nil {
		return false
	}
	if err := json.Unmarshal([]byte(want), &b); err != nil {
		t.Fatal(err)
	}
	return reflect.DeepEqual(a, b)
}

// TestNoMapTypedParams: every tool call's parameters are a struct, so only
// documented options compile; a map would take any key, none documented.
func TestNoMapTypedParams(t *testing.T) {
	request := reflect.TypeFor[pdf.Request[pdf.FileResult]]().PkgPath()
	ct := reflect.TypeFor[*pdf.Client]()
	calls := 0
	for i := range ct.NumMethod() {
		m := ct.Method(i)
		if m.Type.NumOut() != 1 || m.Type.Out(0).PkgPath() != request || !strings.HasPrefix(m.Type.Out(0).Name(), "Request[") {
			continue
		}
		calls++
		for j := 1; j < m.Type.NumIn(); j++ {
			in := m.Type.In(j)
			if in.Kind() == reflect.Map || (in.Kind() == reflect.Struct && hasMapField(in)) {
				t.Errorf("%s takes %s, a map", m.Name, in)
			}
		}
	}
	if calls != 31 { // the 30 tools; fill-forms has two calls
		t.Errorf("%d tool calls found, want 31", calls)
	}
}

// hasMapField reports whether a params struct has a map member (an open
// set of keys) at its top level.
func hasMapField(t reflect.Type) bool {
	for i := range t.NumField() {
		if t.Field(i).Type.Kind() == reflect.Map {
			return true
		}
	}
	return false
}
