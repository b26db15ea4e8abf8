//! Code that runs only as a developer's or a one-off script: a backfill, a data sync, an
//! e-mail sent by hand to try a template. It runs on a developer's machine or once against
//! a deployment, never as part of the deployed program, so what it hardcodes (a local
//! server, a loop of queries) is not a production defect.
//!
//! A file is such a script when no file of the application loads it and either
//! - a package.json `scripts` entry runs it directly (`tsx ./src/scripts/sync.ts`,
//!   `node -r ts-node/register src/scripts/x.ts`, `dotenv -e .env -- pnpx tsx …`, `bun run
//!   x.ts`, `deno run x.ts`; the path relative to that package.json's folder), unless that
//!   entry starts the application (a `start`, `dev`, `serve`, `preview`, `debug`, `watch`
//!   or `prod` script, or a runner in watch mode) or the file is the package's `main`,
//!   `module`, `bin` or `exports` entry; or
//! - it lies in a `scripts/` or `script/` folder (`src/scripts/backfill.ts`), not below a
//!   folder that is served or routed (`public/`, `static/`, `assets/`, `www/`, `pages/`,
//!   `app/`, `routes/`).
//!
//! "No file of the application loads it": every file that imports it (statically,
//! dynamically, by `require` or `export … from`; type-only imports are erased and do not
//! count) is itself such a script. So a `src/scripts/helpers.ts` imported only by the
//! scripts beside it is one, and one that a page imports is application code. An import
//! that cannot be resolved but names the file (its last segment is the file's stem) counts
//! as an importer: unknown means the file stays application code. So does a component
//! (`.vue`, `.svelte`, `.astro`) whose text names the file (its markup may load it with
//! `<script src>`), and a package's `index.html` naming it (a bundler's HTML entry).
//!
//! A `bin/` folder is not taken for scripts: it holds the programs a package ships to its
//! users (see `runtime::in_command_line_program`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use prodlint_core::{Project, ProjectIndex};

use crate::resolve::{Resolved, Resolvers, View};
use crate::runtime::nearest_manifest;

/// The developer scripts of the project under one root directory (the key).
#[derive(Debug, Default)]
pub struct DevScripts {
    scripts: BTreeSet<PathBuf>,
}

impl DevScripts {
    /// Whether `file` (absolute, normalized) is a developer script.
    pub fn contains(&self, file: &Path) -> bool {
        self.scripts.contains(file)
    }
}

/// Whether `file` (absolute, normalized) runs only as a developer's or a one-off script.
/// The project under the working directory is looked at (or, for a file outside it, the
/// git repository that holds the file).
pub fn is_dev_script(project: &Project, file: &Path) -> bool {
    // Cheap answers first: most files are neither in a `scripts/` folder nor named by any
    // package.json script, and those never need the project-wide index.
    let root = project_root(project, file);
    if !in_scripts_folder(&root, file) && !named_by_a_script(project, &root, file) {
        return false;
    }
    project.index::<DevScripts>(&root).contains(file)
}

/// The working directory when it holds `file`, else the file's git repository, else the
/// folder of its topmost package.json.
fn project_root(project: &Project, file: &Path) -> PathBuf {
    if file.starts_with(&project.cwd) {
        return project.cwd.clone();
    }
    let mut top_manifest = None;
    for dir in file.ancestors().skip(1) {
        if project.is_dir(&dir.join(".git")) {
            return dir.to_path_buf();
        }
        if project.exists(&dir.join("package.json")) {
            top_manifest = Some(dir.to_path_buf());
        }
    }
    top_manifest.unwrap_or_else(|| file.parent().unwrap_or(file).to_path_buf())
}

/// Whether a folder between `root` and `file` is named `scripts` or `script`.
/// A `scripts/` folder below a folder that a web server serves or a framework routes
/// (`public/scripts/widget.js`, Next's `app/scripts/page.tsx`) is not one of developer
/// scripts: its files are loaded by the pages, or are pages.
fn in_scripts_folder(root: &Path, file: &Path) -> bool {
    let Some(dir) = file.parent().and_then(|dir| dir.strip_prefix(root).ok()) else {
        return false;
    };
    for component in dir.components() {
        match component.as_os_str().to_str() {
            Some("scripts" | "script") => return true,
            Some("public" | "static" | "assets" | "www" | "pages" | "app" | "routes") => {
                return false
            }
            _ => {}
        }
    }
    false
}

