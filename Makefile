# Waymark: `make run` brings everything up; `make test` runs the whole suite
# against real PostgreSQL. See README.md.
SHELL := /bin/bash
GO ?= go
BIN := bin/waymark
PKGS := ./...

.PHONY: run build test vet fmt-check fuzz bench bench-smoke clean axe e2e

# axe-core checks every page the browser tests visit (internal/e2e). It is
# fetched once from npm, pinned by version and by the SHA-256 of the file,
# and cached under .data/, so no test run reaches a CDN.
AXE_VERSION := 4.10.3
AXE_SHA256 := 880970c081707360e64f34cea25ff91892f5bc95675b0776925b9709dd8a68bb
AXE_JS := .data/axe/axe-$(AXE_VERSION).min.js
export WAYMARK_AXE_JS := $(CURDIR)/$(AXE_JS)

build:
	$(GO) build -o $(BIN) ./cmd/waymark

run: build
	@set -e; \
	url=$$(scripts/dev-db.sh waymark); \
	export DATABASE_URL=$$url; \
	./$(BIN) migrate; \
	./$(BIN) seed --demo; \
	echo; echo "Waymark: http://localhost:3000"; echo; \
	exec ./$(BIN) serve

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet $(PKGS)

fuzz:
	$(GO) test -run '^$$' -fuzz FuzzParseLesson -fuzztime 5s ./internal/catalog
	$(GO) test -run '^$$' -fuzz FuzzParseCourse -fuzztime 5s ./internal/catalog

axe: $(AXE_JS)

$(AXE_JS):
	@set -e; mkdir -p $(@D); tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	( cd "$$tmp" && npm pack --silent axe-core@$(AXE_VERSION) >/dev/null && tar -xzf axe-core-$(AXE_VERSION).tgz package/axe.min.js ); \
	echo "$(AXE_SHA256)  $$tmp/package/axe.min.js" | sha256sum --check --quiet; \
	cp "$$tmp/package/axe.min.js" $@; cp $@ $(@D)/axe.min.js; echo "axe-core $(AXE_VERSION) -> $@"

# e2e runs only the browser tests (Chromium + axe-core + PostgreSQL).
e2e: axe
	@set -e; \
	admin=$$(scripts/dev-db.sh postgres); \
	TEST_DATABASE_URL=$$admin $(GO) test -race -count=1 -v ./internal/e2e

test: fmt-check vet axe
	@set -e; \
	admin=$$(scripts/dev-db.sh postgres); \
	TEST_DATABASE_URL=$$admin $(GO) test -race -count=1 $(PKGS)
	$(MAKE) --no-print-directory fuzz

clean:
	rm -rf bin
