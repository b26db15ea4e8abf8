//! Signatures of the locked dependencies, read from their sources in the Cargo registry
//! (`$CARGO_HOME/registry/src/*/NAME-VERSION/`) at the exact versions of `Cargo.lock`.
//!
//! Parsing every locked crate would cost tens of seconds, so this is lazy in three steps:
//! - [`LockedCrates`]: `Cargo.lock`, where each registry package's sources are, and what it
//!   depends on. No source is read.
//! - [`CrateFns`]: for one crate, the names of the functions its sources define and the
//!   files that define them, found by a text search (no parse); built only for a crate
//!   that a call worth checking leads into.
//! - [`DepFns`]: for one crate and one function name, the signatures of its definitions,
//!   parsed from just the files the name table points at.
//!
//! Name tables and signatures are kept on disk per crate and version (the registry's
//! sources never change), so later runs only read the few they need.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::types::{PathTy, Ty};
use crate::RustFile;
use prodlint_core::{Project, ProjectIndex};

pub mod api;
pub mod manifest;
use ra_ap_syntax::ast::{self, HasGenericArgs, HasGenericParams, HasName};
use ra_ap_syntax::AstNode;

/// Bump when the on-disk formats change.
const CACHE_VERSION: &str = "deps-v4";

/// Where the lock file is and where the registry is.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DepKey {
    /// The directory of `Cargo.lock`.
    pub root: PathBuf,
    pub cargo_home: PathBuf,
    /// The directory of the on-disk cache; `None`: nothing is kept on disk.
    pub cache_dir: Option<PathBuf>,
}

impl DepKey {
    /// The key for a crate index root (a workspace or package root): its `Cargo.lock`,
    /// the cache under the project's cache directory, if it has one.
    pub fn for_root(project: &Project, crate_root: &Path, cargo_home: &Path) -> Option<DepKey> {
        if !project.exists(&crate_root.join("Cargo.lock")) {
            return None;
        }
        Some(DepKey {
            cache_dir: project.cache_dir().map(|dir| dir.join(CACHE_VERSION)),
            root: crate_root.to_path_buf(),
            cargo_home: cargo_home.to_path_buf(),
        })
    }
}

/// Whether a package name from `Cargo.lock` can be used in a path: `[A-Za-z0-9_-]+`, as
/// crates.io allows. A lock file is the repository's text, and a name like `../../x`
/// would otherwise lead paths out of the registry and the cache.
pub fn is_crate_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Whether a version from `Cargo.lock` can be used in a path: semver's characters only
/// (`1.0.0-rc.1+build.5`), not a separator, and not only dots.
pub fn is_crate_version(version: &str) -> bool {
    version.bytes().any(|b| b.is_ascii_alphanumeric())
        && version
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'+'))
}

/// Whether a function name can be a cache file's name: an identifier.
fn is_identifier(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// A rule's `cargo-home` option, relative to the directory of the config file that set it
/// (`config_dir`, itself relative to `cwd`), else [`default_cargo_home`].
pub fn configured_cargo_home(
    option: Option<&str>,
    config_dir: Option<&Path>,
    cwd: &Path,
) -> PathBuf {
    match option {
        Some(home) => {
            let base = match config_dir {
                Some(dir) => prodlint_core::normalize(cwd, dir),
                None => cwd.to_path_buf(),
            };
            prodlint_core::normalize(&base, Path::new(home))
        }
        None => default_cargo_home(),
    }
}

/// A rule's `cargo-home` option with the directory of the config file that set it,
/// resolved by [`configured_cargo_home`] on first use: the rules that read the locked
/// dependencies' sources share this, so they agree on where those are.
#[derive(Debug)]
pub struct CargoHome {
    option: Option<String>,
    config_dir: Option<PathBuf>,
    resolved: std::sync::OnceLock<PathBuf>,
}

impl CargoHome {
    pub fn new(option: Option<String>, config_dir: Option<PathBuf>) -> CargoHome {
        CargoHome {
            option,
            config_dir,
            resolved: std::sync::OnceLock::new(),
        }
    }

    /// The configured directory, relative to the `prodlint.toml` that sets it, else the
    /// environment's.
    pub fn get(&self, cwd: &Path) -> &Path {
        self.resolved.get_or_init(|| {
            configured_cargo_home(self.option.as_deref(), self.config_dir.as_deref(), cwd)
        })
    }
}

/// `CARGO_HOME`, else `~/.cargo`.
pub fn default_cargo_home() -> PathBuf {
    if let Some(home) = std::env::var_os("CARGO_HOME") {
        return PathBuf::from(home);
    }
    let home = std::env::var_os("HOME")
        .or_else(|| std::env::var_os("USERPROFILE"))
        .unwrap_or_default();
    PathBuf::from(home).join(".cargo")
}

#[derive(Debug, Default)]
pub struct LockedCrate {
    /// As in `Cargo.lock`: `tantivy-common`.
    pub name: String,
    /// The library's name in paths: `tantivy_common`.
    pub lib: String,
    pub version: String,
    /// The unpacked sources, when present.
    pub dir: Option<PathBuf>,
    /// The library names of its dependencies.
    pub deps: Vec<String>,
}

/// Which files of one locked crate define functions and types of which names: one scan
/// of the crate's sources per run (or none, from the cache), so that a question about a
/// name reads only the files that may define it.
#[derive(Debug, Default)]
pub struct CrateFns {
    files: Vec<String>,
    /// Function name → indexes into `files`.
    names: HashMap<String, Vec<u32>>,
    /// Type name (`struct`, `enum`, `union`, `type`) → indexes into `files`.
    types: HashMap<String, Vec<u32>>,
    /// Identifier in an `impl` header (`impl<T> Trait for Type<T> where ..`) → indexes
    /// into `files`: where a type's methods may be defined.
    impl_words: HashMap<String, Vec<u32>>,
    /// The library name its manifest gives, if any.
    lib: Option<String>,
    /// Whether the sources were scanned (not read from the cache).
    pub scanned: bool,
}

/// One locked crate's sources and the cache directory.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CrateKey {
    pub dir: PathBuf,
    pub name: String,
    pub version: String,
    pub cache_dir: Option<PathBuf>,
}