/// Whether a package.json at or above `file` (up to `root`) has a script whose text names
/// the file's name (or, for a `.js` file, the name Node completes: `src/util/test` runs
/// `test.js`, `src/seed` runs `seed/index.js`): the cheap test before the commands are
/// read.
fn named_by_a_script(project: &Project, root: &Path, file: &Path) -> bool {
    let Some(name) = file.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    let completed = match name.strip_suffix(".js") {
        Some("index") => file
            .parent()
            .and_then(|dir| dir.file_name())
            .and_then(|n| n.to_str()),
        stem => stem,
    };
    manifests_above(project, root, file).iter().any(|manifest| {
        manifest.text.contains(name) || completed.is_some_and(|stem| manifest.text.contains(stem))
    })
}

/// The package.json files at or above `file`'s folder, nearest first, up to `root`.
fn manifests_above(
    project: &Project,
    root: &Path,
    file: &Path,
) -> Vec<std::sync::Arc<crate::runtime::Manifest>> {
    let mut out = Vec::new();
    let mut next = nearest_manifest(project, file);
    while let Some(manifest) = next {
        if !manifest.dir.starts_with(root) {
            break;
        }
        next = manifest
            .dir
            .parent()
            .and_then(|parent| nearest_manifest(project, &parent.join("package.json")));
        out.push(manifest);
    }
    out
}

/// What the package.json scripts of a project say about the files they run.
#[derive(Debug, Default)]
struct ScriptRuns {
    /// Files run directly by a script that does not start the application.
    scripts: BTreeSet<PathBuf>,
    /// Files that start the application (run by `start`, `dev`, …, or in watch mode) or
    /// are a package's entry (`main`, `module`, `bin`, `exports`).
    entries: BTreeSet<PathBuf>,
}

impl ScriptRuns {
    /// Reads one package.json (in `dir`).
    fn add_manifest(&mut self, dir: &Path, manifest: &serde_json::Value) {
        if let Some(scripts) = manifest.get("scripts").and_then(|s| s.as_object()) {
            for (name, command) in scripts {
                let Some(command) = command.as_str() else {
                    continue;
                };
                for run in files_run_by(command) {
                    let paths = run_paths(dir, &run.path);
                    // A preloaded module is part of whatever the command runs.
                    if run.watch || run.preload || starts_the_application(name) {
                        self.entries.extend(paths);
                    } else {
                        self.scripts.extend(paths);
                    }
                }
            }
        }
        let mut entries = Vec::new();
        for field in ["main", "module", "bin", "exports"] {
            if let Some(value) = manifest.get(field) {
                collect_strings(value, &mut entries);
            }
        }
        for entry in entries {
            self.entries.extend(run_paths(dir, entry));
        }
    }
}

fn collect_strings<'a>(value: &'a serde_json::Value, out: &mut Vec<&'a str>) {
    match value {
        serde_json::Value::String(s) => out.push(s),
        serde_json::Value::Object(map) => map.values().for_each(|v| collect_strings(v, out)),
        serde_json::Value::Array(list) => list.iter().for_each(|v| collect_strings(v, out)),
        _ => {}
    }
}

/// Whether a script's name says it starts the application, in development or in
/// production: `start`, `dev`, `start:prod`, `dev:api`, `serve`, `preview`, `debug`,
/// `watch` (npm's `prestart` hook is a step before it, not the application).
fn starts_the_application(name: &str) -> bool {
    name.split([':', '-', '_', '.']).any(|word| {
        matches!(
            word,
            "start"
                | "dev"
                | "develop"
                | "development"
                | "serve"
                | "server"
                | "preview"
                | "debug"
                | "inspect"
                | "watch"
                | "prod"
                | "production"
        )
    })
}

/// A file a script's command runs, and whether the runner watches it (a dev server) or
/// preloads it into the program it runs (`node -r ./dist/scripts/preload.js
/// dist/main.js`).
#[derive(Debug, PartialEq, Eq)]
struct Run {
    path: String,
    watch: bool,
    preload: bool,
}

/// Options of the runners that preload a module into the program they run.
const PRELOAD_OPTIONS: &[&str] = &["-r", "--require", "--import", "--preload"];

