//! Attributes and macro inputs read with syn.
//!
//! ra_ap_syntax leaves the inside of an attribute (`#[instrument(skip(self), fields(..))]`)
//! and of a macro call as a token tree. This module lexes such a tree's text with
//! proc-macro2 (whose `span-locations` spans give byte ranges, mapped back to the file by
//! the tree's offset) and parses it with syn, so that rules read structured facts instead
//! of scanning tokens by hand.
//!
//! Two properties of proc-macro2 and syn shape the interface:
//! - spans and syn's trees are not `Send`, and they are only meaningful until the thread's
//!   source map is cleared; so syn values never leave [`read_tokens`]: the reader turns
//!   them into plain facts (the `T: Send` bound keeps every span inside);
//! - proc-macro2 keeps every lexed text per thread, so the outermost call clears them
//!   (`invalidate_current_thread_spans`) when it returns: memory stays bounded however
//!   many files a worker thread reads.
//!
//! Malformed input (half-typed code in an editor, an unterminated string, a form the
//! reader does not know) gives `None`: no facts, never a guess and never a panic.

use std::cell::Cell;
use std::str::FromStr;

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use prodlint_core::Span;
use ra_ap_syntax::ast;
use ra_ap_syntax::AstNode;
use syn::ext::IdentExt;
use syn::parse::{ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::Token;

pub use proc_macro2;
pub use syn;

/// Maps proc-macro2 spans of one lexed text back to offsets in its file.
pub struct Spans {
    base: u32,
}

impl Spans {
    pub fn span(&self, span: proc_macro2::Span) -> Span {
        let range = span.byte_range();
        Span::new(self.base + range.start as u32, self.base + range.end as u32)
    }

    /// From the start of `first` to the end of `last`.
    pub fn join(&self, first: proc_macro2::Span, last: proc_macro2::Span) -> Span {
        Span::new(self.span(first).start, self.span(last).end)
    }
}

thread_local! {
    /// How many [`read_tokens`] calls are running on this thread: only the outermost one
    /// may clear the source map, which the inner ones' spans still point into.
    static DEPTH: Cell<u32> = const { Cell::new(0) };
}

struct DepthGuard;

impl DepthGuard {
    fn enter() -> DepthGuard {
        DEPTH.with(|d| d.set(d.get() + 1));
        DepthGuard
    }
}

impl Drop for DepthGuard {
    fn drop(&mut self) {
        let outermost = DEPTH.with(|d| {
            d.set(d.get() - 1);
            d.get() == 0
        });
        if outermost {
            proc_macro2::extra::invalidate_current_thread_spans();
        }
    }
}

/// Lexes `text`, which starts at byte `base` of its file, and hands the tokens to `read`.
/// `None` when the text does not lex or `read` fails.
pub fn read_tokens<T: Send>(
    text: &str,
    base: u32,
    read: impl FnOnce(TokenStream, &Spans) -> syn::Result<T>,
) -> Option<T> {
    let _guard = DepthGuard::enter();
    prodlint_core::catch_quietly(|| {
        let tokens = TokenStream::from_str(text).ok()?;
        read(tokens, &Spans { base }).ok()
    })
    .ok()
    .flatten()
}

/// The tokens inside a delimited token tree (`(skip(self), fields(..))` gives
/// `skip(self), fields(..)`): `None` when a delimiter is missing.
pub fn read_token_tree<T: Send>(
    tree: &ast::TokenTree,
    read: impl FnOnce(TokenStream, &Spans) -> syn::Result<T>,
) -> Option<T> {
    let text = tree.syntax().text().to_string();
    let base = tree.syntax().text_range().start().into();
    read_tokens(&text, base, |tokens, spans| {
        let mut trees = tokens.into_iter();
        match (trees.next(), trees.next()) {
            (Some(TokenTree::Group(group)), None) if group.delimiter() != Delimiter::None => {
                read(group.stream(), spans)
            }
            _ => Err(syn::Error::new(
                proc_macro2::Span::call_site(),
                "not one group",
            )),
        }
    })
}

/// An attribute's meta (`instrument(skip(self))`, `deprecated = "note"`) as a `syn::Meta`.
pub fn read_meta<T: Send>(
    attr: &ast::Attr,
    read: impl FnOnce(&syn::Meta, &Spans) -> syn::Result<T>,
) -> Option<T> {
    let meta = attr.meta()?;
    let text = meta.syntax().text().to_string();
    let base = meta.syntax().text_range().start().into();
    read_tokens(&text, base, |tokens, spans| {
        let meta: syn::Meta = syn::parse2(tokens)?;
        read(&meta, spans)
    })
}

/// The metas an attribute applies: itself, or for `#[cfg_attr(predicate, a, b)]` the
/// attributes it applies when the predicate holds (`a`, `b`), each read by `read`.
pub fn read_applied_metas<T: Send>(
    attr: &ast::Attr,
    mut read: impl FnMut(&syn::Meta, &Spans) -> syn::Result<Option<T>>,
) -> Vec<T> {
    read_meta(attr, |meta, spans| {
        let mut out = Vec::new();
        if meta.path().is_ident("cfg_attr") {
            let list = meta.require_list()?;
            let parser = |input: ParseStream<'_>| {
                let _predicate: syn::Meta = input.parse()?;
                input.parse::<Token![,]>()?;
                Punctuated::<syn::Meta, Token![,]>::parse_terminated(input)
            };
            for applied in parser.parse2(list.tokens.clone())? {
                out.extend(read(&applied, spans)?);
            }
        } else {
            out.extend(read(meta, spans)?);
        }
        Ok(out)
    })
    .unwrap_or_default()
}

