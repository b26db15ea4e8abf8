//! What a locked crate's library exports, read from its sources module by module along
//! the paths a workspace uses: items, re-exports (`pub use`, globs; `#[doc(inline)]` is
//! a plain `pub use`), `#[deprecated]` and `#[cfg(feature = "..")]` (read with syn, see
//! [`crate::attr`]).
//!
//! Item-level macro calls (`cfg_rt! { .. }`, `cfg_if!`) may define anything: a name not
//! found in a module that has one is unknown, never missing. So is a name behind a
//! private `use`, a proc-macro crate's, or one reached through a path this reader does
//! not follow (`<T as Trait>::..`, an associated item).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use prodlint_core::{Project, ProjectIndex};
use ra_ap_syntax::ast::{self, HasAttrs, HasModuleItem, HasName, HasVisibility};
use ra_ap_syntax::AstNode;

use super::manifest::{LockGraph, LockPackage};
use super::LockedCrates;
use crate::attr::{self, Cfg, Deprecation};
use crate::RustFile;

/// A name a module declares.
#[derive(Debug, Clone)]
pub struct ApiItem {
    pub name: String,
    pub kind: ItemKind,
    pub public: bool,
    /// The `#[cfg(..)]` predicates on it.
    pub cfg: Vec<Cfg>,
    pub deprecated: Option<Deprecation>,
    pub line: u32,
}

#[derive(Debug, Clone)]
pub enum ItemKind {
    /// A module: an inline one of the same file (by its path in the file), or a file
    /// (`None` when it cannot be found).
    Module(ModuleAt),
    Item,
    Macro,
    /// `pub use a::b::c as name`: the path.
    Reexport(Vec<String>),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ModuleAt {
    Inline(Vec<String>),
    File(Option<PathBuf>),
}

/// One module's declarations.
#[derive(Debug, Default)]
pub struct ApiModule {
    pub items: Vec<ApiItem>,
    /// `use path::*` (public or not) with its predicates.
    pub globs: Vec<(Vec<String>, bool, Vec<Cfg>)>,
    /// Item-level macro calls: it may declare names not seen here.
    pub opaque: bool,
    /// `#![cfg(..)]` of a module file.
    pub cfg: Vec<Cfg>,
}

/// The modules of one source file of a locked crate (the file's own and its inline
/// modules, by their path in the file).
#[derive(Debug, Default)]
pub struct ApiFile {
    pub modules: HashMap<Vec<String>, ApiModule>,
}

impl ProjectIndex for ApiFile {
    type Key = PathBuf;
    // Registry sources, read directly (see `LockedCrates`).
    const READS_DISK_DIRECTLY: bool = true;

