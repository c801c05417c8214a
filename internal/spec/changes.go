package spec

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"gopkg.in/yaml.v3"
)

// changes judges what oasdiff does not, or rates only "info", between the
// post-overlay locked spec and candidate: discriminator mappings, security
// requirements, servers, deprecations and tool lists. What the candidate's
// client could not do at all is CheckClient's (breaking); these say what
// changed and what it means for the Go surface.
func changes(locked, cand *Document, lockedRoot, candRoot *yaml.Node) []Finding {
	var out []Finding
	out = append(out, discriminatorChanges(lockedRoot, candRoot)...)
	out = append(out, securityChanges(locked, cand)...)
	out = append(out, serverChanges(locked, cand)...)
	out = append(out, deprecations(locked, cand)...)
	out = append(out, toolChanges(locked, cand)...)
	return out
}

// discriminatorChanges compares every discriminator mapping, by the place
// of its union: a value now mapped to a schema of another wire form makes
// the generated union's From<Variant> write the wrong value, and decoding
// pick the wrong variant, with no compile error.
func discriminatorChanges(lockedRoot, candRoot *yaml.Node) []Finding {
	if lockedRoot == nil || candRoot == nil {
		return nil
	}
	lm, cm := mappings(lockedRoot), mappings(candRoot)
	wl, wc := newWire(lockedRoot), newWire(candRoot)
	var out []Finding
	for _, ptr := range slices.Sorted(maps.Keys(lm)) {
		cmap, ok := cm[ptr]
		if !ok {
			continue // the union itself changed or went: oasdiff and apidiff say so
		}
		lmap := lm[ptr]
		for _, v := range slices.Sorted(maps.Keys(union(lmap, cmap))) {
			lref, inL := lmap[v]
			cref, inC := cmap[v]
			switch {
			case !inC:
				out = append(out, Finding{Breaking: true, Kind: "discriminator", Msg: fmt.Sprintf(
					"the discriminator at %s no longer maps %q (it mapped it to %s): a value the union decoded before now fails or falls to another variant", ptr, v, lref)})
			case !inL:
				out = append(out, Finding{Kind: "discriminator", Msg: fmt.Sprintf("the discriminator at %s now also maps %q to %s", ptr, v, cref)})
			case lref != cref && canonicalJSON(wl.resolve(lref)) != canonicalJSON(wc.resolve(cref)):
				out = append(out, Finding{Breaking: true, Kind: "discriminator", Msg: fmt.Sprintf(
					"the discriminator at %s maps %q to %s, where it mapped it to %s: the generated union's From%s would write %q into the wrong variant "+
						"and decoding %q would pick %s; if upstream's mapping is wrong (check the variants' own values), fix it with a guarded overlay action",
					ptr, v, cref, lref, refName(cref), v, v, refName(cref))})
			}
		}
	}
	return out
}

func refName(ref string) string { return ref[strings.LastIndex(ref, "/")+1:] }

// mappings finds every discriminator mapping in a document, by the JSON
// pointer of the schema that has it.
func mappings(root *yaml.Node) map[string]map[string]string {
	out := map[string]map[string]string{}
	x := newPtrIndex(root)
	for n, p := range x.ptrs {
		if n.Kind != yaml.MappingNode {
			continue
		}
		if m := mappingOf(n); m != nil {
			out[p] = m
		}
	}
	return out
}

// paired calls f for each operation of cand that locked has too (same
// method and path), sorted by path and method.
func paired(locked, cand *Document, f func(path, method string, lop, op *openapi3.Operation)) {
	lops := opIndex(locked)
	operations(cand, func(path, method string, _ *openapi3.PathItem, op *openapi3.Operation) {
		if lop, ok := lops[strings.ToUpper(method)+" "+path]; ok {
			f(path, method, lop, op)
		}
	})
}

// securityChanges lists each operation whose effective security changed.
func securityChanges(locked, cand *Document) []Finding {
	var out []Finding
	paired(locked, cand, func(path, method string, lop, op *openapi3.Operation) {
		was, now := securityOf(locked, lop), securityOf(cand, op)
		if was != now {
			out = append(out, Finding{Kind: "security", Msg: fmt.Sprintf("%s: its security changed from %s to %s (an alternative the client cannot satisfy alone is reported as breaking)",
				opName(path, method, op), was, now)})
		}
	})
	return out
}

// securityOf spells an operation's effective security with each scheme's
// definition: alternatives separated by " or ".
func securityOf(doc *Document, op *openapi3.Operation) string {
	reqs := requirements(doc, op)
	if len(reqs) == 0 {
		return "none"
	}
	var alts []string
	for _, req := range reqs {
		var names []string
		for _, name := range slices.Sorted(maps.Keys(req)) {
			names = append(names, describeScheme(doc, name))
		}
		if len(names) == 0 {
			names = []string{"anonymous"}
		}
		alts = append(alts, strings.Join(names, " and "))
	}
	slices.Sort(alts)
	return strings.Join(alts, " or ")
}

func opIndex(doc *Document) map[string]*openapi3.Operation {
	out := map[string]*openapi3.Operation{}
	operations(doc, func(path, method string, _ *openapi3.PathItem, op *openapi3.Operation) {
		out[strings.ToUpper(method)+" "+path] = op
	})
	return out
}

func serverChanges(locked, cand *Document) []Finding {
	was, now := serverURLs(locked.Servers), serverURLs(cand.Servers)
	if slices.Equal(was, now) {
		return nil
	}
	return []Finding{{Kind: "servers", Msg: fmt.Sprintf("upstream's servers changed from %v to %v", was, now)}}
}

// deprecations lists operations upstream deprecates (or no longer does),
// with what that means for the Go surface.
func deprecations(locked, cand *Document) []Finding {
	var out []Finding
	paired(locked, cand, func(path, method string, lop, op *openapi3.Operation) {
		if lop.Deprecated == op.Deprecated {
			return
		}
		if op.Deprecated {
			out = append(out, Finding{Kind: "deprecated", Msg: fmt.Sprintf(
				"upstream deprecates %s: its generated methods (the raw client's, and the typed method opsgen writes) carry a Deprecated: line once regenerated; "+
					"a handwritten call of it (sign/, pdf/, auth/) must say so in its doc comment too (opsgen fails for sign's until it does)",
				opName(path, method, op))})
		} else {
			out = append(out, Finding{Kind: "deprecated", Msg: fmt.Sprintf("upstream no longer deprecates %s: drop Deprecated: from handwritten calls of it", opName(path, method, op))})
		}
	})
	return out
}

// toolChanges lists the tools upstream adds to or removes from an
// operation's x-nitro-tools; CheckClient says what the overlay must do.
func toolChanges(locked, cand *Document) []Finding {
	var out []Finding
	paired(locked, cand, func(path, method string, lop, op *openapi3.Operation) {
		was, now := stringList(lop.Extensions["x-nitro-tools"]), stringList(op.Extensions["x-nitro-tools"])
		added, removed := diff(now, was), diff(was, now)
		if len(added) > 0 {
			out = append(out, Finding{Kind: "tool-list", Msg: fmt.Sprintf("upstream adds tool(s) %v to %s", added, opName(path, method, op))})
		}
		if len(removed) > 0 {
			out = append(out, Finding{Breaking: true, Kind: "tool-list", Msg: fmt.Sprintf(
				"upstream removes tool(s) %v from %s: pdf.Client's calls for them (pdf/tools.go) would be refused; remove them there and their request schemas from the overlay",
				removed, opName(path, method, op))})
		}
	})
	return out
}
