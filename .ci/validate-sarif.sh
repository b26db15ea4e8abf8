#!/usr/bin/env bash
# Validates a SARIF log with Microsoft's SARIF Multitool (the validator behind
# https://sarifweb.azurewebsites.net/Validation).
#
#   .ci/validate-sarif.sh FILE.sarif
#
# The multitool is installed from npm into a cache directory on first use
# ($SARIF_MULTITOOL_DIR, by default ~/.cache/prodlint/sarif-multitool-VERSION).
# Needs node and npm.
#
# What fails the check. The multitool reports at three levels:
#   error    the JSON schema (JSON*), the spec's SHALLs (SARIF1xxx) and GitHub code
#            scanning's ingestion requirements (GH*): the log is wrong. FAILS.
#   warning  the spec's SHOULDs (e.g. SARIF1001: a rule's name equal to its id,
#            SARIF2017: a location without a region). FAILS too: each one is cheap to
#            fix in the reporter and points at something a consumer would mishandle.
#   note     style guidance (SARIF2xxx) that does not apply to prodlint by design, e.g.
#            SARIF2002 (use message ids and arguments), SARIF2003 (versionControl-
#            Provenance: needs git and would make the output machine-dependent),
#            SARIF2006 (URIs must answer an HTTP GET: needs the network), SARIF2009
#            (rule ids like "CS2001": ours are kebab-case by design). Printed, never fails.
# The GHAzDO rules (--rule-kind Ado, GitHub Advanced Security for Azure DevOps) are not
# run: they require run.automationDetails, which would override the category that
# github/codeql-action/upload-sarif assigns.
# The multitool exits 0 even when it finds errors, so the verdict is read from its output.
set -euo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 FILE.sarif" >&2
  exit 2
fi
input=$1
if [[ ! -f $input ]]; then
  echo "$0: no such file: $input" >&2
  exit 2
fi

version=${SARIF_MULTITOOL_VERSION:-5.7.0}
dir=${SARIF_MULTITOOL_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/prodlint/sarif-multitool-$version}
package="$dir/node_modules/@microsoft/sarif-multitool"
if [[ ! -f $package/package.json ]]; then
  echo "Installing @microsoft/sarif-multitool@$version into $dir" >&2
  mkdir -p "$dir"
  npm install --prefix "$dir" --no-audit --no-fund "@microsoft/sarif-multitool@$version" >&2
fi
# The package's index.js names the native executable for this platform. Run it directly:
# the npm wrapper goes through a shell, which would split the `;`-separated lists below.
tool=$(node -p "require(process.argv[1])" "$package")
# The package sets the executable bit in a postinstall script, which npm may skip.
[[ -x $tool ]] || chmod u+x "$tool"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out="$work/validation.sarif"
if ! "$tool" validate "$input" -o "$out" --log ForceOverwrite --rule-kind "Sarif;Gh" \
  --level "Error;Warning;Note" >"$work/console.txt" 2>&1; then
  cat "$work/console.txt" >&2
  echo "$0: the SARIF multitool could not validate $input" >&2
  exit 1
fi

# One line per finding, then the verdict. A result without a level is a warning (SARIF §3.27.10).
node - "$out" <<'EOF'
const fs = require("fs");
const log = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const counts = { error: 0, warning: 0, note: 0 };
for (const run of log.runs || []) {
  const rules = (run.tool && run.tool.driver && run.tool.driver.rules) || [];
  const invocationProblems = (run.invocations || []).flatMap((i) => [
    ...(i.toolExecutionNotifications || []),
    ...(i.toolConfigurationNotifications || []),
  ]);
  for (const n of invocationProblems) {
    if ((n.level || "warning") === "error") {
      counts.error++;
      console.log(`error (multitool): ${n.message && n.message.text}`);
    }
  }
  for (const result of run.results || []) {
    const level = result.level || "warning";
    counts[level] = (counts[level] || 0) + 1;
    const rule = rules.find((r) => r.id === result.ruleId) || {};
    const template =
      (rule.messageStrings && result.message.id && rule.messageStrings[result.message.id]) || {};
    let text = result.message.text || template.text || result.message.id || "";
    (result.message.arguments || []).forEach((arg, i) => {
      text = text.split(`{${i}}`).join(arg);
    });
    text = text.split("{{").join("{").split("}}").join("}");
    console.log(`${level} ${result.ruleId}: ${text}`);
  }
}
console.log(
  `SARIF validation: ${counts.error} errors, ${counts.warning} warnings, ${counts.note} notes`
);
process.exit(counts.error + counts.warning > 0 ? 1 : 0);
EOF
