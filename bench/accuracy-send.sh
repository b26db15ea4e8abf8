#!/usr/bin/env bash
# Accuracy of `non-send-across-await` against clippy on real async crates.
#
# For each crate of the list below: check it out at its commit under $ACCURACY_DIR, run
#   cargo clippy --message-format=json -- -A clippy::all -W clippy::future_not_send
#     -W clippy::await_holding_lock -W clippy::await_holding_refcell_ref
# (its JSON is kept per crate, commit and flags, so a rerun only runs prodlint), run
# prodlint with `--select non-send-across-await` twice (the default options, and
# `every_async_fn = true` through a config file) and compare per function: a finding
# belongs to the innermost `fn` it is in (bench/accuracy_send.py). Prints per crate the
# clippy count, the prodlint count, hits, false positives and misses with their places,
# then precision and recall over all crates for both modes.
#
# usage: bench/accuracy-send.sh [NAME ...]        (default: every crate of the list)
#   ACCURACY_DIR=DIR      checkouts, clippy target dirs and cached JSON (default
#                         ${TMPDIR:-/tmp}/prodlint-accuracy); reruns reuse all three
#   ACCURACY_MIRROR=DIR   take OWNER/NAME from DIR/OWNER+NAME/repo when it exists instead
#                         of https://github.com/OWNER/NAME
#   PRODLINT=BIN          the prodlint to measure (default: `cargo build`, target/debug)
#   VERBOSE=1             also list every hit
# Clippy runs under `nice -n 10`; the first run of a crate builds its dependencies (tokio
# with `full`: several minutes on two cores). Dependency sources land in the usual Cargo
# home, where prodlint reads them.
set -euo pipefail
repo_root=$(cd "$(dirname "$0")/.." && pwd)
work=${ACCURACY_DIR:-${TMPDIR:-/tmp}/prodlint-accuracy}
mkdir -p "$work"/src "$work"/target "$work"/clippy "$work"/prodlint

# name | OWNER/NAME | commit | cargo flags (run at the checkout's root) | scope: the
# directories compared (clippy checks only the library, so only its sources count)
crates=(
  "mini-redis|tokio-rs/mini-redis|3d93b42bc363220f85af4fc9e1bebd35b588a4a3|--lib|src"
  "bb8|djc/bb8|15a6c5a01d3d21cf51165ff850afe89bc34382b3|-p bb8 --lib|bb8/src"
  "tokio-uring|tokio-rs/tokio-uring|5fb1a4f65b8c471ba6fab8d12e42e129231d865f|--lib|src"
  "tokio|tokio-rs/tokio|ea91b33ca57ff0581b38e735cc108f831bccbdaa|-p tokio --lib --features full|tokio/src"
)

if [ -n "${PRODLINT:-}" ]; then
  bin=$PRODLINT
else
  (cd "$repo_root" && cargo build --quiet --bin prodlint)
  bin=$repo_root/target/debug/prodlint
fi

printf '[rules.non-send-across-await]\n' >"$work/default.toml"
printf '[rules.non-send-across-await]\nevery_async_fn = true\n' >"$work/every.toml"

wanted=" $* "
reports=()
for entry in "${crates[@]}"; do
  IFS='|' read -r name slug commit flags scope <<<"$entry"
  if [ $# -gt 0 ] && [[ $wanted != *" $name "* ]]; then continue; fi
  src=$work/src/$name
  if [ ! -d "$src/.git" ]; then
    origin=https://github.com/$slug
    mirror=${ACCURACY_MIRROR:+$ACCURACY_MIRROR/${slug/\//+}/repo}
    [ -n "$mirror" ] && [ -d "$mirror" ] && origin=$mirror
    git clone --quiet --no-checkout "$origin" "$src"
  fi
  git -C "$src" checkout --quiet --force "$commit"

  key=$(printf '%s' "$flags" | sha1sum | cut -c1-12)
  clippy_json=$work/clippy/$name-$commit-$key.json
  if [ ! -s "$clippy_json" ]; then
    echo "== $name: cargo clippy $flags (cached in $clippy_json)" >&2
    # shellcheck disable=SC2086 # the flags are words
    (cd "$src" && CARGO_TARGET_DIR=$work/target/$name nice -n 10 cargo clippy $flags \
      --message-format=json -- -A clippy::all -W clippy::future_not_send \
      -W clippy::await_holding_lock -W clippy::await_holding_refcell_ref) \
      >"$clippy_json.part" || true
    # A crate that does not build has no findings to compare with: stop, keep nothing.
    if ! grep -q '"reason":"build-finished","success":true' "$clippy_json.part"; then
      echo "$name: cargo clippy did not build it; see $clippy_json.part" >&2
      exit 1
    fi
    mv "$clippy_json.part" "$clippy_json"
  fi

  for mode in default every; do
    (cd "$src" && "$bin" check . --no-cache --format json --select non-send-across-await \
      --config "$work/$mode.toml" >"$work/prodlint/$name-$mode.json") || [ $? -eq 1 ]
  done
  reports+=("$name|$src|$scope|$clippy_json|$work/prodlint/$name-default.json|$work/prodlint/$name-every.json")
done

python3 "$repo_root/bench/accuracy_send.py" "${reports[@]}"
