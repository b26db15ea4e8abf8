use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use std::sync::Arc;

use prodlint_core::{Diagnostic, Span};
use prodlint_js::ast::*;
use prodlint_js::span;
use prodlint_js::visit::{Visit, VisitWith};

use prodlint_js::call_summary::{
    declares_function, is_call_of_local, is_hit_that_leaves, is_sync_lookup, lookup_test,
    member_prop, strip, unwrap_observable, CallChain, CallSummaries, LookupTest,
};
use swc_common::Spanned;

use super::catalogue::{Args, Seg};
use super::js_items::{self, ItemNames, Items};
use super::reach::{Reach, Resolution};
use super::{
    holds_groups, is_connection_name, is_drain_call, is_group_name, is_pacing_call,
    is_retry_or_paging_header, pages, render_chain, At, Chain, Finding, LoopSite, NPlusOne,
    ViaHelper, SMALL_BOUND,
};
use crate::JsContext;

/// Array methods whose async callback runs once per element.
const ARRAY_METHODS: &[&str] = &[
    "forEach",
    "map",
    "flatMap",
    "reduce",
    "reduceRight",
    "filter",
    "some",
    "every",
    "find",
    "findIndex",
];

/// Calls that run the promises of their argument together.
fn is_batch_callee(callee: &Callee) -> bool {
    let Callee::Expr(expr) = callee else {
        return false;
    };
    match &**expr {
        Expr::Member(member) => {
            let prop = member_prop(&member.prop);
            let object = match &*member.obj {
                Expr::Ident(ident) => ident.sym.to_string(),
                _ => String::new(),
            };
            matches!(prop.as_deref(), Some("$transaction"))
                || (matches!(object.as_str(), "Promise" | "Bluebird" | "P")
                    && matches!(
                        prop.as_deref(),
                        Some("all" | "allSettled" | "map" | "mapSeries")
                    ))
        }
        Expr::Ident(ident) => matches!(&*ident.sym, "pMap" | "pAll" | "mapLimit" | "all"),
        _ => false,
    }
}

/// A call chain of the front end, in the catalogue's terms.
pub(super) fn to_chain(chain: &CallChain) -> Chain {
    chain
        .iter()
        .map(|seg| Seg {
            name: seg.name.clone(),
            call: seg.call,
            args: Args {
                first_is_str: seg.args.first_is_str,
                first_is_sql: seg.args.first_is_sql,
                array_of_one: seg.args.array_of_one,
                ..Args::default()
            },
            at: At {
                expr: seg.expr,
                args: seg.args_span,
                name: seg.name_start,
            },
        })
        .collect()
}

/// Collects the names of arrays that are handed to `Promise.all`, and small constants.
#[derive(Default)]
struct Collector {
    batched_names: HashSet<String>,
    /// `const` names bound to a few items written in the code (`const KINDS = ["a",
    /// "b"]`, `const DEFAULTS = { .. }`) or to a small number (`const MAX_TRIES = 3`).
    small_consts: HashSet<String>,
    /// `const` names bound to the groups of a `groupBy` (`const byKind = groupBy(rows, ..)`).
    grouped: HashSet<String>,
}

impl Visit for Collector {
    fn visit_var_decl(&mut self, decl: &VarDecl) {
        if decl.kind == VarDeclKind::Const {
            for declarator in &decl.decls {
                if let (Pat::Ident(name), Some(init)) = (&declarator.name, &declarator.init) {
                    if is_small_literal(init) {
                        self.small_consts.insert(name.id.sym.to_string());
                    }
                    if is_group_by(init) {
                        self.grouped.insert(name.id.sym.to_string());
                    }
                }
            }
        }
        decl.visit_children_with(self);
    }

    fn visit_call_expr(&mut self, call: &CallExpr) {
        if is_batch_callee(&call.callee) {
            for arg in &call.args {
                if let Expr::Ident(ident) = strip(&arg.expr) {
                    self.batched_names.insert(ident.sym.to_string());
                }
            }
        }
        call.visit_children_with(self);
    }
}

/// A loop of the function being visited.
#[derive(Debug, Clone)]
struct Frame {
    site: LoopSite,
    /// Bounded by a small literal, a retry, polling or paging loop, or paced on purpose.
    silent: bool,
    /// The loop's variable when it is a connection or database (`for (const db of
    /// databases)`): calls on it go to a different server each time.
    per_connection: Option<String>,
    /// The loop's item and the values made from it.
    items: ItemNames,
    /// What the loop steps over, judged only when a call in it is reported.
    iterable: Option<Rc<Expr>>,
    /// Names the body tests in an `if` (`if (result.count === 0) continue;`).
    tested: HashSet<String>,
    /// Writes whose result is kept in a name, reported when the loop ends unless the
    /// body tests that name (see [`Visitor::in_loop`]).
    held: Vec<(HashSet<String>, Finding)>,
}

/// What a local name of the function being visited holds, as far as the loops over it
/// care: whether its items come from a round trip.
#[derive(Debug, Clone)]
enum Bound {
    /// Rows of a query, or an item of a loop over them.
    Rows,
    /// Not known to be rows: a parameter, a literal, a value computed in memory.
    Other,
    /// Made from another local (`rows.filter(..)`, `order.lines`).
    From(String),
    /// Initialized by an expression with an `await`, or the item of a loop over an
    /// expression: judged when a reported call's loop steps over it.
    Pending(Rc<Expr>),
}

struct Visitor<'a, 'c> {
    rule: &'a NPlusOne,
    ctx: &'a JsContext<'c>,
    out: &'a mut Vec<Diagnostic>,
    reach: &'a Reach<'a>,
    summaries: &'a Arc<CallSummaries>,
    /// Class names by where their body starts.
    class_names: &'a HashMap<u32, String>,
    batched_names: &'a HashSet<String>,
    small_consts: &'a HashSet<String>,
    grouped: &'a HashSet<String>,
    /// Writes and calls that build a tree a node at a time (see [`super::js_tree`]).
    tree_builds: &'a HashSet<Span>,
    /// The loops around the code being visited, in this function.
    frames: Vec<Frame>,
    /// Inside a callback whose calls are collected by `Promise.all` or `$transaction`.
    batched: Option<Span>,
    /// The returns of the function being visited are what a per-item callback yields.
    returns_count: bool,
    /// The classes around, by name (`None`: a class without one).
    classes: Vec<Option<String>>,
    /// Set just before visiting a `.map(..)` call that a batch collects.
    batch_call: Option<(Span, Span)>,
    reported: HashSet<Span>,
    /// Names bound to a synchronous lookup (`const cached = this.map.get(key)`).
    lookups: HashSet<String>,
    /// Inside the branch taken when such a lookup missed: the round trip there runs only
    /// on a miss, the loop is memoized.
    cache_misses: usize,
    /// The locals declared so far in the functions around, for where a loop's items
    /// come from.
    bound: HashMap<String, Bound>,
    /// What each [`Visitor::bind`] replaced, to restore when a scope ends.
    bound_log: Vec<(String, Option<Bound>)>,
    /// The names the declaration being visited binds to an awaited call's result.
    result_names: Option<HashSet<String>>,
    /// The file imports or syncs data (`import.service.ts`, `importer.ts`,
    /// `sync-index.ts`): its loops step over an imported list.
    imports: bool,
    /// How many functions (and callbacks) deep the code being visited is.
    fn_depth: usize,
    /// The names the functions around bind other than to a function literal (their
    /// parameters and variables): a plain call of one calls the value it holds, not the
    /// module's function or the import of that name.
    shadowing: HashSet<String>,
}