/// Programs that run the source file given to them.
const RUNNERS: &[&str] = &[
    "node",
    "tsx",
    "ts-node",
    "ts-node-esm",
    "esno",
    "vite-node",
    "bun",
    "deno",
];

/// Options of the runners that take the next word as their value: a module to preload
/// (`-r ts-node/register`), a loader, a project file.
const OPTIONS_WITH_VALUES: &[&str] = &[
    "-r",
    "--require",
    "--import",
    "--loader",
    "--experimental-loader",
    "-C",
    "--conditions",
    "--env-file",
    "-P",
    "--project",
    "--tsconfig",
    "-O",
    "--compiler-options",
    "-c",
    "--config",
    "--preload",
    "--title",
];

/// The source extensions a runner's file argument has.
const SOURCE_EXTENSIONS: &[&str] = &["ts", "mts", "cts", "tsx", "js", "mjs", "cjs", "jsx"];

/// The files a script's command runs directly: in each command of a chain (`a && b`, `a;
/// b`), after a runner (also behind wrappers: `dotenv -e .env -- tsx x.ts`, `pnpx tsx
/// x.ts`, `cross-env A=1 node x.js`), the first word that is not an option or an option's
/// value, when it names a source file. `node -e "…"` runs no file.
fn files_run_by(command: &str) -> Vec<Run> {
    let mut runs = Vec::new();
    for part in command.split(['&', ';', '|']) {
        let words: Vec<&str> = part
            .split_whitespace()
            .map(|w| w.trim_matches(|c| c == '"' || c == '\''))
            .collect();
        let Some(runner) = words.iter().position(|word| {
            let program = word.rsplit('/').next().unwrap_or(word);
            RUNNERS.contains(&program)
        }) else {
            continue;
        };
        let program = words[runner].rsplit('/').next().unwrap_or("");
        let mut watch = false;
        let mut rest = words[runner + 1..].iter();
        while let Some(word) = rest.next() {
            if matches!(*word, "--watch" | "-w" | "--hot" | "watch") {
                watch = true;
                continue;
            }
            if matches!(*word, "-e" | "--eval" | "-p" | "--print") {
                break;
            }
            if word.starts_with('-') {
                if OPTIONS_WITH_VALUES.contains(word) {
                    let value = rest.next();
                    if let Some(value) = value.filter(|_| PRELOAD_OPTIONS.contains(word)) {
                        if is_source_path(value) {
                            runs.push(Run {
                                path: value.to_string(),
                                watch,
                                preload: true,
                            });
                        }
                    }
                }
                continue;
            }
            if matches!(program, "bun" | "deno") && *word == "run" {
                continue;
            }
            if is_source_path(word) {
                runs.push(Run {
                    path: word.to_string(),
                    watch,
                    preload: false,
                });
            } else if program == "node" && is_extensionless_path(word) {
                // `node src/util/test`: Node loads `src/util/test.js`, or the folder's
                // `index.js`.
                for path in [format!("{word}.js"), format!("{word}/index.js")] {
                    runs.push(Run {
                        path,
                        watch,
                        preload: false,
                    });
                }
            }
            break;
        }
    }
    runs
}

/// A path to a source file (not a package, a URL or a folder).
fn is_source_path(word: &str) -> bool {
    let extension = word.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    SOURCE_EXTENSIONS.contains(&extension) && !word.contains("://")
}

/// A relative path without an extension (`src/util/test`, `./scripts/seed`), which Node
/// completes as it does a `require`; not a package name, a URL or a variable.
fn is_extensionless_path(word: &str) -> bool {
    let last = word.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    word.contains('/')
        && !last.is_empty()
        && !last.contains('.')
        && !word.contains("://")
        && !word.starts_with(['$', '@', '/'])
}

/// Build output folders whose files are compiled from `src/`.
const OUTPUT_FOLDERS: &[&str] = &["dist", "build", "out"];

