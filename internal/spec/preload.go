package spec

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/speakeasy-api/openapi/overlay"
	"gopkg.in/yaml.v3"
)

// Preloading. Some upstream documents cannot be loaded at all: the PDF
// Services spec answers every error with a $ref to components.responses,
// which it never defines, and kin-openapi (the validator's loader and the
// generator's) stops before any overlay could be applied, since the
// generator applies its overlay to the loaded document. For those, an
// optional api/<name>/preload.yaml, an OpenAPI Overlay like overlay.yaml, is
// applied to the raw bytes' node tree before anything resolves a reference.
// The lock still hashes the raw bytes (sha256 and canonical form); the
// preloaded document is what is validated with overlay.yaml and generated
// from (api/<name>/openapi.preloaded.json, gitignored like the raw spec).

// PreloadFile is the name of an API's optional preload overlay.
const PreloadFile = "preload.yaml"

// PreloadedFile is the name of the loadable document written beside the raw
// api/<name>/openapi.json when the API has a preload overlay.
const PreloadedFile = "openapi.preloaded.json"

// PreloadPath returns dir's preload overlay, or "" when it has none.
func PreloadPath(dir string) string {
	p := filepath.Join(dir, PreloadFile)
	if _, err := os.Stat(p); err != nil {
		return ""
	}
	return p
}

// Preload applies the overlay at overlayPath to the raw spec b on its node
// tree, before anything resolves the document's references, and returns the
// result as JSON (members in the document's own order) and what each action
// did. Its actions are numbered by their "# Defect N:" comments like
// overlay.yaml's. Strict, unlike overlay.yaml: the preload fixes what keeps
// the document from loading, so an action that matches nothing, or an
// update that would merge into a component upstream now defines itself,
// means upstream has changed the very thing the preload repairs, and fails
// with the action and the JSON pointer, to be looked at before accepting.
func Preload(b []byte, overlayPath string) ([]byte, *Report, error) {
	// A JSON spec (every one so far) is parsed as JSON, which is the same
	// node tree the YAML parser makes of it, faster.
	root, err := jsonNode(b)
	if err != nil {
		root = &yaml.Node{}
		if err := yaml.Unmarshal(b, root); err != nil {
			return nil, nil, fmt.Errorf("preload: parse the spec: %w", err)
		}
	}
	o, results, err := parseOverlay(overlayPath)
	if err != nil {
		return nil, nil, fmt.Errorf("preload: %w", err)
	}
	rep := &Report{Overlay: overlayPath, Actions: results, preload: true}
	for i, a := range o.Actions {
		res := &rep.Actions[i]
		q, err := o.NewPath(a.Target, nil)
		if err != nil {
			return nil, rep, fmt.Errorf("preload %s: %s: target %q is not RFC 9535 JSONPath: %w", overlayPath, res.Name(), a.Target, err)
		}
		nodes := q.Query(root)
		res.Matches = len(nodes)
		if res.Matches == 0 {
			return nil, rep, fmt.Errorf("preload %s: %s (target %s) matches nothing: upstream has changed what it repairs; "+
				"if upstream fixed defect %d (its documents now load without it), delete the action and its comment (and the preload file once it has no action left); "+
				"if upstream moved what it repairs, re-target the action",
				overlayPath, res.Name(), a.Target, res.Defect)
		}
		ptrs := pointers(root)
		for _, n := range nodes {
			p := ptrs[n]
			if a.Remove {
				rep.touched = append(rep.touched, touch{ptr: p, action: *res, remove: true})
				continue
			}
			if a.Update.IsZero() {
				continue
			}
			if c := preloadCollision(p, n, &a.Update); c != "" {
				return nil, rep, fmt.Errorf("preload %s: %s adds %s, but upstream now defines it: "+
					"the preload would merge into upstream's own; if upstream fixed defect %d, delete the action, else rename or drop the member",
					overlayPath, res.Name(), c, res.Defect)
			}
			_ = rep.recordUpdate(p, n, &a.Update, *res)
		}
		one := &overlay.Overlay{Version: o.Version, JSONPathVersion: o.JSONPathVersion, Info: o.Info, Actions: []overlay.Action{a}}
		if err := one.ApplyTo(root); err != nil {
			return nil, rep, fmt.Errorf("preload %s: action %d (defect %d, target %s): %w", overlayPath, res.Index, res.Defect, a.Target, err)
		}
	}
	var buf bytes.Buffer
	if err := writeJSON(&buf, root, ""); err != nil {
		return nil, rep, fmt.Errorf("preload: %w", err)
	}
	buf.WriteByte('\n')
	return buf.Bytes(), rep, nil
}

