#!/usr/bin/env bash
# Builds the npm packages and the Python wheel of prodlint for one platform.
#
#   packaging/build.sh [--profile release|dev] [--target TRIPLE] [--out DIR]
#
# writes DIR/npm/prodlint-VERSION.tgz (the launcher, the same on every platform),
# DIR/npm/prodlint-cli-PLATFORM-VERSION.tgz (the binary at bin/prodlint) and
# DIR/wheels/prodlint-VERSION-*.whl. Defaults: --profile release, --target the host,
# --out target/packages. Artefacts of other platforms already in DIR are kept, so one
# DIR can collect several runs. With --profile dev the debug build in target/debug is
# reused (cargo only relinks what changed), which keeps CI quick.
# The layout is described in docs/packaging.md.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
# shellcheck source=platforms.sh
source "$here/platforms.sh"
# The maturin that builds the wheel; installed from PyPI into target/ when missing.
MATURIN_VERSION=1.16.0

usage() {
  echo "usage: packaging/build.sh [--profile release|dev] [--target TRIPLE] [--out DIR]" >&2
  exit 2
}

profile=release
target=
out="$repo/target/packages"
while [ $# -gt 0 ]; do
  case "$1" in
    --profile) [ $# -ge 2 ] || usage; profile=$2; shift 2 ;;
    --target) [ $# -ge 2 ] || usage; target=$2; shift 2 ;;
    --out) [ $# -ge 2 ] || usage; out=$2; shift 2 ;;
    -h|--help) usage ;;
    *) echo "build.sh: unknown argument: $1" >&2; usage ;;
  esac
done
case "$profile" in
  release) profile_dir=release ;;
  dev) profile_dir=debug ;;
  *) echo "build.sh: --profile is release or dev, not $profile" >&2; exit 2 ;;
esac

host=$(rustc -vV | sed -n 's/^host: //p')
[ -n "$target" ] || target=$host
suffix=
for platform in "${PLATFORMS[@]}"; do
  read -r triple platform_suffix platform_exe <<<"$platform"
  if [ "$triple" = "$target" ]; then
    suffix=$platform_suffix
    exe=$platform_exe
  fi
done
if [ -z "$suffix" ]; then
  echo "build.sh: no npm platform package for $target; the platforms are:" >&2
  for platform in "${PLATFORMS[@]}"; do echo "  ${platform%% *}" >&2; done
  exit 2
fi

version=$("$here/check-versions.sh")
mkdir -p "$out/npm" "$out/wheels"
out=$(cd "$out" && pwd)
target_dir=${CARGO_TARGET_DIR:-$repo/target}
# The host's build lives in target/<profile>/, another target's in target/<triple>/<profile>/:
# naming the host as --target would build everything a second time.
if [ "$target" = "$host" ]; then
  target_args=()
  binary="$target_dir/$profile_dir/$exe"
else
  target_args=(--target "$target")
  binary="$target_dir/$target/$profile_dir/$exe"
fi

maturin=maturin
if ! { command -v maturin >/dev/null && [ "$(maturin --version)" = "maturin $MATURIN_VERSION" ]; }; then
  venv="$target_dir/packaging/maturin-$MATURIN_VERSION"
  if [ ! -x "$venv/bin/maturin" ] && [ ! -x "$venv/Scripts/maturin.exe" ]; then
    echo "== installing maturin $MATURIN_VERSION into $venv"
    python3 -m venv "$venv"
    if [ -x "$venv/Scripts/python.exe" ]; then py="$venv/Scripts/python.exe"; else py="$venv/bin/python"; fi
    "$py" -m pip install --quiet --disable-pip-version-check "maturin==$MATURIN_VERSION"
  fi
  if [ -x "$venv/Scripts/maturin.exe" ]; then maturin="$venv/Scripts/maturin.exe"; else maturin="$venv/bin/maturin"; fi
fi

# The wheel first: maturin runs the cargo build, and the npm package takes the same binary.
echo "== wheel ($profile, $target)"
# ${a[@]+"${a[@]}"}: an empty array under `set -u` in the bash 3.2 of macOS.
(cd "$here/pypi" && "$maturin" build --profile "$profile" ${target_args[@]+"${target_args[@]}"} --out "$out/wheels")
if [ ! -x "$binary" ]; then
  echo "build.sh: the build left no binary at $binary" >&2
  exit 1
fi

echo "== npm packages"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp -R "$here/npm/prodlint" "$stage/prodlint"
cp -R "$here/npm/cli-$suffix" "$stage/cli-$suffix"
mkdir -p "$stage/cli-$suffix/bin"
cp "$binary" "$stage/cli-$suffix/bin/$exe"
chmod 755 "$stage/cli-$suffix/bin/$exe" "$stage/prodlint/bin/prodlint.js"
for package in prodlint "cli-$suffix"; do
  (cd "$stage/$package" && npm pack --silent --pack-destination "$out/npm" >/dev/null)
done

echo "== prodlint $version for $target in $out"
ls -1 "$out/npm/prodlint-$version.tgz" "$out/npm/prodlint-cli-$suffix-$version.tgz"
ls -1 "$out/wheels/"prodlint-"$version"-*.whl