pub(super) fn check(rule: &NPlusOne, ctx: &JsContext<'_>, out: &mut Vec<Diagnostic>) {
    let mut collector = Collector::default();
    ctx.parsed.program.visit_with(&mut collector);
    let summaries = Arc::new(CallSummaries::of_program(
        Arc::clone(ctx.file),
        &ctx.parsed.program,
    ));
    let class_names: HashMap<u32, String> = summaries
        .classes
        .values()
        .map(|class| (class.span.start, class.name.clone()))
        .collect();
    let reach = Reach::new(rule, ctx.project);
    let tree_builds = super::js_tree::tree_builds(&ctx.parsed.program);
    let mut visitor = Visitor {
        rule,
        ctx,
        out,
        reach: &reach,
        summaries: &summaries,
        class_names: &class_names,
        batched_names: &collector.batched_names,
        small_consts: &collector.small_consts,
        grouped: &collector.grouped,
        tree_builds: &tree_builds,
        frames: Vec::new(),
        batched: None,
        returns_count: false,
        classes: Vec::new(),
        batch_call: None,
        reported: HashSet::new(),
        lookups: HashSet::new(),
        cache_misses: 0,
        bound: HashMap::new(),
        bound_log: Vec::new(),
        result_names: None,
        imports: super::is_import_file(&ctx.file.display),
        fn_depth: 0,
        shadowing: HashSet::new(),
    };
    ctx.parsed.program.visit_with(&mut visitor);
}

/// What a loop body does that makes it a retry, polling or draining loop.
#[derive(Default)]
struct BodyFacts {
    paced: bool,
    drains: bool,
}

impl Visit for BodyFacts {
    fn visit_function(&mut self, _: &Function) {}
    fn visit_arrow_expr(&mut self, arrow: &ArrowExpr) {
        // `await new Promise((r) => setTimeout(r, ms))`
        arrow.visit_children_with(self);
    }

    fn visit_call_expr(&mut self, call: &CallExpr) {
        if let Callee::Expr(callee) = &call.callee {
            let name = match strip(callee) {
                Expr::Ident(ident) => Some(ident.sym.to_string()),
                Expr::Member(member) => member_prop(&member.prop),
                _ => None,
            };
            if let Some(name) = name {
                if is_pacing_call(&name) {
                    self.paced = true;
                }
                if is_drain_call(&name) {
                    self.drains = true;
                }
            }
        }
        call.visit_children_with(self);
    }
}

/// The names an expression or pattern mentions, and whether it awaits.
#[derive(Default)]
struct Names {
    names: HashSet<String>,
    awaits: bool,
}

impl Visit for Names {
    fn visit_ident(&mut self, ident: &Ident) {
        self.names.insert(ident.sym.to_string());
    }
    fn visit_member_prop(&mut self, _: &MemberProp) {}
    fn visit_await_expr(&mut self, expr: &AwaitExpr) {
        self.awaits = true;
        expr.visit_children_with(self);
    }
}

fn names<N: VisitWith<Names> + ?Sized>(node: &N) -> Names {
    let mut found = Names::default();
    node.visit_with(&mut found);
    found
}

/// Whether a `while`/`do…while` loop is driven by what its awaits return: its condition
/// reads a variable that the body sets from an awaited result (`cursor = page.next`,
/// `deleted = await …`, `parent = folder.parentId`, `queue.push(...found)`). Such a loop
/// pages, drains in batches or walks a chain of rows: each query needs the previous one.
/// So does a condition that awaits (`while (await Message.count(..))`).
struct Dependence {
    tests: HashSet<String>,
    tainted: HashSet<String>,
    dependent: bool,
    /// The body returns or breaks when what it awaited says so (`if (found) return
    /// found;`): a search or fail-over that stops at the first hit.
    stops_on_hit: bool,
}

impl Dependence {
    fn is_tainted(&self, found: &Names) -> bool {
        found.awaits || found.names.iter().any(|n| self.tainted.contains(n))
    }

    fn root(expr: &Expr) -> Option<String> {
        match strip(expr) {
            Expr::Ident(ident) => Some(ident.sym.to_string()),
            Expr::Member(member) => Dependence::root(&member.obj),
            Expr::OptChain(chain) => match &*chain.base {
                OptChainBase::Member(member) => Dependence::root(&member.obj),
                OptChainBase::Call(_) => None,
            },
            _ => None,
        }
    }
}

impl Visit for Dependence {
    fn visit_if_stmt(&mut self, stmt: &IfStmt) {
        stmt.test.visit_with(self);
        if !is_negative_test(&stmt.test)
            && self.is_tainted(&names(&*stmt.test))
            && leaves_loop(&stmt.cons)
        {
            self.stops_on_hit = true;
        }
        stmt.cons.visit_with(self);
        stmt.alt.visit_with(self);
    }

    fn visit_var_declarator(&mut self, declarator: &VarDeclarator) {
        declarator.visit_children_with(self);
        if let Some(init) = &declarator.init {
            if self.is_tainted(&names(&**init)) {
                self.tainted.extend(names(&declarator.name).names);
            }
        }
    }

    fn visit_for_of_stmt(&mut self, stmt: &ForOfStmt) {
        if self.is_tainted(&names(&*stmt.right)) {
            if let ForHead::VarDecl(decl) = &stmt.left {
                for declarator in &decl.decls {
                    self.tainted.extend(names(&declarator.name).names);
                }
            }
        }
        stmt.visit_children_with(self);
    }

    fn visit_assign_expr(&mut self, assign: &AssignExpr) {
        assign.visit_children_with(self);
        let target = match &assign.left {
            AssignTarget::Simple(SimpleAssignTarget::Ident(ident)) => {
                Some(ident.id.sym.to_string())
            }
            AssignTarget::Simple(SimpleAssignTarget::Member(member)) => {
                Dependence::root(&member.obj)
            }
            _ => None,
        };
        let Some(target) = target else { return };
        if self.is_tainted(&names(&*assign.right)) {
            if self.tests.contains(&target) {
                self.dependent = true;
            }
            self.tainted.insert(target);
        }
    }

