//! Which runtime loads a package's code: Node, or a bundler. The two pick different files
//! of a dependency (a bundler prefers the `module` field and the `module`/`browser`
//! conditions, Node takes `main` and `node`) and give different answers for the same
//! import, so an ES import is checked in the view of the runtime that will run it, and in
//! both when that cannot be told.
//!
//! Told per package (the nearest package.json): a bundler's config file beside it, or a
//! bundler among its dependencies, makes it bundled; a `bin` field or a `start`/`dev`/
//! `serve` script that runs `node`, `ts-node`, `tsx`, `nodemon` or `nest` makes it a Node
//! program. A framework that renders on the server too (Next, Nuxt, Astro, SvelteKit,
//! Remix, Gatsby) bundles the same code once for the browser and once with Node's
//! conditions, so it is undecided, like anything else, or both signs at once.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use prodlint_core::{Project, ProjectIndex};

/// The runtime a package's code is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Runtime {
    Node,
    Bundler,
    Undecided,
}

/// Not `vitest.config`: Vitest loads dependencies with Node (it externalizes
/// `node_modules`), so a package tested with it is no bundled app.
const BUNDLER_CONFIGS: &[&str] = &[
    "vite.config",
    "webpack.config",
    "rollup.config",
    "rspack.config",
    "rsbuild.config",
    "quasar.config",
    "vue.config",
];
/// Frameworks whose code is bundled for the browser and for a server.
const SERVER_RENDERING_CONFIGS: &[&str] = &[
    "next.config",
    "nuxt.config",
    "astro.config",
    "svelte.config",
    "remix.config",
    "gatsby-config",
];
const SERVER_RENDERING_DEPENDENCIES: &[&str] = &[
    "next",
    "nuxt",
    "astro",
    "@sveltejs/kit",
    "@remix-run/dev",
    "gatsby",
];
const CONFIG_EXTENSIONS: &[&str] = &["js", "mjs", "cjs", "ts", "mts", "cts"];
const BUNDLER_DEPENDENCIES: &[&str] = &[
    "vite",
    "webpack",
    "rollup",
    "@rspack/core",
    "@rsbuild/core",
    "parcel",
    "@angular/build",
    "@angular-devkit/build-angular",
    "react-scripts",
    "@vue/cli-service",
];
const NODE_COMMANDS: &[&str] = &["node", "ts-node", "tsx", "nodemon", "nest"];

fn read_manifest(project: &Project, dir: &Path) -> Option<serde_json::Value> {
    project
        .read(&dir.join("package.json"))
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
}

/// Whether the manifest lists one of `names` in `dependencies` or `devDependencies`.
fn depends_on_any(manifest: &serde_json::Value, names: &[&str]) -> bool {
    ["dependencies", "devDependencies"].iter().any(|field| {
        manifest
            .get(*field)
            .and_then(|d| d.as_object())
            .is_some_and(|deps| names.iter().any(|name| deps.contains_key(*name)))
    })
}

/// The runtime of one package directory (one that holds a package.json).
pub struct PackageRuntime(pub Runtime);

impl ProjectIndex for PackageRuntime {
    type Key = PathBuf;

    fn build(project: &Project, dir: &PathBuf) -> PackageRuntime {
        let manifest = read_manifest(project, dir);
        let has_config = |names: &[&str]| {
            names.iter().any(|name| {
                CONFIG_EXTENSIONS
                    .iter()
                    .any(|ext| project.read(&dir.join(format!("{name}.{ext}"))).is_ok())
            })
        };
        let depends_on = |names: &[&str]| {
            manifest
                .as_ref()
                .is_some_and(|manifest| depends_on_any(manifest, names))
        };
        if has_config(SERVER_RENDERING_CONFIGS) || depends_on(SERVER_RENDERING_DEPENDENCIES) {
            return PackageRuntime(Runtime::Undecided);
        }
        let bundled = has_config(BUNDLER_CONFIGS)
            || project.read(&dir.join("angular.json")).is_ok()
            || depends_on(BUNDLER_DEPENDENCIES);
        let Some(manifest) = &manifest else {
            return PackageRuntime(match bundled {
                true => Runtime::Bundler,
                false => Runtime::Undecided,
            });
        };
        let scripts = manifest.get("scripts").and_then(|s| s.as_object());
        let runs_node = manifest.get("bin").is_some()
            || ["start", "dev", "serve"].iter().any(|name| {
                scripts
                    .and_then(|s| s.get(*name))
                    .and_then(|s| s.as_str())
                    .and_then(|command| command.split_whitespace().next())
                    .is_some_and(|program| NODE_COMMANDS.contains(&program))
            });
        PackageRuntime(match (bundled, runs_node) {
            (true, false) => Runtime::Bundler,
            (false, true) => Runtime::Node,
            _ => Runtime::Undecided,
        })
    }
}

