//! The input of `declare_rule!`, its checks and its expansion.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{
    braced, bracketed, Attribute, Expr, ExprLit, Ident, Lit, LitStr, Meta, Token, Visibility,
};

use crate::docs::{self, DocLine};

const LANGUAGES: &[&str] = &["Rust", "JavaScript"];
const SEVERITIES: &[&str] = &["Error", "Warning", "Info"];
const FIXES: &[&str] = &["None", "Safe", "Suggestion"];

pub struct Declaration {
    /// The static's attributes as written: the doc comment and any other (`#[allow(..)]`).
    attrs: Vec<Attribute>,
    docs: Vec<DocLine>,
    vis: Visibility,
    name: Ident,
    id: LitStr,
    languages: Vec<Ident>,
    severity: Ident,
    /// Which finding gets which severity, for a rule whose findings differ in severity.
    severity_by_finding: Option<LitStr>,
    summary: LitStr,
    fix: Ident,
}

impl Parse for Declaration {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let attrs = Attribute::parse_outer(input)?;
        let mut docs = Vec::new();
        for attr in &attrs {
            if !attr.path().is_ident("doc") {
                continue;
            }
            match &attr.meta {
                Meta::NameValue(doc) => match &doc.value {
                    Expr::Lit(ExprLit {
                        lit: Lit::Str(text),
                        ..
                    }) => docs.push(DocLine {
                        text: text.value(),
                        span: text.span(),
                    }),
                    other => {
                        return Err(syn::Error::new_spanned(
                            other,
                            "a rule's documentation is its doc comment: write it with `///`",
                        ))
                    }
                },
                other => {
                    return Err(syn::Error::new_spanned(
                        other,
                        "a rule's documentation is its doc comment: write it with `///`",
                    ))
                }
            }
        }
        let vis: Visibility = input.parse()?;
        input.parse::<Token![static]>()?;
        let name: Ident = input.parse()?;
        input.parse::<Token![=]>()?;
        let content;
        let braces = braced!(content in input);
        let fields = Fields::parse(&content)?;
        let missing = |field: &str| {
            syn::Error::new(
                braces.span.join(),
                format!("the declaration has no `{field}`"),
            )
        };
        Ok(Declaration {
            attrs,
            docs,
            vis,
            name,
            id: fields.id.ok_or_else(|| missing("id"))?,
            languages: fields.languages.ok_or_else(|| missing("languages"))?,
            severity: fields.severity.ok_or_else(|| missing("severity"))?,
            severity_by_finding: fields.severity_by_finding,
            summary: fields.summary.ok_or_else(|| missing("summary"))?,
            fix: fields.fix.ok_or_else(|| missing("fix"))?,
        })
    }
}

/// The fields between the braces, in any order, each once.
#[derive(Default)]
struct Fields {
    id: Option<LitStr>,
    languages: Option<Vec<Ident>>,
    severity: Option<Ident>,
    severity_by_finding: Option<LitStr>,
    summary: Option<LitStr>,
    fix: Option<Ident>,
}

impl Fields {
    fn parse(input: ParseStream) -> syn::Result<Fields> {
        let mut fields = Fields::default();
        while !input.is_empty() {
            let key: Ident = input.parse()?;
            input.parse::<Token![:]>()?;
            let duplicate = || syn::Error::new(key.span(), format!("`{key}` is given twice"));
            match key.to_string().as_str() {
                "id" => set(&mut fields.id, input.parse()?, duplicate)?,
                "languages" => {
                    let list;
                    bracketed!(list in input);
                    let languages = Punctuated::<Ident, Token![,]>::parse_terminated(&list)?;
                    set(
                        &mut fields.languages,
                        languages.into_iter().collect(),
                        duplicate,
                    )?
                }
                "severity" => set(&mut fields.severity, input.parse()?, duplicate)?,
                "severity_by_finding" => {
                    set(&mut fields.severity_by_finding, input.parse()?, duplicate)?
                }
                "summary" => set(&mut fields.summary, input.parse()?, duplicate)?,
                "fix" => set(&mut fields.fix, input.parse()?, duplicate)?,
                _ => {
                    return Err(syn::Error::new(
                        key.span(),
                        format!(
                            "unknown field `{key}`: a rule declares `id`, `languages`, `severity`, `summary` and `fix` (and may declare `severity_by_finding`)"
                        ),
                    ))
                }
            }
            if input.is_empty() {
                break;
            }
            input.parse::<Token![,]>()?;
        }
        Ok(fields)
    }
}

