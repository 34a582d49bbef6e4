# Two commands for a newcomer: `make demo` runs the pipeline locally, `make test` runs the tests.
# Tools (OpenTofu, providers, dynalite, tflint, the AWS schema) are built into .cache/.
SHELL := /bin/bash
export OLECHKA_CACHE ?= $(CURDIR)/.cache

.PHONY: tools test lint demo bench release fuzz

tools:
	@for s in scripts/tools/*.sh; do echo "== $$s"; bash "$$s" || exit 1; done

lint:
	gofmt -l . | (! grep .) || (echo "gofmt needed on the files above"; exit 1)
	go build ./cmd/olechka ./cmd/alarm-forwarder
	go vet ./...
	go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...

test: tools lint
	go test -count=1 ./...

# The whole pipeline on examples/sandbox: embedded state server, real OpenTofu from .cache/.
demo: tools
	go run ./cmd/olechka pipeline --local --auto-approve

bench:
	bash scripts/bench.sh

# Release binaries for linux and darwin, amd64 and arm64, with SHA256SUMS, into dist/
# (VERSION=v1.2.3 to name them; reproducible: docs/setup.md#releases).
release:
	bash scripts/release.sh

# Every fuzz target for FUZZTIME each (default 5m); not part of make test.
fuzz:
	bash scripts/fuzz.sh
