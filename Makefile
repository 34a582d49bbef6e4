# Two commands for a newcomer: `make demo` runs the pipeline locally, `make test` runs the tests.
# Tools (OpenTofu, providers, dynalite, tflint, the AWS schema) are built into .cache/.
SHELL := /bin/bash
export OLECHKA_CACHE ?= $(CURDIR)/.cache

.PHONY: tools test lint demo demo-sandbox bench release fuzz

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

# The whole pipeline on the real platform, live/ (62 units, 3 tiers x 2 regions): embedded
# state server, real OpenTofu and the AWS simulator from .cache/ (docs/simulator.md). A fresh
# state needs several runs (dependents plan on mock outputs until their dependencies exist),
# so it repeats until a run succeeds, then shows that a further plan has no changes.
# `make demo-sandbox` runs the small sandbox tree instead.
demo: tools
	@for i in 1 2 3 4 5 6; do \
	  echo "== pipeline run $$i on live/"; \
	  if go run ./cmd/olechka pipeline --local --auto-approve live; then break; fi; \
	  if [ $$i = 6 ]; then echo "live/ did not converge in 6 runs"; exit 1; fi; \
	done
	OLECHKA_LOCAL=1 go run ./cmd/olechka plan --all live --detailed-exitcode

demo-sandbox: tools
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
