//! The crate index: the type definitions of a Cargo package or workspace (structs, enums,
//! unions with their field types, type aliases, `unsafe impl Send/Sync`, traits with their
//! supertraits and `#[async_trait]` flavour), built once per run from every `.rs` file, in
//! parallel, and read-only afterwards.
//!
//! It is a [`ProjectIndex`] keyed by the package or workspace root ([`crate_key`]), so a
//! pre-commit run that names one file still indexes that file's crate, once.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use prodlint_core::{Project, ProjectIndex, Span};
use ra_ap_syntax::ast::{self, HasGenericParams, HasModuleItem, HasName, HasTypeBounds};
use ra_ap_syntax::AstNode;
use rayon::prelude::*;

use crate::auto_traits::AutoTrait;
use crate::types::{async_trait_attr, generic_params, PathTy, Scope, Ty};
use crate::{span, RustFile, SharedParse};

/// A struct, enum or union.
#[derive(Debug, Clone)]
pub struct Adt {
    pub path: String,
    pub file: PathBuf,
    /// The item's name.
    pub name_span: Span,
    pub generics: Vec<String>,
    pub fields: Vec<Field>,
}

#[derive(Debug, Clone)]
pub struct Field {
    /// `swarm`, `0`, `Variant.0`, `Variant.name`.
    pub name: String,
    pub ty: Ty,
    /// The whole field declaration.
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Alias {
    pub path: String,
    pub file: PathBuf,
    pub span: Span,
    pub generics: Vec<String>,
    pub ty: Ty,
}

/// `unsafe impl Send for X {}` and `impl !Sync for X {}` (nightly), by what they promise.
#[derive(Debug, Clone, Default)]
pub struct AutoImpls {
    pub send: Option<bool>,
    pub sync: Option<bool>,
    /// What the `unsafe impl` of `Send` asks of the type's arguments, by their position:
    /// `unsafe impl<T: Send> Send for X<T>` is `[(0, Send)]`, and `X<Rc<u8>>` is not `Send`.
    pub send_requires: Vec<(usize, AutoTrait)>,
    pub sync_requires: Vec<(usize, AutoTrait)>,
}

impl AutoImpls {
    /// The first `unsafe impl` of each trait decides (others are alternative `#[cfg]`s).
    pub(crate) fn add(&mut self, fact: &AutoImplFact) {
        if fact.send && self.send.is_none() {
            self.send = Some(true);
            self.send_requires = fact.requires.clone();
        }
        if fact.sync && self.sync.is_none() {
            self.sync = Some(true);
            self.sync_requires = fact.requires.clone();
        }
    }

    /// What the type's arguments need for it to have `t` by an `unsafe impl`, if one
    /// promises it.
    pub fn promised(&self, t: AutoTrait) -> Option<&[(usize, AutoTrait)]> {
        let (promised, requires) = match t {
            AutoTrait::Send => (self.send, &self.send_requires),
            AutoTrait::Sync => (self.sync, &self.sync_requires),
        };
        (promised == Some(true)).then_some(requires.as_slice())
    }
}

/// One `unsafe impl Send/Sync for X<..>` of a file: the type, the trait, and the auto
/// traits the impl's bounds ask of each of the type's arguments.
#[derive(Debug, Clone)]
pub(crate) struct AutoImplFact {
    pub(crate) path: String,
    pub(crate) send: bool,
    pub(crate) sync: bool,
    pub(crate) requires: Vec<(usize, AutoTrait)>,
}

#[derive(Debug, Clone)]
pub struct TraitInfo {
    pub path: String,
    pub file: PathBuf,
    pub name_span: Span,
    /// The supertraits other than `Send` and `Sync`.
    pub supertraits: Vec<PathTy>,
    pub send: bool,
    pub sync: bool,
    /// `#[async_trait]` → `Some(true)`, `#[async_trait(?Send)]` → `Some(false)`.
    pub async_trait: Option<bool>,
}

/// Where a file sits in its crate.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FileInfo {
    pub crate_name: String,
    /// `my_crate::a::b`.
    pub module: String,
    /// The edition of its package, which decides drop scopes of temporaries.
    pub edition: Edition,
}

/// A Rust edition, as a package's manifest gives it (`edition = "2021"`, or
/// `edition.workspace = true` and the workspace's `[workspace.package] edition`). Cargo's
/// default, without either, is 2015; so is rustc's for a file outside any package.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Edition {
    #[default]
    E2015,
    E2018,
    E2021,
    E2024,
}

impl Edition {
    pub fn parse(text: &str) -> Option<Edition> {
        Some(match text {
            "2015" => Edition::E2015,
            "2018" => Edition::E2018,
            "2021" => Edition::E2021,
            "2024" => Edition::E2024,
            _ => return None,
        })
    }

    /// The edition of a package manifest, inheriting from the workspace's manifest where it
    /// says `edition.workspace = true`. `None` when it names one this does not know (a
    /// later edition) or inherits from a workspace that names none.
    pub fn of_manifest(package: &toml::Table, workspace: Option<&toml::Table>) -> Option<Edition> {
        let Some(value) = package.get("package").and_then(|p| p.get("edition")) else {
            return Some(Edition::E2015);
        };
        if let Some(text) = value.as_str() {
            return Edition::parse(text);
        }
        let inherited = value.get("workspace").and_then(|w| w.as_bool()) == Some(true);
        if !inherited {
            return None;
        }
        let text = workspace?
            .get("workspace")?
            .get("package")?
            .get("edition")?
            .as_str()?;
        Edition::parse(text)
    }
}

