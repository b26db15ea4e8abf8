//! Framework auto-import scopes: which names a Nuxt app (or a Vite app with
//! unplugin-auto-import) makes available without an import, where each comes from, and
//! which definition the framework keeps when one name comes from several places.
//!
//! Matched against the sources of nuxt v3.21.11 and unimport (v6.0.1 read; nuxt 3.21.11
//! depends on ^6.4.0, and the parts used here, `scanDirExports` and `dedupeImports`, are
//! unchanged from 6.0 to 6.4 as far as the changelog shows):
//!
//! - **Client scope** (nuxt `packages/nuxt/src/imports/module.ts`): for every layer
//!   (the app first, then its layers) unless the layer sets `imports.scan: false`:
//!   `<srcDir>/composables`, `<srcDir>/utils`, with compatibility version 4 also
//!   `<rootDir>/shared/utils` and `<rootDir>/shared/types`, then the layer's
//!   `imports.dirs`; then directories modules add through `imports:dirs` (@pinia/nuxt's
//!   `stores`). Each directory is scanned by unimport's `scanDirExports`
//!   (`src/node/scan-dirs.ts`): a directory means its **top-level** files
//!   `*.{mts,cts,ts,tsx,mjs,cjs,js,jsx}` only (nested files, `index` files in
//!   subdirectories included, are not scanned since unimport PR #95), a glob means what
//!   it matches; files are ordered by the first directory that matches them, then by
//!   path. Each file contributes its exports: named and declared exports (type exports
//!   too), `export * as ns`, the exports of files reached through relative `export *`,
//!   and a default export named after the file (after its directory for `index`),
//!   camel-cased when the name holds `-`, `_` or `.`.
//! - **Precedence** (unimport `src/utils.ts` `dedupeImports`): presets come first (Nuxt's
//!   own composables, vue, modules' `imports:sources`), then the scanned files, then
//!   `imports:extend` additions. A later definition of a name replaces an earlier one
//!   unless its priority is lower; with equal priorities unimport prints `Duplicated
//!   imports "X", the one from "A" has been ignored and "B" is used`. Priorities: unset
//!   and 0 count as 1 (`priority || 1`); files of the app's own layer get 0 (so 1), files
//!   of the n-th extended layer -n (nuxt's `priorities` by layer srcDir); @vueuse/nuxt
//!   gives its imports -1, so an app composable replaces a VueUse one without a word.
//! - **Components** (nuxt `packages/nuxt/src/components/scan.ts`, `module.ts`): per layer
//!   `~/components/global` then `~/components`, every file `**/*.{js,jsx,mjs,ts,tsx,vue}`
//!   named by its path (`base/Button.vue` → `BaseButton`); within one directory the first
//!   file (by path) keeps a name and Nuxt warns `Two component files resolving to the
//!   same name`; across directories a higher layer priority replaces silently and an
//!   equal one warns and keeps the first.
//! - **Server scope** (nitropack 2.13 `src/config/resolvers/imports.ts`): `nitro.imports.dirs`
//!   then `<layer serverDir>/utils/**/*` of every layer, all at one priority: the later
//!   file wins, with unimport's warning. It is separate from the client scope.
//! - **unplugin-auto-import**: the `dirs` option in `vite.config.*`, scanned like unimport
//!   does, all at one priority.

mod aliases;
mod config;
mod presets;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use globset::{GlobBuilder, GlobMatcher};
use prodlint_core::{normalize, Project, ProjectIndex, SourceFile, Span};

use crate::ModuleFacts;
use config::Value;
use presets::{Preset, Stage, When};

pub use aliases::{alias_root, FrameworkAliases};
pub use presets::TABLE_SOURCE as PRESET_TABLE_SOURCE;

const NUXT_CONFIGS: &[&str] = &["nuxt.config.ts", "nuxt.config.js", "nuxt.config.mjs"];
const VITE_CONFIGS: &[&str] = &[
    "vite.config.ts",
    "vite.config.js",
    "vite.config.mjs",
    "vite.config.mts",
    "vite.config.cjs",
    "vite.config.cts",
];
/// unimport's FileExtensionLookup, in its order.
const SCAN_EXTENSIONS: &[&str] = &["mts", "cts", "ts", "tsx", "mjs", "cjs", "js", "jsx"];
/// nuxt's default `extensions`, the component file types.
const COMPONENT_EXTENSIONS: &[&str] = &["js", "jsx", "mjs", "ts", "tsx", "vue"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framework {
    Nuxt,
    UnpluginAutoImport,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScopeKind {
    /// Nuxt's client (Vue) scope: composables/, utils/, imports.dirs, presets.
    Client,
    /// Nuxt's component names.
    Components,
    /// Nitro's server scope: server/utils/, nitro.imports.dirs.
    Server,
    /// unplugin-auto-import's `dirs`.
    Unplugin,
}

impl ScopeKind {
    pub fn describe(self) -> &'static str {
        match self {
            ScopeKind::Client => "Nuxt's auto-imports",
            ScopeKind::Components => "Nuxt's component names",
            ScopeKind::Server => "Nitro's server auto-imports",
            ScopeKind::Unplugin => "unplugin-auto-import's auto-imports",
        }
    }

    /// The tool that resolves the clash, for messages.
    pub fn framework(self) -> &'static str {
        match self {
            ScopeKind::Client | ScopeKind::Components => "Nuxt",
            ScopeKind::Server => "Nitro",
            ScopeKind::Unplugin => "unplugin-auto-import",
        }
    }
}

/// Where one definition of an auto-imported name comes from.
#[derive(Debug, Clone)]
pub enum Origin {
    File {
        file: Arc<SourceFile>,
        /// The export (or, for a component, the start of the file).
        span: Span,
        /// The `export *` that brought a nested file's export into the scope.
        via: Option<(Arc<SourceFile>, Span)>,
        /// 0 for the app itself, n for its n-th layer.
        layer: usize,
    },
    Preset {
        /// The specifier the name is imported from (`@vueuse/core`, `#app/composables/fetch`).
        from: String,
        /// What adds it: `nuxt`, `nuxt-pages` or a module (`@vueuse/nuxt`).
        added_by: String,
        /// Where prodlint read the list: an installed package or its table.
        source: String,
    },
}

#[derive(Debug, Clone)]
pub struct Definition {
    pub origin: Origin,
    /// The priority the framework compares (unimport's `priority || 1`; a component
    /// directory's priority).
    pub priority: i32,
}

impl Definition {
    pub fn path(&self) -> Option<&Path> {
        match &self.origin {
            Origin::File { file, .. } => Some(&file.path),
            Origin::Preset { .. } => None,
        }
    }
}

