#!/usr/bin/env bash
# The npm packages and the wheel, built by packaging/build.sh from the debug build and
# installed the way users install them: `npm install` from the tarballs into a fresh
# project (offline: nothing comes from a registry), `pip install` of the wheel into a fresh
# virtual environment. Each install then checks a small project.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
fail() { echo "FAIL: $*"; exit 1; }
pass() { passed=$((passed + 1)); echo "ok: $*"; }

echo "== versions: Cargo.toml is the one source"
# A copy of what check-versions.sh reads, with one version changed at a time.
version_copy() {
  rm -rf "$work/versions"
  mkdir -p "$work/versions/packaging"
  cp "$repo/Cargo.toml" "$work/versions/"
  cp -R "$repo/packaging/check-versions.sh" "$repo/packaging/platforms.sh" "$repo/packaging/npm" "$work/versions/packaging/"
}
version_copy
sed -i 's/"version": "[^"]*"/"version": "0.0.9"/' "$work/versions/packaging/npm/cli-darwin-arm64/package.json"
status=0; output=$(bash "$work/versions/packaging/check-versions.sh" 2>&1) || status=$?
[ "$status" -eq 1 ] && grep -q 'cli-darwin-arm64/package.json: version 0.0.9, Cargo.toml has' <<<"$output" \
  || { echo "$output"; fail "a platform package.json with another version was not reported"; }
pass "check-versions: a platform package of another version is named"
version_copy
sed -i 's/^version = "[^"]*"/version = "9.9.9"/' "$work/versions/Cargo.toml"
status=0; output=$(bash "$work/versions/packaging/check-versions.sh" 2>&1) || status=$?
[ "$status" -eq 1 ] && grep -q 'optionalDependencies\["@prodlint/cli-linux-x64-gnu"\] is "[^"]*", want exactly "9.9.9"' <<<"$output" \
  && grep -q 'prodlint/package.json: version .*, Cargo.toml has 9.9.9' <<<"$output" \
  || { echo "$output"; fail "a new Cargo.toml version without the package.json files was not reported"; }
pass "check-versions: a Cargo.toml version the packages do not have is reported"
status=0; output=$(bash "$repo/packaging/build.sh" --target riscv64gc-unknown-linux-gnu 2>&1) || status=$?
[ "$status" -eq 2 ] && grep -q 'no npm platform package for riscv64gc-unknown-linux-gnu' <<<"$output" \
  || { echo "$output"; fail "build.sh accepted a target without a platform package"; }
pass "build.sh: a target without a platform package is refused, exit status 2"

