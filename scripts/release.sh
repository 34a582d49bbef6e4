#!/usr/bin/env bash
# Release builds of olechka (make release): linux and darwin, amd64 and arm64, into dist/,
# with SHA256SUMS. Built from the committed tree of HEAD (git archive), never from the
# working tree, so uncommitted or untracked files cannot leak in and edits during the
# build cannot race it. Reproducible: the same commit and Go version give the same bytes
# (-trimpath, no cgo, no VCS stamp, empty build id; version and commit set by -X).
#   VERSION   release tag (default: git describe --tags --exact-match, else v0.0.0-<short commit>)
#   DIST      output folder (default: dist)
#   TARGETS   os/arch pairs to build (default: linux/amd64 linux/arm64 darwin/amd64 darwin/arm64)
set -euo pipefail
cd "$(dirname "$0")/.."

commit="$(git rev-parse HEAD)"
version="${VERSION:-$(git describe --tags --exact-match 2>/dev/null || echo "v0.0.0-$(git rev-parse --short=12 HEAD)")}"
dist="$(mkdir -p "${DIST:-dist}" && cd "${DIST:-dist}" && pwd)"
if [[ -n "$(git status --porcelain --untracked-files=no)" ]]; then
  echo "release: note: uncommitted changes are not part of the build (it is $commit)" >&2
fi

src="$(mktemp -d)"
trap 'rm -rf "$src"' EXIT
git archive --format=tar HEAD | tar -x -C "$src"

pkg=github.com/terragrunt-olechka/olechka/internal/cli
ldflags="-s -w -buildid= -X $pkg.Version=$version -X $pkg.Commit=$commit"
rm -f "$dist"/olechka_* "$dist/SHA256SUMS"
for target in ${TARGETS:-linux/amd64 linux/arm64 darwin/amd64 darwin/arm64}; do
  case "$target" in */*) ;; *) echo "release: TARGETS: $target is not os/arch" >&2; exit 2 ;; esac
  os="${target%/*}" arch="${target#*/}"
  out="$dist/olechka_${version#v}_${os}_${arch}"
  echo "build $out ($commit)"
  (cd "$src" && CGO_ENABLED=0 GOOS="$os" GOARCH="$arch" GOFLAGS=-mod=readonly \
    go build -trimpath -buildvcs=false -ldflags "$ldflags" -o "$out" ./cmd/olechka)
done
(cd "$dist" && sha256sum olechka_* > SHA256SUMS)
cat "$dist/SHA256SUMS"
