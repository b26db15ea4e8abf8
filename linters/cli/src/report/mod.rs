//! Reporters: one module per `--format`, each writing the whole [`Report`] to a writer.
//! Diagnostics arrive sorted (path, line, column, rule); reporters keep that order.

use std::io::{self, Write};

use prodlint_core::{Diagnostic, RuleMeta, Severity};
use sha2::{Digest, Sha256};

mod checkstyle;
pub mod color;
mod compact;
mod github;
mod gitlab;
mod json;
mod junit;
mod pretty;
mod sarif;
pub mod statistics;
#[cfg(test)]
mod tests;
mod xml;

/// A file that could not be read or parsed; the run went on without it (or, for syntax
/// errors a parser recovered from, with what it could make of it).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct FileError {
    pub path: String,
    /// 1-based, where the error has a place.
    pub line: Option<u32>,
    pub column: Option<u32>,
    pub message: String,
}

impl FileError {
    /// What the reporters that need an id call it: `syntax-error` when the error has a
    /// place in the file (the parser's), else `file-error` (unreadable, not UTF-8, a rule
    /// that failed).
    pub fn kind(&self) -> &'static str {
        if self.line.is_some() {
            "syntax-error"
        } else {
            "file-error"
        }
    }
}

/// The id of a [`Note`] where a format needs one.
pub const SKIPPED_BLOCK: &str = "skipped-block";

/// The ids that are not rules but name what a report can say about a file, with the page
/// `prodlint explain ID` prints for each.
pub const FILE_PROBLEM_PAGES: &[(&str, &str)] = &[
    (
        "syntax-error",
        "# syntax-error\n\nA file that does not parse. The report gives the first error the parser met (the \
         others usually follow from it), at its line and column.\n\nRust files are still checked with \
         what the parser recovered; a TS/JS file that swc cannot parse at all is not checked. Either \
         way the run exits with status 1, so a pre-commit hook does not let a broken file through.\n\n\
         A TypeScript declaration file (`.d.ts`) whose tree the parser recovered whole is not \
         reported: it is never compiled, and TypeScript checks its grammar (`declare` inside a \
         `declare module` block) only without `skipLibCheck`. One that does not parse at all is.\n",
    ),
    (
        "file-error",
        "# file-error\n\nA file that could not be checked: it could not be read (the operating \
         system's reason is given), it is not valid UTF-8, or a rule failed on it (an internal error). \
         The run goes on with the other files and exits with status 1.\n",
    ),
    (
        SKIPPED_BLOCK,
        "# skipped-block\n\nA note, not a finding: a `<script>` block of a `.vue` or `.svelte` file \
         in a language prodlint does not read (`lang=\"coffee\"`), so it was not checked. The rest of \
         the file is checked. The note does not change the exit status.\n",
    ),
];

/// Something the user should know about a file that is neither a finding nor an error: a
/// part of it that was not checked (a `<script lang="coffee">` block), and why.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Note {
    pub path: String,
    /// 1-based, where the note has a place.
    pub line: Option<u32>,
    pub column: Option<u32>,
    pub message: String,
}

impl Note {
    /// `path:line:column: message`, as the terminal shows it.
    pub fn located(&self) -> String {
        match (self.line, self.column) {
            (Some(line), Some(column)) => {
                format!("{}:{line}:{column}: {}", self.path, self.message)
            }
            _ => format!("{}: {}", self.path, self.message),
        }
    }
}

/// 32 hex digits of a SHA-256 over the parts, each followed by a NUL so that no two lists
/// of parts hash alike.
pub(crate) fn fingerprint(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    hasher
        .finalize()
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `1 file`, `2 files`.
fn plural(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

/// Everything a run produced, ready to print.
pub struct Report {
    pub diagnostics: Vec<Diagnostic>,
    pub errors: Vec<FileError>,
    /// Notes about parts of files that were not checked, sorted.
    pub notes: Vec<Note>,
    /// Files checked.
    pub files: usize,
    pub elapsed_ms: u128,
    /// Imports of packages that are not installed: not checked.
    pub unchecked_package_imports: usize,
    /// The metadata of the rules that ran (SARIF lists them).
    pub rules: Vec<&'static RuleMeta>,
}

impl Report {
    /// Adds errors found outside the check (directories the walk could not read), keeping
    /// the errors sorted.
    pub fn add_errors(&mut self, errors: Vec<FileError>) {
        self.errors.extend(errors);
        self.errors.sort();
    }

    /// The files with an error (unreadable, not parsed, a rule that failed).
    pub fn files_with_errors(&self) -> usize {
        let mut paths: Vec<&str> = self.errors.iter().map(|e| e.path.as_str()).collect();
        paths.dedup();
        paths.len()
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }

    /// A fingerprint per diagnostic that survives lines moving: a hash of the rule, the
    /// path, the flagged source text with white space folded, and how many diagnostics
    /// before it in the same file have the same three.
    pub fn fingerprints(&self) -> Vec<String> {
        let mut seen: std::collections::HashMap<(String, &str, String), usize> = Default::default();
        self.diagnostics
            .iter()
            .map(|diagnostic| {
                let text: String = diagnostic
                    .file
                    .slice(diagnostic.span)
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ");
                let key = (diagnostic.file.display.clone(), diagnostic.rule, text);
                let occurrence = seen.entry(key.clone()).or_insert(0);
                let fingerprint = fingerprint(&[
                    key.0.as_str(),
                    key.1,
                    key.2.as_str(),
                    &occurrence.to_string(),
                ]);
                *occurrence += 1;
                fingerprint
            })
            .collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Source snippets with labels and help (the default on a terminal).
    Pretty,
    /// `path:line:col: severity [rule] message`, one per line, for editors' error formats.
    Compact,
    /// The stable JSON document (version 1).
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// GitHub Actions workflow commands, shown as annotations on pull requests.
    Github,
    /// Checkstyle XML.
    Checkstyle,
    /// JUnit XML.
    Junit,
    /// GitLab Code Quality JSON.
    Gitlab,
}

pub use pretty::Options as PrettyOptions;

pub fn write(
    format: Format,
    report: &Report,
    out: &mut dyn Write,
    pretty: &PrettyOptions,
) -> io::Result<()> {
    match format {
        Format::Compact => compact::write(report, out),
        Format::Json => json::write(report, out),
        Format::Pretty => pretty::write(report, out, pretty),
        Format::Sarif => sarif::write(report, out),
        Format::Github => github::write(report, out),
        Format::Checkstyle => checkstyle::write(report, out),
        Format::Junit => junit::write(report, out),
        Format::Gitlab => gitlab::write(report, out),
    }
}
