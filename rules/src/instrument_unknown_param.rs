use std::collections::HashSet;
use std::sync::Arc;

use prodlint_core::{
    Applicability, ConfigError, Diagnostic, Edit, Fix, RuleMeta, RuleOptions, Severity, SourceFile,
    Span,
};
use prodlint_rust::attr::{instrument_args, read_applied_metas, InstrumentArgs, Named};
use prodlint_rust::ra_ap_syntax::ast::{self, HasAttrs, HasName};
use prodlint_rust::ra_ap_syntax::{AstNode, SyntaxNode};
use prodlint_rust::{compact_text, span};

use crate::{Rule, RustContext};

prodlint_macros::declare_rule! {
    /// ## What it does
    /// Finds `#[tracing::instrument(..)]` attributes whose `skip(..)` names a parameter
    /// that the function does not have, `self` included on a function without a receiver,
    /// and `fields(..)` whose values read `self` on such a function or a variable that is
    /// neither a parameter nor any name the file defines or imports.
    ///
    /// The attribute counts when it is written `#[tracing::instrument]`, or
    /// `#[instrument]` in a file that imports it from `tracing`, also inside
    /// `#[cfg_attr(.., instrument(..))]`. Parameters bound by patterns (`(a, b): (u32,
    /// u32)`, `Point { x, y }: Point`) count by the names they bind; a parameter written
    /// by a macro makes the function unknown, and it is not checked.
    ///
    /// The fix removes the name from `skip(..)`. Where the name is known to have had a
    /// type (`self` in a function nested in an `impl`, a parameter of the enclosing
    /// function) and exactly one parameter has that type, it suggests that parameter
    /// instead.
    ///
    /// ## Why is this bad?
    /// The attribute is expanded when the crate compiles, and tracing rejects it: "error:
    /// attempting to skip non-existent parameter". It typically happens when a method's
    /// body moves into a nested `async fn` or a free function and the attribute is copied
    /// with it: the build breaks at the very end, in CI, for a line that looks right.
    ///
    /// ## Example
    /// ```rs
    /// impl P2PRegistry {
    ///     pub async fn sync(&self) {
    ///         #[instrument(skip(self), fields(peers = self.peers.len()))]
    ///         async fn inner(registry: &P2PRegistry, round: u32) { /* ... */ }
    ///         inner(self, 1).await
    ///     }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```rs
    /// impl P2PRegistry {
    ///     pub async fn sync(&self) {
    ///         #[instrument(skip(registry), fields(peers = registry.peers.len()))]
    ///         async fn inner(registry: &P2PRegistry, round: u32) { /* ... */ }
    ///         inner(self, 1).await
    ///     }
    /// }
    /// ```
    pub static META = {
        id: "instrument-unknown-param",
        languages: [Rust],
        severity: Error,
        summary: "#[instrument(skip(..))] or fields(..) naming a parameter the function does not have, such as self on a function without a receiver",
        fix: Safe,
    }
}

pub struct InstrumentUnknownParam;

impl InstrumentUnknownParam {
    pub fn build(_options: &RuleOptions) -> Result<Box<dyn Rule>, ConfigError> {
        Ok(Box::new(InstrumentUnknownParam))
    }
}

impl Rule for InstrumentUnknownParam {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_rust(&self, ctx: &RustContext<'_>, out: &mut Vec<Diagnostic>) {
        if !ctx.file.text.contains("instrument") {
            return;
        }
        let root = ctx.tree.syntax();
        let imported = imports_instrument(root);
        let mut file_names = None;
        for function in root.descendants().filter_map(ast::Fn::cast) {
            if function.body().is_none() {
                continue;
            }
            let attrs: Vec<InstrumentArgs> = function
                .attrs()
                .flat_map(|attr| {
                    read_applied_metas(&attr, |meta, spans| {
                        if !is_instrument(meta.path(), imported) {
                            return Ok(None);
                        }
                        instrument_args(meta, spans).map(Some)
                    })
                })
                .collect();
            if attrs.is_empty() {
                continue;
            }
            let Some(params) = Params::of(&function) else {
                continue;
            };
            let names = file_names.get_or_insert_with(|| FileNames::of(root));
            for args in &attrs {
                check(ctx, &function, &params, names, args, out);
            }
        }
    }
}

/// Whether a `use` brings tracing's `instrument` (or all of tracing) into scope.
fn imports_instrument(root: &SyntaxNode) -> bool {
    root.descendants().filter_map(ast::Use::cast).any(|u| {
        let text = compact_text(u.syntax());
        (text.contains("tracing::") || text.contains("tracing_attributes::"))
            && (text.contains("instrument") || text.contains('*'))
    })
}

