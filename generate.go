package nitro

// The generator is pinned in go.mod by internal/tools. It reads the spec that
// `make spec` checked against api/<name>/openapi.lock and applies
// api/<name>/overlay.yaml (see the config files). Run it with `make
// generate`, never by hand-editing.
//
// The client and models users import:
//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config gen/signapi/config.yaml api/sign/openapi.json
//
// The strict server stubs the fake server in nitrotest implements:
//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config nitrotest/internal/api/config.yaml api/sign/openapi.json
//
// The typed methods and documented model aliases of package sign, from the
// two above:
//go:generate go run ./internal/cmd/opsgen -spec api/sign/openapi.json -overlay api/sign/overlay.yaml -gen gen/signapi -gen-import github.com/nitrokit/nitro/gen/signapi -pkg sign -tags Sign -raw-tags Platform,Authentication
//
// The PDF Services client and models, from the locked spec made loadable by
// api/pdf/preload.yaml (`make spec` writes api/pdf/openapi.preloaded.json;
// see gen/pdfapi/config.yaml):
//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config gen/pdfapi/config.yaml api/pdf/openapi.preloaded.json
//
// The model aliases of package pdf, with their fields, from the models its
// handwritten tools table and calls reach (its methods are handwritten):
//go:generate go run ./internal/cmd/opsgen -types-only -gen gen/pdfapi -gen-import github.com/nitrokit/nitro/gen/pdfapi -pkg pdf
