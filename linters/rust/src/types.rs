//! Types as written, resolved through a file's `use` items and module path: enough to ask
//! whether a type is `Send` or `Sync` without a compiler (see `auto_traits`).

use std::collections::HashMap;

use prodlint_core::Span;
use ra_ap_syntax::ast::{self, HasGenericArgs, HasName, HasTypeBounds};
use ra_ap_syntax::{AstNode, SyntaxKind, SyntaxNode, TextSize};

/// A type as written, with its paths made absolute where the file says how.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Ty {
    Path(PathTy),
    Ref {
        mutable: bool,
        inner: Box<Ty>,
    },
    /// `*const T`, `*mut T`: neither `Send` nor `Sync`.
    Ptr,
    Tuple(Vec<Ty>),
    /// `[T; N]` and `[T]`.
    Array(Box<Ty>),
    /// `dyn A + B`: the resolved trait paths and whether `Send`/`Sync` are written.
    Dyn(DynTy),
    /// A generic parameter of the item the type is written in.
    Param(String),
    /// A generic parameter, or an `impl Trait` argument, standing for any type its bounds
    /// allow, where every caller counts (`every_async_fn`): it is taken to be `Send` (what
    /// holds it is then `Send` whenever its arguments are), and `Sync` only if its bounds
    /// say so. The name as written, and the bounds.
    Generic(String, DynTy),
    /// `fn(..)`, `!`, `impl Trait`, `_`, macros: nothing to say.
    Opaque,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PathTy {
    /// The resolved path, `::`-joined, with `core::`/`alloc::` normalised to `std::`.
    pub path: String,
    /// The same path relative to the module it was written in, when the first segment
    /// could name a module of this crate as well as an external crate.
    pub relative: Option<String>,
    /// Whether the path names something of this crate with certainty or by the module it
    /// is written in (not an external crate).
    pub local: bool,
    pub args: Vec<Ty>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DynTy {
    pub traits: Vec<PathTy>,
    pub send: bool,
    pub sync: bool,
}

impl Ty {
    /// What `?` or `.unwrap()` gives of a `Result` or an `Option`, and of the `Result<T>`
    /// aliases of crates (`io::Result`, `anyhow::Result`, a crate's own), whose first
    /// argument is the success type by convention.
    pub fn success(&self) -> Option<&Ty> {
        match self {
            Ty::Path(p) if matches!(self.last_segment(), Some("Result" | "Option")) => {
                p.args.first()
            }
            _ => None,
        }
    }

    pub fn last_segment(&self) -> Option<&str> {
        match self {
            Ty::Path(p) => p.path.rsplit("::").next(),
            _ => None,
        }
    }

    pub fn path(&self) -> Option<&PathTy> {
        match self {
            Ty::Path(p) => Some(p),
            _ => None,
        }
    }

    /// Replaces generic parameters by the arguments given for them.
    pub fn substitute(&self, params: &[String], args: &[Ty]) -> Ty {
        if params.is_empty() {
            return self.clone();
        }
        match self {
            Ty::Param(name) => match params.iter().position(|p| p == name) {
                Some(i) => args.get(i).cloned().unwrap_or(Ty::Opaque),
                None => self.clone(),
            },
            Ty::Path(p) => Ty::Path(PathTy {
                args: p.args.iter().map(|a| a.substitute(params, args)).collect(),
                ..p.clone()
            }),
            Ty::Ref { mutable, inner } => Ty::Ref {
                mutable: *mutable,
                inner: Box::new(inner.substitute(params, args)),
            },
            Ty::Tuple(items) => {
                Ty::Tuple(items.iter().map(|a| a.substitute(params, args)).collect())
            }
            Ty::Array(inner) => Ty::Array(Box::new(inner.substitute(params, args))),
            _ => self.clone(),
        }
    }

    /// A short rendering for messages: `Arc<RwLock<Swarm<..>>>`.
    pub fn display(&self) -> String {
        match self {
            Ty::Path(p) => {
                let name = p.path.rsplit("::").next().unwrap_or(&p.path);
                if p.args.is_empty() {
                    name.to_string()
                } else {
                    let args: Vec<String> = p.args.iter().map(Ty::display).collect();
                    format!("{name}<{}>", args.join(", "))
                }
            }
            Ty::Ref { mutable, inner } => {
                format!("&{}{}", if *mutable { "mut " } else { "" }, inner.display())
            }
            Ty::Ptr => "*const _".to_string(),
            Ty::Tuple(items) => {
                let items: Vec<String> = items.iter().map(Ty::display).collect();
                format!("({})", items.join(", "))
            }
            Ty::Array(inner) => format!("[{}]", inner.display()),
            Ty::Dyn(d) => {
                let mut parts: Vec<String> = d
                    .traits
                    .iter()
                    .map(|t| t.path.rsplit("::").next().unwrap_or(&t.path).to_string())
                    .collect();
                if d.send {
                    parts.push("Send".into());
                }
                if d.sync {
                    parts.push("Sync".into());
                }
                format!("dyn {}", parts.join(" + "))
            }
            Ty::Param(name) | Ty::Generic(name, _) => name.clone(),
            Ty::Opaque => "_".to_string(),
        }
    }
}

/// The first segment of a path that is not known for sure (imported from two places).
pub const AMBIGUOUS: &str = "<cfg-dependent>";

/// Names in the prelude that resolve without a `use`.
const PRELUDE: &[(&str, &str)] = &[
    ("Box", "std::boxed::Box"),
    ("Vec", "std::vec::Vec"),
    ("Option", "std::option::Option"),
    ("Result", "std::result::Result"),
    ("String", "std::string::String"),
    ("Send", "std::marker::Send"),
    ("Sync", "std::marker::Sync"),
    ("Fn", "std::ops::Fn"),
    ("FnMut", "std::ops::FnMut"),
    ("FnOnce", "std::ops::FnOnce"),
    ("AsRef", "std::convert::AsRef"),
    ("AsMut", "std::convert::AsMut"),
    ("Into", "std::convert::Into"),
    ("From", "std::convert::From"),
    ("Clone", "std::clone::Clone"),
    ("Copy", "std::marker::Copy"),
    ("Sized", "std::marker::Sized"),
    ("Unpin", "std::marker::Unpin"),
    ("Default", "std::default::Default"),
    ("Iterator", "std::iter::Iterator"),
    ("IntoIterator", "std::iter::IntoIterator"),
    ("ToString", "std::string::ToString"),
    ("ToOwned", "std::borrow::ToOwned"),
    ("PartialEq", "std::cmp::PartialEq"),
    ("Eq", "std::cmp::Eq"),
    ("PartialOrd", "std::cmp::PartialOrd"),
    ("Ord", "std::cmp::Ord"),
];

const PRIMITIVES: &[&str] = &[
    "bool", "char", "str", "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64",
    "i128", "isize", "f32", "f64",
];

/// `core::cell::RefCell` and `alloc::rc::Rc` are `std::cell::RefCell` and `std::rc::Rc`.
pub fn normalize_std(path: &str) -> String {
    for prefix in ["core::", "alloc::", "::std::", "::core::", "::alloc::"] {
        if let Some(rest) = path.strip_prefix(prefix) {
            return format!("std::{rest}");
        }
    }
    path.strip_prefix("::").unwrap_or(path).to_string()
}

/// What a module knows about names: its path, its `use` items, the generic parameters in
/// scope and what `Self` is.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    pub crate_name: String,
    /// `my_crate::a::b`.
    pub module: String,
    /// Name → (resolved path, whether it may be relative to the module).
    pub uses: HashMap<String, (String, bool)>,
    pub globs: Vec<String>,
    pub generics: Vec<String>,
    /// The bounds of generic parameters that stand for any type they allow (see
    /// [`Ty::Generic`]); empty where a parameter is unknown, so silent.
    pub param_bounds: HashMap<String, DynTy>,
    /// Whether `impl Trait` in argument position is a [`Ty::Generic`] (else opaque).
    pub bound_impl_traits: bool,
    pub self_ty: Option<Ty>,
}

