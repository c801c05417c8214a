package spec

import (
	"cmp"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/speakeasy-api/openapi/overlay"
	"gopkg.in/yaml.v3"
)

// Overlay guards. OpenAPI Overlay 1.0 has no conditionals, so every action
// of api/<name>/overlay.yaml carries its guard in its target: a JSONPath
// (RFC 9535) filter selector that matches only while the defect exists, or a
// name that exists only while it does. An action whose target matches
// nothing is therefore an upstream change, not an error: applyOverlay
// records what each action matched and overwrote, and Compare judges each
// action that no longer matches against the locked spec: redundant (upstream
// now has what it produced), gone (upstream moved or renamed its target) or
// changed (upstream now has something else there). The generator's own
// overlay loader must then run non-strict (strict mode fails on a target
// that matches nothing); the checks strict mode stood for are here,
// stronger: schema name collisions, unions and merged objects checked
// against upstream, and a JSON pointer in every error.

// Report is what the overlay did, action by action.
type Report struct {
	Overlay string
	Actions []ActionResult
	// touched maps JSON pointers to the action that wrote or removed them.
	touched []touch
	// preload: this is the report of a preload overlay (see Preload).
	preload bool
	// pre is the report of the preload applied before this overlay, if any:
	// Touched falls back on it.
	pre *Report
	// locked is the report of the same overlay on the locked spec, when
	// this one is a candidate's (see Compare): Touched falls back on it, so
	// that upstream's text where an action used to write says so.
	locked *Report
	// root is the document the overlay produced, as a node tree.
	root *yaml.Node
	// before holds, with snapshots on, the wire form (see wireJSON) of what
	// each action overwrote or removed, keyed by snapKey: what Compare
	// needs to tell an upstream change under an action.
	before map[string]string
}

type touch struct {
	ptr    string
	action ActionResult
	remove bool
}

func snapKey(action int, ptr string) string { return strconv.Itoa(action) + "\x00" + ptr }

// Redundant describes the actions that matched nothing. On its own, one
// run of the overlay cannot tell an upstream fix from an upstream move:
// Compare (make drift, make spec-update) judges each such action against the
// locked spec. Empty when every action applied.
func (r *Report) Redundant() []string {
	if r == nil {
		return nil
	}
	var idx []string
	for _, a := range r.Actions {
		if a.Matches == 0 {
			idx = append(idx, a.Name())
		}
	}
	if len(idx) == 0 {
		return nil
	}
	return []string{fmt.Sprintf("%d action(s) of %s match nothing in this spec: %s. "+
		"Upstream changed what they fix: `make drift` says, action by action, whether upstream fixed it (delete the action) or moved it (re-target the action)",
		len(idx), r.Overlay, strings.Join(idx, "; "))}
}

// Touched says whether the overlay wrote or removed the node at ptr (or one
// that contains it), for error messages.
func (r *Report) Touched(ptr string) string {
	if r == nil {
		return ""
	}
	t, ok := r.touchAt(ptr)
	if !ok {
		if r.pre != nil {
			return r.pre.Touched(ptr)
		}
		if r.locked != nil {
			if lt, ok := r.locked.touchAt(ptr); ok {
				return fmt.Sprintf("upstream's own text here, but in the locked spec %s wrote %s: that action no longer applies", lt.action.Name(), lt.ptr)
			}
		}
		return "upstream's own text; the overlay does not touch it"
	}
	verb := "written by"
	if t.remove {
		verb = "replaced after removal by"
	}
	if r.preload {
		return fmt.Sprintf("%s preload %s of %s at %s", verb, t.action.Name(), r.Overlay, t.ptr)
	}
	return fmt.Sprintf("%s overlay %s at %s", verb, t.action.Name(), t.ptr)
}

// touchAt is the last action that wrote or removed ptr or its closest
// ancestor.
func (r *Report) touchAt(ptr string) (touch, bool) {
	best := -1
	for i, t := range r.touched {
		if (ptr == t.ptr || strings.HasPrefix(ptr, t.ptr+"/")) && (best < 0 || len(t.ptr) >= len(r.touched[best].ptr)) {
			best = i
		}
	}
	if best < 0 {
		return touch{}, false
	}
	return r.touched[best], true
}

