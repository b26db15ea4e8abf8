#!/usr/bin/env bash
# The first install of the pre-commit hook (`pre-commit install-hooks` on an empty
# pre-commit cache), for figures in docs/performance.md:
#  - the mirror's hook (language: python), which pip-installs the prodlint wheel; pip is
#    limited to a local directory with the wheel built by packaging/build.sh and setuptools
#    (the mirror's build backend), so no download is timed;
#  - this repository's hook (language: rust), which runs `cargo install --path .`: a release
#    build in a fresh target directory (the crates are already in cargo's download cache).
#
# usage: bench/pre-commit-install.sh [RUST_RUNS [PYTHON_RUNS]]   (defaults: 2 and 5)
#   PROFILE=release|dev (default dev: the debug binary, 4 times the release one's size, so
#   its wheel takes longer to install than the published one)
# needs hyperfine (apt-get install hyperfine) and pre-commit (pip install pre-commit)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
rust_runs=${1:-2}
python_runs=${2:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

bash packaging/build.sh --profile "${PROFILE:-dev}" --out "$work/dist" >&2
mkdir -p "$work/wheelhouse"
cp "$work/dist/wheels/"*.whl "$work/wheelhouse/"
python3 -m pip download --quiet --only-binary :all: --dest "$work/wheelhouse" "setuptools>=61"
bash packaging/pre-commit-mirror.sh "$work/mirror" >&2
git -C "$work/mirror" init -q
git -C "$work/mirror" add -A
git -C "$work/mirror" -c user.email=bench@prodlint.invalid -c user.name=bench commit -q -m mirror

# One project per hook, each with its configuration.
config() {
  mkdir -p "$work/$1"
  git -C "$work/$1" init -q
  printf 'repos:\n  - repo: %s\n    rev: %s\n    hooks:\n      - id: prodlint\n' \
    "$2" "$(git -C "$2" rev-parse HEAD)" > "$work/$1/.pre-commit-config.yaml"
}
config python-hook "$work/mirror"
config rust-hook "$repo"

unset CARGO_TARGET_DIR
export PIP_NO_INDEX=1 PIP_FIND_LINKS="$work/wheelhouse"
hyperfine --runs "$python_runs" --export-json "$work/python.json" \
  --prepare "rm -rf $work/home-python" \
  -n "language: python (mirror, wheel)" \
  "cd $work/python-hook && PRE_COMMIT_HOME=$work/home-python pre-commit install-hooks" >&2
hyperfine --runs "$rust_runs" --export-json "$work/rust.json" \
  --prepare "rm -rf $work/home-rust" \
  -n "language: rust (cargo install)" \
  "cd $work/rust-hook && PRE_COMMIT_HOME=$work/home-rust pre-commit install-hooks" >&2
du -sh "$work/home-python" "$work/home-rust" >&2
python3 - "$work/python.json" "$work/rust.json" <<'PY'
import json, sys
for path in sys.argv[1:]:
    for r in json.load(open(path))["results"]:
        print(f"| {r['command']} | {len(r['times'])} | {r['mean']:.1f} s | {r['min']:.1f} s | {r['max']:.1f} s |")
PY