    fn visit_call_expr(&mut self, call: &CallExpr) {
        call.visit_children_with(self);
        if let Callee::Expr(callee) = &call.callee {
            if let Expr::Member(member) = strip(callee) {
                let method = member_prop(&member.prop).unwrap_or_default();
                if matches!(
                    method.as_str(),
                    "push" | "unshift" | "add" | "set" | "splice"
                ) {
                    if let Some(root) = Dependence::root(&member.obj) {
                        if self.tests.contains(&root) && self.is_tainted(&names(&call.args)) {
                            self.dependent = true;
                        }
                    }
                }
            }
        }
    }
}

/// A `while` body that takes a group of items off a collection each pass
/// (`const chunk = members.splice(0, chunkSize)`): the loop steps over chunks, and the
/// body's calls take each chunk whole. `splice(0, 1)` takes one item.
fn takes_chunks(body: &Stmt) -> bool {
    struct Splices(bool);
    impl Visit for Splices {
        fn visit_call_expr(&mut self, call: &CallExpr) {
            if let Callee::Expr(callee) = &call.callee {
                if let Expr::Member(member) = &**callee {
                    let from_start = call.args.first().is_some_and(
                        |a| matches!(strip(&a.expr), Expr::Lit(Lit::Num(n)) if n.value == 0.0),
                    );
                    let one = call.args.get(1).is_some_and(
                        |a| matches!(strip(&a.expr), Expr::Lit(Lit::Num(n)) if n.value <= 1.0),
                    );
                    if member_prop(&member.prop).as_deref() == Some("splice")
                        && call.args.len() == 2
                        && from_start
                        && !one
                    {
                        self.0 = true;
                    }
                }
            }
            call.visit_children_with(self);
        }
        fn visit_function(&mut self, _: &Function) {}
        fn visit_arrow_expr(&mut self, _: &ArrowExpr) {}
    }
    let mut found = Splices(false);
    body.visit_with(&mut found);
    found.0
}

/// See [`Dependence`].
fn is_result_driven(test: &Expr, body: &Stmt) -> bool {
    let tested = names(test);
    if tested.awaits {
        // `while (await Message.count(..))`: the condition asks the database itself
        // whether anything is left after the body's pass.
        return true;
    }
    let dependence = dependence(tested.names, body);
    dependence.dependent || dependence.stops_on_hit
}

fn dependence(tests: HashSet<String>, body: &Stmt) -> Dependence {
    let mut dependence = Dependence {
        tests,
        tainted: HashSet::new(),
        dependent: false,
        stops_on_hit: false,
    };
    body.visit_with(&mut dependence);
    dependence
}

/// A loop over items that stops at the first one whose query succeeds (see
/// [`Dependence::stops_on_hit`]).
fn stops_on_hit(body: &Stmt) -> bool {
    dependence(HashSet::new(), body).stops_on_hit
}

/// `!found`, `x == null`, `x === undefined`: a test for a miss, not a hit.
fn is_negative_test(test: &Expr) -> bool {
    match strip(test) {
        Expr::Unary(unary) => unary.op == UnaryOp::Bang,
        Expr::Bin(bin) => {
            let nullish = |e: &Expr| {
                matches!(strip(e), Expr::Lit(Lit::Null(_)))
                    || matches!(strip(e), Expr::Ident(i) if &*i.sym == "undefined")
            };
            matches!(bin.op, BinaryOp::EqEq | BinaryOp::EqEqEq)
                && (nullish(&bin.left) || nullish(&bin.right))
                || bin.op == BinaryOp::LogicalOr
                    && (is_negative_test(&bin.left) || is_negative_test(&bin.right))
        }
        _ => false,
    }
}

/// Whether a statement returns or breaks out of the loop (not out of a nested loop or
/// function).
fn leaves_loop(stmt: &Stmt) -> bool {
    struct Leaves(bool);
    impl Visit for Leaves {
        fn visit_function(&mut self, _: &Function) {}
        fn visit_arrow_expr(&mut self, _: &ArrowExpr) {}
        fn visit_for_stmt(&mut self, _: &ForStmt) {}
        fn visit_for_of_stmt(&mut self, _: &ForOfStmt) {}
        fn visit_for_in_stmt(&mut self, _: &ForInStmt) {}
        fn visit_while_stmt(&mut self, _: &WhileStmt) {}
        fn visit_do_while_stmt(&mut self, _: &DoWhileStmt) {}
        fn visit_switch_stmt(&mut self, stmt: &SwitchStmt) {
            // `break` there leaves the switch; a `return` still leaves the loop.
            struct Returns(bool);
            impl Visit for Returns {
                fn visit_function(&mut self, _: &Function) {}
                fn visit_arrow_expr(&mut self, _: &ArrowExpr) {}
                fn visit_return_stmt(&mut self, _: &ReturnStmt) {
                    self.0 = true;
                }
            }
            let mut returns = Returns(false);
            stmt.visit_with(&mut returns);
            self.0 |= returns.0;
        }
        fn visit_return_stmt(&mut self, _: &ReturnStmt) {
            self.0 = true;
        }
        fn visit_break_stmt(&mut self, _: &BreakStmt) {
            self.0 = true;
        }
    }
    let mut leaves = Leaves(false);
    stmt.visit_with(&mut leaves);
    leaves.0
}

/// `i < 3`, `attempt <= MAX_TRIES && !done`: a condition with a small bound written in
/// the code.
fn has_small_bound(test: &Expr, consts: &HashSet<String>) -> bool {
    let small = |e: &Expr| {
        small_number(e) || matches!(strip(e), Expr::Ident(i) if consts.contains(&*i.sym))
    };
    match strip(test) {
        Expr::Bin(bin) => match bin.op {
            BinaryOp::Lt | BinaryOp::LtEq => small(&bin.right),
            BinaryOp::Gt | BinaryOp::GtEq => small(&bin.left),
            BinaryOp::LogicalAnd => {
                has_small_bound(&bin.left, consts) || has_small_bound(&bin.right, consts)
            }
            _ => false,
        },
        _ => false,
    }
}

/// A few items or a small number written in the code: `["a", "b"]`, `{ a: 1, b: 2 }`, `3`.
fn is_small_literal(expr: &Expr) -> bool {
    match strip(expr) {
        Expr::Array(array) => {
            (array.elems.len() as f64) <= SMALL_BOUND
                && array.elems.iter().flatten().all(|e| e.spread.is_none())
        }
        Expr::Object(object) => {
            (object.props.len() as f64) <= SMALL_BOUND
                && object
                    .props
                    .iter()
                    .all(|p| matches!(p, PropOrSpread::Prop(_)))
        }
        other => small_number(other),
    }
}

/// A write that may touch no row and says so: `updateMany`, `update`, `delete`,
/// `deleteMany`, `upsert` as the last name of a round trip such as
/// `prisma.workflowRun.updateMany`.
fn is_conditional_write(call: &str) -> bool {
    let method = call.rsplit('.').next().unwrap_or(call).to_ascii_lowercase();
    ["update", "delete", "upsert", "remove", "destroy"]
        .iter()
        .any(|write| method.starts_with(write))
}

