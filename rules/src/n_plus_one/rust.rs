use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use prodlint_core::{Diagnostic, Span};
use prodlint_rust::ra_ap_syntax::ast::{self, HasArgList, HasLoopBody, HasName};
use prodlint_rust::ra_ap_syntax::{AstNode, SyntaxNode, TextRange};
use prodlint_rust::{is_in_test_code, span};

use super::catalogue::{self, Args, Lang, Seg};
use super::rust_groups;
use super::rust_origin;
use super::rust_reach::RustReach;
use super::{
    holds_groups, is_drain_call, is_group_name, is_pacing_call, is_retry_or_paging_header, pages,
    render_chain, Access, At, Chain, Finding, Hop, LoopSite, NPlusOne, ViaHelper, SMALL_BOUND,
};
use crate::RustContext;

/// Iterator and stream adapters whose closure runs once per item, one after another.
const SEQUENTIAL_ADAPTERS: &[&str] = &[
    "for_each",
    "try_for_each",
    "then",
    "and_then",
    "fold",
    "try_fold",
    "filter",
    "filter_map",
];

/// Adapters whose sync closure runs once per item (a blocking query in them repeats).
const SYNC_ADAPTERS: &[&str] = &[
    "map",
    "filter_map",
    "flat_map",
    "filter",
    "for_each",
    "try_for_each",
    "fold",
    "try_fold",
    "any",
    "all",
    "find",
    "find_map",
    "inspect",
];

/// Calls in a receiver chain that make it an iterator or stream over a collection.
const COLLECTION_SOURCES: &[&str] = &[
    "iter",
    "into_iter",
    "iter_mut",
    "drain",
    "values",
    "values_mut",
    "keys",
    "chunks",
    "windows",
    "into_values",
    "into_keys",
];

fn path_text(path: &ast::Path) -> String {
    path.segments()
        .filter_map(|segment| {
            segment
                .name_ref()
                .map(|n| n.text().to_string())
                .or_else(|| {
                    // `Self`, `self`, `super`, `crate`
                    segment.syntax().first_token().map(|t| t.text().to_string())
                })
        })
        .collect::<Vec<_>>()
        .join("::")
}

/// Strips references, derefs and connection-getting calls: `&mut *pool.acquire().await?`
/// → `pool`; a call without arguments is judged by its name, `&mut
/// get_async_db_conn().await?` → `get_async_db_conn`, `storage::db()` → `db`.
fn is_conn_like(text: &str) -> bool {
    let mut text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    loop {
        let before = text.len();
        for prefix in ["&mut", "&", "*", "self."] {
            if let Some(rest) = text.strip_prefix(prefix) {
                text = rest.to_string();
            }
        }
        for suffix in [
            "?",
            ".await",
            ".get()",
            ".acquire()",
            ".begin()",
            ".as_mut()",
            ".as_ref()",
            ".deref()",
            ".deref_mut()",
            ".lock()",
            ".unwrap()",
            ".clone()",
            ".get_conn()",
            ".conn()",
            ".connection()",
            "()",
        ] {
            if let Some(rest) = text.strip_suffix(suffix) {
                text = rest.to_string();
            }
        }
        if text.len() == before {
            break;
        }
    }
    // A path to a function: its name.
    if let Some((_, name)) = text.rsplit_once("::") {
        text = name.to_string();
    }
    if !text
        .chars()
        .all(|c| c.is_alphanumeric() || c == '_' || c == '.')
        || text.is_empty()
    {
        return false;
    }
    let last = text
        .rsplit('.')
        .next()
        .unwrap_or(&text)
        .to_ascii_lowercase();
    const WORDS: &[&str] = &[
        "db",
        "conn",
        "connection",
        "pool",
        "tx",
        "txn",
        "transaction",
        "executor",
        "database",
        "trx",
        "pg",
        "con",
    ];
    WORDS.contains(&last.as_str()) || WORDS.iter().any(|word| last.ends_with(&format!("_{word}")))
}

fn args_of(list: Option<ast::ArgList>, fallback: Span) -> (Args, Span) {
    let Some(list) = list else {
        return (Args::default(), fallback);
    };
    let args: Vec<ast::Expr> = list.args().collect();
    let first = args.first();
    // The text of an argument is rendered only when its first and last tokens allow the
    // answer to be yes: an argument is often a closure holding the rest of the chain, and
    // rendering it for every call of the chain made a chain's cost quadratic in its length.
    let info = Args {
        first_is_str: matches!(first, Some(ast::Expr::Literal(lit)) if lit.syntax().text().to_string().contains('"')),
        first_is_sql: first.is_some_and(|e| {
            !matches!(
                e,
                ast::Expr::ClosureExpr(_) | ast::Expr::ArrayExpr(_) | ast::Expr::RecordExpr(_)
            )
        }),
        conn: args.len() == 1
            && may_be_conn_like(args[0].syntax())
            && is_conn_like(&args[0].syntax().text().to_string()),
        // The first argument only: a second `&[id]` is a parameter list
        // (`query(&stmt, &[id])`).
        array_of_one: first.map(converted_from).is_some_and(|e| {
            may_be_array_of_one(e.syntax())
                && is_array_of_one(&prodlint_rust::compact_text(e.syntax()))
        }),
        params: args.get(1).is_some_and(|second| {
            starts_with_token(second.syntax(), |t| t.starts_with('&'))
                && prodlint_rust::compact_text(second.syntax()).starts_with("&[")
        }),
    };
    (info, span(list.syntax().text_range()))
}

/// The value a conversion without arguments is made from: `vec![id]` in
/// `vec![id].into()` or `[id].to_vec()`, which hand the callee the same one element.
fn converted_from(expr: &ast::Expr) -> ast::Expr {
    const CONVERSIONS: &[&str] = &["into", "to_vec", "to_owned", "clone"];
    if let ast::Expr::MethodCallExpr(call) = expr {
        let converts = call
            .name_ref()
            .is_some_and(|name| CONVERSIONS.contains(&name.text()))
            && call
                .arg_list()
                .is_some_and(|args| args.args().next().is_none());
        if let (true, Some(receiver)) = (converts, call.receiver()) {
            return converted_from(&receiver);
        }
    }
    expr.clone()
}