/// A name with its place in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    pub name: String,
    pub span: Span,
}

/// The arguments of `#[tracing::instrument(..)]` that name the function's parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InstrumentArgs {
    /// The names in `skip(..)`, in order (several `skip(..)` lists add up).
    pub skip: Vec<Named>,
    /// For each name of `skip`, the index into `skip_lists` of the list it is in.
    pub skip_list_of: Vec<usize>,
    /// Each `skip(..)` argument, from `skip` to its `)`.
    pub skip_lists: Vec<Span>,
    pub skip_all: bool,
    /// How many arguments the attribute has (`skip(a), level = "info"`: 2).
    pub arg_count: usize,
    /// The parenthesized arguments, `(` to `)`.
    pub arg_list: Option<Span>,
    /// The variables that the values of `fields(..)` start from: `self` of
    /// `fields(id = %self.id)`, `user` of `fields(user = ?user.name)`.
    pub field_roots: Vec<Named>,
}

/// Reads the arguments of an `instrument` meta (the path is the caller's to judge); a
/// bare `#[instrument]` has none.
pub fn instrument_args(meta: &syn::Meta, spans: &Spans) -> syn::Result<InstrumentArgs> {
    let mut out = InstrumentArgs::default();
    let syn::Meta::List(list) = meta else {
        return Ok(out);
    };
    out.arg_list = Some(spans.span(list.delimiter.span().join()));
    let parser = syn::meta::parser(|arg| {
        out.arg_count += 1;
        if arg.path.is_ident("skip") {
            let group: proc_macro2::Group = arg.input.parse()?;
            let names = |input: ParseStream<'_>| {
                Punctuated::<syn::Ident, Token![,]>::parse_terminated_with(
                    input,
                    syn::Ident::parse_any,
                )
            };
            let start = arg.path.segments[0].ident.span();
            for name in names.parse2(group.stream())? {
                out.skip_list_of.push(out.skip_lists.len());
                out.skip.push(Named {
                    name: name.unraw().to_string(),
                    span: spans.span(name.span()),
                });
            }
            out.skip_lists.push(spans.join(start, group.span_close()));
        } else if arg.path.is_ident("fields") {
            let group: proc_macro2::Group = arg.input.parse()?;
            let fields = |input: ParseStream<'_>| {
                let mut roots = Vec::new();
                while !input.is_empty() {
                    roots.extend(field_root(input, spans)?);
                    if !input.is_empty() {
                        input.parse::<Token![,]>()?;
                    }
                }
                Ok(roots)
            };
            out.field_roots.extend(fields.parse2(group.stream())?);
        } else if arg.input.peek(Token![=]) {
            arg.value()?.parse::<syn::Expr>()?;
        } else if arg.input.peek(syn::token::Paren) {
            arg.input.parse::<proc_macro2::Group>()?;
        } else if arg.path.is_ident("skip_all") {
            out.skip_all = true;
        }
        Ok(())
    });
    parser.parse2(list.tokens.clone())?;
    Ok(out)
}