    fn build(_: &Project, file: &PathBuf) -> ApiFile {
        let Ok(text) = std::fs::read_to_string(file) else {
            return ApiFile::default();
        };
        let parsed = RustFile::parse(&text);
        let tree = parsed.tree();
        let mut out = ApiFile::default();
        let mut root = ApiModule {
            cfg: tree.attrs().filter_map(|a| attr::cfg(&a)).collect(),
            ..ApiModule::default()
        };
        let base = module_dir(file);
        collect(&text, tree.items(), &base, &[], &mut root, &mut out);
        out.modules.insert(Vec::new(), root);
        out
    }
}

/// The directory a file's `mod x;` declarations are in.
fn module_dir(file: &Path) -> PathBuf {
    let parent = file.parent().unwrap_or(Path::new("")).to_path_buf();
    match file.file_name().and_then(|n| n.to_str()) {
        Some("lib.rs" | "main.rs" | "mod.rs") => parent,
        _ => parent.join(file.file_stem().unwrap_or_default()),
    }
}

fn line_of(text: &str, node: &impl AstNode) -> u32 {
    let offset: usize = node.syntax().text_range().start().into();
    text[..offset].matches('\n').count() as u32 + 1
}

fn collect(
    text: &str,
    items: impl Iterator<Item = ast::Item>,
    base: &Path,
    inline: &[String],
    module: &mut ApiModule,
    file: &mut ApiFile,
) {
    for item in items {
        // An attribute macro (`#[wasm_bindgen]`, `#[function_component(Name)]`) may write
        // items of any name.
        if item.attrs().any(|a| is_attribute_macro(&a)) {
            module.opaque = true;
        }
        let cfg: Vec<Cfg> = item.attrs().filter_map(|a| attr::cfg(&a)).collect();
        let deprecated = item.attrs().find_map(|a| attr::deprecation(&a));
        let public = |v: Option<ast::Visibility>| {
            v.is_some_and(|v| v.syntax().text().to_string().trim() == "pub")
        };
        let mut push = |name: Option<ast::Name>, kind: ItemKind, public: bool| {
            if let Some(name) = name {
                module.items.push(ApiItem {
                    name: name.text().trim_start_matches("r#").to_string(),
                    kind,
                    public,
                    cfg: cfg.clone(),
                    deprecated: deprecated.clone(),
                    line: line_of(text, &item),
                });
            }
        };
        match &item {
            ast::Item::Fn(i) => push(i.name(), ItemKind::Item, public(i.visibility())),
            ast::Item::Struct(i) => push(i.name(), ItemKind::Item, public(i.visibility())),
            ast::Item::Enum(i) => push(i.name(), ItemKind::Item, public(i.visibility())),
            ast::Item::Union(i) => push(i.name(), ItemKind::Item, public(i.visibility())),
            ast::Item::Trait(i) => push(i.name(), ItemKind::Item, public(i.visibility())),
            ast::Item::TypeAlias(i) => push(i.name(), ItemKind::Item, public(i.visibility())),
            ast::Item::Const(i) => push(i.name(), ItemKind::Item, public(i.visibility())),
            ast::Item::Static(i) => push(i.name(), ItemKind::Item, public(i.visibility())),
            ast::Item::MacroRules(i) => {
                let exported = i.attrs().any(|a| {
                    a.path()
                        .is_some_and(|p| p.syntax().text() == "macro_export")
                });
                push(
                    i.name(),
                    ItemKind::Macro,
                    exported || public(i.visibility()),
                );
            }
            ast::Item::MacroDef(i) => push(i.name(), ItemKind::Macro, public(i.visibility())),
            ast::Item::MacroCall(call) => {
                // `cfg_feature! { #![feature = "server"] pub mod server; }` (hyper),
                // `cfg_rt! { pub mod runtime; }` (tokio): by convention the items as they
                // are, under a condition this reader does not evaluate.
                let name = call
                    .path()
                    .and_then(|p| p.segment())
                    .and_then(|s| s.name_ref())
                    .map(|n| n.text().to_string())
                    .unwrap_or_default();
                match call.token_tree() {
                    // `cfg_if! { if #[cfg(unix)] { .. } else { .. } }` is not a list of items.
                    Some(tree) if name.starts_with("cfg_") && name != "cfg_if" => {
                        let inner = tree.syntax().text().to_string();
                        let inner = inner.get(1..inner.len().saturating_sub(1)).unwrap_or("");
                        let parsed = RustFile::parse(inner);
                        if !parsed.syntax_errors().is_empty() {
                            module.opaque = true;
                            continue;
                        }
                        let mut wrapped = ApiModule::default();
                        collect(
                            inner,
                            parsed.tree().items(),
                            base,
                            inline,
                            &mut wrapped,
                            file,
                        );
                        for mut item in wrapped.items {
                            item.cfg.push(Cfg::Other);
                            module.items.push(item);
                        }
                        for (path, public, mut cfg) in wrapped.globs {
                            cfg.push(Cfg::Other);
                            module.globs.push((path, public, cfg));
                        }
                        module.opaque |= wrapped.opaque;
                    }
                    _ => module.opaque = true,
                }
            }
            ast::Item::ExternBlock(_) => module.opaque = true,
            ast::Item::Module(m) => {
                let Some(name) = m.name() else { continue };
                let name_text = name.text().trim_start_matches("r#").to_string();
                let at = if let Some(list) = m.item_list() {
                    let mut path = inline.to_vec();
                    path.push(name_text.clone());
                    let mut child = ApiModule {
                        cfg: list.attrs().filter_map(|a| attr::cfg(&a)).collect(),
                        ..ApiModule::default()
                    };
                    collect(text, list.items(), base, &path, &mut child, file);
                    file.modules.insert(path.clone(), child);
                    ModuleAt::Inline(path)
                } else {
                    ModuleAt::File(module_file(m, base, inline, &name_text))
                };
                push(Some(name), ItemKind::Module(at), public(m.visibility()));
            }
            ast::Item::Use(u) => {
                let Some(tree) = u.use_tree() else { continue };
                let public = public(u.visibility());
                let mut leaves = Vec::new();
                use_leaves(&tree, &[], &mut leaves);
                for leaf in leaves {
                    match leaf {
                        UseLeaf::Glob(path) => module.globs.push((path, public, cfg.clone())),
                        UseLeaf::Name(path, name, _) => module.items.push(ApiItem {
                            name,
                            kind: ItemKind::Reexport(path),
                            public,
                            cfg: cfg.clone(),
                            deprecated: deprecated.clone(),
                            line: line_of(text, u),
                        }),
                    }
                }
            }
            _ => {}
        }
    }
}

/// Whether an outer attribute may be a procedural macro: not one of the built-in ones.
fn is_attribute_macro(attr: &ast::Attr) -> bool {
    if attr.excl_token().is_some() {
        return false;
    }
    let Some(path) = attr::attr_path(attr) else {
        return false;
    };
    let text = path.join("::");
    !matches!(
        text.as_str(),
        "cfg"
            | "cfg_attr"
            | "doc"
            | "allow"
            | "warn"
            | "deny"
            | "expect"
            | "forbid"
            | "deprecated"
            | "derive"
            | "inline"
            | "cold"
            | "must_use"
            | "repr"
            | "non_exhaustive"
            | "macro_export"
            | "macro_use"
            | "path"
            | "track_caller"
            | "automatically_derived"
            | "rustfmt::skip"
            | "clippy::all"
            | "no_mangle"
            | "export_name"
            | "link"
            | "link_name"
            | "target_feature"
            | "used"
            | "unsafe"
            | "diagnostic::on_unimplemented"
            | "doc_cfg"
            | "rustversion::since"
            | "rustversion::before"
    ) && !text.starts_with("clippy::")
        && !text.starts_with("rustfmt::")
}

/// The file of `mod name;`: `#[path = ".."]`, `name.rs` or `name/mod.rs`.
fn module_file(m: &ast::Module, base: &Path, inline: &[String], name: &str) -> Option<PathBuf> {
    let dir = inline.iter().fold(base.to_path_buf(), |d, n| d.join(n));
    let explicit = m.attrs().find_map(|a| attr::string_value(&a, "path"));
    if let Some(path) = explicit {
        // Relative to the declaring file's directory at the top level.
        let from = if inline.is_empty() {
            base.parent().map(Path::to_path_buf).unwrap_or_default()
        } else {
            dir
        };
        let file = from.join(path);
        return file.is_file().then_some(file);
    }
    [
        dir.join(format!("{name}.rs")),
        dir.join(name).join("mod.rs"),
    ]
    .into_iter()
    .find(|f| f.is_file())
}

pub enum UseLeaf {
    /// The full path, the name it binds, and where the leaf is written.
    Name(Vec<String>, String, ra_ap_syntax::TextRange),
    Glob(Vec<String>),
}

/// The leaves of a use tree, `{self, ..}` and renames included; `_` renames bind nothing.
pub fn use_leaves(tree: &ast::UseTree, prefix: &[String], out: &mut Vec<UseLeaf>) {
    let mut path = prefix.to_vec();
    if let Some(p) = tree.path() {
        match path_segments(&p) {
            Some(segments) => path.extend(segments),
            None => return,
        }
    }
    if let Some(list) = tree.use_tree_list() {
        for child in list.use_trees() {
            use_leaves(&child, &path, out);
        }
        return;
    }
    if tree.star_token().is_some() {
        out.push(UseLeaf::Glob(path));
        return;
    }
    if path.last().is_some_and(|l| l == "self") {
        path.pop();
    }
    let name = match tree.rename() {
        Some(rename) => match rename.name() {
            Some(name) => name.text().to_string(),
            None => return, // `as _`
        },
        None => match path.last() {
            Some(last) => last.clone(),
            None => return,
        },
    };
    out.push(UseLeaf::Name(path, name, tree.syntax().text_range()));
}

/// A path's segments as written (`crate`, `self`, `super` included); `None` for a
/// qualified path (`<T as Trait>::x`).
pub fn path_segments(path: &ast::Path) -> Option<Vec<String>> {
    let mut out = Vec::new();
    for segment in path.segments() {
        if segment.type_anchor().is_some() {
            return None;
        }
        let text = if let Some(name) = segment.name_ref() {
            name.text().trim_start_matches("r#").to_string()
        } else {
            segment.syntax().text().to_string()
        };
        out.push(text);
    }
    Some(out)
}

/// The names of every `macro_rules!` in a crate's sources, found without parsing:
/// `#[macro_export]` ones live at the crate's root wherever they are written.
#[derive(Debug, Default)]
pub struct MacroNames {
    pub names: std::collections::HashSet<String>,
}

impl ProjectIndex for MacroNames {
    /// The crate's directory.
    type Key = PathBuf;
    const READS_DISK_DIRECTLY: bool = true;