start=$SECONDS
bash "$repo/packaging/build.sh" --profile dev --out "$work/dist"
echo "build.sh: $((SECONDS - start)) s"
version=$(bash "$repo/packaging/check-versions.sh")
main_tgz="$work/dist/npm/prodlint-$version.tgz"
platform_tgz=$(ls "$work/dist/npm/"prodlint-cli-*-"$version".tgz)
# prodlint-cli-linux-x64-gnu-0.1.0.tgz -> linux-x64-gnu
platform=$(basename "$platform_tgz" "-$version.tgz"); platform=${platform#prodlint-cli-}
wheel=$(ls "$work/dist/wheels/"prodlint-"$version"-*.whl)

# The project every install checks: a localhost fallback made an error, and a clean file.
project() {
  mkdir -p "$1/src"
  printf '[rules.hardcoded-url]\nseverity = "error"\n' > "$1/prodlint.toml"
  printf 'export const api = process.env.API_URL || "http://localhost:3000/api";\n' > "$1/src/api.ts"
  printf 'export const ok = 1;\n' > "$1/src/clean.ts"
  printf '{"name": "t", "version": "1.0.0", "private": true}\n' > "$1/package.json"
}
# Runs "$@" in the current directory; checks the exit status and that the output has the finding.
expect_finding() {
  local status=0 output
  output=$("$@" 2>&1) || status=$?
  [ "$status" -eq 1 ] || { echo "$output"; fail "$* exited with $status, not 1"; }
  grep -q 'src/api.ts:1:.*hardcoded-url' <<<"$output" || { echo "$output"; fail "$* did not print the finding"; }
}
npm_install() { npm install --offline --no-audit --no-fund --loglevel=error "$@"; }

echo "== npm: the main package and the $platform package, from the tarballs"
start=$SECONDS
project "$work/npm"
cd "$work/npm"
npm_install "$main_tgz" "$platform_tgz"
echo "npm install: $((SECONDS - start)) s"
[ -x "node_modules/@prodlint/cli-$platform/bin/prodlint" ] || fail "no executable bin/prodlint in @prodlint/cli-$platform"
[ "$(npx --no-install prodlint --version)" = "prodlint $version" ] || fail "npx prodlint --version: $(npx --no-install prodlint --version)"
pass "npx prodlint --version"
expect_finding npx --no-install prodlint check
pass "npx prodlint check: the finding, exit status 1"
npx --no-install prodlint check src/clean.ts >/dev/null || fail "npx prodlint check of a clean file failed"
pass "npx prodlint check of a clean file: exit status 0"
# Standard input and output reach the binary.
expect_finding sh -c 'npx --no-install prodlint check - --stdin-filename src/api.ts < src/api.ts'
pass "npx prodlint check - (standard input)"
# The language server speaks over the launcher's standard streams.
lsp_message() { printf 'Content-Length: %d\r\n\r\n%s' "${#1}" "$1"; }
lsp_input=$(
  lsp_message '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}'
  lsp_message '{"jsonrpc":"2.0","method":"initialized","params":{}}'
  lsp_message '{"jsonrpc":"2.0","id":2,"method":"shutdown"}'
  lsp_message '{"jsonrpc":"2.0","method":"exit"}'
)
lsp_output=$(printf '%s' "$lsp_input" | timeout 60 npx --no-install prodlint lsp) || fail "npx prodlint lsp exited with $?"
grep -q '"id":1,"result":{"capabilities"' <<<"$lsp_output" || { echo "$lsp_output"; fail "npx prodlint lsp gave no initialize result"; }
grep -q '"id":2,"result":null' <<<"$lsp_output" || { echo "$lsp_output"; fail "npx prodlint lsp did not answer shutdown"; }
pass "npx prodlint lsp over standard input and output"

echo "== npm: PRODLINT_BINARY, exit status and signals through the launcher"
launcher="$work/npm/node_modules/.bin/prodlint"
printf '#!/bin/sh\necho "$@"\nexit 7\n' > "$work/exit7"
printf '#!/bin/sh\nkill -TERM $$\n' > "$work/self-term"
printf '#!/bin/sh\nkill -PIPE $$\n' > "$work/self-pipe"
# Reports a SIGTERM it receives, then exits 3.
printf '#!/bin/sh\ntrap "echo got-term > %s/term-seen; exit 3" TERM\necho ready > %s/ready\nwhile :; do sleep 0.1; done\n' "$work" "$work" > "$work/wait-term"
chmod +x "$work/exit7" "$work/self-term" "$work/self-pipe" "$work/wait-term"
status=0; output=$(PRODLINT_BINARY="$work/exit7" "$launcher" check a b) || status=$?
[ "$status" -eq 7 ] && [ "$output" = "check a b" ] || fail "PRODLINT_BINARY: exit status $status, output '$output'"
pass "PRODLINT_BINARY runs that binary with the arguments; its exit status 7 passed through"
status=0; PRODLINT_BINARY="$work/self-term" "$launcher" || status=$?
[ "$status" -eq 143 ] || fail "a binary killed by SIGTERM: the launcher exited with $status, not 143 (128 + SIGTERM)"
pass "a binary ended by SIGTERM: the launcher ends by SIGTERM too"
# Node ignores SIGPIPE, so it cannot end by it: it exits with the status a shell gives.
status=0; PRODLINT_BINARY="$work/self-pipe" "$launcher" || status=$?
[ "$status" -eq 141 ] || fail "a binary killed by SIGPIPE: the launcher exited with $status, not 141 (128 + SIGPIPE)"
pass "a binary ended by SIGPIPE: the launcher exits with 141"
PRODLINT_BINARY="$work/wait-term" "$launcher" &
launcher_pid=$!
for _ in $(seq 100); do [ -e "$work/ready" ] && break; sleep 0.1; done
[ -e "$work/ready" ] || fail "the waiting binary did not start"
kill -TERM "$launcher_pid"
status=0; wait "$launcher_pid" || status=$?
[ -e "$work/term-seen" ] || fail "SIGTERM sent to the launcher did not reach the binary"
[ "$status" -eq 3 ] || fail "after a forwarded SIGTERM the launcher exited with $status, not the binary's 3"
pass "SIGTERM sent to the launcher reaches the binary"

echo "== npm: the main package without its platform package"
project "$work/npm-missing"
cd "$work/npm-missing"
npm_install --omit=optional "$main_tgz"
[ ! -e "node_modules/@prodlint/cli-$platform" ] || fail "--omit=optional installed the platform package"
status=0; output=$(npx --no-install prodlint check 2>&1) || status=$?
[ "$status" -eq 1 ] || { echo "$output"; fail "a missing platform package: exit status $status, not 1"; }
grep -q "npm install --save-dev @prodlint/cli-$platform@$version" <<<"$output" || { echo "$output"; fail "the error does not name the package to install"; }
grep -q "($platform)" <<<"$output" || { echo "$output"; fail "the error does not name the platform detected"; }
echo "$output"
pass "a missing platform package: the error names @prodlint/cli-$platform and the platform"
# A platform without a package at all, as Node on FreeBSD reports itself.
printf 'Object.defineProperty(process, "platform", { value: "freebsd" });\n' > "$work/freebsd.js"
status=0; output=$(node --require "$work/freebsd.js" node_modules/.bin/prodlint check 2>&1) || status=$?
[ "$status" -eq 1 ] && grep -q 'no prebuilt binary for this platform (freebsd-' <<<"$output" \
  || { echo "$output"; fail "a platform without a package: exit status $status"; }
pass "a platform without a package: the error names the platform, exit status 1"

echo "== wheel: pip install into a fresh virtual environment"
start=$SECONDS
project "$work/py"
python3 -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-index "$wheel"
echo "venv and pip install: $((SECONDS - start)) s"
[ "$("$work/venv/bin/prodlint" --version)" = "prodlint $version" ] || fail "prodlint --version from the wheel"
pass "prodlint --version from the wheel"
cd "$work/py"
expect_finding "$work/venv/bin/prodlint" check
pass "prodlint check from the wheel: the finding, exit status 1"

echo "== pre-commit: the mirror's hook (language: python) installs the wheel"
if ! command -v pre-commit >/dev/null; then
  python3 -m pip install --quiet pre-commit
fi
mirror="$work/mirror"
bash "$repo/packaging/pre-commit-mirror.sh" "$mirror"
git -C "$mirror" init -q
git -C "$mirror" add -A
git -C "$mirror" -c user.email=ci@prodlint.invalid -c user.name=ci commit -q -m "prodlint $version"
# pip finds the wheel and the mirror's build backend here, and looks nowhere else.
mkdir -p "$work/wheelhouse"
cp "$wheel" "$work/wheelhouse/"
python3 -m pip download --quiet --disable-pip-version-check --only-binary :all: --dest "$work/wheelhouse" "setuptools>=61"
export PIP_NO_INDEX=1 PIP_FIND_LINKS="$work/wheelhouse" PRE_COMMIT_HOME="$work/pre-commit-home"
project "$work/hooked"
cd "$work/hooked"
git init -q
git config user.email ci@prodlint.invalid
git config user.name ci
cat > .pre-commit-config.yaml <<YAML
repos:
  - repo: $mirror
    rev: $(git -C "$mirror" rev-parse HEAD)
    hooks:
      - id: prodlint
YAML
git add prodlint.toml package.json src/clean.ts .pre-commit-config.yaml
git commit -q -m init --no-verify
start=$SECONDS
pre-commit install-hooks
echo "pre-commit install-hooks: $((SECONDS - start)) s"
[ "$(find "$PRE_COMMIT_HOME" -path '*/bin/prodlint' -type f | wc -l)" -eq 1 ] || fail "the hook's environment has no prodlint from the wheel"
pre-commit install >/dev/null
git add src/api.ts
if output=$(git commit -q -m "a localhost fallback" 2>&1); then
  echo "$output"; fail "git commit with a staged defect succeeded"
fi
grep -q 'src/api.ts:1:.*hardcoded-url' <<<"$output" || { echo "$output"; fail "the commit did not print the finding"; }
pass "pre-commit mirror hook: a staged defect blocks the commit and its finding is printed"
printf 'export const api = process.env.API_URL;\n' > src/api.ts
git add src/api.ts
git commit -q -m "configuration only" || fail "a clean git commit was blocked by the mirror hook"
pass "pre-commit mirror hook: a clean commit passes"

# The local hook of docs/pre-commit.md for a project with prodlint as an npm dev dependency.
cd "$work/npm"
git init -q
cat > .pre-commit-config.yaml <<'YAML'
repos:
  - repo: local
    hooks:
      - id: prodlint
        name: prodlint
        entry: npx --no-install prodlint check
        language: system
        types_or: [rust, ts, tsx, javascript, jsx, vue]
        require_serial: true
        verbose: true
YAML
git add .pre-commit-config.yaml src/api.ts
status=0; output=$(pre-commit run 2>&1) || status=$?
[ "$status" -eq 1 ] || { echo "$output"; fail "the local npx hook: exit status $status with a staged defect"; }
grep -q 'src/api.ts:1:.*hardcoded-url' <<<"$output" || { echo "$output"; fail "the local npx hook did not print the finding"; }
git rm -q --cached src/api.ts
git add src/clean.ts
pre-commit run >/dev/null || fail "the local npx hook failed on a clean staged file"
pass "pre-commit local hook through npx: a staged defect fails, a clean file passes"

echo "packages: $passed passed, 0 failed"
