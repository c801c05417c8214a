# nitro: the spec pipeline, code generation, tests and benchmarks.
#
# `make test` is hermetic: vet, every test, tools/drift's tests and actionlint,
# with no upstream spec (the fake validates against the spec embedded in
# generated code) and no network once the Go module cache holds the modules
# the go.sum files pin. On a fresh machine the first run downloads them from
# the Go module proxy, as any go build does: the library's, examples/
# consumer's, tools/drift's and tools/actionlint's (actionlint is built from
# source); `make deps` downloads them ahead. The upstream checks are their
# own targets:
# `make verify` (committed generated code is what the locked spec + overlay
# generate) and `make drift`. .ci/run runs `make test` and `make verify`.
# Regenerating after an upstream change: docs/regenerating.md.

GO ?= go

# The APIs generated from upstream specs, each in api/<name>/ (openapi.lock,
# overlay.yaml; openapi.json is fetched, gitignored; an optional
# preload.yaml, for a spec that cannot be loaded as published, makes
# openapi.preloaded.json, gitignored too, which is then what is validated and
# generated from). Adding an API is one word here (plus its go:generate lines
# and, on machines without internet, its MIRROR_<name> line).
SPECS := sign pdf

# Copies of upstream specs for machines without internet. The locked spec is
# found there by sha256 (after the content-addressed cache, before upstream);
# MIRROR_<name> is the file standing in for upstream's URL as the default
# candidate of `make drift` and `make spec-update`.
MIRROR := ../shared/upstream
MIRROR_sign := $(MIRROR)/nitro-sign-openapi.json
MIRROR_pdf := $(MIRROR)/nitro-pdf-services-openapi.json

# SPEC picks the APIs a target acts on (default: all). SPEC_URL, a URL or a
# file, is honoured by every target: the candidate of `drift` and
# `spec-update`, and the source that must hold the locked spec for `spec`,
# `generate` and `verify`. It names one spec, so it needs one SPEC.
SPEC ?= $(SPECS)
SPEC_URL ?=
ifneq ($(strip $(SPEC_URL)),)
ifneq ($(words $(SPEC)),1)
$(error SPEC_URL names one spec: also set SPEC to one of: $(SPECS))
endif
endif
# candidate(name): SPEC_URL, else the mirror's stand-in when present, else
# empty (the tools then use the lock's URL).
candidate = $(or $(SPEC_URL),$(wildcard $(MIRROR_$(1))))
# check(name): find, check and validate one API's locked spec and write the
# generator's input; SPEC_URL is its source only for the APIs SPEC names.
check = $(SPECTOOL) check -dir api/$(1) -src '$(if $(filter $(1),$(SPEC)),$(SPEC_URL))' -mirror '$(MIRROR)'
# ACCEPT=1 lets `make spec-update` accept upstream changes `make drift`
# reports as breaking but that need no change here (a hand-written
# replacement kept departing from upstream on purpose, a remapped
# discriminator, a removed tool), once reviewed.
ACCEPT ?=

