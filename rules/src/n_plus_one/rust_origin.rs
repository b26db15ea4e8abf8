//! Where the items of a Rust loop come from: the rows a round trip returned (`let crates
//! = crate::table.load(conn).await?; for c in &crates`), an item of a loop over them, or
//! something else (a parameter, a field, a literal). Only the first kind is the classic
//! N+1 reported at the rule's severity; see [`super::LoopSite::from_round_trip`].

use prodlint_rust::ra_ap_syntax::ast::{self, HasLoopBody};
use prodlint_rust::ra_ap_syntax::{AstNode, SyntaxKind, SyntaxNode};
use prodlint_rust::types::binding_pat;

/// How deep a local may be made from other locals and still be followed.
const MAX_DERIVATIONS: usize = 8;

/// Whether a loop around `node`, in its function, steps over rows of a round trip.
/// `is_trip` says whether a call node makes a round trip.
pub(super) fn in_rows_loop(node: &SyntaxNode, is_trip: &dyn Fn(&SyntaxNode) -> bool) -> bool {
    for ancestor in node.ancestors().skip(1) {
        if ast::Fn::can_cast(ancestor.kind()) {
            break;
        }
        let iterable = if let Some(for_expr) = ast::ForExpr::cast(ancestor.clone()) {
            let in_body = for_expr
                .loop_body()
                .is_some_and(|b| b.syntax().text_range().contains_range(node.text_range()));
            for_expr.iterable().filter(|_| in_body)
        } else if let Some(closure) = ast::ClosureExpr::cast(ancestor.clone()) {
            adapter_receiver(&closure)
        } else {
            None
        };
        if iterable.is_some_and(|iterable| iterates_rows(&iterable, is_trip, 0)) {
            return true;
        }
    }
    false
}

/// The collection an iterator adapter's closure runs over: `rows` in
/// `rows.iter().for_each(|r| ..)`.
fn adapter_receiver(closure: &ast::ClosureExpr) -> Option<ast::Expr> {
    closure
        .syntax()
        .parent()
        .and_then(ast::ArgList::cast)
        .and_then(|list| list.syntax().parent())
        .and_then(ast::MethodCallExpr::cast)
        .and_then(|call| call.receiver())
}

fn iterates_rows(expr: &ast::Expr, is_trip: &dyn Fn(&SyntaxNode) -> bool, depth: usize) -> bool {
    if depth > MAX_DERIVATIONS {
        return false;
    }
    if expr.syntax().descendants().any(|node| is_trip(&node)) {
        return true;
    }
    match value_root(expr) {
        Some(root) => is_rows_name(&root, expr.syntax(), is_trip, depth),
        None => false,
    }
}

/// The local a value is made from, through the steps that keep its items: `rows` for
/// `&rows`, `rows.iter()`, `rows.into_iter().filter(..)`, `krate.versions`, `rows[0]`.
pub(super) fn value_root(expr: &ast::Expr) -> Option<String> {
    match expr {
        ast::Expr::PathExpr(path) => path
            .path()
            .and_then(|p| p.as_single_name_ref())
            .map(|n| n.text().to_string()),
        ast::Expr::RefExpr(inner) => value_root(&inner.expr()?),
        ast::Expr::ParenExpr(inner) => value_root(&inner.expr()?),
        ast::Expr::TryExpr(inner) => value_root(&inner.expr()?),
        ast::Expr::MethodCallExpr(call) => value_root(&call.receiver()?),
        ast::Expr::FieldExpr(field) => value_root(&field.expr()?),
        ast::Expr::IndexExpr(index) => value_root(&index.base()?),
        _ => None,
    }
}

/// Whether the local `name`, as seen at `at`, holds rows: the binding visible there (the
/// front end's scoping, [`binding_pat`]) is the item of a loop over rows around `at`, or a
/// `let` of rows.
fn is_rows_name(
    name: &str,
    at: &SyntaxNode,
    is_trip: &dyn Fn(&SyntaxNode) -> bool,
    depth: usize,
) -> bool {
    let Some(pat) = binding_pat(name, at) else {
        return false;
    };
    // What the whole pattern belongs to (`(id, row)` of a `for`, `Row { id, .. }` of a `let`).
    let Some(holder) = pat.syntax().ancestors().skip(1).find(|a| {
        !ast::Pat::can_cast(a.kind())
            && !matches!(
                a.kind(),
                SyntaxKind::RECORD_PAT_FIELD | SyntaxKind::RECORD_PAT_FIELD_LIST
            )
    }) else {
        return false;
    };
    if let Some(for_expr) = ast::ForExpr::cast(holder.clone()) {
        let in_body = for_expr
            .loop_body()
            .is_some_and(|b| b.syntax().text_range().contains_range(at.text_range()));
        return in_body
            && for_expr
                .iterable()
                .is_some_and(|iterable| iterates_rows(&iterable, is_trip, depth + 1));
    }
    ast::LetStmt::cast(holder)
        .and_then(|stmt| stmt.initializer())
        .is_some_and(|init| iterates_rows(&init, is_trip, depth + 1))
}