/// `xs` in `i < xs.length` (or `xs.length > i`): what a counting `for` loop indexes.
fn length_bound(test: &Expr) -> Option<&Expr> {
    let Expr::Bin(bin) = strip(test) else {
        return None;
    };
    let side = match bin.op {
        BinaryOp::Lt | BinaryOp::LtEq => &bin.right,
        BinaryOp::Gt | BinaryOp::GtEq => &bin.left,
        _ => return None,
    };
    match strip(side) {
        Expr::Member(member) if member_prop(&member.prop).as_deref() == Some("length") => {
            Some(&member.obj)
        }
        _ => None,
    }
}

/// Whether an expression awaits something (also in a callback it holds).
fn contains_await(expr: &Expr) -> bool {
    struct Awaits(bool);
    impl Visit for Awaits {
        fn visit_await_expr(&mut self, _: &AwaitExpr) {
            self.0 = true;
        }
    }
    let mut awaits = Awaits(false);
    expr.visit_with(&mut awaits);
    awaits.0
}

/// The name of a callback's first parameter: `(chunk) => …`, `async function (db) {…}`.
fn callback_param(callback: &Expr) -> Option<String> {
    let pat = match strip(callback) {
        Expr::Arrow(arrow) => arrow.params.first(),
        Expr::Fn(function) => function.function.params.first().map(|p| &p.pat),
        _ => None,
    }?;
    match pat {
        Pat::Ident(ident) => Some(ident.id.sym.to_string()),
        _ => None,
    }
}

/// `groupBy(rows, ..)`, `_.groupBy(..)`, `Object.groupBy(..)`.
fn is_group_by(init: &Expr) -> bool {
    matches!(strip(init), Expr::Call(_))
        && prodlint_js::call_summary::chain(init)
            .last()
            .is_some_and(|seg| seg.call && seg.name == "groupBy")
}

/// The parameters of a per-item callback, as the loop's items.
fn callback_items(callback: &Expr) -> ItemNames {
    match strip(callback) {
        Expr::Arrow(arrow) => ItemNames::of_params(arrow.params.iter()),
        Expr::Fn(function) => ItemNames::of_params(function.function.params.iter().map(|p| &p.pat)),
        _ => ItemNames::default(),
    }
}

/// The single name a `for…of`/`for…in` declares: `const chunk` in `for (const chunk of …)`.
fn loop_binding(left: &ForHead) -> Option<String> {
    match left {
        ForHead::VarDecl(decl) => match decl.decls.as_slice() {
            [declarator] => match &declarator.name {
                Pat::Ident(ident) => Some(ident.id.sym.to_string()),
                _ => None,
            },
            _ => None,
        },
        ForHead::Pat(pat) => match &**pat {
            Pat::Ident(ident) => Some(ident.id.sym.to_string()),
            _ => None,
        },
        _ => None,
    }
}

/// `i < batches`, `i < chunkCount`, `i < chunks.length`: a `for` loop that counts groups.
fn counts_groups(test: &Expr) -> bool {
    match strip(test) {
        Expr::Bin(bin) if matches!(bin.op, BinaryOp::Lt | BinaryOp::LtEq) => {
            match strip(&bin.right) {
                Expr::Ident(ident) => is_group_name(&ident.sym),
                // `i < chunks.length`, not `i < batch.length` (the items of one batch).
                Expr::Member(member) => matches!(strip(&member.obj), Expr::Ident(ident)
                    if super::split_words(&ident.sym)
                        .iter()
                        .any(|word| word == "chunks" || word == "batches")),
                _ => false,
            }
        }
        _ => false,
    }
}

/// `i += BATCH_SIZE`, `offset += chunk.length`: a `for` loop that steps over groups.
/// `dir = path.dirname(dir)`, `node = node.parent`: a loop that walks, each step from the
/// one before.
fn steps_over_groups_or_walks(update: &Expr) -> bool {
    match strip(update) {
        Expr::Assign(assign) => match assign.op {
            AssignOp::Assign => true,
            AssignOp::AddAssign | AssignOp::SubAssign => {
                !matches!(strip(&assign.right), Expr::Lit(Lit::Num(n)) if n.value == 1.0)
            }
            _ => false,
        },
        Expr::Seq(seq) => seq.exprs.iter().any(|e| steps_over_groups_or_walks(e)),
        _ => false,
    }
}

fn body_facts(body: &Stmt) -> BodyFacts {
    let mut facts = BodyFacts::default();
    body.visit_with(&mut facts);
    facts
}

fn small_number(expr: &Expr) -> bool {
    matches!(strip(expr), Expr::Lit(Lit::Num(n)) if n.value <= SMALL_BOUND)
}

fn is_true(expr: &Expr) -> bool {
    matches!(strip(expr), Expr::Lit(Lit::Bool(b)) if b.value)
        || matches!(strip(expr), Expr::Lit(Lit::Num(n)) if n.value == 1.0)
}

impl Visitor<'_, '_> {
    fn header(&self, stmt_span: swc_common::Span, body: &Stmt) -> Span {
        let start = span(stmt_span).start;
        let end = span(body.span()).start.max(start);
        let text = self.ctx.file.slice(Span::new(start, end));
        Span::new(start, start + text.trim_end().len() as u32)
    }

    /// Visits a loop body. A write whose result the body tests is a claim or a
    /// compare-and-set per item (`const claimed = await repo.updateMany({ where: { id,
    /// status: "queued" } }); if (claimed.count === 0) continue;`): each item's outcome is
    /// the point, and one batched write would not tell them apart. Silent.
    fn in_loop(&mut self, frame: Frame, body: &Stmt) {
        self.frames.push(frame);
        body.visit_with(self);
        let frame = self.frames.pop().expect("pushed above");
        self.end_loop(frame);
    }

    /// Reports the writes a loop held whose results its body did not test.
    fn end_loop(&mut self, frame: Frame) {
        if let Some(outer) = self.frames.last_mut() {
            outer.tested.extend(frame.tested.iter().cloned());
        }
        for (names, finding) in frame.held {
            if names.is_disjoint(&frame.tested) && self.reported.insert(finding.span) {
                self.rule.report(self.ctx.file, &finding, self.out);
            }
        }
    }

    fn loop_frame(
        &self,
        header: Span,
        kind: &str,
        body: &Stmt,
        quiet: bool,
        infinite: bool,
    ) -> Frame {
        let facts = body_facts(body);
        let header_text = self.ctx.file.slice(header);
        let silent = quiet
            || facts.paced
            || is_retry_or_paging_header(header_text)
            || (infinite && !facts.drains);
        Frame {
            site: LoopSite {
                header,
                kind: kind.to_string(),
                unawaited_callback: false,
                from_round_trip: false,
            },
            silent: silent || stops_on_hit(body),
            per_connection: None,
            items: ItemNames::default(),
            iterable: None,
            tested: HashSet::new(),
            held: Vec::new(),
        }
    }

