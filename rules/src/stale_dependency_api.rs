use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use prodlint_core::{
    ConfigError, Diagnostic, Project, ProjectIndex, RuleMeta, RuleOptions, Severity, SourceFile,
    Span,
};
use prodlint_rust::attr::Deprecation;
use prodlint_rust::crate_index::crate_key;
use prodlint_rust::deps::api::{
    path_segments, resolved, use_leaves, ApiCrate, Found, Lookup, Namespace, Resolver, UseLeaf, Via,
};
use prodlint_rust::deps::manifest::{workspace_features, LockGraph, LockPackage, PackageDeps};
use prodlint_rust::deps::{CargoHome, DepKey, LockedCrates};
use prodlint_rust::macro_args::{macro_args, ArgExpr};
use prodlint_rust::ra_ap_syntax::ast::{self, HasModuleItem, HasName};
use prodlint_rust::ra_ap_syntax::{AstNode, SyntaxKind, SyntaxNode, TextRange, WalkEvent};
use prodlint_rust::types::binding_pat;
use prodlint_rust::{span, SharedParse};
use serde::Deserialize;

use crate::{Rule, RustContext};

prodlint_macros::declare_rule! {
    /// ## What it does
    /// Checks the paths that a file uses from its dependencies (`use axum::Server;`,
    /// `base64::encode(..)`, `hyper::Body`, `tokio::select!`, also inside the arguments of
    /// `format!`, `println!`, `vec!` and the like) against the sources of the
    /// exact versions that `Cargo.lock` locks (read from the Cargo registry,
    /// `$CARGO_HOME/registry/src`), and reports:
    /// - an error where the locked version does not have the item, with the module that
    ///   lacks it;
    /// - an error where the item is behind a feature the workspace does not turn on (the
    ///   message names the feature);
    /// - a warning where the locked version marks it `#[deprecated]`, with the `since`
    ///   and `note` of the attribute (not under `#[allow(deprecated)]` or
    ///   `#[expect(deprecated)]` on an enclosing item, statement or expression, or at the
    ///   top of the file: the author has decided there).
    ///
    /// The help gives the replacement where the deprecation note or a small table of
    /// well-known moves does: axum 0.7's `serve`, base64's `Engine`, hyper 1.0's
    /// `hyper-util`, tokio 1's `sleep`.
    ///
    /// Re-exports are followed (`pub use`, glob re-exports, `#[doc(inline)]`, into other
    /// locked crates, into proc-macro crates). Also checked:
    /// - associated items, `codec::Stamp::from_secs(..)`, `Stamp::EPOCH`, and through
    ///   `use chrono::NaiveDateTime;` then `NaiveDateTime::from_timestamp(..)`: looked up
    ///   in the type's inherent `impl` blocks (a deprecated one is reported whatever else
    ///   exists), then in the crate's traits that the type implements (`Utc::ymd`);
    /// - methods called on a value whose written type is a dependency's (a parameter or
    ///   `let x: T`, through references) or on a unit struct (`Utc.ymd(..)`): deprecations
    ///   only;
    /// - macros, `codec::query!(..)`, `#[tokio::main]`, `use codec::query;`: the crate's
    ///   `#[macro_export]` macros (with the features of the modules they are in) and the
    ///   macros it re-exports from a proc-macro crate.
    ///
    /// A path starts at a dependency only where no name of the file shadows it: a module
    /// of that name, a `use` that binds it to something else, and, in a file that
    /// glob-imports its parent (`use super::*;`, a `tests.rs`), the parent module's own
    /// such names (`use crate::{h2, ..}` there makes `h2::ServerParams` the crate's own).
    ///
    /// Unknown means silent: a name a module does not declare but could have from an
    /// item-level macro call (`cfg_rt! { .. }`), a private item, crates whose sources are
    /// not unpacked, and features a package outside the workspace may turn on (when one
    /// depends on the crate too). An associated item is missing only when nothing could
    /// provide it: one type of that name in the crate, no impl of it written by a macro,
    /// only std traits derived or implemented (none with that name), and no function of
    /// that name in the crate, the workspace or the package's other dependencies (a trait
    /// with a blanket impl). A method is never reported missing (auto-deref and the traits
    /// in scope decide which one a call takes); nor is a macro of a crate with a module
    /// that a macro call may fill. Features count as on when a workspace member declares
    /// them, or through `default` unless every declaration says `default-features = false`.
    ///
    /// ## Why is this bad?
    /// A dependency upgrade that only touches `Cargo.toml` and `Cargo.lock` compiles in
    /// nobody's editor until the whole workspace is rebuilt: axum 0.7 removed
    /// `axum::Server` ("error[E0433]: failed to resolve: could not find `Server` in
    /// `axum`"), base64 0.21 deprecated `base64::encode`/`decode` (an error under
    /// `-D warnings` in CI). This finds them file by file, before the build does.
    ///
    /// ## Example
    /// ```rs
    /// // Cargo.lock: axum 0.7.4, base64 0.21.7
    /// axum::Server::bind(&addr).serve(app.into_make_service()).await?;
    /// let token = base64::encode(bytes);
    /// ```
    ///
    /// ## Use instead
    /// ```rs
    /// use base64::prelude::{Engine as _, BASE64_STANDARD};
    ///
    /// let listener = tokio::net::TcpListener::bind(addr).await?;
    /// axum::serve(listener, app).await?;
    /// let token = BASE64_STANDARD.encode(bytes);
    /// ```
    ///
    /// ## Options
    /// ```toml
    /// [rules.stale-dependency-api]
    /// # Where the Cargo registry is (relative to this file), instead of $CARGO_HOME or
    /// # ~/.cargo.
    /// cargo-home = "/opt/cargo"
    /// ```
    pub static META = {
        id: "stale-dependency-api",
        languages: [Rust],
        severity: Error,
        summary: "A path, associated item, method or macro used from a dependency that the version locked in Cargo.lock does not have, has behind a feature that is off, or marks deprecated",
        fix: None,
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
struct Options {
    cargo_home: Option<String>,
}

pub struct StaleDependencyApi {
    cargo_home: CargoHome,
}

impl StaleDependencyApi {
    pub fn build(options: &RuleOptions) -> Result<Box<dyn Rule>, ConfigError> {
        let parsed: Options = options.parse()?;
        Ok(Box::new(StaleDependencyApi {
            cargo_home: CargoHome::new(parsed.cargo_home, options.config_dir()),
        }))
    }
}

/// A method called on a value of a dependency's type: `dt.timestamp_nanos()`.
struct MethodUse {
    /// The type's path, from the dependency's name.
    ty: Vec<String>,
    method: String,
    range: TextRange,
}

/// A path of the file that starts with a dependency's name.
struct Use {
    segments: Vec<String>,
    range: TextRange,
    ns: Namespace,
    /// The `use` item the path is a leaf of (its start), else the path's own start: one
    /// missing module is reported once per `use {a::X, a::Y}`.
    group: u32,
    /// For a path that starts with a name a `use` imports, how many segments that `use`
    /// wrote: what is wrong with them is reported at the `use`, once.
    imported: Option<usize>,
}

impl Rule for StaleDependencyApi {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_rust(&self, ctx: &RustContext<'_>, out: &mut Vec<Diagnostic>) {
        if !ctx.file.text.contains("::") {
            return;
        }
        let project = ctx.project;
        let path = prodlint_core::normalize(&project.cwd, &ctx.file.path);
        let Some(package_dir) = path.ancestors().skip(1).find(|d| {
            project.exists(&d.join("Cargo.toml"))
                && !project
                    .index::<PackageDeps>(&d.to_path_buf())
                    .name
                    .is_empty()
        }) else {
            return;
        };
        let declared = project.index::<PackageDeps>(&package_dir.to_path_buf());
        let root = crate_key(project, &path);
        let Some(key) = DepKey::for_root(project, &root, self.cargo_home.get(&project.cwd)) else {
            return;
        };
        let (mut uses, mut methods) = dependency_paths(ctx.tree, &declared);
        if uses.is_empty() && methods.is_empty() {
            return;
        }
        if let Some(parent) = globbed_parent(project, &path, ctx.tree) {
            // `use super::*;`: the parent module's names are this file's too.
            let names = project.index::<GlobbedNames>(&parent);
            uses.retain(|u| !names.0.contains(&u.segments[0]));
            methods.retain(|m| !names.0.contains(&m.ty[0]));
        }
        let locked = project.index::<LockedCrates>(&key);
        let graph = project.index::<LockGraph>(&key.root);
        let Some(member) = graph.member(&declared.name) else {
            return;
        };
        let resolver = Resolver {
            project,
            locked: &locked,
            graph: &graph,
        };
        let features_on = |package: &LockPackage, krate: &ApiCrate| {
            workspace_features(project, &root, &key.root, package, &krate.dir)
        };
        let mut reported: HashSet<(String, u32)> = HashSet::new();
        for used in uses {
            let Some(dep) = declared.deps.get(&used.segments[0]) else {
                continue;
            };
            let Some(package) = graph.dependency(member, &dep.package) else {
                continue;
            };
            let Some(krate) = resolver.krate(package) else {
                continue;
            };
            if let Some(prefix) = used.imported {
                // Checked further only where the imported item itself is fine.
                let import = &used.segments[..prefix];
                let lookup = resolved(project, &key, &krate, &import[1..], Namespace::Any);
                let Lookup::Found(alternatives) = lookup else {
                    continue;
                };
                let on = features_on(package, &krate);
                let at = span(used.range);
                if judge(ctx.file, at, "", &krate, package, &alternatives, on).is_some() {
                    continue;
                }
            }
            let lookup = resolved(project, &key, &krate, &used.segments[1..], used.ns);
            let written = used.segments.join("::");
            let at = span(used.range);
            match lookup {
                Lookup::Unknown => {}
                Lookup::Missing {
                    associated: true,
                    ref name,
                    ..
                } if self.may_come_from_a_trait(ctx, &declared, &resolver, member, name) => {}
                Lookup::Missing { module, name, .. } => {
                    // `codec::Server::bind`: what is missing is `codec::Server`.
                    let written = match used.segments.iter().skip(1).position(|s| *s == name) {
                        Some(i) => used.segments[..i + 2].join("::"),
                        None => written,
                    };
                    if reported.insert((written.clone(), used.group)) {
                        out.push(missing(ctx.file, at, &written, &krate, &module, &name));
                    }
                }
                Lookup::Found(alternatives) => {
                    let on = features_on(package, &krate);
                    let Some(diagnostic) =
                        judge(ctx.file, at, &written, &krate, package, &alternatives, on)
                    else {
                        continue;
                    };
                    // Only deprecations are warnings.
                    if diagnostic.severity == Severity::Warning
                        && deprecation_allowed(ctx.tree, used.range)
                    {
                        continue;
                    }
                    out.push(diagnostic);
                }
            }
        }
        for call in methods {
            let Some(dep) = declared.deps.get(&call.ty[0]) else {
                continue;
            };
            let Some(package) = graph.dependency(member, &dep.package) else {
                continue;
            };
            let Some(krate) = resolver.krate(package) else {
                continue;
            };
            // The type, then its method: only a deprecation is reported (which method a
            // call picks through auto-deref and the traits in scope is not followed).
            let Lookup::Found(types) =
                resolved(project, &key, &krate, &call.ty[1..], Namespace::Item)
            else {
                continue;
            };
            let Some(first) = types.first() else { continue };
            if types
                .iter()
                .any(|t| t.krate != first.krate || t.name != first.name)
            {
                continue;
            }
            let lookup = resolver.member(
                &first.krate,
                &first.name,
                "",
                &call.method,
                Vec::new(),
                None,
                Via::Method,
            );
            let Lookup::Found(alternatives) = lookup else {
                continue;
            };
            if alternatives.iter().any(|f| f.deprecated.is_none()) {
                continue;
            }
            if deprecation_allowed(ctx.tree, call.range) {
                continue;
            }
            let written = format!("{}::{}", call.ty.join("::"), call.method);
            let deprecation = alternatives[0].deprecated.clone().unwrap_or_default();
            out.push(deprecated(
                ctx.file,
                span(call.range),
                &written,
                &krate,
                &deprecation,
            ));
        }
    }
}

/// `#[allow(deprecated)]` (or `expect`) on the use's item, statement or expression, or at
/// the top of the file: the author knows and has decided.
fn deprecation_allowed(tree: &ast::SourceFile, range: TextRange) -> bool {
    let node = match tree.syntax().covering_element(range) {
        prodlint_rust::ra_ap_syntax::NodeOrToken::Node(node) => node,
        prodlint_rust::ra_ap_syntax::NodeOrToken::Token(token) => match token.parent() {
            Some(node) => node,
            None => return false,
        },
    };
    prodlint_rust::is_lint_allowed(&node, "deprecated")
}

/// The file of the parent module, when `file` glob-imports it at its top (`use super::*;`,
/// as a `tests.rs` next to its module does).
fn globbed_parent(project: &Project, file: &Path, tree: &ast::SourceFile) -> Option<PathBuf> {
    let globs_super = tree.items().any(|item| {
        let ast::Item::Use(u) = item else {
            return false;
        };
        let mut leaves = Vec::new();
        if let Some(tree) = u.use_tree() {
            use_leaves(&tree, &[], &mut leaves);
        }
        leaves
            .iter()
            .any(|leaf| matches!(leaf, UseLeaf::Glob(path) if path == &["super"]))
    });
    if !globs_super {
        return None;
    }
    prodlint_rust::test_modules::declaring_file(project, file).map(|(_, parent)| parent)
}

/// The names a module file gives its child modules through `use super::*`: the modules it
/// declares and the names its `use`s bind to something else than the crate of that name.
/// `use crate::{h2, ..}` binds `h2` to the crate's own module, which a child that
/// glob-imports its parent then means by `h2::ServerParams`, not the `h2` dependency.
#[derive(Debug, Default)]
struct GlobbedNames(HashSet<String>);

impl ProjectIndex for GlobbedNames {
    /// The parent module's file.
    type Key = PathBuf;

    fn build(project: &Project, file: &PathBuf) -> GlobbedNames {
        let Ok(text) = project.read(file) else {
            return GlobbedNames::default();
        };
        let parsed = project.index::<SharedParse>(file).get(&text);
        let mut names = HashSet::new();
        for item in parsed.tree().items() {
            match item {
                ast::Item::Module(module) => {
                    names.extend(module.name().map(|n| n.text().to_string()));
                }
                ast::Item::Use(u) => {
                    let mut leaves = Vec::new();
                    if let Some(tree) = u.use_tree() {
                        use_leaves(&tree, &[], &mut leaves);
                    }
                    for leaf in leaves {
                        if let UseLeaf::Name(segments, name, _) = leaf {
                            if segments.len() > 1 || segments.first() != Some(&name) {
                                names.insert(name);
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        GlobbedNames(names)
    }
}

impl StaleDependencyApi {
    /// Whether a trait outside the dependency could give its type the associated name:
    /// one the workspace defines or one of the package's other registry dependencies, by
    /// a function of that name anywhere in them (what a blanket `impl<T> Ext for T` needs).
    fn may_come_from_a_trait(
        &self,
        ctx: &RustContext<'_>,
        declared: &PackageDeps,
        resolver: &Resolver<'_>,
        member: &LockPackage,
        name: &str,
    ) -> bool {
        let index = prodlint_rust::crate_index::CrateIndex::for_file(ctx.project, &ctx.file.path);
        if index.methods.contains_key(name) || ctx.file.text.contains(&format!("fn {name}")) {
            return true;
        }
        declared.deps.values().any(|dep| {
            let Some(package) = resolver.graph.dependency(member, &dep.package) else {
                return true;
            };
            let Some(c) = resolver
                .locked
                .crates
                .iter()
                .find(|c| c.name == package.name && c.version == package.version)
            else {
                return true;
            };
            match resolver.locked.crate_key(c) {
                Some(key) => ctx
                    .project
                    .index::<prodlint_rust::deps::CrateFns>(&key)
                    .defines(name),
                None => true,
            }
        })
    }
}

/// The uses of dependency paths in a file: every leaf of a `use` that starts with a
/// declared dependency, every other path of two segments or more that does (or starts with
/// a name such a `use` imports: `use chrono::NaiveDateTime;` then
/// `NaiveDateTime::from_timestamp`), attribute macros (`#[tokio::main]`), unless the file
/// declares that name itself; and the methods called on a value whose written type is a
/// dependency's (`fn f(dt: &NaiveDateTime) { dt.timestamp_nanos() }`) or on a unit struct
/// of one (`Utc.ymd(..)`).
fn dependency_paths(tree: &ast::SourceFile, declared: &PackageDeps) -> (Vec<Use>, Vec<MethodUse>) {
    let root = tree.syntax();
    let mut shadowed: HashSet<String> = HashSet::new();
    // Name → the dependency path a `use` binds it to; `None` when two `use`s disagree.
    let mut imported: HashMap<String, Option<Vec<String>>> = HashMap::new();
    let mut local: HashSet<String> = HashSet::new();
    let mut out = Vec::new();
    // What may use a dependency, in the order of the tree: judged after the walk, once
    // every `use` and item of the file is known.
    let mut later: Vec<Later> = Vec::new();
    // The walk's context, kept on entering and leaving nodes rather than asked of each
    // path's ancestors: how many use trees it is inside, and the attributes it is inside.
    let mut in_use_trees = 0usize;
    let mut attrs: Vec<SyntaxNode> = Vec::new();
    for event in root.preorder() {
        let node = match event {
            WalkEvent::Enter(node) => node,
            WalkEvent::Leave(node) => {
                match node.kind() {
                    SyntaxKind::USE_TREE => in_use_trees -= 1,
                    SyntaxKind::ATTR => {
                        attrs.pop();
                    }
                    _ => {}
                }
                continue;
            }
        };
        match node.kind() {
            SyntaxKind::USE_TREE => in_use_trees += 1,
            SyntaxKind::ATTR => attrs.push(node.clone()),
            SyntaxKind::METHOD_CALL_EXPR => {
                later.extend(ast::MethodCallExpr::cast(node).map(Later::Method));
                continue;
            }
            // Macro calls inside attributes are not read.
            SyntaxKind::MACRO_CALL if attrs.is_empty() => {
                later.extend(ast::MacroCall::cast(node.clone()).map(Later::Macro));
            }
            SyntaxKind::PATH => {
                let Some(path) = ast::Path::cast(node) else {
                    continue;
                };
                // Only a top path of two segments or more can be a use, and none in a
                // `use` (its leaves are read with the `use`) nor inside an attribute's
                // arguments.
                let top = path
                    .syntax()
                    .parent()
                    .is_none_or(|p| !ast::Path::can_cast(p.kind()));
                if !top || in_use_trees > 0 || path.qualifier().is_none() {
                    continue;
                }
                let place = match attrs.last() {
                    None => Place::Code,
                    Some(attr) => {
                        let attr_path = ast::Attr::cast(attr.clone()).and_then(|a| a.path());
                        if attr_path.as_ref() != Some(&path) {
                            continue;
                        }
                        Place::AttrPath
                    }
                };
                later.push(Later::Path(path, place));
                continue;
            }
            _ => {}
        }
        if let Some(module) = ast::Module::cast(node.clone()) {
            shadowed.extend(module.name().map(|n| n.text().to_string()));
        } else if let Some(item) = ast::Use::cast(node.clone()) {
            let Some(tree) = item.use_tree() else {
                continue;
            };
            let mut leaves = Vec::new();
            use_leaves(&tree, &[], &mut leaves);
            for leaf in leaves {
                let UseLeaf::Name(segments, name, range) = leaf else {
                    continue;
                };
                if segments.len() > 1 || segments.first() != Some(&name) {
                    shadowed.insert(name.clone());
                }
                let segments: Vec<String> = segments
                    .into_iter()
                    .map(|s| s.trim_start_matches("::").to_string())
                    .collect();
                let from_dep = segments.len() >= 2 && declared.deps.contains_key(&segments[0]);
                let entry = imported
                    .entry(name)
                    .or_insert_with(|| Some(segments.clone()));
                if !from_dep || entry.as_ref() != Some(&segments) {
                    *entry = None;
                }
                if from_dep {
                    out.push(Use {
                        segments,
                        range,
                        ns: Namespace::Any,
                        group: item.syntax().text_range().start().into(),
                        imported: None,
                    });
                }
            }
        } else if let Some(item) = ast::Item::cast(node) {
            let name = match &item {
                ast::Item::Struct(i) => i.name(),
                ast::Item::Enum(i) => i.name(),
                ast::Item::Union(i) => i.name(),
                ast::Item::Trait(i) => i.name(),
                ast::Item::TypeAlias(i) => i.name(),
                ast::Item::Fn(i) => i.name(),
                ast::Item::Const(i) => i.name(),
                ast::Item::Static(i) => i.name(),
                _ => None,
            };
            local.extend(name.map(|n| n.text().to_string()));
        }
    }
    // A name a `use` takes from a dependency, that the file does not also declare.
    let expand = |segments: &[String]| -> Option<Vec<String>> {
        let first = segments.first()?;
        if local.contains(first) {
            return None;
        }
        let mut full = imported.get(first)?.clone()?;
        full.extend(segments[1..].iter().cloned());
        Some(full)
    };
    // Whether a path's first name can start a dependency's path: a declared dependency or
    // a name a `use` takes from one (what `expand` needs), asked before any allocation.
    let may_start = |first: &str| {
        declared.deps.contains_key(first)
            || (!local.contains(first) && matches!(imported.get(first), Some(Some(_))))
    };
    let mut methods = Vec::new();
    for item in later {
        match item {
            Later::Method(call) => {
                let (Some(receiver), Some(name)) = (call.receiver(), call.name_ref()) else {
                    continue;
                };
                if let Some(ty) = receiver_type(&receiver, declared, &expand) {
                    methods.push(MethodUse {
                        ty,
                        method: name.text().to_string(),
                        range: name.syntax().text_range(),
                    });
                }
            }
            Later::Macro(call) => {
                // `println!("{}", codec::encode(x))`: the paths in the arguments of a macro
                // whose grammar is known, read as expressions.
                if !names_a_dependency(&call, declared) {
                    continue;
                }
                for arg in macro_args(&call).into_iter().flatten() {
                    let Some(expr) = ArgExpr::parse(&call, &arg) else {
                        continue;
                    };
                    let to_file = |range: TextRange| {
                        let at = expr.span(range);
                        TextRange::new(at.start.into(), at.end.into())
                    };
                    for path in expr.expr.syntax().descendants().filter_map(ast::Path::cast) {
                        let Some(place) = place_of(&path) else {
                            continue;
                        };
                        out.extend(path_use(
                            &path, place, declared, &may_start, &expand, &to_file,
                        ));
                    }
                }
            }
            Later::Path(path, place) => {
                out.extend(path_use(
                    &path,
                    place,
                    declared,
                    &may_start,
                    &expand,
                    &|range| range,
                ));
            }
        }
    }
    out.retain(|u| !shadowed.contains(&u.segments[0]));
    methods.retain(|m| !shadowed.contains(&m.ty[0]));
    (out, methods)
}

/// A node of a file that may use a dependency, kept in the order of the tree.
enum Later {
    Method(ast::MethodCallExpr),
    Macro(ast::MacroCall),
    Path(ast::Path, Place),
}

/// Where a path that may be a use is written.
#[derive(Clone, Copy)]
enum Place {
    /// Code: an expression, a type, a pattern, a macro call's path.
    Code,
    /// The path of an attribute (`#[tokio::main]`).
    AttrPath,
}

/// Where a path is, by its ancestors: `None` for one that is not a top path of two
/// segments or more, is in a `use`, or is inside an attribute's arguments.
fn place_of(path: &ast::Path) -> Option<Place> {
    let top = path
        .syntax()
        .parent()
        .is_none_or(|p| !ast::Path::can_cast(p.kind()));
    if !top
        || path.qualifier().is_none()
        || path
            .syntax()
            .ancestors()
            .any(|a| ast::UseTree::can_cast(a.kind()))
    {
        return None;
    }
    match path.syntax().ancestors().find_map(ast::Attr::cast) {
        None => Some(Place::Code),
        Some(attr) if attr.path().as_ref() == Some(path) => Some(Place::AttrPath),
        Some(_) => None,
    }
}

/// Whether a macro call's input has a name of a declared dependency: the arguments of
/// the others need no parsing.
fn names_a_dependency(call: &ast::MacroCall, declared: &PackageDeps) -> bool {
    call.token_tree().is_some_and(|tree| {
        tree.syntax()
            .descendants_with_tokens()
            .filter_map(|e| e.into_token())
            .any(|t| t.kind() == SyntaxKind::IDENT && declared.deps.contains_key(t.text()))
    })
}

/// A path of code or an attribute macro's path (its `place`: a top path of two segments
/// or more, not of a `use`, nor inside an attribute's arguments) that starts with a
/// declared dependency or with a name a `use` takes from one (`may_start`, `expand`);
/// `to_file` maps its tree's ranges to the file's.
fn path_use(
    path: &ast::Path,
    place: Place,
    declared: &PackageDeps,
    may_start: &dyn Fn(&str) -> bool,
    expand: &dyn Fn(&[String]) -> Option<Vec<String>>,
    to_file: &dyn Fn(TextRange) -> TextRange,
) -> Option<Use> {
    // Most paths start with neither: they are set aside on the first segment's text,
    // without building the path's segments.
    let first = path.first_segment()?;
    let starts = match first.name_ref() {
        Some(name) => may_start(name.text().trim_start_matches("r#")),
        None => may_start(&first.syntax().text().to_string()),
    };
    if !starts {
        return None;
    }
    let written = path_segments(path)?;
    if written.len() < 2 {
        return None;
    }
    let (segments, imported) = if declared.deps.contains_key(&written[0]) {
        (written, None)
    } else if let Some(full) = expand(&written) {
        let prefix = full.len() + 1 - written.len();
        (full, Some(prefix))
    } else {
        return None;
    };
    let in_macro_call = path
        .syntax()
        .parent()
        .and_then(ast::MacroCall::cast)
        .is_some();
    let ns = if matches!(place, Place::AttrPath) || in_macro_call {
        Namespace::Macro
    } else {
        Namespace::Item
    };
    let range = to_file(path.syntax().text_range());
    Some(Use {
        segments,
        range,
        ns,
        group: range.start().into(),
        imported,
    })
}

/// The dependency type of a method call's receiver, where the file says it: a binding
/// whose pattern is the name with a written type (a parameter, `let x: T`), or a path to
/// a unit struct. References are looked through; anything else is unknown.
fn receiver_type(
    receiver: &ast::Expr,
    declared: &PackageDeps,
    expand: &dyn Fn(&[String]) -> Option<Vec<String>>,
) -> Option<Vec<String>> {
    let ast::Expr::PathExpr(p) = receiver else {
        return None;
    };
    let path = p.path()?;
    let segments = path_segments(&path)?;
    let written = if let [name] = segments.as_slice() {
        match binding_pat(name, receiver.syntax()) {
            Some(pat) => {
                if pat.ref_token().is_some() || pat.at_token().is_some() {
                    return None;
                }
                let parent = pat.syntax().parent()?;
                let ty = if let Some(param) = ast::Param::cast(parent.clone()) {
                    ast::Fn::cast(param.syntax().parent()?.parent()?)?;
                    param.ty()?
                } else {
                    ast::LetStmt::cast(parent)?.ty()?
                };
                let mut ty = ty;
                while let ast::Type::RefType(r) = &ty {
                    ty = r.ty()?;
                }
                let ast::Type::PathType(t) = ty else {
                    return None;
                };
                path_segments(&t.path()?)?
            }
            // A unit struct or a constant, by its name.
            None => segments,
        }
    } else {
        segments
    };
    if declared.deps.contains_key(&written[0]) && written.len() >= 2 {
        return Some(written);
    }
    expand(&written).filter(|full| full.len() >= 2)
}

/// A found item: behind features that are off, deprecated, or fine.
fn judge(
    file: &Arc<SourceFile>,
    at: Span,
    written: &str,
    krate: &ApiCrate,
    package: &LockPackage,
    alternatives: &[Found],
    features: Option<BTreeSet<String>>,
) -> Option<Diagnostic> {
    let available: Vec<&Found> = match &features {
        Some(on) => alternatives
            .iter()
            .filter(|f| {
                f.cfg
                    .iter()
                    .all(|c| c.eval(&|n| on.contains(n)) != Some(false))
            })
            .collect(),
        None => alternatives.iter().collect(),
    };
    if available.is_empty() {
        let on = features.unwrap_or_default();
        let off: Vec<&str> = alternatives
            .iter()
            .flat_map(|f| f.cfg.iter().flat_map(|c| c.features()))
            .filter(|f| !on.contains(*f))
            .collect::<BTreeSet<&str>>()
            .into_iter()
            .collect();
        return Some(behind_features(file, at, written, krate, package, &off));
    }
    if available.iter().any(|f| f.deprecated.is_none()) {
        return None;
    }
    let deprecation = available[0].deprecated.clone().unwrap_or_default();
    Some(deprecated(file, at, written, krate, &deprecation))
}

/// The replacement for an item that a well-known release removed or deprecated.
fn known_move(krate: &ApiCrate, written: &str) -> Option<&'static str> {
    let major_minor = |v: &str| -> (u32, u32) {
        let mut parts = v.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
        (parts.next().unwrap_or(0), parts.next().unwrap_or(0))
    };
    let version = major_minor(&krate.version);
    let segments: Vec<&str> = written.split("::").collect();
    let last = segments.last().copied().unwrap_or("");
    match (krate.name.as_str(), segments.get(1).copied().unwrap_or("")) {
        ("axum", "Server") if version >= (0, 7) => Some(
            "axum 0.7 removed `axum::Server`: bind a `tokio::net::TcpListener` and run `axum::serve(listener, app)`",
        ),
        ("base64", _)
            if version >= (0, 21)
                && matches!(
                    last,
                    "encode" | "decode" | "encode_config" | "decode_config" | "encode_config_buf"
                        | "decode_config_buf" | "encode_config_slice" | "decode_config_slice"
                ) =>
        {
            Some(
                "use the `Engine` API: `use base64::prelude::{Engine as _, BASE64_STANDARD};` then `BASE64_STANDARD.encode(..)` / `.decode(..)` (other alphabets: `base64::engine::general_purpose`)",
            )
        }
        ("hyper", "Server" | "server") if version >= (1, 0) => Some(
            "hyper 1.0 moved the high-level server to hyper-util: `hyper_util::server::conn::auto::Builder` with a `tokio::net::TcpListener` (or let axum's `serve` run it)",
        ),
        ("hyper", "Client" | "client") if version >= (1, 0) => Some(
            "hyper 1.0 moved the pooled client to hyper-util: `hyper_util::client::legacy::Client`",
        ),
        ("hyper", "Body") if version >= (1, 0) => Some(
            "hyper 1.0 has no `Body` type: requests carry `hyper::body::Incoming`; build bodies with `http_body_util::Full`/`Empty` and read them with `http_body_util::BodyExt`",
        ),
        ("tokio", "time") if version >= (1, 0) && last == "delay_for" => {
            Some("tokio 1 renamed it `tokio::time::sleep`")
        }
        ("tokio", "time") if version >= (1, 0) && last == "delay_until" => {
            Some("tokio 1 renamed it `tokio::time::sleep_until`")
        }
        ("tokio", "time") if version >= (1, 0) && last == "Delay" => {
            Some("tokio 1 renamed it `tokio::time::Sleep`")
        }
        ("tokio", "stream") if version >= (1, 0) => {
            Some("tokio 1 moved streams to the `tokio-stream` crate")
        }
        _ => None,
    }
}

fn locked(krate: &ApiCrate) -> String {
    format!("{} {}", krate.name, krate.version)
}

fn missing(
    file: &Arc<SourceFile>,
    at: Span,
    written: &str,
    krate: &ApiCrate,
    module: &str,
    name: &str,
) -> Diagnostic {
    let message = format!(
        "`{written}` does not exist in {}, the version Cargo.lock locks: `{module}` has no `{name}`",
        locked(krate)
    );
    let help = known_move(krate, written)
        .map(String::from)
        .unwrap_or_else(|| {
            format!(
                "the code was written against another version of {}: look up where `{name}` went in its changelog",
                krate.name
            )
        });
    Diagnostic::new(META.id, Severity::Error, file, at, message).with_help(help)
}

fn behind_features(
    file: &Arc<SourceFile>,
    at: Span,
    written: &str,
    krate: &ApiCrate,
    package: &LockPackage,
    off: &[&str],
) -> Diagnostic {
    let list = off
        .iter()
        .map(|f| format!("`{f}`"))
        .collect::<Vec<_>>()
        .join(" or ");
    let message = format!(
        "`{written}` is behind the feature {list} of {}, which the workspace does not enable",
        locked(krate)
    );
    let features = off
        .iter()
        .map(|f| format!("\"{f}\""))
        .collect::<Vec<_>>()
        .join(", ");
    Diagnostic::new(META.id, Severity::Error, file, at, message).with_help(format!(
        "turn it on in Cargo.toml: `{} = {{ version = \"{}\", features = [{features}] }}`",
        package.name, package.version
    ))
}

fn deprecated(
    file: &Arc<SourceFile>,
    at: Span,
    written: &str,
    krate: &ApiCrate,
    deprecation: &Deprecation,
) -> Diagnostic {
    let since = deprecation
        .since
        .as_deref()
        .map(|s| format!(" since {s}"))
        .unwrap_or_default();
    let note = deprecation
        .note
        .as_deref()
        .map(|n| format!(": {n}"))
        .unwrap_or_default();
    let message = format!(
        "`{written}` is deprecated{since} in {}, the version Cargo.lock locks{note}",
        locked(krate)
    );
    let help = known_move(krate, written)
        .map(String::from)
        .or_else(|| {
            deprecation
                .note
                .as_ref()
                .map(|n| format!("the crate's note says what to use instead: {n}"))
        })
        .unwrap_or_else(|| {
            "`-D warnings` in CI turns this into an error: move to the API that replaces it".into()
        });
    Diagnostic::new(META.id, Severity::Warning, file, at, message).with_help(help)
}

#[cfg(test)]
mod tests {
    use super::*;
    use prodlint_rust::deps::manifest::DeclaredDep;
    use prodlint_rust::RustFile;

    /// A use as the test reads it: the full path, its namespace, the segments its `use`
    /// wrote, and the text where it is reported.
    type Seen = (String, Namespace, Option<usize>, String);

    fn paths_of(text: &str) -> (Vec<Seen>, Vec<String>) {
        let mut declared = PackageDeps::default();
        declared.deps.insert(
            "codec".into(),
            DeclaredDep {
                package: "codec".into(),
                features: Vec::new(),
                default_features: true,
            },
        );
        let parsed = RustFile::parse(text);
        let (uses, methods) = dependency_paths(&parsed.tree(), &declared);
        let uses = uses
            .into_iter()
            .map(|u| {
                let at = &text[usize::from(u.range.start())..usize::from(u.range.end())];
                (u.segments.join("::"), u.ns, u.imported, at.to_string())
            })
            .collect();
        let methods = methods
            .into_iter()
            .map(|m| format!("{}::{}", m.ty.join("::"), m.method))
            .collect();
        (uses, methods)
    }

    /// The one walk keeps what the ancestors of each path told: inside a `use` tree,
    /// inside an attribute's arguments, the attribute's own path; and judges paths of
    /// names a `use` takes from a dependency whatever the order of the `use` and the path.
    #[test]
    fn dependency_paths_by_where_they_are_written() {
        let text = r#"
fn early(dt: &Stamp) -> i64 { Stamp::now(); dt.secs() }
use codec::{time::Stamp, Engine};
#[codec::main]
#[derive(codec::Derive)]
#[cfg_attr(feature = "x", codec::attr(codec::Inside))]
struct S;
#[doc = codec::doc!()]
fn f() {
    codec::encode(1);
    println!("{}", codec::fmt::show(2));
    let local = 3;
    local.max(4);
    Engine::new();
}
mod inner { fn g() { codec::inner_call(); } }
"#;
        let (uses, methods) = paths_of(text);
        let expected: Vec<Seen> = vec![
            (
                "codec::time::Stamp".into(),
                Namespace::Any,
                None,
                "time::Stamp".into(),
            ),
            (
                "codec::Engine".into(),
                Namespace::Any,
                None,
                "Engine".into(),
            ),
            (
                "codec::time::Stamp::now".into(),
                Namespace::Item,
                Some(3),
                "Stamp::now".into(),
            ),
            (
                "codec::main".into(),
                Namespace::Macro,
                None,
                "codec::main".into(),
            ),
            (
                "codec::encode".into(),
                Namespace::Item,
                None,
                "codec::encode".into(),
            ),
            (
                "codec::fmt::show".into(),
                Namespace::Item,
                None,
                "codec::fmt::show".into(),
            ),
            (
                "codec::Engine::new".into(),
                Namespace::Item,
                Some(2),
                "Engine::new".into(),
            ),
            (
                "codec::inner_call".into(),
                Namespace::Item,
                None,
                "codec::inner_call".into(),
            ),
        ];
        assert_eq!(uses, expected);
        assert_eq!(methods, vec!["codec::time::Stamp::secs".to_string()]);
    }
}
