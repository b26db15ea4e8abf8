//! The reporters on hand-built reports: escaping, cross-file labels, empty runs. The
//! snapshots of every format on the demo project are in tests/reporters.rs.

use std::sync::Arc;

use prodlint_core::{Diagnostic, Severity, SourceFile, Span};
use serde_json::json;

use super::{checkstyle, github, gitlab, junit, pretty, sarif, FileError, Report};

fn file(display: &str, text: &str) -> Arc<SourceFile> {
    Arc::new(SourceFile::new(
        display.into(),
        display.into(),
        text.to_string(),
    ))
}

fn span_of(file: &SourceFile, needle: &str) -> Span {
    let start = file.text.find(needle).expect("needle in the text") as u32;
    Span::new(start, start + needle.len() as u32)
}

fn report(diagnostics: Vec<Diagnostic>, errors: Vec<FileError>) -> Report {
    Report {
        diagnostics,
        errors,
        notes: Vec::new(),
        files: 2,
        elapsed_ms: 0,
        unchecked_package_imports: 0,
        rules: prodlint_rules::REGISTRY.iter().map(|e| e.meta).collect(),
    }
}

fn render(write: impl Fn(&Report, &mut Vec<u8>) -> std::io::Result<()>, report: &Report) -> String {
    let mut out = Vec::new();
    write(report, &mut out).expect("writing to memory");
    String::from_utf8(out).expect("UTF-8 output")
}

/// A message with everything the formats must escape.
const NASTY: &str = "100% <sure> & \"quoted\", it's: yes\nsecond line\r\tbell\u{7}";

/// One diagnostic with `NASTY` as its message, help and label, in a file whose path has a
/// comma, a colon, a space and a non-ASCII letter.
fn nasty_report() -> Report {
    let source = file("src/a,b:c d/é.ts", "const x = \"http://localhost\";\n");
    let span = span_of(&source, "\"http://localhost\"");
    let diagnostic = Diagnostic::new("hardcoded-url", Severity::Error, &source, span, NASTY)
        .with_help(NASTY)
        .with_label(&source, span_of(&source, "x"), NASTY);
    report(
        vec![diagnostic],
        vec![FileError {
            path: "src/<&>.ts".into(),
            line: Some(3),
            column: Some(7),
            message: NASTY.into(),
        }],
    )
}

#[test]
fn github_escapes_data_and_properties() {
    assert_eq!(github::escape_data("a%b\r\nc:d,e"), "a%25b%0D%0Ac:d,e");
    assert_eq!(
        github::escape_property("a%b\r\nc:d,e"),
        "a%25b%0D%0Ac%3Ad%2Ce"
    );
    let out = render(|r, o| github::write(r, o), &nasty_report());
    let lines: Vec<&str> = out.lines().collect();
    let data = "100%25 <sure> & \"quoted\", it's: yes%0Asecond line%0D\tbell\u{7}";
    assert_eq!(
        lines[0],
        format!(
            "::error file=src/a%2Cb%3Ac d/é.ts,line=1,col=11,endLine=1,endColumn=29,\
             title=prodlint (hardcoded-url)::{data}%0A{data}"
        )
    );
    assert_eq!(
        lines[1],
        format!("::error file=src/<&>.ts,line=3,col=7,title=prodlint (syntax-error)::{data}")
    );
    assert_eq!(
        lines[2],
        "prodlint: 1 error, 0 warnings, 0 info in 2 files; 1 file could not be fully checked"
    );
    assert_eq!(lines.len(), 3, "{out}");
}

#[test]
fn github_says_when_annotations_exceed_the_limit() {
    let source = file("a.ts", &"x\n".repeat(12));
    let diagnostics = (0..12)
        .map(|i| {
            Diagnostic::new(
                "hardcoded-url",
                Severity::Warning,
                &source,
                Span::new(i * 2, i * 2 + 1),
                "m",
            )
        })
        .collect();
    let out = render(|r, o| github::write(r, o), &report(diagnostics, vec![]));
    let last = out.lines().last().unwrap();
    assert!(
        last.contains("only 10 annotations of each level per step")
            && last.contains("12 warning annotations")
            && last.contains("SARIF"),
        "{out}"
    );
    let summary = report(vec![], vec![]);
    let out = render(|r, o| github::write(r, o), &summary);
    assert_eq!(out, "prodlint: 0 errors, 0 warnings, 0 info in 2 files\n");
}

