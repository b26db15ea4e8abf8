#!/usr/bin/env bash
# Three figures for docs/performance.md:
#  1. a pre-commit hook's run: 10 staged files of a 5,000-file repository (median of 20);
#  2. the result cache: a first and a second run over an unchanged 10,000-file repository;
#  3. the run after a fresh checkout (every file with a new modification time, the same
#     content: a CI job with a restored cache), which the content hashes serve.
#
# usage: bench/hook-and-cache.sh   (needs hyperfine: apt-get install hyperfine)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=$PWD/target/release/prodlint

hook=target/bench-corpus-5000
[ -d "$hook" ] || python3 bench/gen_corpus.py "$hook" 5000
# The staged files: 10 of them, both languages, spread over the tree.
staged=$(cd "$hook" && find . -type f \( -name '*.ts' -o -name '*.rs' -o -name '*.tsx' -o -name '*.js' \) | sort | awk 'NR % 500 == 1' | head -10 | tr '\n' ' ')
echo "hook: 10 staged files of $(find "$hook" -type f | wc -l) in the repository"
(cd "$hook" && hyperfine --warmup 3 --runs 20 --ignore-failure --export-json /tmp/prodlint-hook.json \
  -n "no cache" "$bin check --no-cache $staged" \
  -n "cache warm" "$bin check $staged" >&2)
python3 - <<'PY'
import json
for r in json.load(open('/tmp/prodlint-hook.json'))['results']:
    print(f"| 10 staged files ({r['command']}) | median {r['median']*1000:.0f} ms | min {r['min']*1000:.0f} ms | max {r['max']*1000:.0f} ms |")
PY

big=target/bench-corpus-10000
[ -d "$big" ] || python3 bench/gen_corpus.py "$big" 10000
# Age the files: the cache does not trust stamps of files modified in the last 2 seconds.
find "$big" -type f -exec touch -d '1 hour ago' {} +
rm -rf "$big/.prodlint_cache"
echo "cache: $(find "$big" -type f | wc -l) files"
first=$( { /usr/bin/time -f '%e %M' "$bin" check "$big" --cache-dir "$big/.prodlint_cache" --format json > /dev/null; } 2>&1 | tail -1)
second=$( { /usr/bin/time -f '%e %M' "$bin" check "$big" --cache-dir "$big/.prodlint_cache" --format json > /dev/null; } 2>&1 | tail -1)
(hyperfine --warmup 1 --runs 10 --ignore-failure --export-json /tmp/prodlint-cache.json \
  -n "no cache" "$bin check $big --no-cache --format json" \
  -n "cache warm" "$bin check $big --cache-dir $big/.prodlint_cache --format json" >&2)
echo "first run with an empty cache: ${first% *} s, peak ${first#* } KiB (second run: ${second% *} s)"
python3 - <<'PY'
import json
for r in json.load(open('/tmp/prodlint-cache.json'))['results']:
    print(f"| 10,000 files ({r['command']}) | mean {r['mean']*1000:.0f} ms ± {r['stddev']*1000:.0f} ms |")
PY

find "$big" -type f -not -path '*/.prodlint_cache/*' -exec touch -d '30 minutes ago' {} +
checkout=$( { /usr/bin/time -f '%e %M' "$bin" check "$big" --cache-dir "$big/.prodlint_cache" --format json > /dev/null; } 2>&1 | tail -1)
after=$( { /usr/bin/time -f '%e %M' "$bin" check "$big" --cache-dir "$big/.prodlint_cache" --format json > /dev/null; } 2>&1 | tail -1)
echo "after a fresh checkout (new stamps, same content): ${checkout% *} s; the run after it: ${after% *} s"