/// Whether the node's first token passes `test` (true when the node starts with trivia, whose
/// rendering is then left to decide).
fn starts_with_token(node: &SyntaxNode, test: impl Fn(&str) -> bool) -> bool {
    node.first_token()
        .is_none_or(|t| t.kind().is_trivia() || test(t.text()))
}

/// What [`is_array_of_one`] needs of the rendered text, read from the node's first and last
/// tokens: it starts with `&`, `[` or `vec` and ends with `]`.
fn may_be_array_of_one(node: &SyntaxNode) -> bool {
    let ends = node
        .last_token()
        .is_none_or(|t| t.kind().is_trivia() || t.text().ends_with(']'));
    ends && starts_with_token(node, |t| t.starts_with(['&', '[']) || t == "vec")
}

/// What [`is_conn_like`] needs of the text: nothing but what it strips (`&`, `*`, `?`,
/// `()`), name characters, dots and whitespace. Stops at the first token that has anything
/// else (the `|` of a closure, a `{`, a `,`), so a large argument costs one token.
fn may_be_conn_like(node: &SyntaxNode) -> bool {
    node.descendants_with_tokens()
        .filter_map(|element| element.into_token())
        .all(|token| {
            token.text().chars().all(|c| {
                c.is_alphanumeric()
                    || c.is_whitespace()
                    || matches!(c, '_' | '.' | ':' | '&' | '*' | '?' | '(' | ')')
            })
        })
}

/// `&[id]`, `[id]`, `vec![id]`, `&vec![id.clone()]`: an array of exactly one element (not
/// `[0; n]`).
fn is_array_of_one(text: &str) -> bool {
    let text = text.trim_start_matches('&');
    let text = text.strip_prefix("vec!").unwrap_or(text);
    let Some(inner) = text.strip_prefix('[').and_then(|t| t.strip_suffix(']')) else {
        return false;
    };
    if inner.trim().is_empty() {
        return false;
    }
    let mut depth = 0i32;
    for c in inner.chars() {
        match c {
            '(' | '[' | '{' | '<' => depth += 1,
            ')' | ']' | '}' | '>' => depth -= 1,
            ',' | ';' if depth == 0 => return false,
            _ => {}
        }
    }
    true
}

fn plain(name: String, at: Span) -> Seg<At> {
    Seg {
        name,
        call: false,
        args: Args::default(),
        at: At {
            expr: at,
            args: at,
            name: at.start,
        },
    }
}

/// The chain of an expression: `sqlx::query(..).bind(x).fetch_one(&pool)` →
/// `sqlx::query()`, `bind()`, `fetch_one()`.
pub(super) fn chain(expr: &ast::Expr) -> Chain {
    let at = span(expr.syntax().text_range());
    match expr {
        ast::Expr::MethodCallExpr(call) => {
            let mut out = call.receiver().map(|r| chain(&r)).unwrap_or_default();
            let name = call
                .name_ref()
                .map(|n| n.text().to_string())
                .unwrap_or_default();
            let (args, args_span) = args_of(call.arg_list(), at);
            let name_start = call
                .name_ref()
                .map_or(at.start, |n| u32::from(n.syntax().text_range().start()));
            out.push(Seg {
                name,
                call: true,
                args,
                at: At {
                    expr: at,
                    args: args_span,
                    name: name_start,
                },
            });
            out
        }
        ast::Expr::CallExpr(call) => {
            let (args, args_span) = args_of(call.arg_list(), at);
            let mut out = match call.expr() {
                Some(ast::Expr::PathExpr(path)) => {
                    vec![plain(
                        path.path().map(|p| path_text(&p)).unwrap_or_default(),
                        at,
                    )]
                }
                Some(callee) => {
                    let mut out = chain(&callee);
                    out.push(plain("?".into(), at));
                    out
                }
                None => vec![plain("?".into(), at)],
            };
            if let Some(last) = out.last_mut() {
                last.call = true;
                last.args = args;
                last.at = At {
                    expr: at,
                    args: args_span,
                    name: at.start,
                };
            }
            out
        }
        ast::Expr::MacroExpr(mac) => {
            let call = mac.macro_call();
            let name = call
                .as_ref()
                .and_then(|c| c.path())
                .map(|p| path_text(&p))
                .unwrap_or_default();
            let args_span = call
                .and_then(|c| c.token_tree())
                .map(|tt| span(tt.syntax().text_range()))
                .unwrap_or(at);
            vec![Seg {
                name: format!("{name}!"),
                call: true,
                args: Args {
                    first_is_str: true,
                    first_is_sql: true,
                    ..Args::default()
                },
                at: At {
                    expr: at,
                    args: args_span,
                    name: at.start,
                },
            }]
        }
        ast::Expr::FieldExpr(field) => {
            let mut out = field.expr().map(|e| chain(&e)).unwrap_or_default();
            let name = field
                .name_ref()
                .map(|n| n.text().to_string())
                .unwrap_or_else(|| "?".into());
            out.push(plain(name, at));
            out
        }
        ast::Expr::PathExpr(path) => {
            vec![plain(
                path.path().map(|p| path_text(&p)).unwrap_or_default(),
                at,
            )]
        }
        ast::Expr::AwaitExpr(inner) => inner.expr().map(|e| chain(&e)).unwrap_or_default(),
        ast::Expr::TryExpr(inner) => inner.expr().map(|e| chain(&e)).unwrap_or_default(),
        ast::Expr::ParenExpr(inner) => inner.expr().map(|e| chain(&e)).unwrap_or_default(),
        _ => vec![plain("?".into(), at)],
    }
}

/// Whether a call is the receiver (or callee) of a call that continues its chain, through
/// `?`, parentheses and fields but not `.await`: then that call's chain has this one's as a
/// prefix, with the same `awaited`. Evaluating only the last call of a chain keeps a
/// chain of n calls linear (each prefix's chain would cost n, and n prefixes n²).
fn continued_without_await(node: &SyntaxNode) -> bool {
    let mut child = node.clone();
    while let Some(parent) = child.parent() {
        if let Some(call) = ast::MethodCallExpr::cast(parent.clone()) {
            return call.receiver().is_some_and(|r| *r.syntax() == child);
        }
        if let Some(call) = ast::CallExpr::cast(parent.clone()) {
            return call.expr().is_some_and(|e| *e.syntax() == child);
        }
        let passes = ast::TryExpr::can_cast(parent.kind())
            || ast::ParenExpr::can_cast(parent.kind())
            || ast::FieldExpr::cast(parent.clone())
                .and_then(|f| f.expr())
                .is_some_and(|e| *e.syntax() == child);
        if !passes {
            return false;
        }
        child = parent;
    }
    false
}

