//! The arguments of macro calls, read with syn.
//!
//! ra_ap_syntax leaves a macro call's input as a token tree: a struct literal or a method
//! call inside `vec![..]` or `format!(..)` is no expression to it. For the macros whose
//! grammar is known (the `format!` family, `vec!`, `concat!`, `dbg!`, serde_json's
//! `json!`, sqlx's `query!` family), [`macro_args`] parses the input with syn
//! (`Punctuated<Expr, Token![,]>`, the format macros' `name = value` arguments, `vec![x;
//! n]`, json's objects and arrays) and gives each argument's place in the file. A rule that
//! needs an argument as an expression of the file's own syntax tree takes it with
//! [`ArgExpr::parse`]: its nodes are ra_ap_syntax's, so the rule reads it as it reads code
//! outside macros, and [`ArgExpr::span`] maps its ranges back to the file.
//!
//! Macros of unknown grammar and malformed input (half-typed code) give `None`: no facts.

use proc_macro2::TokenStream;
use prodlint_core::Span;
use ra_ap_syntax::ast;
use ra_ap_syntax::{AstNode, Edition, SyntaxNode, TextRange, TextSize};
use syn::ext::IdentExt;
use syn::parse::{ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::Token;

use crate::attr::{self, Spans};

/// What an argument is to its macro.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgRole {
    /// The format string of a `format!`-like macro (`"{}/api"` of `format!("{}/api", base)`).
    Format,
    /// A value: an argument after the format string, an element of `vec!`, a piece of
    /// `concat!`, a value in `json!`, a query's SQL or parameter.
    Value,
    /// The destination of `write!(f, ..)`, the length of `vec![x; n]`: not part of the
    /// macro's value.
    Other,
}

/// One argument of a macro call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MacroArg {
    /// The argument's expression, first to last token.
    pub span: Span,
    pub role: ArgRole,
    /// The key a `json!` value is under (the innermost object's).
    pub key: Option<String>,
    /// The name of a format macro's named argument (`port` of `format!("{port}", port = p)`).
    pub name: Option<String>,
}

/// The grammar of a macro's input, by the macro's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Grammar {
    /// `format!("..", args)`: a format string, then values (`name = value` allowed).
    Format,
    /// `write!(dest, "..", args)`: a destination, then as `Format`.
    Write,
    /// `assert_eq!(a, b, "..", args)`: `n` values, then an optional format.
    Assert(usize),
    /// `vec![a, b]`, `vec![x; n]`.
    Vec,
    /// `concat!(a, b)`, `dbg!(a, b)`, `sqlx::query!("..", a)`: values.
    Exprs,
    /// serde_json's `json!`.
    Json,
}

fn grammar(call: &ast::MacroCall) -> Option<Grammar> {
    let path = call.path()?;
    let name = path.segment()?.name_ref()?.text().to_string();
    let qualifier = path
        .qualifier()
        .and_then(|q| q.segment()?.name_ref())
        .map(|n| n.text().to_string());
    Some(match name.as_str() {
        "format" | "format_args" | "print" | "println" | "eprint" | "eprintln" | "panic" => {
            Grammar::Format
        }
        "write" | "writeln" => Grammar::Write,
        "assert" | "debug_assert" => Grammar::Assert(1),
        "assert_eq" | "assert_ne" | "debug_assert_eq" | "debug_assert_ne" => Grammar::Assert(2),
        "vec" => Grammar::Vec,
        "concat" | "dbg" | "env" | "option_env" => Grammar::Exprs,
        "json" if qualifier.as_deref().is_none_or(|q| q == "serde_json") => Grammar::Json,
        "query"
        | "query_as"
        | "query_scalar"
        | "query_unchecked"
        | "query_as_unchecked"
        | "query_scalar_unchecked"
            if qualifier.as_deref().is_none_or(|q| q == "sqlx") =>
        {
            Grammar::Exprs
        }
        _ => return None,
    })
}

/// The arguments of a macro call whose grammar is known, in order (a `json!` value's in
/// the order written); `None` for other macros and for input that does not parse.
pub fn macro_args(call: &ast::MacroCall) -> Option<Vec<MacroArg>> {
    let grammar = grammar(call)?;
    attr::read_token_tree(&call.token_tree()?, |tokens, spans| {
        let parse = |input: ParseStream<'_>| read_args(input, grammar, spans);
        parse.parse2(tokens)
    })
}

/// The value of the argument at `index` of a macro call of known grammar, when it is a
/// string literal: `"X"` of `option_env!("X")`.
pub fn string_arg(call: &ast::MacroCall, index: usize) -> Option<String> {
    grammar(call)?;
    attr::read_token_tree(&call.token_tree()?, |tokens, _| {
        let args = Punctuated::<syn::Expr, Token![,]>::parse_terminated.parse2(tokens)?;
        match args.iter().nth(index) {
            Some(syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            })) => Ok(s.value()),
            _ => Err(syn::Error::new(
                proc_macro2::Span::call_site(),
                "not a string literal",
            )),
        }
    })
}

