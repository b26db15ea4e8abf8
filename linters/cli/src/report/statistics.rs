//! `--statistics`: how many findings each rule made (and how many files could not be
//! checked), most first, instead of the findings.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde_json::json;

use super::Report;

struct Row {
    id: &'static str,
    severity: &'static str,
    count: usize,
    fixable: usize,
}

fn rows(report: &Report) -> Vec<Row> {
    let mut by_rule: BTreeMap<(&'static str, &'static str), (usize, usize)> = BTreeMap::new();
    for diagnostic in &report.diagnostics {
        let entry = by_rule
            .entry((diagnostic.rule, diagnostic.severity.as_str()))
            .or_default();
        entry.0 += 1;
        if diagnostic
            .fix
            .as_ref()
            .is_some_and(|fix| fix.applicability == prodlint_core::Applicability::Safe)
        {
            entry.1 += 1;
        }
    }
    for error in &report.errors {
        by_rule.entry((error.kind(), "error")).or_default().0 += 1;
    }
    let mut rows: Vec<Row> = by_rule
        .into_iter()
        .map(|((id, severity), (count, fixable))| Row {
            id,
            severity,
            count,
            fixable,
        })
        .collect();
    // Most first; ties by id, so the order is the same on every run.
    rows.sort_by(|a, b| b.count.cmp(&a.count).then(a.id.cmp(b.id)));
    rows
}

/// One line per rule: count, id, severity, and how many `--fix` can fix.
pub fn write_text(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    for row in rows(report) {
        let fixable = if row.fixable > 0 {
            format!("  ({} fixable)", row.fixable)
        } else {
            String::new()
        };
        writeln!(
            out,
            "{:>6}  {:<24} {}{fixable}",
            row.count, row.id, row.severity
        )?;
    }
    Ok(())
}

/// `[{"rule", "severity", "count", "fixable"}]`.
pub fn write_json(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let rows: Vec<_> = rows(report)
        .into_iter()
        .map(|row| {
            json!({
                "rule": row.id,
                "severity": row.severity,
                "count": row.count,
                "fixable": row.fixable,
            })
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &rows)?;
    writeln!(out)
}
