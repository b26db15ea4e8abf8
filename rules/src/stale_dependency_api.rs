use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use prodlint_core::{ConfigError, Diagnostic, RuleMeta, RuleOptions, Severity, SourceFile, Span};
use prodlint_rust::attr::Deprecation;
use prodlint_rust::crate_index::crate_key;
use prodlint_rust::deps::api::{
    path_segments, use_leaves, ApiCrate, Found, Lookup, Namespace, Resolver, UseLeaf,
};
use prodlint_rust::deps::manifest::{
    declarations_of, enabled_features, LockGraph, LockPackage, PackageDeps,
};
use prodlint_rust::deps::{configured_cargo_home, DepKey, LockedCrates};
use prodlint_rust::macro_args::{macro_args, ArgExpr};
use prodlint_rust::ra_ap_syntax::ast::{self, HasName};
use prodlint_rust::ra_ap_syntax::{AstNode, SyntaxKind, TextRange};
use prodlint_rust::span;
use serde::Deserialize;

use crate::{Rule, RustContext};

crate::declare_rule! {
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
    ///   and `note` of the attribute.
    ///
    /// The help gives the replacement where the deprecation note or a small table of
    /// well-known moves does: axum 0.7's `serve`, base64's `Engine`, hyper 1.0's
    /// `hyper-util`, tokio 1's `sleep`.
    ///
    /// Re-exports are followed (`pub use`, glob re-exports, `#[doc(inline)]`, into other
    /// locked crates). Unknown means silent: a name a module does not declare but could
    /// have from an item-level macro call (`cfg_rt! { .. }`), a private item, a
    /// proc-macro crate, associated items and methods, macros (`krate::mac!` is only
    /// checked for deprecation), crates whose sources are not unpacked, and features a
    /// package outside the workspace may turn on (when one depends on the crate too).
    /// Features count as on when a workspace member declares them, or through
    /// `default` unless every declaration says `default-features = false`.
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
        summary: "A path used from a dependency that the version locked in Cargo.lock does not have, has behind a feature that is off, or marks deprecated",
        fix: None,
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
struct Options {
    cargo_home: Option<String>,
}

pub struct StaleDependencyApi {
    options: Options,
    cargo_home: OnceLock<PathBuf>,
    /// The directory of the config file the options come from: what `cargo-home` is
    /// relative to.
    config_dir: Option<PathBuf>,
}

impl StaleDependencyApi {
    pub fn build(options: &RuleOptions) -> Result<Box<dyn Rule>, ConfigError> {
        Ok(Box::new(StaleDependencyApi {
            options: options.parse()?,
            cargo_home: OnceLock::new(),
            config_dir: options.config_dir(),
        }))
    }

    /// The configured `cargo-home`, relative to the `prodlint.toml` that sets it, else the
    /// environment's.
    fn cargo_home(&self, cwd: &Path) -> &Path {
        self.cargo_home.get_or_init(|| {
            configured_cargo_home(
                self.options.cargo_home.as_deref(),
                self.config_dir.as_deref(),
                cwd,
            )
        })
    }
}

/// A path of the file that starts with a dependency's name.
struct Use {
    segments: Vec<String>,
    range: TextRange,
    ns: Namespace,
    /// The `use` item the path is a leaf of (its start), else the path's own start: one
    /// missing module is reported once per `use {a::X, a::Y}`.
    group: u32,
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
        let Some(key) = DepKey::for_root(project, &root, self.cargo_home(&project.cwd)) else {
            return;
        };
        let uses = dependency_paths(ctx.tree, &declared);
        if uses.is_empty() {
            return;
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
        let mut features: HashMap<String, Option<BTreeSet<String>>> = HashMap::new();
        let mut seen: HashMap<(String, Vec<String>), Lookup> = HashMap::new();
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
            let lookup = seen
                .entry((package.version.clone(), used.segments.clone()))
                .or_insert_with(|| resolver.resolve(&krate, &used.segments[1..], used.ns))
                .clone();
            let written = used.segments.join("::");
            let at = span(used.range);
            match lookup {
                Lookup::Unknown => {}
                Lookup::Missing { module, name } => {
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
                    let on = features
                        .entry(package.name.clone())
                        .or_insert_with(|| {
                            let declarations = declarations_of(project, &root, &package.name);
                            enabled_features(project, &graph, package, &declarations, &krate.dir)
                        })
                        .clone();
                    if let Some(diagnostic) =
                        judge(ctx.file, at, &written, &krate, package, &alternatives, on)
                    {
                        out.push(diagnostic);
                    }
                }
            }
        }
    }
}

/// The uses of dependency paths in a file: every leaf of a `use` that starts with a
/// declared dependency, and every other path of two segments or more that does, unless
/// the file declares that name itself.
fn dependency_paths(tree: &ast::SourceFile, declared: &PackageDeps) -> Vec<Use> {
    let root = tree.syntax();
    let mut shadowed: HashSet<String> = HashSet::new();
    let mut out = Vec::new();
    for node in root.descendants() {
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
                    shadowed.insert(name);
                }
                let segments: Vec<String> = segments
                    .into_iter()
                    .map(|s| s.trim_start_matches("::").to_string())
                    .collect();
                if segments.len() >= 2 && declared.deps.contains_key(&segments[0]) {
                    out.push(Use {
                        segments,
                        range,
                        ns: Namespace::Item,
                        group: item.syntax().text_range().start().into(),
                    });
                }
            }
        } else if let Some(path) = ast::Path::cast(node.clone()) {
            out.extend(path_use(&path, declared, &|range| range));
        } else if let Some(call) = ast::MacroCall::cast(node.clone()) {
            // `println!("{}", codec::encode(x))`: the paths in the arguments of a macro
            // whose grammar is known, read as expressions.
            if call
                .syntax()
                .ancestors()
                .any(|a| ast::Attr::can_cast(a.kind()))
                || !names_a_dependency(&call, declared)
            {
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
                    out.extend(path_use(&path, declared, &to_file));
                }
            }
        }
    }
    out.retain(|u| !shadowed.contains(&u.segments[0]));
    out
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

/// A path of code (not of a `use` or an attribute) that starts with a declared dependency;
/// `to_file` maps its tree's ranges to the file's.
fn path_use(
    path: &ast::Path,
    declared: &PackageDeps,
    to_file: &dyn Fn(TextRange) -> TextRange,
) -> Option<Use> {
    let parent = path.syntax().parent();
    let top = parent
        .as_ref()
        .is_none_or(|p| !ast::Path::can_cast(p.kind()));
    let in_use_or_attr = path
        .syntax()
        .ancestors()
        .any(|a| ast::UseTree::can_cast(a.kind()) || ast::Attr::can_cast(a.kind()));
    if !top || in_use_or_attr {
        return None;
    }
    let segments = path_segments(path)?;
    if segments.len() < 2 || !declared.deps.contains_key(&segments[0]) {
        return None;
    }
    let ns = match parent.and_then(ast::MacroCall::cast) {
        Some(_) => Namespace::Macro,
        None => Namespace::Item,
    };
    let range = to_file(path.syntax().text_range());
    Some(Use {
        segments,
        range,
        ns,
        group: range.start().into(),
    })
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
