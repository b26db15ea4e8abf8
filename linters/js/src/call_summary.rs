//! Call summaries: for each function and class method of a module, the calls it makes
//! (each as a *call chain* read from its root, `this.repo.findOne(…)` is `this`, `repo`,
//! `findOne()`), and for each class what its fields are: the declared type of a field or
//! of a constructor parameter property (`private readonly repo: Repository<User>`, as
//! NestJS injects them), or what the constructor assigned (`this.repo =
//! dataSource.getRepository(User)`, `this.client = new Client()`). With the module's
//! imports, that is what a rule needs to follow a call into another class or file: what
//! `this.users.load(id)` runs, and what that runs in turn.
//!
//! Built once per module ([`CallSummaries`] is a [`ProjectIndex`]) for the modules a rule
//! follows a call into, or from a tree already parsed ([`CallSummaries::of_program`]).
//! The facts are per module; following calls across modules (and stopping at cycles) is
//! the caller's work, at query time.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use prodlint_core::{Project, ProjectIndex, SourceFile, Span};
use swc_common::Spanned;
use swc_ecma_ast::*;
use swc_ecma_visit::{Visit, VisitWith};

use crate::{module_info, parse, span, Imported};

/// What a call segment's arguments look like.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ArgShape {
    /// The first argument is a string or template literal.
    pub first_is_str: bool,
    /// There is a first argument and it is not an object, array or function literal.
    pub first_is_sql: bool,
    /// The first argument is an array literal of exactly one element (`findByIds([id])`).
    pub array_of_one: bool,
    /// How many arguments there are; `None` when one is spread (or for a segment that is
    /// not called).
    pub count: Option<u8>,
    /// The positions (below 32) given a literal `undefined`, `null` or `void 0`.
    pub nullish: u32,
}

impl ArgShape {
    /// Whether the call gives no value at `position`: it passes fewer arguments (none
    /// spread), or a literal `undefined`/`null` there.
    pub fn gives_nothing_at(&self, position: usize) -> bool {
        self.count
            .is_some_and(|count| position >= usize::from(count))
            || (position < 32 && self.nullish & (1 << position) != 0)
    }

    /// The positions below 32 given no value, as a bit set: what tells two calls' shapes
    /// apart for [`ArgShape::gives_nothing_at`].
    pub fn nothing_given(&self) -> u32 {
        let missing = match self.count {
            Some(count) if count < 32 => u32::MAX << count,
            Some(_) | None => 0,
        };
        missing | self.nullish
    }
}

/// One segment of a call chain: a name, called or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallSeg {
    pub name: String,
    pub call: bool,
    pub args: ArgShape,
    /// The expression ending at this segment (the whole call for a called one).
    pub expr: Span,
    /// The arguments, parentheses included.
    pub args_span: Span,
    /// Where the segment's name starts.
    pub name_start: u32,
}

pub type CallChain = Vec<CallSeg>;

/// Strips parentheses and TypeScript-only wrappers: `(x as T)!` → `x`.
pub fn strip(expr: &Expr) -> &Expr {
    match expr {
        Expr::Paren(paren) => strip(&paren.expr),
        Expr::TsNonNull(e) => strip(&e.expr),
        Expr::TsAs(e) => strip(&e.expr),
        Expr::TsSatisfies(e) => strip(&e.expr),
        Expr::TsTypeAssertion(e) => strip(&e.expr),
        Expr::TsConstAssertion(e) => strip(&e.expr),
        _ => expr,
    }
}

/// The local name a value is made from, through the steps that keep (some of) its items:
/// `rows` for `rows`, `rows.filter(..)`, `rows.map(..)`, `rows.slice(1)`, `rows[i]`,
/// `order.lines`, `Object.values(rows)`, `Array.from(rows)`, `[...rows]` and `rows ?? []`.
/// `None` for `this.x`, a literal or what a call of a function returns: where those come
/// from is not known here.
pub fn value_root(expr: &Expr) -> Option<&str> {
    match strip(expr) {
        Expr::Ident(ident) => Some(&ident.sym),
        Expr::Member(member) => value_root(&member.obj),
        Expr::OptChain(opt) => match &*opt.base {
            OptChainBase::Member(member) => value_root(&member.obj),
            OptChainBase::Call(call) => value_root(&call.callee),
        },
        Expr::Call(call) => {
            let Callee::Expr(callee) = &call.callee else {
                return None;
            };
            let Expr::Member(member) = strip(callee) else {
                return None;
            };
            match strip(&member.obj) {
                Expr::Ident(object) if matches!(&*object.sym, "Object" | "Array") => {
                    call.args.first().and_then(|arg| value_root(&arg.expr))
                }
                object => value_root(object),
            }
        }
        Expr::Bin(bin) if matches!(bin.op, BinaryOp::LogicalOr | BinaryOp::NullishCoalescing) => {
            value_root(&bin.left)
        }
        Expr::Array(array) => array
            .elems
            .iter()
            .flatten()
            .find(|elem| elem.spread.is_some())
            .and_then(|elem| value_root(&elem.expr)),
        _ => None,
    }
}

/// A member's property name: `b` in `a.b`, `"b"` in `a["b"]`, `#b`.
pub fn member_prop(prop: &MemberProp) -> Option<String> {
    match prop {
        MemberProp::Ident(ident) => Some(ident.sym.to_string()),
        MemberProp::Computed(computed) => match &*computed.expr {
            Expr::Lit(Lit::Str(s)) => Some(s.value.to_atom_lossy().to_string()),
            _ => None,
        },
        MemberProp::PrivateName(private) => Some(format!("#{}", private.name)),
    }
}