impl Scope {
    pub fn new(crate_name: &str, module: &str) -> Scope {
        Scope {
            crate_name: crate_name.to_string(),
            module: module.to_string(),
            ..Scope::default()
        }
    }

    /// Adds the names a `use` item brings in.
    pub fn add_use(&mut self, item: &ast::Use) {
        if let Some(tree) = item.use_tree() {
            self.add_use_tree(&tree, Vec::new());
        }
    }

    fn add_use_tree(&mut self, tree: &ast::UseTree, prefix: Vec<String>) {
        let mut segments = prefix;
        if let Some(path) = tree.path() {
            segments.extend(path_segments(&path));
        }
        if let Some(list) = tree.use_tree_list() {
            for child in list.use_trees() {
                self.add_use_tree(&child, segments.clone());
            }
            return;
        }
        if tree.star_token().is_some() {
            let (path, _) = self.absolute(&segments);
            self.globs.push(path);
            return;
        }
        if segments.last().is_some_and(|s| s == "self") {
            segments.pop();
        }
        let Some(last) = segments.last().cloned() else {
            return;
        };
        let name = match tree.rename() {
            Some(rename) => match rename.name() {
                Some(name) => name.text().to_string(),
                None => return, // `as _`
            },
            None => last,
        };
        let (path, relative) = self.absolute(&segments);
        match self.uses.get(&name) {
            // The same name imported from two places: `use`s under alternative `#[cfg]`s
            // (`once_cell::sync::OnceCell` with a feature, `unsync` without). Which one is
            // compiled is not known here, so the name resolves to nothing known.
            Some((known, _)) if *known != path => {
                self.uses
                    .insert(name.clone(), (format!("{AMBIGUOUS}::{name}"), false));
            }
            _ => {
                self.uses.insert(name, (path, relative));
            }
        }
    }

