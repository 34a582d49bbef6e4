# Two commands for a newcomer: `make demo` runs the pipeline locally, `make test` runs the tests.
# Tools (OpenTofu, providers, dynalite, tflint, the AWS schema) are built into .cache/.
SHELL := /bin/bash
export OLECHKA_CACHE ?= $(CURDIR)/.cache

.PHONY: tools test lint demo demo-live demo-sandbox bench release fuzz

tools:
	@for s in scripts/tools/*.sh; do echo "== $$s"; bash "$$s" || exit 1; done

lint:
	gofmt -l . | (! grep .) || (echo "gofmt needed on the files above"; exit 1)
	go build ./cmd/olechka ./cmd/alarm-forwarder
	go vet ./...
	go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...

# Every package under the race detector, except the slow end-to-end ones (real OpenTofu
# over whole trees), which run without it.
SLOW_TESTS := ./internal/e2e/...
test: tools lint
	go test -count=1 -timeout 45m -race $$(go list ./... | grep -v /internal/e2e)
	go test -count=1 -timeout 45m $(SLOW_TESTS)

# The whole pipeline on the platform itself (live/, 62 units) with the AWS simulator, from
# empty state in one run, then a plan that must show no changes (docs/live.md).
demo: tools
	go run ./cmd/olechka pipeline --local --auto-approve live
	OLECHKA_LOCAL=1 go run ./cmd/olechka plan --all live --detailed-exitcode

# The same flow on the small examples/sandbox tree (a couple of minutes).
demo-sandbox: tools
	go run ./cmd/olechka pipeline --local --auto-approve

# Kept as an alias of demo.
demo-live: demo

bench:
	bash scripts/bench.sh

# Release binaries for linux and darwin, amd64 and arm64, with SHA256SUMS, into dist/
# (VERSION=v1.2.3 to name them; reproducible: docs/setup.md#releases).
release:
	bash scripts/release.sh

# Every fuzz target for FUZZTIME each (default 5m); not part of make test.
fuzz:
	bash scripts/fuzz.sh
