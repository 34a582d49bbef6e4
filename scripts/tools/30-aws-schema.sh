#!/usr/bin/env bash
# The AWS provider's schema, offline, for the schema check (internal/validate/schema):
#   $OLECHKA_CACHE/npm/cdktn-provider-aws-25.7.0.tgz   the npm package (CDK Terrain's prebuilt
#                                                       bindings, generated from hashicorp/aws 6.66.0)
#   $OLECHKA_CACHE/aws-schema.json.gz                   the compact schema extracted from it
# The package comes from npm (`npm pack`, checked against a pinned sha256); the extractor is
# the project's own Go code (internal/validate/schema/extract), run on the tarball as is.
# Idempotent: the schema is rebuilt only when the package or the extractor changed.
# Cold: ~5 s download + ~5 s extraction (+ Go build); warm: <1 s.
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO="$PWD"
CACHE="${OLECHKA_CACHE:-$REPO/.cache}"
mkdir -p "$CACHE"
CACHE="$(cd "$CACHE" && pwd)"

PKG="@cdktn/provider-aws"
VERSION="25.7.0"
SHA256="b3e5ee2851ae47595a0dedad3678779aebca6d6b5f318ca1902b87ddbef82208"
TGZ="$CACHE/npm/cdktn-provider-aws-$VERSION.tgz"
OUT="$CACHE/aws-schema.json.gz"
STAMP="$CACHE/aws-schema.stamp"

# --- the package -------------------------------------------------------------------------------
if [[ -f "$TGZ" ]] && [[ "$(sha256sum "$TGZ" | cut -d' ' -f1)" == "$SHA256" ]]; then
  echo "$PKG@$VERSION: cached"
else
  echo "$PKG@$VERSION: npm pack (46 MB)"
  start=$SECONDS
  tmp="$(mktemp -d "$CACHE/.npm.XXXXXX")"
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent "$PKG@$VERSION" >/dev/null)
  got="$(sha256sum "$tmp/cdktn-provider-aws-$VERSION.tgz" | cut -d' ' -f1)"
  if [[ "$got" != "$SHA256" ]]; then
    echo "$PKG@$VERSION: sha256 $got, want $SHA256" >&2
    exit 1
  fi
  mkdir -p "$CACHE/npm"
  mv -f "$tmp/cdktn-provider-aws-$VERSION.tgz" "$TGZ"
  echo "$PKG@$VERSION: fetched in $((SECONDS - start))s"
fi

# --- the schema --------------------------------------------------------------------------------
# The stamp names the package and a hash of the extractor's sources, so a change to either
# rebuilds the schema.
srcs=(internal/validate/schema/schema.go internal/validate/schema/extract/extract.go
  internal/validate/schema/cmd/awsschema/main.go internal/validate/schema/extract/overlay.go)
want="$SHA256 $(cat "${srcs[@]}" | sha256sum | cut -d' ' -f1)"
if [[ -f "$OUT" ]] && [[ -f "$STAMP" ]] && [[ "$(cat "$STAMP")" == "$want" ]]; then
  echo "aws schema: cached ($OUT)"
  exit 0
fi
start=$SECONDS
go run ./internal/validate/schema/cmd/awsschema -in "$TGZ" -source "$PKG@$VERSION" -out "$OUT"
echo "$want" >"$STAMP"
echo "aws schema: built in $((SECONDS - start))s"
