#!/usr/bin/env bash
# Whole runs of prodlint against oxlint on the same trees, in paired runs.
#
# usage: bench/oxlint.sh [DIR ...]
#
#   Each DIR is a TS/JS repository with its dependencies installed (node_modules), checked
#   from its root. A generated corpus (bench/gen_corpus.py, CORPUS_FILES files) is always
#   measured first. For every tree it runs, RUNS times and in turn:
#     prodlint check . --no-cache --format json --threads $(nproc)   (every rule)
#     oxlint with import/named, import/default, import/no-named-as-default and
#       no-await-in-loop (import plugin on, only these rules, the tree's own oxlint
#       configuration files ignored), --threads $(nproc)
#     prodlint as above with --threads 1
#   and prints, per tree: the median wall time of each, the median of the per-pair ratios
#   prodlint/oxlint, the ratio of prodlint's 1-thread to its N-thread median, the medians of
#   CPU time (user + system) and the peak RSS of each (GNU time's maximum resident set).
#
# environment:
#   RUNS=10               paired runs per tree (after one warm-up run of each command)
#   CORPUS_FILES=2400     size of the generated corpus
#   OXLINT_VERSION=1.95.0 the oxlint release installed from npm
#   SCRATCH=${TMPDIR:-/tmp}/prodlint-bench-oxlint   where oxlint is installed and the corpus
#                         generated (outside any git repository; never the project or the
#                         trees measured)
#   PRODLINT=PATH         a prodlint binary to measure instead of building this checkout's
#                         release build
#
# needs: cargo, python3, npm (to install oxlint once), GNU time (apt-get install time).
# Exit status of a lint run (1: it found something) is a result, not a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
runs=${RUNS:-10}
corpus_files=${CORPUS_FILES:-2400}
oxlint_version=${OXLINT_VERSION:-1.95.0}
scratch=${SCRATCH:-${TMPDIR:-/tmp}/prodlint-bench-oxlint}
threads=$(nproc)

if [ ! -x /usr/bin/time ]; then
  echo "bench/oxlint.sh: GNU time is missing (apt-get install time)" >&2
  exit 2
fi

if [ -n "${PRODLINT:-}" ]; then
  prodlint=$(realpath "$PRODLINT")
else
  CARGO_INCREMENTAL=0 cargo build --release --quiet
  prodlint=$root/target/release/prodlint
fi

mkdir -p "$scratch"
oxlint=$scratch/node_modules/.bin/oxlint
if [ ! -x "$oxlint" ] || [ "$("$oxlint" --version)" != "Version: $oxlint_version" ]; then
  npm install --no-save --no-audit --no-fund --prefix "$scratch" "oxlint@$oxlint_version" >&2
fi
# Only the four comparable rules: the configuration turns off oxlint's default
# `correctness` set.
config=$scratch/oxlintrc.json
cat > "$config" <<'EOF'
{
  "plugins": ["import"],
  "categories": { "correctness": "off" },
  "rules": {
    "import/named": "error",
    "import/default": "error",
    "import/no-named-as-default": "error",
    "no-await-in-loop": "error"
  }
}
EOF

# Outside any git repository: inside this one, `target/` is ignored by both tools.
corpus=$scratch/corpus-$corpus_files
if [ ! -d "$corpus" ]; then
  python3 bench/gen_corpus.py "$corpus" "$corpus_files"
fi

echo "prodlint: $("$prodlint" --version); oxlint: $("$oxlint" --version); $threads cores;" \
  "$runs paired runs; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| tree | commit | files | prodlint | oxlint | median ratio | prodlint 1 thread | 1 / $threads threads | CPU prodlint | CPU oxlint | peak RSS prodlint | peak RSS oxlint |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"

# One run under GNU time: appends "wall user+sys maxrss_kib" to the file $1.
measure() {
  local out=$1
  shift
  /usr/bin/time -f '%e %U %S %M' -o "$out.one" "$@" > /dev/null 2>&1 || true
  # The last line: GNU time puts "Command exited with non-zero status 1" before it.
  tail -n 1 "$out.one" | awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' >> "$out"
}

for tree in "$corpus" "$@"; do
  tree=$(realpath "$tree")
  # Also the first warm-up: the page cache then holds the tree and its node_modules.
  files=$( (env -C "$tree" "$prodlint" check . --no-cache --format json 2>/dev/null || true) |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["summary"]["files"])')
  commit=$(git -C "$tree" rev-parse --short HEAD 2>/dev/null || echo "generated")
  samples=$(mktemp -d)
  pl=(env -C "$tree" "$prodlint" check . --no-cache --format json --threads "$threads")
  pl1=(env -C "$tree" "$prodlint" check . --no-cache --format json --threads 1)
  ox=(env -C "$tree" "$oxlint" -c "$config" --disable-nested-config --threads "$threads" -f json .)
  "${ox[@]}" > /dev/null 2>&1 || true
  for _ in $(seq "$runs"); do
    measure "$samples/prodlint" "${pl[@]}"
    measure "$samples/oxlint" "${ox[@]}"
    measure "$samples/prodlint1" "${pl1[@]}"
  done
  python3 - "$samples" "$(basename "$tree")" "$commit" "$files" "$threads" <<'EOF'
import statistics, sys
samples, name, commit, files, threads = sys.argv[1:]
def load(what):
    return [tuple(float(x) for x in line.split()) for line in open(f"{samples}/{what}")]
pl, ox, pl1 = load("prodlint"), load("oxlint"), load("prodlint1")
med = lambda rows, i: statistics.median(r[i] for r in rows)
ratio = statistics.median(p[0] / o[0] for p, o in zip(pl, ox))
print(f"| {name} | {commit} | {files} | {med(pl, 0):.2f} s | {med(ox, 0):.2f} s | {ratio:.2f} "
      f"| {med(pl1, 0):.2f} s | {med(pl1, 0) / med(pl, 0):.2f} | {med(pl, 1):.2f} s "
      f"| {med(ox, 1):.2f} s | {max(r[2] for r in pl) / 1024:.0f} MiB "
      f"| {max(r[2] for r in ox) / 1024:.0f} MiB |")
EOF
  rm -rf "$samples"
done
