#!/usr/bin/env bash
# tflint with its bundled terraform ruleset, built from the Go module proxy into the cache:
#   $OLECHKA_CACHE/bin/tflint   TFLint v0.64.0 (+ ruleset.terraform 0.15.0-bundled)
# Used by the lint check (internal/validate/tflint) on modules. No plugin is downloaded:
# the AWS ruleset is not installable here, and tflint runs with only the bundled one.
# Idempotent: a binary that already reports the pinned version is kept. Cold ~3 min, warm <1 s.
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO="$PWD"
CACHE="${OLECHKA_CACHE:-$REPO/.cache}"
mkdir -p "$CACHE/bin"
CACHE="$(cd "$CACHE" && pwd)"
BIN="$CACHE/bin"
VERSION=0.64.0

# first line of `tflint --version` (read whole: `| head -n1` would SIGPIPE it under pipefail)
version_of() {
  local out
  out="$("$1" --version 2>/dev/null || true)"
  echo "${out%%$'\n'*}"
}

if [[ -x "$BIN/tflint" ]] && [[ "$(version_of "$BIN/tflint")" == "TFLint version $VERSION" ]]; then
  echo "tflint v$VERSION: cached"
  exit 0
fi
echo "tflint v$VERSION: building from the Go module proxy (a few minutes when cold)"
start=$SECONDS
tmp="$(mktemp -d "$CACHE/.tflint.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
GOBIN="$tmp" CGO_ENABLED=0 go install -trimpath -ldflags "-s -w" "github.com/terraform-linters/tflint@v$VERSION"
got="$(version_of "$tmp/tflint")"
if [[ "$got" != "TFLint version $VERSION" ]]; then
  echo "built tflint reports '$got', want 'TFLint version $VERSION'" >&2
  exit 1
fi
mv -f "$tmp/tflint" "$BIN/.tflint.tmp"
mv -f "$BIN/.tflint.tmp" "$BIN/tflint"
echo "tflint v$VERSION: built in $((SECONDS - start))s"
