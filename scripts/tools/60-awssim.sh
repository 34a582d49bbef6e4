#!/usr/bin/env bash
# olechka's AWS simulator (cmd/awssim, docs/simulator.md) installed into the tool cache's
# OpenTofu filesystem mirror as hashicorp/aws 6.66.0, next to the schema it serves:
#   $OLECHKA_CACHE/providers/registry.opentofu.org/hashicorp/aws/6.66.0/linux_amd64/
#       terraform-provider-aws_v6.66.0   the simulator
#       aws-schema.json.gz               the schema (from 30-aws-schema.sh)
# (and the same under registry.terraform.io). Only the cache's tofurc (local mode, or
# OLECHKA_AWS=sim) points OpenTofu at this mirror; the GitHub workflows never do.
# The build is reproducible (-trimpath, no build id, no VCS stamp), so a rebuild of the
# same sources gives the same bytes and the lock files' h1: hashes stay stable.
# Idempotent: rebuilt only when the sources, go.sum or the schema changed.
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO="$PWD"
CACHE="${OLECHKA_CACHE:-$REPO/.cache}"
mkdir -p "$CACHE"
CACHE="$(cd "$CACHE" && pwd)"
VERSION=6.66.0
PLATFORM="$(go env GOOS)_$(go env GOARCH)"
SCHEMA="$CACHE/aws-schema.json.gz"
if [[ ! -f "$SCHEMA" ]]; then
  echo "awssim: $SCHEMA is missing (scripts/tools/30-aws-schema.sh makes it)" >&2
  exit 1
fi

stamp_of() {
  { cat go.sum; find cmd/awssim internal/awssim internal/validate/schema -name '*.go' ! -name '*_test.go' | sort | xargs cat; cat "$SCHEMA"; go version; } | sha256sum | cut -d' ' -f1
}
want="$(stamp_of)"
file="terraform-provider-aws_v$VERSION"
dir="$CACHE/providers/registry.opentofu.org/hashicorp/aws/$VERSION/$PLATFORM"
tfdir="$CACHE/providers/registry.terraform.io/hashicorp/aws/$VERSION/$PLATFORM"
STAMP="$CACHE/awssim.stamp" # outside the package directory, whose every file counts in the h1: hash
if [[ -x "$dir/$file" ]] && [[ -f "$STAMP" ]] && [[ "$(cat "$STAMP")" == "$want" ]] \
  && cmp -s "$SCHEMA" "$dir/aws-schema.json.gz" && [[ -x "$tfdir/$file" ]]; then
  echo "awssim (hashicorp/aws $VERSION, simulated): cached"
  exit 0
fi
echo "awssim (hashicorp/aws $VERSION, simulated): building"
start=$SECONDS
tmp="$(mktemp -d "$CACHE/.awssim.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
CGO_ENABLED=0 go build -trimpath -buildvcs=false -ldflags "-s -w -buildid=" -o "$tmp/$file" ./cmd/awssim
cp "$SCHEMA" "$tmp/aws-schema.json.gz"
chmod 0755 "$tmp/$file"
chmod 0644 "$tmp/aws-schema.json.gz"
for d in "$dir" "$tfdir"; do
  mkdir -p "$d"
  cp -f "$tmp/$file" "$d/.$file.tmp" && mv -f "$d/.$file.tmp" "$d/$file"
  cp -f "$tmp/aws-schema.json.gz" "$d/.schema.tmp" && mv -f "$d/.schema.tmp" "$d/aws-schema.json.gz"
done
echo "$want" >"$STAMP"
echo "awssim: built in $((SECONDS - start))s -> $dir"
