//! Checkstyle XML (version 4.3), read by Jenkins' warnings-ng, reviewdog, SonarQube and
//! most CI dashboards: one `<file>` per path, one `<error>` per finding.

use std::collections::BTreeMap;
use std::io::{self, Write};

use prodlint_core::Severity;

use super::{xml, Report};

/// One `<error>` element: line, column, severity, message, source.
type Entry<'a> = (u32, u32, &'static str, &'a str, String);

fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut files: BTreeMap<&str, Vec<Entry>> = BTreeMap::new();
    for diagnostic in &report.diagnostics {
        let start = diagnostic.file.line_col(diagnostic.span.start);
        files.entry(&diagnostic.file.display).or_default().push((
            start.line,
            start.column,
            severity(diagnostic.severity),
            &diagnostic.message,
            format!("prodlint.{}", diagnostic.rule),
        ));
    }
    for error in &report.errors {
        files.entry(&error.path).or_default().push((
            error.line.unwrap_or(1),
            error.column.unwrap_or(1),
            "error",
            &error.message,
            format!("prodlint.{}", error.kind()),
        ));
    }

    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(out, r#"<checkstyle version="4.3">"#)?;
    for (path, mut entries) in files {
        // Diagnostics come sorted; a file error goes where its line puts it.
        entries.sort_by_key(|&(line, column, ..)| (line, column));
        writeln!(out, r#"  <file name="{}">"#, xml::attr(path))?;
        for (line, column, severity, message, source) in entries {
            writeln!(
                out,
                r#"    <error line="{line}" column="{column}" severity="{severity}" message="{}" source="{}"/>"#,
                xml::attr(message),
                xml::attr(&source),
            )?;
        }
        writeln!(out, "  </file>")?;
    }
    writeln!(out, "</checkstyle>")
}
