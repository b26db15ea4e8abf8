// The order in which the extension looks for the binary (src/binary.ts).
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { findServer, platformPackage, type Search } from "../src/binary";

function tree(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "prodlint-binary-"));
  for (const [name, text] of Object.entries(files)) {
    const file = path.join(root, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    if (name.endsWith("prodlint")) fs.chmodSync(file, 0o755);
  }
  return root;
}

const PKG = "@prodlint/cli-linux-x64-gnu";
const MANIFEST = JSON.stringify({ name: PKG, version: "0.1.0" });

function search(root: string, extra: Partial<Search> = {}): Search {
  return {
    configuredPath: "",
    workspaceFolders: [path.join(root, "project")],
    extensionDir: path.join(root, "extension"),
    envPath: path.join(root, "on-path"),
    platform: "linux",
    arch: "x64",
    ...extra,
  };
}

const ALL = {
  "configured/prodlint": "",
  [`project/node_modules/${PKG}/package.json`]: MANIFEST,
  [`project/node_modules/${PKG}/bin/prodlint`]: "",
  "project/node_modules/.bin/prodlint": "",
  "extension/bin/prodlint": "",
  "on-path/prodlint": "",
};

test("the platform packages the npm package publishes", () => {
  assert.equal(platformPackage("linux", "x64"), "@prodlint/cli-linux-x64-gnu");
  assert.equal(platformPackage("linux", "arm64"), "@prodlint/cli-linux-arm64-gnu");
  assert.equal(platformPackage("darwin", "x64"), "@prodlint/cli-darwin-x64");
  assert.equal(platformPackage("darwin", "arm64"), "@prodlint/cli-darwin-arm64");
  assert.equal(platformPackage("win32", "x64"), "@prodlint/cli-win32-x64-msvc");
  assert.equal(platformPackage("freebsd", "x64"), undefined);
});

test("prodlint.path comes first, relative to the workspace folder", () => {
  const root = tree(ALL);
  const found = findServer(search(root, { configuredPath: "../configured/prodlint" }));
  assert.deepEqual(found, { path: path.join(root, "configured/prodlint"), source: "the prodlint.path setting" });
});

test("a prodlint.path that cannot run is an error, not a fallback", () => {
  const root = tree(ALL);
  const found = findServer(search(root, { configuredPath: "/nowhere/prodlint" }));
  assert.ok(!("path" in found));
  assert.match(found.configuredError ?? "", /prodlint\.path is set to \/nowhere\/prodlint/);
});

test("then the platform package of the project", () => {
  const root = tree(ALL);
  const found = findServer(search(root));
  assert.ok("path" in found);
  assert.equal(found.path, path.join(root, `project/node_modules/${PKG}/bin/prodlint`));
});

test("the platform package nested in the prodlint package (pnpm)", () => {
  const root = tree({
    "project/node_modules/prodlint/package.json": JSON.stringify({ name: "prodlint", version: "0.1.0" }),
    [`project/node_modules/prodlint/node_modules/${PKG}/package.json`]: MANIFEST,
    [`project/node_modules/prodlint/node_modules/${PKG}/bin/prodlint`]: "",
    "on-path/prodlint": "",
  });
  const found = findServer(search(root));
  assert.ok("path" in found);
  assert.equal(found.path, path.join(root, `project/node_modules/prodlint/node_modules/${PKG}/bin/prodlint`));
});

test("then node_modules/.bin/prodlint", () => {
  const { [`project/node_modules/${PKG}/bin/prodlint`]: _, ...rest } = ALL;
  const found = findServer(search(tree(rest)));
  assert.ok("path" in found);
  assert.match(found.path, /project\/node_modules\/\.bin\/prodlint$/);
});

test("then the binary bundled in the extension, then the PATH", () => {
  const bundled = findServer(search(tree({ "extension/bin/prodlint": "", "on-path/prodlint": "" })));
  assert.ok("path" in bundled);
  assert.match(bundled.path, /extension\/bin\/prodlint$/);
  const onPath = findServer(search(tree({ "on-path/prodlint": "" })));
  assert.ok("path" in onPath);
  assert.match(onPath.path, /on-path\/prodlint$/);
  assert.equal(onPath.source, "the PATH");
});

test("a file without the executable bit is passed over", () => {
  const root = tree({ "on-path/prodlint": "" });
  fs.chmodSync(path.join(root, "on-path/prodlint"), 0o644);
  const found = findServer(search(root));
  assert.ok(!("path" in found));
  assert.equal(found.configuredError, undefined);
});

test("nothing found: every place looked at is listed", () => {
  const root = tree({});
  const found = findServer(search(root));
  assert.ok(!("path" in found));
  assert.deepEqual(found.tried, [
    `${PKG}/bin/prodlint resolved from ${path.join(root, "project")}`,
    path.join(root, "project/node_modules/.bin/prodlint"),
    path.join(root, "extension/bin/prodlint"),
    "prodlint on the PATH",
  ]);
});
