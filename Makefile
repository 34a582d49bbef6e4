# Two commands for a newcomer: `make demo` runs the pipeline locally, `make test` runs the tests.
# Tools (OpenTofu, providers, dynalite, tflint, the AWS schema) are built into .cache/.
SHELL := /bin/bash
export OLECHKA_CACHE ?= $(CURDIR)/.cache

.PHONY: tools test lint demo bench

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
	go test -count=1 -race $$(go list ./... | grep -v /internal/e2e)
	go test -count=1 $(SLOW_TESTS)

# The whole pipeline on examples/sandbox: embedded state server, real OpenTofu from .cache/.
demo: tools
	go run ./cmd/olechka pipeline --local --auto-approve

bench:
	bash scripts/bench.sh
