#!/usr/bin/env node
// Runs the prebuilt prodlint binary of this platform. npm installs the one optional
// dependency whose `os`, `cpu` and `libc` fields match the machine (@prodlint/cli-<platform>,
// where the binary is bin/prodlint); this launcher finds it by node resolution and runs it
// with the same arguments, standard streams, exit status and signals.
"use strict";

const { spawn } = require("child_process");
const os = require("os");
const path = require("path");

// process.platform and process.arch, with the C library on Linux, to package names.
const PACKAGES = {
  "linux x64 gnu": "@prodlint/cli-linux-x64-gnu",
  "linux arm64 gnu": "@prodlint/cli-linux-arm64-gnu",
  "darwin x64": "@prodlint/cli-darwin-x64",
  "darwin arm64": "@prodlint/cli-darwin-arm64",
  "win32 x64": "@prodlint/cli-win32-x64-msvc",
};

// glibc or musl, as npm decides for the `libc` field: a glibc process reports the version
// of the library it runs on.
function linuxLibc() {
  try {
    // The report's network section is not needed, and resolving it can be slow.
    process.report.excludeNetwork = true;
    const header = process.report.getReport().header;
    return header.glibcVersionRuntime ? "gnu" : "musl";
  } catch (_) {
    return "gnu";
  }
}

function platformKey() {
  const parts = [process.platform, process.arch];
  if (process.platform === "linux") parts.push(linuxLibc());
  return parts.join(" ");
}

function fail(lines) {
  const [first, ...rest] = lines;
  process.stderr.write([`prodlint: ${first}`, ...rest.map((line) => `  ${line}`)].join("\n") + "\n");
  process.exit(1);
}

function binaryPath() {
  const override = process.env.PRODLINT_BINARY;
  if (override) return override;
  const key = platformKey();
  const pkg = PACKAGES[key];
  const detected = key.replace(/ /g, "-");
  if (!pkg) {
    fail([
      `no prebuilt binary for this platform (${detected}).`,
      `Prebuilt: ${Object.values(PACKAGES).join(", ")}.`,
      "Build it with `cargo install --path .` from the prodlint sources and set PRODLINT_BINARY to its path.",
    ]);
  }
  let manifest;
  try {
    manifest = require.resolve(`${pkg}/package.json`);
  } catch (_) {
    fail([
      `the binary for this platform (${detected}) is in the package ${pkg}, which is not installed.`,
      "npm installs it as an optional dependency of prodlint: it is skipped with --no-optional,",
      "--omit=optional, or a lockfile written on another platform. Install it with:",
      `    npm install --save-dev ${pkg}@${require("../package.json").version}`,
      "or set PRODLINT_BINARY to the path of a prodlint binary.",
    ]);
  }
  const exe = process.platform === "win32" ? "prodlint.exe" : "prodlint";
  return path.join(path.dirname(manifest), "bin", exe);
}

const binary = binaryPath();

// A signal sent to this process (an editor stopping `prodlint lsp`, a CI timeout) goes to
// the binary, which then ends as it would have on its own. Ctrl-C in a terminal reaches
// both, since they share the process group; the forwarded copy is harmless. The handlers
// are installed before the binary starts: a signal that came before them would end this
// process by default and leave the binary running. They run on the event loop, after
// `child` is set.
const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT"];
let child = null;
const forward = {};
for (const signal of SIGNALS) {
  forward[signal] = () => {
    try {
      child.kill(signal);
    } catch (_) {
      // Already gone: its exit is reported below.
    }
  };
  try {
    process.on(signal, forward[signal]);
  } catch (_) {
    // Not every signal exists on every platform (SIGQUIT, SIGHUP on Windows).
  }
}

child = spawn(binary, process.argv.slice(2), { stdio: "inherit", windowsHide: true });

child.on("error", (error) => {
  fail([`could not run ${binary}: ${error.message}`]);
});

child.on("exit", (code, signal) => {
  if (signal) {
    // End by the same signal, so that the caller sees what the binary's caller would.
    for (const name of SIGNALS) process.removeListener(name, forward[name]);
    process.kill(process.pid, signal);
    // Still here: a signal Node ignores (SIGPIPE). Exit as a shell reports that signal.
    process.exit(128 + (os.constants.signals[signal] || 0));
  }
  process.exit(code === null ? 1 : code);
});
