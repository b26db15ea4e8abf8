#!/usr/bin/env bash
# Writes the pre-commit mirror repository's files into DIR: a hook of `language: python`
# whose package only depends on `prodlint==VERSION` (the wheel), so pre-commit installs a
# prebuilt binary instead of compiling. VERSION is the workspace's (check-versions.sh).
#
#   packaging/pre-commit-mirror.sh DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
[ $# -eq 1 ] || { echo "usage: packaging/pre-commit-mirror.sh DIR" >&2; exit 2; }
out=$1
version=$("$here/check-versions.sh")
mkdir -p "$out"
for file in .pre-commit-hooks.yaml pyproject.toml README.md; do
  sed "s/@VERSION@/$version/g" "$here/pre-commit-mirror/$file" > "$out/$file"
done
echo "pre-commit mirror of prodlint $version in $out"
