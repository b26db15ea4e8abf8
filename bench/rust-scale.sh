#!/usr/bin/env bash
# Rust at scale: times `prodlint check` on generated Cargo workspaces of many crates
# (bench/gen_workspace.py), each Rust rule alone and all rules together, against a run that
# only reads and parses every file (`--select invalid-suppression`), so that the ratio shows
# what the rules and their indexes cost over parsing, and the sizes show how it grows.
#
# usage: bench/rust-scale.sh [CRATES|DIR ...]   (default 1000 5000; needs hyperfine)
#        a number generates a workspace of that many crates; a directory (a real workspace)
#        is checked as it is. PRODLINT=path/to/prodlint to time another build, RUNS=N for
#        hyperfine's runs. The last column is the peak RSS of one whole run (GNU time).
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 5000)
bin=${PRODLINT:-target/release/prodlint}
if [ -z "${PRODLINT:-}" ]; then
  CARGO_INCREMENTAL=0 cargo build --release --quiet --bin prodlint
fi
runs=${RUNS:-5}
echo "$($bin --version); $(nproc) cores"
echo
echo "| workspace | files | MB | parse only | non-send-across-await | option-result-misuse | n-plus-one | all rules | all / parse | peak RSS (all) |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for crates in "${sizes[@]}"; do
  if [ -d "$crates" ]; then
    ws=$crates
  else
    ws=target/bench-workspace-$crates
    [ -d "$ws" ] || python3 bench/gen_workspace.py "$ws" "$crates"
  fi
  files=$(find "$ws" -name '*.rs' | wc -l)
  bytes=$(find "$ws" -name '*.rs' -printf '%s\n' | awk '{s+=$1} END {print s}')
  results=$(mktemp)
  run() { echo "$bin check $ws --no-cache --format json $1 > /dev/null || true"; }
  hyperfine --runs "$runs" --warmup 1 --export-json "$results" \
    -n parse "$(run '--select invalid-suppression')" \
    -n non-send "$(run '--select non-send-across-await')" \
    -n option-result "$(run '--select option-result-misuse')" \
    -n n-plus-one "$(run '--select n-plus-one')" \
    -n all "$(run '')" >&2
  rss_file=$(mktemp)
  /usr/bin/time -f '%M' -o "$rss_file" $bin check "$ws" --no-cache --format json > /dev/null 2>&1 || true
  rss=$(tail -n 1 "$rss_file")
  rm -f "$rss_file"
  python3 - "$results" "$crates" "$files" "$bytes" "$rss" <<'EOF'
import json, sys
results, crates, files, size, rss = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
crates = f"{int(crates):,} crates" if crates.isdigit() else crates
r = {x["command"]: x for x in json.load(open(results))["results"]}
# Wall time (mean ± standard deviation) and CPU time (user + system), which a loaded
# machine inflates less.
cpu = lambda n: r[n]["user"] + r[n]["system"]
cell = lambda n: f"{r[n]['mean']:.2f} s ± {r[n]['stddev'] or 0:.2f} (CPU {cpu(n):.2f} s)"
names = ["parse", "non-send", "option-result", "n-plus-one", "all"]
ratio = r["all"]["mean"] / r["parse"]["mean"]
cpu_ratio = cpu("all") / cpu("parse")
print(f"| {crates} | {files:,} | {size / 1e6:.1f} | " + " | ".join(cell(n) for n in names)
      + f" | {ratio:.2f} (CPU {cpu_ratio:.2f}) | {rss / 1024:.0f} MiB |")
EOF
  rm -f "$results"
done