/// One name with more than one definition in a scope.
#[derive(Debug, Clone)]
pub struct Clash {
    pub name: String,
    /// Every definition, in the order the framework sees them.
    pub definitions: Vec<Definition>,
    /// The definition the framework keeps.
    pub kept: usize,
    /// Whether the framework prints a warning for this clash (two definitions met with
    /// equal priority).
    pub warned: bool,
}

#[derive(Debug, Clone)]
pub struct Scope {
    pub kind: ScopeKind,
    pub clashes: Vec<Clash>,
}

/// The auto-import scopes of one app, keyed by its root directory (where nuxt.config or
/// vite.config is): built once per run however many of its files are checked.
pub struct AutoImports {
    pub root: PathBuf,
    pub framework: Option<Framework>,
    pub scopes: Vec<Scope>,
    /// What could not be read statically, with the default used instead.
    pub notes: Vec<String>,
    by_file: HashMap<PathBuf, Vec<(usize, usize, usize)>>,
}

/// One definition that a file contributes to a clash.
pub struct FileClash<'a> {
    pub scope: ScopeKind,
    pub clash: &'a Clash,
    /// The index of the file's definition in `clash.definitions`.
    pub definition: usize,
}

impl AutoImports {
    /// The clashes that `path` (absolute, normalized) takes part in.
    pub fn clashes_of(&self, path: &Path) -> Vec<FileClash<'_>> {
        self.by_file
            .get(path)
            .map(|entries| {
                entries
                    .iter()
                    .map(|&(scope, clash, definition)| FileClash {
                        scope: self.scopes[scope].kind,
                        clash: &self.scopes[scope].clashes[clash],
                        definition,
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// The app roots a file may belong to, outermost first: every directory above it with a
/// nuxt.config (a layer has its own, inside the app that extends it) or a vite.config.
pub fn app_roots(project: &Project, file: &Path) -> Vec<PathBuf> {
    let file = normalize(&project.cwd, file);
    let mut roots: Vec<PathBuf> = file
        .ancestors()
        .skip(1)
        .filter(|dir| {
            dir.file_name().is_none_or(|n| n != "node_modules")
                && project.index::<HasAppConfig>(&dir.to_path_buf()).0
        })
        .map(Path::to_path_buf)
        .collect();
    roots.reverse();
    roots
}

/// Whether a directory holds a Nuxt or Vite config: asked once per directory per run,
/// however many files below it are checked.
struct HasAppConfig(bool);

impl ProjectIndex for HasAppConfig {
    type Key = PathBuf;

    fn build(project: &Project, dir: &PathBuf) -> HasAppConfig {
        HasAppConfig(
            NUXT_CONFIGS
                .iter()
                .chain(VITE_CONFIGS)
                .any(|c| project.exists(&dir.join(c))),
        )
    }
}

impl ProjectIndex for AutoImports {
    type Key = PathBuf;

    fn build(project: &Project, root: &PathBuf) -> AutoImports {
        let mut builder = Builder {
            project,
            notes: Vec::new(),
        };
        let (framework, scopes) = if let Some(config) = find_config(project, root, NUXT_CONFIGS) {
            (Some(Framework::Nuxt), builder.nuxt(root, &config))
        } else if let Some(config) = find_config(project, root, VITE_CONFIGS) {
            let scopes = builder.unplugin(root, &config);
            let framework = (!scopes.is_empty()).then_some(Framework::UnpluginAutoImport);
            (framework, scopes)
        } else {
            (None, Vec::new())
        };
        let mut by_file: HashMap<PathBuf, Vec<(usize, usize, usize)>> = HashMap::new();
        for (s, scope) in scopes.iter().enumerate() {
            for (c, clash) in scope.clashes.iter().enumerate() {
                for (d, definition) in clash.definitions.iter().enumerate() {
                    if let Some(path) = definition.path() {
                        by_file
                            .entry(path.to_path_buf())
                            .or_default()
                            .push((s, c, d));
                    }
                }
            }
        }
        AutoImports {
            root: root.clone(),
            framework,
            scopes,
            notes: builder.notes,
            by_file,
        }
    }
}

fn find_config(project: &Project, root: &Path, names: &[&str]) -> Option<PathBuf> {
    names
        .iter()
        .map(|n| root.join(n))
        .find(|p| project.exists(p))
}

/// A layer of a Nuxt app: the app itself (index 0), then the layers it extends.
struct Layer {
    root: PathBuf,
    src: PathBuf,
    server: PathBuf,
    config: Value,
    v4: bool,
}

/// A candidate definition before precedence is applied.
struct Candidate {
    name: String,
    /// Same `from` means the same import for unimport (the file, or the preset specifier).
    from: String,
    type_only: bool,
    definition: Definition,
}

struct Builder<'a> {
    project: &'a Project,
    notes: Vec<String>,
}

impl Builder<'_> {
    fn note(&mut self, note: String) {
        if !self.notes.contains(&note) {
            self.notes.push(note);
        }
    }

    /// The statically read config object of a config file; `Value::Unknown` when it
    /// cannot be read.
    fn read_config(&mut self, path: &Path) -> Value {
        let facts_text = self.project.read(path);
        let Ok(text) = facts_text else {
            return Value::Unknown;
        };
        match crate::parse(&path.to_string_lossy(), &text) {
            Ok(parsed) => config::exported_config(&parsed.program).unwrap_or_else(|| {
                self.note(format!(
                    "{}: the exported configuration is not a literal object; defaults assumed",
                    path.display()
                ));
                Value::Unknown
            }),
            Err(_) => Value::Unknown,
        }
    }

    /// `~/x`, `@/x` → srcDir; `~~/x`, `@@/x` → rootDir; relative → `base`.
    fn resolve_alias(layer: &Layer, base: &Path, path: &str) -> PathBuf {
        let resolved = if let Some(rest) = path.strip_prefix("~~/").or(path.strip_prefix("@@/")) {
            layer.root.join(rest)
        } else if let Some(rest) = path.strip_prefix("~/").or(path.strip_prefix("@/")) {
            layer.src.join(rest)
        } else if matches!(path, "~" | "@") {
            layer.src.clone()
        } else if matches!(path, "~~" | "@@") {
            layer.root.clone()
        } else {
            base.join(path)
        };
        normalize(base, &resolved)
    }

    fn layer(&mut self, root: &Path, parent_v4: bool) -> Layer {
        let config = find_config(self.project, root, NUXT_CONFIGS)
            .map(|p| self.read_config(&p))
            .unwrap_or(Value::Object(Vec::new()));
        let v4 = match config.get_path(&["future", "compatibilityVersion"]) {
            Some(Value::Num(n)) => *n >= 4.0,
            _ => parent_v4,
        };
        let src = match config.get("srcDir").and_then(Value::as_str) {
            Some(dir) => normalize(root, Path::new(dir)),
            // nuxt schema `srcDir`: `app/` with compatibility version 4 when it exists.
            None if v4 && self.project.is_dir(&root.join("app")) => root.join("app"),
            None => root.to_path_buf(),
        };
        // nuxt schema `serverDir`: `<srcDir>/server`, `<rootDir>/server` with version 4.
        let server = match config.get("serverDir").and_then(Value::as_str) {
            Some(dir) => normalize(root, Path::new(dir)),
            None if v4 => root.join("server"),
            None => src.join("server"),
        };
        Layer {
            root: root.to_path_buf(),
            src,
            server,
            config,
            v4,
        }
    }

    /// The app and its local layers in nuxt's `_layers` order: the app, the auto-scanned
    /// `layers/*` (reverse alphabetical, nuxt `packages/kit/src/loader/config.ts`), then
    /// `extends`, each followed by the layers it extends.
    fn layers(&mut self, root: &Path) -> Vec<Layer> {
        let v4 = self.nuxt_major_is_4(root);
        let mut out = Vec::new();
        self.collect_layers(root, v4, &mut out, 0);
        out
    }

    fn collect_layers(&mut self, root: &Path, v4: bool, out: &mut Vec<Layer>, depth: usize) {
        if depth > 8 || out.iter().any(|l| l.root == root) {
            return;
        }
        let layer = self.layer(root, v4);
        let v4 = layer.v4;
        let mut extends: Vec<PathBuf> = Vec::new();
        if depth == 0 {
            let mut scanned: Vec<PathBuf> = self
                .project
                .read_dir(&root.join("layers"))
                .map(|entries| {
                    entries
                        .into_iter()
                        .filter(|(_, is_dir)| *is_dir)
                        .map(|(path, _)| path)
                        .collect()
                })
                .unwrap_or_default();
            scanned.sort_by(|a, b| b.cmp(a));
            extends.extend(scanned);
        }
        match layer.config.get("extends") {
            None => {}
            Some(value) => {
                let entries: Vec<Value> = match value {
                    Value::Array(items) => items.clone(),
                    other => vec![other.clone()],
                };
                for entry in entries {
                    // `['./base', { options }]` is a layer with options.
                    let entry = match &entry {
                        Value::Array(pair) => pair.first().cloned().unwrap_or(Value::Unknown),
                        other => other.clone(),
                    };
                    match entry.as_str() {
                        Some(path)
                            if path.starts_with('.')
                                || path.starts_with('/')
                                || path.starts_with('~')
                                || path.starts_with('@') && path.chars().nth(1) == Some('/') =>
                        {
                            let dir = Self::resolve_alias(&layer, root, path);
                            if self.project.is_dir(&dir) {
                                extends.push(dir);
                            } else {
                                self.note(format!("layer `{path}` not found"));
                            }
                        }
                        Some(other) => self.note(format!(
                            "layer `{other}` is not a local directory: its auto-imports are not known"
                        )),
                        None => self.note(
                            "an `extends` entry is not a literal string: that layer is not known"
                                .to_string(),
                        ),
                    }
                }
            }
        }
        out.push(layer);
        for dir in extends {
            self.collect_layers(&dir, v4, out, depth + 1);
        }
    }

    /// Nuxt 4 (from the installed package or the dependency in package.json) behaves like
    /// Nuxt 3 with `future.compatibilityVersion: 4`.
    fn nuxt_major_is_4(&self, root: &Path) -> bool {
        if let Some(version) = presets::installed_version(self.project, root, "nuxt") {
            return version
                .split('.')
                .next()
                .and_then(|m| m.parse::<u32>().ok())
                >= Some(4);
        }
        let Ok(text) = self.project.read(&root.join("package.json")) else {
            return false;
        };
        let Some(at) = text.find("\"nuxt\"") else {
            return false;
        };
        let rest = text[at + 6..].trim_start().strip_prefix(':').unwrap_or("");
        let rest = rest.trim_start().trim_start_matches('"');
        let digits = rest.trim_start_matches(['^', '~', '>', '=', ' ']);
        digits.split('.').next().and_then(|m| m.parse::<u32>().ok()) >= Some(4)
    }

    fn modules(layers: &[Layer]) -> Vec<String> {
        let mut out = Vec::new();
        for layer in layers {
            if let Some(Value::Array(items)) = layer.config.get("modules") {
                for item in items {
                    let name = match item {
                        Value::Str(s) => Some(s.clone()),
                        Value::Array(pair) => {
                            pair.first().and_then(Value::as_str).map(String::from)
                        }
                        _ => None,
                    };
                    if let Some(name) = name {
                        if !out.contains(&name) {
                            out.push(name);
                        }
                    }
                }
            }
        }
        out
    }

    fn nuxt(&mut self, root: &Path, _config: &Path) -> Vec<Scope> {
        let layers = self.layers(root);
        vec![
            self.client_scope(root, &layers),
            self.components_scope(&layers),
            self.server_scope(&layers),
        ]
    }

    fn client_scope(&mut self, root: &Path, layers: &[Layer]) -> Scope {
        let modules = Self::modules(layers);
        let app = &layers[0];
        let mut dirs: Vec<PathBuf> = Vec::new();
        for layer in layers {
            if layer.config.get_path(&["imports", "scan"]) == Some(&Value::Bool(false)) {
                continue;
            }
            dirs.push(layer.src.join("composables"));
            dirs.push(layer.src.join("utils"));
            if layer.v4 {
                dirs.push(layer.root.join("shared/utils"));
                dirs.push(layer.root.join("shared/types"));
            }
            match layer.config.get_path(&["imports", "dirs"]) {
                None => {}
                Some(value) => match value.string_list() {
                    Some(list) => {
                        dirs.extend(list.iter().map(|d| Self::resolve_alias(layer, &layer.src, d)))
                    }
                    None => self.note(format!(
                        "{}: `imports.dirs` is not a literal list: only the default directories are scanned",
                        layer.root.display()
                    )),
                },
            }
        }
        // @pinia/nuxt 0.5.5 (packages/nuxt/src/module.ts): `addImportsDir` of each
        // `pinia.storesDirs` (resolved against rootDir), default `<srcDir>/stores`.
        if modules.iter().any(|m| m == "@pinia/nuxt") {
            match app.config.get_path(&["pinia", "storesDirs"]) {
                None => dirs.push(app.src.join("stores")),
                Some(value) => match value.string_list() {
                    Some(list) => {
                        dirs.extend(list.iter().map(|d| normalize(&app.root, Path::new(d))))
                    }
                    None => dirs.push(app.src.join("stores")),
                },
            }
        }
        // nuxt's `priorities`: a file takes the priority of the layer whose srcDir holds
        // it (the longest match), -index.
        let mut priorities: Vec<(PathBuf, usize)> = layers
            .iter()
            .enumerate()
            .map(|(i, l)| (l.src.clone(), i))
            .collect();
        priorities.sort_by_key(|(dir, _)| std::cmp::Reverse(dir.as_os_str().len()));
        let layer_of = |path: &Path| {
            priorities
                .iter()
                .find(|(dir, _)| path.starts_with(dir))
                .map(|&(_, i)| i)
        };

        let mut candidates: Vec<Candidate> = Vec::new();
        let mut extend: Vec<Candidate> = Vec::new();
        let pages = layers
            .iter()
            .any(|l| self.project.is_dir(&l.src.join("pages")))
            || app.config.get("pages") == Some(&Value::Bool(true));
        for preset in presets::table() {
            let active = match preset.when {
                When::Always => true,
                When::Pages => pages,
                When::Module => modules.contains(&preset.id) && self.module_enabled(app, &preset),
            };
            if !active {
                continue;
            }
            let preset = if preset.id == "@vueuse/nuxt" {
                presets::installed_vueuse(self.project, root, &preset).unwrap_or(preset)
            } else {
                preset
            };
            let target = match preset.stage {
                Stage::Sources => &mut candidates,
                Stage::Extend => &mut extend,
            };
            target.extend(preset_candidates(&preset));
        }
        for file in scan_files(&dirs, self.project) {
            let layer = layer_of(&file).unwrap_or(0);
            // `i.priority ||= -layer`, then `priority || 1` in dedupeImports.
            let priority = if layer == 0 { 1 } else { -(layer as i32) };
            candidates.extend(file_candidates(self.project, &file, layer, priority));
        }
        candidates.extend(extend);
        Scope {
            kind: ScopeKind::Client,
            clashes: unimport_clashes(candidates),
        }
    }

    /// A module's own switch: `vueuse: { autoImports: false }`.
    fn module_enabled(&self, app: &Layer, preset: &Preset) -> bool {
        match preset.id.as_str() {
            "@vueuse/nuxt" => {
                app.config.get_path(&["vueuse", "autoImports"]) != Some(&Value::Bool(false))
            }
            _ => true,
        }
    }

    fn server_scope(&mut self, layers: &[Layer]) -> Scope {
        let app = &layers[0];
        let mut dirs: Vec<PathBuf> = Vec::new();
        match app.config.get_path(&["nitro", "imports"]) {
            Some(Value::Bool(false)) => {
                return Scope {
                    kind: ScopeKind::Server,
                    clashes: Vec::new(),
                }
            }
            Some(imports) => match imports.get("dirs").map(Value::string_list) {
                None => {}
                Some(Some(list)) => {
                    dirs.extend(list.iter().map(|d| Self::resolve_alias(app, &app.root, d)))
                }
                Some(None) => self.note("`nitro.imports.dirs` is not a literal list".to_string()),
            },
            None => {}
        }
        dirs.extend(layers.iter().map(|l| l.server.join("utils/**/*")));
        let mut candidates = Vec::new();
        for file in scan_files(&dirs, self.project) {
            candidates.extend(file_candidates(self.project, &file, 0, 1));
        }
        Scope {
            kind: ScopeKind::Server,
            clashes: unimport_clashes(candidates),
        }
    }

    fn components_scope(&mut self, layers: &[Layer]) -> Scope {
        // Modules claim and ignore component directories through `components:dirs` (as
        // shadcn-nuxt does): with a config that is not a literal object its modules are
        // unknown, and the default directories would be a guess.
        if layers[0].config == Value::Unknown {
            self.note(
                "nuxt.config is not a literal object: component names are not checked".to_string(),
            );
            return Scope {
                kind: ScopeKind::Components,
                clashes: Vec::new(),
            };
        }
        let modules = Self::modules(layers);
        struct Dir {
            path: PathBuf,
            prefix: Option<String>,
            path_prefix: bool,
            priority: i32,
            layer: usize,
        }
        let count = layers.len() as i32;
        let mut dirs = Vec::new();
        for (i, layer) in layers.iter().enumerate() {
            let priority = count - i as i32;
            let default = |dirs: &mut Vec<Dir>| {
                for sub in ["components/global", "components"] {
                    dirs.push(Dir {
                        path: layer.src.join(sub),
                        prefix: None,
                        path_prefix: true,
                        priority,
                        layer: i,
                    });
                }
            };
            let entries = match layer.config.get("components") {
                None | Some(Value::Bool(true)) => {
                    default(&mut dirs);
                    continue;
                }
                Some(Value::Bool(false)) => continue,
                Some(Value::Array(items)) => Some(items.clone()),
                Some(object @ Value::Object(_)) => match object.get("dirs") {
                    Some(Value::Array(items)) => Some(items.clone()),
                    None => {
                        default(&mut dirs);
                        continue;
                    }
                    _ => None,
                },
                _ => None,
            };
            let Some(entries) = entries else {
                self.note(
                    "`components` is not literal: the default directories are assumed".to_string(),
                );
                default(&mut dirs);
                continue;
            };
            for entry in entries {
                let (path, prefix, path_prefix) = match &entry {
                    Value::Str(path) => (Some(path.clone()), None, true),
                    Value::Object(_) => (
                        entry.get("path").and_then(Value::as_str).map(String::from),
                        entry
                            .get("prefix")
                            .and_then(Value::as_str)
                            .map(String::from),
                        entry.get("pathPrefix") != Some(&Value::Bool(false)),
                    ),
                    _ => (None, None, true),
                };
                match path {
                    Some(path) => dirs.push(Dir {
                        path: Self::resolve_alias(layer, &layer.src, &path),
                        prefix,
                        path_prefix,
                        priority,
                        layer: i,
                    }),
                    None => {
                        self.note("a `components` directory is not literal: skipped".to_string())
                    }
                }
            }
        }

        struct Component {
            name: String,
            mode: &'static str,
            definition: Definition,
        }
        let mut components: Vec<Component> = Vec::new();
        // Every name's definitions, in scan order, and who is kept.
        let mut groups: Vec<(String, Vec<Definition>, usize, bool)> = Vec::new();
        let mut note_clash =
            |name: &str, existing: &Definition, new: Definition, new_wins: bool, warned: bool| {
                let group = match groups.iter_mut().position(|g| g.0 == name) {
                    Some(i) => &mut groups[i],
                    None => {
                        groups.push((name.to_string(), vec![existing.clone()], 0, false));
                        groups.last_mut().unwrap()
                    }
                };
                group.1.push(new);
                if new_wins {
                    group.2 = group.1.len() - 1;
                }
                group.3 |= warned;
            };
        let mut scanned: Vec<PathBuf> = Vec::new();
        // shadcn-nuxt (unovue/shadcn-vue packages/module/src/module.ts) unshifts its
        // `componentDir` (default `@/components/ui`) as a directory with no extensions and
        // registers the components of each `index.ts` itself: Nuxt scans nothing there.
        if modules.iter().any(|m| m == "shadcn-nuxt") {
            let app = &layers[0];
            let dir = app
                .config
                .get_path(&["shadcn", "componentDir"])
                .and_then(Value::as_str)
                .unwrap_or("@/components/ui");
            scanned.push(Self::resolve_alias(app, &app.root, dir));
        }
        let mut seen_files: Vec<PathBuf> = Vec::new();
        for dir in &dirs {
            let mut files = walk(self.project, &dir.path, usize::MAX);
            files.retain(|f| {
                let name = f.file_name().and_then(|n| n.to_str()).unwrap_or("");
                let ext = f.extension().and_then(|e| e.to_str()).unwrap_or("");
                COMPONENT_EXTENSIONS.contains(&ext)
                    && !crate::is_declaration_file(name)
                    && !is_mixin(name)
                    && !is_ignored(f)
            });
            files.sort();
            let mut resolved: HashMap<String, PathBuf> = HashMap::new();
            for file in files {
                if scanned.iter().any(|d| file.starts_with(d)) || seen_files.contains(&file) {
                    continue;
                }
                seen_files.push(file.clone());
                let Some((name, mode)) =
                    component_name(&dir.path, &file, dir.prefix.as_deref(), dir.path_prefix)
                else {
                    continue;
                };
                let suffix = if mode == "all" {
                    String::new()
                } else {
                    format!("-{mode}")
                };
                let definition = Definition {
                    origin: Origin::File {
                        file: self.facts_file(&file),
                        span: Span::new(0, 0),
                        via: None,
                        layer: dir.layer,
                    },
                    priority: dir.priority,
                };
                let earlier = resolved
                    .get(&format!("{name}{suffix}"))
                    .or_else(|| resolved.get(&name))
                    .cloned();
                if let Some(earlier) = earlier {
                    // The same directory: the first by path keeps the name, with a warning.
                    if let Some(existing) = components
                        .iter()
                        .find(|c| c.definition.path() == Some(&earlier))
                    {
                        note_clash(&name, &existing.definition, definition, false, true);
                    }
                    continue;
                }
                resolved.insert(format!("{name}{suffix}"), file.clone());
                let existing = components
                    .iter_mut()
                    .find(|c| c.name == name && (c.mode == "all" || c.mode == mode));
                if let Some(existing) = existing {
                    let new_priority = dir.priority;
                    let old_priority = existing.definition.priority;
                    let warned = new_priority > 0 && new_priority == old_priority;
                    let wins = new_priority > old_priority;
                    note_clash(
                        &name,
                        &existing.definition,
                        definition.clone(),
                        wins,
                        warned,
                    );
                    if wins {
                        existing.definition = definition;
                    }
                    continue;
                }
                components.push(Component {
                    name,
                    mode,
                    definition,
                });
            }
            scanned.push(dir.path.clone());
        }
        Scope {
            kind: ScopeKind::Components,
            clashes: groups
                .into_iter()
                .map(|(name, definitions, kept, warned)| Clash {
                    name,
                    definitions,
                    kept,
                    warned,
                })
                .collect(),
        }
    }

    fn facts_file(&self, path: &Path) -> Arc<SourceFile> {
        Arc::clone(&self.project.index::<ModuleFacts>(&path.to_path_buf()).file)
    }

    fn unplugin(&mut self, root: &Path, config_path: &Path) -> Vec<Scope> {
        let Ok(text) = self.project.read(config_path) else {
            return Vec::new();
        };
        let Ok(parsed) = crate::parse(&config_path.to_string_lossy(), &text) else {
            return Vec::new();
        };
        let options = config::unplugin_auto_import_options(&parsed.program);
        if options.is_empty() {
            return Vec::new();
        }
        let mut dirs = Vec::new();
        for option in &options {
            match option.get("dirs").map(Value::string_list) {
                None => {}
                Some(Some(list)) => dirs.extend(list.iter().map(|d| normalize(root, Path::new(d)))),
                Some(None) => {
                    self.note("unplugin-auto-import `dirs` is not a literal list".to_string())
                }
            }
        }
        let mut candidates = Vec::new();
        for file in scan_files(&dirs, self.project) {
            candidates.extend(file_candidates(self.project, &file, 0, 1));
        }
        vec![Scope {
            kind: ScopeKind::Unplugin,
            clashes: unimport_clashes(candidates),
        }]
    }
}

fn preset_candidates(preset: &Preset) -> Vec<Candidate> {
    let priority = match preset.priority {
        Some(0) | None => 1,
        Some(p) => p,
    };
    let mut out = Vec::new();
    for (from, names) in &preset.groups {
        for name in names {
            out.push(Candidate {
                name: name.clone(),
                from: from.clone(),
                type_only: false,
                definition: Definition {
                    origin: Origin::Preset {
                        from: from.clone(),
                        added_by: preset.id.clone(),
                        source: preset.source.clone(),
                    },
                    priority,
                },
            });
        }
    }
    out
}

/// A name's definitions with their `from`, the kept index, and whether unimport warned.
type NameEntry = (Vec<(String, Definition)>, usize, bool);

/// unimport's `dedupeDtsExports` then `dedupeImports`, keeping every name that met more
/// than one `from`.
fn unimport_clashes(mut candidates: Vec<Candidate>) -> Vec<Clash> {
    // A type export is dropped when a value of that name exists anywhere.
    let values: std::collections::HashSet<String> = candidates
        .iter()
        .filter(|c| !c.type_only)
        .map(|c| c.name.clone())
        .collect();
    candidates.retain(|c| !c.type_only || !values.contains(&c.name));

    // name → (definitions with their `from`, kept index, warned)
    let mut by_name: HashMap<String, NameEntry> = HashMap::new();
    let mut order: Vec<String> = Vec::new();
    for candidate in candidates {
        let entry = by_name.entry(candidate.name.clone()).or_insert_with(|| {
            order.push(candidate.name.clone());
            (Vec::new(), 0, false)
        });
        if entry.0.iter().any(|(from, _)| *from == candidate.from) {
            // Same import again (a file reached twice): unimport drops it silently.
            continue;
        }
        entry.0.push((candidate.from, candidate.definition));
        let index = entry.0.len() - 1;
        if index == 0 {
            continue;
        }
        let kept = &entry.0[entry.1].1;
        let diff = kept.priority - entry.0[index].1.priority;
        if diff == 0 {
            entry.2 = true;
        }
        if diff <= 0 {
            entry.1 = index;
        }
    }
    order
        .into_iter()
        .filter_map(|name| {
            let (definitions, kept, warned) = by_name.remove(&name)?;
            (definitions.len() > 1).then(|| Clash {
                name,
                definitions: definitions.into_iter().map(|(_, d)| d).collect(),
                kept,
                warned,
            })
        })
        .collect()
}

const JS_RESERVED_WORDS: &[&str] = &[
    "abstract",
    "arguments",
    "async",
    "await",
    "break",
    "case",
    "catch",
    "class",
    "const",
    "continue",
    "debugger",
    "default",
    "delete",
    "do",
    "else",
    "enum",
    "eval",
    "export",
    "extends",
    "false",
    "finally",
    "for",
    "function",
    "if",
    "implements",
    "import",
    "in",
    "instanceof",
    "interface",
    "let",
    "new",
    "null",
    "of",
    "package",
    "private",
    "protected",
    "public",
    "return",
    "static",
    "super",
    "switch",
    "this",
    "throw",
    "true",
    "try",
    "typeof",
    "undefined",
    "var",
    "void",
    "while",
    "with",
    "yield",
];

/// unimport's `scanExports` for one scanned file.
fn file_candidates(project: &Project, path: &Path, layer: usize, priority: i32) -> Vec<Candidate> {
    let mut out = Vec::new();
    let mut seen = Vec::new();
    scan_exports(project, path, layer, priority, None, &mut seen, &mut out);
    out
}

fn scan_exports(
    project: &Project,
    path: &Path,
    layer: usize,
    priority: i32,
    via: Option<(Arc<SourceFile>, Span)>,
    seen: &mut Vec<PathBuf>,
    out: &mut Vec<Candidate>,
) {
    if seen.iter().any(|p| p == path) {
        return;
    }
    seen.push(path.to_path_buf());
    let facts = project.index::<ModuleFacts>(&path.to_path_buf());
    let Some(info) = &facts.info else {
        return;
    };
    let from = path.to_string_lossy().to_string();
    let push = |out: &mut Vec<Candidate>, name: String, span: Span, type_only: bool| {
        out.push(Candidate {
            name,
            from: from.clone(),
            type_only,
            definition: Definition {
                origin: Origin::File {
                    file: Arc::clone(&facts.file),
                    span,
                    via: via.clone(),
                    layer,
                },
                priority,
            },
        })
    };
    if let Some(default) = info.export("default") {
        push(
            out,
            default_export_name(path),
            default.span,
            default.type_only,
        );
    }
    enum Item<'a> {
        Export(&'a crate::Export),
        Star(&'a crate::StarExport),
    }
    let mut items: Vec<(u32, Item)> = info
        .exports
        .iter()
        .map(|e| (e.span.start, Item::Export(e)))
        .chain(
            info.star_exports
                .iter()
                .map(|s| (s.span.start, Item::Star(s))),
        )
        .collect();
    items.sort_by_key(|(start, _)| *start);
    for (_, item) in items {
        match item {
            Item::Export(export) => {
                if export.name == "default" || JS_RESERVED_WORDS.contains(&export.name.as_str()) {
                    continue;
                }
                push(out, export.name.clone(), export.span, export.type_only);
            }
            Item::Star(star) => {
                let Some(target) = resolve_relative(project, path, &star.specifier) else {
                    continue;
                };
                let via = via
                    .clone()
                    .or_else(|| Some((Arc::clone(&facts.file), star.span)));
                let mut nested = Vec::new();
                scan_exports(project, &target, layer, priority, via, seen, &mut nested);
                if star.type_only {
                    nested.iter_mut().for_each(|c| c.type_only = true);
                }
                out.extend(nested);
            }
        }
    }
}

/// unimport's lookup for `export * from './x'`: `x.<ext>`, then `x/index.<ext>` per
/// extension, then `x` itself. Package specifiers are not followed.
fn resolve_relative(project: &Project, from: &Path, specifier: &str) -> Option<PathBuf> {
    if !specifier.starts_with('.') {
        return None;
    }
    let base = normalize(from.parent()?, Path::new(specifier));
    for ext in SCAN_EXTENSIONS {
        let file = PathBuf::from(format!("{}.{ext}", base.display()));
        if project.exists(&file) {
            return Some(file);
        }
        let index = base.join(format!("index.{ext}"));
        if project.exists(&index) {
            return Some(index);
        }
    }
    project.exists(&base).then_some(base)
}

/// unimport: the file's name (its directory's for `index`), camel-cased when it holds a
/// separator (`-`, `_`, `.`).
fn default_export_name(path: &Path) -> String {
    let stem = |p: &Path| -> String {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        // pathe's `parse().name`: without the last extension.
        match name.rfind('.') {
            Some(at) if at > 0 => name[..at].to_string(),
            _ => name.to_string(),
        }
    };
    let mut name = stem(path);
    if name == "index" {
        name = path.parent().map(stem).unwrap_or_default();
    }
    if name.contains(['-', '_', '.']) {
        camel_case(&name)
    } else {
        name
    }
}

/// scule's `splitByCase` with its default splitters (`-`, `_`, `/`, `.`).
fn split_by_case(text: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut buffer = String::new();
    let mut previous_upper: Option<bool> = None;
    let mut previous_splitter: Option<bool> = None;
    for c in text.chars() {
        if matches!(c, '-' | '_' | '/' | '.') {
            parts.push(std::mem::take(&mut buffer));
            previous_upper = None;
            continue;
        }
        let is_upper = if c.is_ascii_digit() {
            None
        } else {
            Some(c.to_lowercase().to_string() != c.to_string())
        };
        if previous_splitter == Some(false) {
            if previous_upper == Some(false) && is_upper == Some(true) {
                parts.push(std::mem::replace(&mut buffer, c.to_string()));
                previous_upper = is_upper;
                continue;
            }
            if previous_upper == Some(true) && is_upper == Some(false) && buffer.chars().count() > 1
            {
                let last = buffer.pop().unwrap();
                parts.push(std::mem::take(&mut buffer));
                buffer.push(last);
                buffer.push(c);
                previous_upper = is_upper;
                continue;
            }
        }
        buffer.push(c);
        previous_upper = is_upper;
        previous_splitter = Some(false);
    }
    parts.push(buffer);
    parts
}

fn upper_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().collect::<String>() + chars.as_str(),
        None => String::new(),
    }
}

fn pascal_case(parts: &[String]) -> String {
    parts.iter().map(|p| upper_first(p)).collect()
}

fn camel_case(text: &str) -> String {
    let pascal = pascal_case(&split_by_case(text));
    let mut chars = pascal.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().collect::<String>() + chars.as_str(),
        None => String::new(),
    }
}

/// nuxt `resolveComponentNameSegments` (packages/nuxt/src/core/utils/names.ts).
fn component_name_segments(file_name: &str, prefix_parts: &[String]) -> Vec<String> {
    let file_parts: Vec<String> = split_by_case(file_name)
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect();
    let content = file_parts.join("/").to_lowercase();
    let mut name_parts: Vec<String> = prefix_parts
        .iter()
        .flat_map(|p| split_by_case(p))
        .filter(|p| !p.is_empty())
        .collect();
    let mut matched: Vec<String> = Vec::new();
    for index in (0..prefix_parts.len()).rev() {
        let part = &prefix_parts[index];
        let mut split: Vec<String> = split_by_case(part)
            .into_iter()
            .filter(|p| !p.is_empty())
            .map(|p| p.to_lowercase())
            .collect();
        split.append(&mut matched);
        matched = split;
        let matched_content = matched.join("/");
        let same_as_next = prefix_parts.get(index + 1).is_some_and(|next| next == part);
        if content == matched_content
            || content.starts_with(&format!("{matched_content}/"))
            || (part.to_lowercase() == content && same_as_next)
        {
            // componentNameParts.length = index, counted in prefix parts' split words.
            let keep: usize = prefix_parts[..index]
                .iter()
                .map(|p| {
                    split_by_case(p)
                        .into_iter()
                        .filter(|s| !s.is_empty())
                        .count()
                })
                .sum();
            name_parts.truncate(keep);
        }
    }
    name_parts.extend(file_parts);
    name_parts
}

/// A component's PascalCase name and mode (`all`, `client`, `server`) as nuxt's
/// `scanComponents` gives it; `None` when it resolves to no name.
fn component_name(
    dir: &Path,
    file: &Path,
    prefix: Option<&str>,
    path_prefix: bool,
) -> Option<(String, &'static str)> {
    let relative_dir = file.parent()?.strip_prefix(dir).ok()?;
    let relative_dir = relative_dir.to_string_lossy().replace('\\', "/");
    let mut prefix_parts: Vec<String> = Vec::new();
    if let Some(prefix) = prefix {
        prefix_parts.extend(split_by_case(prefix).into_iter().filter(|p| !p.is_empty()));
    }
    if path_prefix {
        prefix_parts.extend(
            split_by_case(&relative_dir)
                .into_iter()
                .filter(|p| !p.is_empty()),
        );
    }
    let name = file.file_name()?.to_str()?;
    let mut stem = match name.rfind('.') {
        Some(at) => &name[..at],
        None => name,
    };
    let mut island = false;
    loop {
        if let Some(s) = stem.strip_suffix(".global") {
            stem = s;
        } else if let Some(s) = stem.strip_suffix(".island") {
            stem = s;
            island = true;
        } else {
            break;
        }
    }
    let mut mode = if island { "server" } else { "all" };
    if let Some(s) = stem.strip_suffix(".client") {
        stem = s;
        if !island {
            mode = "client";
        }
    } else if let Some(s) = stem.strip_suffix(".server") {
        stem = s;
        mode = "server";
    }
    let mut file_name = stem.replace(['"', '\''], "");
    if file_name.eq_ignore_ascii_case("index") {
        file_name = if path_prefix {
            String::new()
        } else {
            file.parent()?.file_name()?.to_string_lossy().to_string()
        };
    }
    let name = pascal_case(&component_name_segments(&file_name, &prefix_parts));
    (!name.is_empty()).then_some((name, mode))
}

fn is_mixin(name: &str) -> bool {
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    matches!(ext, "js" | "ts" | "jsx" | "tsx")
        && (stem.ends_with("Mixin") || stem.ends_with(".mixin") || stem.ends_with("-mixin"))
}

/// nuxt's default `ignore` (packages/schema/src/config/common.ts): stories, tests,
/// declaration files, files starting with `-`, and tool directories.
fn is_ignored(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if name.starts_with('-') || crate::is_declaration_file(name) {
        return true;
    }
    let test_like = [".stories.", ".spec.", ".test."]
        .iter()
        .any(|m| name.contains(m));
    test_like
        || path.components().any(|c| {
            matches!(
                c.as_os_str().to_str(),
                Some(
                    "node_modules"
                        | ".nuxt"
                        | ".output"
                        | ".git"
                        | ".vercel"
                        | ".netlify"
                        | ".pnpm-store"
                )
            )
        })
}

/// Files under `dir`, `depth` levels down (1: its own files), skipping node_modules and
/// hidden directories.
///
/// The listing goes through the project, so that a file added to a scanned directory
/// invalidates what was concluded without it.
fn walk(project: &Project, dir: &Path, depth: usize) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = project.read_dir(dir) else {
        return out;
    };
    for (path, is_dir) in entries {
        if is_dir {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            if depth > 1 && name != "node_modules" && !name.starts_with('.') {
                out.extend(walk(project, &path, depth - 1));
            }
        } else {
            out.push(path);
        }
    }
    out
}

