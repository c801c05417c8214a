package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/pflag"
)

// param is one flag of a tool, setting one key of its params JSON: the
// keys are the API's wire names, which outlive any reshaping of the Go
// params types. Whatever a flag does not cover, --params sets.
type param struct {
	flag   string   // the flag's name, without "--"
	key    string   // the params key it sets
	kind   kind     // how its value is written and sent
	usage  string   // its help
	values []string // the values it takes, for completion (nil: any)
}

// kind is how a param's flag value becomes JSON.
type kind int

const (
	text      kind = iota // a string
	toggle                // a bool flag: true when given
	number                // a float
	ints                  // "0,2,4-6": zero-based page indices
	intGroups             // "0,2;1,3-4": a list of page lists (split)
	texts                 // "print,copy": a list of strings
	numbers               // "72,600,200,50": a box
	rotations             // "0:90,1:180": page index:amount pairs
	pairs                 // "name=value" (repeated): form field values
)

// register adds p's flag to fs.
func (p param) register(fs *pflag.FlagSet) {
	switch p.kind {
	case toggle:
		fs.Bool(p.flag, false, p.usage)
	case pairs:
		fs.StringArray(p.flag, nil, p.usage)
	default:
		fs.String(p.flag, "", p.usage)
	}
}

// value is p's flag value as the JSON the API takes.
func (p param) value(fs *pflag.FlagSet) (any, error) {
	if p.kind == toggle {
		return fs.GetBool(p.flag)
	}
	if p.kind == pairs {
		vs, _ := fs.GetStringArray(p.flag)
		return fieldValues(vs)
	}
	s, _ := fs.GetString(p.flag)
	switch p.kind {
	case number:
		return strconv.ParseFloat(s, 64)
	case ints:
		return pageList(s)
	case intGroups:
		var groups [][]int
		for g := range strings.SplitSeq(s, ";") {
			l, err := pageList(g)
			if err != nil {
				return nil, err
			}
			groups = append(groups, l)
		}
		return groups, nil
	case texts:
		return strings.Split(s, ","), nil
	case numbers:
		var out []float64
		for f := range strings.SplitSeq(s, ",") {
			v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
			if err != nil {
				return nil, fmt.Errorf("%q is not a number", f)
			}
			out = append(out, v)
		}
		return out, nil
	case rotations:
		var out []map[string]int
		for r := range strings.SplitSeq(s, ",") {
			page, amount, ok := strings.Cut(strings.TrimSpace(r), ":")
			pi, err1 := strconv.Atoi(page)
			am, err2 := strconv.Atoi(amount)
			if !ok || err1 != nil || err2 != nil {
				return nil, fmt.Errorf("%q is not PAGE:DEGREES", r)
			}
			// pageIndex, as Nitro's MCP server sends it and the library's
			// pdf.PageRotation reads it (docs/wire-sources.md), not the
			// reference schema's page_index.
			out = append(out, map[string]int{"pageIndex": pi, "amount": am})
		}
		return out, nil
	}
	return s, nil
}

// pageList reads "0,2,4-6" as [0 2 4 5 6].
func pageList(s string) ([]int, error) {
	var out []int
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := strconv.Atoi(lo)
		if err != nil || a < 0 {
			return nil, fmt.Errorf("%q is not a page index (0, 1, …) or range (2-5)", part)
		}
		b := a
		if isRange {
			if b, err = strconv.Atoi(hi); err != nil || b < a || b-a > 10000 {
				return nil, fmt.Errorf("%q is not a page range (2-5)", part)
			}
		}
		for i := a; i <= b; i++ {
			out = append(out, i)
		}
	}
	return out, nil
}

// fieldValues reads "name=value" pairs as fill-forms' fields.
func fieldValues(vs []string) ([]map[string]string, error) {
	var out []map[string]string
	for _, v := range vs {
		name, value, ok := strings.Cut(v, "=")
		if !ok || name == "" {
			return nil, fmt.Errorf("%q is not NAME=VALUE", v)
		}
		out = append(out, map[string]string{"field": name, "value": value})
	}
	return out, nil
}

// paramsJSON builds a call's params: --params (JSON, or @FILE for a file's
// JSON), then each of the tool's flags that was given, over it.
func paramsJSON(fs *pflag.FlagSet, params []param) ([]byte, error) {
	m := map[string]any{}
	if raw, _ := fs.GetString("params"); raw != "" {
		b := []byte(raw)
		if name, ok := strings.CutPrefix(raw, "@"); ok {
			var err error
			if b, err = os.ReadFile(name); err != nil {
				return nil, usagef("--params: %v", err)
			}
		}
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, usagef("--params is not a JSON object: %v", err)
		}
	}
	for _, p := range params {
		if !fs.Changed(p.flag) {
			continue
		}
		v, err := p.value(fs)
		if err != nil {
			return nil, usagef("--%s: %v", p.flag, err)
		}
		m[p.key] = v
	}
	if len(m) == 0 {
		return nil, nil
	}
	return json.Marshal(m)
}