/// `firstValueFrom(this.http.get(url))`: the observable inside is what runs.
pub fn unwrap_observable(expr: &Expr) -> &Expr {
    if let Expr::Call(call) = strip(expr) {
        if let Callee::Expr(callee) = &call.callee {
            if let Expr::Ident(ident) = &**callee {
                if matches!(&*ident.sym, "firstValueFrom" | "lastValueFrom") {
                    if let Some(arg) = call.args.first() {
                        return strip(&arg.expr);
                    }
                }
            }
        }
    }
    strip(expr)
}

/// A synchronous lookup in a collection held in memory: `this.facetMap.get(name)`,
/// `cache.has(key)` (not awaited: a `Map`, not a client).
pub fn is_sync_lookup(expr: &Expr) -> bool {
    match strip(expr) {
        Expr::Call(call) => matches!(&call.callee, Callee::Expr(callee)
            if matches!(strip(callee), Expr::Member(member)
                if matches!(member_prop(&member.prop).as_deref(), Some("get" | "has")))),
        _ => false,
    }
}

/// What an `if` test says of a lookup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LookupTest {
    /// `if (cached)`, `if (map.has(key))`: the consequent is the hit.
    Found,
    /// `if (!cached)`, `if (cached === undefined)`: the consequent is the miss.
    Missing,
}

/// Whether an `if` test checks a synchronous lookup (directly or through a name bound
/// to one, in `lookups`): the branch taken on a miss fills a memo, so a round trip there
/// runs once per distinct key, not once per item.
pub fn lookup_test(test: &Expr, lookups: &std::collections::HashSet<String>) -> Option<LookupTest> {
    let is_lookup = |e: &Expr| {
        is_sync_lookup(e) || matches!(strip(e), Expr::Ident(ident) if lookups.contains(&*ident.sym))
    };
    match strip(test) {
        Expr::Unary(unary) if unary.op == UnaryOp::Bang => {
            match lookup_test(&unary.arg, lookups)? {
                LookupTest::Found => Some(LookupTest::Missing),
                LookupTest::Missing => Some(LookupTest::Found),
            }
        }
        Expr::Bin(bin)
            if matches!(
                bin.op,
                BinaryOp::EqEq | BinaryOp::EqEqEq | BinaryOp::NotEq | BinaryOp::NotEqEq
            ) =>
        {
            let nullish = |e: &Expr| {
                matches!(strip(e), Expr::Lit(Lit::Null(_)))
                    || matches!(strip(e), Expr::Ident(i) if &*i.sym == "undefined")
            };
            let compares = (is_lookup(&bin.left) && nullish(&bin.right))
                || (is_lookup(&bin.right) && nullish(&bin.left));
            if !compares {
                return None;
            }
            Some(if matches!(bin.op, BinaryOp::EqEq | BinaryOp::EqEqEq) {
                LookupTest::Missing
            } else {
                LookupTest::Found
            })
        }
        // `if (cached && Date.now() - cached.at < TTL)`: the consequent is a (fresh) hit;
        // `if (!cached || expired(cached))`: the consequent is a miss or a stale entry. Either
        // way the round trip runs once per key and period, not once per call.
        Expr::Bin(bin) if bin.op == BinaryOp::LogicalAnd => {
            [&bin.left, &bin.right].into_iter().find_map(|side| {
                (lookup_test(side, lookups) == Some(LookupTest::Found)).then_some(LookupTest::Found)
            })
        }
        Expr::Bin(bin) if bin.op == BinaryOp::LogicalOr => {
            [&bin.left, &bin.right].into_iter().find_map(|side| {
                (lookup_test(side, lookups) == Some(LookupTest::Missing))
                    .then_some(LookupTest::Missing)
            })
        }
        other if is_lookup(other) => Some(LookupTest::Found),
        _ => None,
    }
}

/// `if (cached) return cached;`, `if (seen.has(id)) { continue; }`: a lookup hit that
/// leaves, so the statements after it run only on a miss.
pub fn is_hit_that_leaves(stmt: &Stmt, lookups: &std::collections::HashSet<String>) -> bool {
    let Stmt::If(if_stmt) = stmt else {
        return false;
    };
    if_stmt.alt.is_none()
        && lookup_test(&if_stmt.test, lookups) == Some(LookupTest::Found)
        && ends_flow(&if_stmt.cons)
}

/// A statement that always returns, throws, breaks or continues.
fn ends_flow(stmt: &Stmt) -> bool {
    match stmt {
        Stmt::Return(_) | Stmt::Throw(_) | Stmt::Break(_) | Stmt::Continue(_) => true,
        Stmt::Block(block) => block.stmts.last().is_some_and(ends_flow),
        _ => false,
    }
}

fn arg_shape(args: &[ExprOrSpread]) -> ArgShape {
    let first = args.first().map(|arg| strip(&arg.expr));
    ArgShape {
        first_is_str: matches!(first, Some(Expr::Lit(Lit::Str(_)) | Expr::Tpl(_))),
        first_is_sql: first.is_some_and(|e| {
            !matches!(
                e,
                Expr::Object(_) | Expr::Array(_) | Expr::Arrow(_) | Expr::Fn(_)
            )
        }),
        // The first argument only: `query(sql, [id])` passes SQL parameters.
        array_of_one: matches!(first, Some(Expr::Array(array))
            if array.elems.len() == 1
                && array.elems[0].as_ref().is_some_and(|e| e.spread.is_none())),
        count: if args.iter().any(|arg| arg.spread.is_some()) {
            None
        } else {
            u8::try_from(args.len()).ok()
        },
        nullish: args
            .iter()
            .take(32)
            .enumerate()
            .filter(|(_, arg)| arg.spread.is_none() && is_nullish(&arg.expr))
            .fold(0, |mask, (position, _)| mask | (1 << position)),
    }
}

