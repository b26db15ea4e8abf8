//! Where the workspace requires a future to be `Send`, and which futures each async
//! function awaits: the call graph of futures, for rules that must know whether a future
//! handed to `tokio::spawn` in one crate, or awaited by such a future, is `Send`.
//!
//! Each file contributes its facts while the crate index reads it (the file is parsed once
//! per run): its async functions (and functions returning `impl Future`) by path, the
//! calls it awaits with the callee resolved through the file's `use` items, and its calls
//! that require `Send` of an argument. [`FutureCalls::assemble`] joins them over the
//! workspace once, and [`SendSites`] (built once per run, with the locked dependencies'
//! sources) finds what must be `Send`: calls of a spawner (`tokio::spawn`, `.spawn(..)` on
//! a runtime, handle or `JoinSet`), of a framework function taking a handler (axum's
//! `get(h)`, `on(f, h)`, `from_fn(h)`, warp's `filter.and_then(h)`), of a function of a
//! locked dependency whose parameter is bounded `Send` (read from its sources), of a
//! workspace function that hands its parameter to one of these (a wrapper, followed to a
//! fixpoint), and of a workspace function whose parameter is bounded `F: Future + Send`
//! (or `impl Future + Send`) become requirements on the function whose future is passed:
//! `tokio::spawn(crate_b::worker::run(x))`, `spawn(async move { run(x).await })`,
//! `self.run()`, `Worker::run(..)`, `get(handlers::list)`. Async functions under a
//! framework's attribute (`#[tauri::command]`, poem's `#[handler]`, rocket's `#[get]`, also
//! by `#[macro_use] extern crate rocket`) are required by the framework.
//!
//! A callee that does not resolve to exactly one workspace function is unknown, and
//! unknown is silent.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use prodlint_core::{Project, ProjectIndex, Span};
use ra_ap_syntax::ast::{
    self, HasArgList, HasAttrs, HasGenericParams, HasModuleItem, HasName, HasTypeBounds,
};
use ra_ap_syntax::{AstNode, SyntaxNode, TextRange, WalkEvent};

use crate::auto_traits::{AutoTraitFacts, AutoTraitKey, DepSources};
use crate::crate_index::FileInfo;
use crate::types::{path_segments, Scope, Ty};
use crate::{compact_text, is_in_test_code, span};

/// Functions that run their argument on another thread: it must be `Send`.
pub const SPAWNERS: &[&str] = &[
    "tokio::spawn",
    "tokio::task::spawn",
    "tokio::task::spawn_blocking",
    "std::thread::spawn",
    "rayon::spawn",
    "rayon::spawn_fifo",
    "async_std::task::spawn",
    "async_std::task::spawn_blocking",
    "smol::spawn",
];

/// A call as written, resolved as far as the file tells: the workspace paths it may name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Callee {
    /// `crate_b::worker::run` and, for a path that may be relative to the module,
    /// `crate_a::jobs::worker::run`.
    pub candidates: Vec<String>,
    /// As written: `worker::run`, `self.flush`.
    pub shown: String,
    /// A method called on what a workspace function returns: `Socket::new(a)?.connect(b)`,
    /// `OpenOptions::new().read(true).open(path)`, or the same through a `let` binding.
    /// Resolved to `candidates` with the return types of the crate index.
    pub chain: Option<MethodChain>,
}

/// The root call's candidate paths and the methods called on its result, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MethodChain {
    pub root: Vec<String>,
    pub methods: Vec<String>,
}

/// An async function of a file (or one returning `impl Future`), in its crate.
#[derive(Debug, Clone)]
pub struct FutureFn {
    /// `my_crate::a::run`, `my_crate::a::Worker::run`: as in the crate index.
    pub path: String,
    pub name: String,
    pub name_span: Span,
    /// The whole function.
    pub range: Span,
    pub is_async: bool,
    /// The framework that requires the future to be `Send` (`#[tauri::command]`).
    pub framework: Option<(Span, String)>,
    /// An attribute written by a bare name that no `use` imports (`#[get("/")]`): a
    /// framework's if the crate has that framework's macros by `#[macro_use]`.
    pub bare_attr: Option<(Span, String)>,
}

/// An `.await` of a call.
#[derive(Debug, Clone)]
pub struct AwaitedCall {
    /// From the `.` to the end of `await`.
    pub at: Span,
    pub callee: Callee,
    /// The function (in [`FileFutures::fns`]) whose own future this await is part of;
    /// `None` inside an async block or closure.
    pub in_fn: Option<usize>,
}

/// What a call does with one of its arguments.
#[derive(Debug, Clone)]
pub enum Arg {
    /// `f(x)`, or `async move { f(x).await }`: the future of `f`.
    Future(Callee),
    /// A parameter of the enclosing function, by position.
    Param(usize),
}

/// A call with an argument that may have to be `Send`.
#[derive(Debug, Clone)]
pub struct CallFact {
    /// The function called (as a workspace function), or the spawner.
    pub callee: Callee,
    /// `tokio::spawn`, `.spawn`, axum's `get`: the call requires `Send` of the argument at
    /// this position by itself, and why (`` `tokio::spawn` ``).
    pub spawner: Option<(String, usize)>,
    /// The callee as written, for labels.
    pub at: Span,
    pub args: Vec<(usize, Arg)>,
    /// The function the call is in, by position in [`FileFutures::all_fns`].
    pub in_fn: Option<usize>,
    /// The await of the single awaited call of an `async move { f(x).await }` argument.
    pub block_await: Option<Span>,
}

/// A function's parameter bounded `Send` as a future (`F: Future + Send`, `impl Future +
/// Send`).
#[derive(Debug, Clone)]
pub struct SendParam {
    pub fn_path: String,
    pub index: usize,
}

/// One file's futures and the calls that may require them to be `Send`.
#[derive(Debug, Clone, Default)]
pub struct FileFutures {
    pub fns: Vec<FutureFn>,
    /// Every function with a body (async or not), by path: what call facts point at.
    pub all_fns: Vec<String>,
    pub awaits: Vec<AwaitedCall>,
    pub calls: Vec<CallFact>,
    pub send_params: Vec<SendParam>,
    /// The file defines a method `spawn` that takes a future or closure without a `Send`
    /// bound (a single-threaded or thread-per-core executor's, `fn spawn(&self, f: impl
    /// Future + 'static)`): a workspace that has one does not tell its `.spawn(..)` calls
    /// from those of a multi-threaded runtime by the name.
    pub local_spawn: bool,
    /// The crate the file belongs to.
    pub crate_name: String,
    /// The crates whose macros `#[macro_use] extern crate ..` brings into the crate (in its
    /// root file): `rocket`, whose `#[get]` is then written without a `use`.
    pub macro_use: Vec<String>,
}

