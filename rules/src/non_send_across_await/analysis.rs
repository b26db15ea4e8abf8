//! Where a future must be `Send`, and what a future holds across its `.await`s.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use prodlint_core::Span;
use prodlint_rust::auto_traits::{AutoTrait, GuardKind, Reasoner, Why};
use prodlint_rust::crate_index::{CrateIndex, Edition};
use prodlint_rust::future_calls::{dep_send_params, SendSites, SPAWNERS};
use prodlint_rust::ra_ap_syntax::ast::{
    self, BinaryOp, HasArgList, HasGenericParams, HasModuleItem, HasName, LogicOp,
};
use prodlint_rust::ra_ap_syntax::{
    AstNode, SyntaxKind, SyntaxNode, TextRange, TextSize, WalkEvent,
};
use prodlint_rust::types::{async_trait_attr, generic_params, path_segments, Scope, Ty};
use prodlint_rust::{is_in_test_code, span};

use super::infer::{Binding, Env};
use super::required::Culprit;

/// The place that makes a future need `Send`.
#[derive(Debug, Clone)]
pub struct Requirement {
    /// `None`: the file being checked.
    pub file: Option<PathBuf>,
    pub span: Span,
    pub message: String,
}

#[derive(Debug, Clone)]
pub enum Finding {
    /// An `#[async_trait]` method whose future captures `self` (by reference: needs `Self:
    /// Sync`; by value: `Self: Send`), or a parameter whose type is not `Send`.
    Capture {
        at: Span,
        method: String,
        what: String,
        what_span: Span,
        ty: Ty,
        lacking: AutoTrait,
        why: Why,
        requirement: Requirement,
    },
    /// A value that is not `Send`, or a lock guard or `RefCell` borrow, alive across an
    /// `.await`.
    Held {
        await_span: Span,
        /// The binding or the temporary.
        held_span: Span,
        name: Option<String>,
        ty: Ty,
        guard: Option<GuardKind>,
        /// Why it is not `Send`, where `Send` is required.
        why: Option<Why>,
        requirement: Option<Requirement>,
        /// A `drop(x)` before the await that does not end the scope for the compiler.
        dropped_at: Option<Span>,
    },
    /// `impl Trait for T` where `Trait: Send + Sync` and `T` is not.
    Impl {
        at: Span,
        self_ty: Ty,
        trait_name: String,
        lacking: AutoTrait,
        why: Why,
        requirement: Requirement,
    },
    /// An `.await` of a workspace future that is not `Send`, inside a future that must be.
    AwaitsNotSend {
        await_span: Span,
        /// The callee as written.
        callee: String,
        culprit: Culprit,
        requirement: Requirement,
    },
    /// An `.await` of a future whose type is known and not `Send` (`Op::make(..)?.await`
    /// where `Op` holds an `Rc`), inside a future that must be: the awaited future is part
    /// of the awaiting one's state while it is suspended.
    AwaitedNotSend {
        await_span: Span,
        operand: Span,
        ty: Ty,
        why: Why,
        requirement: Requirement,
    },
    /// `spawn(move || ..)` or `spawn(async move { .. })` capturing a value that is not
    /// `Send`.
    SpawnCapture {
        at: Span,
        spawner: String,
        name: String,
        binding: Span,
        use_span: Span,
        ty: Ty,
        why: Why,
    },
}

pub struct Analysis<'a> {
    pub index: &'a CrateIndex,
    pub reasoner: Reasoner<'a>,
    pub findings: Vec<Finding>,
    /// Free functions whose future must be `Send`: axum handlers, `spawn(f(..))`.
    required_fns: HashMap<String, Requirement>,
    reported_awaits: HashSet<(u32, u32)>,
    /// Treat every async fn as required to be `Send` (clippy's `future_not_send`).
    pub every_async_fn: bool,
    /// The edition of the file's crate: it decides how long temporaries live.
    pub edition: Edition,
    /// Functions of this file whose future the workspace requires to be `Send` (a spawn
    /// in another file), by the start of their name.
    pub required_elsewhere: HashMap<u32, Requirement>,
    /// Whether an `.await` (by its span) awaits a workspace future that is not `Send`:
    /// the callee as written and why.
    #[allow(clippy::type_complexity)]
    pub awaited: Option<&'a dyn Fn(Span) -> Option<(String, Culprit)>>,
    /// Whether the async fn being checked was reported for what its future captures.
    captured_reported: bool,
    /// Check only the functions whose name starts at these offsets.
    pub only_fns: Option<HashSet<u32>>,
    /// Where the workspace requires `Send` of arguments: its wrappers of spawners.
    pub sites: Option<&'a SendSites>,
    /// The `type Future = ..` of the impl being checked (`tower::Service`).
    impl_future: Option<ast::Type>,
}

/// The position of `arg` in an argument list.
fn arg_index(list: &ast::ArgList, arg: &SyntaxNode) -> usize {
    list.args()
        .position(|a| a.syntax() == arg)
        .unwrap_or(usize::MAX)
}

fn range_span(range: TextRange) -> Span {
    span(range)
}

/// Visits `node`'s descendants without entering closures, nested async blocks and items.
fn walk_body(node: &SyntaxNode, mut visit: impl FnMut(&SyntaxNode)) {
    let mut preorder = node.preorder();
    while let Some(event) = preorder.next() {
        let WalkEvent::Enter(current) = event else {
            continue;
        };
        if &current != node {
            let boundary = ast::ClosureExpr::can_cast(current.kind())
                || ast::Item::can_cast(current.kind())
                || ast::BlockExpr::cast(current.clone()).is_some_and(|b| b.async_token().is_some());
            if boundary {
                preorder.skip_subtree();
                continue;
            }
        }
        visit(&current);
    }
}

