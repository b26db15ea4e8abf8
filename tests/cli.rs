//! CLI behaviour through the built binary: exit codes, configuration errors, broken files,
//! suppressions, standard input, explicit files, discovery and determinism.

mod common;

use common::{age, cache_file, prodlint, project, write_aged};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::Value;

fn json(dir: &Path, args: &[&str]) -> (i32, Value) {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let output = prodlint(dir, &all);
    let value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stdout)));
    (output.status.code().unwrap(), value)
}

/// `(path, line, rule)` of each diagnostic.
fn findings(report: &Value) -> Vec<(String, u64, String)> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

const LOCAL_FALLBACK: &str = "export const api = process.env.API_URL || 'http://localhost:3000';\n";
/// A warning: a local address under a name that says endpoint.
const LOCAL_ADDRESS: &str = "export const apiUrl = 'http://localhost:3000';\n";

#[test]
fn exit_status_follows_the_worst_severity() {
    let dir = project(&[("src/api.ts", LOCAL_ADDRESS)]);
    let (code, report) = json(dir.path(), &[]);
    assert_eq!(code, 0, "a warning does not fail the run");
    assert_eq!(
        findings(&report),
        [("src/api.ts".into(), 1, "hardcoded-url".into())]
    );
    assert_eq!(report["diagnostics"][0]["severity"], "warning");

    std::fs::write(
        dir.path().join("prodlint.toml"),
        "[rules.hardcoded-url]\nseverity = \"error\"\n",
    )
    .unwrap();
    let (code, report) = json(dir.path(), &[]);
    assert_eq!(code, 1, "an error-severity finding fails the run");
    assert_eq!(report["diagnostics"][0]["severity"], "error");
    assert_eq!(report["summary"]["errors"], 1);

    std::fs::write(
        dir.path().join("prodlint.toml"),
        "[rules.hardcoded-url]\nseverity = \"off\"\n",
    )
    .unwrap();
    let (code, report) = json(dir.path(), &[]);
    assert_eq!((code, findings(&report).len()), (0, 0));
}

#[test]
fn json_output_follows_the_contract() {
    let dir = project(&[(
        "src/api.ts",
        "// é\nconst a=1; const url = \"http://localhost:3000\";\n",
    )]);
    let (_, report) = json(dir.path(), &[]);
    assert_eq!(report["version"], 1);
    let d = &report["diagnostics"][0];
    assert_eq!(d["path"], "src/api.ts");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(2), Some(24))
    );
    // The end column is exclusive: the character after the span.
    assert_eq!(
        (d["end_line"].as_u64(), d["end_column"].as_u64()),
        (Some(2), Some(47))
    );
    assert!(d["message"]
        .as_str()
        .unwrap()
        .contains("http://localhost:3000"));
    assert!(d["help"].is_string());
    assert!(d["labels"].is_array());
    assert!(d["fix"].is_null());
    assert_eq!(report["summary"]["files"], 1);
    assert_eq!(report["summary"]["warnings"], 1);
    assert!(report["summary"]["elapsed_ms"].is_u64());
    assert_eq!(report["errors"], Value::Array(vec![]));
}

