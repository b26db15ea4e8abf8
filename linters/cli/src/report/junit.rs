//! JUnit XML: each file with findings is a test suite, each finding a failed test case,
//! so CI systems that read test reports (GitLab, Jenkins, Azure Pipelines, CircleCI) list
//! them. A run without findings is one suite with one passing case: a green run, not an
//! empty report.

use std::collections::BTreeMap;
use std::io::{self, Write};

use prodlint_core::Diagnostic;

use super::{plural, xml, FileError, Report};

enum Case<'a> {
    Finding(&'a Diagnostic),
    FileError(&'a FileError),
}

fn location(path: &str, line: Option<u32>, column: Option<u32>) -> String {
    match (line, column) {
        (Some(line), Some(column)) => format!("{path}:{line}:{column}"),
        (Some(line), None) => format!("{path}:{line}"),
        _ => path.to_string(),
    }
}

/// The failure's body: what, where, the other places, the help and the docs.
fn details(diagnostic: &Diagnostic) -> String {
    let start = diagnostic.file.line_col(diagnostic.span.start);
    let mut text = format!(
        "{}: {}\n  --> {}\n",
        diagnostic.severity,
        diagnostic.message,
        location(
            &diagnostic.file.display,
            Some(start.line),
            Some(start.column)
        ),
    );
    for label in &diagnostic.labels {
        let at = label.file.line_col(label.span.start);
        text.push_str(&format!(
            "note: {}: {}\n",
            location(&label.file.display, Some(at.line), Some(at.column)),
            label.message
        ));
    }
    if let Some(help) = &diagnostic.help {
        text.push_str(&format!("help: {help}\n"));
    }
    text.push_str(&format!("docs: {}\n", diagnostic.docs_url()));
    text
}

fn open_case(
    out: &mut dyn Write,
    path: &str,
    id: &str,
    line: Option<u32>,
    column: Option<u32>,
) -> io::Result<()> {
    let name = format!("{id} at {}", location(path, line, column));
    writeln!(
        out,
        r#"    <testcase name="{}" classname="{}">"#,
        xml::attr(&name),
        xml::attr(path)
    )
}

fn write_case(out: &mut dyn Write, path: &str, case: &Case) -> io::Result<()> {
    match case {
        Case::Finding(diagnostic) => {
            let start = diagnostic.file.line_col(diagnostic.span.start);
            open_case(
                out,
                path,
                diagnostic.rule,
                Some(start.line),
                Some(start.column),
            )?;
            writeln!(
                out,
                r#"      <failure message="{}" type="{}">{}</failure>"#,
                xml::attr(&diagnostic.message),
                xml::attr(diagnostic.rule),
                xml::text(&details(diagnostic)),
            )?;
        }
        Case::FileError(error) => {
            open_case(out, path, error.kind(), error.line, error.column)?;
            writeln!(
                out,
                r#"      <error message="{}" type="{}"/>"#,
                xml::attr(&error.message),
                error.kind(),
            )?;
        }
    }
    writeln!(out, "    </testcase>")
}

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut suites: BTreeMap<&str, Vec<Case>> = BTreeMap::new();
    for diagnostic in &report.diagnostics {
        suites
            .entry(&diagnostic.file.display)
            .or_default()
            .push(Case::Finding(diagnostic));
    }
    for error in &report.errors {
        suites
            .entry(&error.path)
            .or_default()
            .push(Case::FileError(error));
    }
    let failures = report.diagnostics.len();
    let errors = report.errors.len();

    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    if suites.is_empty() {
        writeln!(
            out,
            r#"<testsuites name="prodlint" tests="1" failures="0" errors="0">"#
        )?;
        writeln!(
            out,
            r#"  <testsuite name="prodlint" tests="1" failures="0" errors="0">"#
        )?;
        writeln!(
            out,
            r#"    <testcase name="{}" classname="prodlint"/>"#,
            xml::attr(&format!(
                "no findings in {}",
                plural(report.files, "file", "files")
            ))
        )?;
        writeln!(out, "  </testsuite>")?;
        return writeln!(out, "</testsuites>");
    }

    writeln!(
        out,
        r#"<testsuites name="prodlint" tests="{}" failures="{failures}" errors="{errors}">"#,
        failures + errors
    )?;
    for (path, cases) in &suites {
        let suite_failures = cases
            .iter()
            .filter(|c| matches!(c, Case::Finding(_)))
            .count();
        writeln!(
            out,
            r#"  <testsuite name="{}" tests="{}" failures="{suite_failures}" errors="{}">"#,
            xml::attr(path),
            cases.len(),
            cases.len() - suite_failures,
        )?;
        for case in cases {
            write_case(out, path, case)?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}
