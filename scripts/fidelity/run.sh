#!/usr/bin/env bash
# Differential harness: Terragrunt vs olechka on Terragrunt's own test fixtures.
#
# Builds Terragrunt from source OUTSIDE the repository (default /work/tg, override
# with TG_WORK), copies the text files of its test/fixtures into
# internal/config/testdata/fidelity/fixtures/ (with Terragrunt's MIT notice), renders
# every unit of that copy offline with `terragrunt render --json`, lists dependency
# edges with `terragrunt find --json --dependencies --hidden`, and writes them as one
# golden file per fixture tree under internal/config/testdata/fidelity/golden/.
# The Go test TestTerragruntFidelity (part of `make test`) compares olechka with them.
#
# Terragrunt runs on a scratch copy of exactly the files committed to testdata (its
# caches never land in the repository), with an empty environment (get_env sees what
# olechka's test sees: nothing), no credentials and no reachable network. State files
# are not copied: a dependency's outputs are its mock_outputs for both tools.
#
# Not run by `make test`: it needs the network for Terragrunt's Go modules (once).
#
#   scripts/fidelity/run.sh            # build (once) and regenerate every golden file
#   TG_VERSION=v1.1.3 TG_WORK=/tmp/tg scripts/fidelity/run.sh
#   TG_FIXTURES="timecmp render-json" scripts/fidelity/run.sh   # only these fixtures
#   TG_JOBS=4 scripts/fidelity/run.sh  # fixtures rendered in parallel (default 2)
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
work=${TG_WORK:-/work/tg}
version=${TG_VERSION:-v1.1.3}
out="$repo/internal/config/testdata/fidelity"
tg="$work/terragrunt-$version"
fixtures="$work/src/test/fixtures"

case "$work" in "$repo"|"$repo"/*) echo "TG_WORK must lie outside the repository" >&2; exit 2 ;; esac

# copy_fixture SRC DST copies a fixture's text files (and its relative symlinks):
# no caches, no state, no Go files (gofmt would check them), no .gitignore (git would
# obey it), nothing over 64 KiB, nothing binary.
copy_fixture() {
	local src=$1 dst=$2 f
	(cd "$src" && find . \( -name .terragrunt-cache -o -name .terraform -o -name .git \) -prune -o \
		\( -type f -o -type l \) -print0) |
		while IFS= read -r -d '' f; do
			case "$f" in */.gitignore | *.tfstate | *.tfstate.* | *.go) continue ;; esac
			mkdir -p "$dst/$(dirname "$f")"
			if [ -L "$src/$f" ]; then
				cp -P "$src/$f" "$dst/$f"
				continue
			fi
			[ "$(stat -c %s "$src/$f")" -le 65536 ] || continue
			# Binary files are left out (grep -I matches nothing in them); a file
			# holding only a newline is text.
			if [ -s "$src/$f" ] && ! grep -Iq '' "$src/$f"; then
				continue
			fi
			cp "$src/$f" "$dst/$f"
		done
}

# one NAME renders fixture NAME (already copied to $out/fixtures/NAME) and writes its
# golden file. Runs in a child process (xargs), with the environment below.
one() {
	local name=$1 scratch fx units rejected edges json norm hcl dir rel
	scratch=$(mktemp -d)
	trap 'rm -rf "$scratch"' RETURN
	fx="$scratch/$name"
	cp -a "$out/fixtures/$name" "$fx"
	units='{}'
	rejected='[]'
	while IFS= read -r -d '' hcl; do
		dir=$(dirname "$hcl")
		rel=${dir#"$fx"}
		rel=${rel#/}
		rel=${rel:-.}
		# terraform may print warnings on stdout: the render is the last JSON line.
		if json=$(cd "$dir" && timeout 60 "$tg" render --json 2>/dev/null | grep '^{' | tail -n 1) && [ -n "$json" ]; then
			# Normalise: the fixture's absolute path becomes $ROOT; keep what olechka compares.
			norm=$(printf '%s' "$json" | sed "s#${fx}#\$ROOT#g" |
				jq -S '{inputs, source: (.terraform.source // null), remote_state, generate, iam_role, prevent_destroy}')
			units=$(jq -S --arg k "$rel" --argjson v "$norm" '. + {($k): $v}' <<<"$units")
		else
			rejected=$(jq -S --arg k "$rel" '. + [$k] | sort' <<<"$rejected")
		fi
	done < <(find -L "$fx" \( -name .terragrunt-cache -o -name .terraform \) -prune -o -name terragrunt.hcl -type f -print0)
	edges=$(cd "$fx" && timeout 120 "$tg" find --json --dependencies --hidden 2>/dev/null |
		jq -S 'map({key: .path, value: ((.dependencies // []) | sort)}) | from_entries' 2>/dev/null) || edges='null'
	[ -n "$edges" ] || edges='null'
	jq -S -n --argjson units "$units" --argjson rejected "$rejected" --argjson edges "$edges" \
		'{units: $units, rejected: $rejected, edges: $edges}' >"$out/golden/$name.json"
	echo "$name: $(jq 'length' <<<"$units") units rendered, $(jq 'length' <<<"$rejected") rejected"
}

if [ "${1:-}" = --one ]; then
	one "$2"
	exit
fi

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

names=()
for fx in "$fixtures"/*/; do
	name=$(basename "$fx")
	if [ -n "${TG_FIXTURES:-}" ] && [[ " $TG_FIXTURES " != *" $name "* ]]; then
		continue
	fi
	names+=("$name")
done
if [ -z "${TG_FIXTURES:-}" ]; then
	rm -rf "$out"
fi
mkdir -p "$out/fixtures" "$out/golden"
cp "$work/src/LICENSE.txt" "$out/TERRAGRUNT-LICENSE.txt"
cat >"$out/NOTICE.md" <<NOTE
The folders under fixtures/ are copied from Terragrunt's test/fixtures at $version
(https://github.com/gruntwork-io/terragrunt; text files up to 64 KiB, without state
files), and golden/ holds Terragrunt's own renders of them and the dependency edges
\`terragrunt find\` lists. Terragrunt is MIT-licensed; its licence is in
TERRAGRUNT-LICENSE.txt. Regenerate with scripts/fidelity/run.sh.
NOTE
for name in "${names[@]}"; do
	rm -rf "$out/fixtures/$name" "$out/golden/$name.json"
	copy_fixture "$fixtures/$name" "$out/fixtures/$name"
done

# Offline and hermetic: an empty environment but for what Terragrunt needs to run.
mkdir -p "$work/home"
tfrc=$(mktemp)
trap 'rm -f "$tfrc"' EXIT
printf '%s\0' "${names[@]}" |
	env -i PATH="$PATH" HOME="$work/home" TF_CLI_CONFIG_FILE="$tfrc" TG_WORK="$work" TG_VERSION="$version" \
		HTTPS_PROXY=http://127.0.0.1:9 HTTP_PROXY=http://127.0.0.1:9 \
		TG_NON_INTERACTIVE=true TG_LOG_LEVEL=error TG_NO_AUTO_INIT=true \
		xargs -0 -n 1 -P "${TG_JOBS:-2}" bash "$0" --one
