//! Module resolution the way the code is actually loaded: oxc_resolver with the conditions
//! of the importing file, one resolver per view, built once per project and sharing one
//! file-system cache. tsconfig `paths`, `baseUrl` and `extends` are found per file (the
//! nearest tsconfig.json, never one inside node_modules); symlinks (pnpm) are followed to
//! their real paths, so a package reached through two links is parsed once. A specifier
//! that does not resolve that way is tried with the aliases of the file's framework
//! ([`FrameworkAliases`]: a Nuxt app before `nuxt prepare`, Vite's `resolve.alias`).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use oxc_resolver::{
    AliasValue, EnforceExtension, FileMetadata, FileSystem, FileSystemOs, ResolveError,
    ResolveOptions, ResolverGeneric, TsconfigDiscovery,
};
use prodlint_core::{Project, ProjectIndex};

use crate::auto_imports::{alias_root, FrameworkAliases};

/// How a specifier is loaded. An ES import in a file that may be bundled or run by Node
/// is looked at both ways: the two can pick different files of a package.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum View {
    /// Node's ES loader: conditions `node`, `import`, `default`; the `main` field.
    NodeImport,
    /// A bundler building for the browser (Vite, webpack, esbuild; the client build of
    /// Next or Nuxt): conditions `import`, `module`, `browser`, `default`; the `browser`
    /// and `module` fields before `main`.
    BundlerImport,
    /// `require()`: conditions `node`, `require`, `default`; the `main` field.
    Require,
    /// TypeScript's declarations (`moduleResolution: bundler`): `types` first, `@types/*`.
    Types,
}

impl View {
    pub fn conditions(self) -> &'static [&'static str] {
        match self {
            View::NodeImport => &["node", "import"],
            View::BundlerImport => &["import", "module", "browser"],
            View::Require => &["node", "require"],
            View::Types => &["types", "import"],
        }
    }

    fn main_fields(self) -> &'static [&'static str] {
        match self {
            View::BundlerImport => &["browser", "module", "main"],
            _ => &["main"],
        }
    }
}

/// Where a specifier led.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// A file (its real path).
    File(PathBuf),
    /// `fs`, `node:path`: provided by the runtime.
    Builtin,
    /// Not found (a virtual module, a missing package, an alias only a bundler knows).
    NotFound,
}

/// The operating system's file system for the resolver, but reading only regular files,
/// without blocking: a FIFO named `package.json` or `tsconfig.json` would otherwise hang
/// the run. A tsconfig's `extends` (or `references`) is the repository's text too: a
/// config it names outside the project is absent, as a missing one is.
struct RegularFiles {
    /// The working directory of the run.
    cwd: PathBuf,
}

thread_local! {
    /// The first tsconfig read while resolving the current specifier: the one found above
    /// the importing file, which starts the chain of `extends`. What the chain names must
    /// stay where a `paths` target may (see [`within_project`]), judged from this config,
    /// which makes the verdict the same whichever file first loads the chain.
    static TSCONFIG_CHAIN_START: std::cell::RefCell<Option<PathBuf>> =
        const { std::cell::RefCell::new(None) };
}

/// Called where a lookup that may load a tsconfig begins.
fn start_tsconfig_chain() {
    TSCONFIG_CHAIN_START.with(|start| start.borrow_mut().take());
}

impl FileSystem for RegularFiles {
    fn new() -> Self {
        RegularFiles {
            cwd: std::env::current_dir().unwrap_or_default(),
        }
    }

    fn read(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        prodlint_core::read_regular(path)
    }

    // oxc_resolver reads tsconfig files (and only them) as text; package.json files go
    // through `read`.
    fn read_to_string(&self, path: &Path) -> std::io::Result<String> {
        let start = TSCONFIG_CHAIN_START.with(|start| {
            start
                .borrow_mut()
                .get_or_insert_with(|| path.to_path_buf())
                .clone()
        });
        if start != path {
            let contained = path
                .canonicalize()
                .is_ok_and(|real| within_project(&self.cwd, &start, &real, |file| file.is_file()));
            if !contained {
                return Err(std::io::ErrorKind::NotFound.into());
            }
        }
        prodlint_core::read_regular_to_string(path)
    }

    fn metadata(&self, path: &Path) -> std::io::Result<FileMetadata> {
        FileSystemOs::metadata(path)
    }

