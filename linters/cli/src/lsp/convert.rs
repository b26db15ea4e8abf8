//! From the engine's findings to LSP: diagnostics with UTF-16 ranges, related information
//! for labels, fixes as workspace edits, and the suppression comment edit.

// `WorkspaceEdit` keys its changes by `Uri`, which clippy takes for a mutable key type (it
// wraps fluent-uri's lazily parsed URI); its hash and equality are those of its text.
#![allow(clippy::mutable_key_type)]

use std::collections::HashMap;
use std::path::Path;

use lsp_types::{
    CodeDescription, Diagnostic as LspDiagnostic, DiagnosticRelatedInformation, DiagnosticSeverity,
    Location, NumberOrString, Position, Range, TextEdit, Uri, WorkspaceEdit,
};
use prodlint_core::{normalize, Applicability, Diagnostic, Severity, SourceFile, Span};
use serde_json::json;

use super::uri;
use crate::report::{FileError, Note, SKIPPED_BLOCK};

/// The `source` of every diagnostic the server publishes.
pub const SOURCE: &str = "prodlint";

use prodlint_core::REASON_PLACEHOLDER;

/// A fix, ready to offer as a quick fix.
#[derive(Debug, Clone, PartialEq)]
pub struct QuickFix {
    pub title: String,
    pub preferred: bool,
    pub edit: WorkspaceEdit,
}

/// One published diagnostic and what the code actions need to know about it.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub diagnostic: LspDiagnostic,
    /// The rule, for rule findings (not for syntax errors).
    pub rule: Option<&'static str>,
    /// `None` when the finding has no fix, or is kept from an earlier version of the text.
    pub fix: Option<QuickFix>,
}

/// Names files as the client knows them: an open document by the URI the client sent.
pub struct Uris<'a> {
    pub cwd: &'a Path,
    pub open: &'a dyn Fn(&Path) -> Option<Uri>,
}

impl Uris<'_> {
    pub fn of(&self, path: &Path) -> Uri {
        let path = normalize(self.cwd, path);
        (self.open)(&path).unwrap_or_else(|| uri::from_path(&path))
    }
}

pub fn range(file: &SourceFile, span: Span) -> Range {
    let (start_line, start_col) = file.line_col_utf16(span.start);
    let (end_line, end_col) = file.line_col_utf16(span.end);
    Range::new(
        Position::new(start_line, start_col),
        Position::new(end_line, end_col),
    )
}

fn severity(severity: Severity) -> DiagnosticSeverity {
    match severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
    }
}

fn quick_fix(diagnostic: &Diagnostic, uris: &Uris) -> Option<QuickFix> {
    let fix = diagnostic.fix.as_ref()?;
    let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
    for edit in &fix.edits {
        changes
            .entry(uris.of(&edit.file.path))
            .or_default()
            .push(TextEdit::new(
                range(&edit.file, edit.span),
                edit.replacement.clone(),
            ));
    }
    Some(QuickFix {
        title: fix.message.clone(),
        preferred: fix.applicability == Applicability::Safe,
        edit: WorkspaceEdit {
            changes: Some(changes),
            ..WorkspaceEdit::default()
        },
    })
}

/// A rule's finding as an LSP diagnostic: the rule id as `code` with a link to its page,
/// the help after the message, and each label (in this file or another) as related
/// information. `data` carries the rule and the fix, for clients that act on their own.
pub fn finding(diagnostic: &Diagnostic, uris: &Uris) -> Finding {
    let fix = quick_fix(diagnostic, uris);
    let message = match &diagnostic.help {
        Some(help) => format!("{}\nhelp: {help}", diagnostic.message),
        None => diagnostic.message.clone(),
    };
    let related: Vec<DiagnosticRelatedInformation> = diagnostic
        .labels
        .iter()
        .map(|label| DiagnosticRelatedInformation {
            location: Location::new(uris.of(&label.file.path), range(&label.file, label.span)),
            message: label.message.clone(),
        })
        .collect();
    let mut data = json!({ "rule": diagnostic.rule });
    if let Some(fix) = &fix {
        data["fix"] = json!({ "title": fix.title, "edit": fix.edit });
    }
    Finding {
        diagnostic: LspDiagnostic {
            range: range(&diagnostic.file, diagnostic.span),
            severity: Some(severity(diagnostic.severity)),
            code: Some(NumberOrString::String(diagnostic.rule.to_string())),
            code_description: diagnostic
                .docs_url()
                .parse()
                .ok()
                .map(|href| CodeDescription { href }),
            source: Some(SOURCE.to_string()),
            message,
            related_information: (!related.is_empty()).then_some(related),
            tags: None,
            data: Some(data),
        },
        rule: Some(diagnostic.rule),
        fix,
    }
}