/// The runtime of the package that holds `file` (outside node_modules).
pub fn runtime_of(project: &Project, file: &Path) -> Runtime {
    match own_manifest(project, file) {
        Some(manifest) => project.index::<PackageRuntime>(&manifest.dir).0,
        None => Runtime::Undecided,
    }
}

/// A package.json: where it is, its text, and whether it says `"type": "module"`.
pub struct Manifest {
    pub dir: PathBuf,
    pub text: Arc<str>,
    pub is_module: bool,
}

/// The nearest package.json in a directory or above it, read once per directory and run:
/// every import of every file asks for the package it is in (its runtime, its module type),
/// and the answer is shared by all the files of a directory.
pub struct NearestManifest(pub Option<Arc<Manifest>>);

impl ProjectIndex for NearestManifest {
    /// An absolute, normalized directory.
    type Key = PathBuf;

    fn build(project: &Project, dir: &PathBuf) -> NearestManifest {
        if let Ok(text) = project.read(&dir.join("package.json")) {
            let is_module = serde_json::from_str::<serde_json::Value>(&text)
                .ok()
                .and_then(|json| {
                    json.get("type")
                        .and_then(|t| t.as_str())
                        .map(|t| t == "module")
                })
                .unwrap_or(false);
            return NearestManifest(Some(Arc::new(Manifest {
                dir: dir.clone(),
                text,
                is_module,
            })));
        }
        match dir.parent() {
            Some(parent) => NearestManifest(
                project
                    .index::<NearestManifest>(&parent.to_path_buf())
                    .0
                    .clone(),
            ),
            None => NearestManifest(None),
        }
    }
}

/// The nearest package.json above `file`, whichever package it is (one under
/// `node_modules` included).
pub fn nearest_manifest(project: &Project, file: &Path) -> Option<Arc<Manifest>> {
    let dir = file.parent()?;
    project
        .index::<NearestManifest>(&dir.to_path_buf())
        .0
        .clone()
}

/// The nearest package.json above `file` if no `node_modules` directory lies between
/// them: the manifest of the project package that holds `file`.
pub fn own_manifest(project: &Project, file: &Path) -> Option<Arc<Manifest>> {
    let manifest = nearest_manifest(project, file)?;
    let crosses_node_modules = file
        .ancestors()
        .skip(1)
        .take_while(|dir| dir.starts_with(&manifest.dir))
        .any(|dir| dir.file_name().is_some_and(|n| n == "node_modules"));
    (!crosses_node_modules).then_some(manifest)
}

/// Web-server and application frameworks: a package that depends on one serves or renders
/// for others, even when it also has a `bin`.
const SERVER_DEPENDENCIES: &[&str] = &[
    "express",
    "fastify",
    "koa",
    "hono",
    "@hapi/hapi",
    "@nestjs/core",
    "next",
    "nuxt",
    "@sveltejs/kit",
    "@remix-run/node",
    "astro",
    "socket.io",
    "ws",
    "electron",
];

/// Whether one package directory is a command-line program: its package.json has a `bin`
/// and no web-server or application framework among its dependencies.
pub struct CommandLineProgram(pub bool);

impl ProjectIndex for CommandLineProgram {
    type Key = PathBuf;

    fn build(project: &Project, dir: &PathBuf) -> CommandLineProgram {
        CommandLineProgram(read_manifest(project, dir).is_some_and(|manifest| {
            manifest.get("bin").is_some() && !depends_on_any(&manifest, SERVER_DEPENDENCIES)
        }))
    }
}

