#!/usr/bin/env bash
# Checks that a release tag names the version in the workspace Cargo.toml, and prints it:
#
#   packaging/check-tag.sh TAG        (TAG is vVERSION, e.g. v0.1.0)
#
# The release workflow runs it first, so a tag pushed without the version bump (or the
# bump without its tag) publishes nothing.
set -euo pipefail
if [[ $# -ne 1 ]]; then
  echo "usage: $0 TAG" >&2
  exit 2
fi
version=$("$(dirname "$0")/version.sh")
if [[ $1 != "v$version" ]]; then
  echo "$0: the tag $1 does not match the version in Cargo.toml, $version: tag the release v$version, or set the version under [workspace.package] to ${1#v}" >&2
  exit 1
fi
printf '%s\n' "$version"
