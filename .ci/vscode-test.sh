#!/usr/bin/env bash
# The VS Code extension (editors/vscode): its unit tests and its `.vsix`, always; with
# PRODLINT_CI_FULL=1 also a real VS Code session: code-server with the `.vsix` installed,
# driven by Debian's Chromium through playwright-core, opens a copy of
# fixtures/instrument-unknown-param/service, reads the finding from the Problems panel,
# applies the rule's quick fix, saves and checks the file on disk (editors/vscode/test/e2e.mjs).
# code-server is installed from npm under PRODLINT_CACHE (default ~/.cache/prodlint), not in
# the repository; a failure leaves a screenshot in target/ci/.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
mkdir -p target/ci

SECONDS=0
echo "-- extension: npm ci, unit tests, vsce package"
(
  cd editors/vscode
  npm ci --no-audit --no-fund --loglevel=error
  npm test
  npx vsce package --out "$root/target/ci/prodlint.vsix"
)
contents=$(unzip -Z1 target/ci/prodlint.vsix)
grep -qx 'extension/dist/extension.js' <<<"$contents" \
  || { echo "the .vsix has no extension/dist/extension.js"; exit 1; }
echo "extension packaged in ${SECONDS}s"

if [ "${PRODLINT_CI_FULL:-}" != 1 ]; then
  echo "VS Code session skipped (PRODLINT_CI_FULL=1 runs it)"
  exit 0
fi

CODE_SERVER_VERSION=4.100.3 # VS Code 1.100; the last versions that run on Node 20
cache=${PRODLINT_CACHE:-$HOME/.cache/prodlint}/code-server-$CODE_SERVER_VERSION
code_server=$cache/node_modules/.bin/code-server

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
# code-server builds native modules when installed: kerberos needs the GSSAPI headers.
[ -e /usr/include/gssapi/gssapi.h ] || missing+=(libkrb5-dev)
command -v rg >/dev/null 2>&1 || missing+=(ripgrep)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# The marker is written last: an install that was cut short is done again.
SECONDS=0
if [ ! -e "$cache/installed" ]; then
  echo "installing code-server $CODE_SERVER_VERSION under $cache"
  rm -rf "$cache"
  # VS Code's @vscode/ripgrep (1.15.11, pinned by code-server's shrinkwrap) downloads
  # ripgrep 13.0.0 from GitHub when installed, and only the package registries are
  # reached here. It takes the archive from its download cache under TMPDIR when one is
  # there: seed that with Debian's rg (13.0.0 in Debian 12); VS Code runs it for search.
  case $(uname -m) in
    x86_64) rg_target=x86_64-unknown-linux-musl ;;
    aarch64) rg_target=aarch64-unknown-linux-musl ;;
    *) echo "no ripgrep target for $(uname -m)"; exit 1 ;;
  esac
  mkdir -p "$cache/tmp/vscode-ripgrep-cache-1.15.11"
  tar czf "$cache/tmp/vscode-ripgrep-cache-1.15.11/ripgrep-v13.0.0-10-$rg_target.tar.gz" \
    -C "$(dirname "$(command -v rg)")" rg
  # Its postinstall refuses to run as root without --unsafe-perm (which npm no longer
  # knows but still passes on to the script); node-pty's runs `npx node-gyp`, which
  # without a terminal goes on only with npm_config_yes.
  TMPDIR=$cache/tmp npm_config_yes=true nice -n 10 npm install --prefix "$cache" --no-audit --no-fund --loglevel=error --unsafe-perm \
    "code-server@$CODE_SERVER_VERSION"
  touch "$cache/installed"
  echo "code-server (and the Debian packages missing) installed in ${SECONDS}s"
fi
chromium --version

PRODLINT=${PRODLINT:-target/debug/prodlint}
[ -x "$PRODLINT" ] || cargo build --quiet --bin prodlint
PRODLINT=$(realpath "$PRODLINT")

SECONDS=0
tmp=$(mktemp -d)
server_pid=
cleanup() {
  [ -z "$server_pid" ] || kill "$server_pid" 2>/dev/null || true
  [ -z "$server_pid" ] || wait "$server_pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

workspace=$tmp/service
cp -r fixtures/instrument-unknown-param/service "$workspace"
mkdir -p "$tmp/user/User"
cat >"$tmp/user/User/settings.json" <<JSON
{
  "prodlint.path": "$PRODLINT",
  "prodlint.trace.server": "messages",
  "security.workspace.trust.enabled": false,
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none"
}
JSON
flags=(--user-data-dir "$tmp/user" --extensions-dir "$tmp/extensions" --config "$tmp/config.yaml")
"$code_server" "${flags[@]}" --version | head -n 1
"$code_server" "${flags[@]}" --install-extension target/ci/prodlint.vsix

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$code_server" "${flags[@]}" --auth none --bind-addr "127.0.0.1:$port" --disable-telemetry \
  --disable-update-check --disable-workspace-trust >target/ci/code-server.log 2>&1 &
server_pid=$!
for _ in $(seq 1 120); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { cat target/ci/code-server.log; echo "code-server exited"; exit 1; }
  sleep 0.5
done

status=0
URL="http://127.0.0.1:$port/?folder=$workspace" WORKSPACE="$workspace" SHOTS="$root/target/ci" \
  timeout 300 node editors/vscode/test/e2e.mjs || status=$?
if [ "$status" -ne 0 ]; then
  echo "-- code-server log"
  cat target/ci/code-server.log
  # The extension's output channel: where the server was started from, and the trace.
  find "$tmp/user/logs" -name '*prodlint*' -exec tail -n 60 {} + 2>/dev/null || true
  echo "the VS Code session failed (exit status $status)"
  exit 1
fi
echo "VS Code session: ok (${SECONDS}s)"