/// One entry of `fields(..)`: `name`, `a.b = value`, `"a.b" = %value`, `name = ?value`.
/// Gives the variable the value starts from, when the value is a path, field access or
/// method call on one (`%self.id`, `user.name()`).
fn field_root(input: ParseStream<'_>, spans: &Spans) -> syn::Result<Option<Named>> {
    if input.peek(Token![%]) {
        input.parse::<Token![%]>()?;
    } else if input.peek(Token![?]) {
        input.parse::<Token![?]>()?;
    }
    if input.peek(syn::LitStr) {
        input.parse::<syn::LitStr>()?;
    } else {
        Punctuated::<syn::Ident, Token![.]>::parse_separated_nonempty_with(
            input,
            syn::Ident::parse_any,
        )?;
    }
    if !input.peek(Token![=]) {
        return Ok(None);
    }
    input.parse::<Token![=]>()?;
    if input.peek(Token![%]) {
        input.parse::<Token![%]>()?;
    } else if input.peek(Token![?]) {
        input.parse::<Token![?]>()?;
    }
    let value: syn::Expr = input.parse()?;
    Ok(expr_root(&value).map(|ident| Named {
        name: ident.unraw().to_string(),
        span: spans.span(ident.span()),
    }))
}

/// The variable an expression reads from: `self` of `self.id`, `a` of `&a.b().c`.
fn expr_root(expr: &syn::Expr) -> Option<&syn::Ident> {
    match expr {
        syn::Expr::Path(path) if path.qself.is_none() && path.path.segments.len() == 1 => {
            let segment = &path.path.segments[0];
            segment.arguments.is_none().then_some(&segment.ident)
        }
        syn::Expr::Field(field) => expr_root(&field.base),
        syn::Expr::MethodCall(call) => expr_root(&call.receiver),
        syn::Expr::Reference(reference) => expr_root(&reference.expr),
        syn::Expr::Paren(paren) => expr_root(&paren.expr),
        _ => None,
    }
}

/// `#[deprecated]`, `#[deprecated = "note"]`, `#[deprecated(since = "..", note = "..")]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Deprecation {
    pub since: Option<String>,
    pub note: Option<String>,
}

/// The deprecation an attribute declares, if it is `#[deprecated..]`.
pub fn deprecation(attr: &ast::Attr) -> Option<Deprecation> {
    read_meta(attr, |meta, _| {
        if !meta.path().is_ident("deprecated") {
            return Err(syn::Error::new(
                proc_macro2::Span::call_site(),
                "not deprecated",
            ));
        }
        let mut out = Deprecation::default();
        match meta {
            syn::Meta::Path(_) => {}
            syn::Meta::NameValue(value) => out.note = Some(lit_str(&value.value)?),
            syn::Meta::List(list) => list.parse_nested_meta(|arg| {
                let value: syn::Expr = arg.value()?.parse()?;
                if arg.path.is_ident("since") {
                    out.since = Some(lit_str(&value)?);
                } else if arg.path.is_ident("note") {
                    out.note = Some(lit_str(&value)?);
                }
                Ok(())
            })?,
        }
        Ok(out)
    })
}

/// The string of a `#[key = "value"]` attribute (`#[path = "imp/unix.rs"]`).
pub fn string_value(attr: &ast::Attr, key: &str) -> Option<String> {
    read_meta(attr, |meta, _| match meta {
        syn::Meta::NameValue(value) if value.path.is_ident(key) => lit_str(&value.value),
        _ => Err(syn::Error::new(
            proc_macro2::Span::call_site(),
            "another attribute",
        )),
    })
}

/// A string literal in the value of a `key = value` argument of an attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyedString {
    /// `default_value` of `default_value = "http://localhost"`.
    pub key: String,
    /// The literal's value.
    pub value: String,
    /// The literal, quotes included.
    pub span: Span,
    /// Whether the literal is the whole value (`default_value = ".."`) rather than a part
    /// of an expression (`default_value_t = String::from("..")`).
    pub whole: bool,
}

