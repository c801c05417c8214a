package spec

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// Finding is one judgment of a candidate spec against the locked one.
type Finding struct {
	// Breaking: regenerating from the candidate as it is would leave the
	// client wrong, or unable to do what it did, until the place named is
	// changed. Otherwise the finding is for information (a redundant
	// action, a compatible change and its Go consequence).
	Breaking bool
	// Kind groups findings in reports: "redundant", "gone", "changed",
	// "upstream-changed", "security", "servers", "header",
	// "discriminator", "deprecated", "tools" (what the client cannot
	// send, or the overlay does not model), "tool-list" (what upstream
	// changed in a tool list).
	Kind string
	Msg  string
}

func (f Finding) String() string {
	level := "info"
	if f.Breaking {
		level = "breaking"
	}
	return level + ": " + f.Kind + ": " + f.Msg
}

// judgeActions compares two runs of one overlay, on the locked spec and on
// a candidate (both with snapshots). For every place an action wrote or
// removed in the locked run and no longer does in the candidate's:
//   - redundant: upstream itself now has what the action produced there
//     (the wire forms agree): delete the action;
//   - gone: what the action targets is no longer there: upstream moved or
//     renamed it (the message says where it went when it can tell);
//     re-target the action, do not delete it;
//   - changed: upstream now has something else there: rewrite the action.
//
// And for every place an action overwrites or removes in both runs:
//   - upstream-changed: upstream changed what the action replaces, yet the
//     overlay's result there is the same: the hand-written replacement no
//     longer follows upstream.
func judgeActions(locked, cand *Report) []Finding {
	if locked == nil || cand == nil || locked.root == nil || cand.root == nil || len(locked.Actions) != len(cand.Actions) {
		return nil
	}
	j := &judge{locked: locked, cand: cand, wl: newWire(locked.root), wc: newWire(cand.root)}
	var out []Finding
	redundant := map[string][]ActionResult{} // by group
	var groups []string
	for i, la := range locked.Actions {
		ca := cand.Actions[i]
		missing := map[string][]string{}
		for t, p := range la.targets {
			if !slices.Contains(ca.targets, p) {
				missing[p] = la.written[t]
			}
		}
		if len(missing) == 0 {
			continue
		}
		if la.Copy != "" && ca.Matches == 0 && la.source != "" {
			// What the copy derives from is gone: the members it brought
			// may still come from elsewhere, which is no fix.
			hint := fmt.Sprintf("its copy source %s (%s) matches nothing", la.Copy, la.source)
			if h := j.renamedSchema(la.source); h != "" {
				hint += " (" + h + ")"
			} else if h := j.movedOperation(la.source); h != "" {
				hint += " (" + h + ")"
			} else if h := j.allOfHint(la.source); h != "" {
				hint += " (" + h + ")"
			}
			out = append(out, Finding{Breaking: true, Kind: "gone", Msg: fmt.Sprintf("%s no longer applies: %s. "+
				"What it derives is still needed: re-target its copy in %s (do not delete it)", la.Name(), hint, locked.Overlay)})
			continue
		}
		var gone, changed []string
		for _, p := range slices.Sorted(maps.Keys(missing)) {
			for _, w := range missing[p] {
				lv, cv := wireAt(j.wl, w), wireAt(j.wc, w)
				if canonicalJSON(lv) == canonicalJSON(cv) {
					continue
				}
				if hint, isGone := j.gone(w); isGone {
					gone = append(gone, hint)
				} else if hint := j.outOfLine(w); hint != "" {
					gone = append(gone, hint)
				} else {
					changed = append(changed, j.changed(p, w, lv, cv))
				}
			}
		}
		switch {
		case len(gone) > 0:
			out = append(out, Finding{Breaking: true, Kind: "gone", Msg: fmt.Sprintf("%s no longer matches: its target is gone: %s. "+
				"The fix it makes is still needed: re-target the action in %s (do not delete it)", la.Name(), strings.Join(gone, "; "), locked.Overlay)})
		case len(changed) > 0:
			out = append(out, Finding{Breaking: true, Kind: "changed", Msg: fmt.Sprintf("%s no longer matches, and upstream has changed what it fixes: %s. "+
				"Rewrite the action in %s for upstream's new text (or delete it if upstream's is right)", la.Name(), strings.Join(changed, "; "), locked.Overlay)})
		default:
			g := la.group()
			if _, ok := redundant[g]; !ok {
				groups = append(groups, g)
			}
			redundant[g] = append(redundant[g], la)
		}
	}
	for _, g := range groups {
		out = append(out, redundantFinding(locked, g, redundant[g]))
	}
	return append(out, j.upstreamChanged()...)
}