// removedBy names the action that removed ptr (or an ancestor), when ptr
// no longer exists: what a dangling $ref to it should say.
func (r *Report) removedBy(ptr string) string {
	if r == nil || r.root == nil || at(r.root, ptr) != nil {
		return ""
	}
	for i := len(r.touched) - 1; i >= 0; i-- {
		t := r.touched[i]
		if t.remove && (ptr == t.ptr || strings.HasPrefix(ptr, t.ptr+"/")) {
			return fmt.Sprintf("%s removed %s", t.action.Name(), t.ptr)
		}
	}
	if r.pre != nil {
		return r.pre.removedBy(ptr)
	}
	return ""
}

type actionKind int

const (
	updateAction actionKind = iota
	removeAction
	copyAction
)

// kindOf follows the library's priority: remove, then update, then copy.
func kindOf(a overlay.Action) actionKind {
	switch {
	case a.Remove:
		return removeAction
	case !a.Update.IsZero():
		return updateAction
	case a.Copy != "":
		return copyAction
	}
	return updateAction
}

// applyOverlay applies the overlay at path to root one action at a time,
// exactly as the generator does (non-strict), and checks what it does.
// With snapshots, the report keeps what each action overwrote, for Compare.
func applyOverlay(root *yaml.Node, path string, snapshots bool) (*Report, error) {
	o, results, err := parseOverlay(path)
	if err != nil {
		return nil, err
	}
	ap := &applier{o: o, path: path, root: root, idx: newPtrIndex(root), copies: copyLedger{},
		rep: &Report{Overlay: path, Actions: results, root: root}}
	if snapshots {
		ap.rep.before = map[string]string{}
	}
	for i, a := range o.Actions {
		if err := ap.apply(a, &ap.rep.Actions[i]); err != nil {
			return nil, err
		}
	}
	if err := ap.copies.err(path); err != nil {
		return ap.rep, err
	}
	if err := checkUnions(root, ap.removedUnions, ap.copies, path); err != nil {
		return ap.rep, err
	}
	if err := checkDiscriminators(root, ap.rep); err != nil {
		return ap.rep, err
	}
	return ap.rep, nil
}

// applier applies an overlay's actions one at a time, recording what each
// matched, wrote and (with snapshots) overwrote.
type applier struct {
	o             *overlay.Overlay
	path          string
	root          *yaml.Node
	rep           *Report
	idx           *ptrIndex
	removedUnions []removedUnion
	copies        copyLedger
}

// apply applies one action and records it in res.
func (ap *applier) apply(a overlay.Action, res *ActionResult) error {
	kind := kindOf(a)
	nodes, src, err := ap.query(a, res, kind)
	if err != nil {
		return err
	}
	res.Matches = len(nodes)
	w := newWire(ap.root) // the tree does not change until the action applies
	for _, n := range nodes {
		if err := ap.record(a, res, kind, n, src, w); err != nil {
			return err
		}
	}
	if len(nodes) == 0 {
		return nil
	}
	if kind == removeAction {
		// As the library removes (a value with its key, an item from its
		// list), without the parent index it builds of the whole document
		// for every removal: the pointers are known.
		for i, n := range nodes {
			parent := parentPtr(res.targets[i])
			if pn := at(ap.root, parent); pn != nil {
				removeChild(pn, n)
				ap.idx.walk(pn, parent) // a removal from a list shifts its later items
			}
		}
		return nil
	}
	one := &overlay.Overlay{Version: ap.o.Version, JSONPathVersion: ap.o.JSONPathVersion, Info: ap.o.Info, Actions: []overlay.Action{a}}
	if err := one.ApplyTo(ap.root); err != nil {
		return fmt.Errorf("%s: %s (target %s): %w", ap.path, res.Name(), a.Target, err)
	}
	for i, n := range nodes {
		ap.idx.walk(n, res.targets[i])
	}
	return nil
}

