//! SARIF 2.1.0, for code scanning (GitHub, Azure DevOps, the SARIF viewers).
//!
//! One run. The output depends only on the findings and the working directory's layout:
//! no timestamps, no absolute paths (every `uri` is relative to `%SRCROOT%`, the directory
//! prodlint ran in), so that two runs over the same tree print the same bytes.

use std::io::{self, Write};

use prodlint_core::{RuleMeta, Severity, SourceFile, Span};
use serde_json::{json, Map, Value};

use super::{FileError, Note, Report};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/prodlint/prodlint";
/// The base every relative `uri` resolves against.
const SRCROOT: &str = "%SRCROOT%";
/// The key of our fingerprint in `partialFingerprints`; bump the version if it changes.
const FINGERPRINT_KEY: &str = "prodlint/v1";

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// `text` with a final full stop: the SARIF specification asks that messages be complete
/// sentences, and the message and the help are joined into one text.
fn sentence(text: &str) -> String {
    let text = text.trim_end();
    if text.ends_with(['.', '!', '?']) {
        text.to_string()
    } else {
        format!("{text}.")
    }
}

/// A path as a URI reference: percent-encoding every byte but the unreserved characters,
/// `/` and the sub-delimiters that are safe in a path. `:` is encoded too, so that a
/// relative path's first segment never reads as a scheme.
fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'.'
            | b'_'
            | b'~'
            | b'/'
            | b'!'
            | b'$'
            | b'&'
            | b'\''
            | b'('
            | b')'
            | b'*'
            | b'+'
            | b','
            | b';'
            | b'='
            | b'@' => out.push(byte as char),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// Where a reported path points: relative to `%SRCROOT%`, or an absolute `file:` URI when
/// the path lies outside the working directory.
pub(super) fn artifact_location(path: &str) -> Value {
    let windows_drive =
        path.len() >= 3 && path.as_bytes()[0].is_ascii_alphabetic() && &path[1..3] == ":/";
    if windows_drive {
        let (drive, rest) = path.split_at(2);
        json!({ "uri": format!("file:///{drive}{}", encode_path(rest)) })
    } else if path.starts_with('/') {
        json!({ "uri": format!("file://{}", encode_path(path)) })
    } else {
        json!({ "uri": encode_path(path), "uriBaseId": SRCROOT })
    }
}

/// The text a span covers, or nothing for a span that does not fit the text.
fn snippet(file: &SourceFile, span: Span) -> Value {
    let text = file
        .text
        .get(span.start as usize..span.end as usize)
        .unwrap_or_default();
    json!({ "text": text })
}

/// A region in characters (the run says `columnKind: unicodeCodePoints`); `endColumn` is
/// the column just past the last character, as SARIF counts it. The snippet lets a viewer
/// show the code without the checkout.
fn region(file: &SourceFile, span: Span) -> Value {
    let start = file.line_col(span.start);
    let end = file.line_col(span.end);
    json!({
        "startLine": start.line,
        "startColumn": start.column,
        "endLine": end.line,
        "endColumn": end.column,
        "snippet": snippet(file, span),
    })
}

/// The whole lines the span is on.
fn context_region(file: &SourceFile, span: Span) -> Value {
    let start = file.line_col(span.start).line;
    let end = file.line_col(span.end).line;
    let lines: Vec<&str> = (start..=end).map(|line| file.line_text(line)).collect();
    let last = lines.last().copied().unwrap_or_default();
    json!({
        "startLine": start,
        "startColumn": 1,
        "endLine": end,
        "endColumn": last.chars().count() + 1,
        "snippet": { "text": lines.join("\n") },
    })
}

fn physical_location(file: &SourceFile, span: Span) -> Value {
    json!({
        "artifactLocation": artifact_location(&file.display),
        "region": region(file, span),
    })
}

/// A result's own location, with the surrounding lines when the span does not already
/// cover them (SARIF forbids a `contextRegion` equal to the `region`).
fn primary_location(file: &SourceFile, span: Span) -> Value {
    let mut location = physical_location(file, span);
    let context = context_region(file, span);
    let same = ["startLine", "startColumn", "endLine", "endColumn"]
        .iter()
        .all(|key| location["region"][key] == context[key]);
    if !same {
        location["contextRegion"] = context;
    }
    location
}

/// The first paragraph of the docs that is prose (not a heading, not code), on one line.
fn first_paragraph(docs: &str) -> Option<String> {
    docs.split("\n\n").find_map(|block| {
        let prose: Vec<&str> = block
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with('#'))
            .collect();
        match prose.first() {
            Some(first) if !first.starts_with("```") => Some(
                prose
                    .iter()
                    .flat_map(|line| line.split_whitespace())
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            _ => None,
        }
    })
}