/// `undefined`, `null`, `void 0`.
fn is_nullish(expr: &Expr) -> bool {
    match strip(expr) {
        Expr::Lit(Lit::Null(_)) => true,
        Expr::Ident(ident) => ident.sym == "undefined",
        Expr::Unary(unary) => {
            unary.op == UnaryOp::Void && matches!(strip(&unary.arg), Expr::Lit(_))
        }
        _ => false,
    }
}

fn plain(name: String, at: Span) -> CallSeg {
    CallSeg {
        name,
        call: false,
        args: ArgShape::default(),
        expr: at,
        args_span: at,
        name_start: at.start,
    }
}

/// `a.b` and `a?.b`: the chain of `a`, then `b`.
fn member_chain(member: &MemberExpr) -> CallChain {
    let mut out = chain(&member.obj);
    out.push(CallSeg {
        name: member_prop(&member.prop).unwrap_or_else(|| "[]".into()),
        call: false,
        args: ArgShape::default(),
        expr: span(member.span),
        args_span: span(member.span),
        name_start: span(member.prop.span()).start,
    });
    out
}

fn mark_call(chain: &mut CallChain, args: ArgShape, call_span: Span, args_span: Span) {
    if let Some(last) = chain.last_mut() {
        if last.call {
            // `f()()`: a call of a call's result.
            chain.push(CallSeg {
                name: "?".into(),
                call: true,
                args,
                expr: call_span,
                args_span,
                name_start: call_span.start,
            });
            return;
        }
        last.call = true;
        last.args = args;
        last.expr = call_span;
        last.args_span = args_span;
    }
}

fn call_parts(callee_end: u32, call_span: Span) -> Span {
    Span::new(callee_end.min(call_span.end), call_span.end)
}

/// The chain of an expression: `this.prisma.task.create(…)` → `this`, `prisma`, `task`,
/// `create()`; `await` and TypeScript wrappers are transparent, anything else is `?`.
pub fn chain(expr: &Expr) -> CallChain {
    let expr = strip(expr);
    match expr {
        Expr::Ident(ident) => vec![plain(ident.sym.to_string(), span(ident.span))],
        Expr::This(this) => vec![plain("this".into(), span(this.span))],
        Expr::Member(member) => member_chain(member),
        Expr::Call(call) => {
            let call_span = span(call.span);
            let Callee::Expr(callee) = &call.callee else {
                let mut seg = plain("?".into(), call_span);
                seg.call = true;
                return vec![seg];
            };
            let mut out = chain(callee);
            let args_span = call_parts(span(callee.span()).end, call_span);
            mark_call(&mut out, arg_shape(&call.args), call_span, args_span);
            out
        }
        Expr::OptChain(opt) => match &*opt.base {
            OptChainBase::Member(member) => member_chain(member),
            OptChainBase::Call(call) => {
                let mut out = chain(&call.callee);
                let call_span = span(call.span);
                let args_span = call_parts(span(call.callee.span()).end, call_span);
                mark_call(&mut out, arg_shape(&call.args), call_span, args_span);
                out
            }
        },
        Expr::TaggedTpl(tagged) => {
            let mut out = chain(&tagged.tag);
            let shape = ArgShape {
                first_is_str: true,
                first_is_sql: true,
                ..ArgShape::default()
            };
            mark_call(&mut out, shape, span(tagged.span), span(tagged.tpl.span));
            out
        }
        Expr::Await(await_expr) => chain(&await_expr.arg),
        _ => vec![plain("?".into(), span(expr.span()))],
    }
}

/// A type as written: `Repository<User>` is `Repository` with the argument `User`;
/// `Prisma.TransactionClient` is `Prisma.TransactionClient`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeName {
    pub name: String,
    pub args: Vec<String>,
}

/// What a class field holds, as far as the class says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldKind {
    /// A declared type, or `new T(…)` assigned in the constructor or the declaration.
    Type(TypeName),
    /// An expression assigned in the constructor or the declaration
    /// (`this.repo = dataSource.getRepository(User)`): a field read means that chain.
    Init(CallChain),
}

/// The calls of one function or method whose promise it waits for or hands back:
/// awaited, returned, or the body of an arrow function (also in the callbacks it
/// passes on, `Promise.all(ids.map((id) => this.repo.findOne(id)))`, but not in
/// nested classes).
#[derive(Debug, Clone, Default)]
pub struct FunctionSummary {
    /// The function's name (or the method's key).
    pub name_span: Span,
    pub calls: Vec<CallChain>,
    /// For each of `calls`, the positions of the parameters that a test directly around
    /// it requires to be given (`if (teamId) { await … }`, `if (!teamId) return;` before
    /// it): a caller that gives nothing there (see [`ArgShape::gives_nothing_at`]) does
    /// not make that call. Only parameters the body never assigns or shadows.
    pub guards: Vec<Vec<usize>>,
    /// The names the function binds itself other than to a function literal: its
    /// parameters, its callbacks' parameters and its variables. A call of one of them
    /// (see [`FunctionSummary::calls_local`]) calls whatever value it holds (a lookup
    /// handed in as `getFactTable`), not the module's function or the import of that name.
    pub locals: std::collections::HashSet<String>,
}

impl FunctionSummary {
    /// Whether `chain` is a plain call of a name the function binds itself
    /// (`getFactTable(id)` with a parameter `getFactTable`).
    pub fn calls_local(&self, chain: &CallChain) -> bool {
        is_call_of_local(chain, &self.locals)
    }
}

