use prodlint_core::{Diagnostic, Span};
use prodlint_rust::ra_ap_syntax::ast::{self, HasArgList};
use prodlint_rust::ra_ap_syntax::{AstNode, AstToken, SyntaxKind, SyntaxNode, SyntaxToken};
use prodlint_rust::{is_in_test_code, span};

use super::keys::{is_identifier_key, key_kind, KeyKind};
use super::{diagnostic, find_address, HardcodedUrl, Role};
use crate::RustContext;

/// Macros whose strings are messages for people (logs, panics, assertions, errors).
const MESSAGE_MACROS: &[&str] = &[
    "println",
    "print",
    "eprintln",
    "eprint",
    "panic",
    "unreachable",
    "todo",
    "unimplemented",
    "assert",
    "assert_eq",
    "assert_ne",
    "debug_assert",
    "debug_assert_eq",
    "debug_assert_ne",
    "trace",
    "debug",
    "info",
    "warn",
    "error",
    "log",
    "event",
    "bail",
    "ensure",
    "anyhow",
    "eyre",
    "write",
    "writeln",
    "compile_error",
];

/// Methods that give a default when a read fails: `env::var("X").unwrap_or(..)`.
const DEFAULT_METHODS: &[&str] = &[
    "unwrap_or",
    "unwrap_or_else",
    "or",
    "or_else",
    "map_or",
    "map_or_else",
    "unwrap_or_default",
];

/// Methods and functions that set CORS origins (tower-http, actix-cors, poem, warp).
const CORS_CALLS: &[&str] = &[
    "allow_origin",
    "allowed_origin",
    "allow_origins",
    "allowed_origins",
    "allow_any_origin",
];

pub(super) fn check(rule: &HardcodedUrl, ctx: &RustContext<'_>, out: &mut Vec<Diagnostic>) {
    for token in ctx
        .tree
        .syntax()
        .descendants_with_tokens()
        .filter_map(|e| e.into_token())
    {
        if token.kind() != SyntaxKind::STRING {
            continue;
        }
        let Some(string) = ast::String::cast(token.clone()) else {
            continue;
        };
        let Ok(value) = string.value() else { continue };
        let Some(address) = find_address(&value, false) else {
            continue;
        };
        let Some(parent) = token.parent() else {
            continue;
        };
        if is_in_attribute(&parent) || is_in_test_code(&parent) || in_message_macro(&parent) {
            continue;
        }
        if rule.is_allowed(&address) {
            continue;
        }
        // `homepage: Some("https://…".into())`, `rel: "http://webfinger.net/rel/…"`: a page
        // for people or an identifier, by the name of the field it fills.
        match record_field(&parent) {
            Some(field) if is_identifier_key(&field) => continue,
            Some(field) if key_kind(&field) == KeyKind::People && !address.local => continue,
            _ => {}
        }
        let role = role_of(&token);
        out.push(diagnostic(
            ctx.file,
            span(token.text_range()),
            &address,
            &role,
        ));
    }
}

/// The name of the struct literal field whose value holds `node`, within the same item.
fn record_field(node: &SyntaxNode) -> Option<String> {
    for ancestor in node.ancestors() {
        if ast::Item::can_cast(ancestor.kind()) && !ast::MacroCall::can_cast(ancestor.kind()) {
            return None;
        }
        if let Some(field) = ast::RecordExprField::cast(ancestor) {
            return Some(field.field_name()?.text().to_string());
        }
    }
    None
}

fn is_in_attribute(node: &SyntaxNode) -> bool {
    node.ancestors().any(|n| ast::Attr::can_cast(n.kind()))
}

fn macro_name(call: &ast::MacroCall) -> Option<String> {
    let path = call.path()?;
    Some(path.segment()?.name_ref()?.text().to_string())
}

fn in_message_macro(node: &SyntaxNode) -> bool {
    node.ancestors()
        .filter_map(ast::MacroCall::cast)
        .any(|call| macro_name(&call).is_some_and(|name| MESSAGE_MACROS.contains(&name.as_str())))
}

/// Where the string sits: the innermost enclosing call decides.
fn role_of(token: &SyntaxToken) -> Role {
    let Some(parent) = token.parent() else {
        return Role::Plain;
    };
    let offset = token.text_range().start();
    for ancestor in parent.ancestors() {
        if ast::Fn::can_cast(ancestor.kind())
            || ast::Item::can_cast(ancestor.kind()) && !ast::MacroCall::can_cast(ancestor.kind())
        {
            break;
        }
        if let Some(call) = ast::MethodCallExpr::cast(ancestor.clone()) {
            let in_args = call
                .arg_list()
                .is_some_and(|args| args.syntax().text_range().contains(offset));
            let name = call
                .name_ref()
                .map(|n| n.text().to_string())
                .unwrap_or_default();
            if in_args && CORS_CALLS.contains(&name.as_str()) {
                return Role::Cors;
            }
            if in_args && DEFAULT_METHODS.contains(&name.as_str()) {
                if let Some(read) = call.receiver().and_then(|r| env_read(r.syntax())) {
                    return Role::Fallback { config: Some(read) };
                }
            }
        }
        if let Some(call) = ast::CallExpr::cast(ancestor.clone()) {
            let callee = call
                .expr()
                .map(|e| e.syntax().text().to_string())
                .unwrap_or_default();
            if callee.starts_with("AllowOrigin::") {
                return Role::Cors;
            }
        }
    }
    Role::Plain
}

/// The first environment read in `node`: `env::var("X")`, `std::env::var_os("X")`,
/// `dotenvy::var("X")`, `option_env!("X")`, with its span and the variable's name.
fn env_read(node: &SyntaxNode) -> Option<(Span, Option<String>)> {
    for descendant in node.descendants() {
        if let Some(call) = ast::CallExpr::cast(descendant.clone()) {
            let Some(ast::Expr::PathExpr(callee)) = call.expr() else {
                continue;
            };
            let path = prodlint_rust::compact_text(callee.syntax());
            let is_env = ["env::var", "env::var_os", "dotenvy::var", "dotenv::var"]
                .iter()
                .any(|suffix| path == *suffix || path.ends_with(&format!("::{suffix}")));
            if is_env {
                let name = call.arg_list().and_then(|args| first_string(args.syntax()));
                return Some((span(call.syntax().text_range()), name));
            }
        }
        if let Some(call) = ast::MacroCall::cast(descendant.clone()) {
            if macro_name(&call).is_some_and(|name| name == "option_env") {
                let name = call.token_tree().and_then(|tt| first_string(tt.syntax()));
                return Some((span(call.syntax().text_range()), name));
            }
        }
    }
    None
}

fn first_string(node: &SyntaxNode) -> Option<String> {
    node.descendants_with_tokens()
        .filter_map(|e| e.into_token())
        .find_map(ast::String::cast)
        .and_then(|s| s.value().ok().map(|v| v.into_owned()))
}
