#!/usr/bin/env bash
# The GitHub Action's scripts, run as a runner runs them (.ci/action_runner.py), against a
# release layout on disk made with packaging/archive.sh from the debug build and served
# over HTTP on 127.0.0.1:
# - the released binary is downloaded, verified and used: SARIF written, annotations printed;
# - a tampered archive, a release without a checksum, and a version that was not released
#   each stop the install step with a clear message, and nothing is installed;
# - a platform without a prebuilt binary fails with build-from-source false, and builds
#   with cargo otherwise (a stand-in cargo that records its arguments: nothing is compiled);
# - the Windows archive (zip) installs prodlint.exe;
# - by default the binary comes from the action repository's GitHub releases.
#
#   .ci/action-test.sh [BINARY]     (default target/debug/prodlint)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
binary=$(realpath "${1:-$repo/target/debug/prodlint}")
[[ -x $binary ]] || { echo "FAIL: no prodlint binary at $binary (build it first)"; exit 1; }
python3 -c 'import yaml' 2>/dev/null || python3 -m pip install --quiet pyyaml

case $(uname -s)/$(uname -m) in
  Linux/x86_64) arch=X64 target=x86_64-unknown-linux-gnu ;;
  Linux/aarch64) arch=ARM64 target=aarch64-unknown-linux-gnu ;;
  *) echo "FAIL: this test runs on Linux x86_64 or aarch64, not $(uname -sm)"; exit 1 ;;
esac
version=$("$repo/packaging/version.sh")