# Everything the generator writes; `verify` fails if any of it differs from
# what is committed, is uncommitted, or is a stale *.gen.go no generator
# wrote.
GENERATED := gen nitrotest/internal/api sign/*.gen.go pdf/*.gen.go
GENERATED_FILES = $(wildcard gen/*/*.gen.go nitrotest/internal/api/*.gen.go sign/*.gen.go pdf/*.gen.go)

# The spec tool, built once per target (go build is a cache hit when nothing
# changed), rather than `go run` per API.
SPECTOOL := bin/spec
ACTIONLINT := $(GO) -C tools/actionlint tool actionlint

# Every module with Go code of its own (the library, the examples' and the
# command's modules, the tools): what `make lint` checks. tools/actionlint
# and tools/staticcheck only pin a tool.
MODULES := . $(filter-out tools/actionlint tools/staticcheck,$(patsubst %/go.mod,%,$(wildcard */go.mod */*/go.mod)))

.PHONY: spec spec-update generate verify drift deps test race test-lib-build-time test-lib-volume actionlint lint bench conformance spectool

spectool:
	@$(GO) build -o $(SPECTOOL) ./internal/cmd/spec

## spec: find the locked spec (SPEC_URL, cache, mirror, upstream), validate it with the overlay, check what the
## clients can send, write api/<name>/openapi.json (and, with a preload.yaml, api/<name>/openapi.preloaded.json)
spec: spectool
	@$(foreach s,$(SPEC),$(call check,$(s)) &&) true

## spec-update: accept the spec at SPEC_URL (default: the mirror, else upstream) by rewriting api/<name>/openapi.lock,
## after judging it against the locked spec as `make drift` does (ACCEPT=1: see above)
spec-update: spectool
	@$(foreach s,$(SPEC),$(SPECTOOL) update -dir api/$(s) -src '$(call candidate,$(s))' -mirror '$(MIRROR)' $(if $(ACCEPT),-accept) &&) true

## generate: check every locked spec, then regenerate every generated file (byte-for-byte reproducible).
## go generate regenerates all APIs, so every API's input is checked, whatever SPEC says.
generate: spectool
	@$(foreach s,$(SPECS),$(call check,$(s)) &&) true
	@touch bin/.generate-start 2>/dev/null || { mkdir -p bin && touch bin/.generate-start; }
	$(GO) generate ./...
	@stale="$$(for f in $(GENERATED_FILES); do [ "$$f" -nt bin/.generate-start ] || echo "$$f"; done)"; \
	if [ -n "$$stale" ]; then echo "generate: stale generated files no generator wrote (delete them):" $$stale >&2; exit 1; fi

## verify: the committed generated code is exactly what the locked spec and the overlay generate
verify: generate
	@git diff --exit-code --stat -- $(GENERATED) || { echo "verify: generated code differs from what is committed: commit the output of 'make generate'" >&2; exit 1; }
	@test -z "$$(git status --porcelain --untracked-files=all -- $(GENERATED))" || { git status --short -- $(GENERATED); echo "verify: generated files are not committed" >&2; exit 1; }
	@echo "verify: the committed generated code is what the locked spec and the overlay generate"

## drift: compare SPEC_URL (default: the mirror, else upstream) with the locked spec, HTTP and Go API.
## bin/drift exits 0 identical, 1 compatible, 2 breaking, 3 could not compare; make cannot pass
## that on (it exits 2 on any failure), so this target prints the code, writes it to
## bin/drift-<name>.code, and fails only on 3. CI calls bin/drift directly.
drift: spectool
	$(GO) -C tools/drift build -o $(CURDIR)/bin/drift .
	@worst=0; $(foreach s,$(SPEC),code=0; bin/drift -dir api/$(s) -candidate '$(call candidate,$(s))' -mirror '$(MIRROR)' -spec-tool $(CURDIR)/$(SPECTOOL) || code=$$?; \
	echo "$$code" > bin/drift-$(s).code; echo "drift: api/$(s): exit code $$code (0 identical, 1 compatible, 2 breaking, 3 could not compare)"; \
	[ $$code -gt $$worst ] && worst=$$code;) [ $$worst -lt 3 ]

## deps: download every module `make test` builds into the Go module cache, the one
## network access `make test` needs (and only on a fresh machine)
deps:
	$(GO) mod download
	$(GO) -C examples/consumer mod download
	$(GO) -C tools/drift mod download
	$(GO) -C tools/actionlint mod download
	$(GO) -C tools/staticcheck mod download
	$(GO) -C cmd/nitro mod download
	$(GO) -C otel mod download

## test: every module's vet and tests (under the race detector but for the build-time code and the volume tests), staticcheck over every module,
## actionlint; hermetic (no network once the module cache is filled: see deps). The fault soak
## runs briefly here; NITRO_SOAK=3m make test (or go test ./test/soak -soak 3m) runs it longer.
##
## The modules run side by side (TEST_JOBS at once, output kept per module): one go test
## keeps the cores busy only until its last long package, and its tests spend much of their
## time waiting on sockets, Redis and timers. Builds are -trimpath, so a fresh clone (or
## tools/drift's temporary copy of the repository) reuses the build cache of any checkout
## of the same code instead of compiling every package again under the race detector. A
## race-enabled binary sleeps 1 s as it exits, for goroutines still running to report
## their races; every package here ends with goleak's check that none is left, so the
## sleep (atexit_sleep_ms) is 0: a second per test binary and per child process.
##
## The library's volume tests (memtest.Volume: tens or hundreds of megabytes through the client
## or the fake) run in a lane of their own without the detector, and its race lane runs with
## -short, which skips them: under the detector every byte copied is a checked access, and
## taking them out cut that lane from 68 to 55 CPU seconds (make test-lib, timed alone), while
## the small-body tests beside them race the same code paths. `make race` runs them under the
## detector too.
##
## Test binaries are linked without DWARF (-ldflags=-w), unless GOFLAGS brings -ldflags of its
## own (-ldflags=... or --ldflags=...): go test links a test binary again each time it runs it (the
## build cache keeps packages, not test binaries), and writing the debugger's tables was a
## quarter of that work (linking the library's 17 race-enabled test binaries: 26.3 CPU
## seconds, 19.0 with -w). Stack traces, panics and the race detector's reports name files and
## lines from the binary's own tables, which -w keeps; only a debugger attached to a test
## binary goes without.
##
## The build-time code (BUILD_TIME: the spec library, the generators, tools/drift) runs its
## tests without the race detector: it is single-threaded tooling that no user's program runs,
## and the detector made it five to seven times slower (internal/spec: 19 CPU seconds with it,
## 3 without), a sixth of make test's CPU. `make race` runs every module's tests under the
## detector, those included.
TEST_JOBS ?= 3
# Four of the library's test binaries at once, not go test's two (one per core): several
# wait on Redis, child processes and timers, and two left the cores idle.
TEST_P ?= -p 4
TEST_GOFLAGS = $(strip $(filter-out -trimpath,$(GOFLAGS)) -trimpath $(if $(filter -ldflags% --ldflags%,$(GOFLAGS)),,-ldflags=-w))
TEST_GORACE = $(strip $(GORACE) atexit_sleep_ms=0)
# lane(prefix,module): a target name per module (test-lib, test-cmd-nitro).
lane = $(1)-$(if $(filter .,$(2)),lib,$(subst /,-,$(2)))

BUILD_TIME := ./internal/spec/... ./internal/cmd/... tools/drift
# The library's packages whose tests wait longest (the soak's stalled answers, Redis, child
# processes), named first so that go test, which starts test binaries in the order it is given
# them (a package named twice runs once), starts them first: last in go list's order, the
# soak (14 s, nearly all waiting) ran alone at the end of make test's longest lane.
LIB_LONG := ./test/soak ./auth/redisstore ./conformance ./examples/signflow
# race_pkgs(module), norace_pkgs(module): the packages of a module to test under the race
# detector, and without it (the library's build-time packages run in test-lib-build-time).
race_pkgs = $(if $(filter $(1),$(BUILD_TIME)),,$(if $(filter .,$(1)),$(LIB_LONG) $$$$($$(GO) list ./... | grep -vxF "$$$$($$(GO) list $(filter ./%,$(BUILD_TIME)))"),./...))
norace_pkgs = $(if $(filter $(1),$(BUILD_TIME)),./...)

# The lanes in the order make -j starts them: the long ones first (the library's race lane,
# then the modules whose tests wait longest on processes and timers), the short ones last to
# fill the gaps. A long lane started last runs alone at the end, with a core idle: the
# volume and build-time lanes did, for a tenth of make test's time.
LONG_MODULES := cmd/nitro tools/drift
TEST_LANES = test-lib $(foreach m,$(LONG_MODULES),$(call lane,test,$(m))) test-lib-volume test-lib-build-time \
	$(foreach m,$(filter-out . $(LONG_MODULES),$(MODULES)),$(call lane,test,$(m))) \
	$(foreach m,$(MODULES),$(call lane,lint,$(m))) actionlint

test:
	@$(MAKE) --no-print-directory -k -j$(TEST_JOBS) --output-sync=target \
	$(TEST_LANES) GOFLAGS='$(TEST_GOFLAGS)' GORACE='$(TEST_GORACE)'

## race: every module's tests under the race detector, the build-time code's included
race:
	@$(foreach m,$(MODULES),$(GO) -C $(m) test -race ./... &&) true

# One module's vet, then its tests (vet has run, so go test does not run it again); and its
# staticcheck. The library's build-time packages are a lane of their own.
define module_rules
$(call lane,test,$(1)):
	$$(GO) -C $(1) vet ./...
	$(if $(call race_pkgs,$(1)),cd $(1) && $$(GO) test -race -vet=off $(if $(filter .,$(1)),-short) $(TEST_P) $(call race_pkgs,$(1)))
	$(if $(call norace_pkgs,$(1)),$$(GO) -C $(1) test -vet=off $(call norace_pkgs,$(1)))
$(call lane,lint,$(1)):
	@sc="$$$$($$(GO) -C tools/staticcheck tool -n staticcheck)" && echo "staticcheck: $(1)" && cd $(1) && "$$$$sc" ./...
.PHONY: $(call lane,test,$(1)) $(call lane,lint,$(1))
endef
$(foreach m,$(MODULES),$(eval $(call module_rules,$(m))))

test-lib-build-time:
	$(GO) test -vet=off $(filter ./%,$(BUILD_TIME))

# The library's volume tests (memtest.Volume: bodies at the size limits, streams checked for
# constant memory), which its race lane skips with -short: every Test func of each package's
# volume_test.go, without the race detector, where a copied byte is not a checked access.
# Found at any depth, but in the library's module only: not under another go.mod's folder
# (MODULES leaves out tools/actionlint and tools/staticcheck, and looks two deep), nor where
# go ignores a folder (testdata, a name starting with . or _).
NESTED_MODULES := $(patsubst ./%/go.mod,%,$(shell find . -mindepth 2 -name go.mod -not -path '*/.*'))
VOLUME_FILES := $(filter-out $(addsuffix /%,$(NESTED_MODULES)),$(patsubst ./%,%,$(shell find . -name volume_test.go -not -path '*/.*' -not -path '*/_*' -not -path '*/testdata/*')))
VOLUME_PKGS := $(patsubst %/,./%,$(sort $(dir $(VOLUME_FILES))))
empty :=
space := $(empty) $(empty)
# A Test func's name: any identifier, letters beyond ASCII included (a variable, as its
# unmatched parenthesis would end a $(shell ...)).
TEST_FUNC := ^func Test[^([:space:]]*
VOLUME_RUN := ^($(subst $(space),|,$(strip $(patsubst func%,%,$(if $(VOLUME_FILES),$(shell grep -ho '$(TEST_FUNC)' $(VOLUME_FILES)))))))$$

test-lib-volume:
	$(if $(VOLUME_FILES),$(GO) test -vet=off -run '$(VOLUME_RUN)' $(VOLUME_PKGS))

actionlint:
	$(ACTIONLINT) $(CURDIR)/.github/workflows/*.yml

## lint: staticcheck (pinned in tools/staticcheck) over every module, tests included; a
## finding is fixed, or silenced with a //lint:ignore that says why
lint: $(foreach m,$(MODULES),$(call lane,lint,$(m)))

## conformance: the conformance suite (package conformance) against the real API, with
## NITRO_CLIENT_ID and NITRO_CLIENT_SECRET (NITRO_BASE_URL, NITRO_TOKEN_URL, NITRO_SIGNER_EMAIL,
## NITRO_SEAL_WAIT optional); without them, one skip line and exit 0. It writes transcript.txt and
## summary.txt to CONFORMANCE_OUT. `make test` runs the same scenarios against nitrotest.
CONFORMANCE_OUT ?= bin/conformance
conformance:
	@$(GO) run ./internal/cmd/conformance -out '$(CONFORMANCE_OUT)'

## bench: all benchmarks, with allocations, one package at a time: go test
## runs packages in parallel by default, and two packages' benchmarks on the
## same cores would skew each other's figures.
bench:
	$(GO) test -p 1 -run '^$$' -bench . -benchmem ./...
