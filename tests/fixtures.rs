//! The fixture runner. Every directory `fixtures/<rule>/<project>/` is a project that
//! prodlint checks as a user would (`prodlint check . --format json` from inside it, so its
//! own `prodlint.toml` applies). Each line that must be flagged says so at its end:
//!
//! ```ts
//! const api = process.env.API || "http://localhost:3000"; // expect: hardcoded-url
//! ```
//!
//! and every other line must stay silent. A mismatch either way fails with both lists. A
//! rule may carry the severity it must be reported with: `// expect: hardcoded-url(error)`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

const MARKER: &str = "expect:";

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// Path, line, rule, and the severity where the expectation names one.
type Finding = (String, u32, String, Option<String>);

fn expected(project: &Path) -> BTreeSet<Finding> {
    let mut out = BTreeSet::new();
    let walker = ignore::WalkBuilder::new(project)
        .hidden(false)
        .ignore(false)
        .git_ignore(false)
        .build();
    for entry in walker.flatten() {
        let path = entry.path();
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let relative = path
            .strip_prefix(project)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        for (index, line) in text.lines().enumerate() {
            let Some(at) = line.rfind(MARKER) else {
                continue;
            };
            if !line[..at].trim_end().ends_with("//") && !line[..at].trim_end().ends_with("/*") {
                continue;
            }
            let rules = line[at + MARKER.len()..]
                .trim()
                .trim_end_matches("}")
                .trim_end_matches("*/")
                .trim();
            for rule in rules.split(',').map(str::trim).filter(|r| !r.is_empty()) {
                let (rule, severity) = match rule.split_once('(') {
                    Some((rule, severity)) => (
                        rule.trim(),
                        Some(severity.trim_end_matches(')').trim().to_string()),
                    ),
                    None => (rule, None),
                };
                out.insert((
                    relative.clone(),
                    index as u32 + 1,
                    rule.to_string(),
                    severity,
                ));
            }
        }
    }
    out
}

/// The findings of `project`, each with its severity where `expected` names one for it.
fn actual(project: &Path, expected: &BTreeSet<Finding>) -> BTreeSet<Finding> {
    // An empty Cargo home: a fixture's findings may not depend on which crates the machine
    // happens to have downloaded. Fixtures that need a registry bring their own
    // (`cargo-home = "fake-cargo-home"` in their prodlint.toml).
    let empty_cargo_home = Path::new(env!("CARGO_TARGET_TMPDIR")).join("empty-cargo-home");
    let output = Command::new(env!("CARGO_BIN_EXE_prodlint"))
        .args(["check", ".", "--format", "json", "--no-cache"])
        .env("CARGO_HOME", &empty_cargo_home)
        .current_dir(project)
        .output()
        .expect("prodlint runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.code().is_some_and(|c| c < 2),
        "{}: exit {:?}: {stderr}",
        project.display(),
        output.status
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON output");
    let errors = json["errors"].as_array().unwrap();
    assert!(
        errors.is_empty(),
        "{}: files that did not parse: {errors:?}",
        project.display()
    );
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let path = d["path"].as_str().unwrap().to_string();
            let line = d["line"].as_u64().unwrap() as u32;
            let rule = d["rule"].as_str().unwrap().to_string();
            let with_severity = expected
                .iter()
                .any(|(p, l, r, s)| (p, *l, r) == (&path, line, &rule) && s.is_some());
            let severity = with_severity.then(|| d["severity"].as_str().unwrap().to_string());
            (path, line, rule, severity)
        })
        .collect()
}

#[test]
fn every_fixture_project_reports_exactly_its_expectations() {
    // `fixtures/<rule>/<project>/`: each project is checked on its own.
    let mut projects: Vec<PathBuf> = std::fs::read_dir(fixtures_dir())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir() && p.file_name().is_some_and(|n| n != "demo"))
        .flat_map(|rule_dir| {
            std::fs::read_dir(rule_dir)
                .unwrap()
                .flatten()
                .map(|e| e.path())
        })
        .filter(|p| p.is_dir())
        .collect();
    projects.sort();
    assert!(!projects.is_empty(), "no fixture projects found");
    let mut failures = Vec::new();
    let mut checked = 0;
    for project in &projects {
        let expected = expected(project);
        let actual = actual(project, &expected);
        checked += expected.len();
        if expected != actual {
            let missing: Vec<_> = expected.difference(&actual).collect();
            let unexpected: Vec<_> = actual.difference(&expected).collect();
            failures.push(format!(
                "{}:\n  expected but not reported: {missing:?}\n  reported but not expected: {unexpected:?}",
                project.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(checked > 0, "the fixtures expect no finding at all");
}