/// Collects a file's futures; `tree` is its parse.
pub fn file_futures(info: &FileInfo, tree: &ast::SourceFile) -> FileFutures {
    let mut out = FileFutures {
        crate_name: info.crate_name.clone(),
        ..FileFutures::default()
    };
    for item in tree.items() {
        if let ast::Item::ExternCrate(e) = item {
            let macro_use = e
                .attrs()
                .any(|a| crate::attr::attr_path(&a).is_some_and(|p| p == ["macro_use"]));
            if let (true, Some(name)) = (macro_use, e.name_ref()) {
                out.macro_use.push(name.text().to_string());
            }
        }
    }
    let mut scope = Scope::new(&info.crate_name, &info.module);
    items(tree.items(), &mut scope, &mut out);
    out
}

fn items(list: impl Iterator<Item = ast::Item> + Clone, scope: &mut Scope, out: &mut FileFutures) {
    for item in list.clone() {
        if let ast::Item::Use(u) = &item {
            scope.add_use(u);
        }
    }
    for item in list {
        if is_in_test_code(item.syntax()) {
            continue;
        }
        match item {
            ast::Item::Fn(f) => function(&f, scope, scope.module.clone(), out),
            ast::Item::Impl(i) => {
                let Some(self_node) = i.self_ty() else {
                    continue;
                };
                let mut iscope = scope.clone();
                let self_ty = iscope.ty(&self_node);
                let owner = match (&self_ty, i.trait_()) {
                    (Ty::Path(p), _) => p.path.clone(),
                    _ => continue,
                };
                iscope.self_ty = Some(self_ty);
                for item in i
                    .assoc_item_list()
                    .into_iter()
                    .flat_map(|l| l.assoc_items())
                {
                    if let ast::AssocItem::Fn(f) = item {
                        if !is_in_test_code(f.syntax()) {
                            function(&f, &iscope, owner.clone(), out);
                        }
                    }
                }
            }
            ast::Item::Module(m) => {
                let (Some(name), Some(list)) = (m.name(), m.item_list()) else {
                    continue;
                };
                let mut inner = Scope::new(
                    &scope.crate_name,
                    &format!("{}::{}", scope.module, name.text()),
                );
                items(list.items(), &mut inner, out);
            }
            _ => {}
        }
    }
}

fn returns_impl_future(f: &ast::Fn) -> bool {
    let Some(ty) = f.ret_type().and_then(|r| r.ty()) else {
        return false;
    };
    matches!(ty, ast::Type::ImplTraitType(_)) && compact_text(ty.syntax()).contains("Future")
}

/// Attribute macros whose function's future the framework requires to be `Send`, by the
/// path the attribute resolves to (`#[get("/")]` under `use rocket::get`), and why. Not
/// actix-web's `#[get]`: actix runs each worker on one thread, so its handlers need not be
/// `Send`.
const FRAMEWORK_ATTRS: &[(&str, &str)] = &[
    (
        "tauri::command",
        "`#[tauri::command]` requires the command's future to be `Send`",
    ),
    (
        "poem::handler",
        "poem's `#[handler]` makes an `Endpoint`, whose future must be `Send`",
    ),
    ("rocket::get", ROCKET),
    ("rocket::post", ROCKET),
    ("rocket::put", ROCKET),
    ("rocket::delete", ROCKET),
    ("rocket::patch", ROCKET),
    ("rocket::head", ROCKET),
    ("rocket::options", ROCKET),
    ("rocket::route", ROCKET),
    ("rocket::catch", ROCKET),
];

const ROCKET: &str = "rocket's route attribute boxes the handler's future as a `Send` `BoxFuture`";

/// The framework attribute on `f` that requires its future to be `Send`.
fn framework(f: &ast::Fn, scope: &Scope) -> Option<(Span, String)> {
    f.attrs().find_map(|attr| {
        let path = crate::attr::attr_path(&attr)?;
        let resolved = scope.resolve(&path).path;
        FRAMEWORK_ATTRS
            .iter()
            .find(|(name, _)| *name == resolved)
            .map(|(_, why)| (span(attr.syntax().text_range()), why.to_string()))
    })
}

/// The first attribute of `f` written as a single name that no `use` item imports.
fn bare_attr(f: &ast::Fn, scope: &Scope) -> Option<(Span, String)> {
    f.attrs()
        .find_map(|attr| match crate::attr::attr_path(&attr)?.as_slice() {
            [name] if !scope.uses.contains_key(name) => {
                Some((span(attr.syntax().text_range()), name.clone()))
            }
            _ => None,
        })
}

/// The framework attribute a bare attribute name is when the crate has the macros of
/// `macro_crates` by `#[macro_use]`: `#[get]` under `#[macro_use] extern crate rocket`.
fn macro_use_framework<'a>(name: &str, macro_crates: &[&str]) -> Option<&'a str> {
    macro_crates.iter().find_map(|krate| {
        let path = format!("{krate}::{name}");
        FRAMEWORK_ATTRS
            .iter()
            .find(|(attr, _)| *attr == path)
            .map(|(_, why)| *why)
    })
}

/// Functions of frameworks that take a handler whose future must be `Send`, by resolved
/// path, with the position of the handler and why. axum's `Handler` impls, and the
/// middleware made by `from_fn`, require `Send` futures.
const HANDLER_FNS: &[(&str, usize, &str)] = &[
    ("axum::routing::get", 0, AXUM),
    ("axum::routing::post", 0, AXUM),
    ("axum::routing::put", 0, AXUM),
    ("axum::routing::delete", 0, AXUM),
    ("axum::routing::patch", 0, AXUM),
    ("axum::routing::head", 0, AXUM),
    ("axum::routing::options", 0, AXUM),
    ("axum::routing::trace", 0, AXUM),
    ("axum::routing::connect", 0, AXUM),
    ("axum::routing::any", 0, AXUM),
    ("axum::routing::on", 1, AXUM),
    ("axum::middleware::from_fn", 0, AXUM_MIDDLEWARE),
    ("axum::middleware::from_fn_with_state", 1, AXUM_MIDDLEWARE),
];

const AXUM: &str = "axum requires a handler's future to be `Send`";
const AXUM_MIDDLEWARE: &str = "axum requires a middleware function's future to be `Send`";

/// Methods of a `MethodRouter` (`get(a).post(b)`) that take a handler, by name, with its
/// position.
const METHOD_ROUTER_METHODS: &[(&str, usize)] = &[
    ("get", 0),
    ("post", 0),
    ("put", 0),
    ("delete", 0),
    ("patch", 0),
    ("head", 0),
    ("options", 0),
    ("trace", 0),
    ("connect", 0),
    ("on", 1),
];