/// The file a command names, and the sources it may be compiled from when it lies in a
/// build output folder: `dist/scripts/preload.js` is built from `src/scripts/preload.ts`
/// (or `.tsx`, or `.js` copied). Only ever used to keep files out of the scripts, so
/// naming a source that is not the one costs nothing.
fn run_paths(dir: &Path, run: &str) -> Vec<PathBuf> {
    let path = prodlint_core::normalize(dir, Path::new(run));
    let mut out = vec![path.clone()];
    let Ok(relative) = path.strip_prefix(dir) else {
        return out;
    };
    let mut components = relative.components();
    let Some(first) = components.next().and_then(|c| c.as_os_str().to_str()) else {
        return out;
    };
    if !OUTPUT_FOLDERS.contains(&first) {
        return out;
    }
    let source = dir.join("src").join(components.as_path());
    let stem = source.with_extension("");
    let compiled_from: &[&str] = match source.extension().and_then(|e| e.to_str()) {
        Some("mjs") => &["mts", "mjs"],
        Some("cjs") => &["cts", "cjs"],
        _ => &["ts", "tsx", "js", "jsx"],
    };
    out.extend(compiled_from.iter().map(|ext| stem.with_extension(ext)));
    out
}

/// The names by which an import may point at `file`: its stem (`helpers` of
/// `helpers.ts`), and for an index file its folder's name (`./scripts` imports
/// `scripts/index.ts`).
fn import_names(file: &Path) -> Vec<String> {
    let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let stem = name.split('.').next().unwrap_or("").to_string();
    let mut names = vec![stem.clone()];
    if stem == "index" {
        if let Some(dir) = file
            .parent()
            .and_then(|d| d.file_name())
            .and_then(|n| n.to_str())
        {
            names.push(dir.to_string());
        }
    }
    names
}

/// Whether `text` names the source file `name` (a stem or an index file's folder) with
/// its extension: `theme.js`, `theme.ts`, `widget/index.js`.
fn names_source_file(text: &str, name: &str) -> bool {
    text.match_indices(name).any(|(at, _)| {
        let after = &text[at + name.len()..];
        let extension = after
            .strip_prefix('.')
            .or_else(|| after.strip_prefix("/index."));
        extension.is_some_and(|rest| {
            SOURCE_EXTENSIONS.iter().any(|ext| {
                rest.strip_prefix(ext)
                    .is_some_and(|tail| !tail.starts_with(|c: char| c.is_ascii_alphanumeric()))
            })
        })
    })
}

/// The last segment of a specifier without its extension: `helpers` of `../helpers.js`.
fn specifier_name(specifier: &str) -> &str {
    let last = specifier
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or("");
    last.split('.').next().unwrap_or(last)
}

impl ProjectIndex for DevScripts {
    /// The project's root directory, absolute and normalized.
    type Key = PathBuf;

