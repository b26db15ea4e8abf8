//! Baselines: how a legacy repository adopts prodlint and fails only on new findings.
//!
//! `--write-baseline FILE` records each finding's rule, path and fingerprint (a hash of the
//! rule, the path, the flagged source text with white space folded, and its occurrence
//! index among identical ones), so entries survive lines moving. `--baseline FILE` then
//! drops the findings it records and counts the entries that no longer match anything.

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::report::Report;

const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct BaselineFile {
    version: u32,
    entries: Vec<Entry>,
}

#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Hash)]
struct Entry {
    rule: String,
    path: String,
    fingerprint: String,
    /// For people reading the file; not used for matching.
    #[serde(default)]
    message: String,
}

pub fn write(path: &Path, report: &Report) -> Result<usize, String> {
    let entries: Vec<Entry> = report
        .diagnostics
        .iter()
        .zip(report.fingerprints())
        .map(|(diagnostic, fingerprint)| Entry {
            rule: diagnostic.rule.to_string(),
            path: diagnostic.file.display.clone(),
            fingerprint,
            message: diagnostic.message.clone(),
        })
        .collect();
    let count = entries.len();
    let text = serde_json::to_string_pretty(&BaselineFile {
        version: VERSION,
        entries,
    })
    .expect("serializable")
        + "\n";
    prodlint_core::write_atomically(path, text.as_bytes())
        .map_err(|error| format!("cannot write {}: {error}", path.display()))?;
    Ok(count)
}

/// Drops the findings the baseline records; returns how many entries matched nothing.
pub fn apply(path: &Path, report: &mut Report) -> Result<usize, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|error| format!("cannot read the baseline {}: {error}", path.display()))?;
    let file: BaselineFile = serde_json::from_str(&text)
        .map_err(|error| format!("{}: not a prodlint baseline: {error}", path.display()))?;
    if file.version != VERSION {
        return Err(format!(
            "{}: baseline version {} is not supported (expected {VERSION})",
            path.display(),
            file.version
        ));
    }
    let mut remaining: HashMap<(String, String, String), usize> = HashMap::new();
    for entry in file.entries {
        *remaining
            .entry((entry.rule, entry.path, entry.fingerprint))
            .or_default() += 1;
    }
    let fingerprints = report.fingerprints();
    let diagnostics = std::mem::take(&mut report.diagnostics);
    for (diagnostic, fingerprint) in diagnostics.into_iter().zip(fingerprints) {
        let key = (
            diagnostic.rule.to_string(),
            diagnostic.file.display.clone(),
            fingerprint,
        );
        match remaining.get_mut(&key) {
            Some(count) if *count > 0 => *count -= 1,
            _ => report.diagnostics.push(diagnostic),
        }
    }
    Ok(remaining.values().sum())
}