// query finds what an action targets and, for a copy, its source. A copy
// whose source matches nothing targets nothing: it is judged like a target
// that matches nothing.
func (ap *applier) query(a overlay.Action, res *ActionResult, kind actionKind) ([]*yaml.Node, *yaml.Node, error) {
	q, err := ap.o.NewPath(a.Target, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %s: target %q is not RFC 9535 JSONPath: %w", ap.path, res.Name(), a.Target, err)
	}
	nodes := q.Query(ap.root)
	if kind != copyAction {
		return nodes, nil, nil
	}
	sq, err := ap.o.NewPath(a.Copy, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %s: copy source %q is not RFC 9535 JSONPath: %w", ap.path, res.Name(), a.Copy, err)
	}
	switch srcs := sq.Query(ap.root); len(srcs) {
	case 0:
		return nil, nil, nil
	case 1:
		res.source = ap.idx.ptrs[srcs[0]]
		return nodes, srcs[0], nil
	default:
		return nil, nil, fmt.Errorf("%s: %s: copy source %s matches %d nodes; it must name one", ap.path, res.Name(), a.Copy, len(srcs))
	}
}

// record notes what the action does to the node n: what it removes or
// writes, the unions it removes, what a copy brings, and (with snapshots)
// what it overwrites, before it is done.
func (ap *applier) record(a overlay.Action, res *ActionResult, kind actionKind, n, src *yaml.Node, w *wire) error {
	rep := ap.rep
	p := ap.idx.ptrs[n]
	res.targets = append(res.targets, p)
	if kind == removeAction {
		res.written = append(res.written, []string{p})
		rep.touched = append(rep.touched, touch{ptr: p, action: *res, remove: true})
		if vs := refVariants(n); vs != nil {
			ap.removedUnions = append(ap.removedUnions, removedUnion{ptr: p, variants: vs, mapping: mappingOf(n), action: *res})
		}
		if rep.before != nil {
			rep.before[snapKey(res.Index, p)] = snapshot(w, n)
		}
		return nil
	}
	u := &a.Update
	if kind == copyAction {
		u = src
	}
	if err := checkCollisions(p, n, u, *res, ap.path); err != nil {
		return err
	}
	res.written = append(res.written, rep.recordUpdate(p, n, u, *res))
	if kind == copyAction {
		ap.copies.record(w, p, res.source, src, *res)
	} else if rep.before != nil {
		overwritten(p, n, u, func(ptr string, old *yaml.Node) {
			rep.before[snapKey(res.Index, ptr)] = snapshot(w, old)
		})
	}
	return nil
}

// removeChild removes the node n from parent: a mapping's value with its
// key, or a list's item (the overlay library's removeNode).
func removeChild(parent, n *yaml.Node) {
	if parent == nil {
		return
	}
	for i, c := range parent.Content {
		if c != n {
			continue
		}
		switch parent.Kind {
		case yaml.MappingNode:
			if i%2 == 1 {
				parent.Content = append(parent.Content[:i-1], parent.Content[i+1:]...)
			} else {
				parent.Content = append(parent.Content[:i], parent.Content[i+2:]...)
			}
		case yaml.SequenceNode:
			parent.Content = append(parent.Content[:i], parent.Content[i+1:]...)
		}
		return
	}
}

// snapshot is what Compare keeps of a node an action overwrites: its wire
// form and its own text (see ownJSON).
func snapshot(w *wire, n *yaml.Node) string { return canonicalJSON(w.of(n)) + "\x00" + ownJSON(n) }

// overwritten calls f with each node of target that merging update into it
// replaces rather than merges into: a member both have that is not a
// mapping on both sides.
func overwritten(ptr string, target, update *yaml.Node, f func(ptr string, old *yaml.Node)) {
	if target.Kind != yaml.MappingNode || update.Kind != yaml.MappingNode {
		f(ptr, target)
		return
	}
	for k := 0; k+1 < len(update.Content); k += 2 {
		key := update.Content[k].Value
		old := get(target, key)
		if old == nil {
			continue
		}
		overwritten(ptr+"/"+escape(key), old, update.Content[k+1], f)
	}
}

