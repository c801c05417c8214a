//go:build tools

// Package tools pins the code generator in go.mod, so that `go generate`
// runs the same oapi-codegen version on every machine and gen/ is
// reproducible.
//
// It is a package of its own, which nothing imports: in package nitro, which
// every user imports, the pin made `go mod tidy` in a user's module list the
// generator's modules (oapi-codegen, x/tools, speakeasy's openapi and
// theirs) among its requirements, though no build of theirs uses them.
package tools

import _ "github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen"
