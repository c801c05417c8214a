// Package spec keeps the upstream OpenAPI document an input rather than a
// source file: it fetches the document, checks it against
// api/<name>/openapi.lock, and validates it with the project's overlay
// applied as the generator applies it (Validate, Load). It judges an
// upstream candidate against the locked spec (Compare: how each overlay
// action fares, what upstream changed under what the overlay replaces,
// discriminator mappings, security, servers, deprecations and tool lists),
// and checks that the clients can send what a spec requires (CheckClient).
// It is used by `make spec`, `make spec-update`, `make generate` (through
// internal/cmd/spec), by tools/drift (through `spec resolve`), by opsgen,
// and by tests that need the spec on disk.
package spec