    /// `crate::`, `self::`, `super::` made absolute; other paths as written. The flag says
    /// the first segment may also be a module next to this one.
    fn absolute(&self, segments: &[String]) -> (String, bool) {
        let Some(first) = segments.first() else {
            return (String::new(), false);
        };
        match first.as_str() {
            "crate" | "$crate" => {
                let mut out = vec![self.crate_name.clone()];
                out.extend(segments[1..].iter().cloned());
                (out.join("::"), false)
            }
            "self" => {
                let mut out = vec![self.module.clone()];
                out.extend(segments[1..].iter().cloned());
                (out.join("::"), false)
            }
            "super" => {
                let mut module: Vec<&str> = self.module.split("::").collect();
                let mut rest = segments;
                while rest.first().is_some_and(|s| s == "super") {
                    if module.len() > 1 {
                        module.pop();
                    }
                    rest = &rest[1..];
                }
                let mut out: Vec<String> = module.iter().map(|s| s.to_string()).collect();
                out.extend(rest.iter().cloned());
                (out.join("::"), false)
            }
            "std" | "core" | "alloc" | "" => (normalize_std(&segments.join("::")), false),
            _ => (segments.join("::"), true),
        }
    }

    /// Resolves a path written in this scope.
    pub fn resolve(&self, segments: &[String]) -> PathTy {
        let empty = PathTy {
            path: String::new(),
            relative: None,
            local: false,
            args: Vec::new(),
        };
        let Some(first) = segments.first() else {
            return empty;
        };
        let rest = &segments[1..];
        let join = |base: &str| {
            if rest.is_empty() {
                base.to_string()
            } else {
                format!("{base}::{}", rest.join("::"))
            }
        };
        if let Some((path, relative)) = self.uses.get(first) {
            let full = normalize_std(&join(path));
            let relative = relative.then(|| format!("{}::{}", self.module, join(path)));
            let local = path.split("::").next() == Some(self.crate_name.as_str());
            return PathTy {
                path: full,
                relative,
                local,
                args: Vec::new(),
            };
        }
        match first.as_str() {
            "crate" | "self" | "super" | "$crate" => {
                let (path, _) = self.absolute(segments);
                PathTy {
                    path,
                    relative: None,
                    local: true,
                    args: Vec::new(),
                }
            }
            "std" | "core" | "alloc" => PathTy {
                path: normalize_std(&segments.join("::")),
                ..empty
            },
            _ if rest.is_empty() => {
                if let Some((_, path)) = PRELUDE.iter().find(|(name, _)| name == first) {
                    return PathTy {
                        path: path.to_string(),
                        ..empty
                    };
                }
                // A name of this module, or one brought in by a glob.
                PathTy {
                    path: format!("{}::{first}", self.module),
                    relative: None,
                    local: true,
                    args: Vec::new(),
                }
            }
            _ => PathTy {
                path: segments.join("::"),
                relative: Some(format!("{}::{}", self.module, segments.join("::"))),
                local: false,
                args: Vec::new(),
            },
        }
    }