/// The cache directory of one crate's files: per registry, crate and version (the
/// sources of a published version never change). `None` without a cache.
fn crate_cache(
    cache_dir: Option<&Path>,
    sources: &Path,
    name: &str,
    version: &str,
) -> Option<PathBuf> {
    let registry = sources.parent()?.file_name()?;
    Some(cache_dir?.join(registry).join(format!("{name}-{version}")))
}

impl ProjectIndex for CrateFns {
    type Key = CrateKey;

    fn build(_: &Project, key: &CrateKey) -> CrateFns {
        load_or_scan(key)
    }
}

impl CrateFns {
    /// The files (relative to the crate's directory) that define a function of this name.
    pub fn files_defining<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a str> + 'a {
        self.files_of(&self.names, name)
    }

    pub fn defines(&self, name: &str) -> bool {
        self.names.contains_key(name)
    }

    /// The files (relative to the crate's directory) that may define a type of this name.
    pub fn files_defining_type<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a str> + 'a {
        self.files_of(&self.types, name)
    }

    /// Indexes into the crate's files of those that may define method `name` of type
    /// `type_name`: a function of that name and an `impl` header naming the type.
    fn files_defining_method(&self, name: &str, type_name: &str) -> Vec<u32> {
        let (Some(by_fn), Some(by_impl)) = (self.names.get(name), self.impl_words.get(type_name))
        else {
            return Vec::new();
        };
        // Both lists are in file order: a merge.
        let (mut i, mut j, mut out) = (0, 0, Vec::new());
        while i < by_fn.len() && j < by_impl.len() {
            match by_fn[i].cmp(&by_impl[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    out.push(by_fn[i]);
                    i += 1;
                    j += 1;
                }
            }
        }
        out
    }

    fn files_of<'a>(
        &'a self,
        table: &'a HashMap<String, Vec<u32>>,
        name: &str,
    ) -> impl Iterator<Item = &'a str> + 'a {
        table
            .get(name)
            .into_iter()
            .flatten()
            .map(|&i| self.files[i as usize].as_str())
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

/// The registry packages of `Cargo.lock`, each with its name table.
#[derive(Debug, Default)]
pub struct LockedCrates {
    pub crates: Vec<LockedCrate>,
    by_lib: HashMap<String, Vec<usize>>,
    /// Registry packages whose sources are not unpacked.
    pub missing: Vec<String>,
    pub build_time: Duration,
    cache_dir: Option<PathBuf>,
}

impl ProjectIndex for LockedCrates {
    type Key = DepKey;
    // The registry's directories are listed directly: a `cargo fetch` adds sources.
    const READS_DISK_DIRECTLY: bool = true;

    fn build(project: &Project, key: &DepKey) -> LockedCrates {
        let started = Instant::now();
        let mut out = LockedCrates::default();
        let Ok(lock) = project.read(&key.root.join("Cargo.lock")) else {
            return out;
        };
        let Ok(lock) = lock.parse::<toml::Table>() else {
            return out;
        };
        let registries: Vec<PathBuf> = std::fs::read_dir(key.cargo_home.join("registry/src"))
            .map(|entries| entries.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        let packages = lock
            .get("package")
            .and_then(|p| p.as_array())
            .cloned()
            .unwrap_or_default();
        let mut crates = Vec::new();
        for package in &packages {
            let text = |k: &str| package.get(k).and_then(|v| v.as_str()).unwrap_or("");
            if !text("source").starts_with("registry+") && !text("source").starts_with("sparse+") {
                continue;
            }
            let (name, version) = (text("name").to_string(), text("version").to_string());
            if !is_crate_name(&name) || !is_crate_version(&version) {
                continue;
            }
            let dir_name = format!("{name}-{version}");
            let dir = registries
                .iter()
                .map(|r| r.join(&dir_name))
                .find(|d| d.join("Cargo.toml").is_file());
            // A crate whose library has another name than its package (rare) says so.
            let lib = dir.as_deref().and_then(lib_name);
            if dir.is_none() {
                out.missing.push(dir_name);
            }
            let deps = package
                .get("dependencies")
                .and_then(|d| d.as_array())
                .map(|a| {
                    a.iter()
                        .filter_map(|d| d.as_str())
                        .map(|d| d.split(' ').next().unwrap_or(d).replace('-', "_"))
                        .collect()
                })
                .unwrap_or_default();
            crates.push(LockedCrate {
                lib: lib.unwrap_or_else(|| name.replace('-', "_")),
                name,
                version,
                dir,
                deps,
            });
        }
        out.cache_dir = key.cache_dir.clone();
        for (i, c) in crates.iter().enumerate() {
            out.by_lib.entry(c.lib.clone()).or_default().push(i);
        }
        out.crates = crates;
        if !out.missing.is_empty() {
            // Once per run and lock file, not per finding.
            eprintln!(
                "prodlint: the sources of {} of {} locked crates are not in {} (run `cargo fetch`); calls into them are not checked: {}{}",
                out.missing.len(),
                out.crates.len(),
                key.cargo_home.join("registry/src").display(),
                out.missing.iter().take(5).cloned().collect::<Vec<_>>().join(", "),
                if out.missing.len() > 5 { ", …" } else { "" }
            );
        }
        out.build_time = started.elapsed();
        out
    }
}

impl LockedCrates {
    /// The locked crates with this library name (several versions may be locked).
    pub fn by_lib(&self, lib: &str) -> impl Iterator<Item = &LockedCrate> {
        self.by_lib
            .get(lib)
            .into_iter()
            .flatten()
            .map(|&i| &self.crates[i])
    }

    pub fn is_locked(&self, lib: &str) -> bool {
        self.by_lib.contains_key(lib)
    }

    /// A crate's directory in the on-disk cache, if the run keeps one and its sources are
    /// present.
    pub fn cache_of(&self, c: &LockedCrate) -> Option<PathBuf> {
        crate_cache(
            self.cache_dir.as_deref(),
            c.dir.as_deref()?,
            &c.name,
            &c.version,
        )
    }

    /// The key of a crate's name table, if its sources are present.
    pub fn crate_key(&self, c: &LockedCrate) -> Option<CrateKey> {
        Some(CrateKey {
            dir: c.dir.clone()?,
            name: c.name.clone(),
            version: c.version.clone(),
            cache_dir: self.cache_dir.clone(),
        })
    }
}

/// Loads a crate's name table from the cache, or scans its sources and caches it.
fn load_or_scan(key: &CrateKey) -> CrateFns {
    let cache = crate_cache(key.cache_dir.as_deref(), &key.dir, &key.name, &key.version)
        .map(|dir| dir.join("names"));
    if let Some(text) = cache
        .as_deref()
        .and_then(|cache| prodlint_core::read_regular_to_string(cache).ok())
    {
        return read_table(&text);
    }
    let dir = &key.dir;
    let mut files = Vec::new();
    walk(dir, dir, &mut files);
    files.sort();
    let mut table = String::new();
    if let Some(lib) = lib_name(dir) {
        table.push_str(&format!("lib {lib}\n"));
    }
    for file in &files {
        let Ok(text) = prodlint_core::read_regular_to_string(file) else {
            continue;
        };
        let mut names = fn_names(&text);
        let mut types = type_names(&text);
        if names.is_empty() && types.is_empty() {
            continue;
        }
        let mut impl_words = impl_header_words(&text);
        for list in [&mut names, &mut types, &mut impl_words] {
            list.sort_unstable();
            list.dedup();
        }
        let relative = file.strip_prefix(dir).unwrap_or(file).to_string_lossy();
        table.push_str(&format!(
            "f {relative}\t{}\t{}\t{}\n",
            names.join(" "),
            types.join(" "),
            impl_words.join(" ")
        ));
    }
    if let Some(cache) = &cache {
        crate::write_cache_file(cache, &table);
    }
    CrateFns {
        scanned: true,
        ..read_table(&table)
    }
}

fn read_table(text: &str) -> CrateFns {
    let mut out = CrateFns::default();
    for line in text.lines() {
        if let Some(lib) = line.strip_prefix("lib ") {
            out.lib = Some(lib.to_string());
        } else if let Some(rest) = line.strip_prefix("f ") {
            let mut fields = rest.split('\t');
            let (Some(file), Some(names), Some(types), Some(impl_words)) =
                (fields.next(), fields.next(), fields.next(), fields.next())
            else {
                continue;
            };
            let index = out.files.len() as u32;
            out.files.push(file.to_string());
            for (words, table) in [
                (names, &mut out.names),
                (types, &mut out.types),
                (impl_words, &mut out.impl_words),
            ] {
                for word in words.split(' ').filter(|w| !w.is_empty()) {
                    table.entry(word.to_string()).or_default().push(index);
                }
            }
        }
    }
    out
}

/// `[lib] name` of a dependency's manifest.
fn lib_name(dir: &Path) -> Option<String> {
    let text = prodlint_core::read_regular_to_string(&dir.join("Cargo.toml")).ok()?;
    if !text.contains("[lib]") {
        return None;
    }
    let table = text.parse::<toml::Table>().ok()?;
    table
        .get("lib")?
        .get("name")?
        .as_str()
        .map(|s| s.replace('-', "_"))
}

/// The `.rs` files of a crate that make its library: not its tests, benches or examples.
fn walk(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().to_string();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            let skip = dir == root
                && matches!(
                    name.as_str(),
                    "tests" | "benches" | "examples" | "target" | "fuzz"
                );
            if !skip && !name.starts_with('.') {
                walk(root, &path, out);
            }
        } else if name.ends_with(".rs") {
            out.push(path);
        }
    }
}

