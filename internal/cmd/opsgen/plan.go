package main

import (
	"fmt"
	"go/token"
	"maps"
	"slices"
	"strings"
)

// method is one typed Client method to write.
type method struct {
	op      operation
	raw     rawMethod // the raw client call it makes
	params  []param   // its parameters after ctx
	result  string    // the decoded type, for successJSON
	bodyArg string    // the union body to check before sending, if any
}

// plan pairs each operation with its raw method and decoded type. It fails,
// naming the operation, where the generated code and the spec disagree or
// where only a human can choose the shape.
func plan(ops []operation, g *generated, own map[string]bool) ([]method, error) {
	var out []method
	for _, op := range ops {
		raws := g.methods[op.method+" "+op.path]
		if len(raws) == 0 {
			return nil, fmt.Errorf("%s (%s %s): no raw client method: was gen regenerated?", op.id, strings.ToUpper(op.method), op.path)
		}
		raw := preferTyped(raws)
		name := strings.TrimSuffix(raw.name, "WithBody")
		if own["(*Client)."+name] {
			if op.deprecated && !own["deprecated:(*Client)."+name] {
				return nil, fmt.Errorf("%s (%s %s) is deprecated upstream, but its handwritten (*Client).%s does not say so: "+
					"add a \"Deprecated:\" paragraph to its doc comment (the generated methods carry one)", op.id, op.method, op.path, name)
			}
			continue // written by hand
		}
		m := method{op: op, raw: raw}
		for _, p := range raw.params {
			switch {
			case strings.HasPrefix(p.typ, "*") && strings.HasSuffix(p.typ, "Params"):
				// Query parameters by value: the zero value sends none.
				m.params = append(m.params, param{p.name, strings.TrimPrefix(p.typ, "*")})
			case p.name == "body" && p.typ != "io.Reader":
				m.bodyArg = p.name // a JSON body: checked for nulls before sending
				m.params = append(m.params, param{p.name, g.resolve(p.typ)})
			default:
				m.params = append(m.params, param{p.name, g.resolve(p.typ)})
			}
		}
		byHand := fmt.Sprintf("write (*Client).%s by hand in a file of the package (not .gen.go)", name)
		switch op.success {
		case successMixed:
			return nil, fmt.Errorf("%s answers a mix of JSON, binary and empty successes: %s", op.id, byHand)
		case successJSON:
			types := slices.Sorted(maps.Values(g.successTypes[name]))
			types = slices.Compact(types)
			if len(types) != 1 {
				return nil, fmt.Errorf("%s answers %d success types %v: %s", op.id, len(types), g.successTypes[name], byHand)
			}
			if !token.IsIdentifier(strings.TrimPrefix(types[0], "[]")) {
				return nil, fmt.Errorf("%s answers an unnamed type %s: name its schema in the overlay (a components schema, or x-go-name)", op.id, types[0])
			}
			m.result = types[0]
		}
		out = append(out, m)
	}
	return out, nil
}

// preferTyped picks the typed-body variant of an operation's raw methods
// (CreateEnvelope over CreateEnvelopeWithBody); an operation with only a
// raw body (multipart) keeps its WithBody method.
func preferTyped(raws []rawMethod) rawMethod {
	for _, r := range raws {
		if !strings.HasSuffix(r.name, "WithBody") && !strings.HasSuffix(r.name, "WithFormdataBody") {
			return r
		}
	}
	for _, r := range raws {
		if strings.HasSuffix(r.name, "WithBody") {
			return r
		}
	}
	return raws[0]
}