/// Whether a declarator binds a function literal (`const load = async (id) => …`), which
/// is summarised under its name.
pub fn declares_function(declarator: &VarDeclarator) -> bool {
    declarator
        .init
        .as_deref()
        .is_some_and(|init| matches!(strip(init), Expr::Arrow(_) | Expr::Fn(_)))
}

/// Whether `chain` is a plain call (`load(id)`, no receiver) of one of `locals`.
pub fn is_call_of_local(chain: &CallChain, locals: &std::collections::HashSet<String>) -> bool {
    matches!(chain.as_slice(), [only] if only.call && locals.contains(&only.name))
}

#[derive(Debug, Clone, Default)]
pub struct ClassSummary {
    pub name: String,
    pub name_span: Span,
    /// The whole class.
    pub span: Span,
    pub fields: HashMap<String, FieldKind>,
    pub methods: HashMap<String, FunctionSummary>,
}

/// Where an imported name comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedFrom {
    pub specifier: String,
    pub imported: Imported,
}

/// The call summaries of one module.
pub struct CallSummaries {
    /// The file, for labels that point into it.
    pub file: Arc<SourceFile>,
    /// Imported names by their local name.
    pub imports: HashMap<String, ImportedFrom>,
    /// Classes by name (the first of a name).
    pub classes: HashMap<String, ClassSummary>,
    /// Functions by name: declarations and `const f = (…) => …`, at any depth; a name
    /// declared twice is dropped (which one runs is not known).
    pub functions: HashMap<String, FunctionSummary>,
    /// The local name behind each export (`default` included), where there is one.
    pub exports: HashMap<String, String>,
}

impl CallSummaries {
    /// The summaries of a module already parsed.
    pub fn of_program(file: Arc<SourceFile>, program: &Program) -> CallSummaries {
        let info = module_info(program);
        let mut imports = HashMap::new();
        for import in &info.imports {
            for binding in &import.bindings {
                if let Some(local) = &binding.local {
                    imports.insert(
                        local.clone(),
                        ImportedFrom {
                            specifier: import.specifier.clone(),
                            imported: binding.imported.clone(),
                        },
                    );
                }
            }
        }
        let mut collector = Collector::default();
        program.visit_with(&mut collector);
        let mut exports = HashMap::new();
        for export in &info.exports {
            if export.from.is_none() {
                let local = info.export_local(&export.name).unwrap_or(&export.name);
                exports.insert(export.name.clone(), local.to_string());
            }
        }
        if let Some(default) = collector.default_class.take() {
            exports.insert("default".into(), default);
        }
        CallSummaries {
            file,
            imports,
            classes: collector.classes,
            functions: collector
                .functions
                .into_iter()
                .filter_map(|(name, summary)| Some((name, summary?)))
                .collect(),
            exports,
        }
    }

    /// The class or function a module exports under `name` (`default` for the default).
    pub fn exported_local<'a>(&'a self, name: &'a str) -> Option<&'a str> {
        self.exports
            .get(name)
            .map(String::as_str)
            .or_else(|| (name != "default").then_some(name))
    }
}

impl ProjectIndex for CallSummaries {
    /// An absolute, normalized path.
    type Key = PathBuf;

    fn build(project: &Project, path: &PathBuf) -> CallSummaries {
        let display = match path.strip_prefix(&project.cwd) {
            Ok(relative) => relative.to_string_lossy().replace('\\', "/"),
            Err(_) => path.to_string_lossy().replace('\\', "/"),
        };
        let text = project
            .read(path)
            .map(|t| t.to_string())
            .unwrap_or_default();
        let file = Arc::new(SourceFile::new(path.clone(), display, text));
        match parse(&file.display, &file.text) {
            Ok(parsed) => CallSummaries::of_program(Arc::clone(&file), &parsed.program),
            // Nothing known: no call is followed into a module that did not parse.
            Err(_) => CallSummaries {
                file,
                imports: HashMap::new(),
                classes: HashMap::new(),
                functions: HashMap::new(),
                exports: HashMap::new(),
            },
        }
    }
}

fn type_name(ty: &TsType) -> Option<TypeName> {
    match ty {
        TsType::TsTypeRef(reference) => {
            let name = entity_name(&reference.type_name);
            let args = reference
                .type_params
                .as_ref()
                .map(|params| {
                    params
                        .params
                        .iter()
                        .filter_map(|p| type_name(p).map(|t| t.name))
                        .collect()
                })
                .unwrap_or_default();
            Some(TypeName { name, args })
        }
        _ => None,
    }
}

fn entity_name(name: &TsEntityName) -> String {
    match name {
        TsEntityName::Ident(ident) => ident.sym.to_string(),
        TsEntityName::TsQualifiedName(qualified) => {
            format!("{}.{}", entity_name(&qualified.left), qualified.right.sym)
        }
    }
}

fn prop_key(key: &PropName) -> Option<String> {
    match key {
        PropName::Ident(ident) => Some(ident.sym.to_string()),
        PropName::Str(s) => Some(s.value.to_atom_lossy().to_string()),
        _ => None,
    }
}

/// What an initializer says a field holds: `new Client()` is a `Client`, anything else is
/// the chain it reads.
fn field_of_init(init: &Expr) -> Option<FieldKind> {
    match strip(init) {
        Expr::New(new) => match strip(&new.callee) {
            Expr::Ident(ident) => Some(FieldKind::Type(TypeName {
                name: ident.sym.to_string(),
                args: Vec::new(),
            })),
            _ => None,
        },
        Expr::Arrow(_) | Expr::Fn(_) | Expr::Lit(_) | Expr::Object(_) | Expr::Array(_) => None,
        other => {
            let chain = chain(other);
            (!chain.iter().any(|seg| seg.name == "?")).then_some(FieldKind::Init(chain))
        }
    }
}