/// A function or method signature: what a call returns, and where that is written.
#[derive(Debug, Clone)]
pub struct FnSig {
    pub name: String,
    /// `my_crate::a::f` for a free function, `my_crate::a::Type::f` (or the trait's path)
    /// for a method.
    pub path: String,
    pub file: PathBuf,
    /// The return type as written (or the name, for `()`).
    pub span: Span,
    /// `None` for `()`.
    pub ret: Option<Ty>,
    pub is_async: bool,
    /// The impl's self type (inherent or trait impl); `None` for free functions and trait
    /// declarations.
    pub self_ty: Option<Ty>,
    /// The trait implemented or declared, resolved.
    pub trait_path: Option<String>,
    pub has_self: bool,
    /// Generic parameters of the function and its impl or trait.
    pub generics: Vec<String>,
}

#[derive(Debug, Default)]
pub struct CrateIndex {
    /// The package or workspace root (or a lone file).
    pub root: PathBuf,
    /// The workspace's crate names, sorted and without repeats: ask [`is_workspace_crate`],
    /// a binary search (a workspace may have thousands of crates, and the question is asked
    /// per type and per call).
    pub crate_names: Vec<String>,
    pub files: HashMap<PathBuf, FileInfo>,
    pub adts: HashMap<String, Adt>,
    pub aliases: HashMap<String, Alias>,
    pub auto_impls: HashMap<String, AutoImpls>,
    pub traits: HashMap<String, TraitInfo>,
    /// Free functions by path.
    pub fns: HashMap<String, Vec<FnSig>>,
    /// Methods and associated functions (of impls and trait declarations) by name.
    pub methods: HashMap<String, Vec<FnSig>>,
    /// The methods of impls whose self type is a type definition of the index, by that
    /// definition's path and the method's name: positions in `methods[name]`. So that a
    /// call finds its candidates without looking at every method of that name in the
    /// workspace (`new` is defined by a thousand crates of a large one).
    methods_by_type: HashMap<(String, String), Vec<usize>>,
    /// Last path segment → full paths, for names re-exported or glob-imported.
    by_name: HashMap<String, Vec<String>>,
    /// The workspace's futures and where they must be `Send`.
    pub futures: crate::future_calls::FutureCalls,
    pub build_time: Duration,
}

impl FnSig {
    /// What a call returns when the impl's self type is instantiated with `self_args`
    /// (`Mutex<Vec<u8>>::lock` of `impl<T> Mutex<T>` returns `MutexGuard<Vec<u8>>`):
    /// `None` for `()`. Generic parameters of the function itself stay parameters.
    pub fn ret_for(&self, self_args: &[Ty]) -> Option<Ty> {
        let ret = self.ret.as_ref()?;
        let Some(Ty::Path(owner)) = &self.self_ty else {
            return Some(ret.clone());
        };
        let mut params = Vec::new();
        let mut args = Vec::new();
        for (at, written) in owner.args.iter().enumerate() {
            if let Ty::Param(name) = written {
                params.push(name.clone());
                args.push(self_args.get(at).cloned().unwrap_or(Ty::Opaque));
            }
        }
        Some(ret.substitute(&params, &args))
    }
}

/// What one file contributes; built on a worker thread.
#[derive(Default)]
pub(crate) struct FileFacts {
    pub(crate) adts: Vec<Adt>,
    pub(crate) aliases: Vec<Alias>,
    pub(crate) auto_impls: Vec<AutoImplFact>,
    traits: Vec<TraitInfo>,
    fns: Vec<FnSig>,
    futures: crate::future_calls::FileFutures,
}

/// One file's definitions: an index of its own, so that in an editor a change to one file
/// re-parses that file, and the crate index is assembled again from the others' facts.
/// `None` when the file could not be read.
pub struct ParsedFile(Option<FileFacts>);

impl ProjectIndex for ParsedFile {
    type Key = (PathBuf, FileInfo);

    fn build(project: &Project, (path, info): &(PathBuf, FileInfo)) -> ParsedFile {
        let Ok(text) = project.read(path) else {
            return ParsedFile(None);
        };
        let parsed = project.index::<SharedParse>(path).get(&text);
        ParsedFile(Some(file_facts(path, info, &parsed)))
    }
}

/// The `.rs` files of a crate or workspace with their place in it: an index of its own, so
/// that an edit to a file does not walk the directories again.
pub struct CrateLayout(Vec<(PathBuf, FileInfo)>);

impl CrateLayout {
    /// The paths of the crate's or workspace's `.rs` files.
    pub fn paths(&self) -> impl Iterator<Item = &Path> {
        self.0.iter().map(|(path, _)| path.as_path())
    }
}

impl ProjectIndex for CrateLayout {
    type Key = PathBuf;

    fn build(project: &Project, key: &PathBuf) -> CrateLayout {
        CrateLayout(discover(project, key))
    }
}

impl ProjectIndex for CrateIndex {
    type Key = PathBuf;

    fn build(project: &Project, key: &PathBuf) -> CrateIndex {
        let started = Instant::now();
        let layout = project.index::<CrateLayout>(key);
        let files: Vec<(PathBuf, FileInfo, Arc<ParsedFile>)> = layout
            .0
            .par_iter()
            .map(|key| {
                let parsed = project.index::<ParsedFile>(key);
                (key.0.clone(), key.1.clone(), parsed)
            })
            .collect();
        let mut index = CrateIndex::assemble(key.clone(), &files);
        index.build_time = started.elapsed();
        index
    }
}

impl CrateIndex {
    /// The index of these files (path, crate and module, text), parsed in parallel.
    pub fn from_sources(root: PathBuf, files: Vec<(PathBuf, FileInfo, String)>) -> CrateIndex {
        let parsed: Vec<(PathBuf, FileInfo, Arc<ParsedFile>)> = files
            .into_par_iter()
            .map(|(path, info, text)| {
                let facts = file_facts(&path, &info, &RustFile::parse(&text));
                (path, info, Arc::new(ParsedFile(Some(facts))))
            })
            .collect();
        CrateIndex::assemble(root, &parsed)
    }

