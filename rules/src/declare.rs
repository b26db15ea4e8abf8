/// Declares a rule's metadata. The doc comment is the rule's documentation, in the sections
/// `## What it does`, `## Why is this bad?`, `## Example`, `## Use instead` (and `## Options`
/// where it has some): `prodlint explain` prints it and docs/rules/ is generated from it.
#[macro_export]
macro_rules! declare_rule {
    (@optional) => { None };
    (@optional $value:literal) => { Some($value) };
    (
        $(#[doc = $doc:literal])*
        pub static $name:ident = {
            id: $id:literal,
            languages: [$($language:ident),* $(,)?],
            severity: $severity:ident,
            $(severity_by_finding: $by_finding:literal,)?
            summary: $summary:literal,
            fix: $fix:ident $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        pub static $name: prodlint_core::RuleMeta = prodlint_core::RuleMeta {
            id: $id,
            languages: &[$(prodlint_core::Language::$language),*],
            default_severity: prodlint_core::Severity::$severity,
            severity_by_finding: $crate::declare_rule!(@optional $($by_finding)?),
            summary: $summary,
            raw_docs: concat!($($doc, "\n"),*),
            fix: prodlint_core::FixAvailability::$fix,
        };
    };
}