/// An attribute the item gets (for `#[cfg_attr(p, a, b)]`: `a` and `b`), with the string
/// literals in the values of its `key = value` arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttrStrings {
    /// `arg` of `#[arg(long, default_value = "..")]`, `clap` of `#[clap::arg(..)]`.
    pub path: Vec<String>,
    pub strings: Vec<KeyedString>,
}

/// The keyed strings of each attribute `attr` applies: `#[arg(long, env = "BASE_URL",
/// default_value = "http://localhost")]` gives `env` and `default_value`, and
/// `#[clap(default_value_t = String::from("localhost"))]` the literal inside the
/// expression. Arguments that are lists (`parse(try_from_str = f)`) are not looked into.
/// Empty for an attribute whose arguments are not `key = value` / `name` / `name(..)`.
pub fn keyed_strings(attr: &ast::Attr) -> Vec<AttrStrings> {
    read_applied_metas(attr, |meta, spans| {
        let mut out = AttrStrings {
            path: path_segments(meta.path()),
            strings: Vec::new(),
        };
        let syn::Meta::List(list) = meta else {
            return Ok(Some(out));
        };
        list.parse_nested_meta(|arg| {
            if arg.input.peek(Token![=]) {
                let key = arg
                    .path
                    .segments
                    .last()
                    .map(|s| s.ident.unraw().to_string());
                let (value, tokens) = expr_with_tokens(arg.value()?)?;
                let whole = matches!(
                    &value,
                    syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(_),
                        ..
                    })
                );
                for (value, span) in string_literals(tokens) {
                    out.strings.push(KeyedString {
                        key: key.clone().unwrap_or_default(),
                        value,
                        span: spans.span(span),
                        whole,
                    });
                }
            } else if arg.input.peek(syn::token::Paren) {
                arg.input.parse::<proc_macro2::Group>()?;
            }
            Ok(())
        })?;
        Ok(Some(out))
    })
}

/// Parses an expression and gives it with the tokens it was parsed from (syn's trees do
/// not give their tokens back without its printing feature).
pub(crate) fn expr_with_tokens(input: ParseStream<'_>) -> syn::Result<(syn::Expr, TokenStream)> {
    let fork = input.fork();
    let expr: syn::Expr = fork.parse()?;
    let end = fork.cursor();
    let tokens = input.step(|cursor| {
        let mut tokens = TokenStream::new();
        let mut rest = *cursor;
        while rest != end {
            let Some((tree, next)) = rest.token_tree() else {
                break;
            };
            tokens.extend([tree]);
            rest = next;
        }
        Ok((tokens, rest))
    })?;
    Ok((expr, tokens))
}

/// The string literals among `tokens`, in groups too, with their values and spans.
fn string_literals(tokens: TokenStream) -> Vec<(String, proc_macro2::Span)> {
    let mut out = Vec::new();
    for tree in tokens {
        match tree {
            TokenTree::Group(group) => out.extend(string_literals(group.stream())),
            TokenTree::Literal(literal) => {
                if let Ok(syn::Lit::Str(s)) =
                    syn::parse2::<syn::Lit>(TokenTree::Literal(literal).into())
                {
                    out.push((s.value(), s.span()));
                }
            }
            _ => {}
        }
    }
    out
}

fn lit_str(expr: &syn::Expr) -> syn::Result<String> {
    match expr {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) => Ok(s.value()),
        _ => Err(syn::Error::new(
            proc_macro2::Span::call_site(),
            "not a string",
        )),
    }
}

/// The path of an attribute as its segments, taken from the parse tree (no lexing): the
/// cheap first test of which attribute it is.
pub fn attr_path(attr: &ast::Attr) -> Option<Vec<String>> {
    let meta = attr.meta()?;
    // ra_ap_syntax parses `cfg` and `cfg_attr` into nodes of their own, without a path.
    match meta {
        ast::Meta::CfgMeta(_) => return Some(vec!["cfg".to_string()]),
        ast::Meta::CfgAttrMeta(_) => return Some(vec!["cfg_attr".to_string()]),
        _ => {}
    }
    let path = meta.path()?;
    let mut segments = Vec::new();
    for segment in path.segments() {
        segments.push(
            segment
                .name_ref()?
                .text()
                .trim_start_matches("r#")
                .to_string(),
        );
    }
    Some(segments)
}