    /// The index of the crate from its files' facts.
    fn assemble(root: PathBuf, files: &[(PathBuf, FileInfo, Arc<ParsedFile>)]) -> CrateIndex {
        let mut index = CrateIndex {
            root,
            ..CrateIndex::default()
        };
        let files = files
            .iter()
            .filter_map(|(path, info, parsed)| Some((path, info, parsed.0.as_ref()?)));
        let mut all_facts = Vec::new();
        let mut futures = Vec::new();
        let mut crate_names = BTreeSet::new();
        for (path, info, facts) in files {
            futures.push((path.as_path(), &facts.futures));
            crate_names.insert(info.crate_name.clone());
            index.files.insert(path.clone(), info.clone());
            all_facts.push(facts);
        }
        index.crate_names = crate_names.into_iter().collect();
        // An item defined twice at one path is under alternative `#[cfg]`s (a `mod inner`
        // for each value of a feature, say): which one is compiled is not known here, so
        // the path is left out, and types through it count as unknown (Send and Sync).
        let mut ambiguous: HashSet<String> = HashSet::new();
        for facts in all_facts {
            for adt in facts.adts.iter().cloned() {
                if index.adts.contains_key(&adt.path) {
                    ambiguous.insert(adt.path.clone());
                }
                index.adts.entry(adt.path.clone()).or_insert(adt);
            }
            for alias in facts.aliases.iter().cloned() {
                if index.aliases.contains_key(&alias.path) || index.adts.contains_key(&alias.path) {
                    ambiguous.insert(alias.path.clone());
                }
                index.aliases.entry(alias.path.clone()).or_insert(alias);
            }
            for fact in &facts.auto_impls {
                index
                    .auto_impls
                    .entry(fact.path.clone())
                    .or_default()
                    .add(fact);
            }
            for info in facts.traits.iter().cloned() {
                index.traits.entry(info.path.clone()).or_insert(info);
            }
            for sig in facts.fns.iter().cloned() {
                if sig.self_ty.is_some() || sig.trait_path.is_some() {
                    index.methods.entry(sig.name.clone()).or_default().push(sig);
                } else {
                    index.fns.entry(sig.path.clone()).or_default().push(sig);
                }
            }
        }
        for path in &ambiguous {
            index.adts.remove(path);
            index.aliases.remove(path);
        }
        index.by_name = names_of(&index);
        let mut methods_by_type: HashMap<(String, String), Vec<usize>> = HashMap::new();
        for (name, sigs) in &index.methods {
            for (at, sig) in sigs.iter().enumerate() {
                if let Some(owner) = index.definition_of(sig.self_ty.as_ref()) {
                    let key = (owner.to_string(), name.clone());
                    methods_by_type.entry(key).or_default().push(at);
                }
            }
        }
        index.methods_by_type = methods_by_type;
        // The return type of the one workspace function at a path; a method through the
        // canonical path of its type (`crate::io::Socket::new` re-exported from
        // `crate::io::socket`).
        let ret_of = |path: &str| {
            let (owner, name) = path.rsplit_once("::")?;
            let sigs = index.fns.get(path).into_iter().flatten();
            let methods = index.methods.get(name).into_iter().flatten();
            let mut found: Vec<&FnSig> = sigs.chain(methods).filter(|s| s.path == path).collect();
            if found.is_empty() {
                let owner = Ty::Path(PathTy {
                    path: owner.to_string(),
                    relative: None,
                    local: false,
                    args: Vec::new(),
                });
                if let Some(definition) = index.definition_of(Some(&owner)) {
                    found = index.methods_of(definition, name).collect();
                }
            }
            match found.as_slice() {
                [only] => only.ret.clone(),
                _ => None,
            }
        };
        let futures = crate::future_calls::FutureCalls::assemble(futures.into_iter(), ret_of);
        index.futures = futures;
        index
    }
}

/// Last path segment → full paths of the index's types, aliases and traits.
fn names_of(index: &CrateIndex) -> HashMap<String, Vec<String>> {
    let mut by_name: HashMap<String, Vec<String>> = HashMap::new();
    let names = index
        .adts
        .keys()
        .chain(index.aliases.keys())
        .chain(index.traits.keys());
    for path in names {
        let name = path.rsplit("::").next().unwrap_or(path).to_string();
        by_name.entry(name).or_default().push(path.clone());
    }
    for paths in by_name.values_mut() {
        paths.sort();
        paths.dedup();
    }
    by_name
}

