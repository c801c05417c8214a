package spec

import (
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// mergedConflicts checks an object the overlay merges a union's variants
// into (Document, Field) member by member against every upstream variant:
// a member's type, format, nullability, items and properties must be the
// variant's (its enum may be wider: it holds every variant's values), and
// the object may require only what every variant requires. A variant whose
// member upstream retypes (sizeBytes integer → string in one document
// variant) then fails here, naming both places, instead of decoding into
// the old Go type. mergedLacks names the members and enum values the
// object lacks.
func mergedConflicts(w *wire, name string, merged *yaml.Node, u removedUnion, variants []string, path string) []string {
	var errs []string
	ours := get(merged, "properties")
	required := stringSet(get(merged, "required"))
	for _, v := range variants {
		vs := at(w.root, strings.TrimPrefix(v, "#"))
		props := get(vs, "properties")
		if props == nil {
			continue
		}
		for _, r := range required {
			if !slices.Contains(stringSet(get(vs, "required")), r) {
				errs = append(errs, fmt.Sprintf("the overlay's %s requires %q, but upstream's %s, one of the variants it merges, does not: "+
					"a %s without it is valid upstream; drop %q from %s's required in %s",
					name, r, v, refName(v), r, name, path))
			}
		}
		for i := 0; i+1 < len(props.Content); i += 2 {
			key := props.Content[i].Value
			mine := get(ours, key)
			if mine == nil {
				continue // mergedLacks names a member the object lacks
			}
			theirs, got := typeFacets(w.of(props.Content[i+1])), typeFacets(w.of(mine))
			if canonicalJSON(theirs) != canonicalJSON(got) {
				errs = append(errs, fmt.Sprintf("the overlay's %s/properties/%s is %s, but upstream's %s, one of the variants it merges, has %s (%s): "+
					"the variants disagree, or the overlay departs from them, and a %s decoded as %s would fail or lose it: make %s's member fit every variant in %s (the union it replaces: %s, %s)",
					name, key, short(got), v, short(theirs), strings.Join(wireDiff(got, theirs, 3), "; "), refName(v), refName(name), refName(name), path, u.ptr, u.action.Name()))
			}
		}
	}
	return errs
}

// typeFacets keeps what decides a member's Go type and its JSON: type,
// format, nullability, items, properties, additionalProperties and
// compositions; validation bounds, defaults and enums are left out (an
// enum is compared as a set by checkUnions).
func typeFacets(v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	out := map[string]any{}
	for k, e := range m {
		switch k {
		case "type", "format", "nullable", "$cycle", "$dangling", "const":
			out[k] = e
		case "items", "additionalProperties", "not":
			out[k] = typeFacets(e)
		case "properties":
			if props, ok := e.(map[string]any); ok {
				p := map[string]any{}
				for name, s := range props {
					p[name] = typeFacets(s)
				}
				out[k] = p
			}
		case "oneOf", "anyOf":
			if l, ok := e.([]any); ok {
				var vs []any
				for _, s := range l {
					vs = append(vs, typeFacets(s))
				}
				out[k] = sortedSet(vs)
			}
		}
	}
	return out
}

// stringSet is the scalar values of a sequence node.
func stringSet(n *yaml.Node) []string {
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	var out []string
	for _, c := range n.Content {
		out = append(out, c.Value)
	}
	return out
}
