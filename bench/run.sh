#!/usr/bin/env bash
# Whole-run benchmark: times `prodlint check` on a generated corpus of Rust and TS/JS files,
# on one thread and on all cores, and reports files/s, MB/s and peak memory.
#
# usage: bench/run.sh [FILES]   (default 2400; needs hyperfine and GNU time: apt-get install hyperfine time)
set -euo pipefail
cd "$(dirname "$0")/.."
files=${1:-2400}
corpus=target/bench-corpus-$files
cargo build --release --quiet
bin=target/release/prodlint
if [ ! -d "$corpus" ]; then
  python3 bench/gen_corpus.py "$corpus" "$files"
fi
bytes=$(find "$corpus" -type f -printf '%s\n' | awk '{s+=$1} END {print s}')
count=$(find "$corpus" -type f | wc -l)
cores=$(nproc)
echo "corpus: $count files, $((bytes / 1024)) KiB; $cores cores; $($bin --version)"

results=$(mktemp)
hyperfine --warmup 2 --runs 10 --export-json "$results" \
  -n "1 thread" "$bin check $corpus --no-cache --format json --threads 1 > /dev/null" \
  -n "$cores threads" "$bin check $corpus --no-cache --format json --threads $cores > /dev/null" >&2

echo
echo "| run | mean | stddev | files/s | MB/s | peak RSS |"
echo "|---|---|---|---|---|---|"
for threads in 1 "$cores"; do
  name="$threads thread"; [ "$threads" = 1 ] || name="$threads threads"
  read -r mean stddev < <(python3 -c "
import json,sys
r=[x for x in json.load(open('$results'))['results'] if x['command']=='$name'][0]
print(r['mean'], r['stddev'])")
  rss=$( { /usr/bin/time -f '%M' "$bin" check "$corpus" --no-cache --format json --threads "$threads" > /dev/null; } 2>&1 | tail -1)
  python3 -c "
mean,sd,files,b,rss=$mean,$stddev,$count,$bytes,$rss
print(f'| $name | {mean*1000:.0f} ms | ±{sd*1000:.0f} ms | {files/mean:,.0f} | {b/mean/1e6:.1f} | {rss/1024:.0f} MiB |')"
done
rm -f "$results"