/// What a resolved path names in the index.
pub enum Item<'a> {
    Adt(&'a Adt),
    Alias(&'a Alias),
}

impl CrateIndex {
    /// Builds the index of the crate (or workspace) that `file` belongs to, through the
    /// project, so that it is built once per key.
    pub fn for_file(project: &Project, file: &Path) -> Arc<CrateIndex> {
        project.index::<CrateIndex>(&crate_key(project, file))
    }

    /// Finds the canonical path an index path names: as written, relative to the module it
    /// was written in, or (for paths of this crate: re-exports, globs) by a unique name.
    fn canonical<'a>(&'a self, ty: &'a PathTy, map: impl Fn(&str) -> bool) -> Option<&'a str> {
        if map(&ty.path) {
            return Some(&ty.path);
        }
        if let Some(relative) = &ty.relative {
            if map(relative) {
                return Some(relative);
            }
        }
        // A path of this crate starts with its name; a dependency's type, read from its
        // sources, is local to that dependency and starts with the dependency's name (its
        // private `Slot` is not the workspace's `Slot`).
        let first = ty.path.split("::").next().unwrap_or("");
        let ours = is_workspace_crate(&self.crate_names, first);
        let name = ty.path.rsplit("::").next()?;
        if !ours {
            return self.in_child_module(ty, name, map);
        }
        let candidates: Vec<&String> = self.by_name.get(name)?.iter().filter(|p| map(p)).collect();
        match candidates.as_slice() {
            [only] => Some(only.as_str()),
            _ => None,
        }
    }

    /// `driver::Handle` written in `crate::runtime`: the one item of that name under the
    /// child module `crate::runtime::driver`, where a glob may re-export it (`pub(crate)
    /// use handle::*`). A definition under that module shows the module exists, and a
    /// module of that name cannot also be an external crate (the path would be ambiguous).
    fn in_child_module<'a>(
        &'a self,
        ty: &PathTy,
        name: &str,
        map: impl Fn(&str) -> bool,
    ) -> Option<&'a str> {
        let relative = ty.relative.as_ref()?;
        let written = ty.path.split("::").count();
        let segments: Vec<&str> = relative.split("::").collect();
        let module = segments.get(..(segments.len() + 1).checked_sub(written)?)?;
        let prefix = format!("{}::", module.join("::"));
        let candidates: Vec<&String> = self
            .by_name
            .get(name)?
            .iter()
            .filter(|p| p.starts_with(&prefix) && map(p))
            .collect();
        match candidates.as_slice() {
            [only] => Some(only.as_str()),
            _ => None,
        }
    }

    pub fn item(&self, ty: &PathTy) -> Option<Item<'_>> {
        let path = self.canonical(ty, |p| {
            self.adts.contains_key(p) || self.aliases.contains_key(p)
        })?;
        if let Some(adt) = self.adts.get(path) {
            return Some(Item::Adt(adt));
        }
        self.aliases.get(path).map(Item::Alias)
    }

    /// The path of the type definition a type names, if it names one of the index.
    pub fn definition_of(&self, ty: Option<&Ty>) -> Option<&str> {
        let Some(Ty::Path(p)) = ty else { return None };
        match self.item(p)? {
            Item::Adt(adt) => Some(&adt.path),
            Item::Alias(_) => None,
        }
    }

    /// The methods and associated functions named `name` of impls of the type definition
    /// at `type_path`.
    pub fn methods_of<'a>(
        &'a self,
        type_path: &str,
        name: &str,
    ) -> impl Iterator<Item = &'a FnSig> + 'a {
        let sigs = self.methods.get(name);
        self.methods_by_type
            .get(&(type_path.to_string(), name.to_string()))
            .into_iter()
            .flatten()
            .filter_map(move |&at| sigs?.get(at))
    }

    /// The definitions of the free function a call's path resolves to: as written, or
    /// relative to the module the call is in.
    pub fn free_fn(&self, resolved: &PathTy) -> Option<&[FnSig]> {
        [Some(&resolved.path), resolved.relative.as_ref()]
            .into_iter()
            .flatten()
            .find_map(|candidate| self.fns.get(candidate))
            .map(Vec::as_slice)
    }

    /// The methods (with `has_self`) or also associated functions named `name` of the type
    /// definition at `type_path`: its inherent ones if it has any, else those of its trait
    /// impls, as method resolution prefers them.
    pub fn method_candidates(&self, type_path: &str, name: &str, has_self: bool) -> Vec<&FnSig> {
        let sigs: Vec<&FnSig> = self
            .methods_of(type_path, name)
            .filter(|s| s.has_self || !has_self)
            .collect();
        let inherent: Vec<&FnSig> = sigs
            .iter()
            .copied()
            .filter(|s| s.trait_path.is_none())
            .collect();
        if inherent.is_empty() {
            sigs
        } else {
            inherent
        }
    }

    pub fn trait_info(&self, ty: &PathTy) -> Option<&TraitInfo> {
        let path = self.canonical(ty, |p| self.traits.contains_key(p))?;
        self.traits.get(path)
    }

    pub fn auto_impl(&self, path: &str) -> AutoImpls {
        self.auto_impls.get(path).cloned().unwrap_or_default()
    }

    /// The scope (crate, module, `use` items) of a file's top level, as the index sees it.
    pub fn file_scope(&self, path: &Path, tree: &ast::SourceFile) -> Scope {
        let (crate_name, module) = match self.files.get(path) {
            Some(info) => (info.crate_name.clone(), info.module.clone()),
            None => ("crate".to_string(), "crate".to_string()),
        };
        let mut scope = Scope::new(&crate_name, &module);
        for item in tree.items() {
            if let ast::Item::Use(u) = item {
                scope.add_use(&u);
            }
        }
        scope
    }

    /// Whether a trait requires `Send`/`Sync` of its implementors, through its supertraits.
    pub fn trait_requires(&self, ty: &PathTy) -> (bool, bool) {
        let mut seen = Vec::new();
        self.trait_requires_inner(ty, &mut seen)
    }

    fn trait_requires_inner(&self, ty: &PathTy, seen: &mut Vec<String>) -> (bool, bool) {
        let Some(info) = self.trait_info(ty) else {
            return (false, false);
        };
        if seen.contains(&info.path) {
            return (false, false);
        }
        seen.push(info.path.clone());
        let (mut send, mut sync) = (info.send, info.sync);
        for sup in &info.supertraits {
            let (a, b) = self.trait_requires_inner(sup, seen);
            send |= a;
            sync |= b;
        }
        (send, sync)
    }
}

/// A directory's `Cargo.toml`, parsed (`None` when there is none or it does not parse): an
/// index, so that each manifest is read and parsed once per run however many files ask
/// which crate they belong to.
pub struct Manifest(pub Option<toml::Table>);

impl ProjectIndex for Manifest {
    type Key = PathBuf;

