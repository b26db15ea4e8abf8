//! The input of `rule_registry!` and its expansion, with the check that no two rules
//! declare the same id.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned, ToTokens};
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{bracketed, Attribute, Ident, Path, Token, Type, Visibility};

pub struct Registry {
    attrs: Vec<Attribute>,
    vis: Visibility,
    name: Ident,
    ty: Type,
    /// The entries' type: the element of the slice the static is.
    entry: Type,
    rules: Vec<Path>,
}

impl Parse for Registry {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let attrs = Attribute::parse_outer(input)?;
        let vis: Visibility = input.parse()?;
        input.parse::<Token![static]>()?;
        let name: Ident = input.parse()?;
        input.parse::<Token![:]>()?;
        let ty: Type = input.parse()?;
        let entry = match &ty {
            Type::Reference(reference) => match &*reference.elem {
                Type::Slice(slice) => Some((*slice.elem).clone()),
                _ => None,
            },
            _ => None,
        }
        .ok_or_else(|| syn::Error::new(ty.span(), "the registry is a `&[Entry]`"))?;
        input.parse::<Token![=]>()?;
        let list;
        bracketed!(list in input);
        let rules = Punctuated::<Path, Token![,]>::parse_terminated(&list)?;
        input.parse::<Token![;]>()?;
        Ok(Registry {
            attrs,
            vis,
            name,
            ty,
            entry,
            rules: rules.into_iter().collect(),
        })
    }
}

/// `module::META` for the rule type `module::Type`: where `declare_rule!` put it.
fn meta_path(rule: &Path) -> TokenStream {
    let mut module = rule.clone();
    module.segments.pop();
    let span = rule.span();
    if module.segments.is_empty() {
        quote_spanned!(span=> META)
    } else {
        quote_spanned!(span=> #module META)
    }
}

impl Registry {
    pub fn expand(&self) -> TokenStream {
        let Registry {
            attrs,
            vis,
            name,
            ty,
            entry,
            rules,
        } = self;
        let entries = rules.iter().map(|rule| {
            let meta = meta_path(rule);
            quote_spanned!(rule.span()=> #entry { meta: &#meta, build: #rule::build })
        });
        // Each rule's id against those of the rules above it, failing at the later one.
        let checks = rules.iter().enumerate().skip(1).map(|(later, rule)| {
            let meta = meta_path(rule);
            let comparisons = rules[..later].iter().map(|earlier| {
                let earlier_meta = meta_path(earlier);
                let message = format!(
                    "`{}` declares the same rule id as `{}`, listed above: rule ids are unique",
                    rule.to_token_stream().to_string().replace(' ', ""),
                    earlier.to_token_stream().to_string().replace(' ', ""),
                );
                quote_spanned! {rule.span()=>
                    if same(#meta.id, #earlier_meta.id) {
                        panic!(#message);
                    }
                }
            });
            quote!(#(#comparisons)*)
        });
        quote! {
            #(#attrs)*
            #vis static #name: #ty = &[#(#entries),*];

            const _: () = {
                const fn same(a: &str, b: &str) -> bool {
                    let (a, b) = (a.as_bytes(), b.as_bytes());
                    if a.len() != b.len() {
                        return false;
                    }
                    let mut i = 0;
                    while i < a.len() {
                        if a[i] != b[i] {
                            return false;
                        }
                        i += 1;
                    }
                    true
                }
                #(#checks)*
            };
        }
    }
}