/// The handler a framework call takes: `get(handler)`, `on(filter, handler)`,
/// `get(a).post(b)` (a chain that starts at an axum routing function), warp's
/// `filter.and_then(handler)` and `.then(handler)` (a chain that starts at a `warp::`
/// path): its position and why.
fn handler_call(expr: &ast::Expr, scope: &Scope) -> Option<(usize, &'static str)> {
    match expr {
        ast::Expr::CallExpr(call) => {
            let ast::Expr::PathExpr(p) = call.expr()? else {
                return None;
            };
            let resolved = scope.resolve(&path_segments(&p.path()?)).path;
            HANDLER_FNS
                .iter()
                .find(|(name, _, _)| *name == resolved)
                .map(|(_, at, why)| (*at, *why))
        }
        ast::Expr::MethodCallExpr(call) => {
            let name = call.name_ref()?.text().to_string();
            let router_method = METHOD_ROUTER_METHODS.iter().find(|(n, _)| *n == name);
            // The chain's root (which may look for a `let` binding through the whole
            // function) only for the few method names that can register a handler.
            if router_method.is_none() && !matches!(name.as_str(), "and_then" | "then") {
                return None;
            }
            let root = chain_root(&call.receiver()?, 0)?;
            if let Some((_, at)) = router_method {
                let (at, why) = (*at, handler_call(&root, scope).map(|(_, why)| why)?);
                return (why == AXUM).then_some((at, why));
            }
            if is_warp(&root, scope) {
                return Some((
                    0,
                    "warp requires the future of a filter's handler to be `Send`",
                ));
            }
            None
        }
        _ => None,
    }
}

/// The expression a method chain starts at, through one `let` binding of the enclosing
/// function (`let routes = warp::path("a"); routes.and_then(h)`).
fn chain_root(expr: &ast::Expr, depth: usize) -> Option<ast::Expr> {
    if depth > 32 {
        return None;
    }
    match expr {
        ast::Expr::MethodCallExpr(m) => chain_root(&m.receiver()?, depth + 1),
        ast::Expr::ParenExpr(p) => chain_root(&p.expr()?, depth + 1),
        ast::Expr::PathExpr(p) => {
            let name = p.path()?.as_single_name_ref()?.text().to_string();
            let pat = crate::types::binding_pat(&name, p.syntax())?;
            let stmt = pat.syntax().parent().and_then(ast::LetStmt::cast)?;
            chain_root(&stmt.initializer()?, depth + 1)
        }
        other => Some(other.clone()),
    }
}

/// Whether an expression is a call of a `warp::` function or macro (`warp::path("a")`,
/// `warp::path!("a" / u32)`, `warp::any()`).
fn is_warp(expr: &ast::Expr, scope: &Scope) -> bool {
    let path = match expr {
        ast::Expr::CallExpr(call) => match call.expr() {
            Some(ast::Expr::PathExpr(p)) => p.path(),
            _ => None,
        },
        ast::Expr::MacroExpr(m) => m.macro_call().and_then(|c| c.path()),
        _ => None,
    };
    path.is_some_and(|p| {
        scope
            .resolve(&path_segments(&p))
            .path
            .split("::")
            .next()
            .is_some_and(|krate| krate == "warp")
    })
}

/// The parameters of `f` (after `self`, by position) that a call must give a `Send`
/// future or closure: `impl Future + Send`, `impl FnOnce() + Send`, or a generic parameter
/// bounded `Future`/`IntoFuture`/`Fn*` and `Send` (inline or in the `where` clause). A
/// `Send` inside the bound's arguments (`F: Future<Output: Send>`) is not one: only the
/// output must be `Send` then.
pub fn send_bounded_params(f: &ast::Fn) -> Vec<usize> {
    param_bound_kinds(f)
        .into_iter()
        .enumerate()
        .filter(|(_, kinds)| *kinds == (true, true))
        .map(|(index, _)| index)
        .collect()
}

/// For each parameter of `f` (after `self`, by position), whether its type is bounded
/// `Send`, and by a future or closure trait: the bounds of an `impl Trait` type, or of a
/// generic parameter (inline and in the `where` clause); `(false, false)` for others.
fn param_bound_kinds(f: &ast::Fn) -> Vec<(bool, bool)> {
    // The bounds of each generic parameter, inline and in the `where` clause.
    let mut bounds: HashMap<String, (bool, bool)> = HashMap::new();
    let mut add = |name: String, list: Option<ast::TypeBoundList>| {
        let (send, callable) = bound_kinds(list);
        let entry = bounds.entry(name).or_default();
        entry.0 |= send;
        entry.1 |= callable;
    };
    for param in f
        .generic_param_list()
        .into_iter()
        .flat_map(|l| l.type_or_const_params())
    {
        if let ast::TypeOrConstParam::Type(t) = param {
            if let Some(name) = t.name() {
                add(name.text().to_string(), t.type_bound_list());
            }
        }
    }
    for pred in f.where_clause().into_iter().flat_map(|w| w.predicates()) {
        if let Some(ast::Type::PathType(p)) = pred.ty() {
            if let Some(name) = p.path().and_then(|p| p.as_single_name_ref()) {
                add(name.text().to_string(), pred.type_bound_list());
            }
        }
    }
    f.param_list()
        .into_iter()
        .flat_map(|l| l.params())
        .map(|param| match param.ty() {
            Some(ast::Type::ImplTraitType(t)) => bound_kinds(t.type_bound_list()),
            Some(ast::Type::PathType(p)) => p
                .path()
                .and_then(|p| p.as_single_name_ref())
                .and_then(|n| bounds.get(n.text()).copied())
                .unwrap_or_default(),
            _ => (false, false),
        })
        .collect()
}

/// Why a `.spawn(..)` call requires `Send`, known by the method's name alone.
const METHOD_SPAWN: &str = "`.spawn`";

/// Whether a parameter of `f` is a future or closure without a `Send` bound (`impl
/// Future<Output = ()> + 'static`, `F: FnOnce()`).
fn takes_unsend_callable(f: &ast::Fn) -> bool {
    param_bound_kinds(f).contains(&(false, true))
}

/// Whether a bound list has `Send` itself, and a future or closure trait.
fn bound_kinds(list: Option<ast::TypeBoundList>) -> (bool, bool) {
    let (mut send, mut callable) = (false, false);
    for bound in list.into_iter().flat_map(|l| l.bounds()) {
        // `?Send` is not a bound to require.
        if bound.question_mark_token().is_some() {
            continue;
        }
        let Some(ast::Type::PathType(p)) = bound.ty() else {
            continue;
        };
        let Some(name) = p
            .path()
            .and_then(|p| p.segment())
            .and_then(|s| s.name_ref())
        else {
            continue;
        };
        match name.text().to_string().as_str() {
            "Send" => send = true,
            "Future" | "IntoFuture" | "FnOnce" | "FnMut" | "Fn" => callable = true,
            _ => {}
        }
    }
    (send, callable)
}