    /// Turns a written type into a [`Ty`].
    pub fn ty(&self, ty: &ast::Type) -> Ty {
        match ty {
            ast::Type::PathType(path) => match path.path() {
                Some(path) => self.path_ty(&path),
                None => Ty::Opaque,
            },
            ast::Type::RefType(r) => Ty::Ref {
                mutable: r.mut_token().is_some(),
                inner: Box::new(r.ty().map_or(Ty::Opaque, |t| self.ty(&t))),
            },
            ast::Type::PtrType(_) => Ty::Ptr,
            ast::Type::TupleType(t) => Ty::Tuple(t.fields().map(|f| self.ty(&f)).collect()),
            ast::Type::ArrayType(a) => {
                Ty::Array(Box::new(a.ty().map_or(Ty::Opaque, |t| self.ty(&t))))
            }
            ast::Type::SliceType(s) => {
                Ty::Array(Box::new(s.ty().map_or(Ty::Opaque, |t| self.ty(&t))))
            }
            ast::Type::ParenType(p) => p.ty().map_or(Ty::Opaque, |t| self.ty(&t)),
            ast::Type::DynTraitType(d) => match d.type_bound_list() {
                Some(bounds) => Ty::Dyn(self.bounds(&bounds)),
                None => Ty::Opaque,
            },
            ast::Type::ImplTraitType(i) if self.bound_impl_traits => match i.type_bound_list() {
                Some(bounds) => Ty::Generic(i.syntax().text().to_string(), self.bounds(&bounds)),
                None => Ty::Opaque,
            },
            _ => Ty::Opaque,
        }
    }

    /// The traits of a bound list, with `Send` and `Sync` noted apart.
    pub fn bounds(&self, bounds: &ast::TypeBoundList) -> DynTy {
        let mut out = DynTy {
            traits: Vec::new(),
            send: false,
            sync: false,
        };
        for bound in bounds.bounds() {
            if bound.question_mark_token().is_some() {
                continue;
            }
            let Some(ast::Type::PathType(path)) = bound.ty() else {
                continue;
            };
            let Some(path) = path.path() else { continue };
            let segments = path_segments(&path);
            let resolved = self.resolve(&segments);
            match resolved.path.as_str() {
                "std::marker::Send" => out.send = true,
                "std::marker::Sync" => out.sync = true,
                _ => out.traits.push(resolved),
            }
        }
        out
    }

    pub fn path_ty(&self, path: &ast::Path) -> Ty {
        let segments = path_segments(path);
        if segments.len() == 1 {
            let name = &segments[0];
            if let Some(bounds) = self.param_bounds.get(name) {
                return Ty::Generic(name.clone(), bounds.clone());
            }
            if self.generics.contains(name) {
                return Ty::Param(name.clone());
            }
            if PRIMITIVES.contains(&name.as_str()) {
                return Ty::Opaque;
            }
            if name == "Self" {
                return self.self_ty.clone().unwrap_or(Ty::Opaque);
            }
        }
        let mut resolved = self.resolve(&segments);
        if let Some(args) = path.segment().and_then(|s| s.generic_arg_list()) {
            resolved.args = args
                .generic_args()
                .filter_map(|arg| match arg {
                    ast::GenericArg::TypeArg(t) => t.ty().map(|t| self.ty(&t)),
                    _ => None,
                })
                .collect();
        }
        Ty::Path(resolved)
    }
}