/// Whether `file` belongs to a command-line program (see [`CommandLineProgram`]), which
/// runs on its user's own machine: a local address there is the user's own service.
pub fn in_command_line_program(project: &Project, file: &Path) -> bool {
    file.ancestors()
        .skip(1)
        .take_while(|dir| dir.file_name().is_none_or(|n| n != "node_modules"))
        .take_while(|dir| dir.starts_with(&project.cwd))
        .find(|dir| project.exists(&dir.join("package.json")))
        .is_some_and(|dir| project.index::<CommandLineProgram>(&dir.to_path_buf()).0)
}

/// Whether the nearest package.json of `file` says `"type": "module"`: Node then loads a
/// `.js` file as an ES module, whatever its syntax.
pub fn in_module_package(project: &Project, file: &Path) -> bool {
    nearest_manifest(project, file).is_some_and(|manifest| manifest.is_module)
}

/// Dependencies that make tsconfig `paths` work at run time: a loader hook that reads
/// them (`tsconfig-paths`, `tsx`, `@swc-node/register`), a build step that rewrites them
/// (`tsc-alias`, `typescript-transform-paths`, Nest's CLI), or an alias table of its own
/// (`module-alias`).
const PATHS_AT_RUN_TIME_DEPENDENCIES: &[&str] = &[
    "tsconfig-paths",
    "tsx",
    "@swc-node/register",
    "tsc-alias",
    "typescript-transform-paths",
    "@nestjs/cli",
    "module-alias",
];
const JEST_CONFIGS: &[&str] = &[
    "jest.config.js",
    "jest.config.ts",
    "jest.config.mjs",
    "jest.config.cjs",
    "jest.config.json",
];

/// Whether one package directory shows that its imports are mapped at run time the way
/// tsconfig `paths` maps them for the compiler.
struct PathsAtRunTime(bool);

impl ProjectIndex for PathsAtRunTime {
    type Key = PathBuf;

    fn build(project: &Project, dir: &PathBuf) -> PathsAtRunTime {
        let manifest = read_manifest(project, dir);
        let jest_maps = JEST_CONFIGS.iter().any(|name| {
            project
                .read(&dir.join(name))
                .is_ok_and(|text| text.contains("moduleNameMapper"))
        });
        let Some(manifest) = manifest else {
            return PathsAtRunTime(jest_maps);
        };
        let depends = depends_on_any(&manifest, PATHS_AT_RUN_TIME_DEPENDENCIES);
        // `node -r tsconfig-paths/register`, `tsx watch src/main.ts`, `nest start`.
        let scripts_map = manifest
            .get("scripts")
            .and_then(|s| s.as_object())
            .is_some_and(|scripts| {
                scripts.values().filter_map(|s| s.as_str()).any(|command| {
                    command.contains("tsconfig-paths")
                        || command.contains("module-alias")
                        || command
                            .split_whitespace()
                            .any(|word| word == "tsx" || word == "nest")
                })
            });
        let own_maps = ["_moduleAliases", "imports"]
            .iter()
            .any(|field| manifest.get(*field).is_some())
            || manifest
                .get("jest")
                .is_some_and(|jest| jest.get("moduleNameMapper").is_some());
        PathsAtRunTime(jest_maps || depends || scripts_map || own_maps)
    }
}