/// Whether [`chain`] of `expr` has at most `limit` segments, found without building it.
fn within_segments(expr: &ast::Expr, limit: usize) -> bool {
    let mut count = 0;
    let mut current = Some(expr.clone());
    while let Some(expr) = current {
        current = match expr {
            ast::Expr::MethodCallExpr(call) => {
                count += 1;
                call.receiver()
            }
            ast::Expr::FieldExpr(field) => {
                count += 1;
                field.expr()
            }
            ast::Expr::CallExpr(call) => match call.expr() {
                Some(ast::Expr::PathExpr(_)) | None => {
                    count += 1;
                    None
                }
                Some(callee) => {
                    count += 1;
                    Some(callee)
                }
            },
            ast::Expr::AwaitExpr(inner) => inner.expr(),
            ast::Expr::TryExpr(inner) => inner.expr(),
            ast::Expr::ParenExpr(inner) => inner.expr(),
            _ => {
                count += 1;
                None
            }
        };
        if count > limit {
            return false;
        }
    }
    true
}

/// The data-access call a function body makes, awaited or blocking. `crates`: the
/// [`named_crates`] of the body's file, found on the first call that needs them and
/// shared by the bodies of one file.
pub(super) fn access_in(
    rule: &NPlusOne,
    body: &SyntaxNode,
    crates: &std::cell::OnceCell<HashSet<String>>,
) -> Option<Access> {
    for node in body.descendants() {
        let (expr, awaited) = if let Some(await_expr) = ast::AwaitExpr::cast(node.clone()) {
            match await_expr.expr() {
                Some(inner) => (inner, true),
                None => continue,
            }
        } else if let Some(call) = ast::MethodCallExpr::cast(node.clone()) {
            if continued_without_await(&node) {
                // Visited after the call that continues the chain, which matched first.
                continue;
            }
            (ast::Expr::MethodCallExpr(call), false)
        } else {
            continue;
        };
        let chain = chain(&expr);
        if let Some((entry, len)) = rule.data_access(Lang::Rust, &chain, awaited) {
            // Named by the crates of the file the call is in, as a call in the loop's own
            // file is (a helper's `clickhouse_client.query(..)` is ClickHouse).
            let crates = crates.get_or_init(|| {
                body.ancestors()
                    .last()
                    .and_then(ast::SourceFile::cast)
                    .map(|tree| named_crates(&tree))
                    .unwrap_or_default()
            });
            let (library, help) = catalogue::rust_library_in_file(entry, crates);
            return Some(Access {
                span: chain[len - 1].at.expr,
                call: render_chain(&chain[..len]),
                library,
                help,
            });
        }
    }
    None
}

/// Functions of the file by name (`None` when two share it) and methods by impl.
struct Helpers {
    /// Whether the function is async, and its data-access call.
    functions: HashMap<String, Option<(bool, Option<Access>)>>,
}

#[cfg(test)]
thread_local! {
    /// How many times this thread collected a file's helpers.
    static HELPER_SCANS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

fn helpers(rule: &NPlusOne, tree: &ast::SourceFile) -> Helpers {
    #[cfg(test)]
    HELPER_SCANS.with(|scans| scans.set(scans.get() + 1));
    let mut functions: HashMap<String, Option<(bool, Option<Access>)>> = HashMap::new();
    let crates = std::cell::OnceCell::new();
    for function in tree.syntax().descendants().filter_map(ast::Fn::cast) {
        let Some(name) = function.name() else {
            continue;
        };
        let access = function
            .body()
            .and_then(|body| access_in(rule, body.syntax(), &crates));
        functions
            .entry(name.text().to_string())
            .and_modify(|slot| *slot = None)
            .or_insert(Some((function.async_token().is_some(), access)));
    }
    Helpers { functions }
}

fn find_helper<'h>(
    helpers: &'h Helpers,
    chain: &Chain,
    awaited: bool,
) -> Option<(String, &'h Access)> {
    let name = match chain.as_slice() {
        [receiver, method] if receiver.name == "self" && method.call => method.name.clone(),
        [function] if function.call => {
            let name = function
                .name
                .strip_prefix("Self::")
                .unwrap_or(&function.name);
            if name.contains("::") {
                return None;
            }
            name.to_string()
        }
        _ => return None,
    };
    let (is_async, access) = helpers.functions.get(&name)?.as_ref()?;
    if *is_async && !awaited {
        // An async helper called without `.await` does nothing yet.
        return None;
    }
    let shown = render_chain(chain);
    access.as_ref().map(|access| (shown, access))
}

/// Whether the subtree (not nested functions or closures) sleeps or drains a collection.
#[derive(Default, Clone, Copy)]
struct BodyFacts {
    paced: bool,
    drains: bool,
}

fn body_facts(body: &SyntaxNode) -> BodyFacts {
    let mut facts = BodyFacts::default();
    for node in body.descendants() {
        let name = if let Some(call) = ast::MethodCallExpr::cast(node.clone()) {
            call.name_ref().map(|n| n.text().to_string())
        } else if let Some(call) = ast::CallExpr::cast(node.clone()) {
            match call.expr() {
                Some(ast::Expr::PathExpr(path)) => path
                    .path()
                    .and_then(|p| p.segment())
                    .and_then(|s| s.name_ref())
                    .map(|n| n.text().to_string()),
                _ => None,
            }
        } else {
            None
        };
        if let Some(name) = name {
            facts.paced |= is_pacing_call(&name);
            facts.drains |= is_drain_call(&name);
        }
    }
    facts
}

/// The names a subtree mentions, and whether it awaits.
fn names_in(node: &SyntaxNode) -> (HashSet<String>, bool) {
    let mut names = HashSet::new();
    let mut awaits = false;
    for descendant in node.descendants() {
        if let Some(name) = ast::NameRef::cast(descendant.clone()) {
            names.insert(name.text().to_string());
        } else if ast::AwaitExpr::can_cast(descendant.kind()) {
            awaits = true;
        }
    }
    (names, awaits)
}