    fn symlink_metadata(&self, path: &Path) -> std::io::Result<FileMetadata> {
        FileSystemOs::symlink_metadata(path)
    }

    fn read_link(&self, path: &Path) -> Result<PathBuf, ResolveError> {
        FileSystemOs::read_link(path)
    }

    fn canonicalize(&self, path: &Path) -> std::io::Result<PathBuf> {
        FileSystemOs::canonicalize(path)
    }
}

type Resolver = ResolverGeneric<RegularFiles>;

/// Whether the file a bare specifier (`pkg`, `@scope/pkg/sub`) led to stays inside what
/// it may name: the package's directory under the `node_modules` it was found in (pnpm's
/// real paths included) or its `@types/` package; for what tsconfig `paths` and aliases
/// map (no `node_modules` on the way), the working directory, the importing file's
/// package or its git repository. A package's manifest is the repository's text: `"main": "../../../../etc/x.js"`
/// must not make prodlint read and show a file outside the project.
fn stays_inside(project: &Project, from: &Path, specifier: &str, target: &Path) -> bool {
    let Some((package, _)) = split_package(specifier) else {
        return false;
    };
    let components: Vec<&std::ffi::OsStr> = target.components().map(|c| c.as_os_str()).collect();
    // The last `node_modules` on the path is the one the package was found in.
    if let Some(at) = components.iter().rposition(|c| *c == "node_modules") {
        let named = &components[at + 1..];
        let types = format!(
            "@types/{}",
            package.trim_start_matches('@').replace('/', "__")
        );
        return [package, types.as_str()].iter().any(|package| {
            let parts: Vec<&str> = package.split('/').collect();
            named.len() > parts.len()
                && named
                    .iter()
                    .zip(&parts)
                    .all(|(component, part)| *component == std::ffi::OsStr::new(part))
        });
    }
    within_project(&project.cwd, from, target, |manifest| {
        project.exists(manifest)
    })
}

/// Whether `target` (a real path) lies in the working directory, the package of `from`
/// (the nearest directory above it with a package.json, as `has_file` tells) or its git
/// repository (a monorepo's sibling package, mapped by tsconfig `paths`).
fn within_project(
    cwd: &Path,
    from: &Path,
    target: &Path,
    has_file: impl Fn(&Path) -> bool,
) -> bool {
    let real = |dir: &Path| dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    if target.starts_with(real(cwd)) {
        return true;
    }
    let package = from
        .ancestors()
        .skip(1)
        .find(|dir| has_file(&dir.join("package.json")));
    let repository = from
        .ancestors()
        .skip(1)
        .find(|dir| std::fs::symlink_metadata(dir.join(".git")).is_ok());
    [package, repository]
        .into_iter()
        .flatten()
        .any(|root| target.starts_with(real(root)))
}

/// One resolver per view.
struct ViewResolvers {
    node_import: Resolver,
    bundler_import: Resolver,
    require: Resolver,
    types: Resolver,
}

impl ViewResolvers {
    fn new(base: &Resolver, tsconfig: bool, aliases: &[(String, String)]) -> ViewResolvers {
        let options = |view| {
            let mut options = options(view);
            if !tsconfig {
                options.tsconfig = None;
            }
            options.alias = aliases
                .iter()
                .map(|(key, target)| (key.clone(), vec![AliasValue::Path(target.clone())]))
                .collect();
            options
        };
        ViewResolvers {
            node_import: base.clone_with_options(options(View::NodeImport)),
            bundler_import: base.clone_with_options(options(View::BundlerImport)),
            require: base.clone_with_options(options(View::Require)),
            types: base.clone_with_options(options(View::Types)),
        }
    }

    fn resolve(
        &self,
        from: &Path,
        specifier: &str,
        view: View,
    ) -> Result<oxc_resolver::Resolution, ResolveError> {
        match view {
            View::NodeImport => self.node_import.resolve_file(from, specifier),
            View::BundlerImport => self.bundler_import.resolve_file(from, specifier),
            View::Require => self.require.resolve_file(from, specifier),
            View::Types => self.types.resolve_dts(from, specifier),
        }
    }
}