fn read_args(
    input: ParseStream<'_>,
    grammar: Grammar,
    spans: &Spans,
) -> syn::Result<Vec<MacroArg>> {
    let mut out = Vec::new();
    match grammar {
        Grammar::Json => json_value(input, None, spans, &mut out)?,
        Grammar::Vec => {
            let first = expr_span(input, spans)?;
            out.push(value(first, None));
            if input.peek(Token![;]) {
                input.parse::<Token![;]>()?;
                out.push(other(expr_span(input, spans)?, ArgRole::Other));
            } else {
                comma(input)?;
                out.extend(values(input, spans)?);
            }
        }
        Grammar::Exprs => out.extend(values(input, spans)?),
        Grammar::Format => format_args(input, spans, &mut out)?,
        Grammar::Write => {
            out.push(other(expr_span(input, spans)?, ArgRole::Other));
            comma(input)?;
            format_args(input, spans, &mut out)?;
        }
        Grammar::Assert(count) => {
            for _ in 0..count {
                out.push(other(expr_span(input, spans)?, ArgRole::Other));
                comma(input)?;
            }
            format_args(input, spans, &mut out)?;
        }
    }
    if !input.is_empty() {
        return Err(input.error("unexpected tokens after the arguments"));
    }
    Ok(out)
}

fn value(span: Span, key: Option<String>) -> MacroArg {
    MacroArg {
        span,
        role: ArgRole::Value,
        key,
        name: None,
    }
}

fn other(span: Span, role: ArgRole) -> MacroArg {
    MacroArg {
        span,
        role,
        key: None,
        name: None,
    }
}

/// An optional `,` between arguments; the end of the input ends the list too.
fn comma(input: ParseStream<'_>) -> syn::Result<()> {
    if !input.is_empty() {
        input.parse::<Token![,]>()?;
    }
    Ok(())
}

/// `a, b, c` (a trailing comma allowed).
fn values(input: ParseStream<'_>, spans: &Spans) -> syn::Result<Vec<MacroArg>> {
    let mut out = Vec::new();
    while !input.is_empty() {
        out.push(value(expr_span(input, spans)?, None));
        comma(input)?;
    }
    Ok(out)
}

/// `"format {}", a, name = b` (nothing at all for `println!()`).
fn format_args(input: ParseStream<'_>, spans: &Spans, out: &mut Vec<MacroArg>) -> syn::Result<()> {
    if input.is_empty() {
        return Ok(());
    }
    // The format string is a literal, or a macro that makes one (`concat!(..)`).
    out.push(other(expr_span(input, spans)?, ArgRole::Format));
    comma(input)?;
    while !input.is_empty() {
        let name = if input.peek(syn::Ident::peek_any)
            && input.peek2(Token![=])
            && !input.peek2(Token![==])
        {
            let name = input.call(syn::Ident::parse_any)?;
            input.parse::<Token![=]>()?;
            Some(name.unraw().to_string())
        } else {
            None
        };
        out.push(MacroArg {
            name,
            ..value(expr_span(input, spans)?, None)
        });
        comma(input)?;
    }
    Ok(())
}

/// A value of `json!`: an object, an array, or a Rust expression (`null`, `true` and
/// numbers are expressions too); a value that is an expression is an argument.
fn json_value(
    input: ParseStream<'_>,
    key: Option<&str>,
    spans: &Spans,
    out: &mut Vec<MacroArg>,
) -> syn::Result<()> {
    if input.peek(syn::token::Brace) {
        let content;
        syn::braced!(content in input);
        while !content.is_empty() {
            let key = json_key(&content)?;
            content.parse::<Token![:]>()?;
            json_value(&content, key.as_deref(), spans, out)?;
            comma(&content)?;
        }
    } else if input.peek(syn::token::Bracket) {
        let content;
        syn::bracketed!(content in input);
        while !content.is_empty() {
            json_value(&content, key, spans, out)?;
            comma(&content)?;
        }
    } else {
        out.push(value(expr_span(input, spans)?, key.map(str::to_string)));
    }
    Ok(())
}