// redundantFinding says which actions of a group upstream made redundant.
func redundantFinding(r *Report, group string, as []ActionResult) Finding {
	var names []string
	for _, a := range as {
		names = append(names, a.Name())
	}
	total := 0
	for _, a := range r.Actions {
		if a.group() == group {
			total++
		}
	}
	if len(as) == total {
		return Finding{Kind: "redundant", Msg: fmt.Sprintf("upstream fixed %s: %s now produce(s) nothing upstream does not already have: delete them and the group's comment from %s",
			group, strings.Join(names, "; "), r.Overlay)}
	}
	return Finding{Kind: "redundant", Msg: fmt.Sprintf("upstream now has what %s produce(s) (%s): delete them from %s; the group's other actions still apply",
		strings.Join(names, "; "), group, r.Overlay)}
}

type judge struct {
	locked, cand *Report
	wl, wc       *wire
}

// gone reports whether the place w is under something the candidate no
// longer has, and says where it went when it can tell.
func (j *judge) gone(w string) (string, bool) {
	if at(j.cand.root, w) != nil {
		return "", false
	}
	// The topmost node on the way to w that the candidate lacks.
	missing := w
	for parentPtr(missing) != "" && at(j.cand.root, parentPtr(missing)) == nil {
		missing = parentPtr(missing)
	}
	if missing == w {
		// What holds w is there; w is not (the action did not write it).
		// Gone only when upstream restructured what holds it (allOf);
		// else upstream changed it.
		if hint := j.allOfHint(parentPtr(w)); hint != "" {
			return fmt.Sprintf("%s is missing; %s", w, hint), true
		}
		return "", false
	}
	hint := fmt.Sprintf("upstream no longer has %s", missing)
	if h := j.movedOperation(missing); h != "" {
		hint += " (" + h + ")"
	} else if h := j.renamedSchema(missing); h != "" {
		hint += " (" + h + ")"
	} else if h := j.allOfHint(parentPtr(missing)); h != "" {
		hint += " (" + h + ")"
	}
	return hint, true
}

// changed describes what upstream now has at w instead of what the action
// produced in the locked run.
func (j *judge) changed(target, w string, lv, cv any) string {
	s := fmt.Sprintf("at %s upstream now has %s where the overlay produced %s (%s)", w, short(cv), short(lv), strings.Join(wireDiff(lv, cv, 4), "; "))
	if h := j.allOfHint(target); h != "" {
		s += "; " + h
	}
	return s
}

// outOfLine tells a schema upstream moved into components: where an action
// removed an inline node at w in the locked run, the candidate has a $ref
// to a schema of the same wire form.
func (j *judge) outOfLine(w string) string {
	n := at(j.cand.root, w)
	ref := get(n, "$ref")
	if ref == nil {
		return ""
	}
	for key, before := range j.locked.before {
		if !strings.HasSuffix(key, "\x00"+w) {
			continue
		}
		lwire, _, _ := strings.Cut(before, "\x00")
		if lwire == wireJSON(j.cand.root, n) {
			return fmt.Sprintf("upstream moved the schema at %s into %s (the same wire form, now a $ref)", w, ref.Value)
		}
	}
	return ""
}

// movedOperation finds the operation that was at ptr (a path or an
// operation) in the locked spec by its operationId in the candidate.
func (j *judge) movedOperation(ptr string) string {
	if !strings.HasPrefix(ptr, "/paths/") {
		return ""
	}
	ops := map[string]string{} // operationId -> pointer, in the locked spec
	n := at(j.locked.root, ptr)
	collectOps(n, ptr, ops)
	if len(ops) == 0 {
		return ""
	}
	candOps := map[string]string{}
	collectOps(get(j.cand.root, "paths"), "/paths", candOps)
	var moved []string
	for _, id := range slices.Sorted(maps.Keys(ops)) {
		if to, ok := candOps[id]; ok {
			moved = append(moved, fmt.Sprintf("operation %s is now at %s", id, to))
		} else {
			moved = append(moved, fmt.Sprintf("operation %s is gone (no operation has that operationId)", id))
		}
	}
	return strings.Join(moved, ", ")
}