fn function(f: &ast::Fn, scope: &Scope, owner: String, out: &mut FileFutures) {
    let (Some(name), Some(body)) = (f.name(), f.body()) else {
        return;
    };
    let path = format!("{owner}::{}", name.text());
    let all_index = out.all_fns.len();
    out.all_fns.push(path.clone());
    // The parameters a wrapper may pass on: those of a generic or `impl Trait` type (a
    // parameter of a concrete type is `Send` or not by its type, which the compiler
    // checks at the wrapper itself). Others by an empty name, which no argument has.
    let generics = crate::types::generic_params(f.generic_param_list());
    let params: Vec<String> = f
        .param_list()
        .into_iter()
        .flat_map(|l| l.params())
        .map(|p| {
            let generic = match p.ty() {
                Some(ast::Type::ImplTraitType(_)) => true,
                Some(ast::Type::PathType(t)) => t
                    .path()
                    .and_then(|p| p.as_single_name_ref())
                    .is_some_and(|n| generics.contains(&n.text().to_string())),
                _ => false,
            };
            match p.pat() {
                Some(ast::Pat::IdentPat(i)) if generic => i.name().map(|n| n.text().to_string()),
                _ => None,
            }
        })
        .map(Option::unwrap_or_default)
        .collect();
    if name.text() == "spawn" && f.param_list().is_some_and(|l| l.self_param().is_some()) {
        out.local_spawn |= takes_unsend_callable(f);
    }
    for index in send_bounded_params(f) {
        out.send_params.push(SendParam {
            fn_path: path.clone(),
            index,
        });
    }
    let is_async = f.async_token().is_some();
    let fn_index = (is_async || returns_impl_future(f)).then(|| {
        out.fns.push(FutureFn {
            path: path.clone(),
            name: name.text().to_string(),
            name_span: span(name.syntax().text_range()),
            range: span(f.syntax().text_range()),
            is_async,
            framework: framework(f, scope),
            bare_attr: bare_attr(f, scope),
        });
        out.fns.len() - 1
    });
    let own_awaits = own_awaits(body.syntax(), is_async);
    for node in body.syntax().descendants() {
        if let Some(a) = ast::AwaitExpr::cast(node.clone()) {
            let Some(callee) = a.expr().and_then(|e| callee_of(&e, scope)) else {
                continue;
            };
            let at = await_span(&a);
            let in_fn = fn_index.filter(|_| own_awaits.contains(&a.syntax().text_range()));
            out.awaits.push(AwaitedCall { at, callee, in_fn });
        } else if let Some(call) = ast::CallExpr::cast(node.clone()) {
            let Some(ast::Expr::PathExpr(p)) = call.expr() else {
                continue;
            };
            let Some(path) = p.path() else { continue };
            let segments = path_segments(&path);
            let resolved = scope.resolve(&segments);
            let shown = segments.join("::");
            let handler = handler_call(&ast::Expr::CallExpr(call.clone()), scope);
            let spawner = match handler {
                Some((at, why)) => Some((format!("`{shown}` ({why})"), at)),
                None => SPAWNERS
                    .contains(&resolved.path.as_str())
                    .then(|| (format!("`{shown}`"), 0)),
            };
            let callee = Callee {
                candidates: candidates(scope, &segments, &path),
                shown,
                chain: None,
            };
            call_fact(
                callee,
                spawner,
                handler.map(|(at, _)| at),
                p.syntax().text_range(),
                call.arg_list(),
                &params,
                all_index,
                scope,
                out,
            );
        } else if let Some(call) = ast::MethodCallExpr::cast(node) {
            let Some(name) = call.name_ref() else {
                continue;
            };
            // `.spawn(..)` on a runtime, handle, `JoinSet` or task builder; not on a local
            // executor (`LocalExecutor::spawn`, `local_pool.spawn(..)`), whose tasks stay on
            // one thread.
            let is_spawn = name.text() == "spawn"
                && call.receiver().is_some_and(|r| {
                    !r.syntax()
                        .text()
                        .to_string()
                        .to_lowercase()
                        .contains("local")
                });
            let handler = handler_call(&ast::Expr::MethodCallExpr(call.clone()), scope);
            let callee = method_callee(&call, scope);
            if !is_spawn && handler.is_none() && callee.is_none() {
                continue;
            }
            let callee = callee.unwrap_or(Callee {
                candidates: Vec::new(),
                shown: ".spawn".into(),
                chain: None,
            });
            // `self.run(x)`: the arguments are the method's parameters after `self`.
            let spawner = match handler {
                Some((at, why)) => Some((format!("`.{}` ({why})", name.text()), at)),
                None => is_spawn.then(|| (METHOD_SPAWN.to_string(), 0)),
            };
            call_fact(
                callee,
                spawner,
                handler.map(|(at, _)| at),
                name.syntax().text_range(),
                call.arg_list(),
                &params,
                all_index,
                scope,
                out,
            );
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn call_fact(
    callee: Callee,
    spawner: Option<(String, usize)>,
    handler_at: Option<usize>,
    at: TextRange,
    list: Option<ast::ArgList>,
    params: &[String],
    in_fn: usize,
    scope: &Scope,
    out: &mut FileFutures,
) {
    let mut args = Vec::new();
    let mut block_await = None;
    for (i, arg) in list.into_iter().flat_map(|l| l.args()).enumerate() {
        let handler = (handler_at == Some(i))
            .then(|| handler_ref(&arg, scope))
            .flatten();
        if let Some(handler) = handler {
            args.push((i, Arg::Future(handler)));
        } else if let Some((future, awaited)) = future_arg(&arg, scope) {
            if awaited.is_some() {
                block_await = awaited;
            }
            args.push((i, Arg::Future(future)));
        } else if let Some(name) = single_name(&arg) {
            // The parameter itself, not a `let` that shadows it (looked for only when the
            // name is one of the parameters a wrapper may pass on).
            let Some(at) = params.iter().position(|p| *p == name) else {
                continue;
            };
            let is_param = crate::types::binding_pat(&name, arg.syntax()).is_some_and(|pat| {
                pat.syntax()
                    .parent()
                    .is_some_and(|p| ast::Param::can_cast(p.kind()))
            });
            if is_param {
                args.push((i, Arg::Param(at)));
            }
        }
    }
    if args.is_empty() {
        return;
    }
    out.calls.push(CallFact {
        callee,
        spawner,
        at: span(at),
        args,
        in_fn: Some(in_fn),
        block_await,
    });
}

/// A function passed by name as a framework's handler (`get(handlers::list)`): the future
/// of each call of it. Not a parameter of the enclosing function (a wrapper's).
fn handler_ref(arg: &ast::Expr, scope: &Scope) -> Option<Callee> {
    let ast::Expr::PathExpr(p) = arg else {
        return None;
    };
    let path = p.path()?;
    let segments = path_segments(&path);
    if let [name] = segments.as_slice() {
        if crate::types::binding_pat(name, arg.syntax()).is_some() {
            return None;
        }
    }
    Some(Callee {
        candidates: candidates(scope, &segments, &path),
        shown: segments.join("::"),
        chain: None,
    })
}

fn single_name(expr: &ast::Expr) -> Option<String> {
    match expr {
        ast::Expr::PathExpr(p) => Some(p.path()?.as_single_name_ref()?.text().to_string()),
        _ => None,
    }
}

/// `f(x)`, `self.f(x)`, or `async move { f(x).await }` (the block's only statement):
/// the future of `f`, and the await in the block.
fn future_arg(arg: &ast::Expr, scope: &Scope) -> Option<(Callee, Option<Span>)> {
    if let ast::Expr::BlockExpr(block) = arg {
        block.async_token()?;
        let list = block.stmt_list()?;
        let tail = match (list.statements().next(), list.tail_expr()) {
            (None, Some(tail)) => tail,
            (Some(ast::Stmt::ExprStmt(e)), None) if list.statements().count() == 1 => e.expr()?,
            _ => return None,
        };
        let ast::Expr::AwaitExpr(a) = tail else {
            return None;
        };
        let callee = callee_of(&a.expr()?, scope)?;
        return Some((callee, Some(await_span(&a))));
    }
    Some((callee_of(arg, scope)?, None))
}

/// The callee of a call expression: `run(x)`, `worker::run(x)`, `Worker::run(..)`,
/// `self.run(..)`.
pub fn callee_of(expr: &ast::Expr, scope: &Scope) -> Option<Callee> {
    match expr {
        ast::Expr::CallExpr(call) => {
            let ast::Expr::PathExpr(p) = call.expr()? else {
                return None;
            };
            let path = p.path()?;
            let segments = path_segments(&path);
            Some(Callee {
                candidates: candidates(scope, &segments, &path),
                shown: segments.join("::"),
                chain: None,
            })
        }
        ast::Expr::MethodCallExpr(call) => method_callee(call, scope),
        ast::Expr::ParenExpr(p) => callee_of(&p.expr()?, scope),
        _ => None,
    }
}

/// `self.run(..)`: the method of the impl's self type; `x.run(..)` on what a workspace
/// function returns: a [`MethodChain`].
fn method_callee(call: &ast::MethodCallExpr, scope: &Scope) -> Option<Callee> {
    let name = call.name_ref()?.text().to_string();
    let receiver = call.receiver()?;
    if let ast::Expr::PathExpr(p) = &receiver {
        if p.path()?.as_single_name_ref()?.text() == "self" {
            let Some(Ty::Path(owner)) = &scope.self_ty else {
                return None;
            };
            return Some(Callee {
                candidates: vec![format!("{}::{name}", owner.path)],
                shown: format!("self.{name}"),
                chain: None,
            });
        }
    }
    let mut chain = chain_of(&receiver, scope, 0)?;
    chain.methods.push(name.clone());
    let receiver_text = compact_text(receiver.syntax());
    let shown = if receiver_text.len() <= 40 {
        format!("{receiver_text}.{name}")
    } else {
        format!("….{name}")
    };
    Some(Callee {
        candidates: Vec::new(),
        shown,
        chain: Some(chain),
    })
}

/// The chain an expression is: `Type::f(..)` then methods, through `?`, `.unwrap()`,
/// `.expect(..)` and one `let` binding of the enclosing function.
fn chain_of(expr: &ast::Expr, scope: &Scope, depth: usize) -> Option<MethodChain> {
    if depth > 16 {
        return None;
    }
    match expr {
        ast::Expr::TryExpr(t) => chain_of(&t.expr()?, scope, depth + 1),
        ast::Expr::ParenExpr(p) => chain_of(&p.expr()?, scope, depth + 1),
        ast::Expr::MethodCallExpr(m) => {
            let name = m.name_ref()?.text().to_string();
            let mut chain = chain_of(&m.receiver()?, scope, depth + 1)?;
            if !matches!(name.as_str(), "unwrap" | "expect") {
                chain.methods.push(name);
            }
            Some(chain)
        }
        ast::Expr::CallExpr(call) => {
            let ast::Expr::PathExpr(p) = call.expr()? else {
                return None;
            };
            let path = p.path()?;
            let segments = path_segments(&path);
            Some(MethodChain {
                root: candidates(scope, &segments, &path),
                methods: Vec::new(),
            })
        }
        ast::Expr::PathExpr(p) if depth == 0 => {
            let name = p.path()?.as_single_name_ref()?.text().to_string();
            let pat = crate::types::binding_pat(&name, p.syntax())?;
            let stmt = pat.syntax().parent().and_then(ast::LetStmt::cast)?;
            if stmt.ty().is_some() {
                return None;
            }
            chain_of(&stmt.initializer()?, scope, depth + 1)
        }
        _ => None,
    }
}

fn candidates(scope: &Scope, segments: &[String], path: &ast::Path) -> Vec<String> {
    if segments.len() >= 2 {
        let owner = &segments[segments.len() - 2];
        if owner == "Self" && segments.len() == 2 {
            if let Some(Ty::Path(p)) = &scope.self_ty {
                return vec![format!("{}::{}", p.path, segments[1])];
            }
            return Vec::new();
        }
        if owner.starts_with(|c: char| c.is_ascii_uppercase()) {
            let Some(qualifier) = path.qualifier() else {
                return Vec::new();
            };
            let Ty::Path(owner_ty) = scope.path_ty(&qualifier) else {
                return Vec::new();
            };
            let method = &segments[segments.len() - 1];
            let mut out = vec![format!("{}::{method}", owner_ty.path)];
            out.extend(owner_ty.relative.map(|r| format!("{r}::{method}")));
            return out;
        }
    }
    let resolved = scope.resolve(segments);
    let mut out = vec![resolved.path];
    out.extend(resolved.relative);
    out
}

/// From the `.` to the end of `await`: where a finding at an await points.
pub fn await_span(a: &ast::AwaitExpr) -> Span {
    let start = a
        .dot_token()
        .map_or(a.syntax().text_range().start(), |t| t.text_range().start());
    span(TextRange::new(start, a.syntax().text_range().end()))
}

/// The awaits of an async body itself, not of the async blocks and closures inside it.
fn own_awaits(body: &SyntaxNode, is_async: bool) -> HashSet<TextRange> {
    let mut out = HashSet::new();
    if !is_async {
        return out;
    }
    let mut preorder = body.preorder();
    while let Some(event) = preorder.next() {
        let WalkEvent::Enter(node) = event else {
            continue;
        };
        if &node != body
            && (ast::ClosureExpr::can_cast(node.kind())
                || ast::Item::can_cast(node.kind())
                || ast::BlockExpr::cast(node.clone()).is_some_and(|b| b.async_token().is_some()))
        {
            preorder.skip_subtree();
            continue;
        }
        if ast::AwaitExpr::can_cast(node.kind()) {
            out.insert(node.text_range());
        }
    }
    out
}

/// A workspace function by its file and position in that file's [`FileFutures::fns`].
pub type FnId = (PathBuf, usize);

/// Why a future must be `Send`: the call (or attribute) that requires it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SendSite {
    pub file: PathBuf,
    pub at: Span,
    pub message: String,
}

/// The workspace's futures: each async function by path, what each await calls, and the
/// functions whose future must be `Send` with the call that requires it.
#[derive(Debug, Default)]
pub struct FutureCalls {
    pub files: HashMap<PathBuf, FileFutures>,
    by_path: HashMap<String, FnId>,
    /// Every function with a body, by path, and by crate and name: wrappers need not be
    /// async.
    all_paths: HashSet<String>,
    all_by_name: HashMap<(String, String), Vec<String>>,
    /// Async functions by crate and name, for paths through re-exports.
    by_name: HashMap<(String, String), Vec<FnId>>,
}

/// Where the workspace requires its futures to be `Send` ([`FutureCalls::send_sites`]):
/// built once per run, with the locked dependencies' signatures, for the crate index and
/// Cargo home of an [`AutoTraitKey`].
#[derive(Debug, Default)]
pub struct SendSites {
    /// The required functions and the first site (in path, line order) that requires each.
    pub required: HashMap<FnId, SendSite>,
    /// Awaits of spawned `async move { f(x).await }` blocks: `f` is required instead.
    pub forwarded_awaits: HashSet<(PathBuf, Span)>,
    /// Workspace functions that require `Send` of an argument (by path and position):
    /// wrappers of spawners and `Future + Send` bounds, with why.
    send_args: BTreeMap<(String, usize), String>,
    /// The workspace defines a `spawn` method that does not require `Send`
    /// ([`FileFutures::local_spawn`]), so `.spawn(..)` on a receiver of unknown type may
    /// be that one.
    pub local_spawn: bool,
}

impl ProjectIndex for SendSites {
    type Key = AutoTraitKey;

    fn build(project: &Project, key: &AutoTraitKey) -> SendSites {
        let facts = project.index::<AutoTraitFacts>(key);
        let reasoner = facts.reasoner(project);
        let deps = reasoner.deps();
        let index = &facts.index;
        index.futures.send_sites(
            &index.crate_names,
            |path| dep_send_params(deps?, &index.crate_names, path),
            |path| dep_returns(deps?, &index.crate_names, path),
        )
    }
}

impl SendSites {
    /// Whether a call of the workspace function at `path` (as resolved in the caller's
    /// scope) requires `Send` of its argument at `index`: a wrapper that hands it to a
    /// spawner, or a `Send`-bounded parameter.
    pub fn requires_send_of_arg(&self, path: &crate::types::PathTy, index: usize) -> bool {
        [Some(&path.path), path.relative.as_ref()]
            .into_iter()
            .flatten()
            .any(|p| self.send_args.contains_key(&(p.clone(), index)))
    }
}

/// The type a locked dependency's function or associated function returns, as a path
/// into its library (`minirt::ThreadPool::new` returns `minirt::ThreadPool`), when every
/// definition of it agrees.
pub fn dep_returns(deps: &DepSources<'_>, crate_names: &[String], path: &str) -> Option<String> {
    let defs = dep_defs(deps, crate_names, path)?;
    let first = defs.first()?.ret_ty()?;
    if defs.iter().any(|d| d.ret_ty().as_ref() != Some(&first)) {
        return None;
    }
    match first {
        Ty::Path(p) => Some(p.path),
        _ => None,
    }
}

/// The definitions of the dependency function a path names: a free function, or an
/// associated function or method of a type (`Type::name`). `None` for a workspace path
/// or a library that is not locked.
fn dep_defs(
    deps: &DepSources<'_>,
    crate_names: &[String],
    path: &str,
) -> Option<Vec<crate::deps::DepFn>> {
    let segments: Vec<&str> = path.split("::").collect();
    let (lib, name) = (*segments.first()?, *segments.last()?);
    if segments.len() < 2
        || crate::crate_index::is_workspace_crate(crate_names, lib)
        || !deps.locked.is_locked(lib)
    {
        return None;
    }
    let owner = segments[..segments.len() - 1]
        .last()
        .filter(|o| segments.len() > 2 && o.starts_with(|c: char| c.is_ascii_uppercase()));
    Some(match owner {
        Some(owner) => crate::deps::dep_methods(
            deps.project,
            &deps.key,
            &deps.locked,
            lib,
            owner,
            name,
            false,
        ),
        None => crate::deps::dep_free_fns(deps.project, &deps.key, lib, name),
    })
}

/// A dependency function's `Send`-bounded parameters and why: see [`dep_send_params`].
pub type DepBounds = Option<(String, Vec<usize>)>;

/// The parameters of a locked dependency's function (`smol::spawn`,
/// `minipool::Pool::spawn_ok`: by the path a call resolves to) that must be `Send`
/// futures or closures, read from its sources, and why. Every definition of that name
/// (of that type) in the crate must agree; a name the sources do not define, or define
/// with different bounds, is unknown.
pub fn dep_send_params(deps: &DepSources<'_>, crate_names: &[String], path: &str) -> DepBounds {
    let defs = dep_defs(deps, crate_names, path)?;
    let segments: Vec<&str> = path.split("::").collect();
    let name = *segments.last()?;
    let owner = segments[..segments.len() - 1]
        .last()
        .filter(|o| segments.len() > 2 && o.starts_with(|c: char| c.is_ascii_uppercase()));
    let first = defs.first()?;
    if first.send_params.is_empty() || defs.iter().any(|d| d.send_params != first.send_params) {
        return None;
    }
    let shown = owner.map_or(name.to_string(), |o| format!("{o}::{name}"));
    Some((
        format!(
            "`{shown}` of {} {} requires a `Send` future",
            first.krate, first.version
        ),
        first.send_params.clone(),
    ))
}

impl FutureCalls {
    /// Joins the files' facts: resolves callees (method chains by the return types
    /// `ret_of` gives) and indexes the functions by path and name.
    pub fn assemble<'a>(
        files: impl Iterator<Item = (&'a Path, &'a FileFutures)>,
        ret_of: impl Fn(&str) -> Option<Ty>,
    ) -> FutureCalls {
        let mut out = FutureCalls::default();
        for (path, facts) in files {
            let mut facts = facts.clone();
            let callees = facts.awaits.iter_mut().map(|a| &mut a.callee).chain(
                facts.calls.iter_mut().flat_map(|c| {
                    c.args.iter_mut().filter_map(|(_, arg)| match arg {
                        Arg::Future(callee) => Some(callee),
                        Arg::Param(_) => None,
                    })
                }),
            );
            for callee in callees {
                if let Some(chain) = &callee.chain {
                    callee.candidates = resolve_chain(chain, &ret_of).into_iter().collect();
                }
            }
            out.files.insert(path.to_path_buf(), facts);
        }
        let mut paths: Vec<&PathBuf> = out.files.keys().collect();
        paths.sort();
        let mut ambiguous = HashSet::new();
        let mut by_path: HashMap<String, FnId> = HashMap::new();
        let mut by_name: HashMap<(String, String), Vec<FnId>> = HashMap::new();
        for path in &paths {
            for (i, f) in out.files[*path].fns.iter().enumerate() {
                let id = ((*path).clone(), i);
                if by_path.insert(f.path.clone(), id.clone()).is_some() {
                    ambiguous.insert(f.path.clone());
                }
                let krate = f.path.split("::").next().unwrap_or("").to_string();
                by_name.entry((krate, f.name.clone())).or_default().push(id);
            }
        }
        for path in ambiguous {
            by_path.remove(&path);
        }
        out.by_path = by_path;
        out.by_name = by_name;
        for path in &paths {
            for f in &out.files[*path].all_fns {
                out.all_paths.insert(f.clone());
                let mut parts = f.split("::");
                let krate = parts.next().unwrap_or("").to_string();
                let name = f.rsplit("::").next().unwrap_or("").to_string();
                out.all_by_name
                    .entry((krate, name))
                    .or_default()
                    .push(f.clone());
            }
        }
        out
    }

    /// Where the workspace requires futures to be `Send`: the calls of spawners, of
    /// framework functions taking handlers, of `Send`-bounded functions of the workspace
    /// and of the locked dependencies (`dep` gives a dependency function's `Send`-bounded
    /// parameters and why, by the callee's path; `dep_ret` the type path a dependency
    /// function returns, for a method called on it), and of wrappers that pass a parameter on
    /// to one of them (to a fixpoint); and the framework attributes.
    pub fn send_sites(
        &self,
        crate_names: &[String],
        dep: impl Fn(&str) -> DepBounds,
        dep_ret: impl Fn(&str) -> Option<String>,
    ) -> SendSites {
        let mut paths: Vec<&PathBuf> = self.files.keys().collect();
        paths.sort();
        let local_spawn = self.files.values().any(|f| f.local_spawn);
        let mut macro_use: HashMap<&str, Vec<&str>> = HashMap::new();
        for facts in self.files.values() {
            for krate in &facts.macro_use {
                macro_use
                    .entry(facts.crate_name.as_str())
                    .or_default()
                    .push(krate.as_str());
            }
        }
        // One look-up per dependency path, however many rounds and calls reach it.
        let memo: RefCell<HashMap<String, DepBounds>> = RefCell::default();
        let dep = |path: &str| {
            // `@root::method`: a method called on what the dependency function `root`
            // returns (`ThreadPool::new()` then `.spawn_ok(..)`).
            let path = match path.strip_prefix('@') {
                Some(chain) => {
                    let (root, method) = chain.rsplit_once("::")?;
                    format!("{}::{method}", dep_ret(root)?)
                }
                None => path.to_string(),
            };
            let path = path.as_str();
            if let Some(known) = memo.borrow().get(path) {
                return known.clone();
            }
            let found = dep(path);
            memo.borrow_mut().insert(path.to_string(), found.clone());
            found
        };
        let matters = |arg: &Arg| match arg {
            Arg::Future(callee) => self.resolve(callee, crate_names).is_some(),
            Arg::Param(_) => true,
        };
        // Functions that require `Send` of a parameter: Send-bounded ones, then those that
        // hand a parameter to a spawner or to another such function, to a fixpoint (each
        // round adds at least one, so at most as many rounds as there are wrappers).
        let mut requiring: BTreeMap<(String, usize), String> = BTreeMap::new();
        for path in &paths {
            for p in &self.files[*path].send_params {
                requiring
                    .entry((p.fn_path.clone(), p.index))
                    .or_insert_with(|| format!("`{}` requires a `Send` future", short(&p.fn_path)));
            }
        }
        loop {
            let mut added = Vec::new();
            for path in &paths {
                let facts = &self.files[*path];
                for call in &facts.calls {
                    let Some(in_fn) = call.in_fn else { continue };
                    let wrapper = &facts.all_fns[in_fn];
                    let why = call_requires(
                        call,
                        local_spawn,
                        &requiring,
                        |c| self.any_path(c, crate_names),
                        &dep,
                        &matters,
                    );
                    for (index, arg) in &call.args {
                        let (Arg::Param(param), Some(why)) = (arg, why(*index)) else {
                            continue;
                        };
                        let key = (wrapper.clone(), *param);
                        if !requiring.contains_key(&key) {
                            added.push((key, format!("`{}` passes it to {why}", short(wrapper))));
                        }
                    }
                }
            }
            if added.is_empty() {
                break;
            }
            for (key, why) in added {
                requiring.entry(key).or_insert(why);
            }
        }
        let mut required: HashMap<FnId, SendSite> = HashMap::new();
        let mut forwarded = HashSet::new();
        for path in &paths {
            let facts = &self.files[*path];
            for call in &facts.calls {
                let why = call_requires(
                    call,
                    local_spawn,
                    &requiring,
                    |c| self.any_path(c, crate_names),
                    &dep,
                    &matters,
                );
                for (index, arg) in &call.args {
                    let (Arg::Future(future), Some(why)) = (arg, why(*index)) else {
                        continue;
                    };
                    let Some(id) = self.resolve(future, crate_names) else {
                        continue;
                    };
                    if let Some(awaited) = call.block_await {
                        forwarded.insert(((*path).clone(), awaited));
                    }
                    let site = SendSite {
                        file: (*path).clone(),
                        at: call.at,
                        message: format!("{why}: `{}`'s future must be `Send`", future.shown),
                    };
                    required.entry(id).or_insert(site);
                }
            }
            for (i, f) in facts.fns.iter().enumerate() {
                let from_macro_use = f.bare_attr.as_ref().and_then(|(at, name)| {
                    let crates = macro_use.get(f.path.split("::").next()?)?;
                    Some((*at, macro_use_framework(name, crates)?.to_string()))
                });
                if let Some((at, message)) = f.framework.as_ref().or(from_macro_use.as_ref()) {
                    required.entry(((*path).clone(), i)).or_insert(SendSite {
                        file: (*path).clone(),
                        at: *at,
                        message: message.clone(),
                    });
                }
            }
        }
        SendSites {
            required,
            forwarded_awaits: forwarded,
            send_args: requiring,
            local_spawn,
        }
    }

    /// The workspace function (async or not) a callee names, by path.
    fn any_path(&self, callee: &Callee, crate_names: &[String]) -> Option<String> {
        if let Some(found) = callee
            .candidates
            .iter()
            .find(|c| self.all_paths.contains(*c))
        {
            return Some(found.clone());
        }
        unique_by_name(&self.all_by_name, callee, crate_names)
    }

    /// The one async function of the workspace a callee names.
    pub fn resolve(&self, callee: &Callee, crate_names: &[String]) -> Option<FnId> {
        for candidate in &callee.candidates {
            if let Some(id) = self.by_path.get(candidate) {
                return Some(id.clone());
            }
        }
        self.by_unique_name(callee, crate_names)
    }

    /// `crate_b::run` re-exported from `crate_b::worker::run`: the only async function of
    /// that name in that crate of the workspace.
    fn by_unique_name(&self, callee: &Callee, crate_names: &[String]) -> Option<FnId> {
        unique_by_name(&self.by_name, callee, crate_names)
    }

    pub fn function(&self, id: &FnId) -> Option<&FutureFn> {
        self.files.get(&id.0)?.fns.get(id.1)
    }
}

/// The path of the method a chain ends with, following the return types (`ret_of` gives a
/// workspace function's return type, `Self` substituted) through references,
/// `Result` and `Option`.
fn resolve_chain(chain: &MethodChain, ret_of: &impl Fn(&str) -> Option<Ty>) -> Option<String> {
    let (last, steps) = chain.methods.split_last()?;
    let mut owner = value_type(&chain.root.iter().find_map(|c| ret_of(c))?)?;
    for step in steps {
        owner = value_type(&ret_of(&format!("{owner}::{step}"))?)?;
    }
    Some(format!("{owner}::{last}"))
}

/// The type definition a value of `ty` calls methods on: through `&`, `Result`, `Option`.
fn value_type(ty: &Ty) -> Option<String> {
    match ty {
        Ty::Ref { inner, .. } => value_type(inner),
        Ty::Path(_) if matches!(ty.last_segment(), Some("Result" | "Option")) => {
            value_type(ty.success()?)
        }
        Ty::Path(p) => Some(p.path.clone()),
        _ => None,
    }
}

/// The only entry of `by_name` for the crate and last name of a callee's path, when that
/// crate is of the workspace: a path through a re-export (`crate_b::run` for
/// `crate_b::worker::run`).
fn unique_by_name<T: Clone>(
    by_name: &HashMap<(String, String), Vec<T>>,
    callee: &Callee,
    crate_names: &[String],
) -> Option<T> {
    let candidate = callee.candidates.first()?;
    let krate = candidate.split("::").next()?;
    if !crate::crate_index::is_workspace_crate(crate_names, krate) {
        return None;
    }
    let name = candidate.rsplit("::").next()?;
    match by_name
        .get(&(krate.to_string(), name.to_string()))?
        .as_slice()
    {
        [only] => Some(only.clone()),
        _ => None,
    }
}

/// For a call, which of its arguments must be `Send` and why (`tokio::spawn`, a wrapper).
fn call_requires<'c>(
    call: &'c CallFact,
    local_spawn: bool,
    requiring: &'c BTreeMap<(String, usize), String>,
    lookup: impl Fn(&Callee) -> Option<String>,
    dep: &impl Fn(&str) -> DepBounds,
    matters: impl Fn(&Arg) -> bool,
) -> impl Fn(usize) -> Option<String> + 'c {
    // `.spawn(..)` is known by its name only where the workspace has no `spawn` of its
    // own that takes futures that need not be `Send`.
    let spawner = call
        .spawner
        .as_ref()
        .filter(|(why, _)| !(local_spawn && why == METHOD_SPAWN));
    let resolved = if spawner.is_some() {
        None
    } else {
        lookup(&call.callee)
    };
    // Not a workspace function: a locked dependency's, by the path the call resolves to;
    // looked up only for a call that passes a workspace future or a wrapper's parameter.
    let from_dep = match (spawner, &resolved) {
        (None, None) if call.args.iter().any(|(_, arg)| matters(arg)) => {
            match (call.callee.candidates.first(), &call.callee.chain) {
                (Some(path), _) => dep(path),
                (None, Some(chain)) if chain.methods.len() == 1 => chain
                    .root
                    .first()
                    .and_then(|root| dep(&format!("@{root}::{}", chain.methods[0]))),
                _ => None,
            }
        }
        _ => None,
    };
    move |index| {
        if let Some((why, at)) = spawner {
            return (index == *at).then(|| why.clone());
        }
        if let Some((why, params)) = &from_dep {
            return params
                .contains(&index)
                .then(|| format!("`{}` ({why})", call.callee.shown));
        }
        let path = resolved.as_ref()?;
        requiring
            .get(&(path.clone(), index))
            .map(|why| format!("`{}` ({why})", call.callee.shown))
    }
}