#[derive(Default)]
struct Collector {
    classes: HashMap<String, ClassSummary>,
    /// `None`: declared twice.
    functions: HashMap<String, Option<FunctionSummary>>,
    /// `export default class Foo`, `export default function foo`.
    default_class: Option<String>,
}

impl Collector {
    fn add_function(&mut self, name: String, summary: FunctionSummary) {
        self.functions
            .entry(name)
            .and_modify(|slot| *slot = None)
            .or_insert(Some(summary));
    }

    fn class(&mut self, name: &Ident, class: &Class) {
        let mut summary = ClassSummary {
            name: name.sym.to_string(),
            name_span: span(name.span),
            span: span(class.span),
            ..ClassSummary::default()
        };
        for member in &class.body {
            match member {
                ClassMember::Constructor(constructor) => {
                    for param in &constructor.params {
                        if let ParamOrTsParamProp::TsParamProp(prop) = param {
                            if let TsParamPropParam::Ident(ident) = &prop.param {
                                if let Some(ty) =
                                    ident.type_ann.as_ref().and_then(|t| type_name(&t.type_ann))
                                {
                                    summary
                                        .fields
                                        .insert(ident.id.sym.to_string(), FieldKind::Type(ty));
                                }
                            }
                        }
                    }
                    if let Some(body) = &constructor.body {
                        let mut assigned = ConstructorAssignments::default();
                        body.visit_with(&mut assigned);
                        for (field, kind) in assigned.fields {
                            summary.fields.entry(field).or_insert(kind);
                        }
                    }
                }
                ClassMember::ClassProp(prop) => {
                    let Some(name) = prop_key(&prop.key) else {
                        continue;
                    };
                    match prop.value.as_deref().map(strip) {
                        Some(Expr::Arrow(arrow)) => {
                            let function = Calls::of_arrow(span(prop.key.span()), arrow);
                            summary.methods.insert(name, function);
                        }
                        value => {
                            let kind = prop
                                .type_ann
                                .as_ref()
                                .and_then(|t| type_name(&t.type_ann))
                                .map(FieldKind::Type)
                                .or_else(|| value.and_then(field_of_init));
                            if let Some(kind) = kind {
                                summary.fields.insert(name, kind);
                            }
                        }
                    }
                }
                // Overload signatures have no body: the implementation is the method.
                ClassMember::Method(method)
                    if method.kind == MethodKind::Method && method.function.body.is_some() =>
                {
                    let Some(name) = prop_key(&method.key) else {
                        continue;
                    };
                    summary.methods.entry(name).or_insert(Calls::of_function(
                        span(method.key.span()),
                        &method.function,
                    ));
                }
                ClassMember::PrivateMethod(method) => {
                    summary.methods.insert(
                        format!("#{}", method.key.name),
                        Calls::of_function(span(method.key.span), &method.function),
                    );
                }
                _ => {}
            }
        }
        self.classes.entry(summary.name.clone()).or_insert(summary);
    }
}

impl Visit for Collector {
    fn visit_class_decl(&mut self, decl: &ClassDecl) {
        self.class(&decl.ident, &decl.class);
        decl.visit_children_with(self);
    }

    fn visit_export_default_decl(&mut self, decl: &ExportDefaultDecl) {
        match &decl.decl {
            DefaultDecl::Class(class) => {
                if let Some(ident) = &class.ident {
                    self.class(ident, &class.class);
                    self.default_class = Some(ident.sym.to_string());
                }
            }
            DefaultDecl::Fn(function) => {
                if let Some(ident) = &function.ident {
                    let summary = Calls::of_function(span(ident.span), &function.function);
                    self.add_function(ident.sym.to_string(), summary);
                    self.default_class = Some(ident.sym.to_string());
                }
            }
            DefaultDecl::TsInterfaceDecl(_) => {}
        }
        decl.visit_children_with(self);
    }

    fn visit_fn_decl(&mut self, decl: &FnDecl) {
        if decl.function.body.is_none() {
            // An overload signature (or `declare function`): the implementation counts.
            return;
        }
        let summary = Calls::of_function(span(decl.ident.span), &decl.function);
        self.add_function(decl.ident.sym.to_string(), summary);
        decl.visit_children_with(self);
    }

    fn visit_var_declarator(&mut self, declarator: &VarDeclarator) {
        if let (Pat::Ident(name), Some(init)) = (&declarator.name, &declarator.init) {
            let name_span = span(name.id.span);
            let summary = match strip(init) {
                Expr::Arrow(arrow) => Some(Calls::of_arrow(name_span, arrow)),
                Expr::Fn(function) => Some(Calls::of_function(name_span, &function.function)),
                _ => None,
            };
            if let Some(summary) = summary {
                self.add_function(name.id.sym.to_string(), summary);
            }
        }
        declarator.visit_children_with(self);
    }
}

/// `this.x = …` in a constructor body.
#[derive(Default)]
struct ConstructorAssignments {
    fields: Vec<(String, FieldKind)>,
}

impl Visit for ConstructorAssignments {
    fn visit_function(&mut self, _: &Function) {}
    fn visit_class(&mut self, _: &Class) {}

    fn visit_assign_expr(&mut self, assign: &AssignExpr) {
        if let AssignTarget::Simple(SimpleAssignTarget::Member(member)) = &assign.left {
            if matches!(strip(&member.obj), Expr::This(_)) {
                if let (Some(name), Some(kind)) =
                    (member_prop(&member.prop), field_of_init(&assign.right))
                {
                    self.fields.push((name, kind));
                }
            }
        }
        assign.visit_children_with(self);
    }
}