/// The path of a meta as its segments: `tracing::instrument` gives `["tracing",
/// "instrument"]` (a leading `::` is dropped).
pub fn path_segments(path: &syn::Path) -> Vec<String> {
    path.segments
        .iter()
        .map(|segment| segment.ident.unraw().to_string())
        .collect()
}

/// The arguments of `#[async_trait]`: none (the futures it makes are `Send`) or `?Send`
/// (they are not). `Ok(true)` for `Send`; any other argument is an error: no facts.
pub fn async_trait_send(meta: &syn::Meta) -> syn::Result<bool> {
    match meta {
        syn::Meta::Path(_) => Ok(true),
        syn::Meta::List(list) => {
            let not_send = |input: ParseStream<'_>| {
                input.parse::<Token![?]>()?;
                let name: syn::Ident = input.parse()?;
                if name != "Send" {
                    return Err(syn::Error::new(name.span(), "not `?Send`"));
                }
                Ok(())
            };
            not_send.parse2(list.tokens.clone())?;
            Ok(false)
        }
        syn::Meta::NameValue(value) => Err(syn::Error::new(value.eq_token.span, "not async_trait")),
    }
}

/// A `#[cfg(..)]` predicate, as far as Cargo features decide it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Cfg {
    Feature(String),
    All(Vec<Cfg>),
    Any(Vec<Cfg>),
    Not(Box<Cfg>),
    /// A bare option: `test`, `unix`, `debug_assertions`, `docsrs`. Not a feature:
    /// unknown to [`Cfg::eval`].
    Name(String),
    /// Anything else (`target_os = ".."`, `version(..)`): unknown here.
    Other,
}

impl Cfg {
    /// Whether the predicate holds with these features on; `None` when it depends on
    /// something else than features.
    pub fn eval(&self, enabled: &dyn Fn(&str) -> bool) -> Option<bool> {
        match self {
            Cfg::Feature(name) => Some(enabled(name)),
            Cfg::Not(inner) => inner.eval(enabled).map(|b| !b),
            Cfg::All(all) => {
                let values: Vec<Option<bool>> = all.iter().map(|c| c.eval(enabled)).collect();
                if values.contains(&Some(false)) {
                    Some(false)
                } else if values.iter().all(|v| *v == Some(true)) {
                    Some(true)
                } else {
                    None
                }
            }
            Cfg::Any(any) => {
                let values: Vec<Option<bool>> = any.iter().map(|c| c.eval(enabled)).collect();
                if values.contains(&Some(true)) {
                    Some(true)
                } else if values.iter().all(|v| *v == Some(false)) {
                    Some(false)
                } else {
                    None
                }
            }
            Cfg::Name(_) | Cfg::Other => None,
        }
    }

    /// Whether the predicate names the option `name` other than under a `not(..)`:
    /// `test`, `all(test, unix)`, `any(test, feature = "mocks")` for `test`.
    pub fn mentions(&self, name: &str) -> bool {
        match self {
            Cfg::Name(option) => option == name,
            Cfg::All(list) | Cfg::Any(list) => list.iter().any(|c| c.mentions(name)),
            Cfg::Feature(_) | Cfg::Not(_) | Cfg::Other => false,
        }
    }

    /// Whether the predicate holds only when the option `name` is set: `debug_assertions`,
    /// `all(debug_assertions, unix)`, `any(debug_assertions, all(debug_assertions, x))`.
    pub fn requires(&self, name: &str) -> bool {
        match self {
            Cfg::Name(option) => option == name,
            Cfg::All(list) => list.iter().any(|c| c.requires(name)),
            Cfg::Any(list) => !list.is_empty() && list.iter().all(|c| c.requires(name)),
            Cfg::Feature(_) | Cfg::Not(_) | Cfg::Other => false,
        }
    }

    /// Whether the predicate holds only in builds that are not production ones: debug
    /// builds (`debug_assertions`), test builds (`test`), and features named for a
    /// development, test or mock mode (`feature = "dev"`, `"mock"`, `"test-utils"`), alone
    /// or required by `all(…)` or by every branch of `any(…)`.
    pub fn requires_non_production(&self) -> bool {
        match self {
            Cfg::Name(option) => matches!(option.as_str(), "debug_assertions" | "test"),
            Cfg::Feature(name) => prodlint_core::modes::mode_of_name(name, true) == Some(true),
            Cfg::All(list) => list.iter().any(Cfg::requires_non_production),
            Cfg::Any(list) => !list.is_empty() && list.iter().all(Cfg::requires_non_production),
            Cfg::Not(_) | Cfg::Other => false,
        }
    }