fn has_glob(text: &str) -> bool {
    text.contains(['*', '?', '[', '{'])
}

/// unimport's `normalizeScanDirs` and `scanFilesFromDir`: each directory becomes itself
/// and `<dir>/*.{mts,cts,ts,tsx,mjs,cjs,js,jsx}` (a trailing `/*` is dropped first), a
/// path ending in an extension stays a file glob; files are ordered by the first glob
/// that matches them, then by path, each listed once. Only files this front end can parse
/// are kept, and nuxt's default ignore patterns apply.
fn scan_files(dirs: &[PathBuf], project: &Project) -> Vec<PathBuf> {
    let pattern = format!("*.{{{}}}", SCAN_EXTENSIONS.join(","));
    let mut globs: Vec<String> = Vec::new();
    for dir in dirs {
        let glob = dir.to_string_lossy().replace('\\', "/");
        let has_extension = glob
            .rsplit('/')
            .next()
            .and_then(|last| last.rsplit_once('.'))
            .is_some_and(|(_, ext)| {
                !ext.is_empty() && ext.chars().all(|c| c.is_alphanumeric() || c == '_')
            });
        if has_extension {
            globs.push(glob);
        } else {
            // unimport's joinGlobFilePattern: a last segment of `*` is replaced.
            let base = match glob.rsplit_once('/') {
                Some((parent, "*")) => parent,
                _ => &glob,
            };
            globs.push(glob.clone());
            globs.push(format!("{base}/{pattern}"));
        }
    }
    let matchers: Vec<Option<GlobMatcher>> = globs
        .iter()
        .map(|g| {
            GlobBuilder::new(g)
                .literal_separator(true)
                .build()
                .ok()
                .map(|g| g.compile_matcher())
        })
        .collect();
    // Walk each glob's literal base directory as deep as the glob can reach.
    let mut files: Vec<PathBuf> = Vec::new();
    for glob in &globs {
        let mut base = PathBuf::new();
        let mut rest = 0usize;
        let mut deep = false;
        for (i, part) in glob.split('/').enumerate() {
            if rest > 0 || has_glob(part) {
                rest += 1;
                deep |= part.contains("**");
            } else if i == 0 {
                base.push("/");
                base.push(part);
            } else {
                base.push(part);
            }
        }
        if rest == 0 {
            continue; // a plain path: a directory (no files) or a file listed below
        }
        let depth = if deep { usize::MAX } else { rest };
        for file in walk(project, &base, depth) {
            if !files.contains(&file) {
                files.push(file);
            }
        }
    }
    for glob in &globs {
        let path = PathBuf::from(glob);
        if !has_glob(glob) && project.exists(&path) && !files.contains(&path) {
            files.push(path);
        }
    }
    let mut grouped: Vec<(usize, PathBuf)> = files
        .into_iter()
        .filter_map(|file| {
            let text = file.to_string_lossy().replace('\\', "/");
            let index = matchers
                .iter()
                .position(|m| m.as_ref().is_some_and(|m| m.is_match(&text)))?;
            Some((index, file))
        })
        .filter(|(_, file)| {
            let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let ext = file.extension().and_then(|e| e.to_str()).unwrap_or("");
            SCAN_EXTENSIONS.contains(&ext) && !is_ignored(file) && !name.ends_with(".d.ts")
        })
        .collect();
    grouped.sort();
    grouped.into_iter().map(|(_, file)| file).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_export_names() {
        assert_eq!(
            default_export_name(Path::new("/a/utils/random-entry.ts")),
            "randomEntry"
        );
        assert_eq!(
            default_export_name(Path::new("/a/utils/randomEntry.ts")),
            "randomEntry"
        );
        assert_eq!(
            default_export_name(Path::new("/a/utils/UseFoo.ts")),
            "UseFoo"
        );
        assert_eq!(
            default_export_name(Path::new("/a/utils/foo/index.ts")),
            "foo"
        );
        assert_eq!(
            default_export_name(Path::new("/a/utils/my_HTTP-thing.ts")),
            "myHTTPThing"
        );
    }

    #[test]
    fn component_names() {
        let dir = Path::new("/app/components");
        let name = |f: &str| {
            component_name(dir, &dir.join(f), None, true).map(|(n, m)| format!("{n}:{m}"))
        };
        assert_eq!(name("BaseButton.vue").unwrap(), "BaseButton:all");
        assert_eq!(name("base/Button.vue").unwrap(), "BaseButton:all");
        assert_eq!(name("base/BaseButton.vue").unwrap(), "BaseButton:all");
        assert_eq!(name("form/input/index.vue").unwrap(), "FormInput:all");
        assert_eq!(name("Item/Item/Item.vue").unwrap(), "Item:all");
        assert_eq!(name("Chart.client.vue").unwrap(), "Chart:client");
        assert_eq!(name("my-card.vue").unwrap(), "MyCard:all");
        assert!(name("index.vue").is_none());
    }
}

