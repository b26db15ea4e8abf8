//! What a locked crate's library exports, read from its sources module by module along
//! the paths a workspace uses: items, re-exports (`pub use`, globs; `#[doc(inline)]` is
//! a plain `pub use`), `#[deprecated]` and `#[cfg(feature = "..")]` (read with syn, see
//! [`crate::attr`]).
//!
//! Item-level macro calls (`cfg_rt! { .. }`, `cfg_if!`) may define anything: a name not
//! found in a module that has one is unknown, never missing. So is a name behind a
//! private `use`, a proc-macro crate's, or one reached through a path this reader does
//! not follow (`<T as Trait>::..`, an associated item).

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use prodlint_core::{Project, ProjectIndex};
use ra_ap_syntax::ast::{self, HasAttrs, HasGenericParams, HasModuleItem, HasName, HasVisibility};
use ra_ap_syntax::AstNode;
use serde::{Deserialize, Serialize};

use super::manifest::{LockGraph, LockPackage};
use super::{DepKey, LockedCrates};
use crate::attr::{self, Cfg, Deprecation};
use crate::RustFile;

/// A name a module declares.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ApiItem {
    pub name: String,
    pub kind: ItemKind,
    pub public: bool,
    /// The `#[cfg(..)]` predicates on it.
    pub cfg: Vec<Cfg>,
    pub deprecated: Option<Deprecation>,
    pub line: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum ItemKind {
    /// A module: an inline one of the same file (by its path in the file), or a file
    /// (`None` when it cannot be found).
    Module(ModuleAt),
    Item,
    Macro,
    /// `pub use a::b::c as name`: the path.
    Reexport(Vec<String>),
    /// A struct, enum or union: what its associated items are looked up in.
    Type(TypeShape),
}

/// What a type definition itself says about the names `Type::name` may take.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TypeShape {
    /// An enum's variants.
    pub variants: Vec<String>,
    /// The traits of its `#[derive(..)]`s, by last segment; `?` for a `cfg_attr` one.
    pub derives: Vec<String>,
}

/// An `impl` block: of a type (by its last segment) or a blanket one (`impl<T> Tr for T`,
/// `self_ty` empty).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ApiImpl {
    pub self_ty: String,
    /// The trait implemented, by its last segment; `None` for an inherent impl.
    pub trait_name: Option<String>,
    pub cfg: Vec<Cfg>,
    pub items: Vec<ApiAssoc>,
    /// A macro call among its items, or an attribute macro on it: it may have more.
    pub opaque: bool,
}

/// A trait's declaration: its items with their default deprecations.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ApiTrait {
    pub name: String,
    pub items: Vec<ApiAssoc>,
}

/// An associated function, constant or type.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ApiAssoc {
    pub name: String,
    pub cfg: Vec<Cfg>,
    pub deprecated: Option<Deprecation>,
    pub line: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ModuleAt {
    Inline(Vec<String>),
    File(Option<PathBuf>),
}

/// One module's declarations.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct ApiModule {
    pub items: Vec<ApiItem>,
    /// `use path::*` (public or not) with its predicates.
    pub globs: Vec<(Vec<String>, bool, Vec<Cfg>)>,
    /// Item-level macro calls: it may declare names not seen here.
    pub opaque: bool,
    /// `#![cfg(..)]` of a module file.
    pub cfg: Vec<Cfg>,
    pub impls: Vec<ApiImpl>,
    pub traits: Vec<ApiTrait>,
}

/// The modules of one source file of a locked crate (the file's own and its inline
/// modules, by their path in the file).
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct ApiFile {
    #[serde(with = "module_list")]
    pub modules: HashMap<Vec<String>, ApiModule>,
    /// The identifiers inside item-level macro calls that are not read as items: a type
    /// named there may get impls nobody can see.
    pub macro_words: HashSet<String>,
}

/// The modules of a file as a list in JSON (whose map keys are strings), by path.
mod module_list {
    use super::ApiModule;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use std::collections::HashMap;

    pub fn serialize<S: Serializer>(
        modules: &HashMap<Vec<String>, ApiModule>,
        to: S,
    ) -> Result<S::Ok, S::Error> {
        let mut list: Vec<_> = modules.iter().collect();
        list.sort_by(|a, b| a.0.cmp(b.0));
        list.serialize(to)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        from: D,
    ) -> Result<HashMap<Vec<String>, ApiModule>, D::Error> {
        Ok(Vec::<(Vec<String>, ApiModule)>::deserialize(from)?
            .into_iter()
            .collect())
    }
}

/// Bump when [`ApiFile`]'s serialized form changes.
const API_CACHE: &str = "api-v1";