fn set<T>(slot: &mut Option<T>, value: T, duplicate: impl Fn() -> syn::Error) -> syn::Result<()> {
    if slot.is_some() {
        return Err(duplicate());
    }
    *slot = Some(value);
    Ok(())
}

/// `hardcoded-url`: words of lower-case ASCII letters and digits, each starting with a
/// letter, joined by single hyphens.
pub fn is_kebab_case(id: &str) -> bool {
    !id.is_empty()
        && id.split('-').all(|word| {
            word.starts_with(|c: char| c.is_ascii_lowercase())
                && word
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
}

fn one_of(ident: &Ident, allowed: &[&str], what: &str) -> syn::Result<()> {
    if allowed.iter().any(|name| ident == name) {
        return Ok(());
    }
    let list = allowed
        .iter()
        .map(|name| format!("`{name}`"))
        .collect::<Vec<_>>()
        .join(", ");
    Err(syn::Error::new(
        ident.span(),
        format!("unknown {what} `{ident}`: one of {list}"),
    ))
}

impl Declaration {
    /// Every problem of the declaration at once, each at its own span.
    fn check(&self) -> syn::Result<()> {
        let mut errors: Vec<syn::Error> = Vec::new();
        let id = self.id.value();
        if !is_kebab_case(&id) {
            errors.push(syn::Error::new(
                self.id.span(),
                format!(
                    "the rule id `{id}` is not kebab-case: lower-case words of letters and digits joined by single hyphens, like `hardcoded-url`"
                ),
            ));
        }
        if self.languages.is_empty() {
            errors.push(syn::Error::new(
                self.name.span(),
                "a rule checks at least one language",
            ));
        }
        for language in &self.languages {
            errors.extend(one_of(language, LANGUAGES, "language").err());
        }
        errors.extend(one_of(&self.severity, SEVERITIES, "severity").err());
        errors.extend(one_of(&self.fix, FIXES, "fix availability").err());
        let anchor = self.docs.first().map_or(self.name.span(), |line| line.span);
        errors.extend(docs::check(&self.docs, anchor));
        let mut errors = errors.into_iter();
        match errors.next() {
            None => Ok(()),
            Some(mut first) => {
                first.extend(errors);
                Err(first)
            }
        }
    }

    pub fn expand(&self) -> syn::Result<TokenStream> {
        self.check()?;
        let Declaration {
            attrs,
            vis,
            name,
            id,
            languages,
            severity,
            severity_by_finding,
            summary,
            fix,
            ..
        } = self;
        let severity_by_finding = match severity_by_finding {
            Some(text) => quote!(Some(#text)),
            None => quote!(None),
        };
        // The same text `concat!` made of the doc literals: each line and a line break.
        let raw_docs: String = self
            .docs
            .iter()
            .flat_map(|line| [line.text.as_str(), "\n"])
            .collect();
        let raw_docs = LitStr::new(&raw_docs, Span::call_site());
        Ok(quote! {
            #(#attrs)*
            #vis static #name: prodlint_core::RuleMeta = prodlint_core::RuleMeta {
                id: #id,
                languages: &[#(prodlint_core::Language::#languages),*],
                default_severity: prodlint_core::Severity::#severity,
                severity_by_finding: #severity_by_finding,
                summary: #summary,
                raw_docs: #raw_docs,
                fix: prodlint_core::FixAvailability::#fix,
            };
        })
    }
}

#[cfg(test)]
mod tests {
    use super::is_kebab_case;

    #[test]
    fn kebab_case_ids() {
        for id in ["hardcoded-url", "n-plus-one", "a", "ws2-broadcast"] {
            assert!(is_kebab_case(id), "{id}");
        }
        for id in [
            "",
            "Hardcoded-url",
            "hardcoded_url",
            "hardcoded--url",
            "-url",
            "url-",
            "2fa-check",
            "url check",
        ] {
            assert!(!is_kebab_case(id), "{id}");
        }
    }
}