    /// A few items written in the code, directly or through a `const`: `["a", "b"]`,
    /// `KINDS`, `Object.entries(DEFAULTS)`, `Object.keys({ a, b })`.
    fn is_few(&self, expr: &Expr) -> bool {
        match strip(expr) {
            Expr::Ident(ident) => self.small_consts.contains(&*ident.sym),
            Expr::Call(call) => {
                let object_method = matches!(&call.callee, Callee::Expr(callee)
                    if matches!(strip(callee), Expr::Member(m)
                        if matches!(strip(&m.obj), Expr::Ident(o) if &*o.sym == "Object")
                            && matches!(member_prop(&m.prop).as_deref(), Some("entries" | "keys" | "values"))));
                object_method && call.args.len() == 1 && self.is_few(&call.args[0].expr)
            }
            other => is_small_literal(other),
        }
    }

    /// A loop over groups of items: `for (const chunk of chunks)`, `chunk(ids, 100)`,
    /// `_.chunk(rows, 500)`, `batches.forEach(async (batch) => …)`; not `for (const id of
    /// chunk)`, which steps over the items of one.
    fn is_groups(&self, iterable: &Expr, binding: Option<String>) -> bool {
        if binding.as_deref().is_some_and(is_group_name) {
            return true;
        }
        match strip(iterable) {
            Expr::Ident(ident) => holds_groups(&ident.sym),
            Expr::Call(call) => prodlint_js::call_summary::chain(&Expr::Call(call.clone()))
                .iter()
                .any(|seg| seg.call && is_group_name(&seg.name)),
            _ => false,
        }
    }