impl Scope {
    /// Makes the type parameters of `list` stand for any type their bounds allow (in
    /// `list` and in `where_clause`), `impl Trait` arguments too: for an analysis that
    /// answers for every caller. Bounds on anything but a bare parameter are left out;
    /// they constrain nothing this analysis asks.
    pub fn bind_param_bounds(
        &mut self,
        list: Option<ast::GenericParamList>,
        where_clause: Option<ast::WhereClause>,
    ) {
        self.bound_impl_traits = true;
        let empty = || DynTy {
            traits: Vec::new(),
            send: false,
            sync: false,
        };
        let add = |scope: &mut Scope, name: String, bounds: Option<ast::TypeBoundList>| {
            let found = bounds.map(|b| scope.bounds(&b)).unwrap_or_else(empty);
            let entry = scope.param_bounds.entry(name).or_insert_with(empty);
            entry.send |= found.send;
            entry.sync |= found.sync;
            entry.traits.extend(found.traits);
        };
        for param in list.iter().flat_map(|l| l.type_or_const_params()) {
            if let ast::TypeOrConstParam::Type(t) = param {
                if let Some(name) = t.name() {
                    add(self, name.text().to_string(), t.type_bound_list());
                }
            }
        }
        for predicate in where_clause.iter().flat_map(|w| w.predicates()) {
            let Some(ast::Type::PathType(p)) = predicate.ty() else {
                continue;
            };
            let Some(name) = p.path().and_then(|p| p.as_single_name_ref()) else {
                continue;
            };
            let name = name.text().to_string();
            if self.param_bounds.contains_key(&name) {
                add(self, name, predicate.type_bound_list());
            }
        }
    }
}

/// `a::b::C<T>` → `["a", "b", "C"]` (generic arguments dropped, `::std` kept as `std`).
pub fn path_segments(path: &ast::Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = Some(path.clone());
    while let Some(p) = current {
        if let Some(segment) = p.segment() {
            let text = if let Some(name) = segment.name_ref() {
                name.text().to_string()
            } else {
                segment.syntax().text().to_string()
            };
            out.push(text);
        }
        current = p.qualifier();
    }
    out.reverse();
    out
}

/// The generic type parameters an item declares.
pub fn generic_params(list: Option<ast::GenericParamList>) -> Vec<String> {
    list.map(|list| {
        list.type_or_const_params()
            .filter_map(|p| match p {
                ast::TypeOrConstParam::Type(t) => t.name().map(|n| n.text().to_string()),
                _ => None,
            })
            .collect()
    })
    .unwrap_or_default()
}

/// Whether a bound list (a trait's supertraits, a `dyn`) names `Send`/`Sync`, by text, for
/// callers that have no scope at hand.
pub fn bounds_text_has(bounds: &ast::TypeBoundList, name: &str) -> bool {
    bounds.bounds().any(|b| {
        b.ty().is_some_and(|t| {
            let text = t.syntax().text().to_string();
            text == name || text.ends_with(&format!("::{name}"))
        })
    })
}

/// An `#[async_trait]` attribute: the flavour of futures it gives the methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AsyncTrait {
    /// `#[async_trait]`: the futures are `Send`; `#[async_trait(?Send)]`: they are not.
    pub send: bool,
    /// The attribute, `#` to `]`.
    pub attr: Span,
}

/// The `#[async_trait]` attribute of an item, under any path that names the macro:
/// `async_trait`, `async_trait::async_trait`, a re-export (`tower_lsp::async_trait`) or a
/// name imported for it (`use async_trait::async_trait as at;` … `#[at]`).
pub fn async_trait_attr(item: &impl ast::HasAttrs, scope: &Scope) -> Option<AsyncTrait> {
    item.attrs().find_map(|attr| {
        let names_macro = match crate::attr::attr_path(&attr)?.as_slice() {
            [] => false,
            [name] => {
                name == "async_trait"
                    || scope
                        .uses
                        .get(name)
                        .is_some_and(|(path, _)| path.rsplit("::").next() == Some("async_trait"))
            }
            [.., last] => last == "async_trait",
        };
        if !names_macro {
            return None;
        }
        let send = crate::attr::read_meta(&attr, |meta, _| crate::attr::async_trait_send(meta))?;
        Some(AsyncTrait {
            send,
            attr: crate::span(attr.syntax().text_range()),
        })
    })
}