// preloadCollision returns the JSON pointer of a component (a member of
// /components/<kind>) that the update at ptr adds and the target already
// has, or "".
func preloadCollision(ptr string, target, update *yaml.Node) string {
	var walk func(p string, t, u *yaml.Node) string
	walk = func(p string, t, u *yaml.Node) string {
		if t == nil || t.Kind != yaml.MappingNode || u.Kind != yaml.MappingNode {
			return ""
		}
		for k := 0; k+1 < len(u.Content); k += 2 {
			key := u.Content[k].Value
			sub := p + "/" + escape(key)
			theirs := get(t, key)
			if theirs == nil {
				continue
			}
			if strings.HasPrefix(sub, "/components/") && strings.Count(sub, "/") == 3 {
				return sub
			}
			if c := walk(sub, theirs, u.Content[k+1]); c != "" {
				return c
			}
		}
		return ""
	}
	return walk(ptr, target, update)
}

// writeJSON writes n as indented JSON, keeping the order of mapping keys.
func writeJSON(buf *bytes.Buffer, n *yaml.Node, indent string) error {
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) != 1 {
			return fmt.Errorf("a document of %d nodes", len(n.Content))
		}
		return writeJSON(buf, n.Content[0], indent)
	case yaml.AliasNode:
		return writeJSON(buf, n.Alias, indent)
	case yaml.MappingNode:
		if len(n.Content) == 0 {
			buf.WriteString("{}")
			return nil
		}
		buf.WriteString("{\n")
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, err := marshal(n.Content[i].Value)
			if err != nil {
				return err
			}
			buf.WriteString(indent + "  ")
			buf.Write(k)
			buf.WriteString(": ")
			if err := writeJSON(buf, n.Content[i+1], indent+"  "); err != nil {
				return err
			}
			if i+2 < len(n.Content) {
				buf.WriteByte(',')
			}
			buf.WriteByte('\n')
		}
		buf.WriteString(indent + "}")
	case yaml.SequenceNode:
		if len(n.Content) == 0 {
			buf.WriteString("[]")
			return nil
		}
		buf.WriteString("[\n")
		for i, c := range n.Content {
			buf.WriteString(indent + "  ")
			if err := writeJSON(buf, c, indent+"  "); err != nil {
				return err
			}
			if i+1 < len(n.Content) {
				buf.WriteByte(',')
			}
			buf.WriteByte('\n')
		}
		buf.WriteString(indent + "]")
	case yaml.ScalarNode:
		var v any
		switch n.ShortTag() {
		case "!!str", "!!binary", "!!timestamp":
			v = n.Value
		default:
			if err := n.Decode(&v); err != nil {
				return fmt.Errorf("line %d: %w", n.Line, err)
			}
		}
		b, err := marshal(v)
		if err != nil {
			return fmt.Errorf("line %d: %w", n.Line, err)
		}
		buf.Write(b)
	default:
		return fmt.Errorf("line %d: unexpected YAML node kind %d", n.Line, n.Kind)
	}
	return nil
}

// marshal is json.Marshal without HTML escaping (upstream's "<b>" stays
// readable in the written document).
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}
