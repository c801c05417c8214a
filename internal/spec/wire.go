package spec

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// The wire form of a part of a document: what it says about the JSON on the
// wire and the Go types generated for it, whatever its shape in the
// document. $refs are resolved (a schema moved into components, or out of
// them, is the same schema), allOf is merged into one schema (a flat object
// and an allOf composing the same members are the same object), and prose
// is dropped (descriptions, titles, summaries, examples). Sets are sorted
// (enum, required, type lists, oneOf and anyOf variants). Extensions stay:
// x-go-* and x-nitro-* shape the Go surface.

// prose is what the wire form leaves out.
var prose = map[string]bool{"description": true, "summary": true, "title": true,
	"example": true, "examples": true, "externalDocs": true}

// unordered are the lists whose order means nothing.
var unordered = map[string]bool{"enum": true, "required": true, "type": true, "oneOf": true, "anyOf": true, "tags": true}

// wireJSON is the canonical JSON of n's wire form in the document root;
// "" for a nil node (absent).
func wireJSON(root, n *yaml.Node) string {
	if n == nil {
		return ""
	}
	return canonicalJSON(newWire(root).of(n))
}

// ownJSON is wireJSON without resolving $refs: the node's own text, prose
// aside. A schema moved into components changes it; a change inside a
// schema it refers to does not.
func ownJSON(n *yaml.Node) string {
	if n == nil {
		return ""
	}
	w := newWire(nil)
	w.own = true
	return canonicalJSON(w.of(n))
}

func canonicalJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%v", v)
	}
	return string(b)
}

// wire computes wire forms in one document, memoising resolved $refs.
type wire struct {
	root  *yaml.Node
	memo  map[string]any
	stack []string
	own   bool // keep $refs as they are (see ownJSON)
}

func newWire(root *yaml.Node) *wire { return &wire{root: root, memo: map[string]any{}} }

func (w *wire) of(n *yaml.Node) any {
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 1 {
			return w.of(n.Content[0])
		}
		return nil
	case yaml.AliasNode:
		return w.of(n.Alias)
	case yaml.ScalarNode:
		var v any
		if n.ShortTag() == "!!str" {
			return n.Value
		}
		if err := n.Decode(&v); err != nil {
			return n.Value
		}
		switch x := v.(type) {
		case int:
			return float64(x)
		case int64:
			return float64(x)
		case uint64:
			return float64(x)
		}
		return v
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			out = append(out, w.of(c))
		}
		return out
	case yaml.MappingNode:
		return w.mapping(n)
	}
	return nil
}

func (w *wire) mapping(n *yaml.Node) any {
	m := map[string]any{}
	var ref string
	var allOf *yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i].Value, n.Content[i+1]
		switch {
		case prose[k]:
		case k == "$ref" && v.Kind == yaml.ScalarNode && strings.HasPrefix(v.Value, "#") && !w.own:
			ref = v.Value
		case k == "allOf" && v.Kind == yaml.SequenceNode:
			allOf = v
		default:
			val := w.of(v)
			if l, ok := val.([]any); ok && unordered[k] {
				val = sortedSet(l)
			}
			m[k] = val
		}
	}
	if ref != "" {
		m = merge(w.resolve(ref), m)
	}
	if allOf != nil {
		for _, part := range allOf.Content {
			if pm, ok := w.of(part).(map[string]any); ok {
				m = merge(pm, m)
			}
		}
	}
	return m
}

// resolve is the wire form of the node ref points at; a cycle is marked
// by the $ref it comes back to.
func (w *wire) resolve(ref string) map[string]any {
	if slices.Contains(w.stack, ref) {
		return map[string]any{"$cycle": ref}
	}
	if v, ok := w.memo[ref]; ok {
		m, _ := v.(map[string]any)
		return m
	}
	target := at(w.root, strings.TrimPrefix(ref, "#"))
	if target == nil {
		return map[string]any{"$dangling": ref}
	}
	w.stack = append(w.stack, ref)
	v := w.of(target)
	w.stack = w.stack[:len(w.stack)-1]
	m, ok := v.(map[string]any)
	if !ok {
		m = map[string]any{"$value": v}
	}
	if !hasCycle(m) {
		w.memo[ref] = m
	}
	return m
}

func hasCycle(v any) bool {
	switch x := v.(type) {
	case map[string]any:
		if _, ok := x["$cycle"]; ok {
			return true
		}
		for _, e := range x {
			if hasCycle(e) {
				return true
			}
		}
	case []any:
		for _, e := range x {
			if hasCycle(e) {
				return true
			}
		}
	}
	return false
}