pub(super) fn pattern_names(pat: &ast::Pat) -> impl Iterator<Item = String> {
    pat.syntax()
        .descendants()
        .filter_map(ast::IdentPat::cast)
        .filter_map(|ident| ident.name().map(|n| n.text().to_string()))
}

/// Whether a call in the node is given `name` as its connection: `.execute(&mut *conn)`,
/// `.fetch_all(conn.as_mut())` (not `.bind(conn_id)`).
fn executes_on(node: &SyntaxNode, name: &str) -> bool {
    node.descendants()
        .filter_map(ast::ArgList::cast)
        .filter_map(|list| {
            let mut args = list.args();
            let first = args.next()?;
            args.next().is_none().then_some(first)
        })
        .any(|arg| {
            let text = prodlint_rust::compact_text(arg.syntax());
            let root = text
                .trim_start_matches(['&', '*'])
                .trim_start_matches("mut")
                .trim_start_matches(['&', '*']);
            let root = root.split('.').next().unwrap_or(root);
            root == name && is_conn_like(&text)
        })
}

/// The name a path of one segment reads: `x`.
pub(super) fn local_name(path: &ast::PathExpr) -> Option<String> {
    path.path()
        .and_then(|p| p.as_single_name_ref())
        .map(|n| n.text().to_string())
}

/// The variable an assignment writes: `x`, `x.field`, `*x`.
fn assigned_root(expr: &ast::Expr) -> Option<String> {
    match expr {
        ast::Expr::PathExpr(path) => local_name(path),
        ast::Expr::FieldExpr(field) => field.expr().and_then(|e| assigned_root(&e)),
        ast::Expr::PrefixExpr(prefix) => prefix.expr().and_then(|e| assigned_root(&e)),
        _ => None,
    }
}

/// Whether a `while` loop is driven by what its awaits return: its condition reads a
/// variable the body sets from an awaited result (`previous = rows.last()`), so each query
/// needs the previous one (keyset pages, batches, walking up a tree).
fn is_result_driven(condition: &SyntaxNode, body: &SyntaxNode) -> bool {
    let (tests, _) = names_in(condition);
    let mut tainted: HashSet<String> = HashSet::new();
    let is_tainted = |node: &SyntaxNode, tainted: &HashSet<String>| {
        let (names, awaits) = names_in(node);
        awaits || names.iter().any(|n| tainted.contains(n))
    };
    for node in body.descendants() {
        if let Some(let_stmt) = ast::LetStmt::cast(node.clone()) {
            if let (Some(pat), Some(init)) = (let_stmt.pat(), let_stmt.initializer()) {
                if is_tainted(init.syntax(), &tainted) {
                    tainted.extend(pattern_names(&pat));
                }
            }
        } else if let Some(for_expr) = ast::ForExpr::cast(node.clone()) {
            if let (Some(pat), Some(iterable)) = (for_expr.pat(), for_expr.iterable()) {
                if is_tainted(iterable.syntax(), &tainted) {
                    tainted.extend(pattern_names(&pat));
                }
            }
        } else if let Some(bin) = ast::BinExpr::cast(node.clone()) {
            let is_assign = matches!(bin.op_kind(), Some(ast::BinaryOp::Assignment { .. }));
            if let (true, Some(lhs), Some(rhs)) = (is_assign, bin.lhs(), bin.rhs()) {
                if let Some(root) = assigned_root(&lhs) {
                    if is_tainted(rhs.syntax(), &tainted) {
                        if tests.contains(&root) {
                            return true;
                        }
                        tainted.insert(root);
                    }
                }
            }
        } else if let Some(call) = ast::MethodCallExpr::cast(node.clone()) {
            let method = call
                .name_ref()
                .map(|n| n.text().to_string())
                .unwrap_or_default();
            if matches!(
                method.as_str(),
                "push" | "push_back" | "push_front" | "insert" | "extend"
            ) {
                let root = call.receiver().and_then(|r| assigned_root(&r));
                let args_tainted = call
                    .arg_list()
                    .is_some_and(|args| is_tainted(args.syntax(), &tainted));
                if root.is_some_and(|r| tests.contains(&r)) && args_tainted {
                    return true;
                }
            }
        }
    }
    false
}

fn small_literal(expr: &ast::Expr) -> bool {
    match expr {
        ast::Expr::Literal(lit) => lit
            .syntax()
            .text()
            .to_string()
            .trim_end_matches(|c: char| c.is_alphabetic() || c == '_')
            .parse::<f64>()
            .is_ok_and(|n| n <= SMALL_BOUND),
        _ => false,
    }
}

/// `0..3`, `[a, b]`, `&[a, b]`: a few items written in the code.
fn is_small_iterable(expr: &ast::Expr) -> bool {
    match expr {
        ast::Expr::RangeExpr(range) => {
            use prodlint_rust::ra_ap_syntax::ast::RangeItem;
            range.end().is_some_and(|end| small_literal(&end))
        }
        ast::Expr::ArrayExpr(array) => (array.exprs().count() as f64) <= SMALL_BOUND,
        ast::Expr::RefExpr(reference) => reference.expr().is_some_and(|e| is_small_iterable(&e)),
        ast::Expr::ParenExpr(paren) => paren.expr().is_some_and(|e| is_small_iterable(&e)),
        ast::Expr::MethodCallExpr(call) => {
            // `[a, b].iter()`, `(0..3).into_iter()`
            call.receiver().is_some_and(|r| is_small_iterable(&r))
        }
        _ => false,
    }
}

/// Adapters that yield groups of items: a loop over them makes one call per group.
const GROUPING_ADAPTERS: &[&str] = &[
    "chunks",
    "chunks_exact",
    "array_chunks",
    "chunk",
    "chunks_timeout",
    "ready_chunks",
    "step_by",
];

/// `ids.chunks(100)`, `rows.iter().chunks(500)`, `(0..n).step_by(BATCH)`, `batches`; not
/// `chunk.iter()`, the items of one group.
fn is_groups(iterable: &ast::Expr) -> bool {
    chain(iterable).iter().any(|seg| {
        let name = seg.name.rsplit("::").next().unwrap_or(&seg.name);
        (seg.call && GROUPING_ADAPTERS.contains(&name)) || (!seg.call && holds_groups(name))
    })
}