// ptrIndex maps the nodes of a document to their JSON pointers. It is
// built once and refreshed under each node an action changes.
type ptrIndex struct{ ptrs map[*yaml.Node]string }

func newPtrIndex(root *yaml.Node) *ptrIndex {
	x := &ptrIndex{ptrs: map[*yaml.Node]string{}}
	x.walk(root, "")
	return x
}

func (x *ptrIndex) walk(n *yaml.Node, p string) {
	x.ptrs[n] = p
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			x.walk(c, p)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			x.walk(n.Content[i+1], p+"/"+escape(n.Content[i].Value))
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			x.walk(c, p+"/"+strconv.Itoa(i))
		}
	}
}

// parentPtr is the pointer of ptr's parent ("" for the root).
func parentPtr(ptr string) string {
	if i := strings.LastIndex(ptr, "/"); i > 0 {
		return ptr[:i]
	}
	return ""
}

// recordUpdate records what an update of the node n at ptr writes, and
// returns its pointers: each member it merges into a mapping, else the
// node itself.
func (r *Report) recordUpdate(ptr string, n, update *yaml.Node, a ActionResult) []string {
	if update.Kind == yaml.MappingNode && n.Kind == yaml.MappingNode {
		var ptrs []string
		for k := 0; k+1 < len(update.Content); k += 2 {
			p := ptr + "/" + escape(update.Content[k].Value)
			r.touched = append(r.touched, touch{ptr: p, action: a})
			ptrs = append(ptrs, p)
		}
		return ptrs
	}
	r.touched = append(r.touched, touch{ptr: ptr, action: a})
	return []string{ptr}
}

// checkCollisions fails when an update adds a schema (or any member of
// components) whose name upstream already defines: the overlay would merge
// into upstream's schema and silently produce a hybrid type.
func checkCollisions(ptr string, target, update *yaml.Node, a ActionResult, path string) error {
	if !strings.HasPrefix(ptr, "/components/") || strings.Count(ptr, "/") != 2 || target.Kind != yaml.MappingNode || update.Kind != yaml.MappingNode {
		return nil
	}
	for k := 0; k+1 < len(update.Content); k += 2 {
		ours := update.Content[k].Value
		for j := 0; j+1 < len(target.Content); j += 2 {
			theirs := target.Content[j].Value
			if goName(theirs) == goName(ours) {
				return fmt.Errorf("%s: %s adds %s/%s, but upstream now defines %s/%s (the same Go type name %q): "+
					"the overlay would merge into upstream's schema and generate a hybrid type. Rename the overlay's %q "+
					"(and its $refs) in %s, or, if upstream's %q is the fix, delete the action",
					path, a.Name(), ptr, ours, ptr, theirs, goName(ours), ours, path, theirs)
			}
		}
	}
	return nil
}

// goName approximates the Go identifier oapi-codegen derives from a name:
// letters and digits, case-insensitive.
func goName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

type removedUnion struct {
	ptr      string
	variants []string
	mapping  map[string]string // its discriminator's mapping, if any
	action   ActionResult
}

// mappingOf is a union's discriminator mapping (value to $ref), or nil.
func mappingOf(n *yaml.Node) map[string]string {
	mapping := get(get(n, "discriminator"), "mapping")
	if mapping == nil || mapping.Kind != yaml.MappingNode {
		return nil
	}
	m := map[string]string{}
	for i := 0; i+1 < len(mapping.Content); i += 2 {
		m[mapping.Content[i].Value] = mapping.Content[i+1].Value
	}
	return m
}

// refVariants returns the $refs of a schema that is a oneOf of $refs.
func refVariants(n *yaml.Node) []string {
	one := get(n, "oneOf")
	if one == nil || one.Kind != yaml.SequenceNode {
		return nil
	}
	var vs []string
	for _, v := range one.Content {
		if r := get(v, "$ref"); r != nil {
			vs = append(vs, r.Value)
		}
	}
	slices.Sort(vs)
	return vs
}