/// A key of a `json!` object: `"url"`, `url`, or an expression in parentheses or of
/// several tokens (`(name)`, `key.as_str()`: no known name).
fn json_key(input: ParseStream<'_>) -> syn::Result<Option<String>> {
    if input.peek(syn::LitStr) && input.peek2(Token![:]) {
        return Ok(Some(input.parse::<syn::LitStr>()?.value()));
    }
    if input.peek(syn::Ident::peek_any) && input.peek2(Token![:]) && !input.peek2(Token![::]) {
        return Ok(Some(input.call(syn::Ident::parse_any)?.unraw().to_string()));
    }
    // serde_json takes the tokens up to the `:` as an expression.
    input.step(|cursor| {
        let mut rest = *cursor;
        let mut any = false;
        while let Some((tree, next)) = rest.token_tree() {
            if let proc_macro2::TokenTree::Punct(p) = &tree {
                let joint_colons = p.as_char() == ':'
                    && matches!(next.punct(), Some((q, _)) if q.as_char() == ':');
                if p.as_char() == ':' && !joint_colons {
                    break;
                }
                if joint_colons {
                    rest = next.punct().map_or(next, |(_, after)| after);
                    any = true;
                    continue;
                }
            }
            any = true;
            rest = next;
        }
        if !any {
            return Err(cursor.error("a key"));
        }
        Ok(((), rest))
    })?;
    Ok(None)
}

/// Parses an expression and gives its place in the file, first to last token (syn's
/// trees do not give their spans without its printing feature: the tokens parsed do).
fn expr_span(input: ParseStream<'_>, spans: &Spans) -> syn::Result<Span> {
    let (_, tokens) = attr::expr_with_tokens(input)?;
    token_span(&tokens, spans).ok_or_else(|| input.error("an expression"))
}

fn token_span(tokens: &TokenStream, spans: &Spans) -> Option<Span> {
    let mut trees = tokens.clone().into_iter();
    let first = trees.next()?;
    let last = trees.last().unwrap_or_else(|| first.clone());
    Some(spans.join(first.span(), last.span()))
}

/// An argument of a macro call parsed as an expression of ra_ap_syntax, for rules that
/// read expressions in its terms.
pub struct ArgExpr {
    pub expr: ast::Expr,
    /// The argument's start in the file.
    start: u32,
}

/// What the argument's text is wrapped in to parse it as an expression.
const PREFIX: &str = "const _: () = (";

impl ArgExpr {
    /// The argument at `arg` of `call` (a span from [`macro_args`]); `None` when its text
    /// does not parse as one expression.
    pub fn parse(call: &ast::MacroCall, arg: &MacroArg) -> Option<ArgExpr> {
        let call_range = call.syntax().text_range();
        let start = TextSize::from(arg.span.start) - call_range.start();
        let end = TextSize::from(arg.span.end) - call_range.start();
        let text = call.syntax().text();
        if end > text.len() {
            return None;
        }
        let text = text.slice(TextRange::new(start, end)).to_string();
        // A newline before the `)`, since the text may end in a line comment.
        let file = ast::SourceFile::parse(&format!("{PREFIX}{text}\n);"), Edition::Edition2021);
        if !file.errors().is_empty() {
            return None;
        }
        let paren = file
            .tree()
            .syntax()
            .descendants()
            .find_map(ast::ParenExpr::cast)?;
        let expr = paren.expr()?;
        (usize::from(expr.syntax().text_range().start()) == PREFIX.len()
            && usize::from(expr.syntax().text_range().len()) == text.len())
        .then_some(ArgExpr {
            expr,
            start: arg.span.start,
        })
    }

    /// The place in the file of a range of the argument's tree.
    pub fn span(&self, range: TextRange) -> Span {
        let shift = |offset: TextSize| u32::from(offset) - PREFIX.len() as u32 + self.start;
        Span::new(shift(range.start()), shift(range.end()))
    }

