#!/usr/bin/env bash
# dynalite 4.0.0 (DynamoDB on loopback, in memory) for the DynamoDB state-locking tests,
# installed from npm with the project's lock file into $OLECHKA_CACHE/dynalite, with a
# launcher at $OLECHKA_CACHE/bin/dynalite. Idempotent: skipped when the installed lock
# file matches tools/dynalite/package-lock.json.
set -euo pipefail
cd "$(dirname "$0")/../.."
CACHE="${OLECHKA_CACHE:-$PWD/.cache}"
mkdir -p "$CACHE/bin"
CACHE="$(cd "$CACHE" && pwd)"
SRC="$PWD/tools/dynalite"
DEST="$CACHE/dynalite"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "node and npm are needed for dynalite (Debian: apt-get install nodejs npm)" >&2
  exit 1
fi

if [[ -x "$CACHE/bin/dynalite" ]] && cmp -s "$SRC/package-lock.json" "$DEST/package-lock.json" \
  && [[ -f "$DEST/node_modules/dynalite/cli.js" ]]; then
  echo "dynalite $(node -p "require('$DEST/node_modules/dynalite/package.json').version"): cached"
else
  echo "dynalite: installing from npm (tools/dynalite/package-lock.json)"
  start=$SECONDS
  rm -rf "$DEST.tmp"
  mkdir -p "$DEST.tmp"
  cp "$SRC/package.json" "$SRC/package-lock.json" "$DEST.tmp/"
  # Install scripts are not needed: dynalite runs in memory (memory-level, pure JS).
  (cd "$DEST.tmp" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  rm -rf "$DEST"
  mv "$DEST.tmp" "$DEST"
  echo "dynalite: installed in $((SECONDS - start))s"
fi

cat >"$CACHE/bin/.dynalite.tmp" <<LAUNCHER
#!/bin/sh
# Written by scripts/tools/20-dynalite.sh: in-memory DynamoDB, e.g. dynalite --port 4567
exec node "$DEST/node_modules/dynalite/cli.js" "\$@"
LAUNCHER
chmod +x "$CACHE/bin/.dynalite.tmp"
mv -f "$CACHE/bin/.dynalite.tmp" "$CACHE/bin/dynalite"
echo "dynalite: $CACHE/bin/dynalite"
