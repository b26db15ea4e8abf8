#!/usr/bin/env bash
# Rust at scale: times `prodlint check` on generated Cargo workspaces of many crates
# (bench/gen_workspace.py), each Rust rule alone and all rules together, against a run that
# only reads and parses every file (`--select invalid-suppression`), so that the ratio shows
# what the rules and their indexes cost over parsing, and the sizes show how it grows.
#
# usage: bench/rust-scale.sh [CRATES ...]   (default 1000 5000; needs hyperfine)
#        PRODLINT=path/to/prodlint to time another build, RUNS=N for hyperfine's runs
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
echo "| crates | files | MB | parse only | non-send-across-await | option-result-misuse | n-plus-one | all rules | all / parse |"
echo "|---|---|---|---|---|---|---|---|---|"
for crates in "${sizes[@]}"; do
  ws=target/bench-workspace-$crates
  [ -d "$ws" ] || python3 bench/gen_workspace.py "$ws" "$crates"
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
  python3 - "$results" "$crates" "$files" "$bytes" <<'EOF'
import json, sys
results, crates, files, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
r = {x["command"]: x for x in json.load(open(results))["results"]}
cell = lambda n: f"{r[n]['mean']:.2f} s ± {r[n]['stddev']:.2f}"
names = ["parse", "non-send", "option-result", "n-plus-one", "all"]
ratio = r["all"]["mean"] / r["parse"]["mean"]
print(f"| {crates:,} | {files:,} | {size / 1e6:.1f} | " + " | ".join(cell(n) for n in names) + f" | {ratio:.2f} |")
EOF
  rm -f "$results"
done
