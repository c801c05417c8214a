package main

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/nitrokit/nitro/internal/spec"
)

// operation is what the spec says of one operation.
type operation struct {
	id, method, path, summary string
	success                   successKind
	deprecated                bool // upstream deprecates it: its method says so
}

// successKind is how an operation's 2xx answer reaches the caller.
type successKind int

const (
	successEmpty  successKind = iota // no body: the method returns only an error
	successJSON                      // decoded into the generated type
	successStream                    // binary: copied to an io.Writer
	successMixed                     // several of those: only a human can shape it
)

// loadOperations lists the operations of the spec at specPath, with its
// overlay, that are tagged with one of tags; see operationsOf.
func loadOperations(specPath, overlayPath string, tags, rawTags []string) ([]operation, error) {
	doc, err := spec.Load(specPath, overlayPath)
	if err != nil {
		return nil, err
	}
	return operationsOf(doc, tags, rawTags)
}

// operationsOf lists doc's operations tagged with one of tags, sorted by
// id. Operations tagged with one of rawTags stay off the typed client on
// purpose; an operation with neither is an error, so a tag upstream adds is
// a decision, not an operation silently missing from the client.
func operationsOf(doc *openapi3.T, tags, rawTags []string) ([]operation, error) {
	var ops []operation
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			tagged := func(among []string) bool {
				return slices.ContainsFunc(op.Tags, func(t string) bool { return slices.Contains(among, t) })
			}
			if !tagged(tags) {
				if !tagged(rawTags) {
					return nil, fmt.Errorf("%s (%s %s) has tags %v, neither typed (%v) nor raw-only (%v): add its tag to one list in generate.go", op.OperationID, method, path, op.Tags, tags, rawTags)
				}
				continue
			}
			if op.OperationID == "" {
				return nil, fmt.Errorf("%s %s has no operationId: name it in the overlay", method, path)
			}
			ops = append(ops, operation{id: op.OperationID, method: strings.ToUpper(method), path: path,
				summary: strings.TrimSpace(op.Summary), success: successOf(op.Responses.Map()), deprecated: op.Deprecated})
		}
	}
	slices.SortFunc(ops, func(a, b operation) int { return cmp.Compare(a.id, b.id) })
	return ops, nil
}

// successOf classifies the 2xx responses: JSON, a stream (any other content
// type), empty (no content), or mixed when they differ (200 JSON, 204 none).
func successOf(responses map[string]*openapi3.ResponseRef) successKind {
	kinds := map[successKind]bool{}
	for code, r := range responses {
		if !strings.HasPrefix(code, "2") || r.Value == nil {
			continue
		}
		if len(r.Value.Content) == 0 {
			kinds[successEmpty] = true
		}
		for ct := range r.Value.Content {
			if strings.Contains(ct, "json") {
				kinds[successJSON] = true
			} else {
				kinds[successStream] = true
			}
		}
	}
	switch len(kinds) {
	case 0:
		return successEmpty
	case 1:
		for k := range kinds {
			return k
		}
	}
	return successMixed
}