    fn build(project: &Project, dir: &PathBuf) -> Manifest {
        let text = project.read(&dir.join("Cargo.toml")).ok();
        Manifest(text.and_then(|t| t.parse::<toml::Table>().ok()))
    }
}

/// Whether `file` belongs to a procedural-macro crate (`[lib] proc-macro = true` in the
/// nearest package manifest): its code runs inside the compiler, at build time, where a panic
/// is a compile error with a message and no address is ever connected to, so the rules treat
/// it as tooling, like `build.rs`.
pub fn is_proc_macro_file(project: &Project, file: &Path) -> bool {
    let Some(manifest) = package_manifest(project, file) else {
        return false;
    };
    let lib = manifest
        .0
        .as_ref()
        .and_then(|m| m.get("lib"))
        .and_then(|l| l.as_table());
    // Cargo still reads the older spelling `proc_macro`.
    lib.is_some_and(|lib| {
        ["proc-macro", "proc_macro"]
            .iter()
            .any(|key| lib.get(*key).and_then(|v| v.as_bool()) == Some(true))
    })
}

/// Whether `file` belongs to a package of test support by its name: the last word of the
/// package name (split at `-` and `_`) is `integration`, `tests`, `testing` or `e2e`
/// (`linkerd-app-integration`, `integration`, `api-tests`): a crate of harnesses and
/// helpers that only tests use. `integrations`, a crate of connectors, is not one.
pub fn is_test_support_file(project: &Project, file: &Path) -> bool {
    let Some(manifest) = package_manifest(project, file) else {
        return false;
    };
    let name = manifest
        .0
        .as_ref()
        .and_then(|m| m.get("package")?.get("name")?.as_str())
        .unwrap_or("");
    let last = name.rsplit(['-', '_']).next().unwrap_or("");
    matches!(last, "integration" | "tests" | "testing" | "e2e")
}

/// The nearest manifest above `file` that has a `[package]` (a virtual workspace's is
/// passed over).
fn package_manifest(project: &Project, file: &Path) -> Option<Arc<Manifest>> {
    let file = prodlint_core::normalize(&project.cwd, file);
    file.ancestors()
        .skip(1)
        .map(|dir| project.index::<Manifest>(&dir.to_path_buf()))
        .find(|m| m.0.as_ref().is_some_and(|v| v.contains_key("package")))
}

/// The member directories of the workspace whose manifest is in the key directory, sorted:
/// built once per run (a workspace of thousands of crates lists `crates/*` once, not once
/// per file).
pub struct WorkspaceMembers(Vec<PathBuf>);

impl ProjectIndex for WorkspaceMembers {
    type Key = PathBuf;

    fn build(project: &Project, root: &PathBuf) -> WorkspaceMembers {
        let manifest = project.index::<Manifest>(root);
        let members = match manifest.0.as_ref().and_then(|m| m.get("workspace")) {
            Some(workspace) => workspace_members(project, root, workspace),
            None => Vec::new(),
        };
        WorkspaceMembers(members)
    }
}

impl WorkspaceMembers {
    pub fn contains(&self, dir: &Path) -> bool {
        self.0.binary_search_by(|m| m.as_path().cmp(dir)).is_ok()
    }
}

/// The key of the index a file belongs to: the root of its Cargo workspace if the
/// workspace lists its package, else its package root, else the file itself.
pub fn crate_key(project: &Project, file: &Path) -> PathBuf {
    let file = prodlint_core::normalize(&project.cwd, file);
    let mut package: Option<PathBuf> = None;
    for dir in file.ancestors().skip(1) {
        let manifest = project.index::<Manifest>(&dir.to_path_buf());
        let Some(value) = manifest.0.as_ref() else {
            continue;
        };
        if value.contains_key("workspace") {
            match &package {
                None if value.contains_key("package") => return dir.to_path_buf(),
                None => {}
                Some(package_dir) => {
                    let members = project.index::<WorkspaceMembers>(&dir.to_path_buf());
                    if members.contains(package_dir) {
                        return dir.to_path_buf();
                    }
                    return package_dir.clone();
                }
            }
        }
        if package.is_none() && value.contains_key("package") {
            package = Some(dir.to_path_buf());
        }
    }
    package.unwrap_or(file)
}

/// The member directories of a `[workspace]` table (`members`, with `*` globs, minus
/// `exclude`), sorted.
pub fn workspace_members(project: &Project, root: &Path, workspace: &toml::Value) -> Vec<PathBuf> {
    let strings = |key: &str| -> Vec<String> {
        workspace
            .get(key)
            .and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    };
    let excluded: Vec<PathBuf> = strings("exclude").iter().map(|e| root.join(e)).collect();
    let mut out = Vec::new();
    for member in strings("members") {
        let mut dirs = vec![root.to_path_buf()];
        for part in member.split('/').filter(|p| !p.is_empty() && *p != ".") {
            let mut next = Vec::new();
            for dir in dirs {
                if part.contains('*') {
                    let (prefix, suffix) = part.split_once('*').unwrap_or((part, ""));
                    for (entry, is_dir) in project.read_dir(&dir).unwrap_or_default() {
                        let name = entry
                            .file_name()
                            .map(|n| n.to_string_lossy().to_string())
                            .unwrap_or_default();
                        if is_dir && name.starts_with(prefix) && name.ends_with(suffix) {
                            next.push(entry);
                        }
                    }
                } else {
                    next.push(dir.join(part));
                }
            }
            dirs = next;
        }
        out.extend(dirs.into_iter().filter(|d| !excluded.contains(d)));
    }
    out.sort();
    out.dedup();
    out
}

