//! Deeply nested input through the built binary: a file beyond the depth limits is reported
//! where the limit was crossed and not checked, the run goes on, and a file just within
//! the limits is checked in full (its thread stacks hold the parsers and every rule).

mod common;

use common::project;
use prodlint_core::nesting;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

const LIMIT: usize = nesting::MAX_NESTING as usize;
const TRIALS_LIMIT: usize = nesting::MAX_TRIAL_NESTING as usize;

const LOCAL_FALLBACK_TS: &str =
    "export const api = process.env.API_URL || 'http://localhost:3000';\n";
const LOCAL_FALLBACK_RS: &str = "pub fn api() -> String {\n    std::env::var(\"API_URL\").unwrap_or_else(|_| \"http://localhost:3000\".into())\n}\n";

fn check(dir: &Path, args: &[&str]) -> (i32, Value) {
    let output = Command::new(env!("CARGO_BIN_EXE_prodlint"))
        .args(["check", "--no-cache", "--format", "json"])
        .args(args)
        .current_dir(dir)
        .env_remove("GITHUB_ACTIONS")
        .env_remove("RUST_MIN_STACK")
        .output()
        .expect("prodlint runs");
    let code = output
        .status
        .code()
        .unwrap_or_else(|| panic!("killed: {}", String::from_utf8_lossy(&output.stderr)));
    let report = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (code, report)
}

fn too_deep_paths(report: &Value) -> Vec<String> {
    report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["message"].as_str().unwrap().contains("levels deep"))
        .map(|e| {
            assert!(e["line"].as_u64().is_some(), "{e}");
            e["path"].as_str().unwrap().to_string()
        })
        .collect()
}

fn finding_paths(report: &Value) -> Vec<String> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["path"].as_str().unwrap().to_string())
        .collect()
}

fn deep_files() -> Vec<(String, String)> {
    let n = LIMIT * 20;
    let chain = 100_000;
    let mut files = vec![
        ("parens.ts", format!("export const x = {}1{};\n", "(".repeat(n), ")".repeat(n))),
        ("arrays.js", format!("export const x = {}{};\n", "[".repeat(n), "]".repeat(n))),
        ("closures.ts", format!("export const x = {}{};\n", "() => {".repeat(n), "}".repeat(n))),
        ("chain.ts", format!("export const x = {}1;\n", "1 + ".repeat(chain))),
        ("unary.js", format!("export const x = {}a;\n", "!".repeat(n))),
        ("ternary.ts", format!("export const x = {}c;\n", "a ? b : ".repeat(n))),
        ("members.ts", format!("export const x = a{};\n", ".b".repeat(chain))),
        ("app.vue", format!("<template><div/></template>\n<script setup lang=\"ts\">\nconst x = {}1{};\n</script>\n", "(".repeat(n), ")".repeat(n))),
        ("nuxt.config.ts", format!("export default defineNuxtConfig({{ imports: {{ dirs: [{}'a'{}] }} }});\n", "[".repeat(n), "]".repeat(n))),
        ("parens.rs", format!("fn f() {{ let x = {}1{}; }}\n", "(".repeat(n), ")".repeat(n))),
        ("closures.rs", format!("fn f() {{ let x = {}{}; }}\n", "|| {".repeat(n), "}".repeat(n))),
        ("chain.rs", format!("fn f() {{ let x = {}1; }}\n", "1 + ".repeat(chain))),
        ("unary.rs", format!("fn f() {{ let x = {}a; }}\n", "!".repeat(n))),
        ("else_if.rs", format!("fn f() {{ if a {{}} {}}}\n", "else if a {} ".repeat(n))),
        ("macro.rs", format!("fn f() {{ m!{}{}; }}\n", "(".repeat(n), ")".repeat(n))),
        // Generic arrow functions, unclosed as while typing: each level doubles the parse.
        ("generics.ts", format!("export const f = {}<T>(v: T) => v;\n", "<T>(v = ".repeat(40))),
        ("generics.vue", format!("<script setup lang=\"ts\">\nconst f = {}x{};\n</script>\n", "<any>(".repeat(40), ")".repeat(40))),
        ("return_types.ts", format!("export const f = {}x;\n", "a ? (b): c => ".repeat(40))),
        ("return_types.tsx", format!("export const f = {}x;\n", "a ? (b): c => ".repeat(40))),
        ("assertions.mts", format!("export const f = {}x;\n", "<T> ref = ".repeat(40))),
    ];
    // Found beyond the first line too.
    files.push((
        "late.ts",
        format!(
            "{LOCAL_FALLBACK_TS}\n\nexport const y = {}1{};\n",
            "[".repeat(n),
            "]".repeat(n)
        ),
    ));
    files.into_iter().map(|(p, t)| (p.to_string(), t)).collect()
}

