use std::sync::Arc;

use prodlint_core::{
    Applicability, ConfigError, Diagnostic, Edit, Fix, RuleMeta, RuleOptions, Severity, SourceFile,
    Span, SuppressionProblem,
};

use crate::Rule;

prodlint_macros::declare_rule! {
    /// ## What it does
    /// Checks `prodlint-ignore` and `prodlint-ignore-file` comments: each must name at least
    /// one known rule, give a reason after a colon, and suppress a finding.
    ///
    /// The fix (applied by `--fix`) deletes a suppression comment that suppresses nothing.
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
        fix: Safe,
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
        SuppressionProblem::Unused {
            span,
            rule,
            removable,
        } => {
            let diagnostic = new(
                *span,
                format!("this suppression of `{rule}` suppresses nothing"),
                "remove it, or move it to the line of the finding (or the line above)",
            );
            if *removable {
                diagnostic.with_fix(removal(file, *span))
            } else {
                diagnostic
            }
        }
    }
}

/// Deletes a comment: its whole line when it stands alone, else the comment and the white
/// space before it.
fn removal(file: &Arc<SourceFile>, comment: Span) -> Fix {
    let text = &file.text;
    let line_start = text[..comment.start as usize]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let line_end = text[comment.end as usize..]
        .find('\n')
        .map_or(text.len(), |i| comment.end as usize + i);
    let alone = text[line_start..comment.start as usize].trim().is_empty()
        && text[comment.end as usize..line_end].trim().is_empty();
    let span = if alone {
        let end = (line_end + 1).min(text.len());
        Span::new(line_start as u32, end as u32)
    } else {
        let before = text[..comment.start as usize]
            .trim_end_matches([' ', '\t'])
            .len();
        Span::new(before as u32, comment.end)
    };
    Fix {
        message: "remove the unused suppression".into(),
        applicability: Applicability::Safe,
        edits: vec![Edit {
            file: Arc::clone(file),
            span,
            replacement: String::new(),
        }],
    }
}