/// A package's crate name: `[lib] name`, else `[package] name` with `-` as `_`.
fn crate_name(manifest: &toml::Table) -> Option<String> {
    let lib = manifest
        .get("lib")
        .and_then(|l| l.get("name"))
        .and_then(|n| n.as_str());
    let package = manifest
        .get("package")
        .and_then(|p| p.get("name"))
        .and_then(|n| n.as_str());
    lib.or(package).map(|n| n.replace('-', "_"))
}

/// Every `.rs` file of the key's packages, with its crate and module.
fn discover(project: &Project, key: &Path) -> Vec<(PathBuf, FileInfo)> {
    if key.extension().is_some_and(|e| e == "rs") {
        let info = FileInfo {
            crate_name: "crate".into(),
            module: "crate".into(),
            edition: Edition::E2015,
        };
        return vec![(key.to_path_buf(), info)];
    }
    let root = project.index::<Manifest>(&key.to_path_buf());
    let Some(manifest) = root.0.as_ref() else {
        return Vec::new();
    };
    let mut packages = Vec::new();
    if manifest.contains_key("package") {
        packages.push((key.to_path_buf(), Arc::clone(&root)));
    }
    if manifest.contains_key("workspace") {
        for member in &project.index::<WorkspaceMembers>(&key.to_path_buf()).0 {
            if member == key {
                continue;
            }
            let m = project.index::<Manifest>(member);
            if m.0.is_some() {
                packages.push((member.clone(), m));
            }
        }
    }
    let package_dirs: HashSet<PathBuf> = packages.iter().map(|(d, _)| d.clone()).collect();
    let mut out = Vec::new();
    for (dir, manifest) in &packages {
        let Some(name) = manifest.0.as_ref().and_then(crate_name) else {
            continue;
        };
        let workspace = root.0.as_ref().filter(|m| m.contains_key("workspace"));
        // An edition not known here gets the drop scopes of the latest one known.
        let edition = manifest
            .0
            .as_ref()
            .and_then(|m| Edition::of_manifest(m, workspace))
            .unwrap_or(Edition::E2024);
        let mut files = Vec::new();
        walk(project, dir, dir, &package_dirs, &mut files);
        files.sort();
        for file in files {
            let module = module_path(&name, dir, &file);
            out.push((
                file,
                FileInfo {
                    crate_name: name.clone(),
                    module,
                    edition,
                },
            ));
        }
    }
    out
}

/// `.rs` files under `dir`, skipping `target/`, hidden directories and other packages.
///
/// The listing goes through the project, so that a file added to the crate invalidates what
/// was concluded from the crate without it.
fn walk(
    project: &Project,
    package: &Path,
    dir: &Path,
    packages: &HashSet<PathBuf>,
    out: &mut Vec<PathBuf>,
) {
    let Ok(entries) = project.read_dir(dir) else {
        return;
    };
    for (path, is_dir) in entries {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        if is_dir {
            if name.starts_with('.') || name == "target" || name == "node_modules" {
                continue;
            }
            if path != package && packages.contains(&path) {
                continue;
            }
            walk(project, package, &path, packages, out);
        } else if name.ends_with(".rs") {
            out.push(path);
        }
    }
}

/// `src/lib.rs` → `my_crate`, `src/a/mod.rs` → `my_crate::a`, `src/a/b.rs` →
/// `my_crate::a::b`; files outside `src/` get a module of their own.
pub(crate) fn module_path(crate_name: &str, package: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(package).unwrap_or(file);
    let mut parts: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().to_string())
        .collect();
    if parts.first().is_some_and(|p| p == "src") {
        parts.remove(0);
    } else {
        parts.insert(0, "__outside_src".into());
    }
    if let Some(last) = parts.last_mut() {
        *last = last.trim_end_matches(".rs").to_string();
    }
    if parts.len() == 1 && matches!(parts[0].as_str(), "lib" | "main") {
        parts.clear();
    }
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    let mut out = vec![crate_name.to_string()];
    out.extend(parts);
    out.join("::")
}

/// Records the definitions of one parsed file.
pub(crate) fn file_facts(path: &Path, info: &FileInfo, parsed: &RustFile) -> FileFacts {
    let tree = parsed.tree();
    let mut scope = Scope::new(&info.crate_name, &info.module);
    let mut facts = FileFacts {
        futures: crate::future_calls::file_futures(info, &tree),
        ..FileFacts::default()
    };
    module_facts(path, tree.items(), &mut scope, &mut facts);
    facts
}

