//! Loops whose statement already covers a whole set per iteration: one statement per
//! group of a group-by map (`for (kind, uris) in by_kind { … WHERE uri = ANY($1) … }`)
//! and one statement per table named by the loop's item (`format!("DELETE FROM {table} …")`).
//! Neither is an N+1: the grouping was made so that each group (each table) takes one
//! statement, and statements on different tables cannot be one.

use std::collections::HashSet;

use prodlint_rust::ra_ap_syntax::ast::{self, HasArgList};
use prodlint_rust::ra_ap_syntax::{AstNode, SyntaxNode};

use super::rust::{local_name, pattern_names};

/// The `for`, `while` or `loop` expression, among the ancestors of `node`, whose header
/// starts at `header_start` (a loop site's). Closure loops have none.
pub(super) fn loop_node(node: &SyntaxNode, header_start: u32) -> Option<SyntaxNode> {
    node.ancestors().skip(1).find(|ancestor| {
        u32::from(ancestor.text_range().start()) == header_start
            && (ast::ForExpr::can_cast(ancestor.kind())
                || ast::WhileExpr::can_cast(ancestor.kind())
                || ast::LoopExpr::can_cast(ancestor.kind()))
    })
}

/// The names that hold the loop's item at `node`: those its `for` pattern binds, and the
/// `let`s before `node` inside the loop whose value reads one of them
/// (`let uris: Vec<_> = group.iter().map(..).collect();`).
pub(super) fn item_names(node: &SyntaxNode, loop_node: &SyntaxNode) -> HashSet<String> {
    let mut names: HashSet<String> = ast::ForExpr::cast(loop_node.clone())
        .and_then(|for_expr| for_expr.pat())
        .map(|pat| pattern_names(&pat).collect())
        .unwrap_or_default();
    // The `let`s before `node` in each block between it and the loop, innermost block
    // first; read outermost first, in the order they run.
    let mut levels: Vec<Vec<ast::LetStmt>> = Vec::new();
    let mut child = node.clone();
    for ancestor in node.ancestors().skip(1) {
        if ancestor == *loop_node {
            break;
        }
        if let Some(list) = ast::StmtList::cast(ancestor.clone()) {
            let before = child.text_range().start();
            levels.push(
                list.statements()
                    .take_while(|stmt| stmt.syntax().text_range().start() < before)
                    .filter_map(|stmt| match stmt {
                        ast::Stmt::LetStmt(let_stmt) => Some(let_stmt),
                        _ => None,
                    })
                    .collect(),
            );
        }
        child = ancestor;
    }
    for let_stmt in levels.iter().rev().flatten() {
        let reads_item = let_stmt.initializer().is_some_and(|value| {
            value
                .syntax()
                .descendants()
                .filter_map(ast::NameRef::cast)
                .any(|name| names.contains(name.text()))
        });
        if reads_item {
            if let Some(pat) = let_stmt.pat() {
                names.extend(pattern_names(&pat));
            }
        }
    }
    names
}

/// Whether a `for` loop steps over the groups of a map that its function fills as a
/// group-by: `map.entry(key).or_default().push(item)`.
pub(super) fn over_group_by_map(loop_node: &SyntaxNode) -> bool {
    let Some(iterable) = ast::ForExpr::cast(loop_node.clone()).and_then(|f| f.iterable()) else {
        return false;
    };
    let Some(map) = root_name(&iterable) else {
        return false;
    };
    let Some(function) = loop_node.ancestors().find_map(ast::Fn::cast) else {
        return false;
    };
    function
        .syntax()
        .descendants()
        .filter_map(ast::MethodCallExpr::cast)
        .any(|call| {
            call.name_ref().is_some_and(|name| name.text() == "entry")
                && call
                    .receiver()
                    .and_then(|receiver| root_name(&receiver))
                    .is_some_and(|receiver| receiver == map)
                && appends_to_entry(&call)
        })
}

/// `entry(key).or_default().push(x)`, `.or_insert_with(Vec::new).extend(xs)`.
fn appends_to_entry(entry: &ast::MethodCallExpr) -> bool {
    const APPENDS: &[&str] = &["push", "push_back", "extend", "insert"];
    entry
        .syntax()
        .ancestors()
        .skip(1)
        .map_while(ast::MethodCallExpr::cast)
        .any(|call| {
            call.name_ref()
                .is_some_and(|name| APPENDS.contains(&name.text()))
        })
}

/// The local a receiver or iterable is rooted at: `map`, `&map`, `map.into_iter()`.
fn root_name(expr: &ast::Expr) -> Option<String> {
    match expr {
        ast::Expr::PathExpr(path) => local_name(path),
        ast::Expr::RefExpr(reference) => reference.expr().and_then(|e| root_name(&e)),
        ast::Expr::ParenExpr(paren) => paren.expr().and_then(|e| root_name(&e)),
        ast::Expr::MethodCallExpr(call) => {
            const VIEWS: &[&str] = &["iter", "into_iter", "iter_mut", "drain"];
            let view = call
                .name_ref()
                .is_some_and(|name| VIEWS.contains(&name.text()));
            let no_args = call
                .arg_list()
                .is_some_and(|args| args.args().next().is_none());
            if view && no_args {
                call.receiver().and_then(|r| root_name(&r))
            } else {
                None
            }
        }
        _ => None,
    }
}

/// Whether a call passes one of `names` (the loop's item) as a set the statement takes
/// whole: `= ANY($1)` or `unnest($1)` in its SQL, diesel's `eq_any(..)`/`is_in(..)`, or
/// `.values(..)` of an insert.
pub(super) fn takes_item_as_set(call: &SyntaxNode, names: &HashSet<String>) -> bool {
    let mentions_item = call
        .descendants()
        .filter_map(ast::NameRef::cast)
        .any(|name| names.contains(name.text()));
    mentions_item && super::names_a_set(&call.text().to_string())
}