    fn build(_: &Project, dir: &PathBuf) -> MacroNames {
        let mut files = Vec::new();
        super::walk(dir, dir, &mut files);
        let mut names = std::collections::HashSet::new();
        for file in files {
            let Ok(text) = std::fs::read_to_string(&file) else {
                continue;
            };
            for (at, _) in text.match_indices("macro_rules!") {
                let rest = text[at + "macro_rules!".len()..].trim_start();
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    names.insert(name);
                }
            }
        }
        MacroNames { names }
    }
}

/// A locked crate, for lookups.
#[derive(Debug, Clone)]
pub struct ApiCrate {
    pub name: String,
    pub version: String,
    pub dir: PathBuf,
}

/// What a path resolves to.
#[derive(Debug, Clone)]
pub enum Lookup {
    /// Every definition it may be (`#[cfg(feature = "a")]` and `#[cfg(not(..))]` ones).
    Found(Vec<Found>),
    /// `name` is not in the module `module` (a path as written from the crate's root).
    Missing {
        module: String,
        name: String,
    },
    Unknown,
}

#[derive(Debug, Clone)]
pub struct Found {
    /// The predicates on the way (the modules, the re-exports, the item).
    pub cfg: Vec<Cfg>,
    /// The first deprecation on the way.
    pub deprecated: Option<Deprecation>,
    /// The crate that defines it.
    pub krate: ApiCrate,
    pub file: PathBuf,
    pub line: u32,
}