#[test]
fn a_bad_config_names_the_key_and_line_and_exits_2() {
    let dir = project(&[
        ("src/api.ts", LOCAL_FALLBACK),
        (
            "prodlint.toml",
            "exclude = []\n\n[rules.hardcoded-url]\nseverity = \"loud\"\n",
        ),
    ]);
    let output = prodlint(dir.path(), &["check"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("prodlint.toml:4"), "{stderr}");
    assert!(stderr.contains("rules.hardcoded-url.severity"), "{stderr}");

    std::fs::write(
        dir.path().join("prodlint.toml"),
        "[rules.hardcoded-url]\nalow = []\n",
    )
    .unwrap();
    let output = prodlint(dir.path(), &["check"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr.contains(":2")
            && stderr.contains("rules.hardcoded-url.alow")
            && stderr.contains("unknown field"),
        "{stderr}"
    );

    std::fs::write(dir.path().join("prodlint.toml"), "[rules.no-such-rule]\n").unwrap();
    let output = prodlint(dir.path(), &["check"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr.contains(":1") && stderr.contains("unknown rule `no-such-rule`"),
        "{stderr}"
    );

    std::fs::write(dir.path().join("prodlint.toml"), "[rules.hardcoded-url\n").unwrap();
    let output = prodlint(dir.path(), &["check"]);
    assert_eq!(output.status.code(), Some(2), "a TOML syntax error");
    assert!(String::from_utf8_lossy(&output.stderr).contains("prodlint.toml:1"));
}

#[test]
fn usage_errors_exit_2() {
    let dir = project(&[("a.ts", LOCAL_FALLBACK)]);
    for args in [
        &["check", "--select", "nope"][..],
        &["check", "--ignore", "hardcoded-urls"][..],
        &["check", "missing-dir"][..],
        &["check", "--format", "yaml"][..],
        &["explain", "nope"][..],
        &["frobnicate"][..],
    ] {
        let output = prodlint(dir.path(), args);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

#[test]
fn broken_files_are_reported_and_the_run_goes_on() {
    let dir = project(&[
        ("a/broken.ts", "export function f( {\n  return 1 +;\n"),
        (
            "a/broken.rs",
            "fn main() { let x = ; }\nconst U_URL: &str = \"http://localhost:1\";\n",
        ),
        ("a/binary.js", "\u{0}\u{0}"),
        ("b/api.ts", LOCAL_ADDRESS),
    ]);
    std::fs::write(dir.path().join("a/latin1.ts"), b"const s = '\xe9';\n").unwrap();
    let (code, report) = json(dir.path(), &[]);
    assert_eq!(code, 1, "files that cannot be read or parsed fail the run");
    assert_eq!(report["summary"]["file_errors"], 4);
    let errors: Vec<&str> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        errors,
        ["a/binary.js", "a/broken.rs", "a/broken.ts", "a/latin1.ts"],
        "{report:#}"
    );
    let broken_ts = &report["errors"][2];
    assert!(broken_ts["message"]
        .as_str()
        .unwrap()
        .starts_with("syntax error"));
    assert!(broken_ts["line"].is_u64());
    // The Rust parser recovers: the rest of the broken file is still checked.
    assert_eq!(
        findings(&report),
        [
            ("a/broken.rs".into(), 2, "hardcoded-url".into()),
            ("b/api.ts".into(), 1, "hardcoded-url".into())
        ]
    );
}

#[test]
fn suppressions_need_a_known_rule_and_a_reason() {
    let text = "\
// prodlint-ignore hardcoded-url: dev proxy only
const aUrl = 'http://localhost:1';
const bUrl = 'http://localhost:2'; // prodlint-ignore hardcoded-url: same
const cUrl = 'http://localhost:3'; // prodlint-ignore hardcoded-url
const dUrl = 'http://localhost:4'; // prodlint-ignore hardcoded-ulr: typo
const e = 1; // prodlint-ignore hardcoded-url: nothing to suppress
const fUrl = 'http://localhost:6';
";
    let dir = project(&[
        ("src/a.ts", text),
        (
            "src/b.ts",
            "// prodlint-ignore-file hardcoded-url: fixtures\nconst xUrl = 'http://localhost:1';\n",
        ),
    ]);
    let (_, report) = json(dir.path(), &[]);
    let got = findings(&report);
    let expected: Vec<(String, u64, String)> = [
        (4, "invalid-suppression"), // no reason (but it still suppresses)
        (5, "hardcoded-url"),
        (5, "invalid-suppression"), // unknown rule
        (6, "invalid-suppression"), // suppresses nothing
        (7, "hardcoded-url"),
    ]
    .iter()
    .map(|(line, rule)| ("src/a.ts".to_string(), *line, rule.to_string()))
    .collect();
    assert_eq!(got, expected);
}

#[test]
fn stdin_is_linted_as_the_named_file() {
    let dir = project(&[("src/api.ts", "export const clean = 1;\n")]);
    let mut child = Command::new(env!("CARGO_BIN_EXE_prodlint"))
        .args([
            "check",
            "--format",
            "json",
            "--stdin-filename",
            "src/api.ts",
        ])
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(LOCAL_FALLBACK.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        findings(&report),
        [("src/api.ts".into(), 1, "hardcoded-url".into())],
        "the unsaved text, not the file"
    );
    assert_eq!(report["summary"]["files"], 1);
}

#[test]
fn explicit_files_are_the_only_ones_checked() {
    let dir = project(&[
        ("src/a.ts", LOCAL_FALLBACK),
        ("src/b.ts", LOCAL_FALLBACK),
        ("src/gen.ts", LOCAL_FALLBACK),
        (".gitignore", "src/gen.ts\n"),
        ("README.md", "http://localhost:1"),
    ]);
    let (_, report) = json(dir.path(), &["src/b.ts", "src/gen.ts", "README.md"]);
    let paths: Vec<String> = findings(&report).into_iter().map(|f| f.0).collect();
    assert_eq!(
        paths,
        ["src/b.ts", "src/gen.ts"],
        "named files are checked even when ignored; other types are skipped"
    );
    let (_, report) = json(dir.path(), &[]);
    let paths: Vec<String> = findings(&report).into_iter().map(|f| f.0).collect();
    assert_eq!(
        paths,
        ["src/a.ts", "src/b.ts"],
        "the walk honours .gitignore"
    );
}

#[test]
fn discovery_skips_dependencies_build_output_and_excludes() {
    let dir = project(&[
        ("src/app.ts", LOCAL_FALLBACK),
        ("node_modules/pkg/index.js", LOCAL_FALLBACK),
        (
            "target/debug/build/x.rs",
            "const U_URL: &str = \"http://localhost:1\";",
        ),
        ("dist/app.js", LOCAL_FALLBACK),
        (".nuxt/imports.ts", LOCAL_FALLBACK),
        ("public/vendor.min.js", LOCAL_FALLBACK),
        ("legacy/old.ts", LOCAL_FALLBACK),
        ("src/generated/api.ts", LOCAL_FALLBACK),
        (
            "prodlint.toml",
            "exclude = [\"legacy\", \"**/generated/**\"]\n",
        ),
    ]);
    let (_, report) = json(dir.path(), &[]);
    let paths: Vec<String> = findings(&report).into_iter().map(|f| f.0).collect();
    assert_eq!(paths, ["src/app.ts"]);
    assert_eq!(report["summary"]["files"], 1);
    // Excludes are relative to the config file, also when run from a subdirectory.
    let (_, report) = json(&dir.path().join("src"), &["."]);
    let paths: Vec<String> = findings(&report).into_iter().map(|f| f.0).collect();
    assert_eq!(paths, ["app.ts"]);
}

#[test]
fn select_and_ignore_choose_rules() {
    let dir = project(&[(
        "a.ts",
        "const aUrl = 'http://localhost:1'; // prodlint-ignore hardcoded-url\n",
    )]);
    let rules = |args: &[&str]| -> Vec<String> {
        findings(&json(dir.path(), args).1)
            .into_iter()
            .map(|f| f.2)
            .collect()
    };
    assert_eq!(rules(&[]), ["invalid-suppression"]);
    assert_eq!(
        rules(&["--select", "invalid-suppression"]),
        ["invalid-suppression"]
    );
    assert_eq!(
        rules(&["--ignore", "hardcoded-url,invalid-suppression"]),
        Vec::<String>::new()
    );
    assert_eq!(
        rules(&["--ignore", "invalid-suppression"]),
        Vec::<String>::new()
    );
}

#[test]
fn output_is_the_same_whatever_the_thread_count() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf();
    let run = |threads: &str| {
        let output = prodlint(
            &root,
            &[
                "check",
                "fixtures",
                "--format",
                "compact",
                "--threads",
                threads,
            ],
        );
        assert!(output.status.code().is_some_and(|c| c < 2));
        String::from_utf8(output.stdout).unwrap()
    };
    let one = run("1");
    assert!(one.lines().count() > 20, "{one}");
    assert_eq!(one, run("2"));
    assert_eq!(one, run("8"));
}

#[test]
fn rules_explain_and_version() {
    let dir = tempfile::tempdir().unwrap();
    let output = prodlint(dir.path(), &["rules"]);
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.lines().any(|l| l.starts_with("hardcoded-url")
            && l.contains("Rust, TS/JS")
            && l.contains("varies")),
        "{text}"
    );
    // Mix-ups that do not compile are errors, discarded errors warnings.
    assert!(
        text.lines()
            .any(|l| l.starts_with("option-result-misuse") && l.contains("varies")),
        "{text}"
    );

    let output = prodlint(dir.path(), &["explain", "hardcoded-url"]);
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.contains("## What it does") && text.contains("## Use instead"),
        "{text}"
    );
    assert!(
        !text.contains("\n /// "),
        "doc comment markers are stripped"
    );

    let output = prodlint(dir.path(), &["--version"]);
    assert_eq!(
        String::from_utf8(output.stdout).unwrap().trim(),
        format!("prodlint {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn shards_together_equal_an_unsharded_run() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf();
    let results = |args: &[&str]| -> Vec<Value> {
        let mut all = vec!["check", "fixtures", "--no-cache", "--format", "sarif"];
        all.extend_from_slice(args);
        let output = prodlint(&root, &all);
        let sarif: Value = serde_json::from_slice(&output.stdout).unwrap();
        sarif["runs"][0]["results"].as_array().unwrap().clone()
    };
    let key = |result: &Value| -> String {
        format!(
            "{}|{}|{}",
            result["ruleId"], result["locations"], result["partialFingerprints"]
        )
    };
    let mut whole: Vec<String> = results(&[]).iter().map(key).collect();
    let mut union: Vec<String> = Vec::new();
    let mut sizes = Vec::new();
    for k in 1..=3 {
        let shard = results(&["--shard", &format!("{k}/3")]);
        sizes.push(shard.len());
        union.extend(shard.iter().map(key));
    }
    whole.sort();
    union.sort();
    assert!(whole.len() > 20);
    assert_eq!(
        union, whole,
        "the union of the shards' SARIF results is the unsharded run's"
    );
    assert!(
        sizes.iter().all(|&n| n < whole.len()),
        "each shard has only part: {sizes:?}"
    );
    let output = prodlint(&root, &["check", "fixtures", "--shard", "4/3"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn a_baseline_hides_known_findings_and_counts_stale_entries() {
    let dir = project(&[
        (
            "src/a.ts",
            "const aUrl = 'http://localhost:1';\nconst bUrl = 'http://localhost:2';\n",
        ),
        ("src/b.ts", "const cUrl = 'http://localhost:3';\n"),
    ]);
    let output = prodlint(
        dir.path(),
        &["check", "--write-baseline", "prodlint-baseline.json"],
    );
    assert_eq!(output.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&output.stderr).contains("wrote 3 findings"));

    let (_, report) = json(dir.path(), &["--baseline", "prodlint-baseline.json"]);
    assert!(findings(&report).is_empty(), "{report:#}");

    // Lines move and a new finding appears: only the new one is reported.
    std::fs::write(
        dir.path().join("src/a.ts"),
        "// a new header\n\nconst aUrl = 'http://localhost:1';\nconst nUrl = 'http://localhost:9';\nconst bUrl = 'http://localhost:2';\n",
    )
    .unwrap();
    let (_, report) = json(dir.path(), &["--baseline", "prodlint-baseline.json"]);
    assert_eq!(
        findings(&report),
        [("src/a.ts".into(), 4, "hardcoded-url".into())]
    );

    // A fixed finding leaves a stale entry, which is counted.
    std::fs::write(dir.path().join("src/b.ts"), "const c = process.env.C;\n").unwrap();
    let output = prodlint(
        dir.path(),
        &["check", "--baseline", "prodlint-baseline.json"],
    );
    assert!(
        String::from_utf8_lossy(&output.stderr)
            .contains("1 baseline entry no longer matches a finding"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    std::fs::write(dir.path().join("broken.json"), "{").unwrap();
    let output = prodlint(dir.path(), &["check", "--baseline", "broken.json"]);
    assert_eq!(output.status.code(), Some(2));
}

const UNUSED_SUPPRESSIONS: &str = "\
const a = 1; // prodlint-ignore hardcoded-url: stale
// prodlint-ignore hardcoded-url: stale too
const b = 2;
const cUrl = 'http://localhost:3'; // prodlint-ignore hardcoded-url: used
";

#[test]
fn fix_applies_safe_fixes_and_reports_what_remains() {
    let dir = project(&[
        ("src/a.ts", UNUSED_SUPPRESSIONS),
        (
            "src/b.rs",
            "fn f() {} // prodlint-ignore hardcoded-url: stale\n",
        ),
    ]);
    let (code, report) = json(dir.path(), &["--fix"]);
    assert_eq!(code, 0);
    assert!(findings(&report).is_empty(), "nothing remains: {report:#}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("src/a.ts")).unwrap(),
        "const a = 1;\nconst b = 2;\nconst cUrl = 'http://localhost:3'; // prodlint-ignore hardcoded-url: used\n"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("src/b.rs")).unwrap(),
        "fn f() {}\n"
    );
    // Idempotent: a second run has nothing to do.
    let output = prodlint(dir.path(), &["check", "--fix"]);
    assert!(String::from_utf8_lossy(&output.stderr).contains("applied 0 fixes"));
}

#[test]
fn diff_prints_the_fixes_without_writing() {
    let dir = project(&[("src/a.ts", UNUSED_SUPPRESSIONS)]);
    let output = prodlint(dir.path(), &["check", "--diff"]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "exit 1 when there is something to fix"
    );
    let diff = String::from_utf8(output.stdout).unwrap();
    assert!(
        diff.starts_with("--- a/src/a.ts\n+++ b/src/a.ts\n@@"),
        "{diff}"
    );
    for line in [
        "-const a = 1; // prodlint-ignore hardcoded-url: stale\n",
        "+const a = 1;\n",
    ] {
        assert!(diff.contains(line), "{diff}");
    }
    assert!(
        diff.contains("-// prodlint-ignore hardcoded-url: stale too\n"),
        "{diff}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("src/a.ts")).unwrap(),
        UNUSED_SUPPRESSIONS,
        "nothing written"
    );
    let output = prodlint(dir.path(), &["check", "--fix", "--stdin-filename", "x.ts"]);
    assert_eq!(output.status.code(), Some(2));
}

/// A run whose finding shows the message edited into the cache file.
fn assert_from_cache(root: &Path) {
    let (_, report) = json(root, &[]);
    let message = report["diagnostics"][0]["message"].as_str().unwrap();
    assert!(message.starts_with("CACHED"), "{report:#}");
}

#[test]
fn the_cache_reuses_results_until_the_file_or_what_it_read_changes() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write_aged(
        root,
        "nuxt.config.ts",
        "export default defineNuxtConfig({})\n",
        60,
    );
    write_aged(
        root,
        "composables/useA.ts",
        "export const useA = () => 1;\n",
        60,
    );
    write_aged(
        root,
        "composables/useB.ts",
        "export const useB = () => 2;\n",
        60,
    );
    write_aged(root, "src/api.ts", LOCAL_FALLBACK, 60);

    let (_, first) = json(root, &[]);
    assert_eq!(
        findings(&first),
        [("src/api.ts".into(), 1, "hardcoded-url".into())]
    );
    let cache_dir = root.join(".prodlint_cache");
    assert_eq!(
        std::fs::read_to_string(cache_dir.join(".gitignore"))
            .unwrap()
            .lines()
            .last(),
        Some("*")
    );
    let cache_file = cache_file(root);

    // The second run takes the findings from the cache: a (deliberately) edited cached
    // message shows that it did.
    let cached = std::fs::read_to_string(&cache_file).unwrap();
    assert!(cached.contains("`API_URL` falls back"));
    std::fs::write(
        &cache_file,
        cached.replace("`API_URL` falls back", "CACHED falls back"),
    )
    .unwrap();
    assert_from_cache(root);

    // A fresh checkout (a CI job with a restored cache): every file has a new modification
    // time and the same content. The content hashes decide, and the entries take the new
    // stamps so that the next run needs no hashing.
    for file in [
        "nuxt.config.ts",
        "composables/useA.ts",
        "composables/useB.ts",
        "src/api.ts",
    ] {
        age(&root.join(file), 40);
    }
    assert_from_cache(root);
    let restamped: Value =
        serde_json::from_str(&std::fs::read_to_string(&cache_file).unwrap()).unwrap();
    let modified_ns = std::fs::metadata(root.join("src/api.ts"))
        .unwrap()
        .modified()
        .unwrap()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    assert_eq!(
        restamped["entries"]["src/api.ts"]["file"]["stamp"]["modified_ns"].as_u64(),
        Some(modified_ns as u64)
    );
    std::fs::write(&cache_file, cached).unwrap();

    // useA.ts does not change, but another composable now exports the same name: checking
    // useA.ts alone (as a pre-commit hook would) must see the clash.
    write_aged(
        root,
        "composables/useB.ts",
        "export const useB = () => 2;\nexport const useA = () => 3;\n",
        30,
    );
    let (code, report) = json(root, &["composables/useA.ts"]);
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(
        findings(&report),
        [(
            "composables/useA.ts".into(),
            1,
            "duplicate-auto-import".into()
        )]
    );

    // A new file in a scanned directory is a change too.
    write_aged(
        root,
        "composables/useB.ts",
        "export const useB = () => 2;\n",
        20,
    );
    let (_, report) = json(root, &["composables/useA.ts"]);
    assert!(findings(&report).is_empty(), "{report:#}");
    write_aged(
        root,
        "composables/useC.ts",
        "export function useA() {}\n",
        20,
    );
    let (_, report) = json(root, &["composables/useA.ts"]);
    assert_eq!(
        findings(&report),
        [(
            "composables/useA.ts".into(),
            1,
            "duplicate-auto-import".into()
        )]
    );

    // --no-cache neither reads nor writes it.
    let other = project(&[("a.ts", LOCAL_FALLBACK)]);
    let (_, report) = json(other.path(), &["--no-cache"]);
    assert_eq!(findings(&report).len(), 1);
    assert!(!other.path().join(".prodlint_cache").exists());
}

#[test]
fn the_same_build_installed_again_reuses_the_cache() {
    // A CI job installs prodlint on every run: a binary with a new modification time, built
    // from the same sources, reads the cache the last one wrote.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write_aged(root, "src/api.ts", LOCAL_FALLBACK, 60);
    json(root, &[]);
    let cache_file = cache_file(root);
    let cached = std::fs::read_to_string(&cache_file).unwrap();
    std::fs::write(
        &cache_file,
        cached.replace("`API_URL` falls back", "CACHED falls back"),
    )
    .unwrap();
    let installed = tempfile::tempdir().unwrap();
    let binary = installed.path().join("prodlint");
    std::fs::copy(env!("CARGO_BIN_EXE_prodlint"), &binary).unwrap();
    let output = Command::new(&binary)
        .args(["check", "--format", "json"])
        .current_dir(root)
        .env_remove("GITHUB_ACTIONS")
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let message = report["diagnostics"][0]["message"].as_str().unwrap();
    assert!(message.starts_with("CACHED"), "{report:#}");
}

#[test]
fn the_summary_line_counts_in_words() {
    let dir = project(&[
        ("src/api.ts", LOCAL_ADDRESS),
        ("src/broken.ts", "export const = ;\n"),
    ]);
    let output = prodlint(dir.path(), &["check", "--format", "compact", "--no-cache"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("0 errors, 1 warning, 0 info in 2 files (")
            && stderr.contains("; 1 file could not be fully parsed"),
        "{stderr}"
    );
}

#[test]
fn a_parser_panic_is_the_files_parse_error_and_prints_no_panic() {
    // swc asserts on an import attribute list that is not an object.
    let dir = project(&[("src/attrs.ts", "import c from './d.json' with n\" };\n")]);
    let output = prodlint(dir.path(), &["check", "--format", "compact", "--no-cache"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stdout.contains("src/attrs.ts:1:1: error [syntax-error] syntax error: the parser failed"),
        "{stdout}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        stderr.contains("1 file could not be fully parsed"),
        "{stderr}"
    );
}

#[test]
fn package_imports_not_checked_are_counted_the_same_with_a_warm_cache() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write_aged(
        root,
        "package.json",
        r#"{ "name": "app", "dependencies": { "left-pad": "1", "@acme/client": "1" } }"#,
        60,
    );
    write_aged(root, "pnpm-lock.yaml", "lockfileVersion: '9.0'\n", 60);
    write_aged(
        root,
        "src/a.ts",
        "import pad from 'left-pad';\nimport { Client } from '@acme/client';\nimport v from 'virtual:generated';\nexport const out = [pad, new Client(), v];\n",
        60,
    );
    write_aged(
        root,
        "src/b.js",
        "import pad from 'left-pad';\nexport const b = pad;\n",
        60,
    );
    for run in ["cold", "warm"] {
        let (_, report) = json(root, &[]);
        assert_eq!(
            report["summary"]["unchecked_package_imports"], 3,
            "{run}: {report:#}"
        );
        let output = prodlint(root, &["check", "--verbose"]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("3 package imports not checked: run pnpm install"),
            "{run}: {stderr}"
        );
        assert!(
            stderr.contains("3 specifiers in 4 imports could not be resolved"),
            "{run}: {stderr}"
        );
    }
    assert!(root.join(".prodlint_cache").exists());
}

const VUE_WITH_COFFEE: &str = "<template><p>hi</p></template>\n<script lang=\"coffee\">\nx = 1\n</script>\n<script setup lang=\"ts\">\nexport const apiUrl = 'http://localhost:3000';\n</script>\n";

#[test]
fn a_skipped_script_block_is_noted_in_every_format_and_through_the_cache() {
    let dir = project(&[]);
    let root = dir.path();
    write_aged(root, "src/App.vue", VUE_WITH_COFFEE, 60);

    let (code, report) = json(root, &[]);
    assert_eq!(code, 0);
    assert_eq!(
        findings(&report),
        [("src/App.vue".into(), 6, "hardcoded-url".into())]
    );
    let notes = report["notes"].as_array().expect("a notes array");
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(notes[0]["path"], "src/App.vue");
    assert_eq!(notes[0]["line"], 2);
    assert!(notes[0]["message"]
        .as_str()
        .unwrap()
        .contains("lang=\"coffee\""));

    // From the cache (the stored note edited), the note is still there.
    let cache_file = cache_file(root);
    let cached = std::fs::read_to_string(&cache_file).unwrap();
    assert!(cached.contains("is not checked"), "{cached}");
    std::fs::write(&cache_file, cached.replace("is not checked", "CACHED")).unwrap();
    let (_, report) = json(root, &[]);
    assert!(
        report["notes"][0]["message"]
            .as_str()
            .unwrap()
            .contains("CACHED"),
        "{report}"
    );

    let output = prodlint(root, &["check", "--no-cache", "--format", "compact"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(
            "prodlint: note: src/App.vue:2:23: a <script lang=\"coffee\"> block is not checked"
        ),
        "{stderr}"
    );

    let output = prodlint(root, &["check", "--no-cache", "--format", "sarif"]);
    let sarif: Value = serde_json::from_slice(&output.stdout).unwrap();
    let notifications = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert_eq!(notifications.len(), 1, "{notifications:?}");
    assert_eq!(notifications[0]["level"], "note");
    assert_eq!(notifications[0]["descriptor"]["id"], "skipped-block");

    // A file without such a block has no note.
    let plain = project(&[("src/api.ts", LOCAL_ADDRESS)]);
    let (_, report) = json(plain.path(), &["--no-cache"]);
    assert_eq!(report["notes"], serde_json::json!([]));
}

#[test]
fn exit_zero_exits_0_with_errors_but_not_on_usage_errors() {
    let dir = project(&[("src/broken.ts", "export const = ;\n")]);
    let (code, report) = json(dir.path(), &["--no-cache"]);
    assert_eq!(code, 1);
    assert_eq!(report["errors"].as_array().unwrap().len(), 1);
    let (code, report) = json(dir.path(), &["--no-cache", "--exit-zero"]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(
        report["errors"].as_array().unwrap().len(),
        1,
        "still reported"
    );
    let output = prodlint(
        dir.path(),
        &["check", "--exit-zero", "--select", "no-such-rule"],
    );
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn max_warnings_fails_the_run_beyond_n() {
    let dir = project(&[("src/a.ts", LOCAL_ADDRESS), ("src/b.ts", LOCAL_ADDRESS)]);
    let (code, _) = json(dir.path(), &["--no-cache"]);
    assert_eq!(code, 0, "warnings alone pass");
    let (code, _) = json(dir.path(), &["--no-cache", "--max-warnings", "2"]);
    assert_eq!(code, 0, "two warnings are not more than 2");
    let output = prodlint(
        dir.path(),
        &[
            "check",
            "--no-cache",
            "--format",
            "compact",
            "--max-warnings",
            "1",
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("2 warnings (more than --max-warnings 1)"),
        "{stderr}"
    );
    let (code, _) = json(
        dir.path(),
        &["--no-cache", "--max-warnings", "0", "--exit-zero"],
    );
    assert_eq!(code, 0);
}

#[test]
fn quiet_reports_errors_only() {
    let dir = project(&[
        ("src/a.ts", LOCAL_ADDRESS),
        // The nearest configuration makes this one an error.
        ("strict/b.ts", LOCAL_ADDRESS),
        (
            "strict/prodlint.toml",
            "[rules.hardcoded-url]\nseverity = \"error\"\n",
        ),
    ]);
    let (_, report) = json(dir.path(), &["--no-cache"]);
    let severities: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["severity"].as_str().unwrap())
        .collect();
    assert!(severities.contains(&"warning"), "{report}");
    assert!(severities.contains(&"error"), "{report}");
    let (code, report) = json(dir.path(), &["--no-cache", "--quiet"]);
    assert_eq!(code, 1);
    let severities: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["severity"].as_str().unwrap())
        .collect();
    assert!(
        !severities.is_empty() && severities.iter().all(|s| *s == "error"),
        "{report}"
    );
}

#[test]
fn select_and_ignore_accept_spaces_after_commas() {
    let dir = project(&[("src/a.ts", LOCAL_ADDRESS)]);
    let (code, report) = json(
        dir.path(),
        &[
            "--no-cache",
            "--select",
            "invalid-suppression, hardcoded-url",
        ],
    );
    assert_eq!(code, 0, "{report}");
    assert_eq!(findings(&report).len(), 1);
    let (code, report) = json(
        dir.path(),
        &[
            "--no-cache",
            "--ignore",
            "invalid-suppression, hardcoded-url",
        ],
    );
    assert_eq!(code, 0, "{report}");
    assert!(findings(&report).is_empty());
}

/// Runs the binary in `dir` with `input` on standard input and `env` set.
fn prodlint_with(
    dir: &Path,
    args: &[&str],
    input: &str,
    env: &[(&str, &str)],
) -> std::process::Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_prodlint"));
    command
        .args(args)
        .current_dir(dir)
        .env_remove("GITHUB_ACTIONS")
        .env_remove("NO_COLOR")
        .env_remove("FORCE_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (key, value) in env {
        command.env(key, value);
    }
    let mut child = command.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn a_dash_is_standard_input() {
    let dir = project(&[("src/api.ts", "export const clean = 1;\n")]);
    let output = prodlint_with(
        dir.path(),
        &["check", "--format", "json", "-"],
        LOCAL_FALLBACK,
        &[],
    );
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        findings(&report),
        [("stdin.ts".into(), 1, "hardcoded-url".into())],
        "{report}"
    );
    assert_eq!(report["summary"]["files"], 1, "src/ is not walked");

    let output = prodlint_with(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "--stdin-filename",
            "src/api.ts",
            "-",
        ],
        LOCAL_FALLBACK,
        &[],
    );
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        findings(&report),
        [("src/api.ts".into(), 1, "hardcoded-url".into())]
    );

    let output = prodlint_with(dir.path(), &["check", "-", "src"], "", &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot be checked with other paths"));
}

#[test]
fn statistics_count_findings_per_rule() {
    let dir = project(&[
        ("src/a.ts", LOCAL_ADDRESS),
        ("src/b.ts", LOCAL_ADDRESS),
        (
            "src/c.ts",
            "// prodlint-ignore no-such-rule: because\nexport const x = 1;\n",
        ),
        ("src/broken.ts", "export const = ;\n"),
    ]);
    let output = prodlint(dir.path(), &["check", "--no-cache", "--statistics"]);
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let lines: Vec<Vec<&str>> = stdout
        .lines()
        .map(|line| line.split_whitespace().collect())
        .collect();
    assert_eq!(
        lines,
        [
            vec!["2", "hardcoded-url", "warning"],
            vec!["1", "invalid-suppression", "warning"],
            vec!["1", "syntax-error", "error"],
        ],
        "{stdout}"
    );
    let (_, rows) = json(dir.path(), &["--no-cache", "--statistics"]);
    assert_eq!(rows[0]["rule"], "hardcoded-url");
    assert_eq!(rows[0]["count"], 2);
    assert_eq!(rows.as_array().unwrap().len(), 3);
}

#[test]
fn output_file_takes_the_report_and_the_terminal_gets_a_summary() {
    let dir = project(&[("src/a.ts", LOCAL_ADDRESS)]);
    let output = prodlint(
        dir.path(),
        &[
            "check",
            "--no-cache",
            "--format",
            "json",
            "--output-file",
            "out/report.json",
        ],
    );
    assert!(
        output.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("out/report.json")).unwrap())
            .unwrap();
    assert_eq!(
        findings(&report),
        [("src/a.ts".into(), 1, "hardcoded-url".into())]
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("1 warning") && stderr.contains("report written to out/report.json"),
        "{stderr}"
    );
}

#[test]
fn color_follows_the_flag_and_the_environment() {
    let dir = project(&[("src/a.ts", LOCAL_ADDRESS)]);
    let colored = |args: &[&str], env: &[(&str, &str)]| {
        let mut all = vec!["check", "--no-cache", "--format", "pretty"];
        all.extend_from_slice(args);
        let output = prodlint_with(dir.path(), &all, "", env);
        assert_eq!(output.status.code(), Some(0));
        output.stdout.contains(&0x1b)
    };
    assert!(!colored(&[], &[]), "off a terminal: plain");
    assert!(colored(&["--color", "always"], &[]));
    assert!(colored(&[], &[("FORCE_COLOR", "1")]));
    assert!(colored(&[], &[("CLICOLOR_FORCE", "1")]));
    assert!(!colored(&[], &[("FORCE_COLOR", "1"), ("NO_COLOR", "1")]));
    assert!(!colored(&["--color", "never"], &[("FORCE_COLOR", "1")]));
    assert!(colored(&["--color", "always"], &[("NO_COLOR", "1")]));
}

#[test]
fn a_rule_severity_can_be_given_alone() {
    let dir = project(&[
        ("src/a.ts", LOCAL_ADDRESS),
        ("prodlint.toml", "[rules]\nhardcoded-url = \"error\"\n"),
    ]);
    let (code, report) = json(dir.path(), &["--no-cache"]);
    assert_eq!(code, 1);
    assert_eq!(report["diagnostics"][0]["severity"], "error");

    std::fs::write(
        dir.path().join("prodlint.toml"),
        "[rules]\nhardcoded-url = \"off\"\n",
    )
    .unwrap();
    let (code, report) = json(dir.path(), &["--no-cache"]);
    assert_eq!(code, 0);
    assert!(findings(&report).is_empty());

    std::fs::write(
        dir.path().join("prodlint.toml"),
        "[rules]\n\nhardcoded-url = \"loud\"\n",
    )
    .unwrap();
    let output = prodlint(dir.path(), &["check", "--no-cache"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("prodlint.toml:3: `rules.hardcoded-url`: expected \"error\""),
        "{stderr}"
    );
}

#[test]
fn a_parse_error_has_one_id_in_every_format_and_explain_knows_it() {
    let dir = project(&[("src/broken.ts", "export const = ;\n")]);
    for format in [
        "pretty",
        "compact",
        "json",
        "sarif",
        "github",
        "checkstyle",
        "junit",
        "gitlab",
    ] {
        let output = prodlint(dir.path(), &["check", "--no-cache", "--format", format]);
        assert_eq!(output.status.code(), Some(1), "{format}");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(stdout.contains("syntax-error"), "{format}: {stdout}");
        assert!(!stdout.contains("[parse]"), "{format}: {stdout}");
    }
    let (_, report) = json(dir.path(), &["--no-cache"]);
    assert_eq!(report["errors"][0]["rule"], "syntax-error");
    for id in ["syntax-error", "file-error", "skipped-block"] {
        let output = prodlint(dir.path(), &["explain", id]);
        assert_eq!(output.status.code(), Some(0), "{id}");
        assert!(
            String::from_utf8_lossy(&output.stdout).starts_with(&format!("# {id}\n")),
            "{id}"
        );
    }
}

#[test]
fn grammar_errors_of_declaration_files_are_not_file_errors() {
    // TypeScript itself reports `declare` inside an ambient block only when it checks
    // declaration files, which `skipLibCheck` turns off; the tree is whole, so the file
    // is read and the run is not failed for it.
    let ambient = "declare module 'clean-deep' {\n  declare function cleanDeep<T>(o: T): T;\n  export default cleanDeep;\n}\n";
    let dir = project(&[
        ("src/include.d/clean-deep.d.ts", ambient),
        ("src/ok.ts", "export const a = 1;\n"),
    ]);
    let (code, report) = json(dir.path(), &["--no-cache"]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["errors"].as_array().unwrap().len(), 0, "{report}");

    // The same text in a module that is compiled stays an error, and so does a
    // declaration file that does not parse at all.
    let dir = project(&[
        ("src/ambient.ts", ambient),
        (
            "src/broken.d.ts",
            "declare module 'x' {\n  export const = ;\n",
        ),
    ]);
    let (code, report) = json(dir.path(), &["--no-cache"]);
    assert_eq!(code, 1, "{report}");
    let mut paths: Vec<&str> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|error| {
            assert_eq!(error["rule"], "syntax-error", "{error}");
            error["path"].as_str().unwrap()
        })
        .collect();
    paths.dedup();
    assert_eq!(paths, ["src/ambient.ts", "src/broken.d.ts"], "{report}");
}

#[test]
fn fix_counts_are_singular_or_plural() {
    let dir = project(&[(
        "src/b.rs",
        "fn f() {} // prodlint-ignore hardcoded-url: stale\n",
    )]);
    let output = prodlint(dir.path(), &["check", "--no-cache", "--diff"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("1 fix in 1 file"), "{stderr}");
    let output = prodlint(dir.path(), &["check", "--no-cache", "--fix"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("applied 1 fix in 1 file\n"), "{stderr}");
}

#[test]
fn rust_syntax_errors_name_tokens_in_words() {
    let dir = project(&[(
        "src/lib.rs",
        "pub fn f() -> u8 {\n    let x = 1\n    x\n}\n",
    )]);
    let (code, report) = json(dir.path(), &["--no-cache"]);
    assert_eq!(code, 1);
    assert_eq!(
        report["errors"][0]["message"], "syntax error: expected `;`",
        "{report}"
    );
}

#[test]
fn a_run_that_checks_nothing_says_so() {
    let dir = project(&[
        ("README.md", "# nothing to check\n"),
        ("src/a.py", "x = 1\n"),
    ]);
    let output = prodlint(dir.path(), &["check", "--no-cache", "--format", "compact"]);
    assert_eq!(output.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("prodlint: note: no files matched: prodlint checks .rs, .ts, .tsx,"),
        "{stderr}"
    );
    let checked = project(&[("src/a.ts", "export const a = 1;\n")]);
    let output = prodlint(checked.path(), &["check", "--no-cache"]);
    assert!(!String::from_utf8_lossy(&output.stderr).contains("no files matched"));
}

#[test]
fn completions_are_printed_for_each_shell() {
    let dir = project(&[]);
    for (shell, marker) in [
        ("bash", "_prodlint()"),
        ("zsh", "#compdef prodlint"),
        ("fish", "complete -c prodlint"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion:arg-completer[prodlint]"),
    ] {
        let output = prodlint(dir.path(), &["completions", shell]);
        assert_eq!(output.status.code(), Some(0), "{shell}");
        let script = String::from_utf8_lossy(&output.stdout);
        assert!(script.contains(marker), "{shell}: {script}");
        assert!(
            script.contains("max-warnings"),
            "{shell}: the check options"
        );
    }
    let output = prodlint(dir.path(), &["completions", "tcsh"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn init_writes_a_commented_config_for_what_the_project_is() {
    let dir = project(&[
        ("package.json", "{\"dependencies\": {\"nuxt\": \"^3.0.0\"}}"),
        ("Cargo.toml", "[package]\nname = \"a\"\n"),
        ("Cargo.lock", "version = 3\n"),
        ("generated/x.ts", "export const a = 1;\n"),
    ]);
    let output = prodlint(dir.path(), &["init"]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let text = std::fs::read_to_string(dir.path().join("prodlint.toml")).unwrap();
    assert!(text.contains("# Found: Rust and TS/JS."), "{text}");
    assert!(text.contains("# Frameworks: Nuxt."), "{text}");
    assert!(text.contains("node_modules is missing here"), "{text}");
    assert!(text.contains("duplicate-auto-import"), "{text}");
    assert!(text.contains("# exclude = [\"generated\"]"), "{text}");
    assert!(text.contains("the crates in Cargo.lock"), "{text}");
    // The file is valid and changes nothing: the same findings as without it.
    let (code, _) = json(dir.path(), &["--no-cache"]);
    assert_eq!(code, 0);

    // It is never overwritten.
    std::fs::write(dir.path().join("prodlint.toml"), "# mine\n").unwrap();
    let output = prodlint(dir.path(), &["init"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("already exists"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("prodlint.toml")).unwrap(),
        "# mine\n"
    );

    let installed = project(&[("package.json", "{}"), ("node_modules/.keep", "")]);
    prodlint(installed.path(), &["init"]);
    let text = std::fs::read_to_string(installed.path().join("prodlint.toml")).unwrap();
    assert!(
        text.contains("reads the installed packages in node_modules"),
        "{text}"
    );
    assert!(!text.contains("Cargo"), "{text}");
}

#[test]
fn watch_checks_again_when_a_file_changes() {
    use std::io::BufRead;
    let dir = project(&[("src/a.ts", "export const a = 1;\n")]);
    let mut child = Command::new(env!("CARGO_BIN_EXE_prodlint"))
        .args(["check", "--watch", "--format", "compact", "src"])
        .current_dir(dir.path())
        .env_remove("GITHUB_ACTIONS")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (lines, received) = std::sync::mpsc::channel::<String>();
    let out_lines = lines.clone();
    let stdout = child.stdout.take().unwrap();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            let _ = out_lines.send(line);
        }
    });
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            let _ = lines.send(line);
        }
    });
    // Waits (a minute at most, for a loaded machine) for a line containing `wanted`.
    let wait_for = |wanted: &str| -> Vec<String> {
        let mut seen = Vec::new();
        while let Ok(line) = received.recv_timeout(std::time::Duration::from_secs(60)) {
            let found = line.contains(wanted);
            seen.push(line);
            if found {
                return seen;
            }
        }
        panic!("no line with {wanted:?} in {seen:?}");
    };
    let first = wait_for("watching for changes");
    assert!(first.iter().any(|l| l.contains("0 warnings")), "{first:?}");
    assert!(
        !first.iter().any(|l| l.contains("hardcoded-url")),
        "{first:?}"
    );

    std::fs::write(dir.path().join("src/a.ts"), LOCAL_ADDRESS).unwrap();
    // The finding comes on standard output and the summary on standard error: read by two
    // threads, their lines may arrive in either order, so wait for the finding itself.
    let second = wait_for("[hardcoded-url]");
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        second
            .iter()
            .any(|l| l.starts_with("src/a.ts:1:") && l.contains("[hardcoded-url]")),
        "{second:?}"
    );
}

#[test]
fn instrument_fixes_drop_unknown_skip_names_and_leave_renames_to_the_editor() {
    let source = "use tracing::instrument;\n\
        pub struct Registry;\n\
        impl Registry {\n\
        \x20   pub async fn run(&self) {\n\
        \x20       #[instrument(skip(self))]\n\
        \x20       async fn inner(registry: &Registry) {}\n\
        \x20       inner(self).await\n\
        \x20   }\n\
        }\n\
        #[instrument(skip(conn, body, payload), err)]\n\
        pub fn send(body: &[u8]) {}\n\
        #[instrument(level = \"debug\", skip(db))]\n\
        pub fn load(id: u64) {}\n\
        #[instrument(skip(db))]\n\
        pub fn only(id: u64) {}\n";
    let dir = project(&[("src/lib.rs", source)]);
    // Overlapping removals in one list are left for the next run.
    prodlint(dir.path(), &["check", "--fix"]);
    prodlint(dir.path(), &["check", "--fix"]);
    let fixed = std::fs::read_to_string(dir.path().join("src/lib.rs")).unwrap();
    for line in [
        "        #[instrument(skip(self))]\n",
        "#[instrument(skip(body), err)]\n",
        "#[instrument(level = \"debug\")]\n",
        "#[instrument]\npub fn only",
    ] {
        assert!(fixed.contains(line), "{line:?} in:\n{fixed}");
    }
    let (_, report) = json(dir.path(), &["--no-cache"]);
    let diagnostics = report["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 1, "{report}");
    assert_eq!(diagnostics[0]["fix"]["message"], "skip `registry` instead");
    assert_eq!(diagnostics[0]["fix"]["edits"][0]["replacement"], "registry");
}

/// A project's `declare module "x" { … }` is part of the type view: a name it declares as
/// a value that the JavaScript lacks is the error that says the types promise it.
#[test]
fn a_projects_module_declaration_is_the_type_view_of_its_package() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/import-mismatch/project-declared-module");
    let (_, report) = json(&dir, &[]);
    let helps: Vec<(String, String)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["message"].as_str().unwrap().to_string(),
                d["help"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(helps.len(), 2, "{helps:#?}");
    for ((message, help), (name, declaration)) in helps.iter().zip([
        ("promised", "src/types/untyped-lib.d.ts"),
        ("reconnect", "src/types/typed-lib.d.ts"),
    ]) {
        assert!(message.contains(&format!("`{name}`")), "{message}");
        assert!(
            help.contains(&format!(
                "its types, `{declaration}`, promise `{name}`, but the JavaScript that runs does not have it"
            )),
            "{help}"
        );
    }
}

/// The fixture's own `prodlint.toml` sets `every_async_fn = true`; with the default options
/// nothing there requires `Send`, so the same sources have no finding.
#[test]
fn generic_parameters_are_reported_only_with_every_async_fn() {
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/non-send-across-await/generic-params");
    let select = ["--no-cache", "--select", "non-send-across-await"];
    let (_, every) = json(&fixture, &select);
    assert_eq!(findings(&every).len(), 10, "{every}");

    let config = project(&[("default.toml", "[rules.non-send-across-await]\n")]);
    let config = config.path().join("default.toml");
    let mut args = select.to_vec();
    args.extend(["--config", config.to_str().unwrap()]);
    let (code, default) = json(&fixture, &args);
    assert_eq!(code, 0);
    assert_eq!(findings(&default), []);
}
