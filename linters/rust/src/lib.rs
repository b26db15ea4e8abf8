//! The Rust front end: parses with ra_ap_syntax, which is error-tolerant and lossless, so a
//! half-typed file in an editor still yields a full tree and every rule can run on it.

use prodlint_core::{Comment, Span};
use ra_ap_syntax::ast::{self, HasAttrs};
use ra_ap_syntax::{AstNode, Edition, Parse, SyntaxKind, SyntaxNode, TextRange};

pub use ra_ap_syntax;

pub mod attr;
pub mod auto_traits;
pub mod crate_index;
pub mod deps;
pub mod std_api;
pub mod types;

/// One parsed Rust file. `Parse` is `Send + Sync`, the tree it hands out is not: call
/// [`RustFile::tree`] on the thread that walks it.
pub struct RustFile {
    parse: Parse<ast::SourceFile>,
}

impl RustFile {
    pub fn parse(text: &str) -> RustFile {
        RustFile {
            parse: ast::SourceFile::parse(text, Edition::Edition2021),
        }
    }

    pub fn tree(&self) -> ast::SourceFile {
        self.parse.tree()
    }

    /// Syntax errors (the tree is complete all the same).
    pub fn syntax_errors(&self) -> Vec<(Span, String)> {
        self.parse
            .errors()
            .into_iter()
            .map(|error| (span(error.range()), error.to_string()))
            .collect()
    }

    /// Every comment, doc comments included, in source order. `text` drops the `//`/`/*`.
    pub fn comments(&self) -> Vec<Comment> {
        self.parse
            .syntax_node()
            .descendants_with_tokens()
            .filter_map(|element| element.into_token())
            .filter(|token| token.kind() == SyntaxKind::COMMENT)
            .map(|token| {
                let text = token.text();
                let inner = if let Some(rest) = text.strip_prefix("/*") {
                    rest.strip_suffix("*/").unwrap_or(rest)
                } else {
                    text.trim_start_matches('/')
                };
                Comment {
                    span: span(token.text_range()),
                    text: inner.to_string(),
                }
            })
            .collect()
    }
}

/// Writes a cache file through a temporary file and a rename, so that a reader never sees
/// half of it; failures are ignored (the cache is only a cache).
pub(crate) fn fs_write_atomic(path: &std::path::Path, text: &str) {
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    if std::fs::write(&tmp, text).is_ok() && std::fs::rename(&tmp, path).is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
}

/// A node's source text with all white space removed, for comparing paths, attributes and
/// types as written (`tokio :: spawn` and `tokio::spawn` alike).
pub fn compact_text(node: &SyntaxNode) -> String {
    node.text()
        .to_string()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

pub fn span(range: TextRange) -> Span {
    Span::new(range.start().into(), range.end().into())
}

/// Whether an attribute marks test-only code: `#[test]`, `#[tokio::test]`, `#[rstest]`,
/// `#[cfg(test)]`, `#[cfg(all(test, …))]`.
fn is_test_attr(attr: &ast::Attr) -> bool {
    let Some(meta) = attr.meta() else {
        return false;
    };
    let text = compact_text(meta.syntax());
    if let Some(predicate) = text.strip_prefix("cfg(") {
        // `cfg(test)`, `cfg(all(test, feature = "x"))`, but not `cfg(not(test))`.
        let has_test = predicate
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .any(|word| word == "test");
        return has_test && !predicate.contains("not(");
    }
    let path = text.split(['(', '=']).next().unwrap_or("");
    let last = path.rsplit("::").next().unwrap_or(path);
    matches!(
        last,
        "test" | "rstest" | "test_case" | "quickcheck" | "proptest" | "bench"
    )
}

/// Whether `node` is inside a test function or a `#[cfg(test)]` item (module, impl, fn).
pub fn is_in_test_code(node: &SyntaxNode) -> bool {
    node.ancestors().any(|ancestor| {
        ast::AnyHasAttrs::cast(ancestor).is_some_and(|item| item.attrs().any(|a| is_test_attr(&a)))
    })
}

#[cfg(test)]
mod tests {
    use ra_ap_syntax::ast::HasName;

    use super::*;

    #[test]
    fn half_typed_code_still_has_a_tree_and_errors() {
        let file = RustFile::parse("fn a() { let x = ; }\nfn b() {}\n");
        assert!(!file.syntax_errors().is_empty());
        let names: Vec<_> = file
            .tree()
            .syntax()
            .descendants()
            .filter_map(ast::Fn::cast)
            .filter_map(|f| f.name())
            .map(|n| n.text().to_string())
            .collect();
        assert_eq!(names, ["a", "b"]);
    }

    #[test]
    fn test_code_is_recognised() {
        let text = "#[cfg(test)]\nmod t { fn a() { 1; } }\n#[tokio::test]\nasync fn b() { 2; }\n#[cfg(not(test))]\nfn c() { 3; }\nfn d() { 4; }\n";
        let file = RustFile::parse(text);
        let in_test: Vec<_> = file
            .tree()
            .syntax()
            .descendants()
            .filter_map(ast::Literal::cast)
            .map(|l| (l.syntax().text().to_string(), is_in_test_code(l.syntax())))
            .collect();
        let expected = [("1", true), ("2", true), ("3", false), ("4", false)];
        let expected: Vec<_> = expected.iter().map(|(a, b)| (a.to_string(), *b)).collect();
        assert_eq!(in_test, expected);
    }

    #[test]
    fn comments_without_delimiters() {
        let file = RustFile::parse("/// doc\nfn a() {} // tail\n/* block */\n");
        let texts: Vec<_> = file.comments().into_iter().map(|c| c.text).collect();
        assert_eq!(texts, [" doc", " tail", " block "]);
    }
}
