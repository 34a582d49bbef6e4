#!/usr/bin/env bash
# OpenTofu and the providers the sandbox and the end-to-end tests use, built from the Go module
# proxy into the cache (pinned versions; no other download):
#   $OLECHKA_CACHE/bin/tofu                     OpenTofu v1.10.6 (built from tools/tofu, a wrapper
#                                               module carrying OpenTofu's one replace directive)
#   $OLECHKA_CACHE/providers/<host>/hashicorp/NAME/VERSION/linux_amd64/terraform-provider-NAME_vVERSION
#                                               a filesystem_mirror for time v0.14.2 and local v1.4.0
#   $OLECHKA_CACHE/tofurc                       CLI config naming that mirror (TF_CLI_CONFIG_FILE)
# Idempotent: a binary that already reports the pinned version is kept. Cold ~7 min, warm <1 s.
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO="$PWD"
CACHE="${OLECHKA_CACHE:-$REPO/.cache}"
mkdir -p "$CACHE"
CACHE="$(cd "$CACHE" && pwd)"
BIN="$CACHE/bin"
MIRROR="$CACHE/providers"
TOFU_VERSION=1.10.6
GOOS_GOARCH="$(go env GOOS)_$(go env GOARCH)"
mkdir -p "$BIN" "$MIRROR"

# --- OpenTofu ---------------------------------------------------------------------------------
# First line of `tofu version`, read whole (`| head -n1` could SIGPIPE tofu under pipefail).
if [[ -x "$BIN/tofu" ]] && [[ "$("$BIN/tofu" version 2>/dev/null | sed -n 1p)" == "OpenTofu v$TOFU_VERSION" ]]; then
  echo "tofu v$TOFU_VERSION: cached"
else
  echo "tofu v$TOFU_VERSION: building from the Go module proxy (several minutes when cold)"
  start=$SECONDS
  # Build next to the target and rename, so a half-written binary is never picked up.
  (cd tools/tofu && CGO_ENABLED=0 go build -trimpath \
    -ldflags "-s -w -X github.com/opentofu/opentofu/version.dev=no" \
    -o "$BIN/.tofu.tmp" github.com/opentofu/opentofu/cmd/tofu)
  mv -f "$BIN/.tofu.tmp" "$BIN/tofu"
  got="$("$BIN/tofu" version 2>/dev/null | sed -n 1p)"
  if [[ "$got" != "OpenTofu v$TOFU_VERSION" ]]; then
    echo "built tofu reports '$got', want 'OpenTofu v$TOFU_VERSION'" >&2
    exit 1
  fi
  echo "tofu v$TOFU_VERSION: built in $((SECONDS - start))s"
fi

# --- Providers --------------------------------------------------------------------------------
# NAME VERSION GO-MODULE. The mirror holds each under both registry hosts, so `--binary terraform`
# finds them too (hard links, no extra space).
providers=(
  "time 0.14.2 github.com/hashicorp/terraform-provider-time"
  "local 1.4.0 github.com/terraform-providers/terraform-provider-local"
)
for p in "${providers[@]}"; do
  read -r name version module <<<"$p"
  file="terraform-provider-${name}_v${version}"
  dir="$MIRROR/registry.opentofu.org/hashicorp/$name/$version/$GOOS_GOARCH"
  if [[ -x "$dir/$file" ]]; then
    echo "provider $name v$version: cached"
  else
    echo "provider $name v$version: building from the Go module proxy"
    start=$SECONDS
    tmp="$(mktemp -d "$CACHE/.provider.XXXXXX")"
    GOBIN="$tmp" CGO_ENABLED=0 go install -trimpath -ldflags "-s -w" "$module@v$version"
    mkdir -p "$dir"
    mv -f "$tmp/terraform-provider-$name" "$dir/.$file.tmp"
    mv -f "$dir/.$file.tmp" "$dir/$file"
    rm -rf "$tmp"
    echo "provider $name v$version: built in $((SECONDS - start))s"
  fi
  tfdir="$MIRROR/registry.terraform.io/hashicorp/$name/$version/$GOOS_GOARCH"
  if [[ ! -e "$tfdir/$file" ]]; then
    mkdir -p "$tfdir"
    ln -f "$dir/$file" "$tfdir/$file" 2>/dev/null || cp -f "$dir/$file" "$tfdir/$file"
  fi
done

# --- CLI config -------------------------------------------------------------------------------
# Written every time (cheap) so a moved cache folder still points at its own mirror.
cat >"$CACHE/.tofurc.tmp" <<TOFURC
# Written by scripts/tools/10-tofu.sh. Use with TF_CLI_CONFIG_FILE=$CACHE/tofurc
provider_installation {
  filesystem_mirror {
    path    = "$MIRROR"
    include = ["registry.opentofu.org/hashicorp/*", "registry.terraform.io/hashicorp/*"]
  }
}
TOFURC
mv -f "$CACHE/.tofurc.tmp" "$CACHE/tofurc"
echo "tofurc: $CACHE/tofurc"