work=$(mktemp -d)
server=""
cleanup() {
  [[ -z $server ]] || kill "$server" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

failures=0
check() { # check DESCRIPTION COMMAND...: records a failure instead of stopping at the first
  local description=$1
  shift
  if "$@"; then echo "ok: $description"; else echo "FAIL: $description"; failures=$((failures + 1)); fi
}
logged() { grep -qF -- "$2" "$work/$1.log"; }
not_logged() { ! grep -qF -- "$2" "$work/$1.log"; }

# The release layout: BASE/vVERSION/ARCHIVE and ARCHIVE.sha256, as the release has them.
good="$work/releases/good/v$version"
"$repo/packaging/archive.sh" --binary "$binary" --target "$target" --out "$good" >/dev/null
"$repo/packaging/archive.sh" --binary "$binary" --target x86_64-pc-windows-msvc --out "$good" >/dev/null
"$repo/packaging/checksums.sh" "$good" >/dev/null
archive="prodlint-$version-$target.tar.gz"
check "SHA256SUMS lists both archives" \
  bash -c 'cd "$1" && sha256sum -c --quiet SHA256SUMS && [ "$(wc -l <SHA256SUMS)" -eq 2 ]' _ "$good"

# The same archive with one byte changed, under its original checksum.
tampered="$work/releases/tampered/v$version"
mkdir -p "$tampered"
cp "$good/$archive" "$good/$archive.sha256" "$tampered/"
printf 'X' | dd of="$tampered/$archive" bs=1 seek=4096 conv=notrunc status=none
# An archive published without its checksum.
unverified="$work/releases/unverified/v$version"
mkdir -p "$unverified"
cp "$good/$archive" "$unverified/"

python3 - "$work/releases" "$work/port" <<'PY' &
import functools, http.server, os, sys

class Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass

server = http.server.ThreadingHTTPServer(
    ("127.0.0.1", 0), functools.partial(Handler, directory=sys.argv[1])
)
with open(sys.argv[2] + ".tmp", "w") as port:
    port.write(str(server.server_address[1]))
os.rename(sys.argv[2] + ".tmp", sys.argv[2])
server.serve_forever()
PY
server=$!
for _ in $(seq 100); do [[ -f $work/port ]] && break; sleep 0.1; done
[[ -f $work/port ]] || { echo "FAIL: the HTTP server did not start"; exit 1; }
base="http://127.0.0.1:$(cat "$work/port")"

# A cargo that records its arguments and, for `install --root DIR`, puts the already built
# binary where cargo would: building from source is checked without compiling.
mkdir -p "$work/fake-cargo"
cat >"$work/fake-cargo/cargo" <<'SH'
#!/usr/bin/env bash
printf '%s\n' "$*" >>"$FAKE_CARGO_LOG"
root=""
while [[ $# -gt 0 ]]; do [[ $1 == --root ]] && root=$2; shift; done
mkdir -p "$root/bin" && cp "$PRODLINT_BUILT" "$root/bin/prodlint"
SH
chmod +x "$work/fake-cargo/cargo"

# run_action CASE ARGS...: runs the action on a fresh copy of the demo project; the log is
# $work/CASE.log, the exit status $work/CASE.status, RUNNER_TEMP $work/CASE/temp.
run_action() {
  local case=$1
  shift
  mkdir -p "$work/$case"
  cp -r "$repo/fixtures/demo" "$work/$case/workspace"
  : >"$work/$case/cargo.log"
  local status=0
  python3 "$repo/.ci/action_runner.py" --action "$repo/action.yml" \
    --workspace "$work/$case/workspace" --temp "$work/$case/temp" \
    --env "PATH=$work/fake-cargo:$PATH" --env "FAKE_CARGO_LOG=$work/$case/cargo.log" \
    --env "PRODLINT_BUILT=$binary" "$@" >"$work/$case.log" 2>&1 || status=$?
  echo "$status" >"$work/$case.status"
  echo "-- $case: exit status $status"
}
status_is() { [[ $(cat "$work/$1.status") == "$2" ]]; }
no_cargo() { [[ ! -s $work/$1/cargo.log ]]; }
not_installed() { [[ ! -e $work/$1/temp/prodlint/bin/prodlint ]]; }
sarif_has_results() {
  python3 - "$1" <<'PY'
import json, sys
log = json.load(open(sys.argv[1]))
results = log["runs"][0]["results"]
rules = {result["ruleId"] for result in results}
sys.exit(0 if log["version"] == "2.1.0" and len(results) > 0 and "hardcoded-url" in rules else 1)
PY
}

# 1. The release: downloaded from the base URL in PRODLINT_RELEASE_BASE_URL, verified, run.
# The SARIF path carries a command substitution, which must stay a file name.
sarif='out $(touch pwned).sarif'
run_action release --runner-os Linux --runner-arch "$arch" \
  --env "PRODLINT_RELEASE_BASE_URL=$base/good" --input "sarif-file=$sarif"
check "release: downloads the archive of this platform" logged release "Downloading $base/good/v$version/$archive"
check "release: verifies the checksum" logged release "SHA-256 verified: $(cut -d' ' -f1 "$good/$archive.sha256")"
check "release: installs the version asked for" logged release "Installed prodlint $version"
check "release: the SARIF step passes" logged release "step passed: Write SARIF"
check "release: the SARIF file is valid JSON with results" sarif_has_results "$work/release/workspace/$sarif"
check "release: the input stayed data (nothing ran)" test ! -e "$work/release/workspace/pwned"
check "release: annotations are printed" logged release "::error file=server/src/main.rs,line=7,col=29"
check "release: a notice annotation too" logged release "::notice file=web/src/api.ts,line=12"
check "release: error findings fail the annotation step" \
  logged release "step failed: Annotate the pull request (exit status 1)"
check "release: the action's exit status is 1" status_is release 1
check "release: the binary's directory goes on PATH" \
  logged release "path added: $work/release/temp/prodlint/bin"
check "release: outputs the binary's path" logged release "output path=$work/release/temp/prodlint/bin/prodlint"
check "release: outputs the version" logged release "output version=$version"
check "release: outputs the SARIF path" logged release "output sarif-file=$sarif"
check "release: cargo is not used" no_cargo release

# 2. A tampered archive: the install step stops, with the reason, before anything runs.
run_action tampered --runner-os Linux --runner-arch "$arch" --input "release-base-url=$base/tampered/"
check "tampered: the checksum mismatch is reported" logged tampered "checksum mismatch for $archive"
check "tampered: as a GitHub error annotation" logged tampered "::error title=prodlint install::checksum mismatch"
check "tampered: the install step fails" logged tampered "step failed: Install prodlint (exit status 1)"
check "tampered: nothing after it runs" not_logged tampered "Write SARIF"
check "tampered: no binary is installed" not_installed tampered

# 3. A release without a checksum is not installed either.
run_action unverified --runner-os Linux --runner-arch "$arch" --input "release-base-url=$base/unverified"
check "no checksum: reported" logged unverified "no checksum for $archive at $base/unverified/v$version/$archive.sha256"
check "no checksum: the install step fails" logged unverified "step failed: Install prodlint (exit status 1)"
check "no checksum: no binary is installed" not_installed unverified

# 4. A version that was not released.
run_action unreleased --runner-os Linux --runner-arch "$arch" --input "release-base-url=$base/good" \
  --input version=v9.9.9
check "unreleased: says which download failed and what to do" \
  logged unreleased "could not download $base/good/v9.9.9/prodlint-9.9.9-$target.tar.gz: is prodlint 9.9.9 released for $target?"
check "unreleased: the install step fails" logged unreleased "step failed: Install prodlint (exit status 1)"

# 5. No prebuilt binary for the platform, and building is not allowed.
run_action no-binary --runner-os Linux --runner-arch ARM --input build-from-source=false
check "no binary: says so and names the way out" \
  logged no-binary "no prebuilt prodlint binary for Linux ARM (releases have"
check "no binary: ... set build-from-source" logged no-binary "set build-from-source: auto or true"
check "no binary: the install step fails" logged no-binary "step failed: Install prodlint (exit status 1)"
check "no binary: cargo is not used" no_cargo no-binary

# 6. No prebuilt binary, build-from-source left at auto: built with cargo, then used.
run_action auto-build --runner-os Linux --runner-arch ARM
check "auto: says it builds from source" \
  logged auto-build "No prebuilt prodlint binary for Linux ARM: building it from source"
check "auto: cargo install of the action's own source" \
  grep -qxF "install --locked --quiet --path $repo --root $work/auto-build/temp/prodlint" "$work/auto-build/cargo.log"
check "auto: the SARIF step passes" logged auto-build "step passed: Write SARIF"
check "auto: the SARIF file has results" sarif_has_results "$work/auto-build/workspace/prodlint.sarif"

# 7. build-from-source: true builds even where a binary is released, and only the action's
# own version.
run_action build --runner-os Linux --runner-arch "$arch" --input build-from-source=true --steps install
check "build: cargo install is run" grep -q "^install --locked" "$work/build/cargo.log"
check "build: nothing is downloaded" not_logged build "Downloading"
check "build: the install step passes" logged build "step passed: Install prodlint"
run_action build-other --runner-os Linux --runner-arch "$arch" --input build-from-source=true \
  --input version=9.9.9 --steps install
check "build: another version is refused" \
  logged build-other "building from source builds the action's own source, prodlint $version, not 9.9.9"
check "build: ... before cargo runs" no_cargo build-other

# 8. Windows: the zip archive, prodlint.exe (the Linux build stands in for it).
run_action windows --runner-os Windows --runner-arch X64 --input "release-base-url=$base/good" \
  --input "version=v$version" --steps install
check "windows: downloads the zip" logged windows "Downloading $base/good/v$version/prodlint-$version-x86_64-pc-windows-msvc.zip"
check "windows: installs prodlint.exe" test -x "$work/windows/temp/prodlint/bin/prodlint.exe"
check "windows: the install step passes" logged windows "step passed: Install prodlint"

# 9. By default the release comes from the action repository's GitHub releases. A curl that
# fails (as on a machine without the network) shows the URL the action asked for.
mkdir -p "$work/no-network"
printf '#!/bin/sh\necho "curl: (6) Could not resolve host" >&2\nexit 6\n' >"$work/no-network/curl"
chmod +x "$work/no-network/curl"
for repository in example/fork ""; do
  run_action "default-url${repository:+-fork}" --runner-os Linux --runner-arch "$arch" --steps install \
    --action-repository "$repository" --env "PATH=$work/no-network:$work/fake-cargo:$PATH"
done
check "default URL: the action repository's releases" \
  logged default-url-fork "could not download https://github.com/example/fork/releases/download/v$version/$archive"
check "default URL: prodlint/prodlint when the runner does not say" \
  logged default-url "could not download https://github.com/prodlint/prodlint/releases/download/v$version/$archive"

if [[ $failures -gt 0 ]]; then
  for log in "$work"/*.log; do
    echo "===== $(basename "$log") (last 40 lines)"
    tail -n 40 "$log"
  done
  echo "action test: $failures checks failed"
  exit 1
fi
echo "action test: all checks passed"
