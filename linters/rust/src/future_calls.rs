//! Where the workspace requires a future to be `Send`, and which futures each async
//! function awaits: the call graph of futures, for rules that must know whether a future
//! handed to `tokio::spawn` in one crate, or awaited by such a future, is `Send`.
//!
//! Each file contributes its facts while the crate index reads it (the file is parsed once
//! per run): its async functions (and functions returning `impl Future`) by path, the
//! calls it awaits with the callee resolved through the file's `use` items, and its calls
//! that require `Send` of an argument. [`FutureCalls::assemble`] joins them over the
//! workspace once: calls of a spawner (`tokio::spawn`, `.spawn(..)` on a runtime, handle
//! or `JoinSet`), of a workspace function that hands its parameter to one (a wrapper,
//! followed to a fixpoint), and of a workspace function whose parameter is bounded
//! `F: Future + Send` (or `impl Future + Send`) become requirements on the function whose
//! future is passed: `tokio::spawn(crate_b::worker::run(x))`, `spawn(async move {
//! run(x).await })`, `self.run()`, `Worker::run(..)`. `#[tauri::command]` async functions
//! are required by the framework.
//!
//! A callee that does not resolve to exactly one workspace function is unknown, and
//! unknown is silent.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use prodlint_core::Span;
use ra_ap_syntax::ast::{
    self, HasArgList, HasAttrs, HasGenericParams, HasModuleItem, HasName, HasTypeBounds,
};
use ra_ap_syntax::{AstNode, SyntaxNode, TextRange, WalkEvent};

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
    /// `tokio::spawn`, `.spawn`: the call requires `Send` of its first argument by itself.
    pub spawner: Option<String>,
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
}

