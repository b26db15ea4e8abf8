//! Every input the fuzzer (`fuzz/`) found to crash prodlint, kept in fuzz/regressions/:
//! each is checked alone and beside an empty file (so that it runs on the calling thread
//! and on one of the pool's), and must end in a report, never in a crash or an internal
//! error.

mod common;

use std::path::Path;
use std::process::Command;

use serde_json::Value;

fn check(dir: &Path, files: &[&str]) -> Result<Value, String> {
    let output = Command::new(env!("CARGO_BIN_EXE_prodlint"))
        .args(["check", "--no-cache", "--format", "json", "--threads", "2"])
        .args(files)
        .current_dir(dir)
        .env_remove("RUST_MIN_STACK")
        .output()
        .expect("prodlint runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    match output.status.code() {
        Some(0 | 1) => {}
        other => return Err(format!("exit status {other:?}: {stderr}")),
    }
    let report: Value = serde_json::from_slice(&output.stdout).map_err(|e| e.to_string())?;
    if let Some(internal) = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["message"].as_str().unwrap().starts_with("internal error"))
    {
        return Err(internal.to_string());
    }
    Ok(report)
}

#[test]
fn inputs_that_crashed_prodlint_are_reported_on() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
    let mut inputs: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty());
    let mut failures = Vec::new();
    for input in &inputs {
        let name = input.file_name().unwrap().to_str().unwrap();
        let extension = input.extension().unwrap().to_str().unwrap();
        let companion = format!("empty.{extension}");
        let text = std::fs::read(input).unwrap();
        let project = common::project(&[(&companion, "")]);
        std::fs::write(project.path().join(name), text).unwrap();
        for files in [vec![name], vec![name, companion.as_str()]] {
            match check(project.path(), &files) {
                Ok(report) => assert_eq!(report["summary"]["files"], files.len(), "{name}"),
                Err(failure) => failures.push(format!("{name}: {failure}")),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
