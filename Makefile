# Waymark: `make run` brings everything up; `make test` runs the whole suite
# against real PostgreSQL. See README.md.
SHELL := /bin/bash
GO ?= go
BIN := bin/waymark
PKGS := ./...

.PHONY: run build test vet fmt-check fuzz bench bench-smoke clean

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

test: fmt-check vet
	@set -e; \
	admin=$$(scripts/dev-db.sh postgres); \
	TEST_DATABASE_URL=$$admin $(GO) test -race -count=1 $(PKGS)
	$(MAKE) --no-print-directory fuzz

clean:
	rm -rf bin