/// The calls a function body waits for or hands back, but not those made only when a
/// lookup in memory missed (see [`lookup_test`]), each with the parameters a test
/// around it requires (see [`FunctionSummary::guards`]).
#[derive(Default)]
struct Calls {
    calls: Vec<CallChain>,
    guards: Vec<Vec<usize>>,
    lookups: std::collections::HashSet<String>,
    /// The function's plain parameters by position (`None`: a pattern, a default, a rest).
    params: Vec<Option<String>>,
    /// The parameters required by the tests around the statement being visited.
    required: Vec<usize>,
    /// Parameters the body assigns or shadows: a test of one says nothing of the argument.
    rebound: std::collections::HashSet<String>,
    /// How many functions deep inside the summarised one (callbacks): a test there may
    /// be of a name its own parameters shadow.
    nested: usize,
    /// See [`FunctionSummary::locals`].
    locals: std::collections::HashSet<String>,
}

impl Calls {
    fn of_function(name_span: Span, function: &Function) -> FunctionSummary {
        let mut calls = Calls {
            params: function
                .params
                .iter()
                .map(|p| plain_param(&p.pat))
                .collect(),
            ..Calls::default()
        };
        for param in &function.params {
            calls.bind_locals(&param.pat);
        }
        function.body.visit_with(&mut calls);
        calls.summary(name_span)
    }

    fn of_arrow(name_span: Span, arrow: &ArrowExpr) -> FunctionSummary {
        let mut calls = Calls {
            params: arrow.params.iter().map(plain_param).collect(),
            ..Calls::default()
        };
        // The arrow itself, for a body that is an expression; its parameters are ours.
        calls.nested = usize::MAX;
        arrow.visit_with(&mut calls);
        calls.summary(name_span)
    }

    fn summary(self, name_span: Span) -> FunctionSummary {
        let rebound: Vec<usize> = self
            .params
            .iter()
            .enumerate()
            .filter(|(_, name)| name.as_ref().is_some_and(|n| self.rebound.contains(n)))
            .map(|(position, _)| position)
            .collect();
        let guards = self
            .guards
            .into_iter()
            .map(|mut required| {
                required.retain(|position| !rebound.contains(position));
                required
            })
            .collect();
        FunctionSummary {
            name_span,
            calls: self.calls,
            guards,
            locals: self.locals,
        }
    }

    /// Records the names `pat` binds as [`FunctionSummary::locals`].
    fn bind_locals(&mut self, pat: &Pat) {
        let mut bound = Vec::new();
        crate::pattern_idents(pat, &mut bound);
        self.locals
            .extend(bound.into_iter().map(|ident| ident.sym.to_string()));
    }

    fn consider(&mut self, expr: &Expr) {
        let chain = chain(unwrap_observable(expr));
        if chain.last().is_some_and(|seg| seg.call) {
            self.calls.push(chain);
            self.guards.push(self.required.clone());
        }
    }

    /// The parameter a test requires to be given when it holds (`teamId`, `teamId !=
    /// null`, `teamId !== undefined`, `teamId && x`), and the one it requires when it
    /// fails (`!teamId`, `teamId == null`, `teamId === undefined`).
    fn tested_param(&self, test: &Expr) -> (Option<usize>, Option<usize>) {
        if self.nested > 0 && self.nested != usize::MAX {
            return (None, None);
        }
        let param = |expr: &Expr| match strip(expr) {
            Expr::Ident(ident) => self
                .params
                .iter()
                .position(|p| p.as_deref() == Some(&*ident.sym)),
            _ => None,
        };
        match strip(test) {
            Expr::Ident(_) => (param(test), None),
            Expr::Unary(unary) if unary.op == UnaryOp::Bang => {
                let (holds, fails) = self.tested_param(&unary.arg);
                (fails, holds)
            }
            Expr::Bin(bin) if bin.op == BinaryOp::LogicalAnd => {
                let (left, _) = self.tested_param(&bin.left);
                let (right, _) = self.tested_param(&bin.right);
                (left.or(right), None)
            }
            Expr::Bin(bin) => {
                let compared = if is_nullish(&bin.right) {
                    param(&bin.left)
                } else if is_nullish(&bin.left) {
                    param(&bin.right)
                } else {
                    None
                };
                match bin.op {
                    BinaryOp::NotEq | BinaryOp::NotEqEq => (compared, None),
                    BinaryOp::EqEq | BinaryOp::EqEqEq => (None, compared),
                    _ => (None, None),
                }
            }
            _ => (None, None),
        }
    }

    fn visit_required(&mut self, node: &impl VisitWith<Self>, param: Option<usize>) {
        let depth = self.required.len();
        self.required.extend(param);
        node.visit_with(self);
        self.required.truncate(depth);
    }
}

/// A parameter that is a plain name: given nothing, it is `undefined`.
fn plain_param(pat: &Pat) -> Option<String> {
    match pat {
        Pat::Ident(ident) => Some(ident.id.sym.to_string()),
        _ => None,
    }
}

impl Visit for Calls {
    fn visit_class(&mut self, _: &Class) {}

    fn visit_stmts(&mut self, stmts: &[Stmt]) {
        let depth = self.required.len();
        for stmt in stmts {
            stmt.visit_with(self);
            if is_hit_that_leaves(stmt, &self.lookups) {
                // The rest runs on a miss only.
                break;
            }
            // `if (!teamId) return;`: the rest runs only when `teamId` is given.
            if let Stmt::If(if_stmt) = stmt {
                if if_stmt.alt.is_none() && ends_flow(&if_stmt.cons) {
                    let (_, fails) = self.tested_param(&if_stmt.test);
                    self.required.extend(fails);
                }
            }
        }
        self.required.truncate(depth);
    }