/// Whether tsconfig `paths` (and `baseUrl`) decide what a bare import of `file` loads at
/// run time. Node alone ignores them: an import that resolves only through them does not
/// load. Bundlers and frameworks read them, so does anything told to (see
/// [`PATHS_AT_RUN_TIME_DEPENDENCIES`]); where the runtime is not told, or a package
/// between `file` and the working directory shows such a sign, they are taken to apply.
pub fn honours_tsconfig_paths(project: &Project, file: &Path) -> bool {
    if runtime_of(project, file) != Runtime::Node {
        return true;
    }
    file.ancestors()
        .skip(1)
        .take_while(|dir| dir.starts_with(&project.cwd) || project.cwd.starts_with(dir))
        .filter(|dir| project.exists(&dir.join("package.json")))
        .any(|dir| project.index::<PathsAtRunTime>(&dir.to_path_buf()).0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nearest_manifest_is_read_once_per_directory() {
        let cwd = std::env::temp_dir().join(format!("prodlint-manifest-{}", std::process::id()));
        let project = Project::new(cwd.clone());
        let set = |path: &str, text: &str| project.set_override(&cwd.join(path), Arc::from(text));
        set("package.json", r#"{ "type": "module" }"#);
        set("node_modules/dep/package.json", r#"{ "name": "dep" }"#);
        let file = cwd.join("src/deep/a.js");
        assert!(in_module_package(&project, &file));
        assert_eq!(nearest_manifest(&project, &file).unwrap().dir, cwd);
        // Every directory on the way up is answered by the same reading: a later change of
        // the text (the run does not see edits it did not start with) changes nothing.
        assert!(project.is_built::<NearestManifest>(&cwd.join("src")));
        set("package.json", r#"{ "type": "commonjs" }"#);
        assert!(in_module_package(&project, &cwd.join("src/b.js")));
        // A dependency's file: its own manifest, which is not the project's package.
        let dependency = cwd.join("node_modules/dep/lib/index.js");
        let manifest = nearest_manifest(&project, &dependency).unwrap();
        assert_eq!(manifest.dir, cwd.join("node_modules/dep"));
        assert!(!manifest.is_module);
        assert!(own_manifest(&project, &dependency).is_some());
        assert!(own_manifest(&project, &cwd.join("node_modules/loose.js")).is_none());
        assert_eq!(
            runtime_of(&project, &cwd.join("node_modules/loose.js")),
            Runtime::Undecided
        );
    }

    /// Whether `src/main.ts` of a Node server with these extra files honours `paths`.
    fn honours(files: &[(&str, &str)]) -> bool {
        honours_in(files, "src/main.ts")
    }

    fn honours_in(files: &[(&str, &str)], file: &str) -> bool {
        let dir = tempfile::tempdir().unwrap();
        let server = r#"{"scripts": {"start": "node dist/main.js"}}"#;
        for (name, text) in [("package.json", server), ("src/main.ts", "")]
            .iter()
            .chain(files)
        {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let cwd = dir.path().canonicalize().unwrap();
        let project = Project::new(cwd.clone());
        honours_tsconfig_paths(&project, &cwd.join(file))
    }

    #[test]
    fn node_alone_ignores_paths_and_each_sign_restores_them() {
        assert!(!honours(&[]));
        let signs = [
            r#"{"scripts": {"start": "node -r tsconfig-paths/register dist/main.js"}}"#,
            r#"{"scripts": {"start": "node dist/main.js"}, "devDependencies": {"tsc-alias": "1"}}"#,
            r#"{"scripts": {"start": "node dist/main.js", "dev": "tsx watch src/main.ts"}}"#,
            r##"{"scripts": {"start": "node dist/main.js"}, "imports": {"#app/*": "./dist/*"}}"##,
            r#"{"scripts": {"start": "node dist/main.js"}, "_moduleAliases": {"@app": "dist"}}"#,
            r#"{"scripts": {"start": "node dist/main.js"}, "jest": {"moduleNameMapper": {}}}"#,
        ];
        for manifest in signs {
            assert!(honours(&[("package.json", manifest)]), "{manifest}");
        }
        assert!(honours(&[(
            "jest.config.js",
            "module.exports = { moduleNameMapper: {} };"
        )]));
        // A sign in the workspace root above the server's own package.
        let server = (
            "server/package.json",
            r#"{"scripts": {"start": "node main.js"}}"#,
        );
        let root = (
            "package.json",
            r#"{"devDependencies": {"tsconfig-paths": "4"}}"#,
        );
        assert!(!honours_in(&[server], "server/src/main.ts"));
        assert!(honours_in(&[server, root], "server/src/main.ts"));
        // A bundled app reads `paths` whatever its dependencies.
        assert!(honours(&[(
            "package.json",
            r#"{"devDependencies": {"vite": "5"}}"#
        )]));
    }
}