/// The pattern that binds `name` where `node` uses it: the nearest binding visible there, in
/// the enclosing function, `const` or `static`.
pub fn binding_pat(name: &str, node: &SyntaxNode) -> Option<ast::IdentPat> {
    let offset = node.text_range().start();
    let body = node.ancestors().find(|a| {
        a.kind() == SyntaxKind::FN
            || a.kind() == SyntaxKind::CONST
            || a.kind() == SyntaxKind::STATIC
    })?;
    let candidates = BODY_BINDINGS.with(|cache| {
        let mut cache = cache.borrow_mut();
        if cache.as_ref().is_none_or(|c| c.body != body) {
            *cache = Some(BodyBindings::of(body));
        }
        let bindings = cache.as_ref().expect("just filled");
        bindings.by_name.get(name).cloned().unwrap_or_default()
    });
    let mut best: Option<(TextSize, ast::IdentPat)> = None;
    for pat in candidates {
        let Some(visible_from) = visible_from(&pat, node) else {
            continue;
        };
        if visible_from > offset {
            continue;
        }
        let start = pat.syntax().text_range().start();
        if best.as_ref().is_none_or(|(s, _)| start > *s) {
            best = Some((start, pat));
        }
    }
    best.map(|(_, pat)| pat)
}

/// The named patterns of one function, `const` or `static`, by name, in the order of the
/// tree: rules ask [`binding_pat`] for many names of the same body in a row (every method
/// call's receiver, every argument), and one walk of the body answers them all.
struct BodyBindings {
    body: SyntaxNode,
    by_name: HashMap<String, Vec<ast::IdentPat>>,
}

impl BodyBindings {
    fn of(body: SyntaxNode) -> BodyBindings {
        let mut by_name: HashMap<String, Vec<ast::IdentPat>> = HashMap::new();
        for pat in body.descendants().filter_map(ast::IdentPat::cast) {
            if let Some(n) = pat.name() {
                by_name.entry(n.text().to_string()).or_default().push(pat);
            }
        }
        BodyBindings { body, by_name }
    }
}

thread_local! {
    /// The bindings of the body asked last on this thread. Holding its node keeps that tree
    /// alive, so a later body never compares equal to it by a reused address.
    static BODY_BINDINGS: std::cell::RefCell<Option<BodyBindings>> =
        const { std::cell::RefCell::new(None) };
}