fn is_instrument(path: &prodlint_rust::attr::syn::Path, imported: bool) -> bool {
    let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    match segments.as_slice() {
        [name] => imported && name == "instrument",
        [krate, name] => {
            matches!(krate.as_str(), "tracing" | "tracing_attributes") && name == "instrument"
        }
        _ => false,
    }
}

/// A function's parameters by the names they bind.
struct Params {
    receiver: bool,
    names: Vec<String>,
    /// Each named parameter with the last segment of its type (through references).
    typed: Vec<(String, Option<String>)>,
    list: Span,
}

impl Params {
    /// `None` when a parameter's names cannot be known (a macro in its pattern).
    fn of(function: &ast::Fn) -> Option<Params> {
        let list = function.param_list()?;
        let mut out = Params {
            receiver: list.self_param().is_some(),
            names: Vec::new(),
            typed: Vec::new(),
            list: span(list.syntax().text_range()),
        };
        for param in list.params() {
            let pat = param.pat()?;
            if pat
                .syntax()
                .descendants()
                .any(|n| ast::MacroPat::can_cast(n.kind()))
            {
                return None;
            }
            let bound: Vec<String> = pat
                .syntax()
                .descendants()
                .filter_map(ast::IdentPat::cast)
                .filter_map(|p| p.name())
                .map(|n| n.text().trim_start_matches("r#").to_string())
                .collect();
            if let (ast::Pat::IdentPat(_), [name]) = (&pat, bound.as_slice()) {
                let ty = param.ty().as_ref().and_then(type_name);
                out.typed.push((name.clone(), ty));
            }
            out.names.extend(bound);
        }
        Some(out)
    }

    fn has(&self, name: &str) -> bool {
        if name == "self" {
            self.receiver
        } else {
            self.names.iter().any(|n| n == name)
        }
    }
}

/// The last segment of a path type, through references: `P2PRegistry` of `&P2PRegistry`.
fn type_name(ty: &ast::Type) -> Option<String> {
    match ty {
        ast::Type::PathType(p) => Some(p.path()?.segment()?.name_ref()?.text().to_string()),
        ast::Type::RefType(r) => type_name(&r.ty()?),
        _ => None,
    }
}

/// The names a file defines or imports, which a `fields(..)` value may read besides the
/// parameters (constants, statics).
struct FileNames {
    names: HashSet<String>,
    /// A glob import (`use config::*`) may bring any name.
    glob: bool,
}

impl FileNames {
    fn of(root: &SyntaxNode) -> FileNames {
        let mut names = HashSet::new();
        let mut glob = false;
        for node in root.descendants() {
            if let Some(tree) = ast::UseTree::cast(node.clone()) {
                glob |= tree.star_token().is_some();
                if let Some(rename) = tree.rename().and_then(|r| r.name()) {
                    names.insert(rename.text().to_string());
                } else if let Some(last) = tree.path().and_then(|p| p.segment()) {
                    if let Some(name) = last.name_ref() {
                        names.insert(name.text().to_string());
                    }
                }
            } else if let Some(item) = ast::Const::cast(node.clone()) {
                names.extend(item.name().map(|n| n.text().to_string()));
            } else if let Some(item) = ast::Static::cast(node.clone()) {
                names.extend(item.name().map(|n| n.text().to_string()));
            } else if let Some(item) = ast::Fn::cast(node.clone()) {
                names.extend(item.name().map(|n| n.text().to_string()));
            }
        }
        FileNames { names, glob }
    }
}

fn check(
    ctx: &RustContext<'_>,
    function: &ast::Fn,
    params: &Params,
    names: &FileNames,
    args: &InstrumentArgs,
    out: &mut Vec<Diagnostic>,
) {
    let fn_name = function
        .name()
        .map(|n| n.text().to_string())
        .unwrap_or_default();
    for (i, skipped) in args.skip.iter().enumerate() {
        if params.has(&skipped.name) {
            continue;
        }
        let fix = match renamed(function, params, &skipped.name) {
            Some(param) => Fix {
                message: format!("skip `{param}` instead"),
                applicability: Applicability::Suggestion,
                edits: vec![edit(ctx.file, skipped.span, param.to_string())],
            },
            None => Fix {
                message: format!("remove `{}` from `skip(..)`", skipped.name),
                applicability: Applicability::Safe,
                edits: vec![edit(ctx.file, removal(ctx.file, args, i), String::new())],
            },
        };
        out.push(unknown_name(ctx.file, &fn_name, params, skipped, Misnamed::Skip).with_fix(fix));
    }
    for root in &args.field_roots {
        let unknown = if root.name == "self" {
            !params.receiver
        } else {
            !params.has(&root.name)
                && !names.glob
                && !names.names.contains(&root.name)
                && root
                    .name
                    .starts_with(|c: char| c.is_lowercase() || c == '_')
        };
        if unknown {
            out.push(unknown_name(
                ctx.file,
                &fn_name,
                params,
                root,
                Misnamed::FieldValue,
            ));
        }
    }
}