/// A source file of a locked crate, read from the cache when the run has one and a
/// previous run wrote it.
pub fn api_file(project: &Project, krate: &ApiCrate, file: &Path) -> std::sync::Arc<ApiFile> {
    // Only paths inside the crate's directory become cache paths (`#[path = "../x.rs"]`
    // does not lead the cache elsewhere).
    let cache = krate.cache.as_ref().and_then(|dir| {
        let relative = file.strip_prefix(&krate.dir).ok()?;
        relative
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)))
            .then(|| {
                let mut name = dir.join(API_CACHE).join(relative).into_os_string();
                name.push(".json");
                PathBuf::from(name)
            })
    });
    project.index::<ApiFile>(&(file.to_path_buf(), cache))
}

impl ProjectIndex for ApiFile {
    /// The source file, and its cache file.
    type Key = (PathBuf, Option<PathBuf>);
    // Registry sources, read directly (see `LockedCrates`).
    const READS_DISK_DIRECTLY: bool = true;

    fn build(_: &Project, (file, cache): &(PathBuf, Option<PathBuf>)) -> ApiFile {
        if let Some(text) = cache
            .as_deref()
            .and_then(|c| prodlint_core::read_regular_to_string(c).ok())
        {
            if let Ok(api) = serde_json::from_str::<ApiFile>(&text) {
                return api;
            }
        }
        let api = ApiFile::read(file);
        if let Some(cache) = cache {
            if let Ok(text) = serde_json::to_string(&api) {
                crate::write_cache_file(cache, &text);
            }
        }
        api
    }
}