// merge is the union of two schemas' wire forms, as allOf means it:
// properties and required are merged; for any other member, b's wins.
func merge(a, b map[string]any) map[string]any {
	out := maps.Clone(a)
	if out == nil {
		out = map[string]any{}
	}
	for k, v := range b {
		switch k {
		case "properties":
			pa, _ := out[k].(map[string]any)
			pb, _ := v.(map[string]any)
			props := maps.Clone(pa)
			if props == nil {
				props = map[string]any{}
			}
			maps.Copy(props, pb)
			out[k] = props
		case "required":
			ra, _ := out[k].([]any)
			rb, _ := v.([]any)
			out[k] = sortedSet(append(slices.Clone(ra), rb...))
		default:
			out[k] = v
		}
	}
	return out
}

// sortedSet sorts a list by its members' canonical JSON, without repeats.
func sortedSet(l []any) []any {
	type kv struct {
		key string
		v   any
	}
	var s []kv
	for _, v := range l {
		s = append(s, kv{canonicalJSON(v), v})
	}
	slices.SortFunc(s, func(a, b kv) int { return cmp.Compare(a.key, b.key) })
	s = slices.CompactFunc(s, func(a, b kv) bool { return a.key == b.key })
	out := make([]any, len(s))
	for i, e := range s {
		out[i] = e.v
	}
	return out
}

// wireDiff lists how b's wire form differs from a's, one line per place
// ("properties.sizeBytes.type: integer → string"), at most max lines.
func wireDiff(a, b any, max int) []string {
	var out []string
	var walk func(path string, a, b any)
	walk = func(path string, a, b any) {
		if len(out) >= max {
			return
		}
		if canonicalJSON(a) == canonicalJSON(b) {
			return
		}
		name := cmp.Or(path, "the value")
		am, aok := a.(map[string]any)
		bm, bok := b.(map[string]any)
		if aok && bok {
			for _, k := range slices.Sorted(maps.Keys(union(am, bm))) {
				p := strings.TrimPrefix(path+"."+k, ".")
				av, inA := am[k]
				bv, inB := bm[k]
				switch {
				case !inA:
					out = append(out, fmt.Sprintf("%s: added %s", p, short(bv)))
				case !inB:
					out = append(out, fmt.Sprintf("%s: removed (was %s)", p, short(av)))
				default:
					walk(p, av, bv)
				}
				if len(out) >= max {
					return
				}
			}
			return
		}
		al, aok := a.([]any)
		bl, bok := b.([]any)
		if aok && bok && scalars(al) && scalars(bl) {
			var added, removed []string
			for _, v := range bl {
				if !slices.ContainsFunc(al, func(x any) bool { return canonicalJSON(x) == canonicalJSON(v) }) {
					added = append(added, short(v))
				}
			}
			for _, v := range al {
				if !slices.ContainsFunc(bl, func(x any) bool { return canonicalJSON(x) == canonicalJSON(v) }) {
					removed = append(removed, short(v))
				}
			}
			if len(added)+len(removed) > 0 {
				out = append(out, fmt.Sprintf("%s: %s", name, strings.Join(append(prefixed("+", added), prefixed("-", removed)...), ", ")))
				return
			}
		}
		if aok && bok && len(al) == len(bl) {
			for i := range al {
				walk(fmt.Sprintf("%s[%d]", path, i), al[i], bl[i])
			}
			return
		}
		if aok && bok {
			// Lists of objects of different lengths (a union's variants):
			// what one has and the other lacks.
			var items []string
			for _, v := range bl {
				if !slices.ContainsFunc(al, func(x any) bool { return canonicalJSON(x) == canonicalJSON(v) }) {
					items = append(items, "+"+short(v))
				}
			}
			for _, v := range al {
				if !slices.ContainsFunc(bl, func(x any) bool { return canonicalJSON(x) == canonicalJSON(v) }) {
					items = append(items, "-"+short(v))
				}
			}
			out = append(out, fmt.Sprintf("%s: %s", name, strings.Join(items, ", ")))
			return
		}
		out = append(out, fmt.Sprintf("%s: %s → %s", name, short(a), short(b)))
	}
	walk("", a, b)
	return out
}

// union is a's entries and b's, b's winning; either may be nil.
func union[V any](a, b map[string]V) map[string]V {
	out := make(map[string]V, len(a)+len(b))
	maps.Copy(out, a)
	maps.Copy(out, b)
	return out
}

func scalars(l []any) bool {
	for _, v := range l {
		switch v.(type) {
		case map[string]any, []any:
			return false
		}
	}
	return true
}

func prefixed(p string, l []string) []string {
	out := make([]string, len(l))
	for i, s := range l {
		out[i] = p + s
	}
	return out
}

// short is a value's canonical JSON, cut to a readable length.
func short(v any) string {
	s := canonicalJSON(v)
	if v == nil {
		s = "nothing"
	}
	if r := []rune(s); len(r) > 100 {
		s = string(r[:100]) + "…"
	}
	return s
}

// wireAt is the wire form of the node at ptr in root, nil when absent.
func wireAt(w *wire, ptr string) any {
	n := at(w.root, ptr)
	if n == nil {
		return nil
	}
	return w.of(n)
}