#[test]
fn files_beyond_the_limits_are_reported_and_the_run_goes_on() {
    let deep = deep_files();
    let mut files: Vec<(&str, &str)> = deep.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    files.push(("src/api.ts", LOCAL_FALLBACK_TS));
    files.push(("src/api.rs", LOCAL_FALLBACK_RS));
    let dir = project(&files);
    for threads in ["1", "2"] {
        let (code, report) = check(dir.path(), &["--threads", threads]);
        assert_ne!(code, 2, "{report}");
        let mut expected: Vec<String> = deep.iter().map(|(p, _)| p.clone()).collect();
        expected.sort();
        assert_eq!(too_deep_paths(&report), expected, "{report}");
        assert_eq!(
            finding_paths(&report),
            ["src/api.rs", "src/api.ts"],
            "{report}"
        );
        let late = report["errors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["path"] == "late.ts")
            .unwrap();
        assert_eq!(late["line"], 4, "{late}");
    }
}

#[test]
fn a_single_deep_file_is_reported() {
    // One file is checked on the calling thread rather than the pool's.
    for (path, text) in deep_files() {
        let dir = project(&[(path.as_str(), text.as_str())]);
        let (code, report) = check(dir.path(), &[&path]);
        assert_ne!(code, 2, "{path}: {report}");
        assert_eq!(
            too_deep_paths(&report),
            std::slice::from_ref(&path),
            "{report}"
        );
    }
}

/// Nested as deeply as the limits allow, with a finding at the bottom.
fn within_limits() -> Vec<(String, String)> {
    let n = LIMIT - 10;
    // Fallbacks to a local address: what hardcoded-url reports wherever they stand. One
    // level a line, as people write it (a line of thousands of characters reads as minified).
    let url = "process.env.A || 'http://localhost:3000'";
    let rs_url = "option_env!(\"A\").unwrap_or(\"http://localhost:3000\")";
    let chain = 3900;
    // `times` levels of `open` around the fallback, each on its own line.
    let wrapped = |open: &str, close: &str, times: usize| {
        format!(
            "export const x = {}{url}{};\n",
            open.repeat(times),
            close.repeat(times)
        )
    };
    vec![
        ("parens.ts", wrapped("(\n", ")\n", n)),
        ("arrays.ts", wrapped("[\n", "]\n", n)),
        ("objects.ts", wrapped("{a:\n", "}\n", n)),
        ("closures.ts", wrapped("() => (\n", ")\n", n / 2)),
        ("calls.ts", wrapped("f(\n", ")\n", n)),
        ("casts.ts", wrapped("<any>(\n", ")\n", TRIALS_LIMIT)),
        // `<T,>` in TSX, whose parser does not read it twice.
        ("generics.tsx", wrapped("<T,>(v = \n", ") => v\n", n / 2)),
        (
            "chain.ts",
            format!("export const x = {}{url};\n", "a + \n".repeat(chain)),
        ),
        (
            "parens.rs",
            format!(
                "fn f() -> &'static str {{ {}{rs_url}{} }}\n",
                "(\n".repeat(n),
                ")\n".repeat(n)
            ),
        ),
        (
            "blocks.rs",
            format!(
                "fn f() -> &'static str {{ {}{rs_url}{} }}\n",
                "{\n".repeat(n / 2),
                "}\n".repeat(n / 2)
            ),
        ),
        (
            "calls.rs",
            format!(
                "fn f() -> String {{ {}{rs_url}.into(){} }}\n",
                "g(\n".repeat(n / 2),
                ")\n".repeat(n / 2)
            ),
        ),
        (
            "chain.rs",
            format!(
                "fn f() -> String {{ let a = 1; {}{rs_url}.into() }}\n",
                "a + \n".repeat(chain / 2)
            ),
        ),
    ]
    .into_iter()
    .map(|(p, t)| (p.to_string(), t))
    .collect()
}

#[test]
fn files_within_the_limits_are_checked_in_full() {
    let files = within_limits();
    let borrowed: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let dir = project(&borrowed);
    let (code, report) = check(dir.path(), &["--threads", "2"]);
    assert_ne!(code, 2, "{report}");
    assert_eq!(too_deep_paths(&report), Vec::<String>::new(), "{report}");
    let mut expected: Vec<String> = files.iter().map(|(p, _)| p.clone()).collect();
    expected.sort();
    let mut found = finding_paths(&report);
    found.dedup();
    assert_eq!(found, expected, "{report}");
}