/// The names after `fn ` in a text, found without parsing.
pub fn fn_names(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut out = Vec::new();
    for (at, _) in text.match_indices("fn ") {
        if at > 0 && ident(bytes[at - 1]) {
            continue;
        }
        let start = at + 3;
        let end = bytes[start..]
            .iter()
            .position(|&b| !ident(b))
            .map_or(bytes.len(), |p| start + p);
        if end > start && !bytes[start].is_ascii_digit() {
            out.push(&text[start..end]);
        }
    }
    out
}

/// What a dependency's function returns, as far as a caller's `Option`/`Result` goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DepRet {
    Unit,
    /// The type argument's last segment, if it is a plain path.
    Option(Option<String>),
    Result(Option<String>),
    /// A named type, by its last segment.
    Named(String),
    /// A generic parameter, `impl Trait`, a tuple, a reference to something unknown, …
    Unknown,
}

impl DepRet {
    fn encode(&self) -> String {
        let inner = |i: &Option<String>| i.clone().unwrap_or_else(|| "_".into());
        match self {
            DepRet::Unit => "unit".into(),
            DepRet::Option(i) => format!("option:{}", inner(i)),
            DepRet::Result(i) => format!("result:{}", inner(i)),
            DepRet::Named(n) => format!("named:{n}"),
            DepRet::Unknown => "unknown".into(),
        }
    }

    fn decode(text: &str) -> DepRet {
        let inner = |i: &str| (i != "_").then(|| i.to_string());
        match text.split_once(':') {
            Some(("option", i)) => DepRet::Option(inner(i)),
            Some(("result", i)) => DepRet::Result(inner(i)),
            Some(("named", n)) => DepRet::Named(n.to_string()),
            _ if text == "unit" => DepRet::Unit,
            _ => DepRet::Unknown,
        }
    }
}

/// One definition of a function in a locked crate.
#[derive(Debug, Clone)]
pub struct DepFn {
    pub krate: String,
    pub lib: String,
    pub version: String,
    /// The impl's self type, by its last segment; `None` for free functions and trait
    /// declarations.
    pub self_ty: Option<String>,
    /// The trait implemented or declared, by its last segment.
    pub trait_name: Option<String>,
    pub has_self: bool,
    pub is_async: bool,
    pub ret: DepRet,
    /// The return type as written.
    pub ret_text: String,
    /// The parameters (after `self`) bounded as `Send` futures or closures
    /// (`F: Future + Send`, `impl FnOnce() + Send`): see
    /// [`crate::future_calls::send_bounded_params`].
    pub send_params: Vec<usize>,
    pub file: PathBuf,
    pub line: u32,
}