fn module_facts(
    path: &Path,
    items: impl Iterator<Item = ast::Item> + Clone,
    scope: &mut Scope,
    facts: &mut FileFacts,
) {
    for item in items.clone() {
        if let ast::Item::Use(u) = &item {
            scope.add_use(u);
        }
    }
    for item in items {
        match item {
            ast::Item::Struct(s) => {
                let Some(name) = s.name() else { continue };
                let mut item_scope = scope.clone();
                item_scope.generics = generic_params(s.generic_param_list());
                let fields = field_list(&item_scope, s.field_list(), "");
                facts
                    .adts
                    .push(adt(path, scope, &name, item_scope.generics, fields));
            }
            ast::Item::Union(u) => {
                let Some(name) = u.name() else { continue };
                let mut item_scope = scope.clone();
                item_scope.generics = generic_params(u.generic_param_list());
                let fields = field_list(
                    &item_scope,
                    u.record_field_list().map(ast::FieldList::RecordFieldList),
                    "",
                );
                facts
                    .adts
                    .push(adt(path, scope, &name, item_scope.generics, fields));
            }
            ast::Item::Enum(e) => {
                let Some(name) = e.name() else { continue };
                let mut item_scope = scope.clone();
                item_scope.generics = generic_params(e.generic_param_list());
                let mut fields = Vec::new();
                for variant in e.variant_list().into_iter().flat_map(|l| l.variants()) {
                    let prefix = variant
                        .name()
                        .map(|n| format!("{}.", n.text()))
                        .unwrap_or_default();
                    fields.extend(field_list(&item_scope, variant.field_list(), &prefix));
                }
                facts
                    .adts
                    .push(adt(path, scope, &name, item_scope.generics, fields));
            }
            ast::Item::TypeAlias(t) => {
                let (Some(name), Some(ty)) = (t.name(), t.ty()) else {
                    continue;
                };
                let mut item_scope = scope.clone();
                item_scope.generics = generic_params(t.generic_param_list());
                facts.aliases.push(Alias {
                    path: format!("{}::{}", scope.module, name.text()),
                    file: path.to_path_buf(),
                    span: span(name.syntax().text_range()),
                    ty: item_scope.ty(&ty),
                    generics: item_scope.generics,
                });
            }
            ast::Item::Impl(i) => {
                impl_fns(path, scope, &i, facts);
                let (Some(trait_), Some(self_ty)) = (i.trait_(), i.self_ty()) else {
                    continue;
                };
                let trait_text = trait_.syntax().text().to_string();
                let trait_name = trait_text.rsplit("::").next().unwrap_or("").trim();
                let negative = i.excl_token().is_some();
                let is_send = trait_name == "Send";
                let is_sync = trait_name == "Sync";
                if !(is_send || is_sync) || negative {
                    continue;
                }
                let mut item_scope = scope.clone();
                item_scope.generics = generic_params(i.generic_param_list());
                item_scope.bind_param_bounds(i.generic_param_list(), i.where_clause());
                if let Ty::Path(p) = item_scope.ty(&self_ty) {
                    let mut requires = Vec::new();
                    for (at, arg) in p.args.iter().enumerate() {
                        if let Ty::Generic(_, bounds) = arg {
                            if bounds.send {
                                requires.push((at, AutoTrait::Send));
                            }
                            if bounds.sync {
                                requires.push((at, AutoTrait::Sync));
                            }
                        }
                    }
                    facts.auto_impls.push(AutoImplFact {
                        path: p.path,
                        send: is_send,
                        sync: is_sync,
                        requires,
                    });
                }
            }
            ast::Item::Fn(f) => {
                if let Some(sig) = fn_sig(path, scope, &f, None, None) {
                    facts.fns.push(sig);
                }
            }
            ast::Item::Trait(t) => {
                let Some(name) = t.name() else { continue };
                let trait_path = format!("{}::{}", scope.module, name.text());
                let mut item_scope = scope.clone();
                item_scope.generics = generic_params(t.generic_param_list());
                item_scope.generics.push("Self".into());
                for item in t
                    .assoc_item_list()
                    .into_iter()
                    .flat_map(|l| l.assoc_items())
                {
                    if let ast::AssocItem::Fn(f) = item {
                        let sig = fn_sig(path, &item_scope, &f, None, Some(trait_path.clone()));
                        facts.fns.extend(sig);
                    }
                }
                let bounds = t.type_bound_list().map(|b| scope.bounds(&b));
                facts.traits.push(TraitInfo {
                    path: format!("{}::{}", scope.module, name.text()),
                    file: path.to_path_buf(),
                    name_span: span(name.syntax().text_range()),
                    supertraits: bounds
                        .as_ref()
                        .map(|b| b.traits.clone())
                        .unwrap_or_default(),
                    send: bounds.as_ref().is_some_and(|b| b.send),
                    sync: bounds.as_ref().is_some_and(|b| b.sync),
                    async_trait: async_trait_attr(&t, scope).map(|a| a.send),
                });
            }
            ast::Item::Module(m) => {
                let (Some(name), Some(list)) = (m.name(), m.item_list()) else {
                    continue;
                };
                let mut inner = Scope::new(
                    &scope.crate_name,
                    &format!("{}::{}", scope.module, name.text()),
                );
                module_facts(path, list.items(), &mut inner, facts);
            }
            _ => {}
        }
    }
}

/// The methods and associated functions of an impl block.
fn impl_fns(path: &Path, scope: &Scope, i: &ast::Impl, facts: &mut FileFacts) {
    let Some(self_ty) = i.self_ty() else { return };
    let mut item_scope = scope.clone();
    item_scope.generics = generic_params(i.generic_param_list());
    let self_ty = item_scope.ty(&self_ty);
    item_scope.self_ty = Some(self_ty.clone());
    let trait_path = i.trait_().and_then(|t| match item_scope.ty(&t) {
        Ty::Path(p) => Some(p.path),
        _ => None,
    });
    for item in i
        .assoc_item_list()
        .into_iter()
        .flat_map(|l| l.assoc_items())
    {
        if let ast::AssocItem::Fn(f) = item {
            let sig = fn_sig(
                path,
                &item_scope,
                &f,
                Some(self_ty.clone()),
                trait_path.clone(),
            );
            facts.fns.extend(sig);
        }
    }
}

fn fn_sig(
    path: &Path,
    scope: &Scope,
    f: &ast::Fn,
    self_ty: Option<Ty>,
    trait_path: Option<String>,
) -> Option<FnSig> {
    let name = f.name()?;
    let mut fn_scope = scope.clone();
    fn_scope
        .generics
        .extend(generic_params(f.generic_param_list()));
    let ret_ty = f.ret_type().and_then(|r| r.ty());
    let span = match &ret_ty {
        Some(ty) => crate::span(ty.syntax().text_range()),
        None => crate::span(name.syntax().text_range()),
    };
    let owner = match (&self_ty, &trait_path) {
        (Some(Ty::Path(p)), _) => p.path.clone(),
        (_, Some(t)) => t.clone(),
        _ => scope.module.clone(),
    };
    Some(FnSig {
        name: name.text().to_string(),
        path: format!("{owner}::{}", name.text()),
        file: path.to_path_buf(),
        span,
        ret: ret_ty.map(|t| fn_scope.ty(&t)),
        is_async: f.async_token().is_some(),
        self_ty,
        trait_path,
        has_self: f.param_list().and_then(|p| p.self_param()).is_some(),
        generics: fn_scope.generics,
    })
}

