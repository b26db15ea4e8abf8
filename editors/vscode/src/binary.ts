// Where the `prodlint` binary comes from. No `vscode` import here: the order is tested
// under plain Node (test/binary.test.ts).
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";

/** The npm package that carries the prebuilt binary for this platform, if one exists. */
export function platformPackage(
  platform: string = process.platform,
  arch: string = process.arch,
): string | undefined {
  const name = (
    {
      "linux-x64": "linux-x64-gnu",
      "linux-arm64": "linux-arm64-gnu",
      "darwin-x64": "darwin-x64",
      "darwin-arm64": "darwin-arm64",
      "win32-x64": "win32-x64-msvc",
    } as Record<string, string>
  )[`${platform}-${arch}`];
  return name === undefined ? undefined : `@prodlint/cli-${name}`;
}

export interface Found {
  path: string;
  /** Where it was found, for the output channel. */
  source: string;
}

export interface NotFound {
  /** Set when `prodlint.path` names something that cannot run: no fallback then. */
  configuredError?: string;
  /** Every place looked at, in order. */
  tried: string[];
}

export interface Search {
  /** The `prodlint.path` setting ("" when unset). */
  configuredPath: string;
  workspaceFolders: string[];
  extensionDir: string;
  /** The `PATH` environment variable. */
  envPath: string;
  platform?: string;
  arch?: string;
}

/**
 * The binary `prodlint lsp` is started from, in this order: the `prodlint.path` setting;
 * for each workspace folder, the platform package that the `prodlint` npm package
 * installed, then `node_modules/.bin/prodlint`; the binary bundled in the extension
 * (`bin/`); `prodlint` on the `PATH`.
 */
export function findServer(search: Search): Found | NotFound {
  const platform = search.platform ?? process.platform;
  const arch = search.arch ?? process.arch;
  const windows = platform === "win32";
  const exe = windows ? "prodlint.exe" : "prodlint";
  const tried: string[] = [];

  const configured = search.configuredPath.trim();
  if (configured !== "") {
    const base = search.workspaceFolders[0] ?? process.cwd();
    const resolved = path.resolve(base, expandHome(configured));
    if (runnable(resolved, windows)) {
      return { path: resolved, source: "the prodlint.path setting" };
    }
    return {
      configuredError: `prodlint.path is set to ${configured}, and ${resolved} is not an executable file`,
      tried: [resolved],
    };
  }

  const pkg = platformPackage(platform, arch);
  for (const folder of search.workspaceFolders) {
    if (pkg !== undefined) {
      const fromPackage = resolvePlatformBinary(folder, pkg, exe);
      tried.push(`${pkg}/bin/${exe} resolved from ${folder}`);
      if (fromPackage !== undefined && runnable(fromPackage, windows)) {
        return { path: fromPackage, source: `the ${pkg} package of ${folder}` };
      }
    }
    const shim = path.join(folder, "node_modules", ".bin", windows ? "prodlint.cmd" : "prodlint");
    tried.push(shim);
    if (runnable(shim, windows)) {
      return { path: shim, source: `node_modules/.bin of ${folder}` };
    }
  }

  const bundled = path.join(search.extensionDir, "bin", exe);
  tried.push(bundled);
  if (runnable(bundled, windows)) {
    return { path: bundled, source: "the binary bundled with the extension" };
  }

  for (const dir of search.envPath.split(windows ? ";" : ":")) {
    if (dir === "") continue;
    const candidate = path.join(dir, exe);
    if (runnable(candidate, windows)) {
      return { path: candidate, source: "the PATH" };
    }
  }
  tried.push(`${exe} on the PATH`);
  return { tried };
}

/**
 * `PKG/bin/prodlint` as Node resolves PKG from the folder: directly (npm and yarn hoist
 * it), or from inside the `prodlint` package (pnpm keeps it there).
 */
function resolvePlatformBinary(folder: string, pkg: string, exe: string): string | undefined {
  const fromFolder = createRequire(path.join(folder, "package.json"));
  const manifests = [() => fromFolder.resolve(`${pkg}/package.json`)];
  manifests.push(() => {
    const main = fromFolder.resolve("prodlint/package.json");
    return createRequire(main).resolve(`${pkg}/package.json`);
  });
  for (const manifest of manifests) {
    try {
      return path.join(path.dirname(manifest()), "bin", exe);
    } catch {
      // Not installed this way: try the next.
    }
  }
  return undefined;
}

function runnable(file: string, windows: boolean): boolean {
  try {
    if (!fs.statSync(file).isFile()) return false;
    if (!windows) fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function expandHome(p: string): string {
  const home = process.env.HOME ?? process.env.USERPROFILE;
  if (home !== undefined && (p === "~" || p.startsWith("~/"))) {
    return path.join(home, p.slice(1));
  }
  return p;
}