// checkUnions checks each union the overlay wrote by hand against the
// upstream union it replaced: a variant upstream adds (a new field type, a
// new document status schema) must be added to the overlay's union, or the
// generated code would fail to decode it ("unknown discriminator value").
func checkUnions(root *yaml.Node, removed []removedUnion, copies copyLedger, path string) error {
	w := newWire(root)
	var errs []string
	for _, u := range removed {
		n := at(root, u.ptr)
		if n == nil {
			continue
		}
		ref := get(n, "$ref")
		if ref == nil {
			continue
		}
		// A mapping upstream declares must agree with the overlay's union
		// replacing it: a value mapped to another variant would make the
		// union's FromX write the wrong value and decoding pick the wrong
		// variant.
		name, union := unionOf(root, ref.Value)
		ourMapping := mappingOf(union)
		for _, v := range slices.Sorted(maps.Keys(u.mapping)) {
			if ours, ok := ourMapping[v]; ok && ours != u.mapping[v] {
				errs = append(errs, fmt.Sprintf("upstream's union at %s (replaced by %s) maps %q to %s, but the overlay's %s maps it to %s: "+
					"one of them is wrong; check which variant allows %q and fix the overlay's mapping in %s (or add a guarded action fixing upstream's)",
					u.ptr, u.action.Name(), v, u.mapping[v], name, ours, v, path))
			}
		}
		// A variant the overlay moved rather than dropped is accounted for:
		// nested in a union inside the replacement (a result wrapped in
		// {"result": oneOf(...)}), or answered by another response of the
		// same operation (a job moved from the 200's oneOf to a 202). Only
		// the others must be in the replacement itself.
		moved := movedVariants(root, u.ptr, ref.Value)
		u.variants = slices.DeleteFunc(slices.Clone(u.variants), func(v string) bool { return moved[v] })
		if len(u.variants) == 0 {
			continue
		}
		if union == nil {
			// The overlay may merge a union's variants into one object
			// (Document, Field): then every member and every enum value of
			// each upstream variant must be in the object.
			if mname, merged := mergedOf(root, ref.Value); merged != nil {
				for _, l := range mergedLacks(root, merged, u.variants) {
					fix := fmt.Sprintf("add it to %s in %s", cmp.Or(l.where, mname), path)
					if _, derived := copies[mname+"/properties"]; derived && l.where == "" {
						// The object is derived by copies: a variant it lacks
						// members of is a variant it does not copy.
						fix = fmt.Sprintf("%s copies its variants' members: add a copy of %s's properties into %s/properties in %s",
							refName(mname), l.variant, mname, path)
					}
					errs = append(errs, fmt.Sprintf("upstream's union at %s (replaced by %s) has %s that the overlay's %s lacks: %s",
						u.ptr, u.action.Name(), l.what, mname, fix))
				}
				errs = append(errs, mergedConflicts(w, mname, merged, u, u.variants, path)...)
			}
			continue
		}
		ours := unionVariants(union)
		// Only what upstream has and ours lacks is an error: a union of ours
		// may be wider on purpose (updateDocument's upstream union names two
		// statuses; a document in any status can be updated).
		if missing := diffSets(u.variants, ours); len(missing) > 0 {
			errs = append(errs, fmt.Sprintf("upstream's union at %s (replaced by %s) has variant(s) %s that the overlay's %s lacks: add them to its oneOf (and discriminator mapping) in %s",
				u.ptr, u.action.Name(), strings.Join(missing, ", "), name, path))
		}
	}
	errs = firstOfEach(errs, " (the union it replaces: ")
	if len(errs) > 0 {
		return fmt.Errorf("unions out of step with upstream:\n  %s", strings.Join(errs, "\n  "))
	}
	return nil
}