/// A file error (a syntax error, a file that cannot be read) as an error diagnostic at its
/// place, or at the start of the file. Its 1-based character column becomes UTF-16.
pub fn file_error(error: &FileError, file: &SourceFile) -> Finding {
    let position = match error.line {
        Some(line) => {
            let column = error.column.unwrap_or(1).saturating_sub(1) as usize;
            let utf16: usize = file
                .line_text(line)
                .chars()
                .take(column)
                .map(char::len_utf16)
                .sum();
            Position::new(line - 1, utf16 as u32)
        }
        None => Position::new(0, 0),
    };
    Finding {
        diagnostic: LspDiagnostic {
            range: Range::new(position, position),
            severity: Some(DiagnosticSeverity::ERROR),
            code: Some(NumberOrString::String(error.kind().to_string())),
            source: Some(SOURCE.to_string()),
            message: error.message.clone(),
            ..LspDiagnostic::default()
        },
        rule: None,
        fix: None,
    }
}

/// A note (a block not checked) as an information diagnostic at its place.
pub fn note(note: &Note, file: &SourceFile) -> Finding {
    let error = FileError {
        path: note.path.clone(),
        line: note.line,
        column: note.column,
        message: note.message.clone(),
    };
    let mut finding = file_error(&error, file);
    finding.diagnostic.severity = Some(DiagnosticSeverity::INFORMATION);
    finding.diagnostic.code = Some(NumberOrString::String(SKIPPED_BLOCK.to_string()));
    finding
}

/// The edit that puts `// prodlint-ignore RULE: explain why` on its own line above `line`
/// (0-based), indented like it; among JSX children, where `//` would be text, it is
/// `{/* prodlint-ignore RULE: explain why */}`. The reason is a placeholder the user must
/// replace (invalid-suppression does not take it for one).
pub fn suppression_edit(uri: &Uri, file: &SourceFile, line: u32, rule: &str) -> WorkspaceEdit {
    let line_text = file.line_text(line + 1);
    let indent: String = line_text
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    let is_jsx_text = file.line_start(line + 1).is_some_and(|start| {
        let is_js = prodlint_js::EXTENSIONS
            .iter()
            .any(|e| file.display.ends_with(&format!(".{e}")));
        is_js
            && prodlint_js::parse(&file.display, &file.text).is_ok_and(|parsed| {
                prodlint_js::is_jsx_text(&parsed.program, start + indent.len() as u32)
            })
    });
    let comment = if is_jsx_text {
        format!("{indent}{{/* prodlint-ignore {rule}: {REASON_PLACEHOLDER} */}}\n")
    } else {
        format!("{indent}// prodlint-ignore {rule}: {REASON_PLACEHOLDER}\n")
    };
    let at = Position::new(line, 0);
    WorkspaceEdit {
        changes: Some(HashMap::from([(
            uri.clone(),
            vec![TextEdit::new(Range::new(at, at), comment)],
        )])),
        ..WorkspaceEdit::default()
    }
}

