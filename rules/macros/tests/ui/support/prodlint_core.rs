// The types `declare_rule!` names, as prodlint_core declares them: the cases compile
// against this copy so that they need no crate but the macros (the rules' own build
// compiles the expansion against prodlint_core itself).
#![allow(dead_code)]

#[derive(Debug, PartialEq)]
pub enum Language {
    Rust,
    JavaScript,
}

#[derive(Debug, PartialEq)]
pub enum Severity {
    Info,
    Warning,
    Error,
}

#[derive(Debug, PartialEq)]
pub enum FixAvailability {
    None,
    Safe,
    Suggestion,
}

#[derive(Debug)]
pub struct RuleMeta {
    pub id: &'static str,
    pub languages: &'static [Language],
    pub default_severity: Severity,
    pub severity_by_finding: Option<&'static str>,
    pub summary: &'static str,
    pub raw_docs: &'static str,
    pub fix: FixAvailability,
}

pub struct RuleEntry {
    pub meta: &'static RuleMeta,
    pub build: fn() -> &'static str,
}