impl DepFn {
    /// The named type it returns, as a path into its library (`rand::rng` returns
    /// `rand::ThreadRng`): what the auto-trait reasoning reads from the sources by its
    /// name. `None` for `()`, wrappers, primitives and what is not a plain path.
    pub fn ret_ty(&self) -> Option<Ty> {
        let DepRet::Named(name) = &self.ret else {
            return None;
        };
        if !name.starts_with(|c: char| c.is_ascii_uppercase()) {
            return None;
        }
        Some(Ty::Path(PathTy {
            path: format!("{}::{name}", self.lib),
            relative: None,
            local: false,
            args: Vec::new(),
        }))
    }
}

/// The free functions named `name` of a locked library (not methods, not trait items).
pub fn dep_free_fns(project: &Project, key: &DepKey, lib: &str, name: &str) -> Vec<DepFn> {
    let found = project.index::<DepFns>(&(key.clone(), lib.to_string(), name.to_string()));
    found
        .defs
        .iter()
        .filter(|d| d.self_ty.is_none() && d.trait_name.is_none())
        .cloned()
        .collect()
}

/// The definitions of method `method` of a locked library's type named `type_name`, looked
/// for in its crate and the crates it depends on (where the types it re-exports are
/// defined): the inherent ones if there are any, else those of trait impls. With
/// `has_self`, only methods; without, associated functions too.
pub fn dep_methods(
    project: &Project,
    key: &DepKey,
    locked: &LockedCrates,
    lib: &str,
    type_name: &str,
    method: &str,
    has_self: bool,
) -> Vec<DepFn> {
    let of = |c: &str| {
        let key = (
            key.clone(),
            c.to_string(),
            type_name.to_string(),
            method.to_string(),
        );
        let found = project.index::<DepMethods>(&key);
        found
            .defs
            .iter()
            .filter(|d| d.has_self || !has_self)
            .cloned()
            .collect::<Vec<_>>()
    };
    let mut defs = of(lib);
    // An inherent method in the library itself is the one a call reaches: the crates it
    // depends on (a platform crate of 100 MB of sources among them) need no scan.
    if !defs.iter().any(|d| d.trait_name.is_none()) {
        let mut deps: Vec<&str> = locked
            .by_lib(lib)
            .flat_map(|c| c.deps.iter().map(String::as_str))
            .filter(|&dep| dep != lib)
            .collect();
        deps.sort_unstable();
        deps.dedup();
        for dep in deps {
            defs.extend(of(dep));
        }
    }
    if defs.iter().any(|d| d.trait_name.is_none()) {
        defs.into_iter()
            .filter(|d| d.trait_name.is_none())
            .collect()
    } else {
        defs
    }
}

/// Every definition of one function name in the locked crates of one library name (the
/// key: lock, library, function).
#[derive(Debug, Default)]
pub struct DepFns {
    pub defs: Vec<DepFn>,
}

impl ProjectIndex for DepFns {
    type Key = (DepKey, String, String);
    // Built from registry sources read directly (see `LockedCrates`).
    const READS_DISK_DIRECTLY: bool = true;

    fn build(project: &Project, (key, lib, name): &(DepKey, String, String)) -> DepFns {
        let defs = in_locked_crates(project, key, lib, name, |c, fns| {
            resolve(project, c, fns, None, name, key.cache_dir.as_deref())
        });
        DepFns { defs }
    }
}

/// The definitions of one type's methods of one name in the locked crates of one library
/// name (the key: lock, library, type, method), whether inherent or of a trait impl.
#[derive(Debug, Default)]
pub struct DepMethods {
    pub defs: Vec<DepFn>,
}

impl ProjectIndex for DepMethods {
    type Key = (DepKey, String, String, String);
    // Built from registry sources read directly (see `LockedCrates`).
    const READS_DISK_DIRECTLY: bool = true;

    fn build(
        project: &Project,
        (key, lib, type_name, name): &(DepKey, String, String, String),
    ) -> DepMethods {
        let defs = in_locked_crates(project, key, lib, name, |c, fns| {
            let cache_dir = key.cache_dir.as_deref();
            resolve(project, c, fns, Some(type_name), name, cache_dir)
        });
        DepMethods { defs }
    }
}

/// The definitions `resolve` gives in each locked crate of a library name whose name
/// table has a function `name`.
fn in_locked_crates(
    project: &Project,
    key: &DepKey,
    lib: &str,
    name: &str,
    resolve: impl Fn(&LockedCrate, &CrateFns) -> Vec<DepFn>,
) -> Vec<DepFn> {
    let crates = project.index::<LockedCrates>(key);
    let mut defs = Vec::new();
    for c in crates.by_lib(lib) {
        let Some(crate_key) = crates.crate_key(c) else {
            continue;
        };
        let fns = project.index::<CrateFns>(&crate_key);
        if fns.defines(name) {
            defs.extend(resolve(c, &fns));
        }
    }
    defs
}

/// The definitions of `name` in one crate, or with `type_name` only the methods of that
/// type: from the signatures an earlier run kept (a type's methods are among all the
/// definitions of the name), else parsed from the files the name table points at. For a
/// type's method those are just the files that also have an `impl` header naming it: a
/// common name (`new`, `get`) is defined in hundreds of a large crate's files, and
/// parsing all of them for one type's method was most of a workspace's run.
fn resolve(
    project: &Project,
    c: &LockedCrate,
    fns: &CrateFns,
    type_name: Option<&str>,
    name: &str,
    cache_dir: Option<&Path>,
) -> Vec<DepFn> {
    let Some(dir) = &c.dir else { return Vec::new() };
    let of_type = |self_ty: &str| type_name.is_none_or(|t| t == self_ty);
    let crate_dir = crate_cache(cache_dir, dir, &c.name, &c.version)
        .filter(|_| is_identifier(name) && type_name.is_none_or(is_identifier));
    let all = crate_dir.as_ref().map(|d| d.join(format!("{name}.sig")));
    let of_one = crate_dir.and_then(|d| type_name.map(|t| d.join(format!("{t}.{name}.msig"))));
    for cache in of_one.iter().chain(&all) {
        if let Some(defs) = read_sigs(c, dir, cache) {
            return defs
                .into_iter()
                .filter(|d| of_type(d.self_ty.as_deref().unwrap_or_default()))
                .collect();
        }
    }
    let files = match type_name {
        Some(t) => fns.files_defining_method(name, t),
        None => fns.names.get(name).cloned().unwrap_or_default(),
    };
    let (defs, lines) = parse_sigs(project, c, dir, fns, &files, name, |d| of_type(&d.self_ty));
    if let Some(cache) = of_one.or(all) {
        crate::write_cache_file(&cache, &lines);
    }
    defs
}