// firstOfEach sorts msgs and keeps the first of those that agree up to
// sep (the same problem, found through several unions).
func firstOfEach(msgs []string, sep string) []string {
	slices.Sort(msgs)
	return slices.CompactFunc(msgs, func(a, b string) bool {
		ka, _, _ := strings.Cut(a, sep)
		kb, _, _ := strings.Cut(b, sep)
		return ka == kb
	})
}

// unionVariants returns the $refs of a schema's oneOf and anyOf.
func unionVariants(n *yaml.Node) []string {
	var vs []string
	for _, k := range []string{"oneOf", "anyOf"} {
		if l := get(n, k); l != nil && l.Kind == yaml.SequenceNode {
			for _, v := range l.Content {
				if r := get(v, "$ref"); r != nil {
					vs = append(vs, r.Value)
				}
			}
		}
	}
	slices.Sort(vs)
	return vs
}

var responseSchemaPtr = regexp.MustCompile(`^(/paths/[^/]+/[^/]+)/responses/`)

// movedVariants returns the $refs that, after the overlay, are variants of a
// union nested in the schema ref names (through $refs, properties, items
// and compositions), and, when ptr is a response's schema, the $refs the
// operation's responses answer (as the schema or a variant of it).
func movedVariants(root *yaml.Node, ptr, ref string) map[string]bool {
	moved := map[string]bool{}
	seen := map[string]bool{}
	var walk func(s *yaml.Node, depth int)
	walk = func(s *yaml.Node, depth int) {
		if s == nil || depth > 16 {
			return
		}
		if r := get(s, "$ref"); r != nil {
			if seen[r.Value] {
				return
			}
			seen[r.Value] = true
			walk(at(root, strings.TrimPrefix(r.Value, "#")), depth+1)
			return
		}
		for _, v := range unionVariants(s) {
			moved[v] = true
		}
		if props := get(s, "properties"); props != nil && props.Kind == yaml.MappingNode {
			for i := 1; i < len(props.Content); i += 2 {
				walk(props.Content[i], depth+1)
			}
		}
		walk(get(s, "items"), depth+1)
		for _, k := range []string{"oneOf", "anyOf", "allOf"} {
			if l := get(s, k); l != nil && l.Kind == yaml.SequenceNode {
				for _, v := range l.Content {
					walk(v, depth+1)
				}
			}
		}
	}
	walk(at(root, strings.TrimPrefix(ref, "#")), 0)
	if m := responseSchemaPtr.FindStringSubmatch(ptr); m != nil {
		responses := get(at(root, m[1]), "responses")
		if responses != nil && responses.Kind == yaml.MappingNode {
			for i := 1; i < len(responses.Content); i += 2 {
				content := get(responses.Content[i], "content")
				if content == nil || content.Kind != yaml.MappingNode {
					continue
				}
				for j := 1; j < len(content.Content); j += 2 {
					schema := get(content.Content[j], "schema")
					if r := get(schema, "$ref"); r != nil {
						moved[r.Value] = true
					}
					for _, v := range unionVariants(schema) {
						moved[v] = true
					}
				}
			}
		}
	}
	return moved
}

// unionOf resolves ref to a oneOf (or anyOf) schema: the schema itself, or
// the items of a list object {"items": [union]}.
func unionOf(root *yaml.Node, ref string) (string, *yaml.Node) {
	name := strings.TrimPrefix(ref, "#")
	s := at(root, name)
	if s == nil {
		return name, nil
	}
	if get(s, "oneOf") != nil || get(s, "anyOf") != nil {
		return name, s
	}
	if r := get(get(get(get(s, "properties"), "items"), "items"), "$ref"); r != nil {
		return unionOf(root, r.Value)
	}
	return name, nil
}