/// Collects a file's futures; `tree` is its parse.
pub fn file_futures(info: &FileInfo, tree: &ast::SourceFile) -> FileFutures {
    let mut out = FileFutures::default();
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

/// `#[tauri::command]` (or `#[command]` imported from tauri).
fn framework(f: &ast::Fn, scope: &Scope) -> Option<(Span, String)> {
    f.attrs().find_map(|attr| {
        let path = crate::attr::attr_path(&attr)?;
        let resolved = scope.resolve(&path).path;
        (resolved == "tauri::command").then(|| {
            (
                span(attr.syntax().text_range()),
                "`#[tauri::command]` requires the command's future to be `Send`".to_string(),
            )
        })
    })
}

/// Whether the parameter type is a future that must be `Send`: `impl Future + Send`, or a
/// generic parameter bounded so (inline or in the `where` clause).
fn is_send_future_param(f: &ast::Fn, ty: &ast::Type) -> bool {
    let bounded = |text: &str| text.contains("Future") && text.contains("Send");
    match ty {
        ast::Type::ImplTraitType(t) => t
            .type_bound_list()
            .is_some_and(|b| bounded(&compact_text(b.syntax()))),
        ast::Type::PathType(p) => {
            let Some(name) = p.path().and_then(|p| p.as_single_name_ref()) else {
                return false;
            };
            let name = name.text().to_string();
            let inline = f
                .generic_param_list()
                .into_iter()
                .flat_map(|l| l.type_or_const_params())
                .any(|param| {
                    matches!(&param, ast::TypeOrConstParam::Type(t)
                    if t.name().is_some_and(|n| n.text() == name.as_str())
                        && t.type_bound_list().is_some_and(|b| bounded(&compact_text(b.syntax()))))
                });
            let in_where = f
                .where_clause()
                .into_iter()
                .flat_map(|w| w.predicates())
                .any(|pred| {
                    pred.ty().is_some_and(|t| compact_text(t.syntax()) == name)
                        && pred
                            .type_bound_list()
                            .is_some_and(|b| bounded(&compact_text(b.syntax())))
                });
            inline || in_where
        }
        _ => false,
    }
}

fn function(f: &ast::Fn, scope: &Scope, owner: String, out: &mut FileFutures) {
    let (Some(name), Some(body)) = (f.name(), f.body()) else {
        return;
    };
    let path = format!("{owner}::{}", name.text());
    let all_index = out.all_fns.len();
    out.all_fns.push(path.clone());
    let params: Vec<String> = f
        .param_list()
        .into_iter()
        .flat_map(|l| l.params())
        .map(|p| match p.pat() {
            Some(ast::Pat::IdentPat(i)) => i.name().map(|n| n.text().to_string()),
            _ => None,
        })
        .map(Option::unwrap_or_default)
        .collect();
    for (index, param) in f
        .param_list()
        .into_iter()
        .flat_map(|l| l.params())
        .enumerate()
    {
        if param.ty().is_some_and(|t| is_send_future_param(f, &t)) {
            out.send_params.push(SendParam {
                fn_path: path.clone(),
                index,
            });
        }
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
            let spawner = SPAWNERS
                .contains(&resolved.path.as_str())
                .then(|| segments.join("::"));
            let callee = Callee {
                candidates: candidates(scope, &segments, &path),
                shown: segments.join("::"),
                chain: None,
            };
            call_fact(
                callee,
                spawner,
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
            let callee = method_callee(&call, scope);
            if !is_spawn && callee.is_none() {
                continue;
            }
            let callee = callee.unwrap_or(Callee {
                candidates: Vec::new(),
                shown: ".spawn".into(),
                chain: None,
            });
            // `self.run(x)`: the arguments are the method's parameters after `self`.
            let spawner = is_spawn.then(|| ".spawn".to_string());
            call_fact(
                callee,
                spawner,
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
    spawner: Option<String>,
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
        if let Some((future, awaited)) = future_arg(&arg, scope) {
            if awaited.is_some() {
                block_await = awaited;
            }
            args.push((i, Arg::Future(future)));
        } else if let Some(name) = single_name(&arg) {
            // The parameter itself, not a `let` that shadows it.
            let is_param = crate::types::binding_pat(&name, arg.syntax()).is_some_and(|pat| {
                pat.syntax()
                    .parent()
                    .is_some_and(|p| ast::Param::can_cast(p.kind()))
            });
            if let Some(at) = params.iter().position(|p| *p == name).filter(|_| is_param) {
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
    /// The required functions and the first site (in path, line order) that requires each.
    pub required: HashMap<FnId, SendSite>,
    /// Awaits of spawned `async move { f(x).await }` blocks: `f` is required instead.
    pub forwarded_awaits: HashSet<(PathBuf, Span)>,
    /// Workspace functions that require `Send` of an argument (by path and position):
    /// wrappers of spawners and `Future + Send` bounds, with why.
    send_args: BTreeMap<(String, usize), String>,
}

impl FutureCalls {
    /// Joins the files' facts: resolves callees and follows wrappers to a fixpoint.
    pub fn assemble<'a>(
        crate_names: &[String],
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
        // Functions that require `Send` of a parameter: Send-bounded ones, then those that
        // hand a parameter to a spawner or to another such function, to a fixpoint (each
        // round adds at least one, so at most as many rounds as there are wrappers).
        let mut requiring: BTreeMap<(String, usize), String> = BTreeMap::new();
        for path in &paths {
            for p in &out.files[*path].send_params {
                requiring
                    .entry((p.fn_path.clone(), p.index))
                    .or_insert_with(|| format!("`{}` requires a `Send` future", short(&p.fn_path)));
            }
        }
        loop {
            let mut added = Vec::new();
            for path in &paths {
                let facts = &out.files[*path];
                for call in &facts.calls {
                    let Some(in_fn) = call.in_fn else { continue };
                    let wrapper = &facts.all_fns[in_fn];
                    let why = call_requires(call, &requiring, |c| out.any_path(c, crate_names));
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
            let facts = &out.files[*path];
            for call in &facts.calls {
                let why = call_requires(call, &requiring, |c| out.any_path(c, crate_names));
                for (index, arg) in &call.args {
                    let (Arg::Future(future), Some(why)) = (arg, why(*index)) else {
                        continue;
                    };
                    let Some(id) = out.resolve(future, crate_names) else {
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
                if let Some((at, message)) = &f.framework {
                    required.entry(((*path).clone(), i)).or_insert(SendSite {
                        file: (*path).clone(),
                        at: *at,
                        message: message.clone(),
                    });
                }
            }
        }
        out.required = required;
        out.send_args = requiring;
        out.forwarded_awaits = forwarded;
        out
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

    /// Whether a call of the function at `path` (as resolved in the caller's scope)
    /// requires `Send` of its first argument: a wrapper that hands it to a spawner.
    pub fn requires_send_of_first_arg(&self, path: &crate::types::PathTy) -> bool {
        [Some(&path.path), path.relative.as_ref()]
            .into_iter()
            .flatten()
            .any(|p| self.send_args.contains_key(&(p.clone(), 0)))
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
    if !crate_names.iter().any(|c| c == krate) {
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
    requiring: &'c BTreeMap<(String, usize), String>,
    lookup: impl Fn(&Callee) -> Option<String>,
) -> impl Fn(usize) -> Option<String> + 'c {
    let resolved = if call.spawner.is_some() {
        None
    } else {
        lookup(&call.callee)
    };
    move |index| {
        if let Some(spawner) = &call.spawner {
            return (index == 0).then(|| format!("`{spawner}`"));
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
