#!/usr/bin/env bash
# Whole-run comparison of two prodlint binaries on one project: the same `prodlint check`
# (every rule, no cache, JSON to /dev/null), alternated by hyperfine. Wall time on a loaded
# machine is noisy; the user CPU time hyperfine reports beside it is the steadier figure.
#
# usage: bench/compare.sh OLD_BINARY NEW_BINARY PROJECT_DIR [RUNS]   (needs hyperfine)
set -euo pipefail
old=$(realpath "$1")
new=$(realpath "$2")
project=$3
runs=${4:-6}
cd "$project"
# A run with error-severity findings exits 1: that is a result, not a failure.
hyperfine --ignore-failure --warmup 1 --runs "$runs" \
  -n old "$old check . --no-cache --format json > /dev/null" \
  -n new "$new check . --no-cache --format json > /dev/null"