    /// The features the predicate names, in order.
    pub fn features(&self) -> Vec<&str> {
        match self {
            Cfg::Feature(name) => vec![name.as_str()],
            Cfg::Not(inner) => inner.features(),
            Cfg::All(list) | Cfg::Any(list) => list.iter().flat_map(|c| c.features()).collect(),
            Cfg::Name(_) | Cfg::Other => Vec::new(),
        }
    }
}

/// The predicate of a `#[cfg(..)]` attribute; `None` for other attributes.
pub fn cfg(attr: &ast::Attr) -> Option<Cfg> {
    if attr_path(attr)? != ["cfg"] {
        return None;
    }
    read_meta(attr, |meta, _| {
        let list = meta.require_list()?;
        if !list.path.is_ident("cfg") {
            return Err(syn::Error::new(proc_macro2::Span::call_site(), "not cfg"));
        }
        let predicate: syn::Meta = syn::parse2(list.tokens.clone())?;
        Ok(cfg_predicate(&predicate))
    })
}

/// The predicate of a `cfg!(..)` macro call (`cfg!(debug_assertions)`); `None` for other
/// macros and for a malformed predicate.
pub fn cfg_macro(call: &ast::MacroCall) -> Option<Cfg> {
    let path = call.path()?;
    if path.qualifier().is_some() || path.segment()?.name_ref()?.text() != "cfg" {
        return None;
    }
    read_token_tree(&call.token_tree()?, |tokens, _| {
        let predicate: syn::Meta = syn::parse2(tokens)?;
        Ok(cfg_predicate(&predicate))
    })
}

