package spec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Canonical returns the canonical form of a JSON document: objects with
// sorted keys, no insignificant whitespace, strings re-escaped the one way
// encoding/json writes them (no HTML escaping), and numbers spelt the
// shortest way (100.0 and 1e2 are 100). Two documents with the same
// canonical form are the same spec, however upstream formats it.
func Canonical(b []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("not JSON: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("not JSON: data after the document")
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(normalise(v)); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// CanonicalSum is the hex sha256 of Canonical(b).
func CanonicalSum(b []byte) (string, error) {
	c, err := Canonical(b)
	if err != nil {
		return "", err
	}
	return Sum(c), nil
}

func normalise(v any) any {
	switch v := v.(type) {
	case map[string]any: // encoding/json sorts map keys
		for k, e := range v {
			v[k] = normalise(e)
		}
	case []any:
		for i, e := range v {
			v[i] = normalise(e)
		}
	case json.Number:
		f, err := v.Float64()
		if err != nil || math.IsInf(f, 0) {
			return v
		}
		if f == math.Trunc(f) && math.Abs(f) < 1<<53 {
			return json.Number(strconv.FormatInt(int64(f), 10))
		}
		return json.Number(strconv.FormatFloat(f, 'g', -1, 64))
	}
	return v
}

// NotOpenAPIError reports a body that is not an OpenAPI document at all: an
// empty answer, an HTML page, or an error object served with 200. Nothing
// can be compared with it.
type NotOpenAPIError struct {
	Source string
	Reason string
}

func (e *NotOpenAPIError) Error() string {
	return fmt.Sprintf("%s is not an OpenAPI document: %s", e.Source, e.Reason)
}

// CheckOpenAPI returns a *NotOpenAPIError unless b is a JSON object with an
// "openapi" 3.x version and paths or components.
func CheckOpenAPI(source string, b []byte) error {
	trimmed := bytes.TrimSpace(b)
	fail := func(format string, args ...any) error {
		return &NotOpenAPIError{Source: source, Reason: fmt.Sprintf(format, args...)}
	}
	if len(trimmed) == 0 {
		return fail("the body is empty (%d bytes)", len(b))
	}
	if trimmed[0] == '<' {
		return fail("the body is HTML or XML, not JSON: %s", excerpt(trimmed))
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(trimmed, &doc); err != nil {
		return fail("the body is not a JSON object (%v): %s", err, excerpt(trimmed))
	}
	var version string
	if err := json.Unmarshal(doc["openapi"], &version); err != nil || !strings.HasPrefix(version, "3.") {
		return fail("the JSON object has no \"openapi\": \"3.x\" member, perhaps an error answer served with 200: %s", excerpt(trimmed))
	}
	if doc["paths"] == nil && doc["components"] == nil {
		return fail("the document has neither paths nor components: %s", excerpt(trimmed))
	}
	return nil
}

func excerpt(b []byte) string {
	const max = 80
	s := string(b)
	if len(s) > max {
		s = s[:max]
		for !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
		s += "…"
	}
	return strconv.Quote(s)
}