/// `hardcoded-url` → `HardcodedUrl`: SARIF wants a rule's `name` to be an identifier in
/// Pascal case, distinct from its `id` ("SARIF2012").
fn pascal_case(id: &str) -> String {
    id.split(['-', '_'])
        .map(|word| {
            let mut chars = word.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

fn rule_json(meta: &RuleMeta) -> Value {
    let docs = meta.docs();
    json!({
        "id": meta.id,
        "name": pascal_case(meta.id),
        "shortDescription": { "text": sentence(meta.summary) },
        "fullDescription": {
            "text": sentence(&first_paragraph(&docs).unwrap_or_else(|| meta.summary.to_string())),
        },
        "help": { "text": docs, "markdown": docs },
        "helpUri": meta.docs_url(),
        "defaultConfiguration": { "level": level(meta.default_severity) },
        "properties": { "languages": meta.languages.iter().map(|l| l.as_str()).collect::<Vec<_>>() },
    })
}

fn notification(error: &FileError) -> Value {
    located_notification(
        "error",
        error.kind(),
        &error.path,
        error.line,
        error.column,
        &error.message,
    )
}

/// A note (a block not checked) as a notification at the level SARIF calls `note`.
fn note_notification(note: &Note) -> Value {
    located_notification(
        "note",
        super::SKIPPED_BLOCK,
        &note.path,
        note.line,
        note.column,
        &note.message,
    )
}

fn located_notification(
    level: &str,
    id: &str,
    path: &str,
    line: Option<u32>,
    column: Option<u32>,
    message: &str,
) -> Value {
    let mut artifact = Map::new();
    artifact.insert("artifactLocation".into(), artifact_location(path));
    if let Some(line) = line {
        let mut region = Map::new();
        region.insert("startLine".into(), line.into());
        if let Some(column) = column {
            region.insert("startColumn".into(), column.into());
        }
        artifact.insert("region".into(), region.into());
    }
    json!({
        "level": level,
        "descriptor": { "id": id },
        "message": { "text": sentence(&format!("{path}: {message}")) },
        "locations": [{ "physicalLocation": artifact }],
    })
}

pub fn document(report: &Report) -> Value {
    let rules = &report.rules;
    let fingerprints = report.fingerprints();
    let results: Vec<Value> = report
        .diagnostics
        .iter()
        .zip(&fingerprints)
        .map(|(diagnostic, fingerprint)| {
            let text = match &diagnostic.help {
                Some(help) => format!("{}\n{}", sentence(&diagnostic.message), sentence(help)),
                None => sentence(&diagnostic.message),
            };
            let mut result = Map::new();
            result.insert("ruleId".into(), diagnostic.rule.into());
            if let Some(index) = rules.iter().position(|r| r.id == diagnostic.rule) {
                result.insert("ruleIndex".into(), index.into());
            }
            result.insert("level".into(), level(diagnostic.severity).into());
            result.insert("message".into(), json!({ "text": text }));
            result.insert(
                "locations".into(),
                json!([{ "physicalLocation": primary_location(&diagnostic.file, diagnostic.span) }]),
            );
            if !diagnostic.labels.is_empty() {
                let related: Vec<Value> = diagnostic
                    .labels
                    .iter()
                    .enumerate()
                    .map(|(index, label)| {
                        json!({
                            "id": index,
                            "physicalLocation": physical_location(&label.file, label.span),
                            "message": { "text": sentence(&label.message) },
                        })
                    })
                    .collect();
                result.insert("relatedLocations".into(), related.into());
            }
            result.insert(
                "partialFingerprints".into(),
                json!({ FINGERPRINT_KEY: fingerprint }),
            );
            Value::Object(result)
        })
        .collect();

    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "prodlint",
                    "fullName": concat!("prodlint ", env!("CARGO_PKG_VERSION")),
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "informationUri": INFORMATION_URI,
                    "rules": rules.iter().map(|meta| rule_json(meta)).collect::<Vec<_>>(),
                },
            },
            "invocations": [{
                "executionSuccessful": true,
                "toolExecutionNotifications": report
                    .errors
                    .iter()
                    .map(notification)
                    .chain(report.notes.iter().map(note_notification))
                    .collect::<Vec<_>>(),
            }],
            "originalUriBaseIds": {
                SRCROOT: {
                    "description": { "text": "The directory prodlint ran in; every relative uri is relative to it." },
                },
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &document(report))?;
    writeln!(out)
}