/// Whether the code after a statement leaves, whatever happens: see [`leaves_after_each`].
#[derive(Default, Clone, Copy)]
struct Leaves {
    /// A `return`: the function, and every loop in it, is left.
    returns: bool,
    /// A `break` without a label: the innermost loop is left.
    breaks: bool,
}

impl Leaves {
    fn merge(&mut self, other: Leaves) {
        self.returns |= other.returns;
        self.breaks |= other.breaks;
    }
}

/// Each statement of a list, by its range in order, with what the ones after it do.
type StmtLeaves = Vec<(TextRange, Leaves)>;

/// What the statements of `list` after each of its statements do without a condition
/// (a `return` or an unlabelled `break` statement, or one as the tail), by the
/// statement's range in order. One pass from the end, so that the calls of a long list
/// do not each read the statements after them.
fn leaves_after_each(list: &ast::StmtList) -> StmtLeaves {
    let leaves_of = |expr: Option<ast::Expr>| match expr {
        Some(ast::Expr::ReturnExpr(_)) => Leaves {
            returns: true,
            breaks: false,
        },
        Some(ast::Expr::BreakExpr(brk)) if brk.lifetime().is_none() => Leaves {
            returns: false,
            breaks: true,
        },
        _ => Leaves::default(),
    };
    let mut own: Vec<(TextRange, Leaves)> = list
        .statements()
        .map(|stmt| {
            let leaves = match &stmt {
                ast::Stmt::ExprStmt(expr) => leaves_of(expr.expr()),
                _ => Leaves::default(),
            };
            (stmt.syntax().text_range(), leaves)
        })
        .collect();
    if let Some(tail) = list.tail_expr() {
        own.push((tail.syntax().text_range(), leaves_of(Some(tail))));
    }
    let mut after = Leaves::default();
    for (_, leaves) in own.iter_mut().rev() {
        let mine = *leaves;
        *leaves = after;
        after.merge(mine);
    }
    own
}

/// The database and client crates a file names (`use sea_orm::…`, `tokio_postgres::Client`).
fn named_crates(tree: &ast::SourceFile) -> HashSet<String> {
    tree.syntax()
        .descendants()
        .filter_map(ast::Path::cast)
        .filter(|path| path.qualifier().is_none())
        .filter_map(|path| path.segment()?.name_ref().map(|n| n.text().to_string()))
        .filter(|name| catalogue::library_of_crate(name).is_some())
        .collect()
}

struct Checker<'a, 'c> {
    ctx: &'a RustContext<'c>,
    /// The facts of each loop body asked about, by its range: every call in a loop asks
    /// about the same body, and walking it for each made a loop's cost quadratic in its
    /// size.
    body_facts: RefCell<HashMap<TextRange, BodyFacts>>,
    /// [`leaves_after_each`] of each statement list asked about, by its range.
    stmt_leaves: RefCell<HashMap<TextRange, std::rc::Rc<StmtLeaves>>>,
}

impl Checker<'_, '_> {
    /// What the statements of `list` after `child` (one of its statements or its tail)
    /// do without a condition.
    fn leaves_after(&self, list: &ast::StmtList, child: &SyntaxNode) -> Leaves {
        let range = list.syntax().text_range();
        let each = std::rc::Rc::clone(
            self.stmt_leaves
                .borrow_mut()
                .entry(range)
                .or_insert_with(|| std::rc::Rc::new(leaves_after_each(list))),
        );
        let child = child.text_range();
        each.binary_search_by_key(&child.start(), |(r, _)| r.start())
            .ok()
            .filter(|&i| each[i].0 == child)
            .map(|i| each[i].1)
            .unwrap_or_default()
    }

    fn text(&self, range: prodlint_rust::ra_ap_syntax::TextRange) -> &str {
        self.ctx.file.slice(span(range))
    }

    fn site(&self, start: u32, end: u32, kind: &str) -> LoopSite {
        LoopSite {
            header: Span::new(start, end),
            kind: kind.to_string(),
            unawaited_callback: false,
            from_round_trip: false,
        }
    }

    /// Whether a loop with this header and body is a retry, paced or polling loop.
    fn is_quiet(&self, header: Span, body: &SyntaxNode, infinite: bool) -> bool {
        let facts = *self
            .body_facts
            .borrow_mut()
            .entry(body.text_range())
            .or_insert_with(|| body_facts(body));
        facts.paced
            || is_retry_or_paging_header(self.ctx.file.slice(header))
            || (infinite && !facts.drains)
    }

