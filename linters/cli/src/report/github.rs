//! GitHub Actions workflow commands: each finding becomes an annotation on the pull
//! request's diff (`::error`, `::warning`, `::notice`), then one plain summary line.

use std::collections::BTreeSet;
use std::io::{self, Write};

use prodlint_core::Severity;

use super::{plural, Report};

/// GitHub shows at most this many annotations of each level per step.
const ANNOTATION_LIMIT: usize = 10;

fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

/// A command's message (after `::`).
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A command's property value (`file=`, `title=`, ...).
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    for diagnostic in &report.diagnostics {
        let start = diagnostic.file.line_col(diagnostic.span.start);
        let end = diagnostic.file.line_col(diagnostic.span.end);
        let mut message = escape_data(&diagnostic.message);
        if let Some(help) = &diagnostic.help {
            message.push_str("%0A");
            message.push_str(&escape_data(help));
        }
        writeln!(
            out,
            "::{} file={},line={},col={},endLine={},endColumn={},title={}::{message}",
            command(diagnostic.severity),
            escape_property(&diagnostic.file.display),
            start.line,
            start.column,
            end.line,
            end.column,
            escape_property(&format!("prodlint ({})", diagnostic.rule)),
        )?;
    }
    for error in &report.errors {
        let mut properties = format!("file={}", escape_property(&error.path));
        if let Some(line) = error.line {
            properties.push_str(&format!(",line={line}"));
            if let Some(column) = error.column {
                properties.push_str(&format!(",col={column}"));
            }
        }
        properties.push_str(&format!(
            ",title={}",
            escape_property(&format!("prodlint ({})", error.kind()))
        ));
        writeln!(out, "::error {properties}::{}", escape_data(&error.message))?;
    }

    let errors = report.count(Severity::Error);
    let warnings = report.count(Severity::Warning);
    let infos = report.count(Severity::Info);
    let mut summary = format!(
        "prodlint: {}, {}, {} in {}",
        plural(errors, "error", "errors"),
        plural(warnings, "warning", "warnings"),
        plural(infos, "info", "info"),
        plural(report.files, "file", "files"),
    );
    let unchecked: BTreeSet<&str> = report.errors.iter().map(|e| e.path.as_str()).collect();
    if !unchecked.is_empty() {
        summary.push_str(&format!(
            "; {} could not be fully checked",
            plural(unchecked.len(), "file", "files")
        ));
    }
    if report.unchecked_package_imports > 0 {
        summary.push_str(&format!(
            "; {} not checked: the dependencies are not installed",
            plural(
                report.unchecked_package_imports,
                "package import",
                "package imports"
            )
        ));
    }
    writeln!(out, "{summary}")?;

    let over: Vec<String> = [
        (errors + report.errors.len(), "error annotations"),
        (warnings, "warning annotations"),
        (infos, "notice annotations"),
    ]
    .into_iter()
    .filter(|(count, _)| *count > ANNOTATION_LIMIT)
    .map(|(count, what)| format!("{count} {what}"))
    .collect();
    if !over.is_empty() {
        writeln!(
            out,
            "prodlint: GitHub shows only {ANNOTATION_LIMIT} annotations of each level per step \
             and this run has {}; the SARIF output (--format sarif, uploaded with \
             github/codeql-action/upload-sarif) carries them all",
            over.join(", ")
        )?;
    }
    Ok(())
}