/// Which namespace the last segment is looked up in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Namespace {
    /// Types, values and modules.
    Item,
    Macro,
}

/// Resolves paths into the locked crates of one lock file.
pub struct Resolver<'a> {
    pub project: &'a Project,
    pub locked: &'a LockedCrates,
    pub graph: &'a LockGraph,
}

/// A module: its crate, its file and its path in the file, and the chain of modules
/// from the crate root (for `super`).
#[derive(Debug, Clone)]
struct Loc {
    krate: ApiCrate,
    chain: Vec<(PathBuf, Vec<String>)>,
}

const MAX_DEPTH: u32 = 16;

impl Resolver<'_> {
    /// The sources of a locked package, if unpacked.
    pub fn krate(&self, package: &LockPackage) -> Option<ApiCrate> {
        let lib = package.name.replace('-', "_");
        let found = self
            .locked
            .by_lib(&lib)
            .chain(self.locked.crates.iter().filter(|c| c.name == package.name))
            .find(|c| c.name == package.name && c.version == package.version)?;
        Some(ApiCrate {
            name: found.name.clone(),
            version: found.version.clone(),
            dir: found.dir.clone()?,
        })
    }

    fn root(&self, krate: &ApiCrate) -> Option<Loc> {
        let manifest = std::fs::read_to_string(krate.dir.join("Cargo.toml")).ok()?;
        let manifest = manifest.parse::<toml::Table>().ok()?;
        let lib = manifest.get("lib");
        if lib
            .and_then(|l| l.get("proc-macro").or_else(|| l.get("proc_macro")))
            .and_then(|p| p.as_bool())
            .unwrap_or(false)
        {
            return None;
        }
        let file = lib
            .and_then(|l| l.get("path"))
            .and_then(|p| p.as_str())
            .map_or_else(|| krate.dir.join("src/lib.rs"), |p| krate.dir.join(p));
        Some(Loc {
            krate: krate.clone(),
            chain: vec![(file, Vec::new())],
        })
    }

    /// Resolves `path` (after the crate's name) from the crate's root.
    pub fn resolve(&self, krate: &ApiCrate, path: &[String], ns: Namespace) -> Lookup {
        let Some(root) = self.root(krate) else {
            return Lookup::Unknown;
        };
        self.lookup(&root, path, ns, false, Vec::new(), None, 0)
    }

    #[allow(clippy::too_many_arguments)]
    fn lookup(
        &self,
        loc: &Loc,
        path: &[String],
        ns: Namespace,
        inside: bool,
        mut cfg: Vec<Cfg>,
        deprecated: Option<Deprecation>,
        depth: u32,
    ) -> Lookup {
        let Some((name, rest)) = path.split_first() else {
            return Lookup::Unknown;
        };
        if depth > MAX_DEPTH {
            return Lookup::Unknown;
        }
        let Some((file, inline)) = loc.chain.last() else {
            return Lookup::Unknown;
        };
        let api = self.project.index::<ApiFile>(file);
        let Some(module) = api.modules.get(inline) else {
            return Lookup::Unknown;
        };
        cfg.extend(module.cfg.iter().cloned());
        match name.as_str() {
            "self" => return self.lookup(loc, rest, ns, true, cfg, deprecated, depth + 1),
            "super" | "crate" | "$crate" => {
                let mut up = loc.clone();
                if name == "super" {
                    up.chain.pop();
                } else {
                    up.chain.truncate(1);
                }
                if up.chain.is_empty() {
                    return Lookup::Unknown;
                }
                return self.lookup(&up, rest, ns, true, cfg, deprecated, depth + 1);
            }
            _ => {}
        }
        let last = rest.is_empty();
        let candidates: Vec<&ApiItem> = module
            .items
            .iter()
            .filter(|i| i.name == *name)
            .filter(|i| match (&i.kind, last, ns) {
                (ItemKind::Macro, true, Namespace::Macro) => true,
                (ItemKind::Macro, _, _) => false,
                (_, true, Namespace::Macro) => matches!(i.kind, ItemKind::Reexport(_)),
                _ => true,
            })
            .collect();
        // A path that goes on needs a module: where one has this name, a `use` of the same
        // name (`pub use crate::encode::encode`) is a function in the value namespace.
        let candidates: Vec<&ApiItem> = if !last
            && candidates
                .iter()
                .any(|i| matches!(i.kind, ItemKind::Module(_)))
        {
            candidates
                .into_iter()
                .filter(|i| matches!(i.kind, ItemKind::Module(_)))
                .collect()
        } else {
            candidates
        };
        if candidates.iter().any(|i| !i.public) && !inside {
            // Private here, but maybe also public under a `cfg`: not sure.
            if candidates.iter().all(|i| !i.public) {
                return Lookup::Unknown;
            }
        }
        let mut results = Vec::new();
        for item in candidates.iter().filter(|i| i.public || inside) {
            let mut cfg = cfg.clone();
            cfg.extend(item.cfg.iter().cloned());
            // rustc ignores `#[deprecated]` on a `use`.
            let deprecated = match item.kind {
                ItemKind::Reexport(_) => deprecated.clone(),
                _ => deprecated.clone().or_else(|| item.deprecated.clone()),
            };
            let result = match &item.kind {
                ItemKind::Module(_) | ItemKind::Item | ItemKind::Macro if last => {
                    Lookup::Found(vec![Found {
                        cfg,
                        deprecated,
                        krate: loc.krate.clone(),
                        file: file.clone(),
                        line: item.line,
                    }])
                }
                ItemKind::Module(at) => match self.child(loc, at) {
                    Some(child) => self.lookup(&child, rest, ns, false, cfg, deprecated, depth + 1),
                    None => Lookup::Unknown,
                },
                // An associated item or a variant: not followed.
                ItemKind::Item | ItemKind::Macro => Lookup::Unknown,
                ItemKind::Reexport(target) => {
                    let mut full = target.clone();
                    full.extend(rest.iter().cloned());
                    self.follow(loc, &full, ns, cfg, deprecated, depth + 1)
                }
            };
            results.push(result);
        }
        if let Some(picked) = pick(&results) {
            return picked;
        }
        // Glob imports, public ones for a path from outside.
        let mut unknown = module.opaque;
        for (glob, public, glob_cfg) in &module.globs {
            if !public && !inside {
                continue;
            }
            let mut full = glob.clone();
            full.extend(path.iter().cloned());
            let mut cfg = cfg.clone();
            cfg.extend(glob_cfg.iter().cloned());
            match self.follow(loc, &full, ns, cfg, deprecated.clone(), depth + 1) {
                Lookup::Found(found) => return Lookup::Found(found),
                Lookup::Missing { .. } => {}
                Lookup::Unknown => unknown = true,
            }
        }
        // A private glob (`use super::*`) inside the crate, seen from outside, does not
        // export; but one whose target cannot be read leaves the answer open.
        if unknown || (ns == Namespace::Macro && loc.chain.len() == 1) {
            return Lookup::Unknown;
        }
        // `#[macro_export]` puts a macro at the crate's root from any module.
        if loc.chain.len() == 1 {
            let macros = self.project.index::<MacroNames>(&loc.krate.dir);
            if macros.names.contains(name) {
                return Lookup::Unknown;
            }
        }
        Lookup::Missing {
            module: module_path(loc),
            name: name.clone(),
        }
    }

    /// A `use` path from inside module `loc`: `crate::`, `self::`, `super::`, a name of
    /// the module, or another crate.
    fn follow(
        &self,
        loc: &Loc,
        path: &[String],
        ns: Namespace,
        cfg: Vec<Cfg>,
        deprecated: Option<Deprecation>,
        depth: u32,
    ) -> Lookup {
        let Some(first) = path.first() else {
            return Lookup::Unknown;
        };
        if matches!(first.as_str(), "crate" | "self" | "super" | "$crate") {
            return self.lookup(loc, path, ns, true, cfg, deprecated, depth);
        }
        let (file, inline) = match loc.chain.last() {
            Some(last) => last,
            None => return Lookup::Unknown,
        };
        let api = self.project.index::<ApiFile>(file);
        let local = api
            .modules
            .get(inline)
            .is_some_and(|m| m.items.iter().any(|i| i.name == *first));
        if local {
            return self.lookup(loc, path, ns, true, cfg, deprecated, depth);
        }
        let other = first.trim_start_matches("::");
        if matches!(other, "std" | "core" | "alloc") {
            return Lookup::Unknown;
        }
        let Some(package) = self.graph.package(&loc.krate.name, &loc.krate.version) else {
            return Lookup::Unknown;
        };
        let Some(dep) = self.graph.dependency_by_lib(package, other) else {
            return Lookup::Unknown;
        };
        let Some(krate) = self.krate(dep) else {
            return Lookup::Unknown;
        };
        let Some(root) = self.root(&krate) else {
            return Lookup::Unknown;
        };
        self.lookup(&root, &path[1..], ns, false, cfg, deprecated, depth)
    }

    fn child(&self, loc: &Loc, at: &ModuleAt) -> Option<Loc> {
        let (file, _) = loc.chain.last()?;
        let entry = match at {
            ModuleAt::Inline(path) => (file.clone(), path.clone()),
            ModuleAt::File(Some(path)) => (path.clone(), Vec::new()),
            ModuleAt::File(None) => return None,
        };
        let mut child = loc.clone();
        child.chain.push(entry);
        Some(child)
    }
}

/// What the candidates of one name resolved to, together: unknown if any is; else every
/// definition found; else (all missing) the first miss.
fn pick(results: &[Lookup]) -> Option<Lookup> {
    let mut all = Vec::new();
    let mut miss = None;
    for result in results {
        match result {
            Lookup::Found(found) => all.extend(found.iter().cloned()),
            Lookup::Missing { .. } => miss = miss.or(Some(result.clone())),
            Lookup::Unknown => return Some(Lookup::Unknown),
        }
    }
    if all.is_empty() {
        miss
    } else {
        Some(Lookup::Found(all))
    }
}

fn module_path(loc: &Loc) -> String {
    let mut out = vec![loc.krate.name.replace('-', "_")];
    // The chain's files are named by the modules that declared them; the names are the
    // last inline path of each, or the file's stem.
    for (file, inline) in loc.chain.iter().skip(1) {
        if inline.is_empty() {
            let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or("");
            let name = if stem == "mod" {
                file.parent()
                    .and_then(|p| p.file_name())
                    .and_then(|n| n.to_str())
                    .unwrap_or("")
            } else {
                stem
            };
            out.push(name.to_string());
        } else {
            out.extend(inline.iter().cloned());
        }
    }
    out.join("::")
}
