//! Every output format on the demo project (`prodlint check fixtures/demo --format F`
//! from the repository root), snapshotted in tests/snapshots/: the snapshots are the
//! contract of each format. After an intended change, review and accept them with
//! `INSTA_UPDATE=always cargo test --test reporters` (or `cargo insta review`); under
//! `CI=true` insta never writes them and a difference fails.
//!
//! The other tests check what a snapshot cannot show at a glance: that SARIF has one
//! result per finding with unique fingerprints, that the XML parses, and that the formats
//! agree with the JSON output on what was found.

use std::collections::BTreeSet;
use std::process::Command;

use serde_json::Value;

const REPO_ROOT: &str = env!("CARGO_MANIFEST_DIR");

const FORMATS: [&str; 8] = [
    "pretty",
    "compact",
    "json",
    "sarif",
    "github",
    "checkstyle",
    "junit",
    "gitlab",
];

/// Standard output of `prodlint check fixtures/demo --format FORMAT`, which must exit 1
/// (the demo has error-severity findings) whatever the format.
fn demo(format: &str) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_prodlint"))
        .args(["check", "fixtures/demo", "--no-cache", "--format", format])
        .current_dir(REPO_ROOT)
        // Nothing from the environment may change the output.
        .env_remove("GITHUB_ACTIONS")
        .env_remove("NO_COLOR")
        .env_remove("FORCE_HYPERLINK")
        .output()
        .expect("prodlint runs");
    assert_eq!(
        output.status.code(),
        Some(1),
        "--format {format}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}:\n{text}"))
}

/// `"elapsed_ms": 3` → `"elapsed_ms": "[elapsed]"`: the one field that changes between runs.
fn normalize_elapsed(text: &str) -> String {
    text.lines()
        .map(|line| match line.find("\"elapsed_ms\": ") {
            Some(at) => {
                let (head, tail) = line.split_at(at + "\"elapsed_ms\": ".len());
                let rest = tail.trim_start_matches(|c: char| c.is_ascii_digit());
                format!("{head}\"[elapsed]\"{rest}")
            }
            None => line.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

fn assert_demo_snapshot(format: &str) {
    let mut stdout = demo(format);
    if format == "json" {
        stdout = normalize_elapsed(&stdout);
    }
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_description(format!(
        "prodlint check fixtures/demo --format {format} (standard output)"
    ));
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_snapshot!(format!("demo_{format}"), stdout));
}

#[test]
fn pretty() {
    assert_demo_snapshot("pretty");
}

#[test]
fn compact() {
    assert_demo_snapshot("compact");
}

#[test]
fn json_() {
    assert_demo_snapshot("json");
}

#[test]
fn sarif() {
    assert_demo_snapshot("sarif");
}

#[test]
fn github() {
    assert_demo_snapshot("github");
}

#[test]
fn checkstyle() {
    assert_demo_snapshot("checkstyle");
}

#[test]
fn junit() {
    assert_demo_snapshot("junit");
}

#[test]
fn gitlab() {
    assert_demo_snapshot("gitlab");
}

/// What the JSON output says was found: (path, line, column, rule) per diagnostic, and the
/// number of files with errors.
fn findings() -> (Vec<(String, u64, u64, String)>, usize) {
    let document = json(&demo("json"));
    let diagnostics = document["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
                d["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (diagnostics, document["errors"].as_array().unwrap().len())
}

#[test]
fn sarif_has_one_result_per_diagnostic_with_unique_fingerprints() {
    let (expected, errors) = findings();
    assert!(!expected.is_empty() && errors > 0, "the demo has both");
    let document = json(&demo("sarif"));
    assert_eq!(document["version"], "2.1.0");
    assert_eq!(
        document["$schema"],
        "https://json.schemastore.org/sarif-2.1.0.json"
    );
    let runs = document["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();
    let actual: Vec<(String, u64, u64, String)> = results
        .iter()
        .map(|r| {
            let location = &r["locations"][0]["physicalLocation"];
            // The rule a result names is the one its index points at.
            let index = r["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[index]["id"], r["ruleId"]);
            assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
            (
                location["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap()
                    .to_string(),
                location["region"]["startLine"].as_u64().unwrap(),
                location["region"]["startColumn"].as_u64().unwrap(),
                r["ruleId"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(actual, expected);
    let fingerprints: BTreeSet<&str> = results
        .iter()
        .map(|r| r["partialFingerprints"]["prodlint/v1"].as_str().unwrap())
        .collect();
    assert_eq!(fingerprints.len(), results.len(), "fingerprints are unique");
    let notifications = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert_eq!(notifications.len(), errors);
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
    // Deterministic: a second run prints the same bytes.
    assert_eq!(demo("sarif"), demo("sarif"));
}

#[test]
fn gitlab_has_the_sarif_fingerprints() {
    let (expected, errors) = findings();
    let issues = json(&demo("gitlab"));
    let issues = issues.as_array().unwrap();
    assert_eq!(issues.len(), expected.len() + errors);
    let sarif = json(&demo("sarif"));
    let sarif_fingerprints: Vec<&Value> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["partialFingerprints"]["prodlint/v1"])
        .collect();
    let gitlab_fingerprints: Vec<&Value> = issues
        .iter()
        .take(expected.len())
        .map(|i| &i["fingerprint"])
        .collect();
    assert_eq!(gitlab_fingerprints, sarif_fingerprints);
    let unique: BTreeSet<&str> = issues
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    assert_eq!(unique.len(), issues.len());
}

#[test]
fn xml_formats_are_well_formed_and_complete() {
    let (expected, errors) = findings();
    let checkstyle = demo("checkstyle");
    let document = roxmltree::Document::parse(&checkstyle).expect("checkstyle XML");
    let entries = document
        .descendants()
        .filter(|n| n.has_tag_name("error"))
        .count();
    assert_eq!(entries, expected.len() + errors);

    let junit = demo("junit");
    let document = roxmltree::Document::parse(&junit).expect("JUnit XML");
    let root = document.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let failures = document
        .descendants()
        .filter(|n| n.has_tag_name("failure"))
        .count();
    assert_eq!(failures, expected.len());
    assert_eq!(
        root.attribute("failures"),
        Some(expected.len().to_string().as_str())
    );
}

#[test]
fn github_has_one_command_per_finding_and_a_summary() {
    let (expected, errors) = findings();
    let out = demo("github");
    let lines: Vec<&str> = out.lines().collect();
    let commands = lines.iter().filter(|l| l.starts_with("::")).count();
    assert_eq!(commands, expected.len() + errors);
    assert_eq!(lines.len(), commands + 1, "{out}");
    assert!(lines.last().unwrap().starts_with("prodlint: "), "{out}");
}

#[test]
fn every_format_has_a_snapshot_test() {
    // `check --help` lists the formats as `- NAME: description` under "Possible values".
    let help = Command::new(env!("CARGO_BIN_EXE_prodlint"))
        .args(["check", "--help"])
        .output()
        .expect("prodlint runs");
    let help = String::from_utf8(help.stdout).unwrap();
    let section = help
        .split("Possible values:")
        .nth(1)
        .expect("--format lists its values");
    let listed: BTreeSet<&str> = section
        .lines()
        .map(str::trim)
        .skip_while(|line| line.is_empty())
        .take_while(|line| line.starts_with("- "))
        .filter_map(|line| line[2..].split(':').next())
        .collect();
    assert_eq!(listed, FORMATS.into_iter().collect::<BTreeSet<_>>());
}