#[cfg(test)]
mod project_tests {
    use super::*;

    #[test]
    fn app_roots_are_every_configured_directory_above_outermost_first() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        for folder in [
            "app/layers/base/composables",
            "app/node_modules/x",
            "other/src",
        ] {
            std::fs::create_dir_all(root.join(folder)).unwrap();
        }
        for config in [
            "app/nuxt.config.ts",
            "app/layers/base/nuxt.config.ts",
            "app/node_modules/vite.config.ts",
        ] {
            std::fs::write(root.join(config), "export default {}").unwrap();
        }
        let project = Project::long_lived(root.clone());
        let roots = |file: &str| app_roots(&project, &root.join(file));
        let layer_file = "app/layers/base/composables/a.ts";
        assert_eq!(
            roots(layer_file),
            [root.join("app"), root.join("app/layers/base")]
        );
        // A directory named node_modules is no app, whatever it holds.
        assert_eq!(roots("app/node_modules/x/y.ts"), [root.join("app")]);
        assert!(roots("other/src/b.ts").is_empty());
        // A sibling file asks for the directory already known; a config added on disk is
        // seen after a refresh, by the directories below it too.
        assert_eq!(roots("app/layers/base/composables/b.ts"), roots(layer_file));
        std::fs::write(root.join("other/vite.config.ts"), "export default {}").unwrap();
        project.refresh(&std::collections::BTreeSet::new(), false);
        assert_eq!(roots("other/src/b.ts"), [root.join("other")]);
    }

    /// What an editor sees: the buffer of a composable (an override) adds a second export
    /// of a name while the other file is only on disk.
    #[test]
    fn overrides_win_and_the_scope_is_keyed_by_root() {
        let dir =
            std::env::temp_dir().join(format!("prodlint-auto-imports-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("composables")).unwrap();
        std::fs::write(
            dir.join("nuxt.config.ts"),
            "export default defineNuxtConfig({})",
        )
        .unwrap();
        std::fs::write(dir.join("composables/a.ts"), "export const useA = 1;").unwrap();
        std::fs::write(dir.join("composables/b.ts"), "export const useB = 1;").unwrap();
        let project = Project::new(dir.clone());
        let b = dir.join("composables/b.ts");
        assert_eq!(app_roots(&project, &b), std::slice::from_ref(&dir));
        assert!(project.index::<AutoImports>(&dir).clashes_of(&b).is_empty());

        project.set_override(
            &b,
            Arc::from("export const useB = 1;\nexport const useA = 2;"),
        );
        assert!(project.refresh(&[b.clone()].into(), false) > 0);
        let scopes = project.index::<AutoImports>(&dir);
        let clashes = scopes.clashes_of(&b);
        assert_eq!(clashes.len(), 1);
        let clash = clashes[0].clash;
        assert_eq!(clash.name, "useA");
        // Same priority: the later file (b.ts) is kept, a.ts ignored, with unimport's warning.
        assert_eq!(clash.definitions[clash.kept].path(), Some(b.as_path()));
        assert!(clash.warned);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