/// The resolvers of a run: built on first use, shared by every file and thread.
pub struct Resolvers {
    with_tsconfig: ViewResolvers,
    /// For files whose tsconfig cannot be loaded: a Nuxt app's `tsconfig.json` extends or
    /// references `.nuxt/tsconfig.*.json`, which exists only after `nuxt prepare`. The
    /// resolver then fails every specifier of every file under it, builtins included;
    /// TypeScript reports the missing file and goes on with the rest, and so does this.
    without_tsconfig: ViewResolvers,
    /// What the resolvers are cloned from (clones share its file-system cache).
    base: Resolver,
    /// Per app root, resolvers with the app's framework aliases, and the aliases they were
    /// made for (an edited config makes new ones).
    aliased: Mutex<HashMap<PathBuf, AliasedResolvers>>,
    /// Each specifier of each file resolved once per view: the module graph follows the
    /// same star exports of a package's entry for every name imported from it, and the
    /// threads of a run share what each resolved.
    resolved: dashmap::DashMap<(PathBuf, String, View), (Resolved, prodlint_core::Dependencies)>,
}

type AliasedResolvers = (Arc<FrameworkAliases>, Arc<ViewResolvers>);

fn options(view: View) -> ResolveOptions {
    let strings = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    ResolveOptions {
        tsconfig: Some(TsconfigDiscovery::Auto),
        condition_names: strings(view.conditions()),
        main_fields: strings(view.main_fields()),
        extensions: strings(&[
            ".mjs", ".js", ".mts", ".ts", ".jsx", ".tsx", ".cjs", ".cts", ".json",
        ]),
        // What TypeScript does for `./x.js` written in a `.ts` file.
        extension_alias: vec![
            (".js".into(), strings(&[".ts", ".tsx", ".js", ".jsx"])),
            (".mjs".into(), strings(&[".mts", ".mjs"])),
            (".cjs".into(), strings(&[".cts", ".cjs"])),
        ],
        // The object form of `browser` (`{"./node.js": "./browser.js"}`) replaces files.
        alias_fields: match view {
            View::BundlerImport => vec![vec!["browser".into()]],
            _ => Vec::new(),
        },
        enforce_extension: EnforceExtension::Disabled,
        builtin_modules: true,
        module_type: true,
        symlinks: true,
        node_path: false,
        ..ResolveOptions::default()
    }
}

impl ProjectIndex for Resolvers {
    type Key = ();
    // oxc_resolver reads package.json files and directories itself, and caches them.
    const READS_DISK_DIRECTLY: bool = true;

    fn build(project: &Project, _key: &()) -> Resolvers {
        // Clones share the base resolver's file-system cache.
        let files = RegularFiles {
            cwd: project.cwd.clone(),
        };
        let base = Resolver::new_with_file_system(files, options(View::NodeImport));
        Resolvers {
            with_tsconfig: ViewResolvers::new(&base, true, &[]),
            without_tsconfig: ViewResolvers::new(&base, false, &[]),
            base,
            aliased: Mutex::default(),
            resolved: dashmap::DashMap::new(),
        }
    }
}

impl Resolvers {
    /// Resolves `specifier` as written in the file `from` (an absolute path). The project
    /// gives the framework aliases of the file's app, for specifiers nothing else resolves.
    pub fn resolve(&self, project: &Project, from: &Path, specifier: &str, view: View) -> Resolved {
        // What an editor's unsaved buffer holds (a package.json being typed) may change
        // between two checks without the disk changing: such a project resolves afresh.
        if project.has_overrides() {
            return self.resolve_uncached(project, from, specifier, view);
        }
        let key = (from.to_path_buf(), specifier.to_string(), view);
        if let Some(known) = self.resolved.get(&key) {
            let (resolved, read) = &*known;
            project.replay(read);
            return resolved.clone();
        }
        // What resolving reads (manifests, the indexes of run-time loaders) is what every
        // file that gets this answer depends on.
        let recording = project.recording();
        let resolved = self.resolve_uncached(&recording, from, specifier, view);
        let read = recording.dependencies();
        project.replay(&read);
        self.resolved.insert(key, (resolved.clone(), read));
        resolved
    }

