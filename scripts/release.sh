#!/usr/bin/env bash
# Release builds of olechka (make release): linux and darwin, amd64 and arm64, into dist/,
# with SHA256SUMS. Reproducible: the same commit and Go version give the same bytes
# (-trimpath, no cgo, empty build id, version and commit from git, VCS stamp of a clean tree).
#   VERSION   release tag (default: git describe --tags, else v0.0.0-<short commit>)
#   DIST      output folder (default: dist)
#   ALLOW_DIRTY=1  build from a tree with uncommitted changes (marked +dirty; not for release)
set -euo pipefail
cd "$(dirname "$0")/.."

commit="$(git rev-parse HEAD)"
version="${VERSION:-$(git describe --tags --exact-match 2>/dev/null || echo "v0.0.0-$(git rev-parse --short=12 HEAD)")}"
dist="${DIST:-dist}"
if [[ -n "$(git status --porcelain --untracked-files=no)" ]]; then
  if [[ "${ALLOW_DIRTY:-}" != 1 ]]; then
    echo "release: the tree has uncommitted changes; commit them (or ALLOW_DIRTY=1 for a test build)" >&2
    exit 1
  fi
  commit="$commit+dirty"
fi

pkg=github.com/terragrunt-olechka/olechka/internal/cli
ldflags="-s -w -buildid= -X $pkg.Version=$version -X $pkg.Commit=$commit"
rm -rf "$dist"
mkdir -p "$dist"
for target in linux/amd64 linux/arm64 darwin/amd64 darwin/arm64; do
  os="${target%/*}" arch="${target#*/}"
  out="$dist/olechka_${version#v}_${os}_${arch}"
  echo "build $out"
  CGO_ENABLED=0 GOOS="$os" GOARCH="$arch" go build -trimpath -buildvcs=true -ldflags "$ldflags" -o "$out" ./cmd/olechka
done
(cd "$dist" && sha256sum olechka_* > SHA256SUMS)
cat "$dist/SHA256SUMS"