    /// The token of the argument's tree at a place in the file.
    pub fn token_at(&self, span: Span) -> Option<ra_ap_syntax::SyntaxToken> {
        if span.start < self.start {
            return None;
        }
        let offset = TextSize::from(span.start - self.start + PREFIX.len() as u32);
        let root: &SyntaxNode = self.expr.syntax();
        if !root.text_range().contains(offset) {
            return None;
        }
        root.token_at_offset(offset).right_biased()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RustFile;

    /// The first macro call of a parsed text.
    fn first_macro_call(text: &str) -> ast::MacroCall {
        RustFile::parse(text)
            .tree()
            .syntax()
            .descendants()
            .find_map(ast::MacroCall::cast)
            .unwrap()
    }

    fn args(text: &str) -> Option<Vec<(String, ArgRole, Option<String>)>> {
        let call = first_macro_call(text);
        let found = macro_args(&call)?;
        Some(
            found
                .into_iter()
                .map(|a| {
                    let shown = text[a.span.start as usize..a.span.end as usize].to_string();
                    (shown, a.role, a.key.or(a.name))
                })
                .collect(),
        )
    }

    fn shown(list: &[(&str, ArgRole, Option<&str>)]) -> Vec<(String, ArgRole, Option<String>)> {
        list.iter()
            .map(|(t, r, k)| (t.to_string(), *r, k.map(str::to_string)))
            .collect()
    }

    use ArgRole::{Format, Other, Value};

    #[test]
    fn format_family() {
        assert_eq!(
            args("fn f() { format!(\"{}/{port}\", env::var(\"X\").unwrap_or(\"a\".into()), port = p + 1); }"),
            Some(shown(&[
                ("\"{}/{port}\"", Format, None),
                ("env::var(\"X\").unwrap_or(\"a\".into())", Value, None),
                ("p + 1", Value, Some("port")),
            ]))
        );
        assert_eq!(
            args("fn f() { writeln!(out, \"{}\", x == y,).unwrap(); }"),
            Some(shown(&[
                ("out", Other, None),
                ("\"{}\"", Format, None),
                ("x == y", Value, None),
            ]))
        );
        assert_eq!(
            args("fn f() { assert_eq!(a, b); }"),
            Some(shown(&[("a", Other, None), ("b", Other, None)]))
        );
        assert_eq!(args("fn f() { println!(); }"), Some(Vec::new()));
    }

    #[test]
    fn vec_and_struct_literals() {
        assert_eq!(
            args("fn f() { let v = vec![Config { base_url: \"http://localhost\".into() }, Config::default()]; }"),
            Some(shown(&[
                ("Config { base_url: \"http://localhost\".into() }", Value, None),
                ("Config::default()", Value, None),
            ]))
        );
        assert_eq!(
            args("fn f() { vec![0u8; 16]; }"),
            Some(shown(&[("0u8", Value, None), ("16", Other, None)]))
        );
    }

    #[test]
    fn json_values_with_their_keys() {
        assert_eq!(
            args("fn f() { json!({ \"url\": \"http://localhost:3000\", \"nested\": { base: [1, x.y()] }, (k): null, a.b(): 2 }); }"),
            Some(shown(&[
                ("\"http://localhost:3000\"", Value, Some("url")),
                ("1", Value, Some("base")),
                ("x.y()", Value, Some("base")),
                ("null", Value, None),
                ("2", Value, None),
            ]))
        );
        assert_eq!(
            args("fn f() { serde_json::json!([\"a\", {\"k\": -1}]); }"),
            Some(shown(&[("\"a\"", Value, None), ("-1", Value, Some("k"))]))
        );
    }

    #[test]
    fn unknown_macros_and_malformed_input_give_nothing() {
        for text in [
            "fn f() { html! { <a href=\"x\"></a> } }",
            "fn f() { other::json!({\"a\": 1}); }",
            "fn f() { format!(\"{}\", a b); }",
            "fn f() { format!(\"{}\",, a); }",
            "fn f() { vec![1; ]; }",
            "fn f() { json!({\"a\" 1}); }",
            "fn f() { json!({\"a\": }); }",
            "fn f() { format!(\"unterminated); }",
            "fn f() { sqlx::query!(\"SELECT 1\", let); }",
        ] {
            assert_eq!(args(text), None, "{text}");
        }
    }

    #[test]
    fn arguments_as_expressions_of_the_file() {
        let text =
            "fn f() { format!(\"{}\", env::var(\"X\").unwrap_or(\"http://localhost\".into())); }";
        let call = first_macro_call(text);
        let found = macro_args(&call).unwrap();
        let arg = ArgExpr::parse(&call, &found[1]).unwrap();
        let at = text.find("\"http").unwrap() as u32;
        let literal = Span::new(at, at + "\"http://localhost\"".len() as u32);
        let token = arg.token_at(literal).unwrap();
        assert_eq!(token.text(), "\"http://localhost\"");
        assert_eq!(arg.span(token.text_range()), literal);
        let method = token
            .parent_ancestors()
            .find_map(ast::MethodCallExpr::cast)
            .unwrap();
        assert_eq!(method.name_ref().unwrap().text(), "into");
        // The format string is one expression too; a range outside the argument is none.
        assert!(ArgExpr::parse(&call, &found[0]).is_some());
        assert!(arg.token_at(Span::new(0, 1)).is_none());
    }

    #[test]
    fn string_arguments() {
        let call = |text: &str| {
            let call = first_macro_call(text);
            (string_arg(&call, 0), string_arg(&call, 1))
        };
        assert_eq!(
            call("fn f() { option_env!(\"BROKER\"); }"),
            (Some("BROKER".into()), None)
        );
        assert_eq!(
            call("fn f() { env!(\"A\", \"why\"); }").1.as_deref(),
            Some("why")
        );
        assert_eq!(call("fn f() { option_env!(NAME); }"), (None, None));
        assert_eq!(call("fn f() { option_env!(\"BROKER); }"), (None, None));
        assert_eq!(call("fn f() { unknown!(\"A\"); }"), (None, None));
    }
}
