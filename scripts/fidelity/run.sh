#!/usr/bin/env bash
# Differential harness: Terragrunt vs olechka on Terragrunt's own test fixtures.
#
# Builds Terragrunt from source OUTSIDE the repository (default /work/tg, override
# with TG_WORK), renders every unit of its test/fixtures offline with
# `terragrunt render --json` and lists dependency edges with `terragrunt find --json
# --dependencies`, normalises both, and writes them as golden files next to a copy of
# the fixtures under internal/config/testdata/fidelity/ (with Terragrunt's MIT notice).
# The Go test TestTerragruntFidelity (part of `make test`) compares olechka with them.
#
# Not run by `make test`: it needs the network for Terragrunt's Go modules.
#
#   scripts/fidelity/run.sh            # build (once) and regenerate the golden files
#   TG_VERSION=v1.1.3 TG_WORK=/tmp/tg scripts/fidelity/run.sh
#   TG_FIXTURES="timecmp render-json" scripts/fidelity/run.sh   # only these fixtures
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
work=${TG_WORK:-/work/tg}
version=${TG_VERSION:-v1.1.3}
out="$repo/internal/config/testdata/fidelity"
tg="$work/terragrunt-$version"

case "$work" in "$repo"|"$repo"/*) echo "TG_WORK must lie outside the repository" >&2; exit 2 ;; esac

if [ ! -x "$tg" ]; then
	if [ ! -d "$work/src/.git" ]; then
		git clone --quiet https://github.com/gruntwork-io/terragrunt "$work/src"
	fi
	git -C "$work/src" fetch --quiet --tags || true
	git -C "$work/src" checkout --quiet "$version"
	(cd "$work/src" && go build -o "$tg" .)
fi
echo "terragrunt: $("$tg" --version)"

command -v jq >/dev/null || { echo "jq is required" >&2; exit 2; }
fixtures="$work/src/test/fixtures"
rm -rf "$out"
mkdir -p "$out/fixtures" "$out/golden"
cp "$work/src/LICENSE.txt" "$out/TERRAGRUNT-LICENSE.txt"
cat > "$out/NOTICE.md" <<NOTE
The folders under fixtures/ are copied from Terragrunt's test/fixtures at $version
(https://github.com/gruntwork-io/terragrunt), and golden/ holds Terragrunt's own renders
of them. Terragrunt is MIT-licensed; its licence is in TERRAGRUNT-LICENSE.txt.
Regenerate with scripts/fidelity/run.sh.
NOTE

# Offline: no credentials, no proxyable network, no provider downloads.
export AWS_ACCESS_KEY_ID='' AWS_SECRET_ACCESS_KEY='' AWS_PROFILE='' HTTPS_PROXY=http://127.0.0.1:9 HTTP_PROXY=http://127.0.0.1:9
export TG_NON_INTERACTIVE=true TG_LOG_LEVEL=error TG_NO_AUTO_INIT=true

for fx in "$fixtures"/*/; do
	name=$(basename "$fx")
	if [ -n "${TG_FIXTURES:-}" ] && [[ " $TG_FIXTURES " != *" $name "* ]]; then
		continue
	fi
	# Copy the configuration files (not binaries, not caches).
	(cd "$fx" && find . -type f \( -name '*.hcl' -o -name '*.tf' -o -name '*.tfvars' -o -name '*.json' -o -name '*.yaml' -o -name '*.yml' -o -name '*.tpl' -o -name '.terragrunt-excludes' \) \
		-not -path '*/.terragrunt-cache/*' -not -path '*/.terraform/*' -size -64k -print0 |
		while IFS= read -r -d '' f; do mkdir -p "$out/fixtures/$name/$(dirname "$f")"; cp "$f" "$out/fixtures/$name/$f"; done)
	units='{}'
	while IFS= read -r -d '' hcl; do
		dir=$(dirname "$hcl")
		rel=${dir#"$fx"}; rel=${rel:-.}
		if json=$(cd "$dir" && timeout 60 "$tg" render --json 2>/dev/null) && [ -n "$json" ]; then
			# Normalise: the fixture's absolute path becomes $ROOT; keep what olechka compares.
			norm=$(printf '%s' "$json" | sed "s#${fx%/}#\$ROOT#g" |
				jq -S '{inputs, source: (.terraform.source // null), remote_state, generate, iam_role, prevent_destroy}')
			units=$(jq -S --arg k "$rel" --argjson v "$norm" '. + {($k): $v}' <<<"$units")
		fi
	done < <(find "$fx" -name terragrunt.hcl -not -path '*/.terragrunt-cache/*' -not -path '*/.terraform/*' -print0)
	edges=$(cd "$fx" && timeout 120 "$tg" find --json --dependencies --hidden 2>/dev/null |
		jq -S 'map({key: .path, value: ((.dependencies // []) | sort)}) | from_entries' 2>/dev/null || echo 'null')
	jq -S -n --argjson units "$units" --argjson edges "$edges" '{units: $units, edges: $edges}' >"$out/golden/$name.json"
	echo "$name: $(jq 'length' <<<"$units") units rendered"
done