    /// `for (const key in byKind)` over the groups of a `groupBy` whose body only takes
    /// each whole group (`byKind[key]`): one call per group, already batched. A body that
    /// uses the key itself (`findUnique({ where: { id: key } })`) makes a call per key.
    fn walks_groups(&self, iterable: &Expr, key: &str, body: &Stmt) -> bool {
        let Expr::Ident(groups) = strip(iterable) else {
            return false;
        };
        if !self.grouped.contains(&*groups.sym) {
            return false;
        }
        struct KeyUses<'k> {
            groups: &'k str,
            key: &'k str,
            alone: bool,
        }
        impl Visit for KeyUses<'_> {
            fn visit_member_expr(&mut self, member: &MemberExpr) {
                let indexes_groups = matches!(strip(&member.obj), Expr::Ident(o) if &*o.sym == self.groups)
                    && matches!(&member.prop, MemberProp::Computed(c)
                        if matches!(strip(&c.expr), Expr::Ident(k) if &*k.sym == self.key));
                if !indexes_groups {
                    member.visit_children_with(self);
                }
            }
            fn visit_ident(&mut self, ident: &Ident) {
                self.alone |= &*ident.sym == self.key;
            }
        }
        let mut uses = KeyUses {
            groups: &groups.sym,
            key,
            alone: false,
        };
        body.visit_with(&mut uses);
        !uses.alone
    }

    /// Declares `name` in the current scope.
    fn bind(&mut self, name: String, value: Bound) {
        let old = self.bound.insert(name.clone(), value);
        self.bound_log.push((name, old));
    }

    fn bind_pattern(&mut self, pat: &Pat, value: Bound) {
        let mut names = HashSet::new();
        js_items::pat_names(pat, &mut names);
        for name in names {
            self.bind(name, value.clone());
        }
    }

    /// Ends the scopes opened since the log had `len` entries.
    fn unbind_to(&mut self, len: usize) {
        while self.bound_log.len() > len {
            let (name, old) = self.bound_log.pop().expect("longer than len");
            match old {
                Some(value) => self.bound.insert(name, value),
                None => self.bound.remove(&name),
            };
        }
    }

    /// Whether the local `name` holds rows of a round trip (or an item of them).
    fn is_rows_name(&mut self, name: &str, depth: usize) -> bool {
        if depth > 8 {
            return false;
        }
        match self.bound.get(name).cloned() {
            Some(Bound::Rows) => true,
            Some(Bound::From(root)) => root != name && self.is_rows_name(&root, depth + 1),
            Some(Bound::Pending(init)) => {
                let rows = self.iterates_rows_at(&init, depth + 1);
                if let Some(slot) = self.bound.get_mut(name) {
                    *slot = if rows { Bound::Rows } else { Bound::Other };
                }
                rows
            }
            Some(Bound::Other) | None => false,
        }
    }

    /// Whether a loop over `iterable` steps over what a round trip returned: a call in it
    /// makes one (`await this.repo.find()`, `(await this.users.list()).filter(..)`), or it
    /// is made from a local that holds such rows or an item of a loop over them.
    fn iterates_rows_at(&mut self, iterable: &Expr, depth: usize) -> bool {
        if self.makes_round_trip(iterable) {
            return true;
        }
        match prodlint_js::call_summary::value_root(iterable) {
            Some(root) => {
                let root = root.to_string();
                self.is_rows_name(&root, depth)
            }
            None => false,
        }
    }

    /// Keeps what a loop steps over, and binds its item names to it.
    fn with_origin(&mut self, mut frame: Frame, iterable: &Expr) -> Frame {
        let iterable = Rc::new(iterable.clone());
        for name in frame.items.bound.clone() {
            self.bind(name, Bound::Pending(Rc::clone(&iterable)));
        }
        frame.iterable = Some(iterable);
        frame
    }

    /// Whether a loop around the current position that repeats its calls steps over
    /// rows of a round trip: the classic N+1, at the rule's severity.
    fn in_rows_loop(&mut self) -> bool {
        let iterables: Vec<Rc<Expr>> = self
            .frames
            .iter()
            .filter(|frame| !frame.silent)
            .filter_map(|frame| frame.iterable.clone())
            .collect();
        iterables
            .iter()
            .any(|iterable| self.iterates_rows_at(iterable, 0))
    }

    /// Whether `expr` makes a round trip somewhere in it: a catalogue call (a paging read
    /// too: its page is rows) or a call of the project's own code that reaches one.
    fn makes_round_trip(&self, expr: &Expr) -> bool {
        struct Calls<'v, 'a, 'c> {
            visitor: &'v Visitor<'a, 'c>,
            found: bool,
        }
        impl Visit for Calls<'_, '_, '_> {
            fn visit_expr(&mut self, expr: &Expr) {
                if self.found {
                    return;
                }
                if matches!(expr, Expr::Call(_) | Expr::TaggedTpl(_))
                    && self.visitor.is_round_trip_call(expr)
                {
                    self.found = true;
                    return;
                }
                expr.visit_children_with(self);
            }
        }
        let mut calls = Calls {
            visitor: self,
            found: false,
        };
        expr.visit_with(&mut calls);
        calls.found
    }

    /// What a call chain made here calls (see [`Reach::resolve`]); a plain call of a
    /// name the functions around bind (`getFactTable(id)` with a parameter
    /// `getFactTable`) is not the function of that name.
    fn resolve_here(&self, call_chain: &CallChain) -> Resolution {
        if is_call_of_local(call_chain, &self.shadowing) {
            return Resolution::Unknown;
        }
        let class = self.classes.last().cloned().flatten();
        self.reach
            .resolve(self.summaries, class.as_deref(), call_chain)
    }

    /// Records the names `pat` binds in the function being visited as shadowing.
    fn shadow_pattern(&mut self, pat: &Pat) {
        js_items::pat_names(pat, &mut self.shadowing);
    }

    fn is_round_trip_call(&self, expr: &Expr) -> bool {
        let call_chain = prodlint_js::call_summary::chain(unwrap_observable(expr));
        match self.resolve_here(&call_chain) {
            Resolution::Target(target) => {
                let given = call_chain.last().map(|seg| seg.args).unwrap_or_default();
                self.reach.round_trip(&target, &given).is_some()
            }
            Resolution::Rewritten(rewritten) => self.reach.is_access(&rewritten),
            Resolution::Unknown => self.reach.is_access(&call_chain),
        }
    }

    /// Visits a function as a new scope: its own loops, no batch.
    fn function_scope(&mut self, f: impl FnOnce(&mut Self)) {
        let frames = std::mem::take(&mut self.frames);
        let batched = self.batched.take();
        let returns = std::mem::replace(&mut self.returns_count, false);
        // A closure sees the locals around it; what it declares stays inside.
        let mark = self.bound_log.len();
        let shadowing = self.shadowing.clone();
        self.fn_depth += 1;
        f(self);
        self.fn_depth -= 1;
        self.shadowing = shadowing;
        self.unbind_to(mark);
        self.frames = frames;
        self.batched = batched;
        self.returns_count = returns;
    }

    /// Visits a per-item callback: the enclosing loops plus `frame`, or a batch.
    fn callback_scope(&mut self, frame: Option<Frame>, batched: Option<Span>, callback: &Expr) {
        let saved_frames = self.frames.clone();
        let saved_batched = self.batched;
        let saved_returns = self.returns_count;
        if batched.is_some() {
            self.frames.clear();
            self.batched = batched;
        } else if let Some(frame) = frame {
            self.frames.push(frame);
        }
        self.returns_count = true;
        let mark = self.bound_log.len();
        let shadowing = self.shadowing.clone();
        self.fn_depth += 1;
        match strip(callback) {
            Expr::Arrow(arrow) => {
                for param in &arrow.params {
                    self.shadow_pattern(param);
                }
                arrow.params.visit_with(self);
                match &*arrow.body {
                    ArrowFunctionBody::FunctionBody(block) => block.visit_with(self),
                    ArrowFunctionBody::Expr(expr) => {
                        if !matches!(strip(expr), Expr::Await(_)) {
                            self.candidate(expr);
                        }
                        expr.visit_with(self);
                    }
                }
            }
            Expr::Fn(function) => {
                for param in &function.function.params {
                    self.shadow_pattern(&param.pat);
                }
                function.function.params.visit_with(self);
                function.function.body.visit_with(self);
            }
            other => other.visit_with(self),
        }
        self.fn_depth -= 1;
        self.shadowing = shadowing;
        self.unbind_to(mark);
        if batched.is_some() {
            self.frames = saved_frames;
        } else {
            // The loops around keep what was held in them and tested here.
            if self.frames.len() > saved_frames.len() {
                let frame = self.frames.pop().expect("longer than before");
                self.frames.truncate(saved_frames.len());
                self.end_loop(frame);
            }
            self.frames.truncate(saved_frames.len());
        }
        self.batched = saved_batched;
        self.returns_count = saved_returns;
    }

    /// The call as the primary span: the whole call, or from the method's name on when
    /// the chain before it spans lines.
    fn primary(&self, at: At) -> Span {
        let file = self.ctx.file;
        if file.line_col(at.expr.start).line != file.line_col(at.name).line {
            Span::new(at.name, at.expr.end)
        } else {
            at.expr
        }
    }

    /// A call on the variable of a loop over connections: `db.query(..)` in
    /// `for (const db of databases)`.
    fn on_loop_connection(&self, chain: &Chain) -> bool {
        let Some(root) = chain.first() else {
            return false;
        };
        self.frames
            .iter()
            .any(|frame| frame.per_connection.as_deref() == Some(root.name.as_str()))
    }

    /// The loop a call in the current position repeats in, if any.
    fn current_site(&self) -> Option<LoopSite> {
        let mut site = self
            .frames
            .iter()
            .rev()
            .find(|frame| !frame.silent)
            .map(|frame| frame.site.clone())?;
        site.from_round_trip = self.imports;
        Some(site)
    }

    /// An expression whose promise the loop waits for (or a batch collects).
    fn candidate(&mut self, expr: &Expr) {
        if self.cache_misses > 0 || self.tree_builds.contains(&span(strip(expr).span())) {
            return;
        }
        let site = self.current_site();
        let batched = self.batched;
        if site.is_none() && (batched.is_none() || !self.rule.suggest_batching) {
            return;
        }
        let call_chain = prodlint_js::call_summary::chain(unwrap_observable(expr));
        let chain = to_chain(&call_chain);
        if self.on_loop_connection(&chain) || !chain.last().is_some_and(|seg| seg.call) {
            return;
        }
        let batched = if site.is_some() { None } else { batched };
        let resolution = self.resolve_here(&call_chain);
        // A call of the project's own function or method: what it reaches decides. A
        // receiver of a known client type: its catalogue entry. Otherwise the names.
        let direct = match &resolution {
            Resolution::Target(target) => {
                // `this.loadPage(ctx, { skip: i * SIZE, take: SIZE })`: the loop pages.
                if pages(&chain, chain.len(), self.ctx.file) {
                    return;
                }
                let given = call_chain.last().map(|seg| seg.args).unwrap_or_default();
                let Some(trip) = self.reach.round_trip(target, &given) else {
                    if self.reach.is_opaque(target) {
                        self.report_direct(
                            self.reach.direct(self.summaries, &call_chain),
                            expr,
                            &chain,
                            site,
                            batched,
                        );
                    }
                    return;
                };
                let seg = chain.last().expect("a call has a segment");
                let finding = Finding {
                    span: self.primary(seg.at),
                    call: render_chain(&chain),
                    library: trip.library,
                    help: trip.help,
                    site,
                    helper: Some(ViaHelper {
                        call: trip.call,
                        hops: trip.hops,
                    }),
                    batched,
                    array_of_one: seg.args.array_of_one,
                };
                self.report(finding);
                return;
            }
            Resolution::Rewritten(rewritten) => self
                .reach
                .direct(self.summaries, rewritten)
                .map(|(trip, len)| (trip, len + chain.len() - rewritten.len())),
            Resolution::Unknown => self.reach.direct(self.summaries, &call_chain),
        };
        self.report_direct(direct, expr, &chain, site, batched);
    }

    /// A data-access call matched by the catalogue, `len` segments of `chain`.
    fn report_direct(
        &mut self,
        direct: Option<(super::reach::Trip, usize)>,
        expr: &Expr,
        chain: &Chain,
        site: Option<LoopSite>,
        batched: Option<Span>,
    ) {
        let Some((trip, len)) = direct else {
            return;
        };
        let seg = &chain[len - 1];
        if site.is_some() && self.is_per_item_resource(expr, seg, &trip.library) {
            return;
        }
        let finding = Finding {
            span: self.primary(seg.at),
            call: render_chain(&chain[..len]),
            library: trip.library,
            help: trip.help,
            site,
            helper: None,
            batched,
            array_of_one: seg.args.array_of_one,
        };
        self.report(finding);
    }

    /// The loop's names for its items, innermost loop last.
    fn items(&self) -> Items<'_> {
        Items {
            loops: self.frames.iter().map(|frame| &frame.items).collect(),
        }
    }

    /// A call given the item's own resource: a download or upload of the item's own
    /// address (each item is another file, often on another host: the bytes are the cost,
    /// not the round trip) or a statement that is the item (each iteration runs another
    /// statement). There is nothing to batch. A `POST` to an item's address (a webhook)
    /// stays a finding: those can run concurrently.
    fn is_per_item_resource(&self, expr: &Expr, seg: &Seg<At>, library: &str) -> bool {
        let Some(first) = js_items::args_at(unwrap_observable(expr), seg.at.expr)
            .and_then(|args| args.first())
            .filter(|arg| arg.spread.is_none())
        else {
            return false;
        };
        let items = self.items();
        if library == "HTTP" {
            let args = js_items::args_at(unwrap_observable(expr), seg.at.expr).unwrap_or_default();
            js_items::transfers_resource(&seg.name, args) && items.is_item_target(&first.expr)
        } else {
            js_items::runs_statement_text(&seg.name)
                && (items.is_item_statement(&first.expr)
                    || items.is_item_table_statement(&first.expr)
                    || js_items::is_schema_statement(&first.expr))
        }
    }

    fn report(&mut self, mut finding: Finding) {
        if self.reported.contains(&finding.span) {
            return;
        }
        if let Some(site) = finding.site.as_mut() {
            site.from_round_trip = site.from_round_trip || self.in_rows_loop();
        }
        if let Some(names) = self.result_names.take() {
            let write = finding
                .helper
                .as_ref()
                .map_or(&finding.call, |via| &via.call);
            if finding.site.is_some() && is_conditional_write(write) {
                if let Some(frame) = self.frames.iter_mut().rev().find(|f| !f.silent) {
                    frame.held.push((names, finding));
                    return;
                }
            }
        }
        if self.reported.insert(finding.span) {
            self.rule.report(self.ctx.file, &finding, self.out);
        }
    }
}