/// From where a pattern's binding is visible to `user`, if `user` is in its scope.
fn visible_from(pat: &ast::IdentPat, user: &SyntaxNode) -> Option<TextSize> {
    let user_range = user.text_range();
    for ancestor in pat.syntax().ancestors().skip(1) {
        match ancestor.kind() {
            SyntaxKind::LET_STMT => {
                let block = ancestor.parent()?;
                if !block.text_range().contains_range(user_range) {
                    return None;
                }
                return Some(ancestor.text_range().end());
            }
            SyntaxKind::PARAM => continue,
            SyntaxKind::FN
            | SyntaxKind::CLOSURE_EXPR
            | SyntaxKind::MATCH_ARM
            | SyntaxKind::IF_EXPR
            | SyntaxKind::WHILE_EXPR
            | SyntaxKind::FOR_EXPR => {
                if !ancestor.text_range().contains_range(user_range) {
                    return None;
                }
                return Some(pat.syntax().text_range().end());
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use ra_ap_syntax::ast::HasModuleItem;

    use super::*;

    /// The bindings of the body asked last are kept: asking another body, or the same text
    /// in another file's tree, must answer from that body and tree.
    #[test]
    fn binding_pat_answers_from_the_body_and_tree_asked() {
        fn first_use(file: &crate::RustFile, name: &str, nth: usize) -> SyntaxNode {
            file.tree()
                .syntax()
                .descendants()
                .filter_map(ast::PathExpr::cast)
                .filter(|p| p.syntax().text() == name)
                .nth(nth)
                .expect("a use of the name")
                .syntax()
                .clone()
        }
        let text = "fn a(x: u8) { let y = x; y; }\nfn b() { let x = 1; let y = 2; x; y; }\n";
        let one = crate::RustFile::parse(text);
        let other = crate::RustFile::parse(text);
        let bound_at = |file: &crate::RustFile, name: &str, nth: usize| {
            let node = first_use(file, name, nth);
            let pat = binding_pat(name, &node).expect("bound");
            assert_eq!(
                pat.syntax().ancestors().last(),
                node.ancestors().last(),
                "the binding is a node of the tree asked"
            );
            (
                u32::from(pat.syntax().text_range().start()),
                pat.syntax().parent().map(|p| p.kind()),
            )
        };
        let param_x = (5, Some(SyntaxKind::PARAM));
        assert_eq!(bound_at(&one, "x", 0), param_x);
        assert_eq!(bound_at(&one, "y", 0), (18, Some(SyntaxKind::LET_STMT)));
        // `fn b`'s `x` is its `let`, not `fn a`'s parameter asked just before.
        assert_eq!(bound_at(&one, "x", 1), (43, Some(SyntaxKind::LET_STMT)));
        assert_eq!(bound_at(&other, "x", 0), param_x);
        assert_eq!(bound_at(&one, "x", 0), param_x);
        let node = first_use(&one, "x", 0);
        assert!(binding_pat("z", &node).is_none());
    }

    #[test]
    fn a_name_imported_under_alternative_cfgs_is_unknown() {
        let file = crate::RustFile::parse(
            "#[cfg(feature = \"sync\")]\nuse once_cell::sync::OnceCell;\n#[cfg(not(feature = \"sync\"))]\nuse once_cell::unsync::OnceCell;\nuse std::rc::Rc;\nuse std::rc::Rc;\n",
        );
        let mut scope = Scope::new("demo", "demo");
        for item in file.tree().items() {
            if let ast::Item::Use(u) = item {
                scope.add_use(&u);
            }
        }
        assert!(scope
            .resolve(&["OnceCell".to_string()])
            .path
            .starts_with(AMBIGUOUS));
        assert_eq!(
            scope.resolve(&["Rc".to_string()]).path,
            "std::rc::Rc",
            "the same import twice is fine"
        );
    }

    #[test]
    fn async_trait_under_every_path_that_names_it() {
        let text = "use async_trait::async_trait as at;\nuse other::thing;\n#[async_trait]\nimpl A for B {}\n#[async_trait(?Send)]\nimpl A for C {}\n#[async_trait::async_trait]\nimpl A for D {}\n#[tower_lsp::async_trait]\nimpl A for E {}\n#[at]\nimpl A for F {}\n#[thing]\nimpl A for G {}\n#[async_trait(Send)]\nimpl A for H {}\n#[async_trait = \"x\"]\nimpl A for J {}\n#[async_trait(?Send]\nimpl A for I {}\n";
        let file = crate::RustFile::parse(text);
        let mut scope = Scope::new("c", "c");
        let mut found = Vec::new();
        for item in file.tree().items() {
            match item {
                ast::Item::Use(u) => scope.add_use(&u),
                ast::Item::Impl(imp) => found.push(async_trait_attr(&imp, &scope).map(|a| {
                    let attr = &text[a.attr.start as usize..a.attr.end as usize];
                    (a.send, attr.to_string())
                })),
                _ => {}
            }
        }
        let expected: Vec<Option<(bool, String)>> = vec![
            Some((true, "#[async_trait]".into())),
            Some((false, "#[async_trait(?Send)]".into())),
            Some((true, "#[async_trait::async_trait]".into())),
            Some((true, "#[tower_lsp::async_trait]".into())),
            Some((true, "#[at]".into())),
            None,
            // Malformed or unknown arguments: no facts.
            None,
            None,
        ];
        // The half-typed last attribute takes the rest of the file: no impl, or one
        // without facts.
        assert!(found.len() <= expected.len() + 1, "{found:?}");
        assert!(
            found[expected.len()..].iter().all(Option::is_none),
            "{found:?}"
        );
        assert_eq!(found[..expected.len()], expected);
    }
}
