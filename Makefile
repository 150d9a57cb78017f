# Waymark: `make run` brings everything up; `make test` runs the whole suite
# against real PostgreSQL. See README.md.
SHELL := /bin/bash
GO ?= go
BIN := bin/waymark
PKGS := ./...

.PHONY: run build test vet fmt-check fuzz bench bench-scim bench-smoke clean axe e2e need-run need-test

# axe-core checks every page the browser tests visit (internal/e2e). It is
# fetched once from npm, pinned by version and by the SHA-256 of the file,
# and cached under .data/, so no test run reaches a CDN.
AXE_VERSION := 4.10.3
AXE_SHA256 := 880970c081707360e64f34cea25ff91892f5bc95675b0776925b9709dd8a68bb
AXE_JS := .data/axe/axe-$(AXE_VERSION).min.js
export WAYMARK_AXE_JS := $(CURDIR)/$(AXE_JS)

build:
	$(GO) build -o $(BIN) ./cmd/waymark

# need.sh installs the Debian packages each target lacks (the one list).
need-run:
	@scripts/need.sh run

need-test:
	@scripts/need.sh test

run: need-run build
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
	$(GO) test -run '^$$' -fuzz FuzzReadRoster -fuzztime 5s ./internal/people
	$(GO) test -run '^$$' -fuzz FuzzNormalize -fuzztime 5s ./internal/certificate

axe: $(AXE_JS)

$(AXE_JS):
	@set -e; mkdir -p $(@D); tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	( cd "$$tmp" && npm pack --silent axe-core@$(AXE_VERSION) >/dev/null && tar -xzf axe-core-$(AXE_VERSION).tgz package/axe.min.js ); \
	echo "$(AXE_SHA256)  $$tmp/package/axe.min.js" | sha256sum --check --quiet; \
	cp "$$tmp/package/axe.min.js" $@; cp $@ $(@D)/axe.min.js; echo "axe-core $(AXE_VERSION) -> $@"

# e2e runs only the browser tests (Chromium + axe-core + PostgreSQL).
e2e: need-test axe
	@set -e; \
	admin=$$(scripts/dev-db.sh postgres); \
	TEST_DATABASE_URL=$$admin $(GO) test -count=1 -v ./internal/e2e

# The browser tests run last, alone and without the race detector: they
# measure pages, not goroutines, and the race detector makes bcrypt and the
# server many times slower (the web package's own tests run with -race).
# The benchmark smoke run comes first, so the suite's summary closes the log.
test: need-test fmt-check vet axe bench-smoke
	@set -e; \
	admin=$$(scripts/dev-db.sh postgres); \
	TEST_DATABASE_URL=$$admin $(GO) test -race -count=1 -timeout 30m $$($(GO) list $(PKGS) | grep -v /internal/e2e$$); \
	TEST_DATABASE_URL=$$admin $(GO) test -count=1 -timeout 20m ./internal/e2e
	$(MAKE) --no-print-directory fuzz

# bench measures the real server against a statewide dataset (5,000
# organizations, 200,000 people, 2,000,000 assignments) in BENCH_DB,
# generated once (about 15 minutes; drop the database to regenerate) and
# copied for every run. Results: .data/bench/results.md. See docs/BENCHMARKS.md.
BENCH_DB ?= waymark_bench
BENCH_DATA_ARGS ?=
BENCH_ARGS ?=
bench: need-test build
	@set -e; \
	admin=$$(scripts/dev-db.sh postgres); url="$${admin%/*}/$(BENCH_DB)?sslmode=disable"; \
	if [ "$$(psql "$$admin" -Atc "SELECT 1 FROM pg_database WHERE datname = '$(BENCH_DB)'")" != 1 ]; then \
	  psql "$$admin" -qc 'CREATE DATABASE "$(BENCH_DB)"'; \
	  DATABASE_URL=$$url ./$(BIN) migrate; \
	  DATABASE_URL=$$url ./$(BIN) bench data $(BENCH_DATA_ARGS); \
	fi; \
	mkdir -p .data/bench; \
	DATABASE_URL=$$url ./$(BIN) bench run --out .data/bench/results.md $(BENCH_ARGS)
	$(MAKE) --no-print-directory bench-scim

# bench-scim provisions SCIM_BENCH_USERS people (default 50,000) through
# /scim/v2 over HTTP, as a first Entra ID or Okta cycle does (create, then
# group membership → job roles → assignments), in a fresh test database,
# and measures POST /Users and PATCH /Users throughput. It is a Go
# benchmark, not a `waymark bench` job: the harness works on a copy of the
# shared statewide dataset and stops the server before its jobs, while
# provisioning needs a live server and a subtree of its own.
SCIM_BENCH_USERS ?= 50000
bench-scim: need-test
	@set -e; admin=$$(scripts/dev-db.sh postgres); \
	TEST_DATABASE_URL=$$admin $(GO) test -count=1 -run '^$$' -bench 'SCIMCreateUser|SCIMPatchUser' -benchtime 2000x ./internal/scim; \
	TEST_DATABASE_URL=$$admin SCIM_BENCH_USERS=$(SCIM_BENCH_USERS) $(GO) test -count=1 -timeout 60m -run '^$$' -bench SCIMProvision -benchtime 1x ./internal/scim

# bench-smoke runs the same path on a tiny dataset in about a minute, so the
# benchmark never rots. It fails when the harness breaks, not when a speed
# target is missed.
bench-smoke: need-test build
	@set -e; \
	admin=$$(scripts/dev-db.sh postgres); db=waymark_bench_smoke_$$$$; url="$${admin%/*}/$$db?sslmode=disable"; \
	trap 'psql "$$admin" -qc "DROP DATABASE IF EXISTS $$db WITH (FORCE)"' EXIT; \
	psql "$$admin" -qc "CREATE DATABASE $$db"; \
	DATABASE_URL=$$url ./$(BIN) migrate >/dev/null; \
	DATABASE_URL=$$url ./$(BIN) bench data --orgs 40 --users 600 --assignments 5000 --completions 3000 --outbox 500 --classes 10; \
	DATABASE_URL=$$url ./$(BIN) bench run --quick --duration 1s --connections 4 --learners 3 --work $$(mktemp -d)

clean:
	rm -rf bin