fn short(path: &str) -> &str {
    let mut parts = path.rsplitn(3, "::");
    let last = parts.next().unwrap_or(path);
    match parts.next() {
        Some(owner) if owner.starts_with(|c: char| c.is_ascii_uppercase()) => {
            let len = owner.len() + 2 + last.len();
            &path[path.len() - len..]
        }
        _ => last,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params_of(text: &str) -> Vec<(String, Vec<usize>)> {
        let parsed = crate::RustFile::parse(text);
        parsed
            .tree()
            .syntax()
            .descendants()
            .filter_map(ast::Fn::cast)
            .map(|f| {
                (
                    f.name().unwrap().text().to_string(),
                    send_bounded_params(&f),
                )
            })
            .collect()
    }

    #[test]
    fn send_bounded_parameters_are_futures_and_closures_bounded_send_themselves() {
        let text = "
            fn a<F>(f: F) where F: Future + Send + 'static {}
            fn b<T: Send>(x: u8, f: impl Future<Output = T> + Send + 'static) {}
            fn c<F, R>(f: F) where F: FnOnce() -> R + Send + 'static, R: Send {}
            fn d<F: Future + 'static>(f: F) {}
            fn e<F, T>(f: F) where F: Future<Output = T>, T: Send {}
            fn g<F: Future>(f: F) where F: Send {}
            fn h<T: Send>(value: T) {}
            fn i(&self, f: impl Future<Output = ()> + ?Send) {}
            fn j<Fut>(&self, future: Fut) where Fut: Future<Output = ()> + Send + 'static {}
        ";
        let found = params_of(text);
        let expected: Vec<(String, Vec<usize>)> = [
            ("a", vec![0]),
            ("b", vec![1]),
            ("c", vec![0]),
            ("d", vec![]),
            ("e", vec![]),
            ("g", vec![0]),
            ("h", vec![]),
            ("i", vec![]),
            ("j", vec![0]),
        ]
        .into_iter()
        .map(|(n, p)| (n.to_string(), p))
        .collect();
        assert_eq!(found, expected);
    }
}
