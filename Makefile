# nitro: the spec pipeline, code generation, tests and benchmarks.
# `make test` is the one command CI runs (.ci/run).

GO ?= go
SPEC_UPSTREAM := https://api.gonitro.dev/openapi.json
# The local mirror of the upstream spec, where the machine has one.
SPEC_MIRROR := ../shared/upstream/nitro-sign-openapi.json
SIGN := api/sign
SPEC_DEFAULT := $(if $(wildcard $(SPEC_MIRROR)),$(SPEC_MIRROR),$(SPEC_UPSTREAM))
SPEC_URL ?= $(SPEC_DEFAULT)
# Everything the generator writes; `verify` fails if any of it drifts.
GENERATED := gen nitrotest/internal/api sign/operations.gen.go sign/types.gen.go

.PHONY: spec spec-update generate verify drift test bench

## spec: fetch the spec, check it against api/openapi.lock, validate it with the overlay
spec:
	$(GO) run ./internal/cmd/spec -src '$(SPEC_URL)' -lock $(SIGN)/openapi.lock -overlay $(SIGN)/overlay.yaml -out $(SIGN)/openapi.json

## spec-update: accept a new upstream spec by rewriting api/openapi.lock
spec-update:
	$(GO) run ./internal/cmd/spec -src '$(SPEC_URL)' -lock $(SIGN)/openapi.lock -overlay $(SIGN)/overlay.yaml -out $(SIGN)/openapi.json -update

$(SIGN)/openapi.json:
	$(MAKE) --no-print-directory spec SPEC_URL='$(SPEC_DEFAULT)'

## generate: regenerate gen/ from api/openapi.json (byte-for-byte reproducible)
generate: $(SIGN)/openapi.json
	$(GO) generate ./...

## verify: the committed generated code is exactly what the locked spec generates
verify:
	$(MAKE) --no-print-directory spec SPEC_URL='$(SPEC_DEFAULT)'
	$(MAKE) --no-print-directory generate
	@git diff --exit-code --stat -- $(GENERATED) || { echo "verify: generated code differs from what is committed: commit the output of 'make generate'" >&2; exit 1; }
	@test -z "$$(git status --porcelain --untracked-files=all -- $(GENERATED))" || { git status --short -- $(GENERATED); echo "verify: generated files are not committed" >&2; exit 1; }

## drift: compare the spec at SPEC_URL with the locked one (tool exit: 0 same, 1 differ, 2 breaking)
drift: $(SIGN)/openapi.json
	$(GO) -C tools/drift build -o $(CURDIR)/bin/drift .
	bin/drift -base $(SIGN)/openapi.json -lock $(SIGN)/openapi.lock -revision '$(SPEC_URL)'

## test: verify, vet, and all tests with the race detector
test: verify
	$(GO) vet ./...
	$(GO) test -race ./...
	$(GO) -C examples/consumer vet ./...
	$(GO) -C examples/consumer test -race ./...
	$(GO) -C tools/drift vet ./...
	$(GO) -C tools/drift test -race ./...

## bench: all benchmarks, with allocations
bench: $(SIGN)/openapi.json
	$(GO) test -run '^$$' -bench . -benchmem ./...
