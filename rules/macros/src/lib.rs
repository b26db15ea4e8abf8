//! The declaration of prodlint's rules, checked as the rules compile.
//!
//! `declare_rule!` turns a rule's declaration (its doc comment and its metadata) into the
//! `prodlint_core::RuleMeta` that the registry, `prodlint explain` and docs/rules/ read, and
//! fails the build, at the offending token or doc line, when
//! - the id is not kebab-case;
//! - the doc comment lacks one of the sections `## What it does`, `## Why is this bad?`,
//!   `## Example`;
//! - an example block does not parse in its language: ```` ```rs ````/```` ```rust ```` as a
//!   Rust file (syn), ```` ```ts ````/```` ```tsx ````/```` ```js ```` as a module (swc, with
//!   the JS front end's dialects).
//!
//! `rule_registry!` lists every rule, one line each, and fails the build at the second of
//! two rules that declare the same id. A macro sees one invocation at a time, so the ids
//! are compared where they all meet: in the registry, by a constant the compiler evaluates.

use proc_macro::TokenStream;
use syn::parse_macro_input;

mod declaration;
mod docs;
mod examples;
mod registry;

/// Declares a rule's metadata:
///
/// ```text
/// declare_rule! {
///     /// ## What it does
///     /// …
///     /// ## Why is this bad?
///     /// …
///     /// ## Example
///     /// ```rs
///     /// …
///     /// ```
///     pub static META = {
///         id: "kebab-case-id",
///         languages: [Rust, JavaScript],
///         severity: Warning,
///         summary: "One line: what the rule finds",
///         fix: None,
///     }
/// }
/// ```
///
/// expands to `pub static META: prodlint_core::RuleMeta`, its `raw_docs` the doc comment's
/// lines as written after `///`. `languages` are `prodlint_core::Language` variants,
/// `severity` a `prodlint_core::Severity`, `fix` a `prodlint_core::FixAvailability`.
#[proc_macro]
pub fn declare_rule(input: TokenStream) -> TokenStream {
    let declaration = parse_macro_input!(input as declaration::Declaration);
    declaration
        .expand()
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Declares the registry: a static slice of entries, one line per rule naming the type that
/// implements it, in the module where its `declare_rule!` put `META`:
///
/// ```text
/// rule_registry! {
///     pub static REGISTRY: &[RuleEntry] = [
///         hardcoded_url::HardcodedUrl,
///     ];
/// }
/// ```
///
/// Each entry becomes `RuleEntry { meta: &hardcoded_url::META, build: hardcoded_url::HardcodedUrl::build }`;
/// two entries whose `META` has the same id fail the build at the second.
#[proc_macro]
pub fn rule_registry(input: TokenStream) -> TokenStream {
    let registry = parse_macro_input!(input as registry::Registry);
    registry.expand().into()
}
