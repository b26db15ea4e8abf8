#!/usr/bin/env bash
# Fuzzes one front end for a given time: `bash fuzz/run.sh rust|js SECONDS [SEED]`.
# Builds prodlint (debug: overflow checks and debug assertions on, the largest stack
# frames) and the fuzzer, seeds it with the fixtures and the corpus it keeps in
# fuzz/corpus/<front end>/, and saves crashing inputs in fuzz/crashes/<front end>/ (and
# those that take over 10 s alone in fuzz/slow/<front end>/).
# Exits 1 if it found a crash: move each input to fuzz/regressions/ once it is fixed, so
# that tests/fuzz_regressions.rs keeps it fixed.
set -euo pipefail
cd "$(dirname "$0")/.."
front_end=${1:?usage: fuzz/run.sh rust|js SECONDS [SEED]}
seconds=${2:?usage: fuzz/run.sh rust|js SECONDS [SEED]}
seed_args=()
if [ -n "${3:-}" ]; then seed_args=(--seed "$3"); fi
cargo build --quiet --bin prodlint
cargo build --quiet -p prodlint_fuzz
target_dir=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
exec "$target_dir/debug/prodlint-fuzz" "$front_end" \
    --seconds "$seconds" \
    --prodlint "$target_dir/debug/prodlint" \
    --seeds fixtures \
    --seeds fuzz/regressions \
    --corpus "fuzz/corpus/$front_end" \
    --crashes "fuzz/crashes/$front_end" \
    --slow "fuzz/slow/$front_end" \
    "${seed_args[@]}"