/// Signatures kept by an earlier run, one definition a line; `None` if there are none.
fn read_sigs(c: &LockedCrate, dir: &Path, cache: &Path) -> Option<Vec<DepFn>> {
    let text = prodlint_core::read_regular_to_string(cache).ok()?;
    Some(
        text.lines()
            .filter_map(|line| {
                let f: Vec<&str> = line.split('\t').collect();
                let [self_ty, trait_name, has_self, is_async, ret, ret_text, sends, file, at] =
                    f.as_slice()
                else {
                    return None;
                };
                let send_params = sends
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(str::parse)
                    .collect::<Result<Vec<usize>, _>>()
                    .ok()?;
                let definition = Definition {
                    self_ty: self_ty.to_string(),
                    trait_name: trait_name.to_string(),
                    has_self: *has_self == "1",
                    is_async: *is_async == "1",
                    ret: DepRet::decode(ret),
                    ret_text: ret_text.to_string(),
                    send_params,
                    line: at.parse().ok()?,
                };
                Some(dep_fn(c, dir, file, &definition))
            })
            .collect(),
    )
}

/// The definitions of `name` that `keep` accepts in the given files of one crate, parsed,
/// and the lines that keep them on disk.
fn parse_sigs(
    project: &Project,
    c: &LockedCrate,
    dir: &Path,
    fns: &CrateFns,
    files: &[u32],
    name: &str,
    keep: impl Fn(&Definition) -> bool,
) -> (Vec<DepFn>, String) {
    let mut out = Vec::new();
    let mut lines = String::new();
    for &i in files {
        let relative = &fns.files[i as usize];
        let file = project.index::<FileDefinitions>(&dir.join(relative));
        for def in file.0.get(name).into_iter().flatten().filter(|d| keep(d)) {
            let sends: Vec<String> = def.send_params.iter().map(usize::to_string).collect();
            lines.push_str(&format!(
                "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
                def.self_ty,
                def.trait_name,
                u8::from(def.has_self),
                u8::from(def.is_async),
                def.ret.encode(),
                def.ret_text.replace(['\t', '\n'], " "),
                sends.join(","),
                relative,
                def.line
            ));
            out.push(dep_fn(c, dir, relative, def));
        }
    }
    (out, lines)
}

fn dep_fn(c: &LockedCrate, dir: &Path, file: &str, def: &Definition) -> DepFn {
    let given = |s: &str| (!s.is_empty()).then(|| s.to_string());
    DepFn {
        krate: c.name.clone(),
        lib: c.lib.clone(),
        version: c.version.clone(),
        self_ty: given(&def.self_ty),
        trait_name: given(&def.trait_name),
        has_self: def.has_self,
        is_async: def.is_async,
        ret: def.ret.clone(),
        ret_text: def.ret_text.clone(),
        send_params: def.send_params.clone(),
        file: dir.join(file),
        line: def.line,
    }
}

/// Every function definition of one locked source file, by name, from one parse. A
/// common name (`new`, `get`, `from`) is defined in hundreds of a large crate's files
/// (an SDK's generated clients), and parsing those files again for each name a workspace
/// calls made the look-ups grow with the names asked times the files that define them.
#[derive(Default)]
struct FileDefinitions(HashMap<String, Vec<Definition>>);

impl ProjectIndex for FileDefinitions {
    /// The file's path.
    type Key = PathBuf;
    // Registry sources are read directly, as for the name tables.
    const READS_DISK_DIRECTLY: bool = true;

    fn build(_: &Project, path: &PathBuf) -> FileDefinitions {
        let Ok(text) = prodlint_core::read_regular_to_string(path) else {
            return FileDefinitions::default();
        };
        let mut by_name: HashMap<String, Vec<Definition>> = HashMap::new();
        for (name, definition) in definitions(&text) {
            by_name.entry(name).or_default().push(definition);
        }
        FileDefinitions(by_name)
    }
}

struct Definition {
    self_ty: String,
    trait_name: String,
    has_self: bool,
    is_async: bool,
    ret: DepRet,
    ret_text: String,
    send_params: Vec<usize>,
    line: u32,
}

/// The function definitions of one dependency file's text (items and associated functions;
/// not those local to a function body, whose bodies are not parsed), each with its name,
/// outside test code.
fn definitions(text: &str) -> Vec<(String, Definition)> {
    let parsed = RustFile::parse(&crate::outline::blank_fn_bodies(text));
    let tree = parsed.tree();
    let lines = api::Lines::new(text);
    let mut out = Vec::new();
    for f in tree.syntax().descendants().filter_map(ast::Fn::cast) {
        let Some(name) = f.name().map(|n| n.text().to_string()) else {
            continue;
        };
        if crate::is_in_test_code(f.syntax()) {
            continue;
        }
        let mut generics = crate::types::generic_params(f.generic_param_list());
        let owner = f.syntax().parent().and_then(|p| p.parent());
        let (mut self_ty, mut trait_name) = (String::new(), String::new());
        if let Some(owner) = owner {
            if let Some(i) = ast::Impl::cast(owner.clone()) {
                generics.extend(crate::types::generic_params(i.generic_param_list()));
                self_ty = i
                    .self_ty()
                    .and_then(|t| last_segment(&t))
                    .unwrap_or_default();
                if self_ty.is_empty() {
                    continue; // `impl<T> Trait for T`, `impl Trait for &[u8]`: not by name
                }
                trait_name = i
                    .trait_()
                    .and_then(|t| last_segment(&t))
                    .unwrap_or_default();
            } else if let Some(t) = ast::Trait::cast(owner) {
                trait_name = t.name().map(|n| n.text().to_string()).unwrap_or_default();
                generics.push("Self".into());
            }
        }
        let ret_ty = f.ret_type().and_then(|r| r.ty());
        let ret = match &ret_ty {
            None => DepRet::Unit,
            Some(ty) => dep_ret(ty, &generics, &self_ty),
        };
        out.push((
            name,
            Definition {
                has_self: f.param_list().and_then(|p| p.self_param()).is_some(),
                is_async: f.async_token().is_some(),
                ret_text: ret_ty
                    .map(|t| t.syntax().text().to_string())
                    .unwrap_or_default(),
                line: api::line_of(&lines, &f),
                send_params: crate::future_calls::send_bounded_params(&f),
                self_ty,
                trait_name,
                ret,
            },
        ));
    }
    out
}

