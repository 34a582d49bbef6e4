#!/usr/bin/env bash
# actionlint (pinned, built from the Go module proxy into the cache) and shellcheck (Debian),
# which actionlint runs over every `run:` script. Idempotent; fast when warm.
set -euo pipefail
cd "$(dirname "$0")/../.."
CACHE="${OLECHKA_CACHE:-$PWD/.cache}"
VERSION=v1.7.12
BIN="$CACHE/bin"
mkdir -p "$BIN"

if [[ -x "$BIN/actionlint" ]] && [[ "$("$BIN/actionlint" -version 2>/dev/null | sed -n 1p)" == "$VERSION" ]]; then
  echo "actionlint $VERSION: cached"
else
  echo "actionlint $VERSION: building from the Go module proxy"
  GOBIN="$BIN" go install "github.com/rhysd/actionlint/cmd/actionlint@$VERSION"
fi

if command -v shellcheck >/dev/null 2>&1; then
  echo "shellcheck: $(command -v shellcheck)"
else
  if [[ "$(id -u)" != 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
    echo "shellcheck is missing: install it (Debian: apt-get install shellcheck)" >&2
    exit 1
  fi
  echo "shellcheck: installing from Debian"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq shellcheck >/dev/null
  command -v shellcheck
fi