    fn visit_var_declarator(&mut self, declarator: &VarDeclarator) {
        if let (Pat::Ident(name), Some(init)) = (&declarator.name, &declarator.init) {
            if is_sync_lookup(init) {
                self.lookups.insert(name.id.sym.to_string());
            }
        }
        let mut bound = Vec::new();
        crate::pattern_idents(&declarator.name, &mut bound);
        self.rebound
            .extend(bound.into_iter().map(|ident| ident.sym.to_string()));
        // A function literal is summarised under its name (see `Collector`): a call of
        // it is followed there.
        if !declares_function(declarator) {
            self.bind_locals(&declarator.name);
        }
        declarator.visit_children_with(self);
    }

    fn visit_assign_expr(&mut self, assign: &AssignExpr) {
        if let AssignTarget::Simple(SimpleAssignTarget::Ident(ident)) = &assign.left {
            self.rebound.insert(ident.id.sym.to_string());
        }
        assign.visit_children_with(self);
    }

    fn visit_update_expr(&mut self, update: &UpdateExpr) {
        if let Expr::Ident(ident) = strip(&update.arg) {
            self.rebound.insert(ident.sym.to_string());
        }
        update.visit_children_with(self);
    }

    fn visit_if_stmt(&mut self, stmt: &IfStmt) {
        stmt.test.visit_with(self);
        let (holds, fails) = self.tested_param(&stmt.test);
        match lookup_test(&stmt.test, &self.lookups) {
            Some(LookupTest::Found) => self.visit_required(&stmt.cons, holds),
            Some(LookupTest::Missing) => self.visit_required(&stmt.alt, fails),
            None => {
                self.visit_required(&stmt.cons, holds);
                self.visit_required(&stmt.alt, fails);
            }
        }
    }

    // A callback's own parameters may shadow ours: tests inside it are not read (see
    // `tested_param`), while its calls keep the tests around it.
    fn visit_function(&mut self, function: &Function) {
        self.nested += 1;
        for param in &function.params {
            self.bind_locals(&param.pat);
        }
        function.visit_children_with(self);
        self.nested -= 1;
    }

    fn visit_arrow_expr(&mut self, arrow: &ArrowExpr) {
        for param in &arrow.params {
            self.bind_locals(param);
        }
        if self.nested == usize::MAX {
            // The summarised arrow itself.
            self.nested = 0;
        } else {
            self.nested += 1;
        }
        if let ArrowFunctionBody::Expr(expr) = &*arrow.body {
            self.consider(expr);
        }
        arrow.visit_children_with(self);
        self.nested = self.nested.saturating_sub(1);
    }

    fn visit_await_expr(&mut self, expr: &AwaitExpr) {
        self.consider(&expr.arg);
        expr.visit_children_with(self);
    }

