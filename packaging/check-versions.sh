#!/usr/bin/env bash
# Checks that the npm packages carry the version of the workspace's Cargo.toml (the one
# source of truth; the wheel takes it from there through maturin) and that the main
# package depends on exactly the platform packages, at exactly that version.
# Prints the version on success; says what differs and exits 1 otherwise.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=platforms.sh
source "$here/platforms.sh"

# `version = "..."` of [workspace.package].
version=$(awk '
  /^\[/ { section = $0; next }
  section == "[workspace.package]" && $1 == "version" { gsub(/"/, "", $3); print $3; exit }
' "$here/../Cargo.toml")
if [ -z "$version" ]; then
  echo "check-versions: no version in [workspace.package] of Cargo.toml" >&2
  exit 1
fi

suffixes=()
for platform in "${PLATFORMS[@]}"; do
  read -r _triple suffix _exe <<<"$platform"
  suffixes+=("$suffix")
done

node - "$here/npm" "$version" "${suffixes[@]}" <<'JS'
const fs = require("fs");
const path = require("path");
const [dir, version, ...suffixes] = process.argv.slice(2);
const problems = [];
const read = (name) => {
  const file = path.join(dir, name, "package.json");
  try {
    return [file, JSON.parse(fs.readFileSync(file, "utf8"))];
  } catch (error) {
    problems.push(`${file}: ${error.message}`);
    return [file, null];
  }
};
const [mainFile, main] = read("prodlint");
if (main) {
  if (main.version !== version) problems.push(`${mainFile}: version ${main.version}, Cargo.toml has ${version}`);
  const optional = main.optionalDependencies || {};
  const wanted = suffixes.map((s) => `@prodlint/cli-${s}`);
  for (const name of wanted) {
    if (optional[name] !== version) problems.push(`${mainFile}: optionalDependencies["${name}"] is ${JSON.stringify(optional[name])}, want exactly "${version}"`);
  }
  for (const name of Object.keys(optional)) {
    if (!wanted.includes(name)) problems.push(`${mainFile}: optionalDependencies has ${name}, which is no platform of packaging/platforms.sh`);
  }
}
for (const suffix of suffixes) {
  const [file, pkg] = read(`cli-${suffix}`);
  if (!pkg) continue;
  if (pkg.name !== `@prodlint/cli-${suffix}`) problems.push(`${file}: name ${pkg.name}, want @prodlint/cli-${suffix}`);
  if (pkg.version !== version) problems.push(`${file}: version ${pkg.version}, Cargo.toml has ${version}`);
}
if (problems.length) {
  for (const problem of problems) console.error(`check-versions: ${problem}`);
  process.exit(1);
}
console.log(version);
JS