impl ApiFile {
    fn read(file: &Path) -> ApiFile {
        let Ok(text) = prodlint_core::read_regular_to_string(file) else {
            return ApiFile::default();
        };
        let parsed = RustFile::parse(&crate::outline::blank_fn_bodies(&text));
        let tree = parsed.tree();
        let mut out = ApiFile::default();
        let mut root = ApiModule {
            cfg: tree.attrs().filter_map(|a| attr::cfg(&a)).collect(),
            ..ApiModule::default()
        };
        let base = module_dir(file);
        collect(
            &Lines::new(&text),
            tree.items(),
            &base,
            &[],
            &mut root,
            &mut out,
        );
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

/// Where a text's lines start: a node's line by binary search, not by counting the
/// newlines before it (quadratic in a file of many items).
pub(super) struct Lines(Vec<usize>);

impl Lines {
    pub(super) fn new(text: &str) -> Lines {
        Lines(text.match_indices('\n').map(|(at, _)| at).collect())
    }
}

pub(super) fn line_of(lines: &Lines, node: &impl AstNode) -> u32 {
    let offset: usize = node.syntax().text_range().start().into();
    lines.0.partition_point(|&at| at < offset) as u32 + 1
}

fn collect(
    text: &Lines,
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
            ast::Item::Fn(i) => match proc_macro_name(i) {
                // A proc-macro crate's exports: `#[proc_macro] pub fn query(..)`.
                Some(name) => module.items.push(ApiItem {
                    name,
                    kind: ItemKind::Macro,
                    public: true,
                    cfg: cfg.clone(),
                    deprecated: deprecated.clone(),
                    line: line_of(text, &item),
                }),
                None => push(i.name(), ItemKind::Item, public(i.visibility())),
            },
            ast::Item::Struct(i) => push(
                i.name(),
                ItemKind::Type(shape(&item, Vec::new())),
                public(i.visibility()),
            ),
            ast::Item::Enum(i) => {
                let variants = i
                    .variant_list()
                    .into_iter()
                    .flat_map(|l| l.variants())
                    .filter_map(|v| v.name().map(|n| n.text().to_string()))
                    .collect();
                push(
                    i.name(),
                    ItemKind::Type(shape(&item, variants)),
                    public(i.visibility()),
                )
            }
            ast::Item::Union(i) => push(
                i.name(),
                ItemKind::Type(shape(&item, Vec::new())),
                public(i.visibility()),
            ),
            ast::Item::Trait(i) => {
                push(i.name(), ItemKind::Item, public(i.visibility()));
                if let Some(name) = i.name() {
                    let (items, _) = assoc_items(text, i.assoc_item_list());
                    module.traits.push(ApiTrait {
                        name: name.text().to_string(),
                        items,
                    });
                }
            }
            ast::Item::Impl(i) => {
                let generics = crate::types::generic_params(i.generic_param_list());
                let self_ty = match i.self_ty() {
                    Some(ast::Type::PathType(p)) => p
                        .path()
                        .and_then(|p| p.segment())
                        .and_then(|s| s.name_ref())
                        .map(|n| n.text().to_string())
                        .filter(|n| !generics.contains(n))
                        .unwrap_or_default(),
                    _ => String::new(),
                };
                let trait_name = i.trait_().map(|t| match t {
                    ast::Type::PathType(p) => p
                        .path()
                        .and_then(|p| p.segment())
                        .and_then(|s| s.name_ref())
                        .map(|n| n.text().to_string())
                        .unwrap_or_default(),
                    _ => String::new(),
                });
                let (items, opaque) = assoc_items(text, i.assoc_item_list());
                module.impls.push(ApiImpl {
                    self_ty,
                    trait_name,
                    cfg: cfg.clone(),
                    items,
                    opaque: opaque || i.attrs().any(|a| is_attribute_macro(&a)),
                });
            }
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
                            file.macro_words.extend(words(tree.syntax()));
                            continue;
                        }
                        let mut wrapped = ApiModule::default();
                        collect(
                            &Lines::new(inner),
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
                        for mut imp in wrapped.impls {
                            imp.cfg.push(Cfg::Other);
                            module.impls.push(imp);
                        }
                        module.traits.extend(wrapped.traits);
                        for (path, public, mut cfg) in wrapped.globs {
                            cfg.push(Cfg::Other);
                            module.globs.push((path, public, cfg));
                        }
                        module.opaque |= wrapped.opaque;
                    }
                    Some(tree) => {
                        module.opaque = true;
                        file.macro_words.extend(words(tree.syntax()));
                    }
                    None => module.opaque = true,
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
            // `pub extern crate grep_matcher as matcher;` (grep, the facade of ripgrep's
            // crates): a re-export of another crate under a name of this one.
            ast::Item::ExternCrate(e) => {
                let Some(krate) = e.name_ref().map(|n| n.text().to_string()) else {
                    continue;
                };
                if krate == "self" {
                    continue;
                }
                let name = match e.rename() {
                    Some(rename) => match rename.name() {
                        Some(name) => name.text().to_string(),
                        None => continue, // `as _`
                    },
                    None => krate.clone(),
                };
                module.items.push(ApiItem {
                    name,
                    kind: ItemKind::Reexport(vec![krate]),
                    public: public(e.visibility()),
                    cfg: cfg.clone(),
                    deprecated: deprecated.clone(),
                    line: line_of(text, e),
                });
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

/// The macro a `#[proc_macro]`, `#[proc_macro_attribute]` or `#[proc_macro_derive(Name)]`
/// function defines.
fn proc_macro_name(f: &ast::Fn) -> Option<String> {
    for a in f.attrs() {
        match a.path().map(|p| p.syntax().text().to_string()).as_deref() {
            Some("proc_macro" | "proc_macro_attribute") => {
                return f.name().map(|n| n.text().to_string())
            }
            Some("proc_macro_derive") => {
                let text = a.syntax().text().to_string();
                let inner = text.split_once('(')?.1;
                let name: String = inner
                    .trim_start()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                return (!name.is_empty()).then_some(name);
            }
            _ => {}
        }
    }
    None
}

/// A type definition's variants and derives.
fn shape(item: &ast::Item, variants: Vec<String>) -> TypeShape {
    let mut derives = Vec::new();
    for a in item.attrs() {
        let path = a.path().map(|p| p.syntax().text().to_string());
        match path.as_deref() {
            Some("derive") => {
                let text = a.syntax().text().to_string();
                let inner = text
                    .split_once('(')
                    .and_then(|(_, rest)| rest.rsplit_once(')'))
                    .map_or("", |(inner, _)| inner);
                derives.extend(inner.split(',').filter_map(|d| {
                    let d = d.trim();
                    (!d.is_empty()).then(|| d.rsplit("::").next().unwrap_or(d).trim().to_string())
                }));
            }
            // `#[cfg_attr(feature = "serde", derive(Serialize))]`: traits of unknown names.
            Some("cfg_attr") => derives.push("?".into()),
            _ => {}
        }
    }
    TypeShape { variants, derives }
}

/// The items of an impl or trait body, and whether a macro call may add more.
fn assoc_items(text: &Lines, list: Option<ast::AssocItemList>) -> (Vec<ApiAssoc>, bool) {
    let mut out = Vec::new();
    let mut opaque = false;
    for item in list.into_iter().flat_map(|l| l.assoc_items()) {
        let name = match &item {
            ast::AssocItem::Fn(f) => f.name(),
            ast::AssocItem::Const(c) => c.name(),
            ast::AssocItem::TypeAlias(t) => t.name(),
            ast::AssocItem::MacroCall(_) => {
                opaque = true;
                None
            }
        };
        if item.attrs().any(|a| is_attribute_macro(&a)) {
            opaque = true;
        }
        let Some(name) = name else { continue };
        out.push(ApiAssoc {
            name: name.text().trim_start_matches("r#").to_string(),
            cfg: item.attrs().filter_map(|a| attr::cfg(&a)).collect(),
            deprecated: item.attrs().find_map(|a| attr::deprecation(&a)),
            line: line_of(text, &item),
        });
    }
    (out, opaque)
}

/// The identifiers of a token tree.
fn words(tree: &ra_ap_syntax::SyntaxNode) -> Vec<String> {
    tree.descendants_with_tokens()
        .filter_map(|t| t.into_token())
        .filter(|t| t.kind() == ra_ap_syntax::SyntaxKind::IDENT)
        .map(|t| t.text().to_string())
        .collect()
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
            | "proc_macro"
            | "proc_macro_attribute"
            | "proc_macro_derive"
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
    /// A macro that defines macros (`macro_rules! $name`): any name may be one.
    pub generated: bool,
}

impl ProjectIndex for MacroNames {
    /// The crate's directory.
    type Key = PathBuf;
    const READS_DISK_DIRECTLY: bool = true;

    fn build(_: &Project, dir: &PathBuf) -> MacroNames {
        let mut files = Vec::new();
        super::walk(dir, dir, &mut files);
        let mut names = std::collections::HashSet::new();
        let mut generated = false;
        for file in files {
            let Ok(text) = std::fs::read_to_string(&file) else {
                continue;
            };
            for (at, _) in text.match_indices("macro_rules!") {
                let rest = text[at + "macro_rules!".len()..].trim_start();
                generated |= rest.starts_with('$');
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    names.insert(name);
                }
            }
        }
        MacroNames { names, generated }
    }
}

/// A locked crate, for lookups.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ApiCrate {
    pub name: String,
    pub version: String,
    pub dir: PathBuf,
    /// Its directory in the on-disk cache, if the run keeps one.
    pub cache: Option<PathBuf>,
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
        /// An associated item of a type (`Type::name`): a trait of another crate in the
        /// caller's scope could still provide it, which the caller checks.
        associated: bool,
    },
    Unknown,
}