impl Visit for Visitor<'_, '_> {
    fn visit_function(&mut self, function: &Function) {
        self.function_scope(|v| {
            for param in &function.params {
                v.bind_pattern(&param.pat, Bound::Other);
                v.shadow_pattern(&param.pat);
            }
            function.visit_children_with(v)
        });
    }

    fn visit_arrow_expr(&mut self, arrow: &ArrowExpr) {
        self.function_scope(|v| {
            for param in &arrow.params {
                v.bind_pattern(param, Bound::Other);
                v.shadow_pattern(param);
            }
            arrow.visit_children_with(v)
        });
    }

    fn visit_constructor(&mut self, constructor: &Constructor) {
        self.function_scope(|v| constructor.visit_children_with(v));
    }

    fn visit_getter_prop(&mut self, getter: &GetterProp) {
        self.function_scope(|v| getter.visit_children_with(v));
    }

    fn visit_setter_prop(&mut self, setter: &SetterProp) {
        self.function_scope(|v| setter.visit_children_with(v));
    }

    fn visit_class(&mut self, class: &Class) {
        self.classes
            .push(self.class_names.get(&span(class.span).start).cloned());
        class.visit_children_with(self);
        self.classes.pop();
    }

    fn visit_await_expr(&mut self, expr: &AwaitExpr) {
        self.candidate(&expr.arg);
        expr.visit_children_with(self);
    }

    fn visit_return_stmt(&mut self, stmt: &ReturnStmt) {
        if self.returns_count {
            if let Some(arg) = &stmt.arg {
                if !matches!(strip(arg), Expr::Await(_)) {
                    self.candidate(arg);
                }
            }
        }
        stmt.visit_children_with(self);
    }

    fn visit_for_of_stmt(&mut self, stmt: &ForOfStmt) {
        stmt.left.visit_with(self);
        stmt.right.visit_with(self);
        let header = self.header(stmt.span, &stmt.body);
        let binding = loop_binding(&stmt.left);
        let bounded = self.is_few(&stmt.right) || self.is_groups(&stmt.right, binding.clone());
        let kind = if stmt.is_await {
            "`for await` loop"
        } else {
            "`for…of` loop"
        };
        let mut frame = self.loop_frame(header, kind, &stmt.body, bounded, false);
        frame.per_connection = binding.filter(|name| is_connection_name(name));
        frame.items = ItemNames::of_head(&stmt.left);
        let frame = self.with_origin(frame, &stmt.right);
        self.in_loop(frame, &stmt.body);
    }

    fn visit_for_in_stmt(&mut self, stmt: &ForInStmt) {
        stmt.left.visit_with(self);
        stmt.right.visit_with(self);
        let header = self.header(stmt.span, &stmt.body);
        let bounded = self.is_few(&stmt.right)
            || loop_binding(&stmt.left)
                .is_some_and(|key| self.walks_groups(&stmt.right, &key, &stmt.body));
        let mut frame = self.loop_frame(header, "`for…in` loop", &stmt.body, bounded, false);
        frame.items = ItemNames::of_head(&stmt.left);
        let frame = self.with_origin(frame, &stmt.right);
        self.in_loop(frame, &stmt.body);
    }

    fn visit_for_stmt(&mut self, stmt: &ForStmt) {
        stmt.init.visit_with(self);
        stmt.test.visit_with(self);
        stmt.update.visit_with(self);
        let header = self.header(stmt.span, &stmt.body);
        let bounded = stmt
            .test
            .as_deref()
            .is_some_and(|test| has_small_bound(test, self.small_consts))
            || stmt
                .update
                .as_deref()
                .is_some_and(steps_over_groups_or_walks)
            || stmt.test.as_deref().is_some_and(counts_groups);
        let infinite = stmt.test.as_deref().is_none_or(is_true);
        let mut frame = self.loop_frame(header, "`for` loop", &stmt.body, bounded, infinite);
        if let Some(VarDeclOrExpr::VarDecl(decl)) = &stmt.init {
            frame.items = ItemNames::of_decls(decl);
        }
        // `for (let i = 0; i < rows.length; i++)`: the items are `rows[i]`.
        frame.iterable = stmt
            .test
            .as_deref()
            .and_then(length_bound)
            .map(|over| Rc::new(over.clone()));
        self.in_loop(frame, &stmt.body);
    }