    fn resolve_uncached(
        &self,
        project: &Project,
        from: &Path,
        specifier: &str,
        view: View,
    ) -> Resolved {
        start_tsconfig_chain();
        // Node ignores tsconfig `paths` and `baseUrl`: unless something maps them at run
        // time, what a bare import loads there is what node_modules gives, or nothing.
        let tsconfig_applies = !matches!(view, View::NodeImport | View::Require)
            || specifier.starts_with(['.', '/'])
            || crate::runtime::honours_tsconfig_paths(project, from);
        let first = match tsconfig_applies {
            true => self.with_tsconfig.resolve(from, specifier, view),
            false => self.without_tsconfig.resolve(from, specifier, view),
        };
        let result = match first {
            Err(
                ResolveError::TsconfigNotFound(_)
                | ResolveError::TsconfigLoadFailed { .. }
                | ResolveError::TsconfigSelfReference(_)
                | ResolveError::TsconfigCircularExtend(_),
            ) => self.without_tsconfig.resolve(from, specifier, view),
            other => other,
        };
        // `baseUrl` makes every directory under it a bare specifier, but a package the
        // code depends on is loaded from node_modules by every runtime: a local folder
        // that happens to share its name (`src/utils/` beside a `utils` dependency) is not
        // what runs. An explicit `paths` entry for the name is honoured.
        let result = match result {
            Ok(resolution)
                if is_bare(specifier)
                    && !in_node_modules(resolution.path())
                    && depends_on(from, specifier)
                    && !self.paths_match(from, specifier) =>
            {
                self.without_tsconfig.resolve(from, specifier, view)
            }
            other => other,
        };
        // A tsconfig that loads (Nuxt's generated one once it exists) is authoritative:
        // aliases are tried only for what it did not resolve.
        let result = match result {
            Err(error) if !matches!(error, ResolveError::Builtin { .. }) => self
                .resolve_alias(project, from, specifier, view)
                .unwrap_or(Err(error)),
            other => other,
        };
        let bare = !specifier.starts_with(['.', '/']);
        match result {
            Ok(resolution) if resolution.query().is_none() => {
                let target = resolution.into_path_buf();
                if bare && !stays_inside(project, from, specifier, &target) {
                    return Resolved::NotFound;
                }
                // `import x from "../../../../home/user/.config/x.js"`: a relative path is
                // the repository's text too, and may only lead to what the project holds.
                if !bare
                    && !within_project(&project.cwd, from, &target, |manifest| {
                        project.exists(manifest)
                    })
                {
                    return Resolved::NotFound;
                }
                Resolved::File(target)
            }
            // `./x.svg?raw`: a loader decides what it exports.
            Ok(_) => Resolved::NotFound,
            Err(ResolveError::Builtin { .. }) => Resolved::Builtin,
            Err(_) => Resolved::NotFound,
        }
    }

    /// `specifier` through the framework aliases of `from`'s app; `None` when none applies.
    fn resolve_alias(
        &self,
        project: &Project,
        from: &Path,
        specifier: &str,
        view: View,
    ) -> Option<Result<oxc_resolver::Resolution, ResolveError>> {
        if specifier.starts_with(['.', '/']) {
            return None;
        }
        let root = alias_root(project, from)?;
        let aliases = project.index::<FrameworkAliases>(&root);
        if !aliases.matches(specifier) {
            return None;
        }
        let resolvers = {
            let mut aliased = self.aliased.lock().unwrap();
            match aliased.get(&root) {
                Some((made_for, resolvers)) if Arc::ptr_eq(made_for, &aliases) => {
                    Arc::clone(resolvers)
                }
                _ => {
                    // Without tsconfig: one that loads has already had its say, and one
                    // that does not would fail every specifier.
                    let resolvers =
                        Arc::new(ViewResolvers::new(&self.base, false, &aliases.entries));
                    aliased.insert(root, (Arc::clone(&aliases), Arc::clone(&resolvers)));
                    resolvers
                }
            }
        };
        Some(resolvers.resolve(from, specifier, view))
    }
}

/// A compile-time macro (`@lingui/macro`, `styled-components/macro`, `twin.macro`): the
/// specifiers babel-plugin-macros (and the SWC plugins that do its work) replace while
/// compiling, by its own test `/[./]macro(\.c?js)?$/`. Nothing is imported at run time, so
/// the module's exports say nothing about the import.
pub fn is_compile_time_macro(specifier: &str) -> bool {
    let stem = specifier
        .strip_suffix(".js")
        .or_else(|| specifier.strip_suffix(".cjs"))
        .unwrap_or(specifier);
    stem.strip_suffix("macro")
        .is_some_and(|rest| rest.ends_with(['.', '/']))
}