#[derive(Debug, Clone)]
pub struct Found {
    /// The predicates on the way (the modules, the re-exports, the item).
    pub cfg: Vec<Cfg>,
    /// The first deprecation on the way.
    pub deprecated: Option<Deprecation>,
    /// The crate that defines it, and the name it has there.
    pub krate: ApiCrate,
    pub name: String,
    pub file: PathBuf,
    pub line: u32,
}

/// Which namespace the last segment is looked up in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Namespace {
    /// Types, values and modules.
    Item,
    Macro,
    /// Any of them: what a `use` imports.
    Any,
}

/// How an associated name is reached: `Type::name` or `value.name()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    Path,
    Method,
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
            cache: self.locked.cache_of(found),
            dir: found.dir.clone()?,
        })
    }

    /// The crate's root module (a proc-macro crate's too: its exports are its macros).
    fn root(&self, krate: &ApiCrate) -> Option<Loc> {
        Some(Loc {
            krate: krate.clone(),
            chain: vec![(lib_file(self.project, krate)?, Vec::new())],
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
        let api = api_file(self.project, &loc.krate, file);
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
                (ItemKind::Macro, true, Namespace::Macro | Namespace::Any) => true,
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
                ItemKind::Module(_) | ItemKind::Item | ItemKind::Macro | ItemKind::Type(_)
                    if last =>
                {
                    Lookup::Found(vec![Found {
                        cfg,
                        deprecated,
                        krate: loc.krate.clone(),
                        name: item.name.clone(),
                        file: file.clone(),
                        line: item.line,
                    }])
                }
                ItemKind::Type(_) if rest.len() == 1 && ns != Namespace::Macro => {
                    let ty = format!("{}::{}", module_path(loc), item.name);
                    self.member(
                        &loc.krate,
                        &item.name,
                        &ty,
                        &rest[0],
                        cfg,
                        deprecated,
                        Via::Path,
                    )
                }
                ItemKind::Module(at) => match self.child(loc, at) {
                    Some(child) => self.lookup(&child, rest, ns, false, cfg, deprecated, depth + 1),
                    None => Lookup::Unknown,
                },
                // An associated item of a trait or an alias, a variant's field: not followed.
                ItemKind::Item | ItemKind::Macro | ItemKind::Type(_) => Lookup::Unknown,
                ItemKind::Reexport(target) => {
                    let mut full = target.clone();
                    full.extend(rest.iter().cloned());
                    self.follow(loc, &full, ns, cfg, deprecated, depth + 1)
                }
            };
            results.push(result);
        }
        // A last name this module declares but that is missing where it leads (a `use` of a
        // function, looked up as a macro; a `use` of a derive macro, looked up as the
        // trait of that name) may still come from the module's other sources below: an
        // exported `macro_rules!` elsewhere in the crate (sqlx's `query!` beside `pub use
        // sqlx_core::query::query`), a glob, or items a macro writes (serde's
        // `crate_root!()` re-exports the traits whose derives it also re-exports).
        // Only for the path's last name or a re-exported one (`Deserialize::deserialize`):
        // a miss further down a module's path is that module's answer (and a glob of this
        // module would only lead back here).
        let declared_missing = match pick(&results) {
            Some(missing @ Lookup::Missing { .. })
                if last
                    || candidates
                        .iter()
                        .all(|i| matches!(i.kind, ItemKind::Reexport(_))) =>
            {
                Some(missing)
            }
            Some(picked) => return picked,
            None => None,
        };
        // Glob imports, public ones for a path from outside.
        let mut unknown = module.opaque;
        for (glob, public, glob_cfg) in &module.globs {
            if !public && !inside {
                continue;
            }
            if unknown && cannot_provide(module, glob, name) {
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
        // `#[macro_export]` puts a macro at the crate's root from any module. Finding them
        // reads every module file of the crate, which only a name that a `macro_rules!`
        // defines somewhere in it needs (or a macro path, which also asks whether the walk
        // saw everything): procedural macros are at the root, among the items above.
        let macro_rules = || self.project.index::<MacroNames>(&loc.krate.dir);
        if loc.chain.len() == 1
            && last
            && ns != Namespace::Item
            && (ns == Namespace::Macro || {
                let macros = macro_rules();
                macros.generated || macros.names.contains(name)
            })
        {
            let exported = self.project.index::<ExportedMacros>(&loc.krate);
            let found: Vec<Found> = exported
                .macros
                .iter()
                .filter(|m| m.name == *name)
                .map(|m| {
                    let mut cfg = cfg.clone();
                    cfg.extend(m.cfg.iter().cloned());
                    Found {
                        cfg,
                        deprecated: deprecated.clone().or_else(|| m.deprecated.clone()),
                        krate: loc.krate.clone(),
                        name: name.clone(),
                        file: m.file.clone(),
                        line: m.line,
                    }
                })
                .collect();
            if !found.is_empty() {
                return Lookup::Found(found);
            }
            // A `use` imports macros rarely enough that the names `macro_rules!` defines
            // (below) decide for it, as they do for a path.
            unknown |= exported.incomplete && ns == Namespace::Macro;
        }
        // A private glob (`use super::*`) inside the crate, seen from outside, does not
        // export; but one whose target cannot be read leaves the answer open.
        if unknown {
            return Lookup::Unknown;
        }
        if loc.chain.len() == 1 {
            let macros = macro_rules();
            if macros.names.contains(name) || (ns != Namespace::Item && macros.generated) {
                return Lookup::Unknown;
            }
        }
        declared_missing.unwrap_or_else(|| Lookup::Missing {
            module: module_path(loc),
            name: name.clone(),
            associated: false,
        })
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
        let api = api_file(self.project, &loc.krate, file);
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
        // The features named inside that crate are its own, which the crate re-exporting
        // from it turns on in its declaration (rlt's `tui-logger = { features =
        // ["tracing-support"] }`), not the workspace: without the dependencies' feature
        // graph they are unknown, never a finding against the workspace's features.
        match self.lookup(&root, &path[1..], ns, false, Vec::new(), deprecated, depth) {
            Lookup::Found(found) => Lookup::Found(
                found
                    .into_iter()
                    .map(|mut found| {
                        let theirs = std::mem::take(&mut found.cfg)
                            .into_iter()
                            .map(features_unknown);
                        found.cfg = cfg.iter().cloned().chain(theirs).collect();
                        found
                    })
                    .collect(),
            ),
            other => other,
        }
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

/// `cfg` with every feature predicate made unknown (`Cfg::Other`).
fn features_unknown(cfg: Cfg) -> Cfg {
    match cfg {
        Cfg::Feature(_) => Cfg::Other,
        Cfg::All(all) => Cfg::All(all.into_iter().map(features_unknown).collect()),
        Cfg::Any(any) => Cfg::Any(any.into_iter().map(features_unknown).collect()),
        Cfg::Not(inner) => Cfg::Not(Box::new(features_unknown(*inner))),
        other => other,
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

/// A `#[macro_export]` macro, with the predicates of the modules on the way to it.
#[derive(Debug, Clone)]
pub struct ExportedMacro {
    pub name: String,
    pub cfg: Vec<Cfg>,
    pub deprecated: Option<Deprecation>,
    pub file: PathBuf,
    pub line: u32,
}

/// The macros a crate exports at its root from any module (`#[macro_export]`), found by
/// walking its module tree from the root, so that a macro in `#[cfg(feature = "macros")]
/// mod macros;` is known to be behind `macros`.
#[derive(Debug, Default)]
pub struct ExportedMacros {
    pub macros: Vec<ExportedMacro>,
    /// A module on the way could not be read or has item-level macro calls: there may be
    /// more.
    pub incomplete: bool,
}

impl ProjectIndex for ExportedMacros {
    type Key = ApiCrate;
    const READS_DISK_DIRECTLY: bool = true;

    fn build(project: &Project, krate: &ApiCrate) -> ExportedMacros {
        let mut out = ExportedMacros::default();
        let Some(root) = lib_file(project, krate) else {
            out.incomplete = true;
            return out;
        };
        // (file, path in the file, predicates so far)
        let mut queue = vec![(root, Vec::<String>::new(), Vec::<Cfg>::new(), 0u32)];
        let mut seen = HashSet::new();
        while let Some((file, inline, mut cfg, depth)) = queue.pop() {
            if depth > MAX_DEPTH || !seen.insert((file.clone(), inline.clone())) {
                continue;
            }
            let api = api_file(project, krate, &file);
            let Some(module) = api.modules.get(&inline) else {
                out.incomplete = true;
                continue;
            };
            cfg.extend(module.cfg.iter().cloned());
            out.incomplete |= module.opaque;
            for item in &module.items {
                let mut item_cfg = cfg.clone();
                item_cfg.extend(item.cfg.iter().cloned());
                match &item.kind {
                    ItemKind::Macro if item.public => out.macros.push(ExportedMacro {
                        name: item.name.clone(),
                        cfg: item_cfg,
                        deprecated: item.deprecated.clone(),
                        file: file.clone(),
                        line: item.line,
                    }),
                    ItemKind::Module(ModuleAt::Inline(path)) => {
                        queue.push((file.clone(), path.clone(), item_cfg, depth + 1))
                    }
                    ItemKind::Module(ModuleAt::File(Some(path))) => {
                        queue.push((path.clone(), Vec::new(), item_cfg, depth + 1))
                    }
                    ItemKind::Module(ModuleAt::File(None)) => out.incomplete = true,
                    _ => {}
                }
            }
        }
        out.macros
            .sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        out
    }
}

/// A path resolved from a locked crate's root, once per run however many files write it:
/// a workspace's files import the same few paths of the same crates.
pub struct ResolvedPath(pub Lookup);

impl ProjectIndex for ResolvedPath {
    /// The lock, the crate, the path after the crate's name, and its namespace.
    type Key = (DepKey, ApiCrate, Vec<String>, Namespace);
    // Registry sources, read directly (see `LockedCrates`).
    const READS_DISK_DIRECTLY: bool = true;

    fn build(project: &Project, (key, krate, path, ns): &Self::Key) -> ResolvedPath {
        let locked = project.index::<LockedCrates>(key);
        let graph = project.index::<LockGraph>(&key.root);
        let resolver = Resolver {
            project,
            locked: &locked,
            graph: &graph,
        };
        ResolvedPath(resolver.resolve(krate, path, *ns))
    }
}

/// [`Resolver::resolve`] through the run's [`ResolvedPath`] index.
pub fn resolved(
    project: &Project,
    key: &DepKey,
    krate: &ApiCrate,
    path: &[String],
    ns: Namespace,
) -> Lookup {
    let key = (key.clone(), krate.clone(), path.to_vec(), ns);
    project.index::<ResolvedPath>(&key).0.clone()
}

/// A crate's library root file: `[lib] path`, else `src/lib.rs`.
fn lib_file(project: &Project, krate: &ApiCrate) -> Option<PathBuf> {
    project.index::<LibFile>(&krate.dir).0.clone()
}

/// A locked crate's library root file, by the crate's directory: an index, because every
/// path resolved in the crate starts there, and its manifest is read and parsed once.
struct LibFile(Option<PathBuf>);

impl ProjectIndex for LibFile {
    type Key = PathBuf;
    // Registry sources, read directly (see `LockedCrates`).
    const READS_DISK_DIRECTLY: bool = true;

    fn build(_: &Project, dir: &PathBuf) -> LibFile {
        let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).ok();
        let manifest = manifest.and_then(|m| m.parse::<toml::Table>().ok());
        LibFile(manifest.map(|manifest| {
            manifest
                .get("lib")
                .and_then(|l| l.get("path"))
                .and_then(|p| p.as_str())
                .map_or_else(|| dir.join("src/lib.rs"), |p| dir.join(p))
        }))
    }
}

/// What a crate's sources say about one type name: its definitions and every `impl` of
/// that name, from the files that mention it.
#[derive(Debug, Default)]
pub struct TypeFacts {
    /// How many items of the crate have this name (two `Error`s: which one is meant is
    /// not known here).
    pub definitions: u32,
    pub shape: Option<TypeShape>,
    /// The impls of the name, with the file they are in and their modules' predicates.
    pub impls: Vec<(PathBuf, ApiImpl)>,
    /// The name is inside an item-level macro call, which may write impls of it.
    pub in_macro: bool,
}

impl ProjectIndex for TypeFacts {
    type Key = (ApiCrate, String);
    const READS_DISK_DIRECTLY: bool = true;

    fn build(project: &Project, (krate, name): &(ApiCrate, String)) -> TypeFacts {
        let mut files = Vec::new();
        super::walk(&krate.dir, &krate.dir, &mut files);
        files.sort();
        let mut out = TypeFacts::default();
        for file in files {
            let Ok(text) = prodlint_core::read_regular_to_string(&file) else {
                continue;
            };
            if !mentions(&text, name) {
                continue;
            }
            let api = api_file(project, krate, &file);
            out.in_macro |= api.macro_words.contains(name);
            let mut modules: Vec<_> = api.modules.iter().collect();
            modules.sort_by(|a, b| a.0.cmp(b.0));
            for (_, module) in modules {
                for item in &module.items {
                    if item.name != *name
                        || matches!(
                            item.kind,
                            ItemKind::Module(_) | ItemKind::Reexport(_) | ItemKind::Macro
                        )
                    {
                        continue;
                    }
                    out.definitions += 1;
                    if let ItemKind::Type(shape) = &item.kind {
                        out.shape = Some(shape.clone());
                    }
                }
                for imp in module.impls.iter().filter(|i| i.self_ty == *name) {
                    let mut imp = imp.clone();
                    imp.cfg.extend(module.cfg.iter().cloned());
                    out.impls.push((file.clone(), imp));
                }
            }
        }
        out
    }
}

/// Whether the glob `use glob::*` of `module` leads to a module file that can only answer
/// `name` with missing or unknown: one whose text does not have the word and re-exports
/// nothing (an item of that name, or a `use` of it, would have the word; what a macro
/// writes is unknown). Once a lookup is unknown, such a file cannot change its answer,
/// and reading it is skipped: web-sys's feature modules are 1,700 files behind globs.
fn cannot_provide(module: &ApiModule, glob: &[String], name: &str) -> bool {
    let [child] = glob else { return false };
    let file = module.items.iter().find_map(|item| match &item.kind {
        ItemKind::Module(ModuleAt::File(Some(file))) if item.name == *child => Some(file),
        _ => None,
    });
    let Some(text) = file.and_then(|f| prodlint_core::read_regular_to_string(f).ok()) else {
        return false;
    };
    let reexports = ["pub use", "pub(crate) use", "pub(super) use", "pub(in "];
    !mentions(&text, name) && !reexports.iter().any(|r| text.contains(r))
}

/// Whether `word` occurs in `text` as a whole identifier.
fn mentions(text: &str, word: &str) -> bool {
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(word).any(|(at, _)| {
        !text[..at].chars().next_back().is_some_and(ident)
            && !text[at + word.len()..].chars().next().is_some_and(ident)
    })
}

/// The methods of the std traits that a derive or an impl may give a type: a name none
/// of them declares is not provided by them.
fn std_trait_methods(name: &str) -> Option<&'static [&'static str]> {
    Some(match name {
        "Clone" => &["clone", "clone_from"],
        "Copy" | "Eq" | "Send" | "Sync" | "Unpin" | "StructuralPartialEq" => &[],
        "Debug" | "Display" | "LowerHex" | "UpperHex" | "Binary" | "Octal" => &["fmt"],
        "Default" => &["default"],
        "PartialEq" => &["eq", "ne"],
        "PartialOrd" => &["partial_cmp", "lt", "le", "gt", "ge"],
        "Ord" => &["cmp", "max", "min", "clamp"],
        "Hash" => &["hash", "hash_slice"],
        "From" => &["from"],
        "Into" => &["into"],
        "TryFrom" => &["try_from", "Error"],
        "FromStr" => &["from_str", "Err"],
        "AsRef" => &["as_ref"],
        "AsMut" => &["as_mut"],
        "Borrow" => &["borrow"],
        "Drop" => &["drop"],
        "Deref" => &["deref", "Target"],
        "DerefMut" => &["deref_mut"],
        "Error" => &["source", "description", "cause", "provide"],
        _ => return None,
    })
}

/// Names every type has from std's blanket impls (`From<T> for T`, `Into`, `Any`,
/// `ToOwned`, `ToString`, …).
const BLANKET: &[&str] = &[
    "from",
    "into",
    "try_from",
    "try_into",
    "borrow",
    "borrow_mut",
    "type_id",
    "to_owned",
    "clone_into",
    "to_string",
];

impl Resolver<'_> {
    /// `Type::name` or `value.name()` where `ty` is a struct, enum or union that `krate`
    /// defines (`written` is its path, for messages). Inherent impls first (what rustc
    /// picks), then the crate's traits that the type implements in the crate. Missing only
    /// for a path, and only when nothing could provide the name: one definition of the
    /// type, every impl readable, only std traits derived or implemented and none of them
    /// with the name, no function of that name anywhere in the crate (a blanket impl of
    /// one of its traits).
    #[allow(clippy::too_many_arguments)]
    pub fn member(
        &self,
        krate: &ApiCrate,
        ty: &str,
        written: &str,
        name: &str,
        cfg: Vec<Cfg>,
        deprecated: Option<Deprecation>,
        via: Via,
    ) -> Lookup {
        let facts = self
            .project
            .index::<TypeFacts>(&(krate.clone(), ty.to_string()));
        let Some(shape) = facts.shape.as_ref().filter(|_| facts.definitions == 1) else {
            return Lookup::Unknown;
        };
        let found = |file: &Path, extra: &[&[Cfg]], dep: Option<Deprecation>, line: u32| {
            let mut cfg = cfg.clone();
            for more in extra {
                cfg.extend(more.iter().cloned());
            }
            Found {
                cfg,
                deprecated: deprecated.clone().or(dep),
                krate: krate.clone(),
                name: name.to_string(),
                file: file.to_path_buf(),
                line,
            }
        };
        if via == Via::Path && shape.variants.iter().any(|v| v == name) {
            return Lookup::Found(vec![found(&krate.dir, &[], None, 0)]);
        }
        let inherent: Vec<Found> = facts
            .impls
            .iter()
            .filter(|(_, i)| i.trait_name.is_none())
            .flat_map(|(file, i)| {
                i.items
                    .iter()
                    .filter(|a| a.name == name)
                    .map(|a| found(file, &[&i.cfg, &a.cfg], a.deprecated.clone(), a.line))
                    .collect::<Vec<_>>()
            })
            .collect();
        if !inherent.is_empty() {
            return Lookup::Found(inherent);
        }
        let implemented: BTreeSet<&str> = facts
            .impls
            .iter()
            .filter_map(|(_, i)| i.trait_name.as_deref())
            .chain(shape.derives.iter().map(String::as_str))
            .collect();
        // The crate's own traits that declare the name (found through the files that
        // define a function of that name).
        let crate_fns = self
            .locked
            .crates
            .iter()
            .find(|c| c.name == krate.name && c.version == krate.version)
            .and_then(|c| self.locked.crate_key(c))
            .map(|key| self.project.index::<super::CrateFns>(&key));
        let Some(crate_fns) = crate_fns else {
            return Lookup::Unknown;
        };
        let mut provided = Vec::new();
        for relative in crate_fns.files_defining(name) {
            let file = krate.dir.join(relative);
            let api = api_file(self.project, krate, &file);
            let mut modules: Vec<_> = api.modules.iter().collect();
            modules.sort_by(|a, b| a.0.cmp(b.0));
            for (_, module) in modules {
                for t in module
                    .traits
                    .iter()
                    .filter(|t| implemented.contains(t.name.as_str()))
                {
                    for a in t.items.iter().filter(|a| a.name == name) {
                        provided.push(found(&file, &[&a.cfg], a.deprecated.clone(), a.line));
                    }
                }
            }
        }
        if !provided.is_empty() {
            // A trait's method: reported only when deprecated, never as behind a feature
            // (which impl is compiled is not followed).
            for f in &mut provided {
                f.cfg.clear();
            }
            return Lookup::Found(provided);
        }
        let provides = |t: &str| match std_trait_methods(t) {
            Some(methods) => methods.contains(&name),
            None => true,
        };
        if via == Via::Method
            || facts.in_macro
            || facts.impls.iter().any(|(_, i)| i.opaque)
            || BLANKET.contains(&name)
            || implemented.iter().any(|t| provides(t))
            || crate_fns.defines(name)
        {
            return Lookup::Unknown;
        }
        Lookup::Missing {
            module: written.to_string(),
            name: name.to_string(),
            associated: true,
        }
    }
}
