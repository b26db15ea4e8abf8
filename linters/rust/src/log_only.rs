//! Values written only to log lines: `let url = format!("http://localhost:{port}");`
//! read by nothing but `info!("listening on {url}")`. Such a value is a message for
//! people, not an address the program uses.

use ra_ap_syntax::ast::{self, HasName};
use ra_ap_syntax::{AstNode, SyntaxKind, SyntaxNode, SyntaxToken};

/// Macros that write a line for people: `tracing`'s and `log`'s level macros and the
/// standard printing macros.
pub const LOG_MACROS: &[&str] = &[
    "println", "print", "eprintln", "eprint", "trace", "debug", "info", "warn", "error", "log",
    "event",
];

/// Whether the string `token` is in the initializer of a `let` whose binding is bound once
/// in its function and read only in the arguments of log macros (as an argument or an
/// inline `{name}` capture). Any other read, in code or in another macro, makes it a value
/// the program uses; a binding never read is not among them.
pub fn is_in_log_only_binding(token: &SyntaxToken) -> bool {
    let Some(let_stmt) = token.parent_ancestors().find_map(ast::LetStmt::cast) else {
        return false;
    };
    let in_initializer = let_stmt.initializer().is_some_and(|init| {
        init.syntax()
            .text_range()
            .contains_range(token.text_range())
    });
    if !in_initializer {
        return false;
    }
    let Some(ast::Pat::IdentPat(pat)) = let_stmt.pat() else {
        return false;
    };
    let Some(name) = pat.name().map(|n| n.text().to_string()) else {
        return false;
    };
    let Some(function) = let_stmt.syntax().ancestors().find_map(ast::Fn::cast) else {
        return false;
    };
    read_only_in_log_macros(function.syntax(), &name)
}

fn read_only_in_log_macros(scope: &SyntaxNode, name: &str) -> bool {
    let mut bound = 0;
    let mut message_reads = 0;
    for element in scope.descendants_with_tokens() {
        if let Some(node) = element.as_node() {
            if let Some(pat) = ast::IdentPat::cast(node.clone()) {
                if pat.name().is_some_and(|n| n.text() == name) {
                    bound += 1;
                }
            }
            continue;
        }
        let Some(token) = element.into_token() else {
            continue;
        };
        let read = match token.kind() {
            SyntaxKind::IDENT => token.text() == name,
            SyntaxKind::STRING => captures(token.text(), name),
            _ => false,
        };
        if !read {
            continue;
        }
        // The binding's own name in its pattern is not a read.
        if token
            .parent()
            .is_some_and(|p| ast::Name::can_cast(p.kind()))
        {
            continue;
        }
        let in_macro = token.parent_ancestors().find_map(ast::MacroCall::cast);
        match in_macro {
            Some(call) if is_log_macro(&call) => message_reads += 1,
            _ => return false,
        }
    }
    bound == 1 && message_reads > 0
}

fn is_log_macro(call: &ast::MacroCall) -> bool {
    call.path()
        .and_then(|p| p.segment())
        .and_then(|s| s.name_ref())
        .is_some_and(|n| LOG_MACROS.contains(&n.text()))
}

/// Whether a format string reads `name` inline: `"{url}"`, `"{url:?}"`.
fn captures(text: &str, name: &str) -> bool {
    text.match_indices('{').any(|(at, _)| {
        let rest = &text[at + 1..];
        rest.strip_prefix(name)
            .is_some_and(|after| after.starts_with('}') || after.starts_with(':'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RustFile;

    fn first_address(code: &str) -> bool {
        let file = RustFile::parse(code);
        let token = file
            .tree()
            .syntax()
            .descendants_with_tokens()
            .filter_map(|e| e.into_token())
            .find(|t| t.kind() == SyntaxKind::STRING && t.text().contains("localhost"))
            .expect("a string with an address");
        is_in_log_only_binding(&token)
    }

    #[test]
    fn a_value_read_only_by_log_macros_is_a_message() {
        assert!(first_address(
            "fn main() { let url = format!(\"http://localhost:{}\", 3); tracing::info!(\"at {url}\"); println!(\"{}\", url); }"
        ));
    }

    #[test]
    fn a_value_the_program_uses_is_not() {
        assert!(!first_address(
            "fn main() { let url = \"http://localhost:3000\"; info!(\"{url}\"); connect(url); }"
        ));
        assert!(!first_address(
            "fn main() { let url = \"http://localhost:3000\"; info!(\"{url}\"); let x = format!(\"{url}/api\"); }"
        ));
        assert!(!first_address(
            "fn main() { let url = \"http://localhost:3000\"; }"
        ));
        assert!(!first_address(
            "fn main() { let url = \"http://localhost:3000\"; info!(\"{url}\"); let url = 1; }"
        ));
    }
}