/// The last segment of a path type, through references.
fn last_segment(ty: &ast::Type) -> Option<String> {
    match ty {
        ast::Type::PathType(p) => Some(p.path()?.segment()?.name_ref()?.text().to_string()),
        ast::Type::RefType(r) => last_segment(&r.ty()?),
        _ => None,
    }
}

fn first_arg(ty: &ast::Type) -> Option<ast::Type> {
    let ast::Type::PathType(p) = ty else {
        return None;
    };
    let args = p.path()?.segment()?.generic_arg_list()?;
    args.generic_args().find_map(|a| match a {
        ast::GenericArg::TypeArg(t) => t.ty(),
        _ => None,
    })
}

fn dep_ret(ty: &ast::Type, generics: &[String], self_ty: &str) -> DepRet {
    let plain = |t: &ast::Type| -> Option<String> {
        let name = last_segment(t)?;
        if generics.contains(&name) {
            return None;
        }
        if name == "Self" {
            return (!self_ty.is_empty()).then(|| self_ty.to_string());
        }
        Some(name)
    };
    match ty {
        ast::Type::PathType(_) => {
            let Some(name) = last_segment(ty) else {
                return DepRet::Unknown;
            };
            if generics.contains(&name) {
                return DepRet::Unknown;
            }
            let inner = first_arg(ty).and_then(|a| plain(&a));
            match name.as_str() {
                "Option" => DepRet::Option(inner),
                // `io::Result<T>`, `crate::Result<T>`: the aliases of `Result` keep its name.
                "Result" => DepRet::Result(inner),
                _ => plain(ty).map_or(DepRet::Unknown, DepRet::Named),
            }
        }
        ast::Type::RefType(r) => match r.ty() {
            Some(inner) if matches!(inner, ast::Type::PathType(_)) => {
                plain(&inner).map_or(DepRet::Unknown, DepRet::Named)
            }
            _ => DepRet::Unknown,
        },
        ast::Type::TupleType(t) if t.fields().next().is_none() => DepRet::Unit,
        _ => DepRet::Unknown,
    }
}

/// The type definitions of one name in one locked crate, from its sources: what the
/// auto-trait reasoning needs of a dependency's type (its fields, its `unsafe impl Send` or
/// `Sync`), found like signatures are, lazily: a text search for the name's definition
/// among the crate's library files, then a parse of just the files that have one.
#[derive(Debug, Default)]
pub struct DepTypes {
    pub adts: Vec<crate::crate_index::Adt>,
    pub aliases: Vec<crate::crate_index::Alias>,
    /// `unsafe impl Send/Sync for` any type of that name in those files, by type path.
    pub auto_impls: HashMap<String, crate::crate_index::AutoImpls>,
}

impl ProjectIndex for DepTypes {
    /// The lock and registry, the library name, the type's name.
    type Key = (DepKey, String, String);
    // The registry's sources are read directly, as for signatures.
    const READS_DISK_DIRECTLY: bool = true;

    fn build(project: &Project, (key, lib, name): &(DepKey, String, String)) -> DepTypes {
        let crates = project.index::<LockedCrates>(key);
        let mut out = DepTypes::default();
        for c in crates.by_lib(lib) {
            let (Some(dir), Some(crate_key)) = (&c.dir, crates.crate_key(c)) else {
                continue;
            };
            // Only the files the crate's name table says may define the type: reading
            // every file of the crate for each type asked about was quadratic in practice.
            let table = project.index::<CrateFns>(&crate_key);
            for relative in table.files_defining_type(name) {
                let file = dir.join(relative);
                let info = crate::crate_index::FileInfo {
                    crate_name: lib.clone(),
                    module: crate::crate_index::module_path(lib, dir, &file),
                    edition: crate::crate_index::Edition::default(),
                };
                let facts = project.index::<FileTypes>(&(file, info));
                let named = |path: &str| path.rsplit("::").next() == Some(name.as_str());
                out.adts
                    .extend(facts.adts.iter().filter(|a| named(&a.path)).cloned());
                out.aliases
                    .extend(facts.aliases.iter().filter(|a| named(&a.path)).cloned());
                for fact in &facts.auto_impls {
                    if named(&fact.path) {
                        out.auto_impls
                            .entry(fact.path.clone())
                            .or_default()
                            .add(fact);
                    }
                }
            }
        }
        out
    }
}

/// The type definitions of one locked source file, from one parse, whichever of them a
/// look-up asks for: a file defining many types (a crate's `types.rs`) was parsed again
/// for each of its types asked about.
#[derive(Default)]
struct FileTypes {
    adts: Vec<crate::crate_index::Adt>,
    aliases: Vec<crate::crate_index::Alias>,
    auto_impls: Vec<crate::crate_index::AutoImplFact>,
}

impl ProjectIndex for FileTypes {
    /// The file's path and its place in its crate.
    type Key = (PathBuf, crate::crate_index::FileInfo);
    // Registry sources are read directly, as for the name tables.
    const READS_DISK_DIRECTLY: bool = true;

    fn build(_: &Project, (file, info): &(PathBuf, crate::crate_index::FileInfo)) -> FileTypes {
        let Ok(text) = prodlint_core::read_regular_to_string(file) else {
            return FileTypes::default();
        };
        let parsed = RustFile::parse(&crate::outline::blank_fn_bodies(&text));
        let facts = crate::crate_index::file_facts(file, info, &parsed);
        FileTypes {
            adts: facts.adts,
            aliases: facts.aliases,
            auto_impls: facts.auto_impls,
        }
    }
}