    fn visit_while_stmt(&mut self, stmt: &WhileStmt) {
        stmt.test.visit_with(self);
        let header = self.header(stmt.span, &stmt.body);
        let quiet = has_small_bound(&stmt.test, self.small_consts)
            || is_result_driven(&stmt.test, &stmt.body)
            || takes_chunks(&stmt.body);
        let frame = self.loop_frame(
            header,
            "`while` loop",
            &stmt.body,
            quiet,
            is_true(&stmt.test),
        );
        self.in_loop(frame, &stmt.body);
    }

    fn visit_do_while_stmt(&mut self, stmt: &DoWhileStmt) {
        let start = span(stmt.span).start;
        let header = Span::new(start, start + 2);
        let test_text = self.ctx.file.slice(span(stmt.test.span()));
        let quiet = has_small_bound(&stmt.test, self.small_consts)
            || is_result_driven(&stmt.test, &stmt.body);
        let mut frame = self.loop_frame(
            header,
            "`do…while` loop",
            &stmt.body,
            quiet,
            is_true(&stmt.test),
        );
        frame.silent |= is_retry_or_paging_header(test_text);
        self.in_loop(frame, &stmt.body);
        stmt.test.visit_with(self);
    }

    fn visit_stmts(&mut self, stmts: &[Stmt]) {
        let before = self.cache_misses;
        for stmt in stmts {
            stmt.visit_with(self);
            if is_hit_that_leaves(stmt, &self.lookups) {
                // The rest runs on a miss only.
                self.cache_misses += 1;
            }
        }
        self.cache_misses = before;
    }

    fn visit_if_stmt(&mut self, stmt: &IfStmt) {
        stmt.test.visit_with(self);
        if let Some(frame) = self.frames.last_mut() {
            frame.tested.extend(names(&*stmt.test).names);
        }
        let (hit, miss) = match lookup_test(&stmt.test, &self.lookups) {
            Some(LookupTest::Found) => (Some(&*stmt.cons), stmt.alt.as_deref()),
            Some(LookupTest::Missing) => (stmt.alt.as_deref(), Some(&*stmt.cons)),
            None => {
                stmt.cons.visit_with(self);
                stmt.alt.visit_with(self);
                return;
            }
        };
        if let Some(hit) = hit {
            hit.visit_with(self);
        }
        self.cache_misses += 1;
        if let Some(miss) = miss {
            miss.visit_with(self);
        }
        self.cache_misses -= 1;
    }

    fn visit_var_declarator(&mut self, declarator: &VarDeclarator) {
        let value = match declarator.init.as_deref() {
            Some(init) if contains_await(init) => Bound::Pending(Rc::new(init.clone())),
            Some(init) => match prodlint_js::call_summary::value_root(init) {
                Some(root) => Bound::From(root.to_string()),
                None => Bound::Other,
            },
            None => Bound::Other,
        };
        self.bind_pattern(&declarator.name, value);
        // A function literal is summarised under its name and followed there.
        if self.fn_depth > 0 && !declares_function(declarator) {
            self.shadow_pattern(&declarator.name);
        }
        if !self.frames.is_empty()
            && declarator
                .init
                .as_deref()
                .is_some_and(|init| matches!(strip(init), Expr::Await(_)))
        {
            let mut names = HashSet::new();
            js_items::pat_names(&declarator.name, &mut names);
            self.result_names = Some(names);
        }
        if let (Pat::Ident(name), Some(init)) = (&declarator.name, &declarator.init) {
            // What a name declared in a loop body holds: the item's address, a value made
            // from the item.
            if !self.frames.is_empty() {
                let mut declared = ItemNames::default();
                js_items::declare(&mut declared, &self.items(), &name.id.sym, init);
                let items = &mut self.frames.last_mut().expect("a loop").items;
                items.per_item.extend(declared.per_item);
                items.targets.extend(declared.targets);
            }
            if is_sync_lookup(init) {
                self.lookups.insert(name.id.sym.to_string());
            }
        }
        // `const writes = tasks.map(async (t) => …); await Promise.all(writes);`
        if let (Pat::Ident(name), Some(init)) = (&declarator.name, &declarator.init) {
            if self.batched_names.contains(&*name.id.sym) {
                if let Expr::Call(call) = strip(init) {
                    self.batch_call = Some((span(call.span), span(declarator.span)));
                }
            }
        }
        declarator.visit_children_with(self);
        self.result_names = None;
    }

    fn visit_call_expr(&mut self, call: &CallExpr) {
        if is_batch_callee(&call.callee) {
            call.callee.visit_with(self);
            for arg in &call.args {
                match strip(&arg.expr) {
                    // `Promise.all([...a.map(async …), ...b.map(async …)])`
                    Expr::Array(array) => {
                        for element in array.elems.iter().flatten() {
                            if let Expr::Call(inner) = strip(&element.expr) {
                                self.batch_call = Some((span(inner.span), span(call.span)));
                            }
                            element.visit_with(self);
                        }
                    }
                    Expr::Call(inner) => {
                        self.batch_call = Some((span(inner.span), span(call.span)));
                        arg.visit_with(self);
                    }
                    _ => arg.visit_with(self),
                }
            }
            return;
        }
        let batch = self
            .batch_call
            .take_if(|(inner, _)| *inner == span(call.span))
            .map(|(_, all)| all);
        if let Callee::Expr(callee) = &call.callee {
            if let Expr::Member(member) = strip(callee) {
                let method = member_prop(&member.prop).unwrap_or_default();
                let callback = call
                    .args
                    .first()
                    .map(|arg| &*arg.expr)
                    .filter(|arg| matches!(strip(arg), Expr::Arrow(_) | Expr::Fn(_)));
                if let (true, Some(callback)) = (ARRAY_METHODS.contains(&method.as_str()), callback)
                {
                    let is_async = match strip(callback) {
                        Expr::Arrow(arrow) => arrow.is_async,
                        Expr::Fn(function) => function.function.is_async,
                        _ => false,
                    };
                    if batch.is_some() || is_async {
                        member.obj.visit_with(self);
                        let frame = (batch.is_none()).then(|| Frame {
                            site: LoopSite {
                                header: span(member.span),
                                kind: format!("`{method}` callback"),
                                unawaited_callback: method == "forEach",
                                from_round_trip: false,
                            },
                            silent: self.is_few(&member.obj)
                                || self.is_groups(&member.obj, callback_param(callback)),
                            per_connection: callback_param(callback)
                                .filter(|name| is_connection_name(name)),
                            items: callback_items(callback),
                            iterable: None,
                            tested: HashSet::new(),
                            held: Vec::new(),
                        });
                        let frame = frame.map(|frame| self.with_origin(frame, &member.obj));
                        self.callback_scope(frame, batch, callback);
                        for arg in &call.args[1..] {
                            arg.visit_with(self);
                        }
                        return;
                    }
                }
            }
        }
        call.visit_children_with(self);
    }
}
