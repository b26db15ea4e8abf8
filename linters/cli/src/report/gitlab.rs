//! GitLab Code Quality: a JSON array of issues in the Code Climate format that GitLab
//! reads (`artifacts:reports:codequality`), shown in merge requests.

use std::io::{self, Write};

use prodlint_core::Severity;
use serde_json::{json, Value};

use super::{FileError, Report};

fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "major",
        Severity::Warning => "minor",
        Severity::Info => "info",
    }
}

/// A file error's fingerprint: its kind, path and message (it has no source text).
fn error_fingerprint(error: &FileError) -> String {
    super::fingerprint(&[error.kind(), error.path.as_str(), error.message.as_str()])
}

pub fn document(report: &Report) -> Value {
    let mut issues: Vec<Value> = report
        .diagnostics
        .iter()
        .zip(report.fingerprints())
        .map(|(diagnostic, fingerprint)| {
            let start = diagnostic.file.line_col(diagnostic.span.start);
            let end = diagnostic.file.line_col(diagnostic.span.end);
            json!({
                "description": format!("{}: {}", diagnostic.rule, diagnostic.message),
                "check_name": diagnostic.rule,
                "fingerprint": fingerprint,
                "severity": severity(diagnostic.severity),
                "location": {
                    "path": diagnostic.file.display,
                    "positions": {
                        "begin": { "line": start.line, "column": start.column },
                        "end": { "line": end.line, "column": end.column },
                    },
                },
            })
        })
        .collect();
    // Files that could not be checked, so that the merge request says so.
    issues.extend(report.errors.iter().map(|error| {
        let line = error.line.unwrap_or(1);
        let column = error.column.unwrap_or(1);
        json!({
            "description": format!("{}: {}", error.kind(), error.message),
            "check_name": error.kind(),
            "fingerprint": error_fingerprint(error),
            "severity": "major",
            "location": {
                "path": error.path,
                "positions": {
                    "begin": { "line": line, "column": column },
                    "end": { "line": line, "column": column },
                },
            },
        })
    }));
    Value::Array(issues)
}

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &document(report))?;
    writeln!(out)
}