fn is_send_future_type(ty: &ast::Type) -> bool {
    let text = prodlint_rust::compact_text(ty.syntax());
    (text.contains("BoxFuture") && !text.contains("LocalBoxFuture"))
        || (text.contains("Future") && (text.contains("+Send") || text.contains("Send+")))
}

/// What a function body holds that may have to be `Send`, in the order of the tree.
enum Inner {
    AsyncBlock(ast::BlockExpr),
    /// A `move` closure passed to a call, with the call's argument list.
    MoveClosureArg(ast::ClosureExpr, ast::ArgList),
}

impl<'a> Analysis<'a> {
    pub fn new(index: &'a CrateIndex, reasoner: Reasoner<'a>) -> Analysis<'a> {
        Analysis {
            index,
            reasoner,
            findings: Vec::new(),
            required_fns: HashMap::new(),
            reported_awaits: HashSet::new(),
            every_async_fn: false,
            edition: Edition::default(),
            required_elsewhere: HashMap::new(),
            awaited: None,
            captured_reported: false,
            only_fns: None,
            sites: None,
            impl_future: None,
        }
    }

    pub fn run(&mut self, tree: &ast::SourceFile, scope: &Scope) {
        self.collect_required_fns(tree.syntax(), scope);
        self.items(tree.items(), scope);
    }

    /// Whether a call of `callee` requires its argument at `index` to be `Send`: a
    /// spawner, a workspace function that hands it to one, or a `Send`-bounded function of a
    /// locked dependency (`smol::spawn`, `minipool::run_detached`). The name to show.
    fn spawner(&self, scope: &Scope, callee: &ast::Expr, index: usize) -> Option<String> {
        let ast::Expr::PathExpr(p) = callee else {
            return None;
        };
        let path = p.path()?;
        let segments = path_segments(&path);
        let resolved = scope.resolve(&segments);
        let required = (index == 0 && SPAWNERS.contains(&resolved.path.as_str()))
            || self
                .sites
                .is_some_and(|sites| sites.requires_send_of_arg(&resolved, index))
            || self.dep_requires(&resolved.path, index);
        required.then(|| segments.join("::"))
    }

    /// Whether the locked dependency's function at `path` bounds its parameter at `index`
    /// `Send` (a future or closure).
    fn dep_requires(&self, path: &str, index: usize) -> bool {
        self.reasoner.deps().is_some_and(|deps| {
            dep_send_params(deps, &self.index.crate_names, path)
                .is_some_and(|(_, params)| params.contains(&index))
        })
    }

    fn collect_required_fns(&mut self, root: &SyntaxNode, scope: &Scope) {
        for call in root.descendants().filter_map(ast::CallExpr::cast) {
            let Some(callee) = call.expr() else { continue };
            // `tokio::spawn(run(conn))`: `run`'s future must be Send. The callee is asked
            // about only for such an argument (a dependency's is read from its sources).
            let Some(ast::Expr::CallExpr(inner)) = call.arg_list().and_then(|a| a.args().next())
            else {
                continue;
            };
            let Some(ast::Expr::PathExpr(f)) = inner.expr() else {
                continue;
            };
            let Some(fname) = f.path().and_then(|p| p.as_single_name_ref()) else {
                continue;
            };
            if let Some(name) = self.spawner(scope, &callee, 0) {
                self.required_fns
                    .entry(fname.text().to_string())
                    .or_insert(Requirement {
                        file: None,
                        span: range_span(callee.syntax().text_range()),
                        message: format!("`{name}` requires a `Send` future"),
                    });
            }
        }
    }

    fn items(&mut self, items: impl Iterator<Item = ast::Item>, scope: &Scope) {
        for item in items {
            if is_in_test_code(item.syntax()) {
                continue;
            }
            match item {
                ast::Item::Fn(f) => self.function(&f, scope, None),
                ast::Item::Impl(i) => self.impl_(&i, scope),
                ast::Item::Module(m) => {
                    let (Some(name), Some(list)) = (m.name(), m.item_list()) else {
                        continue;
                    };
                    let module = format!("{}::{}", scope.module, name.text());
                    let mut inner = Scope::new(&scope.crate_name, &module);
                    for item in list.items() {
                        if let ast::Item::Use(u) = item {
                            inner.add_use(&u);
                        }
                    }
                    self.items(list.items(), &inner);
                }
                _ => {}
            }
        }
    }

    fn impl_(&mut self, imp: &ast::Impl, scope: &Scope) {
        let mut iscope = scope.clone();
        iscope.generics = generic_params(imp.generic_param_list());
        if self.every_async_fn {
            iscope.bind_param_bounds(imp.generic_param_list(), imp.where_clause());
        }
        let Some(self_node) = imp.self_ty() else {
            return;
        };
        let self_ty = iscope.ty(&self_node);
        iscope.self_ty = Some(self_ty.clone());
        let mut method_requirement = None;
        if let Some(ast::Type::PathType(trait_node)) = imp.trait_() {
            if let Some(Ty::Path(trait_path)) = trait_node.path().map(|p| iscope.path_ty(&p)) {
                let trait_name = trait_path
                    .path
                    .rsplit("::")
                    .next()
                    .unwrap_or("")
                    .to_string();
                if let Some(info) = self.index.trait_info(&trait_path) {
                    let (send, sync) = self.index.trait_requires(&trait_path);
                    let info_file = info.file.clone();
                    let info_span = info.name_span;
                    for (needed, t) in [(send, AutoTrait::Send), (sync, AutoTrait::Sync)] {
                        if !needed {
                            continue;
                        }
                        if let Some(why) = self.reasoner.lacks(&self_ty, t) {
                            self.findings.push(Finding::Impl {
                                at: range_span(self_node.syntax().text_range()),
                                self_ty: self_ty.clone(),
                                trait_name: trait_name.clone(),
                                lacking: t,
                                why,
                                requirement: Requirement {
                                    file: Some(info_file.clone()),
                                    span: info_span,
                                    message: format!(
                                        "`{trait_name}` requires `{t}` of every implementor"
                                    ),
                                },
                            });
                            break;
                        }
                    }
                }
                if let Some(attr) = async_trait_attr(imp, scope).filter(|a| a.send) {
                    method_requirement = Some(Requirement {
                        file: None,
                        span: attr.attr,
                        message: format!(
                            "`#[async_trait]` makes `{trait_name}`'s methods return `Pin<Box<dyn Future + Send>>`"
                        ),
                    });
                }
            }
        }
        let Some(list) = imp.assoc_item_list() else {
            return;
        };
        self.impl_future = list.assoc_items().find_map(|item| match item {
            ast::AssocItem::TypeAlias(t) if t.name().is_some_and(|n| n.text() == "Future") => {
                t.ty()
            }
            _ => None,
        });
        for item in list.assoc_items() {
            if let ast::AssocItem::Fn(f) = item {
                if is_in_test_code(f.syntax()) {
                    continue;
                }
                self.function(&f, &iscope, method_requirement.clone());
            }
        }
        self.impl_future = None;
    }

    fn env_for(&self, f: &ast::Fn, scope: &Scope) -> Env<'a> {
        let mut fscope = scope.clone();
        fscope
            .generics
            .extend(generic_params(f.generic_param_list()));
        if self.every_async_fn {
            // Every caller counts: a parameter is any type its bounds allow.
            fscope.bind_param_bounds(f.generic_param_list(), f.where_clause());
        }
        let mut env = Env {
            scope: fscope,
            index: self.index,
            known: self.reasoner.known,
            deps: self.reasoner.deps().cloned(),
            bindings: Vec::new(),
            inferred: Default::default(),
        };
        if let Some(params) = f.param_list() {
            if let Some(self_param) = params.self_param() {
                let self_ty = env.scope.self_ty.clone().unwrap_or(Ty::Opaque);
                let ty = if let Some(explicit) = self_param.ty() {
                    env.scope.ty(&explicit)
                } else if self_param.amp_token().is_some() {
                    Ty::Ref {
                        mutable: self_param.mut_token().is_some(),
                        inner: Box::new(self_ty),
                    }
                } else {
                    self_ty
                };
                env.bindings.push(Binding {
                    name: "self".into(),
                    range: self_param.syntax().text_range(),
                    visible_from: TextSize::from(0),
                    ty,
                });
            }
            for param in params.params() {
                let (Some(ast::Pat::IdentPat(pat)), Some(ty)) = (param.pat(), param.ty()) else {
                    continue;
                };
                let Some(name) = pat.name() else { continue };
                let ty = env.scope.ty(&ty);
                env.bindings.push(Binding {
                    name: name.text().to_string(),
                    range: param.syntax().text_range(),
                    visible_from: TextSize::from(0),
                    ty,
                });
            }
        }
        if let Some(body) = f.body() {
            for stmt in body.syntax().descendants().filter_map(ast::LetStmt::cast) {
                let Some(ast::Pat::IdentPat(pat)) = stmt.pat() else {
                    continue;
                };
                if pat.pat().is_some() {
                    continue;
                }
                let Some(name) = pat.name() else { continue };
                let ty = match stmt.ty() {
                    Some(ty) => Some(env.scope.ty(&ty)),
                    None => stmt.initializer().and_then(|e| env.infer(&e)),
                };
                let Some(ty) = ty else { continue };
                env.bindings.push(Binding {
                    name: name.text().to_string(),
                    range: pat.syntax().text_range(),
                    visible_from: stmt.syntax().text_range().end(),
                    ty,
                });
            }
        }
        env
    }

    fn function(&mut self, f: &ast::Fn, scope: &Scope, method_requirement: Option<Requirement>) {
        let Some(body) = f.body() else { return };
        if let (Some(only), Some(name)) = (&self.only_fns, f.name()) {
            if !only.contains(&u32::from(name.syntax().text_range().start())) {
                return;
            }
        }
        // What the body holds that may have to be `Send`: its async blocks and the `move`
        // closures it hands to calls, in the order of the tree. A function that is not
        // async and has neither needs no bindings' types.
        let inner: Vec<Inner> = body
            .syntax()
            .descendants()
            .filter_map(|node| match node.kind() {
                SyntaxKind::BLOCK_EXPR => ast::BlockExpr::cast(node)
                    .filter(|b| b.async_token().is_some())
                    .map(Inner::AsyncBlock),
                SyntaxKind::CLOSURE_EXPR => {
                    let closure = ast::ClosureExpr::cast(node)?;
                    closure.move_token()?;
                    let list = closure.syntax().parent().and_then(ast::ArgList::cast)?;
                    Some(Inner::MoveClosureArg(closure, list))
                }
                _ => None,
            })
            .collect();
        if f.async_token().is_none() && inner.is_empty() {
            return;
        }
        let env = self.env_for(f, scope);
        let name = f.name().map(|n| n.text().to_string()).unwrap_or_default();
        let name_span = f
            .name()
            .map_or(f.syntax().text_range(), |n| n.syntax().text_range());
        if f.async_token().is_some() {
            let requirement = if f
                .syntax()
                .parent()
                .and_then(ast::AssocItemList::cast)
                .is_some()
            {
                method_requirement
            } else {
                self.required_fns.get(&name).cloned()
            };
            let requirement = requirement.or_else(|| {
                self.required_elsewhere
                    .get(&u32::from(name_span.start()))
                    .cloned()
            });
            let requirement = requirement.or_else(|| {
                self.every_async_fn.then(|| Requirement {
                    file: None,
                    span: range_span(name_span),
                    message: "checked as if its future had to be `Send` (`every_async_fn`)"
                        .to_string(),
                })
            });
            let before = self.findings.len();
            if let Some(requirement) = &requirement {
                self.captures_of_fn(f, &env, &name, range_span(name_span), requirement);
            }
            self.captured_reported = self.findings.len() > before;
            self.body(body.syntax(), &env, requirement.as_ref());
            self.captured_reported = false;
        }
        // Async blocks and spawned closures inside.
        // `-> Self::Future` of a `tower::Service` impl: the impl's `type Future = ..`.
        let ret_send = f
            .ret_type()
            .and_then(|r| r.ty())
            .and_then(
                |ty| match prodlint_rust::compact_text(ty.syntax()).as_str() {
                    "Self::Future" => self.impl_future.clone(),
                    _ => Some(ty),
                },
            )
            .filter(is_send_future_type);
        for node in inner {
            match node {
                Inner::AsyncBlock(block) => {
                    let requirement =
                        self.block_requirement(&block, &body, ret_send.as_ref(), &env);
                    if let (Some(requirement), Some(_)) = (&requirement, block.move_token()) {
                        if let Some(spawner) = &requirement.1 {
                            self.spawn_captures(block.syntax(), &env, spawner, requirement.0.span);
                        }
                    }
                    self.body(block.syntax(), &env, requirement.as_ref().map(|r| &r.0));
                }
                Inner::MoveClosureArg(closure, list) => {
                    let Some(call) = list.syntax().parent().and_then(ast::CallExpr::cast) else {
                        continue;
                    };
                    let Some(callee) = call.expr() else { continue };
                    let index = arg_index(&list, closure.syntax());
                    if let Some(spawner) = self.spawner(&env.scope, &callee, index) {
                        let at = range_span(callee.syntax().text_range());
                        self.spawn_captures(closure.syntax(), &env, &spawner, at);
                    }
                }
            }
        }
    }

    /// Whether an async block must be `Send`, and the spawner's name when it is spawned.
    fn block_requirement(
        &self,
        block: &ast::BlockExpr,
        body: &ast::BlockExpr,
        ret_send: Option<&ast::Type>,
        env: &Env<'_>,
    ) -> Option<(Requirement, Option<String>)> {
        let mut node = block.syntax().clone();
        while let Some(parent) = node.parent().filter(|p| ast::ParenExpr::can_cast(p.kind())) {
            node = parent;
        }
        let parent = node.parent()?;
        let ret_requirement = |ty: &ast::Type| Requirement {
            file: None,
            span: range_span(ty.syntax().text_range()),
            message: format!(
                "the return type `{}` requires a `Send` future",
                ty.syntax().text()
            ),
        };
        if let Some(list) = ast::ArgList::cast(parent.clone()) {
            let grand = list.syntax().parent()?;
            let index = arg_index(&list, &node);
            if let Some(call) = ast::CallExpr::cast(grand.clone()) {
                let callee = call.expr()?;
                if let Some(spawner) = self.spawner(&env.scope, &callee, index) {
                    let requirement = Requirement {
                        file: None,
                        span: range_span(callee.syntax().text_range()),
                        message: format!("`{spawner}` requires a `Send` future"),
                    };
                    return Some((requirement, Some(spawner)));
                }
                let text = callee.syntax().text().to_string();
                if text.ends_with("Box::pin") {
                    if let Some(ty) = ret_send {
                        return Some((ret_requirement(ty), None));
                    }
                }
                return None;
            }
            if let Some(call) = ast::MethodCallExpr::cast(grand) {
                let name = call.name_ref()?;
                // `.spawn(..)` by its name, unless the workspace has a `spawn` method of its
                // own that does not require `Send` (a thread-per-core executor's).
                let spawn =
                    name.text() == "spawn" && !self.sites.is_some_and(|sites| sites.local_spawn);
                if spawn || self.method_requires(&call, index, env) {
                    let requirement = Requirement {
                        file: None,
                        span: range_span(name.syntax().text_range()),
                        message: format!("`.{}(..)` requires a `Send` future", name.text()),
                    };
                    return Some((requirement, Some(format!(".{}", name.text()))));
                }
            }
            return None;
        }
        if let Some(call) = ast::MethodCallExpr::cast(parent.clone()) {
            let name = call.name_ref()?;
            if name.text() == "boxed" && call.receiver().is_some_and(|r| r.syntax() == &node) {
                let requirement = Requirement {
                    file: None,
                    span: range_span(name.syntax().text_range()),
                    message: "`.boxed()` requires a `Send` future".to_string(),
                };
                return Some((requirement, None));
            }
            return None;
        }
        // The tail of a function returning `impl Future + Send`.
        let stmt_list = ast::StmtList::cast(parent)?;
        if stmt_list.syntax().parent().as_ref() == Some(body.syntax())
            && stmt_list.tail_expr().is_some_and(|t| t.syntax() == &node)
        {
            return ret_send.map(|ty| (ret_requirement(ty), None));
        }
        None
    }

    /// Whether a method call requires its argument at `index` to be `Send`, by the
    /// receiver's type: a `Send`-bounded method of a locked dependency's type
    /// (`pool.spawn_ok(..)` on a `futures::executor::ThreadPool`) or a workspace method
    /// that hands it to a spawner.
    fn method_requires(&self, call: &ast::MethodCallExpr, index: usize, env: &Env<'_>) -> bool {
        let (Some(receiver), Some(name)) = (call.receiver(), call.name_ref()) else {
            return false;
        };
        let owner = match env
            .infer(&receiver)
            .or_else(|| env.dep_constructed(&receiver))
        {
            Some(Ty::Ref { inner, .. }) => *inner,
            Some(ty) => ty,
            None => return false,
        };
        let Ty::Path(owner) = owner else {
            return false;
        };
        let method = format!("{}::{}", owner.path, name.text());
        self.dep_requires(&method, index)
            || self.sites.is_some_and(|sites| {
                let path = prodlint_rust::types::PathTy {
                    path: method.clone(),
                    relative: None,
                    local: false,
                    args: Vec::new(),
                };
                sites.requires_send_of_arg(&path, index)
            })
    }

    /// An async fn whose future must be Send captures its parameters, `self` included.
    fn captures_of_fn(
        &mut self,
        f: &ast::Fn,
        env: &Env<'_>,
        method: &str,
        at: Span,
        requirement: &Requirement,
    ) {
        let Some(params) = f.param_list() else { return };
        let mut captured: Vec<(String, TextRange, Ty)> = Vec::new();
        if let Some(self_param) = params.self_param() {
            if let Some(b) = env.bindings.iter().find(|b| b.name == "self") {
                captured.push((
                    self_param.syntax().text().to_string(),
                    b.range,
                    b.ty.clone(),
                ));
            }
        }
        for param in params.params() {
            if let Some(b) = env
                .bindings
                .iter()
                .find(|b| b.range == param.syntax().text_range())
            {
                captured.push((b.name.clone(), b.range, b.ty.clone()));
            }
        }
        for (what, range, ty) in captured {
            let Some(why) = self.reasoner.lacks(&ty, AutoTrait::Send) else {
                continue;
            };
            // `&T` is Send iff `T: Sync`: report it as the Sync it lacks.
            let (shown_ty, lacking) = match &ty {
                Ty::Ref {
                    mutable: false,
                    inner,
                } => ((**inner).clone(), AutoTrait::Sync),
                Ty::Ref {
                    mutable: true,
                    inner,
                } => ((**inner).clone(), AutoTrait::Send),
                other => (other.clone(), AutoTrait::Send),
            };
            self.findings.push(Finding::Capture {
                at,
                method: method.to_string(),
                what,
                what_span: range_span(range),
                ty: shown_ty,
                lacking,
                why,
                requirement: requirement.clone(),
            });
        }
    }

    /// A `move` closure or async block given to a spawner: the values it captures.
    fn spawn_captures(&mut self, node: &SyntaxNode, env: &Env<'_>, spawner: &str, at: Span) {
        let start = node.text_range().start();
        let inner_lets: HashSet<String> = node
            .descendants()
            .filter_map(ast::IdentPat::cast)
            .filter_map(|p| p.name().map(|n| n.text().to_string()))
            .collect();
        let mut seen = HashSet::new();
        for path in node.descendants().filter_map(ast::PathExpr::cast) {
            let Some(name) = path.path().and_then(|p| p.as_single_name_ref()) else {
                continue;
            };
            let name = name.text().to_string();
            if name == "self" || inner_lets.contains(&name) || !seen.insert(name.clone()) {
                continue;
            }
            let Some(binding) = env.lookup(&name, start) else {
                continue;
            };
            let Some(why) = self.reasoner.lacks(&binding.ty, AutoTrait::Send) else {
                continue;
            };
            self.findings.push(Finding::SpawnCapture {
                at,
                spawner: spawner.to_string(),
                name,
                binding: range_span(binding.range),
                use_span: range_span(path.syntax().text_range()),
                ty: binding.ty.clone(),
                why,
            });
        }
    }

    /// Bindings and temporaries alive across an `.await` of one async body.
    fn body(&mut self, body: &SyntaxNode, env: &Env<'_>, requirement: Option<&Requirement>) {
        let mut awaits = Vec::new();
        let mut lets = Vec::new();
        walk_body(body, |node| {
            if let Some(a) = ast::AwaitExpr::cast(node.clone()) {
                awaits.push(a);
            } else if let Some(l) = ast::LetStmt::cast(node.clone()) {
                lets.push(l);
            }
        });
        if awaits.is_empty() {
            return;
        }
        let findings_before = self.findings.len();
        for stmt in &lets {
            self.binding(stmt, &awaits, env, requirement);
        }
        self.temporaries(&awaits, env, requirement);
        // One finding for a future that is not `Send` only through what it awaits: at its
        // first such await, and none when its own culprit is already reported.
        let own_reported = self.captured_reported
            || self.findings[findings_before..].iter().any(|f| {
                matches!(
                    f,
                    Finding::Held { why: Some(_), .. } | Finding::AwaitedNotSend { .. }
                )
            });
        if let (Some(requirement), Some(awaited), false) = (requirement, self.awaited, own_reported)
        {
            for a in &awaits {
                let await_span = Self::await_span(a);
                if let Some((callee, culprit)) = awaited(await_span) {
                    self.findings.push(Finding::AwaitsNotSend {
                        await_span,
                        callee,
                        culprit,
                        requirement: requirement.clone(),
                    });
                    break;
                }
            }
        }
    }

    fn await_span(a: &ast::AwaitExpr) -> Span {
        prodlint_rust::future_calls::await_span(a)
    }

    fn binding(
        &mut self,
        stmt: &ast::LetStmt,
        awaits: &[ast::AwaitExpr],
        env: &Env<'_>,
        requirement: Option<&Requirement>,
    ) {
        let Some(ast::Pat::IdentPat(pat)) = stmt.pat() else {
            return;
        };
        let Some(binding) = env
            .bindings
            .iter()
            .find(|b| b.range == pat.syntax().text_range())
        else {
            return;
        };
        let ty = &binding.ty;
        let guard = self.reasoner.guard(ty);
        let why = requirement.and_then(|_| self.reasoner.lacks(ty, AutoTrait::Send));
        if guard.is_none() && why.is_none() {
            return;
        }
        let Some(list) = stmt.syntax().parent().and_then(ast::StmtList::cast) else {
            return;
        };
        let decl_end = stmt.syntax().text_range().end();
        let scope_end = list.syntax().text_range().end();
        let name = binding.name.as_str();
        // The first later statement that drops or moves the binding at this level.
        let mut dropped_at: Option<TextRange> = None;
        let mut last_use = decl_end;
        let mut shadowed_at = scope_end;
        for later in list
            .statements()
            .filter(|s| s.syntax().text_range().start() >= decl_end)
        {
            if let ast::Stmt::LetStmt(l) = &later {
                let rebinds = matches!(l.pat(), Some(ast::Pat::IdentPat(p)) if p.name().is_some_and(|n| n.text() == name));
                let moves = l.initializer().is_some_and(|e| is_name(&e, name));
                if moves && dropped_at.is_none() {
                    dropped_at = Some(later.syntax().text_range());
                }
                if rebinds {
                    shadowed_at = later.syntax().text_range().end();
                    break;
                }
            }
            if let ast::Stmt::ExprStmt(e) = &later {
                if e.expr().is_some_and(|e| is_drop_of(&e, name)) && dropped_at.is_none() {
                    dropped_at = Some(later.syntax().text_range());
                }
            }
        }
        for path in list.syntax().descendants().filter_map(ast::PathExpr::cast) {
            let at = path.syntax().text_range();
            if at.start() >= decl_end
                && at.end() <= shadowed_at
                && is_name(&ast::Expr::PathExpr(path.clone()), name)
            {
                last_use = last_use.max(at.end());
            }
        }
        let needs_drop = guard.is_some() || self.reasoner.needs_drop(ty);
        let scope_live_end = if needs_drop { scope_end } else { last_use };
        let moved_live_end = match dropped_at {
            Some(d) => scope_live_end.min(d.start()),
            None => scope_live_end,
        };
        let in_scope = |a: &&ast::AwaitExpr, end: TextSize| {
            let r = a.syntax().text_range();
            r.start() >= decl_end && r.end() <= end && list.syntax().text_range().contains_range(r)
        };
        let held_span = range_span(pat.syntax().text_range());
        if let (Some(why), Some(requirement)) = (&why, requirement) {
            // Where Send is required the compiler goes by scope: drop() does not help.
            if let Some(a) = awaits.iter().find(|a| in_scope(a, scope_live_end)) {
                let dropped = dropped_at
                    .filter(|d| d.end() <= a.syntax().text_range().start())
                    .map(range_span);
                self.push_held(
                    a,
                    held_span,
                    Some(name.to_string()),
                    ty,
                    guard,
                    Some(why.clone()),
                    Some(requirement.clone()),
                    dropped,
                );
            }
            return;
        }
        if guard.is_some() {
            if let Some(a) = awaits.iter().find(|a| in_scope(a, moved_live_end)) {
                self.push_held(
                    a,
                    held_span,
                    Some(name.to_string()),
                    ty,
                    guard,
                    None,
                    None,
                    None,
                );
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn push_held(
        &mut self,
        a: &ast::AwaitExpr,
        held_span: Span,
        name: Option<String>,
        ty: &Ty,
        guard: Option<GuardKind>,
        why: Option<Why>,
        requirement: Option<Requirement>,
        dropped_at: Option<Span>,
    ) {
        let await_span = Self::await_span(a);
        if !self
            .reported_awaits
            .insert((held_span.start, held_span.end))
        {
            return;
        }
        self.findings.push(Finding::Held {
            await_span,
            held_span,
            name,
            ty: ty.clone(),
            guard,
            why,
            requirement,
            dropped_at,
        });
    }

    /// Guards (and non-Send values) that are temporaries of the statement an `.await` is
    /// in: they live to the end of that statement (or of the `if let`, `match`, `for`).
    fn temporaries(
        &mut self,
        awaits: &[ast::AwaitExpr],
        env: &Env<'_>,
        requirement: Option<&Requirement>,
    ) {
        for a in awaits {
            // First, so that the future awaited is reported as such, not as a temporary.
            if let Some(requirement) = requirement {
                self.awaited_operand(a, env, requirement);
            }
            for stmt in enclosing_statements(a.syntax()) {
                self.temporaries_in(a, &stmt, env, requirement);
            }
        }
    }

    /// The future an `.await` polls is held by the awaiting future until it completes. Its
    /// type is known when it is a call of a function that is not `async` (whose declared
    /// return type is the future itself) or a binding of a known type; an `async fn`'s
    /// future is summarised elsewhere, and an unknown type says nothing.
    fn awaited_operand(&mut self, a: &ast::AwaitExpr, env: &Env<'_>, requirement: &Requirement) {
        let Some(mut operand) = a.expr() else { return };
        while let ast::Expr::ParenExpr(p) = &operand {
            let Some(inner) = p.expr() else { return };
            operand = inner;
        }
        // A binding awaited is checked as a binding (alive to the end of its scope).
        if matches!(operand, ast::Expr::PathExpr(_)) {
            return;
        }
        let Some(ty) = env.infer(&operand) else {
            return;
        };
        let Some(why) = self.reasoner.lacks(&ty, AutoTrait::Send) else {
            return;
        };
        let span = range_span(operand.syntax().text_range());
        if !self.reported_awaits.insert((span.start, span.end)) {
            return;
        }
        self.findings.push(Finding::AwaitedNotSend {
            await_span: Self::await_span(a),
            operand: span,
            ty,
            why,
            requirement: requirement.clone(),
        });
    }

    fn temporaries_in(
        &mut self,
        a: &ast::AwaitExpr,
        stmt: &SyntaxNode,
        env: &Env<'_>,
        requirement: Option<&Requirement>,
    ) {
        // What is evaluated before the task suspends: up to the `.await` itself, so that
        // `m.lock().unwrap().fetch(k).await` holds the guard while `fetch` runs.
        let suspends_at = a
            .dot_token()
            .map_or(a.syntax().text_range().end(), |t| t.text_range().start());
        let mut candidates = Vec::new();
        walk_body(stmt, |node| {
            if node.text_range().end() > suspends_at {
                return;
            }
            if ast::MethodCallExpr::can_cast(node.kind())
                || (ast::CallExpr::can_cast(node.kind()) && is_place_operand(node))
            {
                if let Some(expr) = ast::Expr::cast(node.clone()) {
                    candidates.push(expr);
                }
            }
        });
        for expr in candidates {
            // A guard bound by `let` is a binding, not a temporary.
            if let Some(l) = ast::LetStmt::cast(stmt.clone()) {
                if l.initializer()
                    .is_some_and(|i| strip_try(&i).syntax() == expr.syntax())
                {
                    continue;
                }
            }
            let Some(ty) = env.infer(&expr) else { continue };
            let guard = self.reasoner.guard(&ty);
            let why = requirement.and_then(|_| {
                // Only values that drop are held as temporaries.
                self.reasoner
                    .needs_drop(&ty)
                    .then(|| self.reasoner.lacks(&ty, AutoTrait::Send))
                    .flatten()
            });
            if guard.is_none() && why.is_none() {
                continue;
            }
            let Some(scope) = temporary_scope(expr.syntax(), stmt, self.edition) else {
                continue;
            };
            if !scope.contains_range(a.syntax().text_range()) {
                continue;
            }
            let held = range_span(expr.syntax().text_range());
            self.push_held(a, held, None, &ty, guard, why, requirement.cloned(), None);
        }
    }
}

/// Methods of `Result` and `Option` that take `self` by value.
const CONSUMING_METHODS: &[&str] = &[
    "unwrap",
    "expect",
    "unwrap_or",
    "unwrap_or_else",
    "unwrap_or_default",
    "unwrap_unchecked",
    "ok",
    "err",
    "ok_or",
    "ok_or_else",
];

/// Whether a call's value is used in place (borrowed as a method's receiver, a field's
/// base, `&`, `*`, an index's base), which makes it a temporary that lives on to the end
/// of its scope, rather than moved into a call or a binding.
fn is_place_operand(node: &SyntaxNode) -> bool {
    let Some(parent) = node.parent() else {
        return false;
    };
    if let Some(call) = ast::MethodCallExpr::cast(parent.clone()) {
        // `Result`/`Option` methods that take `self` move the value: it is gone before
        // the chain goes on (`Op::try_new(..).unwrap().await` holds the `Op`, not the
        // `Option`).
        let consumes = call
            .name_ref()
            .is_some_and(|n| CONSUMING_METHODS.contains(&n.text()));
        return !consumes && call.receiver().is_some_and(|r| r.syntax() == node);
    }
    if let Some(index) = ast::IndexExpr::cast(parent.clone()) {
        return index.base().is_some_and(|b| b.syntax() == node);
    }
    ast::FieldExpr::can_cast(parent.kind())
        || ast::RefExpr::can_cast(parent.kind())
        || ast::PrefixExpr::can_cast(parent.kind())
}

/// A block that is not a temporary scope of its own before edition 2024: not the body of
/// an `if`, a loop, a match arm or a function, nor an async, const or gen block.
fn is_plain_block(block: &ast::BlockExpr) -> bool {
    if block.async_token().is_some() || block.const_token().is_some() || block.gen_token().is_some()
    {
        return false;
    }
    let Some(parent) = block.syntax().parent() else {
        return false;
    };
    !(ast::IfExpr::can_cast(parent.kind())
        || ast::WhileExpr::can_cast(parent.kind())
        || ast::LoopExpr::can_cast(parent.kind())
        || ast::ForExpr::can_cast(parent.kind())
        || ast::MatchArm::can_cast(parent.kind())
        || ast::Fn::can_cast(parent.kind())
        || ast::ClosureExpr::can_cast(parent.kind()))
}

fn strip_try(expr: &ast::Expr) -> ast::Expr {
    match expr {
        ast::Expr::TryExpr(t) => t.expr().map_or(expr.clone(), |e| strip_try(&e)),
        _ => expr.clone(),
    }
}

fn is_name(expr: &ast::Expr, name: &str) -> bool {
    match expr {
        ast::Expr::PathExpr(p) => p
            .path()
            .and_then(|p| p.as_single_name_ref())
            .is_some_and(|n| n.text() == name),
        _ => false,
    }
}

/// `drop(x)`, `std::mem::drop(x)`, `mem::drop(x)`.
fn is_drop_of(expr: &ast::Expr, name: &str) -> bool {
    let ast::Expr::CallExpr(call) = expr else {
        return false;
    };
    let callee_is_drop = call.expr().is_some_and(|c| {
        let text = c.syntax().text().to_string();
        text == "drop" || text.ends_with("::drop")
    });
    let mut args = call.arg_list().into_iter().flat_map(|a| a.args());
    callee_is_drop && args.next().is_some_and(|a| is_name(&a, name)) && args.next().is_none()
}

/// The statements (or block tail expressions) that `node` is part of, innermost first,
/// up to the async body (closures and async blocks end the search).
fn enclosing_statements(node: &SyntaxNode) -> Vec<SyntaxNode> {
    let mut out = Vec::new();
    let mut current = node.clone();
    while let Some(parent) = current.parent() {
        if ast::ClosureExpr::can_cast(parent.kind())
            || ast::Item::can_cast(parent.kind())
            || ast::BlockExpr::cast(parent.clone()).is_some_and(|b| b.async_token().is_some())
        {
            break;
        }
        if ast::StmtList::can_cast(parent.kind()) {
            out.push(current.clone());
        }
        current = parent;
    }
    out
}

/// Where a temporary created at `node`, below `stmt`, is alive: the range of the scope
/// whose end drops it (by the temporary scopes of the crate's edition); `None` inside
/// closures, where the rules are subtle.
fn temporary_scope(node: &SyntaxNode, stmt: &SyntaxNode, edition: Edition) -> Option<TextRange> {
    let mut child = node.clone();
    while &child != stmt {
        let parent = child.parent()?;
        if ast::ClosureExpr::can_cast(parent.kind()) {
            return None;
        }
        if let Some(list) = ast::StmtList::cast(parent.clone()) {
            let is_tail = list.tail_expr().is_some_and(|t| t.syntax() == &child);
            if !is_tail {
                // A statement of a nested block: its temporaries end with it.
                return Some(child.text_range());
            }
            let block = ast::BlockExpr::cast(list.syntax().parent()?)?;
            if edition >= Edition::E2024 || !is_plain_block(&block) {
                // Edition 2024 drops a block's tail temporaries at the end of the block.
                return Some(block.syntax().text_range());
            }
            // Before 2024 they live on in the scope around the block.
            child = block.syntax().clone();
            continue;
        }
        if let Some(if_expr) = ast::IfExpr::cast(parent.clone()) {
            if if_expr.condition().is_some_and(|c| c.syntax() == &child) {
                let has_let = child
                    .descendants()
                    .any(|d| ast::LetExpr::can_cast(d.kind()));
                if !has_let {
                    return Some(child.text_range());
                }
                if edition >= Edition::E2024 {
                    // The scrutinee's temporaries are dropped before the `else`.
                    let end = if_expr
                        .then_branch()
                        .map_or(child.text_range().end(), |b| b.syntax().text_range().end());
                    return Some(TextRange::new(child.text_range().start(), end));
                }
            }
        }
        if let Some(while_expr) = ast::WhileExpr::cast(parent.clone()) {
            if while_expr.condition().is_some_and(|c| c.syntax() == &child) {
                let has_let = child
                    .descendants()
                    .any(|d| ast::LetExpr::can_cast(d.kind()));
                // `while let`: they live through each turn of the body.
                return Some(if has_let {
                    while_expr.syntax().text_range()
                } else {
                    child.text_range()
                });
            }
        }
        if ast::MatchArm::can_cast(parent.kind()) || ast::MatchGuard::can_cast(parent.kind()) {
            return Some(child.text_range());
        }
        if let Some(bin) = ast::BinExpr::cast(parent.clone()) {
            if matches!(
                bin.op_kind(),
                Some(BinaryOp::LogicOp(LogicOp::And | LogicOp::Or))
            ) && bin.rhs().is_some_and(|r| r.syntax() == &child)
            {
                return Some(child.text_range());
            }
        }
        if let Some(l) = ast::LetStmt::cast(parent.clone()) {
            // `let Some(x) = cell.borrow().get(k) else { .. }`: the initializer's
            // temporaries are dropped before the `else` block runs, in every edition.
            if l.let_else().is_some() && l.initializer().is_some_and(|i| i.syntax() == &child) {
                return Some(child.text_range());
            }
        }
        child = parent;
    }
    Some(stmt.text_range())
}