/// A package name, not a path, a subpath import (`#x`) or a URL-like scheme (`node:`).
fn is_bare(specifier: &str) -> bool {
    if specifier.contains(':') || specifier.starts_with(['.', '/', '#', '~']) {
        return false;
    }
    // `@scope/name`, not the `@/` alias.
    match specifier.strip_prefix('@') {
        Some(rest) => rest.contains('/') && !rest.starts_with('/'),
        None => true,
    }
}

fn in_node_modules(path: &Path) -> bool {
    path.components().any(|c| c.as_os_str() == "node_modules")
}

/// Whether the package of `specifier` is installed (`node_modules/<name>` in a directory
/// above `from`) or declared in the dependencies of a package.json above it.
fn depends_on(from: &Path, specifier: &str) -> bool {
    installed(from, specifier) || declared(from, specifier)
}

/// Whether a package.json above `from` lists the package of `specifier` among its
/// dependencies of any kind.
fn declared(from: &Path, specifier: &str) -> bool {
    let Some((package, _)) = split_package(specifier) else {
        return false;
    };
    const FIELDS: &[&str] = &[
        "dependencies",
        "devDependencies",
        "peerDependencies",
        "optionalDependencies",
    ];
    from.ancestors().skip(1).any(|dir| {
        let Ok(text) = std::fs::read_to_string(dir.join("package.json")) else {
            return false;
        };
        let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) else {
            return false;
        };
        FIELDS.iter().any(|field| {
            json.get(*field)
                .and_then(|d| d.as_object())
                .is_some_and(|deps| deps.contains_key(package))
        })
    })
}

impl Resolvers {
    /// Whether a `paths` entry of `from`'s tsconfig names `specifier` (exactly, or by a
    /// `prefix/*` pattern).
    fn paths_match(&self, from: &Path, specifier: &str) -> bool {
        let Ok(Some(tsconfig)) = self.with_tsconfig.node_import.find_tsconfig(from) else {
            return false;
        };
        tsconfig
            .compiler_options
            .paths
            .as_ref()
            .is_some_and(|paths| {
                paths.keys().any(|key| match key.strip_suffix('*') {
                    Some(prefix) => specifier.starts_with(prefix),
                    None => key == specifier,
                })
            })
    }

    /// Whether the nearest tsconfig.json of `file` (with its `extends`) compiles to
    /// CommonJS (`"module": "commonjs"`): its `import` statements become `require()` calls.
    pub fn compiles_to_commonjs(&self, file: &Path) -> bool {
        start_tsconfig_chain();
        let Ok(Some(tsconfig)) = self.with_tsconfig.node_import.find_tsconfig(file) else {
            return false;
        };
        tsconfig
            .compiler_options
            .module
            .as_deref()
            .is_some_and(|module| {
                matches!(
                    module.to_ascii_lowercase().as_str(),
                    "commonjs" | "umd" | "amd"
                )
            })
    }
}

/// How a package's package.json led to `target`: `exports["."].import`, `module`, `main`.
/// `None` for a relative import or when the route cannot be told.
pub fn describe_route(
    project: &Project,
    specifier: &str,
    target: &Path,
    view: View,
) -> Option<String> {
    if specifier.starts_with('.') || specifier.starts_with('/') {
        return None;
    }
    let (package, subpath) = split_package(specifier)?;
    // The package directory: the nearest ancestor of `target` with a package.json named
    // `package` (scoped names span two directories).
    let mut dir = target.parent();
    while let Some(candidate) = dir {
        let manifest = candidate.join("package.json");
        if let Ok(text) = project.read(&manifest) {
            if let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) {
                if json.get("name").and_then(|n| n.as_str()) == Some(package) {
                    let relative = target.strip_prefix(candidate).ok()?;
                    let relative = format!("./{}", relative.to_string_lossy().replace('\\', "/"));
                    return route_in_manifest(&json, &subpath, &relative, view);
                }
            }
        }
        dir = candidate.parent();
    }
    // Not a package's own file: a tsconfig `paths` entry (or `baseUrl`) led here.
    let in_node_modules = target.components().any(|c| c.as_os_str() == "node_modules");
    (!in_node_modules).then(|| "tsconfig `paths`".to_string())
}