fn adt(
    path: &Path,
    scope: &Scope,
    name: &ast::Name,
    generics: Vec<String>,
    fields: Vec<Field>,
) -> Adt {
    Adt {
        path: format!("{}::{}", scope.module, name.text()),
        file: path.to_path_buf(),
        name_span: span(name.syntax().text_range()),
        generics,
        fields,
    }
}

fn field_list(scope: &Scope, list: Option<ast::FieldList>, prefix: &str) -> Vec<Field> {
    let mut out = Vec::new();
    match list {
        Some(ast::FieldList::RecordFieldList(list)) => {
            for field in list.fields() {
                let (Some(name), Some(ty)) = (field.name(), field.ty()) else {
                    continue;
                };
                let start = name.syntax().text_range().start();
                let end = field.syntax().text_range().end();
                out.push(Field {
                    name: format!("{prefix}{}", name.text()),
                    ty: scope.ty(&ty),
                    span: span(ra_ap_syntax::TextRange::new(start, end)),
                });
            }
        }
        Some(ast::FieldList::TupleFieldList(list)) => {
            for (i, field) in list.fields().enumerate() {
                let Some(ty) = field.ty() else { continue };
                out.push(Field {
                    name: format!("{prefix}{i}"),
                    span: span(ty.syntax().text_range()),
                    ty: scope.ty(&ty),
                });
            }
        }
        None => {}
    }
    out
}

/// Whether `name` is one of a crate index's `crate_names` (sorted, without repeats).
pub fn is_workspace_crate(crate_names: &[String], name: &str) -> bool {
    crate_names
        .binary_search_by(|c| c.as_str().cmp(name))
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workspace_members_key_and_modules() {
        let dir = std::env::temp_dir().join(format!("prodlint-index-{}", std::process::id()));
        let member = dir.join("crates/app");
        std::fs::create_dir_all(member.join("src/net")).unwrap();
        std::fs::write(
            dir.join("Cargo.toml"),
            "[workspace]\nmembers = [\"crates/*\"]\n",
        )
        .unwrap();
        std::fs::write(member.join("Cargo.toml"), "[package]\nname = \"my-app\"\n").unwrap();
        std::fs::write(
            member.join("src/lib.rs"),
            "pub mod net;\npub struct Root;\n",
        )
        .unwrap();
        std::fs::write(member.join("src/net/mod.rs"), "pub struct Peer { a: u8 }\n").unwrap();
        let project = Project::new(dir.clone());
        let file = member.join("src/net/mod.rs");
        assert_eq!(crate_key(&project, &file), dir);
        let index = CrateIndex::for_file(&project, &file);
        assert!(index.adts.contains_key("my_app::net::Peer"));
        assert!(index.adts.contains_key("my_app::Root"));
        // The index parsed the file through the shared parse, which the check of the file
        // then reuses; once released, it is parsed again.
        let shared = project.index::<SharedParse>(&file);
        let kept = shared
            .held()
            .expect("the crate index's parse is kept for the check");
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(Arc::ptr_eq(&kept, &shared.get(&text)));
        assert!(!Arc::ptr_eq(&kept, &shared.get("pub struct Other;\n")));
        shared.release();
        assert!(shared.held().is_none());
        assert!(!Arc::ptr_eq(&kept, &shared.get(&text)));
        std::fs::remove_dir_all(dir).unwrap();
    }

    /// Prints how long indexing a crate takes: `PRODLINT_INDEX_ROOT=DIR cargo test -p
    /// prodlint_rust --release index_build_time -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn index_build_time() {
        let Some(root) = std::env::var_os("PRODLINT_INDEX_ROOT") else {
            return;
        };
        let root = PathBuf::from(root);
        let project = Project::new(root.clone());
        let index = project.index::<CrateIndex>(&root);
        println!(
            "{}: {} files, {} types, {} aliases, {} traits in {:?}",
            root.display(),
            index.files.len(),
            index.adts.len(),
            index.aliases.len(),
            index.traits.len(),
            index.build_time
        );
    }

    #[test]
    fn items_defined_under_alternative_cfgs_are_unknown() {
        let dir =
            std::env::temp_dir().join(format!("prodlint-cfg-alternatives-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("src")).unwrap();
        std::fs::write(
            dir.join("Cargo.toml"),
            "[package]\nname = \"maybe\"\nversion = \"0.1.0\"\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("src/lib.rs"),
            "#[cfg(feature = \"sync\")]\nmod inner { pub type Map = std::sync::Mutex<u8>; pub struct Shared(std::sync::Arc<u8>); }\n#[cfg(not(feature = \"sync\"))]\nmod inner { pub type Map = std::cell::RefCell<u8>; pub struct Shared(std::rc::Rc<u8>); }\npub struct Plain(u8);\n",
        )
        .unwrap();
        let project = Project::new(dir.clone());
        let index = project.index::<CrateIndex>(&dir);
        assert!(
            index.aliases.keys().all(|p| !p.ends_with("inner::Map")),
            "{:?}",
            index.aliases.keys()
        );
        assert!(
            index.adts.keys().all(|p| !p.ends_with("inner::Shared")),
            "{:?}",
            index.adts.keys()
        );
        assert!(
            index.adts.keys().any(|p| p.ends_with("::Plain")),
            "{:?}",
            index.adts.keys()
        );
        std::fs::remove_dir_all(dir).unwrap();
    }
}