// collectOps maps the operationIds under n (the paths object, a path item
// or an operation at ptr) to their pointers.
func collectOps(n *yaml.Node, ptr string, ops map[string]string) {
	if n == nil || n.Kind != yaml.MappingNode {
		return
	}
	if id := get(n, "operationId"); id != nil {
		ops[id.Value] = ptr
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		collectOps(n.Content[i+1], ptr+"/"+escape(n.Content[i].Value), ops)
	}
}

// renamedSchema finds, for a components schema the candidate lacks, one
// with the same wire form under another name.
func (j *judge) renamedSchema(ptr string) string {
	const prefix = "/components/schemas/"
	if !strings.HasPrefix(ptr, prefix) || strings.Count(ptr, "/") != 3 {
		return ""
	}
	want := wireJSON(j.locked.root, at(j.locked.root, ptr))
	schemas := get(get(j.cand.root, "components"), "schemas")
	if schemas == nil {
		return ""
	}
	for i := 0; i+1 < len(schemas.Content); i += 2 {
		if wireJSON(j.cand.root, schemas.Content[i+1]) == want {
			return fmt.Sprintf("upstream renamed it %s%s, the same wire form", prefix, escape(schemas.Content[i].Value))
		}
	}
	return ""
}

// allOfHint says when the schema holding ptr (or ptr itself) is composed
// with allOf in the candidate and was not in the locked spec.
func (j *judge) allOfHint(ptr string) string {
	for p := ptr; p != ""; p = parentPtr(p) {
		if c := at(j.cand.root, p); c != nil && get(c, "allOf") != nil && get(at(j.locked.root, p), "allOf") == nil {
			return fmt.Sprintf("upstream now composes %s with allOf (the members moved into its parts, the wire form may be the same): re-target the action at the part that holds them", p)
		}
	}
	return ""
}

// upstreamChanged finds the places an action overwrote or removed in both
// runs where upstream's text changed while the overlay's result there did
// not: a replacement written by hand no longer follows upstream.
func (j *judge) upstreamChanged() []Finding {
	// What a copy took from lives on where it was copied to, and follows
	// upstream there: its removal afterwards replaces nothing by hand.
	var copied []string
	for _, a := range j.locked.Actions {
		if a.source != "" {
			copied = append(copied, a.source)
		}
	}
	var out []Finding
	keys := slices.Sorted(maps.Keys(j.locked.before))
	for _, a := range j.locked.Actions {
		prefix := snapKey(a.Index, "")
		var diffs []string
		for _, key := range keys {
			ptr, ok := strings.CutPrefix(key, prefix)
			if !ok {
				continue
			}
			cb, in := j.cand.before[key]
			if !in || slices.ContainsFunc(copied, func(src string) bool { return src == ptr || strings.HasPrefix(src, ptr+"/") }) {
				continue
			}
			lwire, lown, _ := strings.Cut(j.locked.before[key], "\x00")
			cwire, cown, _ := strings.Cut(cb, "\x00")
			// Both its wire form and its own text must have changed: a
			// schema moved into components changes only the text, a
			// change inside a schema it refers to only the wire form (and
			// is judged where that schema is used).
			if lwire == cwire || lown == cown {
				continue
			}
			if canonicalJSON(wireAt(j.wl, ptr)) != canonicalJSON(wireAt(j.wc, ptr)) {
				continue // the overlay's result changed with it
			}
			// The text's difference names what changed ($refs kept: a
			// variant added to a union reads as its schema's name); the
			// wire form's, what changed inside.
			d := wireDiff(decodeJSON(lown), decodeJSON(cown), 4)
			if len(d) == 0 || !strings.Contains(strings.Join(d, ""), "$ref") {
				d = wireDiff(decodeJSON(lwire), decodeJSON(cwire), 4)
			}
			diffs = append(diffs, fmt.Sprintf("%s (%s)", ptr, strings.Join(d, "; ")))
		}
		if len(diffs) > 0 {
			out = append(out, Finding{Breaking: true, Kind: "upstream-changed", Msg: fmt.Sprintf(
				"upstream changed what %s replaces: %s; what the overlay produces there is unchanged, so the client would not follow: "+
					"update the action (or what it writes) in %s to upstream's new text, or confirm that the overlay must keep departing from it",
				a.Name(), strings.Join(diffs, "; "), j.locked.Overlay)})
		}
	}
	return out
}

// decodeJSON is a wire form back from its canonical JSON.
func decodeJSON(s string) any {
	var v any
	_ = json.Unmarshal([]byte(s), &v)
	return v
}