/// The text of an XML document's elements and attributes must give back what was escaped.
fn parse_xml(text: &str) -> roxmltree::Document<'_> {
    roxmltree::Document::parse(text).unwrap_or_else(|e| panic!("{e}:\n{text}"))
}

/// What survives in XML: the control character is written as Rust writes it.
fn nasty_in_xml() -> String {
    NASTY.replace('\u{7}', "\\u{7}")
}

#[test]
fn checkstyle_is_well_formed_and_keeps_the_text() {
    let out = render(|r, o| checkstyle::write(r, o), &nasty_report());
    let document = parse_xml(&out);
    let root = document.root_element();
    assert_eq!(root.tag_name().name(), "checkstyle");
    let files: Vec<_> = root.children().filter(|n| n.is_element()).collect();
    let names: Vec<_> = files.iter().map(|f| f.attribute("name").unwrap()).collect();
    assert_eq!(names, ["src/<&>.ts", "src/a,b:c d/é.ts"]);
    let error = files[1].first_element_child().unwrap();
    assert_eq!(error.attribute("message"), Some(nasty_in_xml().as_str()));
    assert_eq!(error.attribute("source"), Some("prodlint.hardcoded-url"));
    assert_eq!(error.attribute("severity"), Some("error"));
    assert_eq!(error.attribute("line"), Some("1"));
    assert_eq!(error.attribute("column"), Some("11"));
    let parse = files[0].first_element_child().unwrap();
    assert_eq!(parse.attribute("source"), Some("prodlint.syntax-error"));
}

#[test]
fn junit_is_well_formed_and_keeps_the_text() {
    let out = render(|r, o| junit::write(r, o), &nasty_report());
    let document = parse_xml(&out);
    let root = document.root_element();
    assert_eq!(root.attribute("tests"), Some("2"));
    assert_eq!(root.attribute("failures"), Some("1"));
    assert_eq!(root.attribute("errors"), Some("1"));
    let failure = document
        .descendants()
        .find(|n| n.has_tag_name("failure"))
        .unwrap();
    assert_eq!(failure.attribute("message"), Some(nasty_in_xml().as_str()));
    assert_eq!(failure.attribute("type"), Some("hardcoded-url"));
    let body = failure.text().unwrap();
    assert!(
        body.contains(&format!("help: {}", nasty_in_xml())),
        "{body:?}"
    );
    let case = failure.parent_element().unwrap();
    assert_eq!(
        case.attribute("name"),
        Some("hardcoded-url at src/a,b:c d/é.ts:1:11")
    );
    assert_eq!(case.attribute("classname"), Some("src/a,b:c d/é.ts"));
}

#[test]
fn junit_without_findings_is_one_passing_test() {
    let out = render(|r, o| junit::write(r, o), &report(vec![], vec![]));
    let document = parse_xml(&out);
    let root = document.root_element();
    assert_eq!(root.attribute("tests"), Some("1"));
    assert_eq!(root.attribute("failures"), Some("0"));
    let suites: Vec<_> = root.children().filter(|n| n.is_element()).collect();
    assert_eq!(suites.len(), 1);
    let cases: Vec<_> = suites[0].children().filter(|n| n.is_element()).collect();
    assert_eq!(cases.len(), 1);
    assert!(cases[0].children().all(|n| !n.is_element()), "{out}");
}

#[test]
fn sarif_locations_labels_and_uris() {
    let main = file(
        "src/main.rs",
        "let url = env::var(\"X\").unwrap_or(\"http://localhost\");\n",
    );
    let config = file("config/déf ault.toml", "x = 1\n");
    let diagnostic = Diagnostic::new(
        "hardcoded-url",
        Severity::Info,
        &main,
        span_of(&main, "\"http://localhost\""),
        "local address",
    )
    .with_label(&main, span_of(&main, "env::var(\"X\")"), "read here")
    .with_label(&config, span_of(&config, "x = 1"), "set here");
    let outside = file("/abs/outside.ts", "a\n");
    let absolute = Diagnostic::new(
        "hardcoded-url",
        Severity::Warning,
        &outside,
        Span::new(0, 1),
        "m",
    );
    let document = sarif::document(&report(vec![diagnostic, absolute], vec![]));
    let run = &document["runs"][0];
    let result = &run["results"][0];
    assert_eq!(result["level"], "note");
    assert_eq!(result["message"]["text"], "local address.");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let index = result["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(rules[index]["id"], "hardcoded-url");
    assert_eq!(rules[index]["name"], "HardcodedUrl");
    let related = result["relatedLocations"].as_array().unwrap();
    assert_eq!(related.len(), 2);
    assert_eq!(related[0]["id"], 0);
    assert_eq!(related[1]["id"], 1);
    assert_eq!(related[1]["message"]["text"], "set here.");
    let artifact = &related[1]["physicalLocation"]["artifactLocation"];
    assert_eq!(artifact["uri"], "config/d%C3%A9f%20ault.toml");
    assert_eq!(artifact["uriBaseId"], "%SRCROOT%");
    let region = &result["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startColumn"], 35);
    assert_eq!(region["endColumn"], 53);
    assert_eq!(region["snippet"]["text"], "\"http://localhost\"");
    let outside = &run["results"][1]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(outside["uri"], "file:///abs/outside.ts");
    assert_eq!(outside.get("uriBaseId"), None);
}