    /// The loop a node repeats in, walking out to the enclosing function. `awaited`: the
    /// node is awaited (an async block around it must then be the per-item future of a
    /// sequential adapter).
    fn enclosing_loop(&self, node: &SyntaxNode, awaited: bool) -> Option<LoopSite> {
        let mut child = node.clone();
        let mut crossed_async_block = false;
        // What the statements after the call do without condition: leave the function
        // (every loop around runs the call once) or the innermost loop.
        let mut leaves = Leaves::default();
        for ancestor in node.ancestors().skip(1) {
            if ast::Fn::can_cast(ancestor.kind()) {
                return None;
            }
            if let Some(list) = ast::StmtList::cast(ancestor.clone()) {
                leaves.merge(self.leaves_after(&list, &child));
            }
            let is_loop_body =
                |body: Option<ast::BlockExpr>| body.is_some_and(|b| *b.syntax() == child);
            let loop_body = ast::ForExpr::cast(ancestor.clone())
                .map(|l| is_loop_body(l.loop_body()))
                .or_else(|| {
                    ast::WhileExpr::cast(ancestor.clone()).map(|l| is_loop_body(l.loop_body()))
                })
                .or_else(|| {
                    ast::LoopExpr::cast(ancestor.clone()).map(|l| is_loop_body(l.loop_body()))
                })
                .unwrap_or(false);
            if loop_body && (leaves.returns || leaves.breaks) {
                // `let n = update.execute(conn).await?; …; return Ok(n);`: once per run of
                // the loop, then it is left.
                if leaves.returns {
                    return None;
                }
                leaves.breaks = false;
                child = ancestor;
                continue;
            }
            if let Some(for_expr) = ast::ForExpr::cast(ancestor.clone()) {
                if for_expr.loop_body().is_some_and(|b| *b.syntax() == child) {
                    let start = u32::from(for_expr.syntax().text_range().start());
                    let end = for_expr
                        .iterable()
                        .map(|i| u32::from(i.syntax().text_range().end()))
                        .unwrap_or(start + 3);
                    let header = Span::new(start, end);
                    // `for conn in &mut connections { query(..).execute(&mut *conn) }`: a
                    // statement on each of a few connections, which cannot share one.
                    let on_loop_connection = for_expr.pat().is_some_and(|pat| {
                        pattern_names(&pat)
                            .filter(|name| super::is_connection_name(name))
                            .any(|name| executes_on(node, &name))
                    });
                    if on_loop_connection {
                        return None;
                    }
                    let small = for_expr.iterable().is_some_and(|i| is_small_iterable(&i));
                    let groups = for_expr.iterable().is_some_and(|i| is_groups(&i))
                        || for_expr.pat().is_some_and(|pat| {
                            pattern_names(&pat).any(|name| is_group_name(&name))
                        });
                    if !small && !groups && !self.is_quiet(header, &child, false) {
                        return Some(self.site(start, end, "`for` loop"));
                    }
                }
            } else if let Some(while_expr) = ast::WhileExpr::cast(ancestor.clone()) {
                let condition = while_expr.condition();
                if condition.as_ref().is_some_and(|c| *c.syntax() == child) {
                    return None;
                }
                if while_expr.loop_body().is_some_and(|b| *b.syntax() == child) {
                    let condition_text = condition
                        .as_ref()
                        .map(|c| self.text(c.syntax().text_range()).to_string())
                        .unwrap_or_default();
                    // `while let Some(x) = rx.recv().await`: consuming a channel or stream.
                    if condition_text.contains(".await") {
                        return None;
                    }
                    let start = u32::from(while_expr.syntax().text_range().start());
                    let end = condition
                        .as_ref()
                        .map(|c| u32::from(c.syntax().text_range().end()))
                        .unwrap_or(start + 5);
                    let header = Span::new(start, end);
                    let infinite = condition_text.trim() == "true";
                    let driven = condition
                        .as_ref()
                        .is_some_and(|c| is_result_driven(c.syntax(), &child));
                    if !driven && !self.is_quiet(header, &child, infinite) {
                        let kind = if condition_text.trim_start().starts_with("let") {
                            "`while let` loop"
                        } else {
                            "`while` loop"
                        };
                        return Some(self.site(start, end, kind));
                    }
                }
            } else if let Some(loop_expr) = ast::LoopExpr::cast(ancestor.clone()) {
                if loop_expr.loop_body().is_some_and(|b| *b.syntax() == child) {
                    let start = u32::from(loop_expr.syntax().text_range().start());
                    let header = Span::new(start, start + 4);
                    if !self.is_quiet(header, &child, true) {
                        return Some(self.site(start, start + 4, "`loop`"));
                    }
                }
            } else if let Some(block) = ast::BlockExpr::cast(ancestor.clone()) {
                if block.async_token().is_some() {
                    // A `return` in an async block leaves the block only.
                    leaves = Leaves::default();
                    let parent = ancestor.parent();
                    let awaited_here = parent
                        .as_ref()
                        .is_some_and(|p| ast::AwaitExpr::can_cast(p.kind()));
                    let closure_body = parent
                        .as_ref()
                        .is_some_and(|p| ast::ClosureExpr::can_cast(p.kind()));
                    if closure_body {
                        crossed_async_block = true;
                    } else if !awaited_here {
                        // `tokio::spawn(async move { .. })`, a future kept for later.
                        return None;
                    }
                }
            } else if let Some(closure) = ast::ClosureExpr::cast(ancestor.clone()) {
                return self.closure_loop(&closure, awaited, crossed_async_block);
            }
            child = ancestor;
        }
        None
    }

    /// A closure passed to an iterator or stream adapter that runs it once per item.
    fn closure_loop(
        &self,
        closure: &ast::ClosureExpr,
        awaited: bool,
        crossed_async_block: bool,
    ) -> Option<LoopSite> {
        let call = closure
            .syntax()
            .parent()
            .and_then(ast::ArgList::cast)
            .and_then(|list| list.syntax().parent())
            .and_then(ast::MethodCallExpr::cast)?;
        let name_ref = call.name_ref()?;
        let method = name_ref.text().to_string();
        let per_item_future = crossed_async_block || closure.async_token().is_some();
        let runs_per_item = if awaited {
            // The await is in the per-item future (or an async closure): sequential only
            // for the adapters that await one item's future before the next.
            per_item_future && SEQUENTIAL_ADAPTERS.contains(&method.as_str())
        } else {
            !per_item_future && SYNC_ADAPTERS.contains(&method.as_str())
        };
        if !runs_per_item {
            return None;
        }
        let receiver = call.receiver()?;
        let receiver_chain = chain(&receiver);
        let over_collection = receiver_chain.iter().any(|seg| {
            seg.call
                && COLLECTION_SOURCES.contains(&seg.name.rsplit("::").next().unwrap_or(&seg.name))
        }) || matches!(receiver, ast::Expr::ParenExpr(_));
        if !over_collection || is_small_iterable(&receiver) || is_groups(&receiver) {
            return None;
        }
        let range = name_ref.syntax().text_range();
        Some(self.site(
            u32::from(range.start()),
            u32::from(range.end()),
            &format!("`{method}` closure"),
        ))
    }
}

impl Checker<'_, '_> {
    /// The loop a statement repeats in once the loops that give it a whole set per
    /// iteration are set aside: a loop over the tables a set-taking statement names
    /// (`DELETE FROM {table} WHERE uri = ANY($1)`) is passed over for the loop around it
    /// (`for did in dids { for table in TABLES { … } }` repeats per `did`), and a loop
    /// over the groups of a group-by map whose statement takes the group whole is no
    /// repetition at all (`None`). A statement per table that takes one row's values
    /// (`DELETE FROM {table} WHERE id = $1`) stays the loop's.
    fn resite_per_set(
        &self,
        node: &SyntaxNode,
        site: LoopSite,
        sql: &str,
        awaited: bool,
    ) -> Option<LoopSite> {
        // Both need a statement that takes a set; most take one row's values, and those
        // need no walk of the loop or of the function.
        if !super::names_a_set(&node.text().to_string()) {
            return Some(site);
        }
        let mut site = site;
        loop {
            let Some(loop_node) = rust_groups::loop_node(node, site.header.start) else {
                return Some(site);
            };
            let items = rust_groups::item_names(node, &loop_node);
            if rust_groups::takes_item_as_set(node, &items)
                && rust_groups::over_group_by_map(&loop_node)
            {
                return None;
            }
            if !(super::table_named_by(sql, &items) && super::names_a_set(sql)) {
                return Some(site);
            }
            let from_round_trip = site.from_round_trip;
            site = self.enclosing_loop(&loop_node, awaited)?;
            site.from_round_trip = from_round_trip;
        }
    }
}

