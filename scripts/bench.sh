#!/usr/bin/env bash
# Times olechka on a generated, spec-shaped tree (46 envs x 2 regions x 11 units = 1,012 units):
# render --all --json, graph, and, when built, detect for a one-file change and validate.
# Usage: scripts/bench.sh [ENVS]     Prints wall time and peak memory of each run.
set -euo pipefail
cd "$(dirname "$0")/.."
envs=${1:-46}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

go build -o "$work/olechka" ./cmd/olechka
go run ./scripts/gentree -out "$work/tree" -envs "$envs"
git -C "$work/tree" init -q -b main
git -C "$work/tree" -c user.email=bench@example.com -c user.name=bench add -A
git -C "$work/tree" -c user.email=bench@example.com -c user.name=bench commit -qm base

measure() { # name, command...
	local name=$1; shift
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f "%e %U %S %M" -o "$work/time" "$@" >/dev/null 2>"$work/err" || { echo "$name: FAILED"; tail -5 "$work/err"; return; }
		read -r secs user sys kb <"$work/time"
		printf '%-28s %6.2f s wall  %6.2f s cpu  %6d MB peak\n' "$name" "$secs" "$(awk "BEGIN{print $user + $sys}")" $((kb / 1024))
	else
		local t0; t0=$(date +%s%N)
		"$@" >/dev/null 2>"$work/err" || { echo "$name: FAILED"; return; }
		printf "%-28s %6.2f s wall\n" "$name" "$(awk "BEGIN{print ($(date +%s%N) - $t0) / 1e9}")"
	fi
}

cd "$work/tree"
measure "render --all --json" "$work/olechka" render --all --json live
measure "graph" "$work/olechka" graph live
measure "units" "$work/olechka" units live
if "$work/olechka" detect --help 2>/dev/null | grep -q -- --base; then
	sed -i 's/backup_retention_days = 30/backup_retention_days = 35/' live/production/env.hcl
	git -c user.email=bench@example.com -c user.name=bench commit -qam "one-file change"
	measure "detect (one-file change)" "$work/olechka" detect --base HEAD~1 --head HEAD --format json live
fi
if "$work/olechka" validate --help 2>/dev/null | grep -q -- --only; then
	# The generated tree breaks the project's policies (no tags): findings are expected,
	# exit 1 is fine here, only the time counts.
	measure "validate fmt,lint,policy" sh -c '"$0" "$@"; [ $? -le 1 ]' "$work/olechka" validate --only fmt,lint,policy live
fi