// mergedOf resolves ref, through $ref chains and the items of a list object,
// to an object schema with properties, or nil.
func mergedOf(root *yaml.Node, ref string) (string, *yaml.Node) {
	for range 8 { // chains are short; the bound only guards a cycle
		name := strings.TrimPrefix(ref, "#")
		s := at(root, name)
		switch {
		case s == nil:
			return name, nil
		case get(s, "$ref") != nil:
			ref = get(s, "$ref").Value
		case get(get(get(s, "properties"), "items"), "items") != nil && get(get(get(get(s, "properties"), "items"), "items"), "$ref") != nil:
			ref = get(get(get(get(s, "properties"), "items"), "items"), "$ref").Value
		case get(s, "properties") != nil:
			return name, s
		default:
			return name, nil
		}
	}
	return ref, nil
}

// mergedLacks lists what the upstream variants have that the merged object
// lacks: members ("#/components/schemas/Stamp member stampImage"), and enum
// values of members both have ("#/components/schemas/Stamp type value
// \"stamp\"").
func mergedLacks(root, merged *yaml.Node, variants []string) []lack {
	var lacks []lack
	have := get(merged, "properties")
	for _, v := range variants {
		props := get(at(root, strings.TrimPrefix(v, "#")), "properties")
		if props == nil {
			continue
		}
		for i := 0; i+1 < len(props.Content); i += 2 {
			key := props.Content[i].Value
			ours := get(have, key)
			if ours == nil {
				lacks = append(lacks, lack{what: fmt.Sprintf("%s member %q", v, key), variant: v})
				continue
			}
			var where string // the named enum holding our values, if any
			if r := get(ours, "$ref"); r != nil {
				where = strings.TrimPrefix(r.Value, "#")
			}
			for _, val := range diffSets(enumOf(root, props.Content[i+1]), enumOf(root, ours)) {
				lacks = append(lacks, lack{what: fmt.Sprintf("%s %s value %q", v, key, val), where: where})
			}
		}
	}
	return lacks
}

// lack is one thing a merged object lacks, and where to add it when that is
// not the object itself (a named enum it refers to).
type lack struct{ what, where, variant string }

// enumOf is a schema's enum values, following a $ref; nil for none.
func enumOf(root, s *yaml.Node) []string {
	if r := get(s, "$ref"); r != nil {
		s = at(root, strings.TrimPrefix(r.Value, "#"))
	}
	e := get(s, "enum")
	if e == nil || e.Kind != yaml.SequenceNode {
		return nil
	}
	var out []string
	for _, v := range e.Content {
		out = append(out, v.Value)
	}
	return out
}

// checkDiscriminators checks every discriminated union: each value its
// variants allow for the discriminating property must be mapped, so a new
// enum value upstream (a new field type) fails here, not at decode time.
func checkDiscriminators(root *yaml.Node, rep *Report) error {
	schemas := get(get(root, "components"), "schemas")
	if schemas == nil {
		return nil
	}
	type key struct{ union, value string }
	unmapped := map[key][]string{}
	var keys []key
	var contradictions []string
	for i := 0; i+1 < len(schemas.Content); i += 2 {
		name, s := schemas.Content[i].Value, schemas.Content[i+1]
		prop := get(get(s, "discriminator"), "propertyName")
		mapping := get(get(s, "discriminator"), "mapping")
		if prop == nil || mapping == nil {
			continue
		}
		mapped := map[string]bool{}
		for j := 0; j+1 < len(mapping.Content); j += 2 {
			value, ref := mapping.Content[j].Value, mapping.Content[j+1].Value
			mapped[value] = true
			// The variant a value maps to must allow that value: a
			// mapping that contradicts its variants (two values swapped)
			// makes From<Variant> write the wrong value.
			allowed := enumOf(root, get(get(at(root, strings.TrimPrefix(ref, "#")), "properties"), prop.Value))
			if len(allowed) > 0 && !slices.Contains(allowed, value) {
				ptr := "/components/schemas/" + escape(name) + "/discriminator/mapping/" + escape(value)
				contradictions = append(contradictions, fmt.Sprintf("the discriminator of %s maps %q to %s, whose %s allows only %v (%s; %s): "+
					"the mapping contradicts the variant; map %q to the variant that allows it (upstream's mapping: fix it with a guarded overlay action)",
					name, value, ref, prop.Value, allowed, ptr, rep.Touched(ptr), value))
			}
		}
		for _, v := range refVariants(s) {
			enum := get(get(get(at(root, strings.TrimPrefix(v, "#")), "properties"), prop.Value), "enum")
			if enum == nil {
				continue
			}
			for _, e := range enum.Content {
				if mapped[e.Value] {
					continue
				}
				k := key{name, prop.Value + "\x00" + e.Value}
				if _, ok := unmapped[k]; !ok {
					keys = append(keys, k)
				}
				unmapped[k] = append(unmapped[k], strings.TrimPrefix(v, "#"))
			}
		}
	}
	if len(keys) == 0 && len(contradictions) == 0 {
		return nil
	}
	errs := contradictions
	for _, k := range keys {
		prop, value, _ := strings.Cut(k.value, "\x00")
		ptr := "/components/schemas/" + escape(k.union) + "/discriminator/mapping"
		var where []string
		for _, v := range unmapped[k] {
			where = append(where, v+"/properties/"+prop+"/enum")
		}
		errs = append(errs, fmt.Sprintf("%s %q is allowed upstream (%s) but not mapped by the discriminator of %s (%s; %s): add it to the mapping and, if it is a new schema, to the oneOf",
			prop, value, strings.Join(where, ", "), k.union, ptr, rep.Touched(ptr)))
	}
	slices.Sort(errs)
	return fmt.Errorf("discriminators out of step with upstream:\n  %s", strings.Join(errs, "\n  "))
}