/// The call as the primary span: the whole call, or from the method's name on when the
/// chain before it spans lines.
fn primary(ctx: &RustContext<'_>, at: At) -> Span {
    let file = ctx.file;
    if file.line_col(at.expr.start).line != file.line_col(at.name).line {
        Span::new(at.name, at.expr.end)
    } else {
        at.expr
    }
}

/// The call a node makes and whether it is awaited: an `.await`'s operand, or a method
/// call (and, with `functions`, a function call) that is not awaited.
pub(super) fn call_at(node: &SyntaxNode, functions: bool) -> Option<(ast::Expr, bool)> {
    if let Some(await_expr) = ast::AwaitExpr::cast(node.clone()) {
        return await_expr.expr().map(|inner| (inner, true));
    }
    if node
        .parent()
        .is_some_and(|p| ast::AwaitExpr::can_cast(p.kind()))
    {
        return None;
    }
    if let Some(call) = ast::MethodCallExpr::cast(node.clone()) {
        return Some((ast::Expr::MethodCallExpr(call), false));
    }
    match ast::CallExpr::cast(node.clone()) {
        Some(call) if functions => Some((ast::Expr::CallExpr(call), false)),
        _ => None,
    }
}

/// Whether a call may reach a round trip in another function of the crate: a method of
/// `self` or of one of its fields, or a function called by its path.
fn may_reach(chain: &Chain) -> bool {
    match chain.as_slice() {
        [function] => function.call,
        [first, ..] => first.name == "self",
        [] => false,
    }
}

