#!/usr/bin/env bash
# Writes DIR/SHA256SUMS for the release archives in DIR, after checking each archive
# against the .sha256 file archive.sh wrote beside it (so an archive damaged between its
# build and the release is caught here, not by a user):
#
#   packaging/checksums.sh DIR
#
# SHA256SUMS lists every archive, sorted by name, in the format `sha256sum -c` reads.
set -euo pipefail
if [[ $# -ne 1 || ! -d $1 ]]; then
  echo "usage: $0 DIR (a directory of release archives)" >&2
  exit 2
fi
cd "$1"
shopt -s nullglob
archives=(prodlint-*.tar.gz prodlint-*.zip)
if [[ ${#archives[@]} -eq 0 ]]; then
  echo "$0: no release archives (prodlint-*.tar.gz, prodlint-*.zip) in $1" >&2
  exit 1
fi
if command -v sha256sum >/dev/null; then
  sha256() { sha256sum "$@"; }
else
  sha256() { shasum -a 256 "$@"; }
fi
for archive in "${archives[@]}"; do
  if [[ ! -f $archive.sha256 ]]; then
    echo "$0: $archive has no $archive.sha256" >&2
    exit 1
  fi
  sha256 -c --quiet "$archive.sha256" || { echo "$0: $archive does not match $archive.sha256" >&2; exit 1; }
done
mapfile -t sorted < <(printf '%s\n' "${archives[@]}" | LC_ALL=C sort)
sha256 "${sorted[@]}" > SHA256SUMS
cat SHA256SUMS