fn split_package(specifier: &str) -> Option<(&str, String)> {
    let mut parts = specifier.splitn(3, '/');
    let first = parts.next()?;
    let (name_len, rest) = if first.starts_with('@') {
        let second = parts.next()?;
        (first.len() + 1 + second.len(), parts.next())
    } else {
        (first.len(), specifier.get(first.len() + 1..))
    };
    let subpath = match rest {
        Some(rest) if !rest.is_empty() => format!("./{rest}"),
        _ => ".".to_string(),
    };
    Some((&specifier[..name_len], subpath))
}

fn route_in_manifest(
    json: &serde_json::Value,
    subpath: &str,
    relative: &str,
    view: View,
) -> Option<String> {
    if let Some(exports) = json.get("exports") {
        let entry = match exports {
            serde_json::Value::Object(map) if map.keys().any(|k| k.starts_with('.')) => map
                .get(subpath)
                .map(|entry| (entry, format!("exports[\"{subpath}\"]"))),
            other if subpath == "." => Some((other, "exports".to_string())),
            _ => None,
        };
        let Some((entry, mut route)) = entry else {
            return Some(format!("a pattern of `exports` for \"{subpath}\""));
        };
        let mut value = entry;
        let mut conditions = Vec::new();
        while let serde_json::Value::Object(map) = value {
            let chosen = map
                .iter()
                .find(|(key, _)| *key == "default" || view.conditions().contains(&key.as_str()));
            let Some((key, next)) = chosen else { break };
            conditions.push(key.clone());
            value = next;
        }
        for condition in &conditions {
            route.push_str(&format!(".{condition}"));
        }
        let condition = match conditions.last() {
            Some(last) => format!(" (the `{last}` condition)"),
            None => String::new(),
        };
        return Some(format!("package.json `{route}`{condition}"));
    }
    if subpath != "." {
        return None;
    }
    for field in view.main_fields() {
        if let Some(value) = json.get(*field).and_then(|v| v.as_str()) {
            let value = value.trim_start_matches("./");
            if relative.trim_start_matches("./").starts_with(value) {
                return Some(format!("package.json `{field}`"));
            }
        }
    }
    None
}

/// An import that could not be resolved and so was not checked.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Unresolved {
    pub specifier: String,
    /// A bare specifier of a package that a package.json above the file declares and
    /// no `node_modules` above it holds: the dependencies are not installed (rather than
    /// a virtual module, an alias or an undeclared package).
    pub package_missing: bool,
}

/// The imports that could not be resolved, per file: silent in diagnostics (an unresolved
/// specifier is more often a virtual module or an alias than a defect), counted in the
/// summary ("N package imports not checked") and listed by `--verbose`. Kept per file so
/// that a file whose findings come from the cache brings its unresolved imports too.
#[derive(Default)]
pub struct UnresolvedSpecifiers {
    by_file: Mutex<BTreeMap<PathBuf, BTreeMap<u32, Unresolved>>>,
}

impl ProjectIndex for UnresolvedSpecifiers {
    type Key = ();

    fn build(_project: &Project, _key: &()) -> UnresolvedSpecifiers {
        UnresolvedSpecifiers::default()
    }
}

impl UnresolvedSpecifiers {
    /// Records the import at byte `offset` of `file` (checking a file again replaces
    /// what it recorded there).
    pub fn record(&self, file: &Path, offset: u32, specifier: &str) {
        let package_missing =
            is_bare(specifier) && !installed(file, specifier) && declared(file, specifier);
        self.by_file
            .lock()
            .unwrap()
            .entry(file.to_path_buf())
            .or_default()
            .insert(
                offset,
                Unresolved {
                    specifier: specifier.to_string(),
                    package_missing,
                },
            );
    }

    /// What `file` recorded, in source order.
    pub fn of_file(&self, file: &Path) -> Vec<(u32, Unresolved)> {
        self.by_file
            .lock()
            .unwrap()
            .get(file)
            .map(|map| map.iter().map(|(o, u)| (*o, u.clone())).collect())
            .unwrap_or_default()
    }

    /// Puts back what an earlier check of `file` recorded (its results came from a cache).
    pub fn restore(&self, file: &Path, unresolved: Vec<(u32, Unresolved)>) {
        if unresolved.is_empty() {
            return;
        }
        self.by_file
            .lock()
            .unwrap()
            .insert(file.to_path_buf(), unresolved.into_iter().collect());
    }