fn cfg_predicate(meta: &syn::Meta) -> Cfg {
    match meta {
        syn::Meta::Path(path) => match path.get_ident() {
            Some(name) => Cfg::Name(name.unraw().to_string()),
            None => Cfg::Other,
        },
        syn::Meta::NameValue(value) if value.path.is_ident("feature") => {
            lit_str(&value.value).map_or(Cfg::Other, Cfg::Feature)
        }
        syn::Meta::List(list) => {
            let parse = Punctuated::<syn::Meta, Token![,]>::parse_terminated;
            let Ok(inner) = parse.parse2(list.tokens.clone()) else {
                return Cfg::Other;
            };
            let inner: Vec<Cfg> = inner.iter().map(cfg_predicate).collect();
            if list.path.is_ident("all") {
                Cfg::All(inner)
            } else if list.path.is_ident("any") {
                Cfg::Any(inner)
            } else if list.path.is_ident("not") && inner.len() == 1 {
                Cfg::Not(Box::new(inner.into_iter().next().unwrap_or(Cfg::Other)))
            } else {
                Cfg::Other
            }
        }
        _ => Cfg::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RustFile;

    fn first_attr(text: &str) -> ast::Attr {
        let file = RustFile::parse(text);
        let attr = file.tree().syntax().descendants().find_map(ast::Attr::cast);
        attr.unwrap()
    }

    fn instrument(text: &str) -> Vec<InstrumentArgs> {
        read_applied_metas(&first_attr(text), |meta, spans| {
            let path = meta.path();
            if path.segments.last().is_none_or(|s| s.ident != "instrument") {
                return Ok(None);
            }
            instrument_args(meta, spans).map(Some)
        })
    }

    fn at(text: &str, span: Span) -> &str {
        &text[span.start as usize..span.end as usize]
    }

    #[test]
    fn instrument_arguments_with_file_spans() {
        let text = "struct S;\n#[tracing::instrument(level = \"info\", skip(self, r#db), err, fields(id = %self.id, user.name = ?user.name(), \"a.b\" = 1, empty))]\nasync fn inner(registry: &R) {}\n";
        let args = instrument(text);
        assert_eq!(args.len(), 1);
        let args = &args[0];
        let skip: Vec<_> = args.skip.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(skip, ["self", "db"]);
        assert_eq!(at(text, args.skip[0].span), "self");
        assert_eq!(at(text, args.skip[1].span), "r#db");
        assert_eq!(at(text, args.skip_lists[0]), "skip(self, r#db)");
        assert_eq!(args.skip_list_of, [0, 0]);
        assert_eq!(args.arg_count, 4);
        assert!(at(text, args.arg_list.unwrap()).starts_with("(level"));
        assert!(at(text, args.arg_list.unwrap()).ends_with("empty))"));
        assert!(!args.skip_all);
        let roots: Vec<_> = args
            .field_roots
            .iter()
            .map(|n| (n.name.as_str(), at(text, n.span)))
            .collect();
        assert_eq!(roots, [("self", "self"), ("user", "user")]);
    }

    #[test]
    fn cfg_attr_applies_its_attributes() {
        let text =
            "#[cfg_attr(feature = \"trace\", derive(Debug), instrument(skip_all))]\nfn f() {}\n";
        let args = instrument(text);
        assert_eq!(args.len(), 1);
        assert!(args[0].skip_all);
    }

    #[test]
    fn malformed_input_gives_no_facts() {
        for text in [
            "#[instrument(skip(self)]\nfn f() {}\n",
            "#[instrument(skip(self,, x))]\nfn f() {}\n",
            "#[instrument(fields(a = ))]\nfn f() {}\n",
            "#[instrument(name = \"unterminated)]\nfn f() {}\n",
            "#[instrument(skip(\"x\"))]\nfn f() {}\n",
        ] {
            assert_eq!(instrument(text), [], "{text}");
        }
    }

    #[test]
    fn delimited_trees_give_their_inside() {
        let text = "fn f() { vec![1, 2, x]; }";
        let file = RustFile::parse(text);
        let tree = file
            .tree()
            .syntax()
            .descendants()
            .find_map(ast::TokenTree::cast)
            .unwrap();
        let last = read_token_tree(&tree, |tokens, spans| {
            let parse = Punctuated::<syn::Expr, Token![,]>::parse_terminated;
            let exprs = parse.parse2(tokens)?;
            let syn::Expr::Path(path) = exprs.last().unwrap() else {
                panic!("a path");
            };
            Ok(spans.span(path.path.segments[0].ident.span()))
        });
        assert_eq!(at(text, last.unwrap()), "x");
    }

    #[test]
    fn nested_reads_keep_the_outer_spans_valid() {
        let span = read_tokens("  outer", 10, |tokens, spans| {
            let ident = tokens.into_iter().next().unwrap().span();
            let inner = read_tokens("inner", 0, |tokens, spans| {
                Ok(spans.span(tokens.into_iter().next().unwrap().span()))
            });
            assert_eq!(inner, Some(Span::new(0, 5)));
            Ok(spans.span(ident))
        });
        assert_eq!(span, Some(Span::new(12, 17)));
        // The outermost call cleared the thread's sources: later spans start afresh.
        assert_eq!(
            read_tokens("x", 3, |t, s| Ok(
                s.span(t.into_iter().next().unwrap().span())
            )),
            Some(Span::new(3, 4))
        );
    }

    #[test]
    fn deprecations_and_cfg_predicates() {
        let dep = |text: &str| deprecation(&first_attr(text));
        assert_eq!(
            dep("#[deprecated(since = \"0.21.0\", note = \"Use Engine::encode\")]\nfn f() {}"),
            Some(Deprecation {
                since: Some("0.21.0".into()),
                note: Some("Use Engine::encode".into())
            })
        );
        assert_eq!(
            dep("#[deprecated = \"gone\"]\nfn f() {}")
                .unwrap()
                .note
                .as_deref(),
            Some("gone")
        );
        assert_eq!(
            dep("#[deprecated]\nfn f() {}"),
            Some(Deprecation::default())
        );
        assert_eq!(dep("#[doc = \"x\"]\nfn f() {}"), None);
        assert_eq!(dep("#[deprecated(since = 1)]\nfn f() {}"), None);

        let cfg_of = |text: &str| cfg(&first_attr(text)).unwrap();
        let on = |f: &str| f == "tokio";
        let gated = cfg_of("#[cfg(all(feature = \"tokio\", any(feature = \"http1\", feature = \"http2\")))]\nfn f() {}");
        assert_eq!(gated.eval(&on), Some(false));
        assert_eq!(gated.features(), ["tokio", "http1", "http2"]);
        assert_eq!(
            cfg_of("#[cfg(feature = \"tokio\")]\nfn f() {}").eval(&on),
            Some(true)
        );
        assert_eq!(
            cfg_of("#[cfg(not(feature = \"tokio\"))]\nfn f() {}").eval(&on),
            Some(false)
        );
        assert_eq!(
            cfg_of("#[cfg(all(unix, feature = \"tokio\"))]\nfn f() {}").eval(&on),
            None
        );
        assert_eq!(
            cfg_of("#[cfg(all(unix, feature = \"x\"))]\nfn f() {}").eval(&on),
            Some(false)
        );
        assert_eq!(
            cfg_of("#[cfg(docsrs)]\nfn f() {}"),
            Cfg::Name("docsrs".into())
        );
        assert_eq!(cfg_of("#[cfg(docsrs)]\nfn f() {}").eval(&on), None);
        assert!(cfg(&first_attr(
            "#[cfg_attr(docsrs, doc(cfg(feature = \"x\")))]\nfn f() {}"
        ))
        .is_none());
    }

    #[test]
    fn keyed_strings_of_attributes() {
        let text = "struct A {\n#[arg(long, env = \"BASE_URL\", default_value = \"http://localhost\", parse(try_from_str = f))]\nurl: String }";
        let found = keyed_strings(&first_attr(text));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].path, ["arg"]);
        let strings: Vec<_> = found[0]
            .strings
            .iter()
            .map(|s| (s.key.as_str(), s.value.as_str(), at(text, s.span), s.whole))
            .collect();
        assert_eq!(
            strings,
            [
                ("env", "BASE_URL", "\"BASE_URL\"", true),
                (
                    "default_value",
                    "http://localhost",
                    "\"http://localhost\"",
                    true
                )
            ]
        );
        // An expression value: the literals inside it; `cfg_attr` applies its attributes.
        let text = "struct A {\n#[cfg_attr(feature = \"cli\", clap(default_value_t = String::from(r#\"localhost\"#)))]\nhost: String }";
        let found = keyed_strings(&first_attr(text));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].path, ["clap"]);
        let string = &found[0].strings[0];
        assert_eq!(
            (string.key.as_str(), string.value.as_str(), string.whole),
            ("default_value_t", "localhost", false)
        );
        assert_eq!(at(text, string.span), "r#\"localhost\"#");
        // Half-typed: nothing.
        for text in [
            "#[arg(default_value = )]\nfn f() {}",
            "#[arg(default_value = \"http://localhost)]\nfn f() {}",
            "#[arg(default_value \"x\")]\nfn f() {}",
            "#[arg(default_value = \"a\" \"b\")]\nfn f() {}",
        ] {
            assert_eq!(keyed_strings(&first_attr(text)), [], "{text}");
        }
    }

    #[test]
    fn cfg_macros_and_options() {
        let text = "fn f() { if cfg!(all(debug_assertions, unix)) {} cfg!(not(debug_assertions)); cfg!(any(debug_assertions, feature = \"x\")); other!(debug_assertions); cfg!(debug_assertions,,); cfg!(all(debug_assertions); }";
        let file = RustFile::parse(text);
        let predicates: Vec<Option<bool>> = file
            .tree()
            .syntax()
            .descendants()
            .filter_map(ast::MacroCall::cast)
            .map(|call| cfg_macro(&call).map(|c| c.requires("debug_assertions")))
            .collect();
        assert_eq!(
            predicates,
            [Some(true), Some(false), Some(false), None, None, None]
        );
        let cfg_of = |text: &str| cfg(&first_attr(text)).unwrap();
        assert!(cfg_of("#[cfg(any(test, feature = \"mocks\"))]\nfn f() {}").mentions("test"));
        assert!(!cfg_of("#[cfg(not(test))]\nfn f() {}").mentions("test"));
        assert!(!cfg_of("#[cfg(all(unix, not(test)))]\nfn f() {}").mentions("test"));
        assert!(cfg(&first_attr("#[cfg(all(test)]\nfn f() {}")).is_none());
    }
}
