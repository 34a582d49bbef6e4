#!/usr/bin/env bash
# Runs every fuzz target in the repository for FUZZTIME each (default 5m), one after
# another, benchmark-style: not part of make test. A target that finds a failure leaves
# the input in its package's testdata/fuzz/<Target>/ (commit it: it becomes a regression
# test that go test runs every time) and makes this script exit 1.
#   FUZZTIME=30s scripts/fuzz.sh            # shorter
#   FUZZ_PARALLEL=4 scripts/fuzz.sh         # workers per target (default 2)
#   scripts/fuzz.sh FuzzFormat              # only targets whose name matches a regexp
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2

fuzztime="${FUZZTIME:-5m}"
parallel="${FUZZ_PARALLEL:-2}"
only="${1:-.}"

# package directory and target name of every `func FuzzXxx(f *testing.F)`
mapfile -t targets < <(grep -rEo --include='*_test.go' '^func (Fuzz[A-Za-z0-9_]*)\(' . \
  | grep -v '/\.cache/' | sed -E 's|^(.*)/[^/]+_test\.go:func (Fuzz[A-Za-z0-9_]*)\($|\1 \2|' | sort -u)
if [[ ${#targets[@]} -eq 0 ]]; then
  echo "fuzz: no fuzz targets found" >&2
  exit 1
fi

failed=0
summary=()
for t in "${targets[@]}"; do
  dir="${t% *}" name="${t#* }"
  [[ "$name" =~ $only ]] || continue
  log="$(mktemp)"
  echo "== $name ($dir) for $fuzztime"
  start=$(date +%s)
  if go test -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" -parallel "$parallel" "$dir" >"$log" 2>&1; then
    status=ok
  else
    status=FAILED
    failed=1
  fi
  secs=$(( $(date +%s) - start ))
  execs="$(grep -Eo 'execs: [0-9]+' "$log" | tail -1 | cut -d' ' -f2)"
  tail -n 3 "$log"
  if [[ $status == FAILED ]]; then
    grep -E 'Failing input written to|--- FAIL|panic:' "$log" | head -5
  fi
  summary+=("$(printf '%-28s %-40s %-7s %6ss %12s execs' "$name" "$dir" "$status" "$secs" "${execs:-?}")")
  rm -f "$log"
done

echo
echo "== fuzz summary (FUZZTIME=$fuzztime, parallel $parallel)"
printf '%s\n' "${summary[@]}"
exit "$failed"
