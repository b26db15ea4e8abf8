//! The Rust front end: parses with ra_ap_syntax, which is error-tolerant and lossless, so a
//! half-typed file in an editor still yields a full tree and every rule can run on it.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use prodlint_core::nesting::{self, Dialect, TooDeep, MAX_TREE_DEPTH};
use prodlint_core::{Comment, Project, ProjectIndex, Span};
use ra_ap_syntax::ast;
use ra_ap_syntax::{AstNode, Edition, Parse, SyntaxKind, SyntaxNode, TextRange};

pub use ra_ap_syntax;

pub mod attr;
pub mod auto_traits;
pub mod crate_index;
pub mod deps;
pub mod env_readers;
pub mod future_calls;
pub mod log_only;
pub mod macro_args;
pub mod method_bodies;
pub mod outline;
pub mod std_api;
pub mod test_modules;
pub mod types;

/// One parsed Rust file. `Parse` is `Send + Sync`, the tree it hands out is not: call
/// [`RustFile::tree`] on the thread that walks it.
pub struct RustFile {
    parse: Parse<ast::SourceFile>,
    too_deep: Option<TooDeep>,
}

impl RustFile {
    /// Parses a file's text. A leading byte order mark (which rustc skips) is parsed as
    /// three spaces, so that the tree's offsets stay those of the text. A file nested
    /// beyond the depth limits (`prodlint_core::nesting`) is not parsed, or its tree not
    /// kept: the file reads as empty and [`RustFile::too_deep`] says where the limit was
    /// crossed.
    pub fn parse(text: &str) -> RustFile {
        if let Some(too_deep) = nesting::scan(text, Dialect::Rust) {
            return RustFile::empty(too_deep);
        }
        let parse = match text.strip_prefix('\u{feff}') {
            Some(rest) => ast::SourceFile::parse(&format!("   {rest}"), Edition::Edition2021),
            None => ast::SourceFile::parse(text, Edition::Edition2021),
        };
        if let Some(too_deep) = tree_too_deep(&parse.syntax_node()) {
            return RustFile::empty(too_deep);
        }
        RustFile {
            parse,
            too_deep: None,
        }
    }

    fn empty(too_deep: TooDeep) -> RustFile {
        RustFile {
            parse: ast::SourceFile::parse("", Edition::Edition2021),
            too_deep: Some(too_deep),
        }
    }

    /// Where the file nests beyond the depth limits, if it does.
    pub fn too_deep(&self) -> Option<TooDeep> {
        self.too_deep
    }

    pub fn tree(&self) -> ast::SourceFile {
        self.parse.tree()
    }

    /// Syntax errors (the tree is complete all the same).
    pub fn syntax_errors(&self) -> Vec<(Span, String)> {
        self.parse
            .errors()
            .into_iter()
            .map(|error| (span(error.range()), in_words(&error.to_string())))
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

/// A Rust file's parse, shared by whoever needs it first in a run: the engine that checks
/// the file and the crate index that collects its definitions (usually first, for every
/// file of the crate at once), so that each file is parsed once. The engine lets go of it
/// once the file is checked ([`SharedParse::release`]); asked again after that, it parses
/// again.
///
/// Parses kept for a later asker hold about ten times their text in memory, so they are
/// kept only while the texts kept add up to at most [`PARSE_BUDGET`] bytes: in a workspace
/// larger than that, the files the crate index reaches first are parsed once and the rest
/// twice, and memory stays bounded.
pub struct SharedParse {
    /// The text parsed, and its parse (`None` once released, or when unreadable).
    slot: Mutex<Option<(Arc<str>, Arc<RustFile>)>>,
    budget: Arc<ParseBudget>,
}

/// The bytes of text whose parses are kept, at most.
pub const PARSE_BUDGET: usize = 16 << 20;

/// How many bytes of text the kept parses of a project stand for.
#[derive(Default)]
pub struct ParseBudget(AtomicUsize);

impl ProjectIndex for ParseBudget {
    type Key = ();

    fn build(_: &Project, _: &()) -> ParseBudget {
        ParseBudget::default()
    }
}

impl ParseBudget {
    /// Takes `bytes` from the budget if they fit.
    fn take(&self, bytes: usize) -> bool {
        self.0
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |used| {
                (used + bytes <= PARSE_BUDGET).then_some(used + bytes)
            })
            .is_ok()
    }

    fn give_back(&self, bytes: usize) {
        self.0.fetch_sub(bytes, Ordering::AcqRel);
    }
}

impl ProjectIndex for SharedParse {
    type Key = PathBuf;

