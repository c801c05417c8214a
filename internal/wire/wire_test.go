package wire_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/nitrokit/nitro"
	"github.com/nitrokit/nitro/internal/wire"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// answer serves body with status 200 on loopback and returns the response.
func answer(t *testing.T, body io.Reader) *http.Response {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.Copy(w, body)
	}))
	t.Cleanup(srv.Close)
	resp, err := srv.Client().Get(srv.URL + "/x")
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

type thing struct {
	ID string `json:"ID"`
}

// TestJSONRefusesAnswersThatHoldNoResult: an answer that is no JSON value,
// or more than one, is an error naming the request (volume_test.go has the
// one too large).
func TestJSONRefusesAnswersThatHoldNoResult(t *testing.T) {
	for name, body := range map[string]io.Reader{
		"empty":    strings.NewReader(""),
		"null":     strings.NewReader(" null "),
		"trailing": strings.NewReader(`{"ID":"a"} <html>`),
		"invalid":  strings.NewReader(`<html>`),
	} {
		if v, err := wire.JSON[thing](answer(t, body), nil); err == nil || !strings.Contains(err.Error(), "GET /x") {
			t.Errorf("%s: %+v, %v; want an error naming the request", name, v, err)
		}
	}
	if v, err := wire.JSON[thing](answer(t, strings.NewReader(`{"ID":"a"}`+"\n")), nil); err != nil || v.ID != "a" {
		t.Errorf("a good answer: %+v, %v", v, err)
	}
}

func TestOneOrList(t *testing.T) {
	one, err := wire.OneOrList[thing](answer(t, strings.NewReader(`{"ID":"a"}`)), nil, 1)
	if err != nil || len(one) != 1 || one[0].ID != "a" {
		t.Errorf("one: %v, %v", one, err)
	}
	two, err := wire.OneOrList[thing](answer(t, strings.NewReader(`{"items":[{"ID":"a"},{"ID":"b"}]}`)), nil, 2)
	if err != nil || len(two) != 2 || two[1].ID != "b" {
		t.Errorf("two: %v, %v", two, err)
	}
	if got, err := wire.OneOrList[thing](answer(t, strings.NewReader(`{"items":[]}`)), nil, 2); err == nil {
		t.Errorf("an empty list for 2 asked: %v, want an error", got)
	}
}

func TestStreamChecksLength(t *testing.T) {
	var out bytes.Buffer
	n, err := wire.Stream(&out)(answer(t, strings.NewReader("PDF")), nil)
	if err != nil || n != 3 || out.String() != "PDF" {
		t.Errorf("stream: %d %q %v", n, out.String(), err)
	}
	// A response from a caller's own RoundTripper may carry no Request.
	resp := &http.Response{StatusCode: 200, Body: io.NopCloser(strings.NewReader("ab")), ContentLength: 5}
	if _, err := wire.Stream(io.Discard)(resp, nil); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("short body without a request: %v", err)
	}
	resp = &http.Response{StatusCode: 200, Body: io.NopCloser(strings.NewReader("<html>"))}
	if _, err := wire.JSON[thing](resp, nil); err == nil {
		t.Error("bad JSON without a request: no error")
	}
}

func TestCheckBodyFindsNullsAtAnyDepth(t *testing.T) {

	for name, body := range map[string]any{
		"top":          json.RawMessage("null"),
		"nested list":  map[string]any{"items": []any{map[string]any{"a": 1}, nil}},
		"nested field": map[string]any{"authentication": nil},
		"nil list": struct {
			Box []float32 `json:"boundingBox"`
		}{},
	} {
		_, err := wire.EncodeBody("op", body)
		if !errors.Is(err, nitro.ErrEmptyUnion) || !strings.Contains(err.Error(), "op: body") {
			t.Errorf("%s: %v, want ErrEmptyUnion naming the member", name, err)
		}
	}

	r, err := wire.EncodeBody("op", map[string]any{"a": []int{1}, "b": "x"})
	if err != nil {
		t.Fatalf("a complete body: %v", err)
	}
	if b, _ := io.ReadAll(r); string(b) != `{"a":[1],"b":"x"}` {
		t.Errorf("a complete body encodes as %s", b)
	}
}

func TestPathSegment(t *testing.T) {
	for in, want := range map[string]string{"job-1": "job-1", "a/b": "a%2Fb", ".": "%2E", "..": "%2E%2E", "a..b": "a..b", "": ""} {
		if got := wire.PathSegment(in); got != want {
			t.Errorf("PathSegment(%q) = %q, want %q", in, got, want)
		}
	}
}
