#!/usr/bin/env bash
# The pre-commit hook, end to end, with the real `pre-commit` framework: in a throwaway
# repository, a staged defect blocks the commit and its finding is printed; a clean commit
# passes; only staged files are reported.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
if ! command -v pre-commit >/dev/null; then
  python3 -m pip install --quiet pre-commit
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# pre-commit builds the hook with `cargo install` for each environment it makes; one target
# directory lets the later builds reuse the first.
export CARGO_TARGET_DIR="$repo/target/pre-commit"
# The hook's binary only has to behave like the real one here, not be fast: without LTO
# and at a low optimisation level the release build the framework asks for takes a
# fraction of the time. (`cargo install` honours these profile overrides.)
export CARGO_PROFILE_RELEASE_LTO=false
export CARGO_PROFILE_RELEASE_OPT_LEVEL=1
export CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16
export CARGO_PROFILE_RELEASE_DEBUG=false
cd "$work"
git init -q
git config user.email ci@prodlint.invalid
git config user.name ci
# Findings of this rule block commits in this project.
printf '[rules.hardcoded-url]\nseverity = "error"\n' > prodlint.toml
mkdir -p src
printf 'export const ok = 1;\n' > src/clean.ts
# A defect that exists but is not staged: it must not be reported.
printf 'export const old = "http://localhost:1";\n' > src/unstaged.ts
git add prodlint.toml src/clean.ts
git commit -q -m init --no-verify

printf 'export const api = process.env.API_URL || "http://localhost:3000/api";\n' > src/api.ts
git add src/api.ts
set +e
output=$(pre-commit try-repo "$repo" prodlint 2>&1)
status=$?
set -e
echo "$output"
if [ "$status" -eq 0 ]; then
  echo "FAIL: a staged localhost fallback did not block the commit"; exit 1
fi
grep -q 'src/api.ts:1:.*hardcoded-url' <<<"$output" || { echo "FAIL: the finding was not printed"; exit 1; }
if grep -q 'unstaged.ts' <<<"$output"; then
  echo "FAIL: an unstaged file was reported"; exit 1
fi

# Fixed and staged again: the hook passes.
printf 'export const api = process.env.API_URL;\n' > src/api.ts
git add src/api.ts
pre-commit try-repo "$repo" prodlint || { echo "FAIL: a clean commit was blocked"; exit 1; }

# The same as an installed hook on a real `git commit`.
cat > .pre-commit-config.yaml <<YAML
repos:
  - repo: $repo
    rev: $(git -C "$repo" rev-parse HEAD)
    hooks:
      - id: prodlint
YAML
git add .pre-commit-config.yaml
pre-commit install >/dev/null
printf 'export const api = import.meta.env.VITE_API || "http://127.0.0.1:8080";\n' > src/api.ts
git add src/api.ts
if output=$(git commit -q -m "a localhost fallback" 2>&1); then
  echo "$output"; echo "FAIL: git commit with a staged defect succeeded"; exit 1
fi
grep -q 'src/api.ts:1:.*hardcoded-url' <<<"$output" || { echo "$output"; echo "FAIL: the commit did not print the finding"; exit 1; }
printf 'export const api = import.meta.env.VITE_API;\n' > src/api.ts
git add src/api.ts
git commit -q -m "configuration only" || { echo "FAIL: a clean git commit was blocked"; exit 1; }

# With the installed hook's environment (built once, then reused):
# a warning does not block the commit, and is printed (the hook is verbose).
printf '// prodlint-ignore hardcoded-url: nothing here\nexport const api = process.env.API_URL;\n' > src/api.ts
git add src/api.ts
output=$(pre-commit run 2>&1) || { echo "$output"; echo "FAIL: a warning blocked the commit"; exit 1; }
grep -q 'invalid-suppression' <<<"$output" || { echo "$output"; echo "FAIL: the warning was not printed"; exit 1; }

# A staged file that does not parse blocks the commit.
printf 'export const = ;\n' > src/broken.ts
git add src/broken.ts
if output=$(git commit -q -m "a broken file" 2>&1); then
  echo "$output"; echo "FAIL: a file that does not parse did not block the commit"; exit 1
fi
echo "pre-commit: 7 passed, 0 failed"