    fn build(project: &Project, _: &PathBuf) -> SharedParse {
        SharedParse {
            slot: Mutex::new(None),
            budget: project.index::<ParseBudget>(&()),
        }
    }
}

impl SharedParse {
    /// The parse of `text`: the shared one if it was made from the same text, else a new
    /// one (kept for the next asker if nothing is kept and the budget allows).
    pub fn get(&self, text: &str) -> Arc<RustFile> {
        let mut slot = self.slot.lock().unwrap();
        if let Some((parsed_text, parse)) = slot.as_ref() {
            if **parsed_text == *text {
                return Arc::clone(parse);
            }
        }
        let parse = Arc::new(RustFile::parse(text));
        if slot.is_none() && self.budget.take(text.len()) {
            *slot = Some((Arc::from(text), Arc::clone(&parse)));
        }
        parse
    }

    /// The parse kept for the next asker, if any.
    #[cfg(test)]
    pub(crate) fn held(&self) -> Option<Arc<RustFile>> {
        self.slot
            .lock()
            .unwrap()
            .as_ref()
            .map(|(_, p)| Arc::clone(p))
    }

    /// Drops the shared parse: its last user is done with it.
    pub fn release(&self) {
        if let Some((text, _)) = self.slot.lock().unwrap().take() {
            self.budget.give_back(text.len());
        }
    }
}

impl Drop for SharedParse {
    fn drop(&mut self) {
        self.release();
    }
}

/// Writes a cache file (creating its directory), so that a reader never sees half of it;
/// failures are ignored (the cache is only a cache).
pub(crate) fn write_cache_file(path: &std::path::Path, text: &str) {
    if let Some(parent) = path.parent() {
        let _ = std::fs::create_dir_all(parent);
    }
    let _ = prodlint_core::write_atomically(path, text.as_bytes());
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
/// `#[cfg(test)]`, `#[cfg(all(test, …))]`, `#[cfg(any(test, feature = "mocks"))]` (test
/// support), but not `#[cfg(not(test))]`.
pub(crate) fn is_test_attr(attr: &ast::Attr) -> bool {
    if let Some(predicate) = attr::cfg(attr) {
        return predicate.mentions("test");
    }
    attr::attr_path(attr)
        .as_ref()
        .and_then(|segments| segments.last())
        .is_some_and(|last| {
            matches!(
                last.as_str(),
                "test" | "rstest" | "test_case" | "quickcheck" | "proptest" | "bench"
            )
        })
}

/// Whether a clippy lint (`unwrap_used`) is allowed or expected where `node` is: an
/// `#[allow(clippy::unwrap_used)]` or `#[expect(..)]` on an enclosing expression,
/// statement or item, or `#![allow(..)]` at the top of the file. The author has already
/// decided there, in a project whose clippy configuration would otherwise deny it.
pub fn is_clippy_lint_allowed(node: &SyntaxNode, lint: &str) -> bool {
    is_lint_allowed(node, &format!("clippy::{lint}"))
}

/// Whether a lint, by its full name (`deprecated`, `clippy::unwrap_used`), is allowed or
/// expected on `node` or an item, statement or expression around it, the file's inner
/// attributes included.
pub fn is_lint_allowed(node: &SyntaxNode, wanted: &str) -> bool {
    node.ancestors().any(|ancestor| {
        own_attrs(&ancestor).any(|a| {
            let level = attr::attr_path(&a);
            let is_level = level
                .as_deref()
                .is_some_and(|p| matches!(p, [one] if one == "allow" || one == "expect"));
            is_level
                && a.meta()
                    .and_then(|m| match m {
                        ast::Meta::TokenTreeMeta(m) => m.token_tree(),
                        _ => None,
                    })
                    .is_some_and(|tree| {
                        let text: String = tree
                            .syntax()
                            .text()
                            .to_string()
                            .chars()
                            .filter(|c| !c.is_whitespace())
                            .collect();
                        text.trim_matches(['(', ')'])
                            .split(',')
                            .any(|path| path == wanted)
                    })
        })
    })
}

/// Whether `node` is compiled only into debug builds: inside an item, statement or
/// expression marked `#[cfg(debug_assertions)]`, or the branch of
/// `if cfg!(debug_assertions) { … }` (the `else` of `if !cfg!(debug_assertions)`).
pub fn is_in_debug_only_code(node: &SyntaxNode) -> bool {
    is_in_code_where(
        node,
        &|predicate| predicate.requires("debug_assertions"),
        false,
    )
}

/// Whether `node` runs only outside production: in debug-only code (as
/// [`is_in_debug_only_code`]), in test builds (`#[cfg(test)]`, `if cfg!(test)`), under a
/// feature named for a development, test or mock mode (`#[cfg(feature = "mock")]`,
/// `cfg!(feature = "dev")`), or in the branch of a mode flag (`if config.mock_mode`,
/// `if !is_test_mode { … } else { … }`).
pub fn is_in_non_production_code(node: &SyntaxNode) -> bool {
    is_in_code_where(node, &attr::Cfg::requires_non_production, true)
}

/// Whether `node` is inside an item marked `#[cfg(P)]`, or a branch of `if cfg!(P)` (the
/// `else` of `if !cfg!(P)`), for a predicate `P` that `holds` accepts; with `mode_flags`,
/// also a branch of a condition that is a mode flag named for a non-production mode, or
/// a comparison of a host with a loopback name (`if hostname == "localhost"`).
fn is_in_code_where(
    node: &SyntaxNode,
    holds: &dyn Fn(&attr::Cfg) -> bool,
    mode_flags: bool,
) -> bool {
    let debug_only_attr = |attr: ast::Attr| attr::cfg(&attr).is_some_and(|c| holds(&c));
    // `cfg!(debug_assertions)`, and whether it is negated (`!cfg!(..)`).
    let debug_condition = |condition: ast::Expr| -> Option<bool> {
        let (negated, inner) = match condition {
            ast::Expr::PrefixExpr(prefix) if prefix.op_kind() == Some(ast::UnaryOp::Not) => {
                (true, prefix.expr()?)
            }
            other => (false, other),
        };
        match inner {
            ast::Expr::MacroExpr(mac) => {
                let predicate = attr::cfg_macro(&mac.macro_call()?)?;
                holds(&predicate).then_some(negated)
            }
            // `if hostname == "localhost"`: the branch where the program itself runs on the
            // developer's machine (`!=`: the other branch).
            ast::Expr::BinExpr(bin) if mode_flags => {
                let equal = match bin.op_kind()? {
                    ast::BinaryOp::CmpOp(ast::CmpOp::Eq { negated }) => !negated,
                    _ => return None,
                };
                let (lhs, rhs) = (bin.lhs()?, bin.rhs()?);
                let local = (is_loopback_literal(&lhs) && names_host(&rhs))
                    || (is_loopback_literal(&rhs) && names_host(&lhs));
                local.then_some(negated == equal)
            }
            // `if config.mock_mode`, `if self.is_test_mode`, `if IS_DEV`.
            ast::Expr::FieldExpr(field) if mode_flags => {
                let name = field.name_ref()?;
                (prodlint_core::modes::mode_of_name(name.text(), false) == Some(true))
                    .then_some(negated)
            }
            ast::Expr::PathExpr(path) if mode_flags => {
                let path = path.path()?;
                let name = path.segment()?.name_ref()?;
                (prodlint_core::modes::mode_of_name(name.text(), false) == Some(true))
                    .then_some(negated)
            }
            _ => None,
        }
    };
    let mut child = node.clone();
    for ancestor in node.ancestors() {
        if own_attrs(&ancestor).any(debug_only_attr) {
            return true;
        }
        if let Some(if_expr) = ast::IfExpr::cast(ancestor.clone()) {
            let in_then = if_expr
                .then_branch()
                .is_some_and(|b| b.syntax().text_range().contains_range(child.text_range()));
            let in_else = if_expr
                .else_branch()
                .is_some_and(|b| b.syntax().text_range().contains_range(child.text_range()));
            if in_then || in_else {
                match if_expr.condition().and_then(debug_condition) {
                    Some(false) if in_then => return true,
                    Some(true) if in_else => return true,
                    _ => {}
                }
            }
        }
        child = ancestor;
    }
    false
}

/// A string literal of a loopback host name (`"localhost"`).
fn is_loopback_literal(expr: &ast::Expr) -> bool {
    let ast::Expr::Literal(literal) = expr else {
        return false;
    };
    let ast::LiteralKind::String(string) = literal.kind() else {
        return false;
    };
    string
        .value()
        .is_ok_and(|v| prodlint_core::modes::is_loopback_name(&v))
}

/// A value named for a host: `host`, `hostname`, `config.host`, `url.host_str()`.
fn names_host(expr: &ast::Expr) -> bool {
    let name = match expr {
        ast::Expr::PathExpr(p) => p.path().and_then(|p| p.segment()?.name_ref()),
        ast::Expr::FieldExpr(f) => f.name_ref(),
        ast::Expr::MethodCallExpr(m) => m.name_ref(),
        ast::Expr::RefExpr(r) => return r.expr().is_some_and(|e| names_host(&e)),
        _ => None,
    };
    name.is_some_and(|n| prodlint_core::modes::names_host(n.text()))
}

/// Whether `node` is inside a test function or a `#[cfg(test)]` item (module, impl, fn).
pub fn is_in_test_code(node: &SyntaxNode) -> bool {
    node.ancestors()
        .any(|ancestor| own_attrs(&ancestor).any(|a| is_test_attr(&a)))
}

/// The attributes written on `node` itself: an item's, statement's or expression's outer
/// attributes, or the inner ones of a file, a module's body, an impl's or a block's.
///
/// Attributes come before every other child node (inner ones right after the brace), so
/// the children are read only up to the first that is not one. `HasAttrs::attrs` reads all
/// of them: asked for every ancestor of every function, that read the thousands of items
/// of a large generated file (an SDK's clients) once per item, quadratic in the file.
pub fn own_attrs(node: &SyntaxNode) -> impl Iterator<Item = ast::Attr> {
    let has_attrs = ast::AnyHasAttrs::can_cast(node.kind());
    node.children()
        .take_while(move |_| has_attrs)
        .map_while(ast::Attr::cast)
}

/// The token a syntax kind's name stands for (`SEMICOLON` → `;`, `FN_KW` → `fn`), for the
/// kinds that are one token; the parser names kinds in its messages.
fn token_text(name: &str) -> Option<&'static str> {
    static TEXTS: std::sync::OnceLock<std::collections::HashMap<String, &'static str>> =
        std::sync::OnceLock::new();
    TEXTS
        .get_or_init(|| {
            (0..SyntaxKind::__LAST as u16)
                .map(SyntaxKind::from)
                .map(|kind| (format!("{kind:?}"), kind))
                // Only punctuation and keywords have a text (`text` panics for the rest).
                .filter(|(name, kind)| kind.is_punct() || name.ends_with("_KW"))
                .map(|(name, kind)| (name, kind.text()))
                .collect()
        })
        .get(name)
        .copied()
}

/// A parser message in words: `expected SEMICOLON` → ``expected `;` ``, `expected IDENT` →
/// `expected a name`. Words that are not kind names are kept.
pub fn in_words(message: &str) -> String {
    message
        .split(' ')
        .map(|word| {
            let (name, rest) = match word.strip_suffix(',') {
                Some(name) => (name, ","),
                None => (word, ""),
            };
            let is_kind_name =
                !name.is_empty() && name.chars().all(|c| c.is_ascii_uppercase() || c == '_');
            if !is_kind_name {
                return word.to_string();
            }
            match (token_text(name), name) {
                (Some(text), _) => format!("`{text}`{rest}"),
                (None, "IDENT") => format!("a name{rest}"),
                (None, "LIFETIME_IDENT") => format!("a lifetime{rest}"),
                (None, "INT_NUMBER") => format!("a number{rest}"),
                (None, "STRING") => format!("a string{rest}"),
                (None, "EOF") => format!("the end of the file{rest}"),
                _ => format!("{}{rest}", name.to_lowercase().replace('_', " ")),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The first node nested deeper than [`MAX_TREE_DEPTH`] (rowan's preorder walk does not
/// recurse, so this is safe at any depth).
fn tree_too_deep(root: &SyntaxNode) -> Option<TooDeep> {
    let mut depth = 0u32;
    for event in root.preorder() {
        match event {
            ra_ap_syntax::WalkEvent::Enter(node) => {
                depth += 1;
                if depth > MAX_TREE_DEPTH {
                    return Some(TooDeep {
                        span: span(node.text_range()),
                        limit: nesting::Limit::Nesting,
                    });
                }
            }
            ra_ap_syntax::WalkEvent::Leave(_) => depth -= 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use ra_ap_syntax::ast::HasName;

    use super::*;

    #[test]
    fn parser_messages_name_tokens_in_words() {
        assert_eq!(in_words("expected SEMICOLON"), "expected `;`");
        assert_eq!(in_words("expected R_PAREN"), "expected `)`");
        assert_eq!(in_words("expected FN_KW"), "expected `fn`");
        assert_eq!(in_words("expected COMMA, got EQ"), "expected `,`, got `=`");
        assert_eq!(in_words("expected IDENT"), "expected a name");
        assert_eq!(in_words("expected an item"), "expected an item");
        let parsed = RustFile::parse("fn f() { let x = 1 }\n");
        let messages: Vec<String> = parsed.syntax_errors().into_iter().map(|(_, m)| m).collect();
        assert_eq!(messages, ["expected `;`"]);
    }

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

    /// Each literal of `text`, and whether it is in test code.
    fn literals_in_test_code(text: &str) -> Vec<(String, bool)> {
        RustFile::parse(text)
            .tree()
            .syntax()
            .descendants()
            .filter_map(ast::Literal::cast)
            .map(|l| (l.syntax().text().to_string(), is_in_test_code(l.syntax())))
            .collect()
    }

    fn owned(expected: &[(&str, bool)]) -> Vec<(String, bool)> {
        expected.iter().map(|(a, b)| (a.to_string(), *b)).collect()
    }

    #[test]
    fn test_code_is_recognised() {
        let text = "#[cfg(test)]\nmod t { fn a() { 1; } }\n#[tokio::test]\nasync fn b() { 2; }\n#[cfg(not(test))]\nfn c() { 3; }\nfn d() { 4; }\n";
        let expected = [("1", true), ("2", true), ("3", false), ("4", false)];
        assert_eq!(literals_in_test_code(text), owned(&expected));
    }

    #[test]
    fn inner_and_outer_attributes_are_read_where_they_stand() {
        // Inner attributes of a file, a module's body, an impl's and a block's; outer ones
        // on items, statements and expressions; none read from a sibling.
        let text = "#![cfg(test)]\nfn a() { 1; }\n";
        assert_eq!(literals_in_test_code(text), owned(&[("1", true)]));
        let text = "mod m { #![cfg(test)] fn a() { 1; } }\nimpl S { #![cfg(test)] fn b() { 2; } }\nimpl T { fn c() { 3; } #[test] fn d() { 4; } }\nfn e() { #[cfg(test)] let x = 5; let y = 6; #[cfg(test)] { 7; } }\nfn f() { #![cfg(test)] 8; }\n";
        let expected = [
            ("1", true),
            ("2", true),
            ("3", false),
            ("4", true),
            ("5", true),
            ("6", false),
            ("7", true),
            ("8", true),
        ];
        assert_eq!(literals_in_test_code(text), owned(&expected));
    }

    #[test]
    fn debug_only_code() {
        let file = RustFile::parse(
            "#[cfg(debug_assertions)]\nconst A: &str = \"1\";\nfn f() { if cfg!(debug_assertions) { \"2\" } else { \"3\" }; if !cfg!(debug_assertions) { \"4\" } else { \"5\" }; #[cfg(debug_assertions)] let x = \"6\"; }\n#[cfg(not(debug_assertions))]\nconst B: &str = \"7\";\n",
        );
        let debug: Vec<_> = file
            .tree()
            .syntax()
            .descendants()
            .filter_map(ast::Literal::cast)
            .map(|l| {
                (
                    l.syntax().text().to_string(),
                    is_in_debug_only_code(l.syntax()),
                )
            })
            .collect();
        let expected = [
            ("1", true),
            ("2", true),
            ("3", false),
            ("4", false),
            ("5", true),
            ("6", true),
            ("7", false),
        ];
        let expected: Vec<_> = expected
            .iter()
            .map(|(a, b)| (format!("\"{a}\""), *b))
            .collect();
        assert_eq!(debug, expected);
    }

    #[test]
    fn shared_parses_are_kept_within_the_budget() {
        let project = Project::new(std::env::temp_dir());
        let budget = project.index::<ParseBudget>(&());
        let shared = project.index::<SharedParse>(&PathBuf::from("/x/a.rs"));
        let text = "fn a() {}\n";
        let first = shared.get(text);
        assert!(shared.held().is_some_and(|kept| Arc::ptr_eq(&kept, &first)));
        shared.release();
        assert_eq!(budget.0.load(Ordering::Acquire), 0);
        // With the budget spent, a parse is handed out but not kept.
        assert!(budget.take(PARSE_BUDGET - 4));
        let _ = shared.get(text);
        assert!(shared.held().is_none());
        budget.give_back(PARSE_BUDGET - 4);
        let _ = shared.get(text);
        assert!(shared.held().is_some());
    }

    #[test]
    fn comments_without_delimiters() {
        let file = RustFile::parse("/// doc\nfn a() {} // tail\n/* block */\n");
        let texts: Vec<_> = file.comments().into_iter().map(|c| c.text).collect();
        assert_eq!(texts, [" doc", " tail", " block "]);
    }
}
