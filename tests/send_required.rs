//! Futures that another file of the workspace requires to be `Send`: the finding is in the
//! callee, its labels point at the requiring call and at the culprit of an awaited future,
//! in other files, also when only the callee's file is checked (a pre-commit run).

mod common;

use std::path::Path;

use common::prodlint;
use serde_json::Value;

const FIXTURE: &str = "fixtures/non-send-across-await/spawned-elsewhere";
const FRAMEWORKS: &str = "fixtures/non-send-across-await/frameworks";
const DEP_SPAWNERS: &str = "fixtures/non-send-across-await/dependency-spawners";

fn report(args: &[&str]) -> Value {
    report_in(FIXTURE, args)
}

fn report_in(fixture: &str, args: &[&str]) -> Value {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(fixture);
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
    line_of(FIXTURE, MAIN, needle)
}

/// The first line of a fixture's file that contains `needle`.
fn line_of(fixture: &str, path: &str, needle: &str) -> u64 {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(fixture)
            .join(path),
    )
    .unwrap();
    text.lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no `{needle}` in {path}")) as u64
        + 1
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

const HANDLERS: &str = "src/handlers.rs";
const ROUTES: &str = "src/routes.rs";

/// The diagnostic inside each axum handler has a label at its route registration in
/// another file, whatever form the registration takes.
#[test]
fn axum_handlers_are_reported_with_a_label_at_their_route_in_another_file() {
    let report = report_in(FRAMEWORKS, &[]);
    for (handler, registration) in [
        ("Rc::new(String::from(\"stats\"))", "get(handlers::stats)"),
        ("Rc::new(1)", ".post(handlers::submit)"),
        ("Rc::new(2)", "on(MethodFilter::GET, handlers::filtered)"),
        ("Rc::new(3)", "from_fn(handlers::auth)"),
        ("Rc::new(4)", "axum_get(handlers::aliased)"),
    ] {
        let await_line = line_of(FRAMEWORKS, HANDLERS, handler) + 1;
        let found = labels(&report, HANDLERS, await_line);
        let route = line_of(FRAMEWORKS, ROUTES, registration);
        assert!(
            found
                .iter()
                .any(|(p, l, m)| p == ROUTES && *l == route && m.contains("axum requires")),
            "{registration}: {found:?}"
        );
    }
}

/// Checked alone (a pre-commit run of the handlers' file), the registrations in the other
/// file still count, and the look-alikes stay silent: a handler never registered, one
/// given to the crate's own `get`, one chained on a future rather than a warp filter.
#[test]
fn checking_only_the_handlers_still_sees_the_routes_and_not_the_look_alikes() {
    let report = report_in(FRAMEWORKS, &[HANDLERS]);
    let lines: Vec<u64> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["line"].as_u64().unwrap())
        .collect();
    let silent = [
        line_of(FRAMEWORKS, HANDLERS, "Rc::new(5)") + 1,
        line_of(FRAMEWORKS, HANDLERS, "Rc::new(6)") + 1,
        line_of(FRAMEWORKS, HANDLERS, "Ok(*cache)") - 1,
    ];
    assert!(silent.iter().all(|l| !lines.contains(l)), "{report}");
    assert_eq!(lines.len(), 7, "{report}");
    let warp_line = line_of(FRAMEWORKS, HANDLERS, "Rc::new(7)") + 1;
    let found = labels(&report, HANDLERS, warp_line);
    let filter = line_of(FRAMEWORKS, "src/warp_filters.rs", "handlers::warp_reply");
    assert!(
        found
            .iter()
            .any(|(p, l, m)| p == "src/warp_filters.rs" && *l == filter && m.contains("warp")),
        "{found:?}"
    );
}

/// A future given to a `Send`-bounded function of a locked dependency, read from the
/// dependency's sources, is reported in the crate that defines it, with a label at the
/// call naming the dependency and its version; through the workspace's own wrapper too.
#[test]
fn dependency_functions_bounded_send_label_the_call_with_the_dependency() {
    let report = report_in(DEP_SPAWNERS, &[]);
    const JOBS: &str = "crates/jobs/src/lib.rs";
    const APP: &str = "crates/app/src/main.rs";
    for (job, call, why) in [
        (
            "pub async fn refresh",
            "minirt::run_detached(jobs::refresh(1))",
            "`run_detached` of minirt 0.3.0",
        ),
        (
            "pub async fn reindex",
            "minirt::spawn_task(jobs::reindex(2))",
            "`spawn_task` of minirt 0.3.0",
        ),
        (
            "pub async fn wrapped",
            "detach(jobs::wrapped(3))",
            "`detach` passes it to `minirt::run_detached`",
        ),
        (
            "pub async fn pooled",
            "pool.spawn_ok(jobs::pooled(9))",
            "`ThreadPool::spawn_ok` of minirt 0.3.0",
        ),
    ] {
        let await_line = line_of(DEP_SPAWNERS, JOBS, job) + 2;
        let found = labels(&report, JOBS, await_line);
        let at = line_of(DEP_SPAWNERS, APP, call);
        assert!(
            found
                .iter()
                .any(|(p, l, m)| p == APP && *l == at && m.contains(why)),
            "{job}: {found:?}"
        );
    }
}