func diffSets(want, have []string) (missing []string) {
	for _, w := range want {
		if !slices.Contains(have, w) {
			missing = append(missing, w)
		}
	}
	return missing
}

// get returns the value of key in mapping n, or nil.
func get(n *yaml.Node, key string) *yaml.Node {
	if n == nil {
		return nil
	}
	if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		n = n.Content[0]
	}
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// at resolves a JSON pointer ("/components/schemas/X") in root.
func at(root *yaml.Node, ptr string) *yaml.Node {
	n := root
	if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		n = n.Content[0]
	}
	if ptr == "" || ptr == "/" {
		return n
	}
	for _, tok := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch n.Kind {
		case yaml.MappingNode:
			n = get(n, tok)
		case yaml.SequenceNode:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(n.Content) {
				return nil
			}
			n = n.Content[i]
		default:
			return nil
		}
		if n == nil {
			return nil
		}
	}
	return n
}

func escape(tok string) string {
	return strings.ReplaceAll(strings.ReplaceAll(tok, "~", "~0"), "/", "~1")
}

// pointers maps every node of root to its JSON pointer.
func pointers(root *yaml.Node) map[*yaml.Node]string { return newPtrIndex(root).ptrs }

// checkRefs fails on the first local $ref that resolves to nothing, naming
// where the $ref is and whether the overlay wrote it.
func checkRefs(root *yaml.Node, rep *Report, where string) error {
	var errs []string
	for n, p := range pointers(root) {
		r := get(n, "$ref")
		if r == nil || r.Kind != yaml.ScalarNode || !strings.HasPrefix(r.Value, "#") {
			continue
		}
		if target := strings.TrimPrefix(r.Value, "#"); at(root, target) == nil {
			msg := fmt.Sprintf("%s/$ref: %q resolves to nothing", p, r.Value)
			if by := rep.removedBy(target); by != "" {
				ref := "the $ref itself is upstream's"
				if t, ok := rep.touchAt(p); ok {
					ref = "the $ref was written by " + t.action.Name()
				}
				msg += fmt.Sprintf(" (%s; %s): upstream refers to what the overlay removes from a new place; extend the overlay to that place", by, ref)
			} else if rep != nil {
				msg += " (" + rep.Touched(p) + ")"
			} else {
				msg += " (upstream's own text, before the overlay)"
			}
			errs = append(errs, msg)
		}
	}
	if len(errs) > 0 {
		slices.Sort(errs)
		return fmt.Errorf("%s: dangling $ref:\n  %s", where, strings.Join(errs, "\n  "))
	}
	return nil
}
