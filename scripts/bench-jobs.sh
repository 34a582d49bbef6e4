#!/usr/bin/env bash
# Plans a tree two ways and counts what each costs (docs/pipeline.md, "Measured here"):
#   packed: one `olechka plan --jobs detect.json --job N` process per packed job;
#   single: one `olechka plan UNIT` process per unit, each with an empty work dir,
#           as one GitHub job per unit would run.
# Both plan against one local state store (empty: every dependency is mocked) and the AWS
# simulator, with the tool cache's provider mirror. For each job it runs the packed process,
# then its units one by one, so both modes see the same machine load.
#
# Usage: scripts/bench-jobs.sh [TREE] [JOB...]    (default: live, every job)
# Prints one line per job and mode, then the totals: OpenTofu calls (init, state pull, plan),
# units planned, CPU (user+sys of olechka, OpenTofu and providers) and wall seconds.
# Needs `make tools` and /usr/bin/time.
set -euo pipefail
cd "$(dirname "$0")/.."
tree=${1:-live}
shift || true
cache=${OLECHKA_CACHE:-$PWD/.cache}
[ -x "$cache/bin/tofu" ] || { echo "bench-jobs: no OpenTofu in $cache/bin: run make tools" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench-jobs: needs /usr/bin/time" >&2; exit 1; }

work=$(mktemp -d)
store_pid=
trap '[ -n "$store_pid" ] && kill "$store_pid" 2>/dev/null; rm -rf "$work"' EXIT
go build -o "$work/olechka" ./cmd/olechka

# Every OpenTofu call is counted by its subcommand (init, plan, show, state, ...).
cat >"$work/tofu" <<EOF
#!/bin/sh
echo "\$1" >>"\$BENCH_CALLS"
exec "$cache/bin/tofu" "\$@"
EOF
chmod +x "$work/tofu"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export OLECHKA_LOCAL=1 OLECHKA_CACHE="$cache"
export OLECHKA_STATE_ENDPOINT=http://127.0.0.1:$port
export OLECHKA_STATE_ACCESS_KEY=bench OLECHKA_STATE_SECRET_KEY=bench-secret-$RANDOM$RANDOM
"$work/olechka" state serve --dir "$work/state" --addr "127.0.0.1:$port" >"$work/store.log" 2>&1 &
store_pid=$!
for _ in $(seq 50); do curl -s -o /dev/null "$OLECHKA_STATE_ENDPOINT" && break; sleep 0.1; done

"$work/olechka" detect --all --json-out "$work/detect.json" "$tree" >/dev/null
jobs=("$@")
if [ ${#jobs[@]} -eq 0 ]; then
	mapfile -t jobs < <(python3 -c 'import json,sys; [print(j["id"]) for j in json.load(open(sys.argv[1]))["jobs"]]' "$work/detect.json")
fi

# run DIR COMMAND...: runs one olechka plan with its files in DIR and prints
# "calls inits planned cpu wall" for it.
run() {
	local dir=$1; shift
	mkdir -p "$dir"
	BENCH_CALLS=$dir/calls /usr/bin/time -f "%U %S %e" -o "$dir/time" \
		"$@" --binary "$work/tofu" --work-dir "$dir/work" --out "$dir/plans" \
		--state-dir "$work/state" >"$dir/out" 2>&1 || true
	touch "$dir/calls"
	local planned
	planned=$(find "$dir/plans" -name metadata.json 2>/dev/null | wc -l)
	read -r user sys wall <"$dir/time"
	echo "$(wc -l <"$dir/calls") $(grep -c '^init$' "$dir/calls" || true) $planned $(awk "BEGIN{print $user + $sys}") $wall"
}

sum() { awk '{c+=$1; i+=$2; p+=$3; cpu+=$4; w+=$5} END {printf "%5d calls %4d inits %3d planned %8.1f s cpu %8.1f s wall\n", c, i, p, cpu, w}'; }

printf '%-40s %s\n' "job / mode" "OpenTofu calls, inits, units planned, CPU, wall"
for id in "${jobs[@]}"; do
	name=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["jobs"][int(sys.argv[2])]["name"])' "$work/detect.json" "$id")
	run "$work/packed/$id" "$work/olechka" plan --jobs "$work/detect.json" --job "$id" --parallelism 4 "$tree" >>"$work/packed.txt"
	printf '%-40s %s\n' "$name packed" "$(tail -1 "$work/packed.txt" | sum)"
	: >"$work/single-$id.txt"
	i=0
	while read -r unit; do
		i=$((i + 1))
		run "$work/single/$id/$i" "$work/olechka" plan --root "$tree" "$tree/$unit" >>"$work/single-$id.txt"
	done < <(python3 -c 'import json,sys; [print(u) for u in json.load(open(sys.argv[1]))["jobs"][int(sys.argv[2])]["units"]]' "$work/detect.json" "$id")
	printf '%-40s %s\n' "$name single" "$(sum <"$work/single-$id.txt")"
	cat "$work/single-$id.txt" >>"$work/single.txt"
done
printf '%-40s %s\n' "all packed (${#jobs[@]} processes)" "$(sum <"$work/packed.txt")"
printf '%-40s %s\n' "all single ($(wc -l <"$work/single.txt") processes)" "$(sum <"$work/single.txt")"