pub(super) fn check(rule: &NPlusOne, ctx: &RustContext<'_>, out: &mut Vec<Diagnostic>) {
    let checker = Checker {
        ctx,
        body_facts: RefCell::default(),
        stmt_leaves: RefCell::default(),
    };
    // The file's helpers and the crates it names are needed only for a call in a loop:
    // most files have none, and matching every function body against the catalogue costs
    // about what parsing the file does.
    let helpers = std::cell::OnceCell::new();
    let crates = std::cell::OnceCell::new();
    let reach = std::cell::OnceCell::new();
    let mut reported = HashSet::new();
    let imports = super::is_import_file(&ctx.file.display);
    for node in ctx.tree.syntax().descendants() {
        let Some((expr, awaited)) = call_at(&node, true) else {
            continue;
        };
        if !awaited && continued_without_await(&node) && !within_segments(&expr, 2) {
            // The call that continues the chain sees this one's data access (the first
            // match of a chain is the first of each of its prefixes), and helpers are
            // called by chains of at most two segments.
            continue;
        }
        // Most calls are in no loop: find the loop first, it is cheaper than matching the
        // call against the catalogue.
        let Some(site) = checker.enclosing_loop(&node, awaited) else {
            continue;
        };
        let chain = chain(&expr);
        let matched = rule.data_access(Lang::Rust, &chain, awaited);
        let helper = if matched.is_none() {
            let helpers = helpers.get_or_init(|| self::helpers(rule, ctx.tree));
            match find_helper(helpers, &chain, awaited) {
                // A blocking helper call, or an awaited one.
                Some((shown, access)) => Some((
                    shown.clone(),
                    access.clone(),
                    vec![Hop {
                        file: ctx.file.clone(),
                        span: access.span,
                        message: format!("`{shown}` calls `{}` here", access.call),
                    }],
                )),
                None if may_reach(&chain) => {
                    let reach = reach.get_or_init(|| {
                        let path = prodlint_core::normalize(&ctx.project.cwd, &ctx.file.path);
                        RustReach::new(rule, ctx.project, &path, ctx.tree)
                    });
                    match reach.call(&node, &expr, &chain, awaited) {
                        Some((access, hops)) => Some((render_chain(&chain), access, hops)),
                        None => continue,
                    }
                }
                None => continue,
            }
        } else {
            None
        };
        if is_in_test_code(&node) {
            continue;
        }
        let mut site = site;
        site.from_round_trip = imports
            || rust_origin::in_rows_loop(&node, &|call: &SyntaxNode| {
                let Some((expr, awaited)) = call_at(call, true) else {
                    return false;
                };
                let chain = self::chain(&expr);
                if rule.data_access(Lang::Rust, &chain, awaited).is_some() {
                    return true;
                }
                let helpers = helpers.get_or_init(|| self::helpers(rule, ctx.tree));
                if find_helper(helpers, &chain, awaited).is_some() {
                    return true;
                }
                may_reach(&chain)
                    && reach
                        .get_or_init(|| {
                            let path = prodlint_core::normalize(&ctx.project.cwd, &ctx.file.path);
                            RustReach::new(rule, ctx.project, &path, ctx.tree)
                        })
                        .call(call, &expr, &chain, awaited)
                        .is_some()
            });
        let finding = match (matched, helper) {
            (Some((entry, len)), _) => {
                let seg = &chain[len - 1];
                if pages(&chain, len, ctx.file) {
                    continue;
                }
                // `sqlx::query(&format!("DROP TABLE {name}"))`: a schema change per item.
                let first_args = chain[..len]
                    .iter()
                    .find(|seg| seg.call)
                    .map(|seg| seg.at.args);
                if first_args.is_some_and(|args| super::is_schema_sql(ctx.file.slice(args))) {
                    continue;
                }
                let sql = first_args.map_or("", |args| ctx.file.slice(args));
                match checker.resite_per_set(&node, site, sql, awaited) {
                    Some(kept) => site = kept,
                    None => continue,
                }
                let crates = crates.get_or_init(|| named_crates(ctx.tree));
                let (library, help) = catalogue::rust_library_in_file(entry, crates);
                Finding {
                    span: primary(ctx, seg.at),
                    call: render_chain(&chain[..len]),
                    library,
                    help,
                    site: Some(site),
                    helper: None,
                    batched: None,
                    array_of_one: seg.args.array_of_one,
                }
            }
            (None, Some((shown, access, hops))) => {
                let seg = chain.last().expect("a helper call has a segment");
                Finding {
                    span: primary(ctx, seg.at),
                    call: shown.clone(),
                    library: access.library.clone(),
                    help: access.help.clone(),
                    site: Some(site),
                    helper: Some(ViaHelper {
                        call: access.call.clone(),
                        hops,
                    }),
                    batched: None,
                    array_of_one: seg.args.array_of_one,
                }
            }
            (None, None) => continue,
        };
        if reported.insert(finding.span) {
            rule.report(ctx.file, &finding, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use prodlint_core::{Diagnostic, Project, SourceFile};
    use prodlint_rust::RustFile;

    use prodlint_rust::ra_ap_syntax::ast::{self, HasArgList};
    use prodlint_rust::ra_ap_syntax::AstNode;

    use super::{
        is_array_of_one, is_conn_like, may_be_array_of_one, may_be_conn_like, HELPER_SCANS,
    };
    use crate::RustContext;

    /// n-plus-one's findings in a Rust file, and how many times its helpers were collected.
    fn check_counting_helper_scans(text: &str) -> (Vec<Diagnostic>, usize) {
        // The loops below step over parameters: reported with `loops-over-inputs`.
        let config = prodlint_core::Config::parse(
            "[rules.n-plus-one]\nloops-over-inputs = true\n",
            "prodlint.toml",
            &["n-plus-one"],
        )
        .unwrap();
        let rule = super::NPlusOne::build(&config.rule("n-plus-one").options).unwrap();
        let file = Arc::new(SourceFile::new(
            "src/a.rs".into(),
            "src/a.rs".into(),
            text.into(),
        ));
        let parsed = RustFile::parse(text);
        let tree = parsed.tree();
        let project = Project::new(std::env::temp_dir());
        let ctx = RustContext {
            file: &file,
            parsed: &parsed,
            tree: &tree,
            project: &project,
            is_test_file: false,
            is_tooling_file: false,
        };
        let before = HELPER_SCANS.with(|scans| scans.get());
        let mut out = Vec::new();
        rule.check_rust(&ctx, &mut out);
        (out, HELPER_SCANS.with(|scans| scans.get()) - before)
    }

    #[test]
    fn helpers_are_collected_only_for_calls_in_loops() {
        let helper = "async fn load(db: &Db, id: i64) -> User {\n    sqlx::query_as(\"SELECT\").bind(id).fetch_one(db).await.unwrap()\n}\n";
        let without_loop =
            format!("{helper}async fn one(db: &Db) {{\n    load(db, 1).await;\n}}\n");
        let (found, scans) = check_counting_helper_scans(&without_loop);
        assert!(found.is_empty(), "{found:?}");
        assert_eq!(scans, 0);
        let in_loop = format!(
            "{helper}async fn all(db: &Db, ids: Vec<i64>) {{\n    for id in ids {{\n        load(db, id).await;\n    }}\n}}\n"
        );
        let (found, scans) = check_counting_helper_scans(&in_loop);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(scans, 1);
    }

    #[test]
    fn arrays_of_one() {
        assert!(is_array_of_one("&[id]"));
        assert!(is_array_of_one("vec![id.clone()]"));
        assert!(is_array_of_one("&vec![f(a, b)]"));
        assert!(!is_array_of_one("&[a, b]"));
        assert!(!is_array_of_one("[0; 8]"));
        assert!(!is_array_of_one("&[]"));
        assert!(!is_array_of_one("ids"));
    }

    /// A one-element array converted on the way (`vec![id].into()`) is still one element.
    #[test]
    fn arrays_of_one_through_conversions() {
        let parsed = RustFile::parse(
            "fn f() { a(vec![id].into(), conn); b([id].to_vec()); c(vec![x, y].into()); d(ids.into()); }",
        );
        let tree = parsed.tree();
        let given_one: Vec<bool> = tree
            .syntax()
            .descendants()
            .filter_map(ast::CallExpr::cast)
            .map(|call| {
                super::args_of(call.arg_list(), prodlint_core::Span::new(0, 0))
                    .0
                    .array_of_one
            })
            .collect();
        assert_eq!(given_one, [true, true, false, false]);
    }

    /// The argument expressions of the calls in `text`, in order.
    fn arguments(text: &str) -> Vec<ast::Expr> {
        let parsed = RustFile::parse(text);
        let tree = parsed.tree();
        let calls = tree.syntax().descendants().filter_map(ast::CallExpr::cast);
        calls
            .filter_map(|call| call.arg_list())
            .flat_map(|list| list.args().collect::<Vec<_>>())
            .collect()
    }

    /// The token tests that spare rendering an argument never turn a yes into a no, and
    /// they do spare it for a closure or a block.
    #[test]
    fn token_tests_agree_with_the_rendered_text() {
        let arguments = arguments(
            "fn f() { g(&[id], vec![id], &vec![f(a, b)], & [ id ], [0; 8], ids, &mut *pool.acquire().await?, self.db.get(), db /* c */, tx.conn(), &ids[..], x[0], |x| [x], { [a] }, \"[a]\", a.b::<C>(), &mut get_async_db_conn().await?, storage::db(), get_user().await?, conn.get_user()); }",
        );
        assert_eq!(arguments.len(), 20);
        let mut conn = 0;
        let mut arrays = 0;
        for arg in &arguments {
            let node = arg.syntax();
            if is_array_of_one(&prodlint_rust::compact_text(node)) {
                arrays += 1;
                assert!(may_be_array_of_one(node), "{node}");
            }
            if is_conn_like(&node.text().to_string()) {
                conn += 1;
                assert!(may_be_conn_like(node), "{node}");
            }
        }
        assert_eq!((arrays, conn), (4, 6));
        let closure = &arguments[12];
        assert!(!may_be_array_of_one(closure.syntax()));
        assert!(!may_be_conn_like(closure.syntax()));
        assert!(!may_be_conn_like(arguments[13].syntax()));
    }
}
