#!/usr/bin/env bash
# Prints prodlint's version: `version` under [workspace.package] in the workspace's
# Cargo.toml, the one source of the version of every artefact (the binary, the release
# archives, the npm packages, the wheels).
#
#   packaging/version.sh [CARGO_TOML]
#
# Plain awk, so that it runs where there is no Rust toolchain (a runner that only downloads
# the released binary) and no TOML library.
set -euo pipefail
manifest=${1:-"$(dirname "$0")/../Cargo.toml"}
if [[ ! -f $manifest ]]; then
  echo "$0: no such file: $manifest" >&2
  exit 2
fi
version=$(awk '
  /^[[:space:]]*\[/ { section = $0; gsub(/[[:space:]]/, "", section); next }
  section == "[workspace.package]" && /^[[:space:]]*version[[:space:]]*=/ {
    line = $0
    sub(/^[^"]*"/, "", line)
    sub(/".*$/, "", line)
    print line
    exit
  }
' "$manifest")
if [[ ! $version =~ ^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.+-]+)?$ ]]; then
  echo "$0: no version under [workspace.package] in $manifest (found '${version}')" >&2
  exit 2
fi
printf '%s\n' "$version"