    fn build(project: &Project, root: &PathBuf) -> DevScripts {
        let sources = crate::project_sources(project, root);
        let files = &sources.files;

        // The package.json files of the project (each read once).
        let mut runs = ScriptRuns::default();
        let mut manifest_dirs = BTreeSet::new();
        let mut html_entries = Vec::new();
        for file in files {
            for manifest in manifests_above(project, root, file) {
                if !manifest_dirs.insert(manifest.dir.clone()) {
                    break;
                }
                if let Ok(json) = serde_json::from_str::<serde_json::Value>(&manifest.text) {
                    runs.add_manifest(&manifest.dir, &json);
                }
                // A bundler's HTML entry (Vite's `index.html`) loads its modules with
                // `<script src>`, which no import shows.
                if let Ok(html) = project.read(&manifest.dir.join("index.html")) {
                    html_entries.push(html);
                }
            }
        }

        // Tests and build tooling are not the application either (the rules skip them on
        // their own): what they import is not loaded by the application.
        let relative = |file: &Path| {
            file.strip_prefix(root)
                .unwrap_or(file)
                .to_string_lossy()
                .replace('\\', "/")
        };
        let outside_application = |file: &Path| {
            let relative = relative(file);
            prodlint_core::is_test_path(&relative) || prodlint_core::is_tooling_config(&relative)
        };
        let candidates: BTreeSet<PathBuf> = files
            .iter()
            .filter(|file| !runs.entries.contains(*file) && !outside_application(file))
            .filter(|file| {
                let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("");
                !html_entries.iter().any(|html| html.contains(name))
            })
            .filter(|file| runs.scripts.contains(*file) || in_scripts_folder(root, file))
            .cloned()
            .collect();
        if candidates.is_empty() {
            return DevScripts::default();
        }
        let mut by_name: BTreeMap<String, Vec<&PathBuf>> = BTreeMap::new();
        for candidate in &candidates {
            for name in import_names(candidate) {
                by_name.entry(name).or_default().push(candidate);
            }
        }

        // Who imports each candidate. Only files whose text names a candidate where a
        // specifier ends can: its stem, or for an index file its folder's name
        // (`./scripts/index` names both).
        let names: Vec<&str> = by_name
            .keys()
            .filter(|name| *name != "index")
            .map(|name| name.as_str())
            .collect();
        let resolvers = project.index::<Resolvers>(&());
        let mut importers: BTreeMap<&PathBuf, BTreeSet<PathBuf>> = BTreeMap::new();
        crate::parse_project_sources(project, root, &names, |path, parsed| {
            if outside_application(&path) || crate::imports_test_framework(&parsed.program) {
                return;
            }
            // A component's markup may load a candidate with `<script src>`, which is no
            // import: each one it names, with a source extension (`theme.js`, not the word
            // `test` in its text), counts as imported by it.
            if crate::sfc::is_component(&path.to_string_lossy()) {
                if let Ok(text) = project.read(&path) {
                    for (name, named) in &by_name {
                        if name != "index" && names_source_file(&text, name) {
                            for target in named {
                                if **target != path {
                                    importers.entry(target).or_default().insert(path.clone());
                                }
                            }
                        }
                    }
                }
            }
            let info = crate::module_info(&parsed.program);
            let specifiers = info
                .imports
                .iter()
                .filter(|import| !import.type_only)
                .map(|import| import.specifier.as_str())
                .chain(
                    info.star_exports
                        .iter()
                        .filter(|export| !export.type_only)
                        .map(|export| export.specifier.as_str()),
                );
            for specifier in specifiers {
                let Some(named) = by_name.get(specifier_name(specifier)) else {
                    continue;
                };
                let targets: Vec<&PathBuf> =
                    match resolvers.resolve(project, &path, specifier, View::NodeImport) {
                        Resolved::File(target) => {
                            let target = prodlint_core::normalize(&project.cwd, &target);
                            named.iter().copied().filter(|c| **c == target).collect()
                        }
                        Resolved::Builtin => Vec::new(),
                        // It may be any of the files so named.
                        Resolved::NotFound => named.clone(),
                    };
                for target in targets {
                    if *target != path {
                        importers.entry(target).or_default().insert(path.clone());
                    }
                }
            }
        });

        // The largest set of candidates whose importers are all in the set: a candidate
        // that application code imports is application code, and so is what it imports.
        let mut scripts = candidates.clone();
        loop {
            let loaded: Vec<PathBuf> = scripts
                .iter()
                .filter(|script| {
                    importers
                        .get(script)
                        .is_some_and(|by| by.iter().any(|importer| !scripts.contains(importer)))
                })
                .cloned()
                .collect();
            if loaded.is_empty() {
                break;
            }
            for file in loaded {
                scripts.remove(&file);
            }
        }
        DevScripts { scripts }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(command: &str) -> Vec<(String, bool)> {
        files_run_by(command)
            .into_iter()
            .filter(|run| !run.preload)
            .map(|run| (run.path, run.watch))
            .collect()
    }

    #[test]
    fn preloaded_modules_and_the_sources_of_build_output() {
        let preloaded: Vec<String> = files_run_by("node -r ./dist/scripts/preload.js dist/main.js")
            .into_iter()
            .filter(|run| run.preload)
            .map(|run| run.path)
            .collect();
        assert_eq!(preloaded, ["./dist/scripts/preload.js"]);
        let dir = Path::new("/p/api");
        let sources = run_paths(dir, "./dist/scripts/preload.js");
        assert!(sources.contains(&PathBuf::from("/p/api/dist/scripts/preload.js")));
        assert!(sources.contains(&PathBuf::from("/p/api/src/scripts/preload.ts")));
        assert_eq!(
            run_paths(dir, "src/scripts/x.ts"),
            [PathBuf::from("/p/api/src/scripts/x.ts")]
        );
        assert!(run_paths(dir, "build/a.mjs").contains(&PathBuf::from("/p/api/src/a.mts")));
    }

    #[test]
    fn the_files_a_command_runs() {
        let one = |p: &str| vec![(p.to_string(), false)];
        assert_eq!(paths("tsx ./src/scripts/a.ts"), one("./src/scripts/a.ts"));
        assert_eq!(
            paths("dotenv -e .env -- pnpx tsx ./src/scripts/checkout-expiry.ts"),
            one("./src/scripts/checkout-expiry.ts")
        );
        assert_eq!(
            paths(
                "prisma generate && node -r ts-node/register --env-file=.env src/scripts/sync.ts"
            ),
            one("src/scripts/sync.ts")
        );
        assert_eq!(paths("bun run scripts/x.ts"), one("scripts/x.ts"));
        assert_eq!(
            paths("deno run --allow-net tools/y.mjs --flag"),
            one("tools/y.mjs")
        );
        assert_eq!(
            paths("npx ts-node -P tsconfig.json src/a.ts"),
            one("src/a.ts")
        );
        assert_eq!(
            paths("cross-env A=1 ./node_modules/.bin/tsx src/b.ts; node c.js"),
            vec![("src/b.ts".to_string(), false), ("c.js".to_string(), false)]
        );
        // Watch mode is a dev server of the application.
        assert_eq!(
            paths("tsx watch --clear-screen=false src/index.ts"),
            vec![("src/index.ts".to_string(), true)]
        );
        assert_eq!(
            paths("node --watch src/main.js"),
            vec![("src/main.js".to_string(), true)]
        );
        // No file: inline code, a preloaded module, another program, a package binary.
        assert!(paths("node -e \"require('./x.js')\"").is_empty());
        assert!(paths("node -r ./dist/preload.js").is_empty());
        assert!(paths("nodemon src/main.ts").is_empty());
        assert_eq!(
            paths("node src/util/test"),
            vec![
                ("src/util/test.js".to_string(), false),
                ("src/util/test/index.js".to_string(), false)
            ]
        );
        assert!(paths("node --version").is_empty());
        assert!(paths("node @scope/pkg").is_empty());
        assert!(paths("jest --config jest.config.js").is_empty());
        assert!(paths("tsx scripts/gen").is_empty());
        assert!(paths("prettier --write src/a.ts").is_empty());
    }

    #[test]
    fn script_names_that_start_the_application() {
        for name in [
            "start",
            "dev",
            "start:prod",
            "dev:api",
            "serve",
            "preview",
            "debug",
        ] {
            assert!(starts_the_application(name), "{name}");
        }
        for name in [
            "prestart",
            "checkout-expiry",
            "db:seed",
            "sync-db-schema",
            "email",
        ] {
            assert!(!starts_the_application(name), "{name}");
        }
    }

    #[test]
    fn source_files_named_in_markup() {
        assert!(names_source_file(
            "<script src=\"/scripts/theme.js\"></script>",
            "theme"
        ));
        assert!(names_source_file("src=\"/widget/index.mjs\"", "widget"));
        assert!(!names_source_file(
            "$t(\"settings.test.title\") run the test",
            "test"
        ));
        assert!(!names_source_file("theme.json", "theme"));
    }

    #[test]
    fn specifier_and_import_names() {
        assert_eq!(specifier_name("../scripts/helpers.js"), "helpers");
        assert_eq!(specifier_name("@/scripts"), "scripts");
        assert_eq!(specifier_name("./a/"), "a");
        assert_eq!(
            import_names(Path::new("/p/src/scripts/index.ts")),
            ["index", "scripts"]
        );
        assert_eq!(import_names(Path::new("/p/src/x.test.ts")), ["x"]);
    }

    /// A project on disk: `(path, text)` pairs under a temporary root.
    fn project(files: &[(&str, &str)]) -> (tempfile::TempDir, Project) {
        let dir = tempfile::tempdir().unwrap();
        prodlint_core::write_tree(dir.path(), files).unwrap();
        let root = prodlint_core::normalize(Path::new("/"), dir.path());
        let project = Project::new(root);
        (dir, project)
    }

    fn scripts_of(project: &Project) -> Vec<String> {
        let index = project.index::<DevScripts>(&project.cwd);
        index
            .scripts
            .iter()
            .map(|p| {
                p.strip_prefix(&project.cwd)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect()
    }

    #[test]
    fn scripts_by_package_json_and_by_folder_unless_the_application_imports_them() {
        let manifest = r#"{
            "main": "dist/index.js",
            "bin": { "tool": "src/cli.ts" },
            "scripts": {
                "backfill": "dotenv -e .env -- tsx ./src/tasks/backfill.ts",
                "dev": "tsx src/main.ts",
                "start": "node -r ./dist/scripts/preload.js dist/main.js",
                "worker": "tsx watch src/worker.ts",
                "cli": "tsx src/cli.ts"
            }
        }"#;
        let (_dir, project) = project(&[
            ("pkg/package.json", manifest),
            ("pkg/src/tasks/backfill.ts", "import { db } from '../db';\n"),
            ("pkg/src/db.ts", "export const db = 1;\n"),
            (
                "pkg/src/main.ts",
                "import { theme } from './scripts/theme';\n",
            ),
            ("pkg/src/worker.ts", "export {};\n"),
            // Preloaded into the application by `start` (from its build output).
            ("pkg/src/scripts/preload.ts", "export {};\n"),
            ("pkg/src/cli.ts", "export {};\n"),
            // Imported by the application: application code.
            ("pkg/src/scripts/theme.ts", "export const theme = 1;\n"),
            // Imported only by a script beside it: a script.
            ("pkg/src/scripts/helpers.ts", "export const h = 1;\n"),
            (
                "pkg/src/scripts/expiry.ts",
                "import { h } from './helpers';\nimport type { T } from './types';\n",
            ),
            // Imported by the application for its type only: erased at run time.
            ("pkg/src/scripts/types.ts", "export type T = number;\n"),
            (
                "pkg/src/page.ts",
                "import type { T } from './scripts/types';\n",
            ),
            // Imported by a helper that the application imports.
            ("pkg/src/scripts/shared.ts", "export const s = 1;\n"),
            (
                "pkg/src/scripts/loaded.ts",
                "export { s } from './shared';\n",
            ),
            (
                "pkg/src/app.ts",
                "const m = await import('./scripts/loaded');\n",
            ),
            // An import nothing resolves that names the file keeps it application code.
            ("pkg/src/scripts/aliased.ts", "export const a = 1;\n"),
            (
                "pkg/src/other.ts",
                "import { a } from '~unknown/aliased';\n",
            ),
            // Tests of a script do not make it application code, nor does build tooling
            // (the package's own `scripts/` folder).
            ("pkg/src/scripts/purge.ts", "export const purge = 1;\n"),
            (
                "pkg/src/scripts/purge.test.ts",
                "import { purge } from './purge';\n",
            ),
            (
                "pkg/src/check.ts",
                "import 'vitest';\nimport './scripts/purge';\n",
            ),
            ("pkg/scripts/release.ts", "import '../src/scripts/purge';\n"),
            // Loaded by pages, not imported: served files, a component's markup, the
            // bundler's HTML entry.
            ("pkg/public/scripts/widget.js", "export {};\n"),
            ("pkg/src/scripts/toggle.ts", "export {};\n"),
            (
                "pkg/src/Layout.astro",
                "---\nconst a = 1;\n---\n<script src=\"./scripts/toggle.ts\"></script>\n",
            ),
            ("pkg/src/scripts/boot.ts", "export {};\n"),
            (
                "pkg/index.html",
                "<script type=\"module\" src=\"/src/scripts/boot.ts\"></script>\n",
            ),
        ]);
        assert_eq!(
            scripts_of(&project),
            [
                "pkg/src/scripts/expiry.ts",
                "pkg/src/scripts/helpers.ts",
                "pkg/src/scripts/purge.ts",
                "pkg/src/scripts/types.ts",
                "pkg/src/tasks/backfill.ts",
            ]
        );
        let path = |p: &str| project.cwd.join(p);
        assert!(is_dev_script(&project, &path("pkg/src/tasks/backfill.ts")));
        assert!(is_dev_script(&project, &path("pkg/src/scripts/helpers.ts")));
        for application in [
            "pkg/src/main.ts",
            "pkg/src/worker.ts",
            "pkg/src/scripts/preload.ts",
            "pkg/src/cli.ts",
            "pkg/src/db.ts",
            "pkg/src/scripts/theme.ts",
            "pkg/src/scripts/shared.ts",
            "pkg/src/scripts/loaded.ts",
            "pkg/src/scripts/aliased.ts",
            "pkg/public/scripts/widget.js",
            "pkg/src/scripts/toggle.ts",
            "pkg/src/scripts/boot.ts",
        ] {
            assert!(
                !is_dev_script(&project, &path(application)),
                "{application}"
            );
        }
    }
}