/// The names a text may define types of (`struct Name`, `enum Name`, `union Name`, `type
/// Name`), found without parsing: a superset (a keyword in a comment or a longer word
/// counts too); the parse of the files they point at decides.
fn type_names(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for keyword in ["struct ", "enum ", "union ", "type "] {
        for (at, _) in text.match_indices(keyword) {
            let rest = &text[at + keyword.len()..];
            let end = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            if end > 0 {
                out.push(&rest[..end]);
            }
        }
    }
    out
}

/// The identifiers of a text's `impl` headers (from the word `impl` to the `{` or `;` that
/// ends it outside angle brackets), found without parsing: a superset of the self types
/// whose methods the text defines (an `impl Trait` in a signature, a word in a comment
/// count too); the parse of the files they point at decides.
fn impl_header_words(text: &str) -> Vec<&str> {
    const MAX_IMPL_HEADER: usize = 4096;
    let bytes = text.as_bytes();
    let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut out = Vec::new();
    for (at, _) in text.match_indices("impl") {
        let after = at + 4;
        if (at > 0 && ident(bytes[at - 1])) || bytes.get(after).is_some_and(|&b| ident(b)) {
            continue;
        }
        // A header is short; an `impl` in prose with an unmatched `<` would otherwise run
        // on through the file.
        let end = bytes.len().min(after + MAX_IMPL_HEADER);
        let (mut i, mut depth) = (after, 0usize);
        while i < end {
            match bytes[i] {
                b'<' => depth += 1,
                // `->` in `impl Fn() -> T` closes nothing.
                b'>' if bytes[i - 1] != b'-' => depth = depth.saturating_sub(1),
                b'{' | b';' if depth == 0 => break,
                b if ident(b) => {
                    let start = i;
                    while i < end && ident(bytes[i]) {
                        i += 1;
                    }
                    if !bytes[start].is_ascii_digit() {
                        out.push(&text[start..i]);
                    }
                    continue;
                }
                _ => {}
            }
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use rayon::prelude::*;

    use super::*;

    #[test]
    fn names_and_definitions() {
        let text = "impl Schema {\n    pub fn get_field(&self, name: &str) -> crate::Result<Field> { todo!() }\n    pub fn find(&self) -> Option<&Self> { None }\n}\ntrait T { fn get_field(&self) -> Self; }\nfn_x(); fn  f() {}\n";
        assert_eq!(fn_names(text), ["get_field", "find", "get_field"]);
        let named = |name: &str| -> Vec<Definition> {
            definitions(text)
                .into_iter()
                .filter(|(n, _)| n == name)
                .map(|(_, d)| d)
                .collect()
        };
        let defs = named("get_field");
        assert_eq!(defs.len(), 2);
        assert_eq!(defs[0].self_ty, "Schema");
        assert_eq!(defs[0].ret, DepRet::Result(Some("Field".into())));
        assert_eq!(defs[0].line, 2);
        assert_eq!(defs[1].trait_name, "T");
        assert_eq!(defs[1].ret, DepRet::Unknown);
        let find = named("find");
        assert_eq!(find[0].ret, DepRet::Option(Some("Schema".into())));
    }

    #[test]
    fn the_name_table_points_a_type_at_the_files_that_may_define_it() {
        let text = "pub struct Node<'a> { raw: *const () }\nenum Kind { A }\n// a union Of\npub type Alias=u8;\nstruct  Spaced;\n";
        let mut names = type_names(text);
        names.sort_unstable();
        // A keyword in a comment counts (the parse decides), two spaces do not.
        assert_eq!(names, ["Alias", "Kind", "Node", "Of"]);
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("src")).unwrap();
        std::fs::write(
            dir.path().join("src/lib.rs"),
            "pub mod node;\nfn helper() {}\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("src/node.rs"), text).unwrap();
        let key = CrateKey {
            dir: dir.path().to_path_buf(),
            name: "ts".into(),
            version: "1.0.0".into(),
            cache_dir: Some(dir.path().join("cache")),
        };
        let scanned = load_or_scan(&key);
        assert!(scanned.scanned);
        let cached = load_or_scan(&key);
        assert!(!cached.scanned, "the second load reads the cached table");
        for table in [&scanned, &cached] {
            assert_eq!(
                table.files_defining_type("Node").collect::<Vec<_>>(),
                ["src/node.rs"]
            );
            assert_eq!(table.files_defining_type("helper").count(), 0);
            assert_eq!(
                table.files_defining("helper").collect::<Vec<_>>(),
                ["src/lib.rs"]
            );
        }
    }

    #[test]
    fn names_from_a_crafted_lock_file_never_become_paths() {
        let dir = tempfile::tempdir().unwrap();
        let cargo_home = dir.path().join("cargo");
        let registry = cargo_home.join("registry/src/index.crates.io-0");
        std::fs::create_dir_all(registry.join("good-1.0.0")).unwrap();
        std::fs::write(registry.join("good-1.0.0/Cargo.toml"), "[package]\n").unwrap();
        // Where `../../../planted` and version `1.0.0` lead from the registry.
        std::fs::create_dir_all(cargo_home.join("planted-1.0.0")).unwrap();
        std::fs::write(cargo_home.join("planted-1.0.0/Cargo.toml"), "[package]\n").unwrap();
        let root = dir.path().join("app");
        std::fs::create_dir_all(&root).unwrap();
        let source = "source = \"registry+https://github.com/rust-lang/crates.io-index\"";
        std::fs::write(
            root.join("Cargo.lock"),
            format!(
                "[[package]]\nname = \"../../../planted\"\nversion = \"1.0.0\"\n{source}\n\n\
                 [[package]]\nname = \"good\"\nversion = \"1.0.0/../../../../x\"\n{source}\n\n\
                 [[package]]\nname = \"good\"\nversion = \"1.0.0\"\n{source}\n"
            ),
        )
        .unwrap();
        let project = Project::new(root.clone()).with_cache_dir(dir.path().join("cache"));
        let key = DepKey::for_root(&project, &root, &cargo_home).unwrap();
        let locked = project.index::<LockedCrates>(&key);
        let names: Vec<(&str, &str)> = locked
            .crates
            .iter()
            .map(|c| (c.name.as_str(), c.version.as_str()))
            .collect();
        assert_eq!(names, [("good", "1.0.0")]);
        assert!(locked.missing.is_empty());

        assert!(is_crate_name("tantivy-common") && is_crate_name("serde_json"));
        for bad in ["", "..", "a/b", "a\\b", "a.b", "ä"] {
            assert!(!is_crate_name(bad), "{bad}");
        }
        assert!(is_crate_version("1.0.0-rc.1+build.5"));
        for bad in ["", "..", "1/2", "1.0.0\u{0}"] {
            assert!(!is_crate_version(bad), "{bad:?}");
        }
    }

    #[test]
    fn impl_headers_name_the_types_whose_methods_a_file_may_define() {
        let text = "impl<T: Into<u8>> Trait<{ N }> for Wrapper<T> where T: Send {}\n\
                    impl crate::net::Endpoint { fn connect() -> impl Fn() -> Output { todo!() } }\n\
                    fn implement() {} // implies Nothing\n";
        let mut words = impl_header_words(text);
        words.sort_unstable();
        words.dedup();
        for word in ["Endpoint", "Wrapper", "Trait", "Fn", "Output"] {
            assert!(words.contains(&word), "{word}: {words:?}");
        }
        assert!(!words.contains(&"Nothing") && !words.contains(&"implement"));
    }

    /// A library's own inherent method is the one its type's call reaches: a crate it
    /// depends on with a type of the same name (quinn's `Endpoint` over quinn-proto's)
    /// neither makes it ambiguous nor is scanned.
    #[test]
    fn a_librarys_own_inherent_method_wins_over_its_dependencies() {
        let dir = tempfile::tempdir().unwrap();
        let cargo_home = dir.path().join("cargo");
        let registry = cargo_home.join("registry/src/index.crates.io-0");
        let write = |path: &str, text: &str| {
            let path = registry.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write("net-1.0.0/Cargo.toml", "[package]\nname = \"net\"\n");
        write(
            "net-1.0.0/src/lib.rs",
            "pub struct Other;\nimpl Other { pub fn connect(&self) {} }\n\
             pub struct Endpoint;\nimpl Endpoint {\n    pub fn connect(&self) -> Result<Conn, Error> { todo!() }\n}\n",
        );
        write(
            "net-proto-1.0.0/Cargo.toml",
            "[package]\nname = \"net-proto\"\n",
        );
        write(
            "net-proto-1.0.0/src/lib.rs",
            "pub struct Endpoint;\nimpl Endpoint { pub fn connect(&mut self) -> Option<Conn> { None } }\n\
             pub struct Only;\nimpl Only { pub fn connect(&self) -> Option<u8> { None } }\n",
        );
        let root = dir.path().join("app");
        std::fs::create_dir_all(&root).unwrap();
        let source = "source = \"registry+https://github.com/rust-lang/crates.io-index\"";
        std::fs::write(
            root.join("Cargo.lock"),
            format!(
                "[[package]]\nname = \"net\"\nversion = \"1.0.0\"\n{source}\ndependencies = [\"net-proto\"]\n\n\
                 [[package]]\nname = \"net-proto\"\nversion = \"1.0.0\"\n{source}\n"
            ),
        )
        .unwrap();
        let project = Project::new(root.clone());
        let key = DepKey::for_root(&project, &root, &cargo_home).unwrap();
        let locked = project.index::<LockedCrates>(&key);
        let found = dep_methods(&project, &key, &locked, "net", "Endpoint", "connect", true);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].krate, "net");
        assert_eq!(found[0].ret, DepRet::Result(Some("Conn".into())));
        assert_eq!(found[0].line, 5);
        // A type the library does not define is looked for in what it depends on.
        let only = dep_methods(&project, &key, &locked, "net", "Only", "connect", true);
        assert_eq!(only.len(), 1);
        assert_eq!(only[0].krate, "net-proto");
        assert_eq!(only[0].ret, DepRet::Option(Some("u8".into())));
    }

    /// The dependency index's cost on a real workspace, cold (no cache) then warm, for
    /// the worst case of every locked crate's name table:
    /// `PRODLINT_LOCK_ROOT=DIR cargo test -p prodlint_rust --release dep_index_time --
    /// --ignored --nocapture`. Uses and first empties `DIR/.prodlint_cache/deps-v4`.
    #[test]
    #[ignore]
    fn dep_index_time() {
        let Some(root) = std::env::var_os("PRODLINT_LOCK_ROOT") else {
            return;
        };
        let root = PathBuf::from(root);
        let cache_dir = root.join(".prodlint_cache");
        let project = Project::new(root.clone()).with_cache_dir(cache_dir.clone());
        let key = DepKey::for_root(&project, &root, &default_cargo_home()).unwrap();
        let _ = std::fs::remove_dir_all(key.cache_dir.as_ref().unwrap());
        for run in ["cold", "warm"] {
            let project = Project::new(root.clone()).with_cache_dir(cache_dir.clone());
            let started = Instant::now();
            let crates = project.index::<LockedCrates>(&key);
            let lock_time = started.elapsed();
            let tables: Vec<Arc<CrateFns>> = crates
                .crates
                .par_iter()
                .filter_map(|c| crates.crate_key(c))
                .map(|k| project.index::<CrateFns>(&k))
                .collect();
            let tables_time = started.elapsed();
            let mut defs = 0;
            for c in &crates.crates {
                for name in ["get", "get_field", "parse", "send"] {
                    defs += project
                        .index::<DepFns>(&(key.clone(), c.lib.clone(), name.to_string()))
                        .defs
                        .len();
                }
            }
            let fns: usize = tables.iter().map(|t| t.len()).sum();
            println!(
                "{run}: {} locked crates ({} missing), lock {lock_time:?}; {} name tables ({} scanned, {fns} names) {tables_time:?}; {defs} definitions of get/get_field/parse/send: total {:?}",
                crates.crates.len(),
                crates.missing.len(),
                tables.len(),
                tables.iter().filter(|t| t.scanned).count(),
                started.elapsed()
            );
        }
    }
}
