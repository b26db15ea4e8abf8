#!/usr/bin/env bash
# Makes the release archive of a prodlint binary, and its checksum:
#
#   packaging/archive.sh --binary PATH --target TRIPLE [--version VERSION] [--out DIR]
#
# writes DIR/prodlint-VERSION-TRIPLE.tar.gz (.zip for a Windows target) and beside it
# DIR/prodlint-VERSION-TRIPLE.tar.gz.sha256, one line `HASH  NAME` (what `sha256sum -c`
# reads). The archive holds one directory, prodlint-VERSION-TRIPLE/, with the binary
# (prodlint, or prodlint.exe for Windows) and README.md. VERSION defaults to the workspace
# Cargo.toml's version, DIR to dist/archives.
#
# The release workflow makes its archives with this script, and the action's test makes
# the release layout it installs from with it, so both go through the same code.
#
# The archive is reproducible: entries sorted, times set to SOURCE_DATE_EPOCH (default 0),
# owner root, modes 0755 for the binary and 0644 for the rest, gzip without a time stamp.
# Python's tarfile and zipfile write it, so it comes out the same on Linux, macOS and
# Windows, whichever tar and zip they have.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

usage() {
  echo "usage: $0 --binary PATH --target TRIPLE [--version VERSION] [--out DIR]" >&2
  exit 2
}

binary="" target="" version="" out="dist/archives"
while [[ $# -gt 0 ]]; do
  case $1 in
    --binary) [[ $# -ge 2 ]] || usage; binary=$2; shift 2 ;;
    --target) [[ $# -ge 2 ]] || usage; target=$2; shift 2 ;;
    --version) [[ $# -ge 2 ]] || usage; version=$2; shift 2 ;;
    --out) [[ $# -ge 2 ]] || usage; out=$2; shift 2 ;;
    *) echo "$0: unknown argument: $1" >&2; usage ;;
  esac
done
[[ -n $binary && -n $target ]] || usage
if [[ ! -f $binary ]]; then
  echo "$0: no such binary: $binary" >&2
  exit 2
fi
# The triple becomes part of a file name and of a download URL.
if [[ ! $target =~ ^[a-z0-9_]+(-[a-z0-9_]+){2,3}$ ]]; then
  echo "$0: not a target triple: $target" >&2
  exit 2
fi
[[ -n $version ]] || version=$("$here/version.sh")

# The first Python 3 that runs: on Windows `python3` can be a placeholder that only
# offers to install Python from the Store.
py=""
for candidate in python3 python; do
  if "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 8))' 2>/dev/null; then
    py=$candidate
    break
  fi
done
if [[ -z $py ]]; then
  echo "$0: needs Python 3 (python3 or python on PATH)" >&2
  exit 2
fi

mkdir -p "$out"
"$py" - "$binary" "$target" "$version" "$out" "$here/../README.md" <<'PY'
import gzip, hashlib, io, os, sys, tarfile, zipfile

binary, target, version, out, readme = sys.argv[1:]
windows = "windows" in target
stem = f"prodlint-{version}-{target}"
name = stem + (".zip" if windows else ".tar.gz")
mtime = int(os.environ.get("SOURCE_DATE_EPOCH", "0"))

members = [("prodlint.exe" if windows else "prodlint", binary, 0o755)]
if os.path.isfile(readme):
    members.append(("README.md", readme, 0o644))
members.sort()

path = os.path.join(out, name)
if windows:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, source, mode in members:
            # Zip stores local times from 1980 on: the earliest it can hold.
            info = zipfile.ZipInfo(f"{stem}/{member}", date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = (0o100000 | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            with open(source, "rb") as data:
                archive.writestr(info, data.read())
else:
    with open(path, "wb") as raw, gzip.GzipFile(
        filename="", mode="wb", fileobj=raw, mtime=mtime, compresslevel=6
    ) as compressed, tarfile.open(fileobj=compressed, mode="w", format=tarfile.PAX_FORMAT) as archive:
        directory = tarfile.TarInfo(stem)
        directory.type, directory.mode, directory.mtime = tarfile.DIRTYPE, 0o755, mtime
        directory.uname = directory.gname = "root"
        archive.addfile(directory)
        for member, source, mode in members:
            info = tarfile.TarInfo(f"{stem}/{member}")
            info.size, info.mode, info.mtime = os.path.getsize(source), mode, mtime
            info.uname = info.gname = "root"
            with open(source, "rb") as data:
                archive.addfile(info, data)

digest = hashlib.sha256()
with open(path, "rb") as data:
    for block in iter(lambda: data.read(1 << 20), b""):
        digest.update(block)
with open(path + ".sha256", "w", newline="\n") as checksum:
    checksum.write(f"{digest.hexdigest()}  {name}\n")
print(path)
PY
