package nitrotest

import (
	"github.com/getkin/kin-openapi/openapi3"

	"github.com/nitrokit/nitro/nitrotest/internal/api"
)

// OpenAPI returns the Nitro Sign spec a Server validates requests against:
// the locked upstream spec with this module's overlay applied, compiled into
// the package, so it needs no file. The operationIds are upstream's. Each
// call decodes a fresh copy, which the caller may change.
func OpenAPI() (*openapi3.T, error) { return api.GetSpec() }