    /// `(specifier, imports)`, the most frequent first.
    pub fn counts(&self) -> Vec<(String, usize)> {
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for unresolved in self
            .by_file
            .lock()
            .unwrap()
            .values()
            .flat_map(|m| m.values())
        {
            *counts.entry(unresolved.specifier.clone()).or_default() += 1;
        }
        let mut counts: Vec<_> = counts.into_iter().collect();
        counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        counts
    }

    /// How many imports name a package that is not installed.
    pub fn missing_packages(&self) -> usize {
        self.by_file
            .lock()
            .unwrap()
            .values()
            .flat_map(|m| m.values())
            .filter(|u| u.package_missing)
            .count()
    }
}

/// Whether the package of a bare `specifier` is in a `node_modules` above `from`.
fn installed(from: &Path, specifier: &str) -> bool {
    let Some((package, _)) = split_package(specifier) else {
        return false;
    };
    from.ancestors()
        .skip(1)
        .any(|dir| dir.join("node_modules").join(package).exists())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compile_time_macros() {
        for m in [
            "@lingui/macro",
            "@lingui/react/macro",
            "twin.macro",
            "preval.macro.js",
            "./x.macro.cjs",
        ] {
            assert!(is_compile_time_macro(m), "{m}");
        }
        for not in ["macro", "my-macro", "@scope/macros", "./macro.ts"] {
            assert!(!is_compile_time_macro(not), "{not}");
        }
    }

    #[test]
    fn bare_specifiers() {
        for bare in ["utils", "lodash/fp", "@scope/pkg", "@scope/pkg/sub"] {
            assert!(is_bare(bare), "{bare}");
        }
        for not_bare in [
            "./a",
            "/abs",
            "#internal",
            "~/x",
            "@/x",
            "node:fs",
            "virtual:x",
        ] {
            assert!(!is_bare(not_bare), "{not_bare}");
        }
    }

    #[test]
    fn package_names_and_subpaths() {
        assert_eq!(split_package("a"), Some(("a", ".".into())));
        assert_eq!(split_package("a/b/c"), Some(("a", "./b/c".into())));
        assert_eq!(split_package("@s/a"), Some(("@s/a", ".".into())));
        assert_eq!(split_package("@s/a/b"), Some(("@s/a", "./b".into())));
    }

    #[test]
    fn a_specifier_is_resolved_once_and_each_user_depends_on_what_it_read() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        for (name, text) in [
            ("package.json", r#"{"scripts": {"start": "node src/a.js"}}"#),
            ("src/a.ts", "import { x } from 'pkg';\n"),
            ("node_modules/pkg/package.json", r#"{"main": "index.js"}"#),
            ("node_modules/pkg/index.js", "exports.x = 1;\n"),
        ] {
            let path = root.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let project = Project::new(root.clone());
        let resolvers = project.index::<Resolvers>(&());
        let from = root.join("src/a.ts");
        let first = project.recording();
        let second = project.recording();
        let resolved = resolvers.resolve(&first, &from, "pkg", View::NodeImport);
        assert_eq!(
            resolved,
            Resolved::File(root.join("node_modules/pkg/index.js"))
        );
        assert_eq!(
            resolvers.resolve(&second, &from, "pkg", View::NodeImport),
            resolved
        );
        assert_eq!(resolvers.resolved.len(), 1);
        // The second answer came from the first; its view still depends on the manifests
        // the first resolution read (which runtime loads `src/a.ts`).
        let read = first.dependencies().flatten();
        assert!(!read.is_empty());
        assert_eq!(second.dependencies().flatten(), read);
    }

    #[test]
    fn routes_through_exports_and_main() {
        let json: serde_json::Value = serde_json::from_str(
            r#"{"exports": {".": {"types": "./a.d.ts", "import": "./a.mjs", "require": "./a.cjs"}}}"#,
        )
        .unwrap();
        assert_eq!(
            route_in_manifest(&json, ".", "./a.mjs", View::NodeImport).unwrap(),
            "package.json `exports[\".\"].import` (the `import` condition)"
        );
        let json: serde_json::Value =
            serde_json::from_str(r#"{"main": "lib/index.js", "module": "es/index.js"}"#).unwrap();
        assert_eq!(
            route_in_manifest(&json, ".", "./es/index.js", View::BundlerImport).unwrap(),
            "package.json `module`"
        );
    }
}
