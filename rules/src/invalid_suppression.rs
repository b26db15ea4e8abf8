use std::sync::Arc;

use prodlint_core::{
    ConfigError, Diagnostic, RuleMeta, RuleOptions, Severity, SourceFile, SuppressionProblem,
};

use crate::Rule;

crate::declare_rule! {
    /// ## What it does
    /// Checks `prodlint-ignore` and `prodlint-ignore-file` comments: each must name at least
    /// one known rule, give a reason after a colon, and suppress a finding.
    ///
    /// ## Why is this bad?
    /// A suppression without a reason leaves the next reader guessing whether the finding
    /// was judged or silenced; one that names an unknown rule (a typo) suppresses nothing;
    /// one that no longer suppresses anything hides the next real finding on that line.
    ///
    /// ## Example
    /// ```ts
    /// // prodlint-ignore hardcoded-url
    /// const api = "http://localhost:3000";
    /// ```
    ///
    /// ## Use instead
    /// ```ts
    /// // prodlint-ignore hardcoded-url: the dev server's proxy target, never bundled
    /// const api = "http://localhost:3000";
    /// ```
    pub static META = {
        id: "invalid-suppression",
        languages: [Rust, JavaScript],
        severity: Warning,
        summary: "A prodlint-ignore comment without a reason, with an unknown rule, or that suppresses nothing",
        fix: None,
    }
}

/// The engine runs this rule itself after filtering, since only it knows which
/// suppressions were used; the rule turns the problems into diagnostics.
pub struct InvalidSuppression;

impl InvalidSuppression {
    pub fn build(_options: &RuleOptions) -> Result<Box<dyn Rule>, ConfigError> {
        Ok(Box::new(InvalidSuppression))
    }
}

impl Rule for InvalidSuppression {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
}

pub fn diagnostic(file: &Arc<SourceFile>, problem: &SuppressionProblem) -> Diagnostic {
    let new = |span, message: String, help: &str| {
        Diagnostic::new(META.id, Severity::Warning, file, span, message).with_help(help)
    };
    match problem {
        SuppressionProblem::NoRule { span } => new(
            *span,
            "this suppression names no rule".into(),
            "write `prodlint-ignore RULE: reason`; `prodlint rules` lists the rule ids",
        ),
        SuppressionProblem::UnknownRule { span, rule } => new(
            *span,
            format!("`{rule}` is not a prodlint rule"),
            "check the spelling; `prodlint rules` lists the rule ids",
        ),
        SuppressionProblem::NoReason { span } => new(
            *span,
            "this suppression gives no reason".into(),
            "say why after a colon: `prodlint-ignore RULE: why this finding is acceptable here`",
        ),
        SuppressionProblem::Unused { span, rule } => new(
            *span,
            format!("this suppression of `{rule}` suppresses nothing"),
            "remove it, or move it to the line of the finding (or the line above)",
        ),
    }
}
