package spec

import (
	"fmt"
	"maps"
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
	type conflict struct{ key, got, theirs string }
	var order []conflict
	byConflict := map[conflict][]string{}
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
			theirs, got := canonicalJSON(typeFacets(w.of(props.Content[i+1]))), canonicalJSON(typeFacets(w.of(mine)))
			if theirs != got {
				c := conflict{key, got, theirs}
				if _, ok := byConflict[c]; !ok {
					order = append(order, c)
				}
				byConflict[c] = append(byConflict[c], refName(v))
			}
		}
	}
	for _, c := range order {
		vs := byConflict[c]
		errs = append(errs, fmt.Sprintf("the overlay's %s/properties/%s is %s, but upstream's %s, of the variants it merges, ha%s %s (%s): "+
			"the variants disagree, or the overlay departs from them, and such a variant decoded as %s would fail or lose it: make %s's member fit every variant in %s (the union it replaces: %s, %s)",
			name, c.key, c.got, strings.Join(vs, ", "), map[bool]string{true: "s", false: "ve"}[len(vs) == 1], c.theirs,
			strings.Join(wireDiff(decodeJSON(c.got), decodeJSON(c.theirs), 3), "; "), refName(name), refName(name), path, u.ptr, u.action.Name()))
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

// copyLedger records, for every mapping several copy actions merge into
// (Document's properties, from five variants), where each member came from
// and its type facets: a copy merges member by member, the last copy's
// scalars winning, so two sources that type a member differently would
// make the object silently take the last one's type.
type copyLedger map[string]map[string][]copied

type copied struct {
	facets, source string
	action         ActionResult
}

func (l copyLedger) record(w *wire, target, source string, src *yaml.Node, a ActionResult) {
	if src.Kind != yaml.MappingNode {
		return
	}
	if l[target] == nil {
		l[target] = map[string][]copied{}
	}
	for i := 0; i+1 < len(src.Content); i += 2 {
		key := src.Content[i].Value
		l[target][key] = append(l[target][key], copied{
			facets: canonicalJSON(typeFacets(w.of(src.Content[i+1]))),
			source: source + "/" + escape(key),
			action: a,
		})
	}
}

// err names every member two copy sources type differently.
func (l copyLedger) err(path string) error {
	var errs []string
	for _, target := range slices.Sorted(maps.Keys(l)) {
		for _, key := range slices.Sorted(maps.Keys(l[target])) {
			cs := l[target][key]
			for _, c := range cs[1:] {
				if c.facets == cs[0].facets {
					continue
				}
				errs = append(errs, fmt.Sprintf("%s/%s merges upstream's %s, which is %s, and %s, which is %s (copied by %s): "+
					"upstream's sources disagree, and the merged member would silently take the last one's type; "+
					"make them agree with a guarded action before the copies in %s, or keep them apart",
					target, key, cs[0].source, cs[0].facets, c.source, c.facets, c.action.Name(), path))
				break
			}
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("copies out of step with each other:\n  %s", strings.Join(errs, "\n  "))
	}
	return nil
}
