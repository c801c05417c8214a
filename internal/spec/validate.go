package spec

import (
	"context"
	"fmt"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oapi-codegen/oapi-codegen/v2/pkg/util"
)

// Load reads the spec at specPath and applies the overlay at overlayPath
// (none when empty) with the generator's own loader, in strict mode, so that
// what is validated here is exactly what gen/ is generated from.
func Load(specPath, overlayPath string) (*Document, error) {
	doc, err := util.LoadSwaggerWithOverlay(specPath, util.LoadSwaggerWithOverlayOpts{
		Path:   overlayPath,
		Strict: true,
		// The spec is self-contained; refuse any remote $ref it might grow.
		AllowRemoteRefsFrom: []string{},
	})
	if err != nil {
		return nil, fmt.Errorf("load %s with overlay %s: %w", specPath, overlayPath, err)
	}
	return doc, nil
}

// Validate loads the spec with its overlay and validates it with kin-openapi,
// examples included. Errors name the offending path or schema.
func Validate(ctx context.Context, specPath, overlayPath string) (*Document, error) {
	doc, err := Load(specPath, overlayPath)
	if err != nil {
		return nil, err
	}
	if err := doc.Validate(ctx); err != nil {
		return nil, fmt.Errorf("%s (overlay %s) is not a valid OpenAPI document: %w", specPath, overlayPath, err)
	}
	return doc, nil
}

// Document is a loaded OpenAPI document.
type Document = openapi3.T
