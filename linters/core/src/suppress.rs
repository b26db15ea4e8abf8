//! Inline suppressions:
//!
//! - `// prodlint-ignore RULE[, RULE…]: reason` at the end of a line suppresses those rules'
//!   findings that start on that line; on a line of its own, on the next line.
//! - `// prodlint-ignore-file RULE[, RULE…]: reason` anywhere suppresses them in the file.
//!
//! A reason is required, so that the next reader knows why; a suppression without one still
//! works but is reported, as are suppressions that name an unknown rule or suppress nothing.

use crate::diagnostic::Diagnostic;
use crate::source::{Comment, SourceFile, Span};

const LINE_DIRECTIVE: &str = "prodlint-ignore";
const FILE_DIRECTIVE: &str = "prodlint-ignore-file";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SuppressionProblem {
    NoRule {
        span: Span,
    },
    UnknownRule {
        span: Span,
        rule: String,
    },
    NoReason {
        span: Span,
    },
    /// `removable`: nothing in the comment is used, so deleting it changes nothing (set on
    /// the first of its rules only, so that one fix removes it).
    Unused {
        span: Span,
        rule: String,
        removable: bool,
    },
}

#[derive(Debug)]
struct Suppression {
    span: Span,
    rules: Vec<String>,
    /// The 1-based line it applies to; `None` for the whole file.
    line: Option<u32>,
    used: Vec<bool>,
}

#[derive(Debug, Default)]
pub struct Suppressions {
    entries: Vec<Suppression>,
    problems: Vec<SuppressionProblem>,
}

/// Whether a comment stands on a line of its own: nothing else before it, or it is the
/// whole of a JSX expression container (`{/* prodlint-ignore … */}`), the only way to write
/// a comment between JSX children.
fn is_own_line(file: &SourceFile, span: Span) -> bool {
    if file.starts_line(span.start) {
        return true;
    }
    let text = file.text.as_str();
    let (start, end) = (span.start as usize, (span.end as usize).min(text.len()));
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
    text[line_start..start].trim() == "{" && text[end..line_end].trim() == "}"
}

/// The reason an editor's suppress action writes until the user gives one: not a reason.
pub const REASON_PLACEHOLDER: &str = "explain why";

/// Splits `RULE, RULE: reason` into the rules and the reason.
fn parse_directive(rest: &str) -> (Vec<String>, &str) {
    let (rules, reason) = rest.split_once(':').unwrap_or((rest, ""));
    let rules = rules
        .split([',', ' ', '\t'])
        .filter(|r| !r.is_empty())
        .map(str::to_string)
        .collect();
    // A block comment's reason may run to a `*/` on a later line; only its text matters.
    (rules, reason.trim())
}

impl Suppressions {
    pub fn parse(file: &SourceFile, comments: &[Comment], known_rules: &[&str]) -> Suppressions {
        let mut suppressions = Suppressions::default();
        let mut own_line_targets: Vec<u32> = Vec::new();
        for comment in comments {
            let text = comment.text.trim_start_matches(['/', '*', '!']).trim();
            let (rest, whole_file) = if let Some(rest) = text.strip_prefix(FILE_DIRECTIVE) {
                (rest, true)
            } else if let Some(rest) = text.strip_prefix(LINE_DIRECTIVE) {
                (rest, false)
            } else {
                continue;
            };
            // `prodlint-ignored` or `prodlint-ignore-next` are not directives.
            if !(rest.is_empty() || rest.starts_with([' ', '\t', ':'])) {
                continue;
            }
            let (rules, reason) = parse_directive(rest);
            let span = comment.span;
            if rules.is_empty() {
                suppressions
                    .problems
                    .push(SuppressionProblem::NoRule { span });
                continue;
            }
            for rule in &rules {
                if !known_rules.contains(&rule.as_str()) {
                    suppressions.problems.push(SuppressionProblem::UnknownRule {
                        span,
                        rule: rule.clone(),
                    });
                }
            }
            if reason.is_empty() || reason == REASON_PLACEHOLDER {
                suppressions
                    .problems
                    .push(SuppressionProblem::NoReason { span });
            }
            let line = if whole_file {
                None
            } else {
                let comment_line = file.line_of(span.start);
                if is_own_line(file, span) {
                    own_line_targets.push(comment_line);
                    Some(comment_line + 1)
                } else {
                    Some(comment_line)
                }
            };
            let used = vec![false; rules.len()];
            suppressions.entries.push(Suppression {
                span,
                rules,
                line,
                used,
            });
        }
        // Stacked own-line suppressions all apply to the first line of code below them.
        for entry in &mut suppressions.entries {
            if let Some(line) = entry.line.as_mut() {
                while own_line_targets.contains(line) {
                    *line += 1;
                }
            }
        }
        suppressions
    }