#[test]
fn sarif_reports_file_errors_as_notifications() {
    let document = sarif::document(&nasty_report());
    let invocation = &document["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], true);
    let notification = &invocation["toolExecutionNotifications"][0];
    assert_eq!(notification["level"], "error");
    let location = &notification["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "src/%3C&%3E.ts");
    assert_eq!(location["region"]["startLine"], 3);
    assert_eq!(location["region"]["startColumn"], 7);
}

#[test]
fn gitlab_maps_severities_and_keeps_fingerprints_unique() {
    let source = file("a.ts", "aaa\n");
    let diagnostics = [Severity::Error, Severity::Warning, Severity::Info]
        .into_iter()
        .map(|severity| Diagnostic::new("hardcoded-url", severity, &source, Span::new(0, 3), "m"))
        .collect();
    let errors = vec![FileError {
        path: "b.ts".into(),
        line: None,
        column: None,
        message: "cannot read: denied".into(),
    }];
    let document = gitlab::document(&report(diagnostics, errors));
    let issues = document.as_array().unwrap();
    let severities: Vec<&str> = issues
        .iter()
        .map(|i| i["severity"].as_str().unwrap())
        .collect();
    assert_eq!(severities, ["major", "minor", "info", "major"]);
    let mut fingerprints: Vec<&str> = issues
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    fingerprints.sort();
    fingerprints.dedup();
    assert_eq!(fingerprints.len(), 4);
    assert_eq!(issues[3]["check_name"], "file-error");
    assert_eq!(issues[3]["location"]["positions"]["begin"]["line"], 1);
    assert_eq!(issues[0]["description"], "hardcoded-url: m");
    assert_eq!(
        issues[0]["location"]["positions"]["end"],
        json!({"line": 1, "column": 4})
    );
}

#[test]
fn pretty_shows_labels_in_other_files_and_stays_plain() {
    let main = file("src/main.rs", "fn main() {\n    connect(URL);\n}\n");
    let config = file(
        "src/config.rs",
        "pub const URL: &str = \"http://localhost\";\n",
    );
    let diagnostic = Diagnostic::new(
        "hardcoded-url",
        Severity::Warning,
        &main,
        span_of(&main, "URL"),
        "uses a local address",
    )
    .with_help("read it from the environment")
    .with_label(
        &config,
        span_of(&config, "\"http://localhost\""),
        "defined here",
    );
    let errors = vec![FileError {
        path: "src/broken.rs".into(),
        line: Some(2),
        column: Some(5),
        message: "syntax error: expected `;`".into(),
    }];
    let out = render(
        |r, o| pretty::write(r, o, &pretty::Options::plain()),
        &report(vec![diagnostic], errors),
    );
    assert!(
        !out.contains('\u{1b}'),
        "escape sequences in plain output:\n{out}"
    );
    assert!(!out.contains("https://"), "links in plain output:\n{out}");
    for expected in [
        "hardcoded-url",
        "⚠ uses a local address",
        "[src/main.rs:2:13]",
        "help: read it from the environment",
        "☞ defined here",
        "[src/config.rs:1:23]",
        "pub const URL: &str = \"http://localhost\";",
        "× src/broken.rs:2:5: syntax error: expected `;`",
    ] {
        assert!(out.contains(expected), "no {expected:?} in:\n{out}");
    }
    assert!(out.ends_with('\n'));
}