/// The one parameter that has the type the skipped name had: the `impl`'s type for
/// `self` in a nested function, else the type of the enclosing function's parameter of
/// that name.
fn renamed<'a>(function: &ast::Fn, params: &'a Params, name: &str) -> Option<&'a str> {
    let mut outer = function.syntax().ancestors().skip(1);
    let ty = if name == "self" {
        let owner = outer.find_map(ast::Impl::cast)?;
        type_name(&owner.self_ty()?)?
    } else {
        let enclosing = outer.find_map(ast::Fn::cast)?;
        let enclosing = Params::of(&enclosing)?;
        let (_, ty) = enclosing.typed.iter().find(|(n, _)| n == name)?;
        ty.clone()?
    };
    let mut same: Vec<&str> = params
        .typed
        .iter()
        .filter(|(_, t)| t.as_deref() == Some(ty.as_str()))
        .map(|(n, _)| n.as_str())
        .collect();
    (same.len() == 1).then(|| same.remove(0))
}

/// What to delete to drop the `i`th skipped name: the name and one comma beside it, or,
/// when it is its list's only name, the whole `skip(..)` argument and one comma beside it.
fn removal(file: &SourceFile, args: &InstrumentArgs, i: usize) -> Span {
    let list = args.skip_list_of[i];
    let siblings: Vec<&Named> = args
        .skip
        .iter()
        .zip(&args.skip_list_of)
        .filter(|(_, l)| **l == list)
        .map(|(n, _)| n)
        .collect();
    let at = siblings
        .iter()
        .position(|n| n.span == args.skip[i].span)
        .unwrap_or(0);
    let this = args.skip[i].span;
    if siblings.len() > 1 {
        return match siblings.get(at + 1) {
            Some(next) => Span::new(this.start, next.span.start),
            None => Span::new(siblings[at - 1].span.end, this.end),
        };
    }
    let whole = args.skip_lists[list];
    if args.arg_count == 1 {
        // `#[instrument(skip(x))]` becomes `#[instrument]`.
        return args.arg_list.unwrap_or(whole);
    }
    let text = file.text.as_bytes();
    let mut end = whole.end as usize;
    while end < text.len() && text[end].is_ascii_whitespace() {
        end += 1;
    }
    if text.get(end) == Some(&b',') {
        end += 1;
        while end < text.len() && text[end].is_ascii_whitespace() {
            end += 1;
        }
        return Span::new(whole.start, end as u32);
    }
    let mut start = whole.start as usize;
    while start > 0 && text[start - 1].is_ascii_whitespace() {
        start -= 1;
    }
    if start > 0 && text[start - 1] == b',' {
        return Span::new(start as u32 - 1, whole.end);
    }
    whole
}

fn edit(file: &Arc<SourceFile>, span: Span, replacement: String) -> Edit {
    Edit {
        file: Arc::clone(file),
        span,
        replacement,
    }
}

fn describe(fn_name: &str, params: &Params) -> String {
    if params.names.is_empty() && !params.receiver {
        format!("`{fn_name}` has no parameters")
    } else {
        let mut all: Vec<&str> = Vec::new();
        if params.receiver {
            all.push("self");
        }
        all.extend(params.names.iter().map(String::as_str));
        format!("`{fn_name}` has {}", quoted(&all))
    }
}

fn quoted(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Where the attribute names a variable the function does not have.
#[derive(Clone, Copy)]
enum Misnamed {
    Skip,
    FieldValue,
}

fn unknown_name(
    file: &Arc<SourceFile>,
    fn_name: &str,
    params: &Params,
    named: &Named,
    place: Misnamed,
) -> Diagnostic {
    let (what, reason) = match place {
        Misnamed::Skip => (
            "`#[instrument]` skips",
            "tracing rejects this when the crate compiles (\"attempting to skip non-existent parameter\"); skip only parameters",
        ),
        Misnamed::FieldValue => (
            "`#[instrument(fields(..))]` reads",
            "the field values are evaluated inside the function, where only its parameters and the file's items are in scope",
        ),
    };
    let message = match (named.name.as_str(), place) {
        ("self", _) => format!("{what} `self`, but `{fn_name}` has no `self` parameter"),
        (name, Misnamed::Skip) => {
            format!("{what} `{name}`, which is not a parameter of `{fn_name}`")
        }
        (name, Misnamed::FieldValue) => format!(
            "{what} `{name}`, which is not a parameter of `{fn_name}` nor a name in this file"
        ),
    };
    Diagnostic::new(META.id, Severity::Error, file, named.span, message)
        .with_help(format!("{reason}: {}", describe(fn_name, params)))
        .with_label(file, params.list, "the parameters")
}
