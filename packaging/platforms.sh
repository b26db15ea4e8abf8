# The platforms with prebuilt packages: Rust target triple, npm platform package suffix
# (@prodlint/cli-<suffix>) and binary name. Sourced by build.sh and check-versions.sh.
# The npm packages' `os`, `cpu` and `libc` fields, and the launcher's table in
# npm/prodlint/bin/prodlint.js, say the same.
PLATFORMS=(
  "x86_64-unknown-linux-gnu linux-x64-gnu prodlint"
  "aarch64-unknown-linux-gnu linux-arm64-gnu prodlint"
  "x86_64-apple-darwin darwin-x64 prodlint"
  "aarch64-apple-darwin darwin-arm64 prodlint"
  "x86_64-pc-windows-msvc win32-x64-msvc prodlint.exe"
)
