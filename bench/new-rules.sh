#!/usr/bin/env bash
# What stale-dependency-api, instrument-unknown-param and ws-broadcast-to-sender cost on a
# real workspace: the whole run with every rule against the same run without these three,
# and each of them alone (hyperfine; release build; no result cache).
#
# usage: bench/new-rules.sh DIR [CARGO_HOME]
#   DIR        a Cargo workspace with a Cargo.lock (docs/performance.md names the one used)
#   CARGO_HOME where its locked sources are unpacked (`cargo fetch`); default: $CARGO_HOME
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir=${1:?usage: bench/new-rules.sh DIR [CARGO_HOME]}
export CARGO_HOME=${2:-${CARGO_HOME:-$HOME/.cargo}}
(cd "$root" && CARGO_INCREMENTAL=0 cargo build --release --quiet)
bin="$root/target/release/prodlint"
cd "$dir"
files=$(git ls-files '*.rs' '*.ts' '*.js' '*.tsx' '*.mjs' '*.cjs' '*.vue' 2>/dev/null | wc -l)
echo "$(pwd): $files source files; $(nproc) cores; $($bin --version)"
new=stale-dependency-api,instrument-unknown-param,ws-broadcast-to-sender
run="$bin check . --no-cache --format json"
# Exit status 1 (findings) is expected.
hyperfine --warmup 1 --runs 5 -i \
  -n "all rules" "$run > /dev/null" \
  -n "all but the three" "$run --ignore $new > /dev/null" \
  -n "stale-dependency-api alone" "$run --select stale-dependency-api > /dev/null" \
  -n "instrument-unknown-param alone" "$run --select instrument-unknown-param > /dev/null" \
  -n "ws-broadcast-to-sender alone" "$run --select ws-broadcast-to-sender > /dev/null"
