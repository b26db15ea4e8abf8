//! Futures that another file of the workspace requires to be `Send`: the finding is in the
//! callee, its labels point at the requiring call and at the culprit of an awaited future,
//! in other files, also when only the callee's file is checked (a pre-commit run).

mod common;

use std::path::Path;

use common::prodlint;
use serde_json::Value;

const FIXTURE: &str = "fixtures/non-send-across-await/spawned-elsewhere";

fn report(args: &[&str]) -> Value {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(FIXTURE);
    let mut all = vec![
        "check",
        "--format",
        "json",
        "--no-cache",
        "--select",
        "non-send-across-await",
    ];
    all.extend_from_slice(args);
    let output = prodlint(&dir, &all);
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stdout)))
}

/// The labels of the diagnostic at `path:line`.
fn labels(report: &Value, path: &str, line: u64) -> Vec<(String, u64, String)> {
    let diagnostic = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["path"] == path && d["line"] == line)
        .unwrap_or_else(|| panic!("no diagnostic at {path}:{line}: {report}"));
    common::labels(diagnostic)
}

const WORKER: &str = "crates/jobs/src/worker.rs";
const MAIN: &str = "crates/app/src/main.rs";

/// The line of the first line of `main.rs` that contains `needle`.
fn main_line(needle: &str) -> u64 {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(FIXTURE)
            .join(MAIN),
    )
    .unwrap();
    text.lines().position(|l| l.contains(needle)).unwrap() as u64 + 1
}

fn assert_spawn_labels(report: &Value) {
    let (spawn, wrapper, outer_call) = (
        main_line("tokio::spawn(jobs::worker::run(1))"),
        main_line("spawn_job(jobs::worker::via_wrapper())"),
        main_line("tokio::spawn(jobs::worker::outer())"),
    );
    let run = labels(report, WORKER, 11);
    assert!(
        run.iter()
            .any(|(p, l, m)| p == MAIN && *l == spawn && m.contains("`tokio::spawn`")),
        "{run:?}"
    );
    let wrapped = labels(report, WORKER, 26);
    assert!(
        wrapped.iter().any(|(p, l, m)| p == MAIN
            && *l == wrapper
            && m.contains("passes it to `tokio::spawn`")),
        "{wrapped:?}"
    );
    let outer = labels(report, WORKER, 54);
    assert!(
        outer.iter().any(|(p, l, m)| p == WORKER
            && *l == 60
            && m.contains("`inner`'s future is not `Send`")),
        "{outer:?}"
    );
    assert!(
        outer.iter().any(|(p, l, _)| p == MAIN && *l == outer_call),
        "{outer:?}"
    );
}

#[test]
fn labels_point_at_the_requiring_call_and_the_awaited_culprit_in_other_files() {
    assert_spawn_labels(&report(&[]));
}

#[test]
fn checking_only_the_callee_still_sees_the_spawn_in_another_crate() {
    let report = report(&[WORKER]);
    let paths: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["path"].as_str().unwrap())
        .collect();
    assert!(paths.iter().all(|p| *p == WORKER), "{paths:?}");
    assert_eq!(paths.len(), 9, "{report}");
    assert_spawn_labels(&report);
}
