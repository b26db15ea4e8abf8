use std::io::{self, Write};

use super::Report;

/// `path:line:col: severity [rule] message`, then the unreadable files, then a count.
pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    for diagnostic in &report.diagnostics {
        let start = diagnostic.file.line_col(diagnostic.span.start);
        writeln!(
            out,
            "{}:{}:{}: {} [{}] {}",
            diagnostic.file.display,
            start.line,
            start.column,
            diagnostic.severity,
            diagnostic.rule,
            diagnostic.message
        )?;
    }
    for error in &report.errors {
        match (error.line, error.column) {
            (Some(line), Some(column)) => writeln!(
                out,
                "{}:{line}:{column}: error [{}] {}",
                error.path,
                error.kind(),
                error.message
            )?,
            _ => writeln!(
                out,
                "{}: error [{}] {}",
                error.path,
                error.kind(),
                error.message
            )?,
        }
    }
    Ok(())
}