    fn visit_return_stmt(&mut self, stmt: &ReturnStmt) {
        if let Some(arg) = &stmt.arg {
            if !matches!(strip(arg), Expr::Await(_)) {
                self.consider(arg);
            }
        }
        stmt.visit_children_with(self);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summaries(text: &str) -> CallSummaries {
        let parsed = parse("a.ts", text).unwrap();
        let file = Arc::new(SourceFile::new("a.ts".into(), "a.ts".into(), text.into()));
        CallSummaries::of_program(file, &parsed.program)
    }

    fn shown(chain: &CallChain) -> String {
        chain
            .iter()
            .map(|seg| format!("{}{}", seg.name, if seg.call { "()" } else { "" }))
            .collect::<Vec<_>>()
            .join(".")
    }

    #[test]
    fn value_roots_keep_the_local_a_value_is_made_from() {
        let roots = |text: &str| {
            let parsed = parse("a.ts", text).unwrap();
            let stmts: Vec<&Stmt> = match &parsed.program {
                Program::Script(script) => script.body.iter().collect(),
                Program::Module(module) => module
                    .body
                    .iter()
                    .filter_map(|item| match item {
                        ModuleItem::Stmt(stmt) => Some(stmt),
                        _ => None,
                    })
                    .collect(),
            };
            stmts
                .into_iter()
                .map(|stmt| match stmt {
                    Stmt::Expr(stmt) => value_root(&stmt.expr).unwrap_or("-").to_string(),
                    _ => panic!("an expression statement"),
                })
                .collect::<Vec<_>>()
                .join(" ")
        };
        assert_eq!(
            roots("rows;\nrows.filter(f);\n(order?.lines)!;\nObject.values(byId);\n[...a, b];\nxs ?? [];\nitems[i];\n"),
            "rows rows order byId a xs items"
        );
        assert_eq!(
            roots("this.items;\nload(ids);\n[1, 2];\nObject.keys(this.config);\n"),
            "- - - -"
        );
    }

    #[test]
    fn fields_come_from_parameter_properties_declarations_and_the_constructor() {
        let s = summaries(
            "import { Repository } from 'typeorm';\n\
             export class Users {\n\
               private cache: Cache<Item>;\n\
               private readonly posts = this.ds.getRepository(Post);\n\
               constructor(@InjectRepository(User) private readonly repo: Repository<User>, private ds: DataSource, plain: number) {\n\
                 this.client = new Client();\n\
                 this.other = ds.getRepository(Other);\n\
               }\n\
               async load(id) { const u = await this.repo.findOne({ where: { id } }); return this.other.find(); }\n\
               find = (id) => this.posts.findOneBy({ id });\n\
             }\n",
        );
        let class = &s.classes["Users"];
        let ty = |name: &str| match &class.fields[name] {
            FieldKind::Type(t) => format!("{}<{}>", t.name, t.args.join(",")),
            FieldKind::Init(chain) => shown(chain),
        };
        assert_eq!(ty("repo"), "Repository<User>");
        assert_eq!(ty("ds"), "DataSource<>");
        assert_eq!(ty("cache"), "Cache<Item>");
        assert_eq!(ty("client"), "Client<>");
        assert_eq!(ty("other"), "ds.getRepository()");
        assert_eq!(ty("posts"), "this.ds.getRepository()");
        assert!(!class.fields.contains_key("plain"));
        let calls: Vec<_> = class.methods["load"].calls.iter().map(shown).collect();
        assert_eq!(calls, ["this.repo.findOne()", "this.other.find()"]);
        let calls: Vec<_> = class.methods["find"].calls.iter().map(shown).collect();
        assert_eq!(calls, ["this.posts.findOneBy()"]);
        assert_eq!(
            s.imports["Repository"],
            ImportedFrom {
                specifier: "typeorm".into(),
                imported: Imported::Named("Repository".into())
            }
        );
        assert_eq!(s.exported_local("Users"), Some("Users"));
    }

    #[test]
    fn functions_declared_twice_are_unknown_and_callbacks_count() {
        let s = summaries(
            "function a() { return 1; }\nfunction a() { return 2; }\n\
             export default async function b(ids) { await Promise.all(ids.map((id) => db.user.findUnique({ where: { id } }))); }\n\
             const c = async (x) => { await fetch(x); };\n",
        );
        assert!(!s.functions.contains_key("a"));
        let calls: Vec<_> = s.functions["b"].calls.iter().map(shown).collect();
        assert_eq!(calls, ["Promise.all()", "db.user.findUnique()"]);
        let calls: Vec<_> = s.functions["c"].calls.iter().map(shown).collect();
        assert_eq!(calls, ["fetch()"]);
    }

    #[test]
    fn overload_signatures_give_way_to_the_implementation() {
        let s = summaries(
            "export function f(a: string): void;\nexport function f(a: number): void;\nexport async function f(a) { await db.user.findMany(); }\n\
             class C { async set(a: string): Promise<void>;\n async set(a) { await this.repo.save(a); } }\n",
        );
        let calls: Vec<_> = s.functions["f"].calls.iter().map(shown).collect();
        assert_eq!(calls, ["db.user.findMany()"]);
        let calls: Vec<_> = s.classes["C"].methods["set"]
            .calls
            .iter()
            .map(shown)
            .collect();
        assert_eq!(calls, ["this.repo.save()"]);
    }

    #[test]
    fn the_bit_set_of_positions_given_nothing_agrees_with_each_position() {
        for (count, nullish) in [(Some(0), 0), (Some(2), 0b1), (None, 0b100), (Some(40), 0)] {
            let shape = ArgShape {
                count,
                nullish,
                ..ArgShape::default()
            };
            for position in 0..32 {
                assert_eq!(
                    shape.nothing_given() & (1 << position) != 0,
                    shape.gives_nothing_at(position),
                    "{shape:?} at {position}"
                );
            }
        }
    }

    #[test]
    fn calls_under_a_test_of_a_parameter_require_it() {
        let s = summaries(
            "async function f(a, team, { x }) {\n               if (team) { await db.m.findFirst(); } else { await db.n.findFirst(); }\n               if (!team) return;\n               await db.o.findFirst();\n               items.map((team) => { if (team) return db.p.findFirst(); });\n             }\n             async function g(a, team) { team = team || 'x'; if (team) await db.q.findFirst(); }\n",
        );
        let f = &s.functions["f"];
        let calls: Vec<_> = f.calls.iter().map(shown).collect();
        assert_eq!(
            calls,
            [
                "db.m.findFirst()",
                "db.n.findFirst()",
                "db.o.findFirst()",
                "db.p.findFirst()"
            ]
        );
        assert_eq!(f.guards, [vec![1], vec![], vec![1], vec![1]]);
        // The callback's own `team` is another name: its test requires nothing more.
        assert_eq!(s.functions["g"].guards, [Vec::<usize>::new()]);
        let call = summaries("async function h() { await f(1, undefined); await f(...xs); }\n");
        let args = |i: usize| call.functions["h"].calls[i].last().unwrap().args;
        assert!(args(0).gives_nothing_at(1) && args(0).gives_nothing_at(2));
        assert!(!args(0).gives_nothing_at(0));
        assert!(!args(1).gives_nothing_at(1));
    }

    #[test]
    fn arrays_of_one_are_seen() {
        let s = summaries(
            "async function f(id) { await api.getByIds([id]); await api.getByIds([...ids]); }\n",
        );
        let calls = &s.functions["f"].calls;
        assert!(calls[0].last().unwrap().args.array_of_one);
        assert!(!calls[1].last().unwrap().args.array_of_one);
    }

    #[test]
    fn calls_of_names_the_function_binds_are_local() {
        let s = summaries(
            "import { getTable } from './tables';\n\
             async function f(body, getTable, { load }) {\n\
               const find = makeFinder();\n\
               const own = async (id) => db.t.findUnique({ where: { id } });\n\
               await getTable(body.id); await load(1); await find(2); await own(3);\n\
               await Promise.all(body.xs.map((each) => each()));\n\
               await db.t.findMany();\n\
             }\n\
             async function g(body) { await getTable(body.id); }\n",
        );
        let f = &s.functions["f"];
        let local: Vec<_> = f
            .calls
            .iter()
            .filter(|call| f.calls_local(call))
            .map(shown)
            .collect();
        assert_eq!(local, ["getTable()", "load()", "find()", "each()"]);
        let g = &s.functions["g"];
        assert!(!g.calls_local(&g.calls[0]));
    }
}
