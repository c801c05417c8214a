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
}

// successKind is how an operation's 2xx answer reaches the caller.
type successKind int

const (
	successEmpty  successKind = iota // no body: the method returns only an error
	successJSON                      // decoded into the generated type
	successStream                    // binary: copied to an io.Writer
)

// loadOperations lists the operations of the spec at specPath, with its
// overlay, that are tagged with one of tags.
func loadOperations(specPath, overlayPath string, tags []string) ([]operation, error) {
	doc, err := spec.Load(specPath, overlayPath)
	if err != nil {
		return nil, err
	}
	return operationsOf(doc, tags)
}

// operationsOf lists doc's operations tagged with one of tags, sorted by id.
func operationsOf(doc *openapi3.T, tags []string) ([]operation, error) {
	var ops []operation
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if !slices.ContainsFunc(op.Tags, func(t string) bool { return slices.Contains(tags, t) }) {
				continue
			}
			if op.OperationID == "" {
				return nil, fmt.Errorf("%s %s has no operationId: name it in the overlay", method, path)
			}
			ops = append(ops, operation{id: op.OperationID, method: strings.ToUpper(method), path: path,
				summary: strings.TrimSpace(op.Summary), success: successOf(op.Responses.Map())})
		}
	}
	slices.SortFunc(ops, func(a, b operation) int { return cmp.Compare(a.id, b.id) })
	return ops, nil
}

// successOf classifies the 2xx responses: JSON if any is JSON, else a stream
// if any has content, else empty.
func successOf(responses map[string]*openapi3.ResponseRef) successKind {
	kind := successEmpty
	for code, r := range responses {
		if !strings.HasPrefix(code, "2") || r.Value == nil {
			continue
		}
		for ct := range r.Value.Content {
			if strings.Contains(ct, "json") {
				return successJSON
			}
			kind = successStream
		}
	}
	return kind
}
