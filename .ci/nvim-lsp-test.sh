#!/usr/bin/env bash
# A real editor session: Neovim's built-in LSP client (headless) against `prodlint lsp` on
# the demo's TypeScript file. It must receive the same findings as `prodlint check`, offer
# the suppression, apply it and see the finding go. Installs Neovim (Debian's, 0.7) when
# it is missing; CI runs as root.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v nvim >/dev/null 2>&1; then
  echo "installing neovim"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq neovim >/dev/null
fi
nvim --version | head -n 1

PRODLINT=${PRODLINT:-target/debug/prodlint}
[ -x "$PRODLINT" ] || cargo build --quiet --bin prodlint

mkdir -p target/ci
out=target/ci/nvim-lsp.txt
status=0
PRODLINT="$PRODLINT" PRODLINT_ROOT=fixtures/demo PRODLINT_FILE=fixtures/demo/web/src/api.ts \
  timeout 120 nvim --headless -u NONE -i NONE -n -c 'luafile tests/nvim/lsp.lua' \
  </dev/null >"$out" 2>&1 || status=$?
cat "$out"
[ "$status" -eq 0 ] || { echo "the Neovim session failed (exit status $status)"; exit 1; }

expect() {
  grep -qF -- "$1" "$out" || { echo "missing from the Neovim session: $1"; exit 1; }
}
# What `prodlint check fixtures/demo/web/src/api.ts` reports, as the editor received it.
expect "fixtures/demo/web/src/api.ts:2:56: error [hardcoded-url]"
expect "fixtures/demo/web/src/api.ts:12:35: info [hardcoded-url]"
expect "fixtures/demo/web/src/api.ts:14:1: warning [invalid-suppression]"
expect "code action: Suppress hardcoded-url on this line"
expect "after the suppression, line 2: // prodlint-ignore hardcoded-url: explain why"
# The placeholder reason the action wrote is reported until it is replaced.
expect "fixtures/demo/web/src/api.ts:2:1: warning [invalid-suppression]"
expect "server exit code: 0"
echo "Neovim LSP session: ok"
