package nitro

// The generator is pinned in go.mod through tools.go. It reads the spec that
// `make spec` checked against api/openapi.lock and applies api/overlay.yaml
// (see gen/config.yaml). Run it with `make generate`, never by hand-editing.
//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config gen/config.yaml api/openapi.json
