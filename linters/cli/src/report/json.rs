//! The JSON contract (version 1): one object with `diagnostics`, `errors` and `summary`.

use std::io::{self, Write};

use prodlint_core::{Diagnostic, Severity, SourceFile, Span};
use serde_json::{json, Value};

use super::Report;

pub(super) fn range(file: &SourceFile, span: Span) -> serde_json::Map<String, Value> {
    let start = file.line_col(span.start);
    let end = file.line_col(span.end);
    let mut map = serde_json::Map::new();
    map.insert("line".into(), start.line.into());
    map.insert("column".into(), start.column.into());
    map.insert("end_line".into(), end.line.into());
    map.insert("end_column".into(), end.column.into());
    map
}

/// `{"path", "line", "column", "end_line", "end_column", KEY: VALUE}`: a label or an edit.
fn located(file: &SourceFile, span: Span, key: &str, value: &str) -> Value {
    let mut object = serde_json::Map::new();
    object.insert("path".into(), file.display.clone().into());
    object.extend(range(file, span));
    object.insert(key.into(), value.into());
    Value::Object(object)
}

pub(super) fn diagnostic_json(diagnostic: &Diagnostic) -> Value {
    let mut object = serde_json::Map::new();
    object.insert("rule".into(), diagnostic.rule.into());
    object.insert("severity".into(), diagnostic.severity.as_str().into());
    object.insert("path".into(), diagnostic.file.display.clone().into());
    object.extend(range(&diagnostic.file, diagnostic.span));
    object.insert("message".into(), diagnostic.message.clone().into());
    object.insert("help".into(), diagnostic.help.clone().into());
    let labels: Vec<Value> = diagnostic
        .labels
        .iter()
        .map(|label| located(&label.file, label.span, "message", &label.message))
        .collect();
    object.insert("labels".into(), labels.into());
    let fix = diagnostic.fix.as_ref().map(|fix| {
        let edits: Vec<Value> = fix
            .edits
            .iter()
            .map(|edit| located(&edit.file, edit.span, "replacement", &edit.replacement))
            .collect();
        json!({ "message": fix.message, "edits": edits })
    });
    object.insert("fix".into(), fix.unwrap_or(Value::Null));
    Value::Object(object)
}

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let document = json!({
        "version": 1,
        "diagnostics": report.diagnostics.iter().map(diagnostic_json).collect::<Vec<_>>(),
        "errors": report.errors.iter().map(|error| json!({
            "rule": error.kind(),
            "path": error.path,
            "line": error.line,
            "column": error.column,
            "message": error.message,
        })).collect::<Vec<_>>(),
        "notes": report.notes.iter().map(|note| json!({
            "path": note.path,
            "line": note.line,
            "column": note.column,
            "message": note.message,
        })).collect::<Vec<_>>(),
        "summary": {
            "files": report.files,
            "errors": report.count(Severity::Error),
            "warnings": report.count(Severity::Warning),
            "infos": report.count(Severity::Info),
            "file_errors": report.files_with_errors(),
            "elapsed_ms": report.elapsed_ms,
            "unchecked_package_imports": report.unchecked_package_imports,
        },
    });
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}
