#!/usr/bin/env bash
# What the on-disk facts of the locked dependencies (signatures and module facts, under
# `deps-v1/` of the cache directory) save: whole runs with and without stale-dependency-api,
# cold (an empty cache directory) and warm (the dependency facts of a previous run kept, its
# per-file results removed, so every file is checked again). Release build, hyperfine.
#
# usage: bench/dependency-cache.sh DIR [CARGO_HOME]
#   DIR        a Cargo workspace with a Cargo.lock (docs/performance.md names the one used)
#   CARGO_HOME where its locked sources are unpacked (`cargo fetch`); default: $CARGO_HOME
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir=${1:?usage: bench/dependency-cache.sh DIR [CARGO_HOME]}
export CARGO_HOME=${2:-${CARGO_HOME:-$HOME/.cargo}}
(cd "$root" && CARGO_INCREMENTAL=0 cargo build --release --quiet)
bin="$root/target/release/prodlint"
cache=$(mktemp -d)
trap 'rm -rf "$cache"' EXIT
cd "$dir"
echo "$(pwd): $(git ls-files '*.rs' | wc -l) Rust files; $(nproc) cores; $($bin --version)"
run="$bin check . --format json --cache-dir $cache/c"
cold="rm -rf $cache/c"
warm="rm -f $cache/c/results-*.json"
# Exit status 1 (findings) is expected.
hyperfine --warmup 1 --runs "${RUNS:-3}" -i \
  -n "stale-dependency-api alone, cold" --prepare "$cold" "$run --select stale-dependency-api > /dev/null" \
  -n "stale-dependency-api alone, warm" --prepare "$warm" "$run --select stale-dependency-api > /dev/null" \
  -n "all rules, cold" --prepare "$cold" "$run > /dev/null" \
  -n "all rules, warm" --prepare "$warm" "$run > /dev/null" \
  -n "all but stale-dependency-api, cold" --prepare "$cold" "$run --ignore stale-dependency-api > /dev/null" \
  -n "all but stale-dependency-api, warm" --prepare "$warm" "$run --ignore stale-dependency-api > /dev/null"