    /// Drops the suppressed diagnostics, remembering which suppressions were used.
    pub fn filter(&mut self, diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
        diagnostics
            .into_iter()
            .filter(|diagnostic| {
                let line = diagnostic.file.line_of(diagnostic.span.start);
                let mut suppressed = false;
                for entry in &mut self.entries {
                    if entry.line.is_some_and(|l| l != line) {
                        continue;
                    }
                    if let Some(i) = entry.rules.iter().position(|r| r == diagnostic.rule) {
                        entry.used[i] = true;
                        suppressed = true;
                    }
                }
                !suppressed
            })
            .collect()
    }

    /// The problems found in the comments, plus the suppressions of `ran` rules that
    /// suppressed nothing (a rule that did not run cannot tell).
    pub fn problems(&self, ran: &dyn Fn(&str) -> bool) -> Vec<SuppressionProblem> {
        let mut problems = self.problems.clone();
        for entry in &self.entries {
            let useless = entry
                .rules
                .iter()
                .zip(&entry.used)
                .all(|(rule, used)| !used && ran(rule));
            let mut first = true;
            for (rule, used) in entry.rules.iter().zip(&entry.used) {
                if !used && ran(rule) {
                    problems.push(SuppressionProblem::Unused {
                        span: entry.span,
                        rule: rule.clone(),
                        removable: useless && first,
                    });
                    first = false;
                }
            }
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::diagnostic::Severity;

    fn comments(text: &str) -> Vec<Comment> {
        let mut out = Vec::new();
        let mut offset = 0;
        for line in text.split_inclusive('\n') {
            if let Some(i) = line.find("//") {
                let start = offset + i;
                let end = offset + line.trim_end().len();
                out.push(Comment {
                    span: Span::new(start as u32, end as u32),
                    text: text[start + 2..end].to_string(),
                });
            }
            offset += line.len();
        }
        out
    }

    fn finding(file: &Arc<SourceFile>, rule: &'static str, needle: &str) -> Diagnostic {
        let start = file.text.find(needle).unwrap() as u32;
        Diagnostic::new(
            rule,
            Severity::Warning,
            file,
            Span::new(start, start + 1),
            "m",
        )
    }

    #[test]
    fn line_and_file_suppressions() {
        let text = "a(); // prodlint-ignore r1: known\n// prodlint-ignore r2: dev only\n// prodlint-ignore r1: stacked\nb();\nc();\n";
        let file = Arc::new(SourceFile::new("x.ts".into(), "x.ts".into(), text.into()));
        let mut s = Suppressions::parse(&file, &comments(text), &["r1", "r2"]);
        let kept = s.filter(vec![
            finding(&file, "r1", "a()"),
            finding(&file, "r2", "a()"),
            finding(&file, "r1", "b()"),
            finding(&file, "r2", "b()"),
            finding(&file, "r2", "c()"),
        ]);
        let kept: Vec<_> = kept
            .iter()
            .map(|d| (d.rule, d.file.line_of(d.span.start)))
            .collect();
        assert_eq!(kept, [("r2", 1), ("r2", 5)]);
        assert!(s.problems(&|_| true).is_empty());
    }

    #[test]
    fn problems_are_reported() {
        let text = "// prodlint-ignore-file r1\n// prodlint-ignore nope: why\n// prodlint-ignore\n// prodlint-ignored r1\nx();\n";
        let file = Arc::new(SourceFile::new("x.ts".into(), "x.ts".into(), text.into()));
        let mut s = Suppressions::parse(&file, &comments(text), &["r1"]);
        assert!(
            s.filter(vec![finding(&file, "r1", "x()")]).is_empty(),
            "file-wide suppression"
        );
        let problems = s.problems(&|_| true);
        assert!(
            matches!(problems[0], SuppressionProblem::NoReason { .. }),
            "{problems:?}"
        );
        assert!(problems
            .iter()
            .any(|p| matches!(p, SuppressionProblem::UnknownRule { rule, .. } if rule == "nope")));
        assert!(problems
            .iter()
            .any(|p| matches!(p, SuppressionProblem::NoRule { .. })));
        assert!(problems
            .iter()
            .any(|p| matches!(p, SuppressionProblem::Unused { rule, .. } if rule == "nope")));
        assert_eq!(problems.len(), 4, "{problems:?}");
    }

    #[test]
    fn a_jsx_comment_alone_on_its_line_suppresses_the_next_line() {
        let text = "<p>\n  {/* prodlint-ignore r1: because */}\n  <a/>\n</p>\n";
        let start = text.find("/*").unwrap();
        let end = text.find("*/").unwrap() + 2;
        let comments = vec![Comment {
            span: Span::new(start as u32, end as u32),
            text: text[start + 2..end - 2].to_string(),
        }];
        let file = SourceFile::new("a.tsx".into(), "a.tsx".into(), text.into());
        let s = Suppressions::parse(&file, &comments, &["r1"]);
        assert_eq!(s.entries[0].line, Some(3));
    }
}