/// Moves findings made on `old` onto `new`, the text as edited since: a finding whose
/// lines are unchanged moves with them, one on a line that changed is withdrawn (it may
/// no longer hold, and would otherwise sit on the wrong line). Their fixes are dropped.
pub fn moved_findings<'f>(
    findings: impl Iterator<Item = &'f Finding>,
    uri: &Uri,
    old: &str,
    new: &str,
) -> Vec<Finding> {
    let mut lines: HashMap<u32, u32> = HashMap::new();
    for op in similar::TextDiff::from_lines(old, new).ops() {
        if let similar::DiffOp::Equal {
            old_index,
            new_index,
            len,
        } = *op
        {
            for i in 0..len {
                lines.insert((old_index + i) as u32, (new_index + i) as u32);
            }
        }
    }
    let moved = |range: Range| -> Option<Range> {
        let start = *lines.get(&range.start.line)?;
        let end = *lines.get(&range.end.line)?;
        Some(Range::new(
            Position::new(start, range.start.character),
            Position::new(end, range.end.character),
        ))
    };
    findings
        .filter_map(|finding| {
            let mut diagnostic = finding.diagnostic.clone();
            diagnostic.range = moved(diagnostic.range)?;
            if let Some(related) = diagnostic.related_information.as_mut() {
                related.retain_mut(|info| {
                    if info.location.uri != *uri {
                        return true;
                    }
                    match moved(info.location.range) {
                        Some(range) => {
                            info.location.range = range;
                            true
                        }
                        None => false,
                    }
                });
            }
            Some(Finding {
                diagnostic,
                rule: finding.rule,
                fix: None,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;
    use std::sync::Arc;

    use prodlint_core::{Edit, Fix};

    use super::*;

    #[test]
    fn a_diagnostic_becomes_lsp_with_utf16_ranges_labels_and_its_fix() {
        let text = "const é😀 = 'http://localhost:3000';\n";
        let file = Arc::new(SourceFile::new(
            PathBuf::from("/p/src/a.ts"),
            "src/a.ts".into(),
            text.into(),
        ));
        let other = Arc::new(SourceFile::new(
            PathBuf::from("/p/src/b.ts"),
            "src/b.ts".into(),
            "export {};\n".into(),
        ));
        let start = text.find("'http").unwrap() as u32;
        let span = Span::new(start, start + 23);
        let diagnostic = Diagnostic::new("hardcoded-url", Severity::Warning, &file, span, "m")
            .with_help("h")
            .with_label(&other, Span::new(0, 6), "there")
            .with_fix(Fix {
                message: "Use the variable".into(),
                applicability: Applicability::Safe,
                edits: vec![Edit {
                    file: Arc::clone(&file),
                    span,
                    replacement: "API".into(),
                }],
            });
        let open_uri: Uri = "file:///p/src/a.ts".parse().unwrap();
        let open = |path: &Path| (path == Path::new("/p/src/a.ts")).then(|| open_uri.clone());
        let uris = Uris {
            cwd: Path::new("/p"),
            open: &open,
        };
        let found = finding(&diagnostic, &uris);
        // `const é😀 = ` is 12 UTF-16 units (11 characters): 😀 is two.
        assert_eq!(
            found.diagnostic.range,
            Range::new(Position::new(0, 12), Position::new(0, 35))
        );
        assert_eq!(found.diagnostic.message, "m\nhelp: h");
        assert_eq!(
            found.diagnostic.code,
            Some(NumberOrString::String("hardcoded-url".into()))
        );
        let related = found.diagnostic.related_information.as_ref().unwrap();
        assert_eq!(related[0].location.uri.as_str(), "file:///p/src/b.ts");
        let fix = found.fix.unwrap();
        assert!(fix.preferred);
        let edits = &fix.edit.changes.as_ref().unwrap()[&open_uri];
        assert_eq!(edits[0].new_text, "API");
        assert_eq!(
            found.diagnostic.data.unwrap()["fix"]["title"],
            "Use the variable"
        );
    }

    #[test]
    fn the_suppression_comment_keeps_the_indentation() {
        let uri: Uri = "file:///p/a.ts".parse().unwrap();
        let file = SourceFile::new(
            PathBuf::from("/p/a.ts"),
            "a.ts".into(),
            "f(() => {\n    x();\n});\n".into(),
        );
        let edit = suppression_edit(&uri, &file, 1, "hardcoded-url");
        let edits = &edit.changes.unwrap()[&uri];
        assert_eq!(
            edits[0].new_text,
            "    // prodlint-ignore hardcoded-url: explain why\n"
        );
        assert_eq!(edits[0].range.start, Position::new(1, 0));
    }

    #[test]
    fn among_jsx_children_the_suppression_is_a_jsx_comment() {
        let uri: Uri = "file:///p/a.tsx".parse().unwrap();
        let text = "export const A = () => (\n  <p>\n    <a href=\"http://localhost:3000\">x</a>\n  </p>\n);\n";
        let file = SourceFile::new(PathBuf::from("/p/a.tsx"), "a.tsx".into(), text.into());
        let edit = suppression_edit(&uri, &file, 2, "hardcoded-url");
        let edits = &edit.changes.unwrap()[&uri];
        assert_eq!(
            edits[0].new_text,
            "    {/* prodlint-ignore hardcoded-url: explain why */}\n"
        );
        // Outside JSX children, in the same file: a line comment.
        let edit = suppression_edit(&uri, &file, 0, "hardcoded-url");
        assert!(edit.changes.unwrap()[&uri][0].new_text.starts_with("// "));
    }
}
