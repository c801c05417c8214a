// Package spec keeps the upstream OpenAPI document an input rather than a
// source file: it fetches the document, checks it against api/openapi.lock,
// and validates it with the project's overlay applied exactly as the
// generator applies it. It is used by `make spec` (internal/cmd/spec) and by
// tests that need the spec on disk.
package spec
