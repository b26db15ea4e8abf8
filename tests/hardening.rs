//! What a repository cannot make prodlint do: write or read outside it through planted
//! links, caches, lock files or FIFOs; and how odd input is reported rather than lost.

mod common;

use common::{cache_file, prodlint, project, write_aged};
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn json(dir: &Path, args: &[&str]) -> (i32, Value, String) {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let output = prodlint(dir, &all);
    let value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stdout)));
    (
        output.status.code().unwrap(),
        value,
        String::from_utf8_lossy(&output.stderr).to_string(),
    )
}

/// A file with one safe fix: an unused suppression comment is removed.
const FIXABLE: &str = "const a = 1; // prodlint-ignore hardcoded-url: stale\n";

#[cfg(unix)]
#[test]
fn fix_does_not_write_through_a_planted_symbolic_link() {
    let outside = project(&[("victim.ts", FIXABLE)]);
    let dir = project(&[("src/a.ts", FIXABLE)]);
    std::os::unix::fs::symlink(
        outside.path().join("victim.ts"),
        dir.path().join("src/b.ts"),
    )
    .unwrap();
    let output = prodlint(dir.path(), &["check", "--fix", "src/a.ts", "src/b.ts"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("src/b.ts: not fixed: is a symbolic link"),
        "{stderr}"
    );
    assert!(stderr.contains("applied 1 fix in 1 file"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(outside.path().join("victim.ts")).unwrap(),
        FIXABLE,
        "the file the link points at is untouched"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("src/a.ts")).unwrap(),
        "const a = 1;\n"
    );
    assert!(std::fs::symlink_metadata(dir.path().join("src/b.ts"))
        .unwrap()
        .file_type()
        .is_symlink());
}

#[cfg(unix)]
#[test]
fn fix_refuses_a_read_only_file_and_counts_only_what_it_wrote() {
    use std::os::unix::fs::PermissionsExt;
    let dir = project(&[("src/a.ts", FIXABLE)]);
    let path = dir.path().join("src/a.ts");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    let output = prodlint(dir.path(), &["check", "--fix"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("src/a.ts: not fixed: is read-only"),
        "{stderr}"
    );
    assert!(stderr.contains("applied 0 fixes in 0 files"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), FIXABLE);
}

const LOCAL_FALLBACK: &str = "export const api = process.env.API_URL || 'http://localhost:3000';\n";

/// A project with one cached finding, and its cache file.
fn cached_project() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    write_aged(dir.path(), "src/api.ts", LOCAL_FALLBACK, 60);
    let (_, report, _) = json(dir.path(), &[]);
    assert_eq!(report["diagnostics"].as_array().unwrap().len(), 1);
    let file = cache_file(dir.path());
    (dir, file)
}

/// Edits the cache file's JSON.
fn edit_cache(file: &Path, edit: impl FnOnce(&mut Value)) {
    let mut cache: Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
    edit(&mut cache);
    std::fs::write(file, serde_json::to_vec(&cache).unwrap()).unwrap();
}

fn cached_diagnostic(cache: &mut Value) -> &mut Value {
    &mut cache["entries"]["src/api.ts"]["diagnostics"][0]
}

fn messages(report: &Value) -> Vec<String> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["message"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_cache_tracked_by_git_is_not_used() {
    let (dir, file) = cached_project();
    edit_cache(&file, |cache| {
        cached_diagnostic(cache)["message"] = "PLANTED".into();
    });
    // As a repository would ship it: the cache committed (its .gitignore forced past).
    let git = |args: &[&str]| {
        let status = Command::new("git")
            .args(args)
            .current_dir(dir.path())
            .output()
            .unwrap()
            .status;
        assert!(status.success(), "git {args:?}");
    };
    git(&["init", "-q"]);
    git(&["add", "-f", ".prodlint_cache"]);
    let (_, report, stderr) = json(dir.path(), &[]);
    assert!(
        stderr.contains("tracked by git; the cache is not used"),
        "{stderr}"
    );
    let found = messages(&report);
    assert_eq!(found.len(), 1);
    assert!(!found[0].contains("PLANTED"), "{found:?}");
    assert!(
        std::fs::read_to_string(&file).unwrap().contains("PLANTED"),
        "nor is it written"
    );
}

#[cfg(unix)]
#[test]
fn a_cache_directory_that_is_a_symbolic_link_is_not_used() {
    let (dir, file) = cached_project();
    edit_cache(&file, |cache| {
        cached_diagnostic(cache)["message"] = "PLANTED".into();
    });
    let elsewhere = tempfile::tempdir().unwrap();
    let moved = elsewhere.path().join("cache");
    std::fs::rename(dir.path().join(".prodlint_cache"), &moved).unwrap();
    std::os::unix::fs::symlink(&moved, dir.path().join(".prodlint_cache")).unwrap();
    let (_, report, stderr) = json(dir.path(), &[]);
    assert!(
        stderr.contains("is a symbolic link; the cache is not used"),
        "{stderr}"
    );
    assert!(!messages(&report)[0].contains("PLANTED"));
}

#[test]
fn cache_entries_with_spans_or_places_that_do_not_fit_are_not_used() {
    let (dir, file) = cached_project();
    let cached = std::fs::read(&file).unwrap();

    // A span past the end of the file: checked afresh, no panic.
    edit_cache(&file, |cache| {
        let diagnostic = cached_diagnostic(cache);
        diagnostic["message"] = "PLANTED".into();
        diagnostic["start"] = 1_000_000.into();
        diagnostic["end"] = 1_000_010.into();
    });
    let (code, report, stderr) = json(dir.path(), &[]);
    assert_eq!(code, 1, "{stderr}");
    assert!(!messages(&report)[0].contains("PLANTED"), "{report:#}");

    // A reversed span.
    std::fs::write(&file, &cached).unwrap();
    edit_cache(&file, |cache| {
        let diagnostic = cached_diagnostic(cache);
        diagnostic["message"] = "PLANTED".into();
        diagnostic["start"] = 9.into();
        diagnostic["end"] = 2.into();
    });
    let (code, report, stderr) = json(dir.path(), &[]);
    assert_eq!(code, 1, "{stderr}");
    assert!(!messages(&report)[0].contains("PLANTED"), "{report:#}");

    // A label in a file the check never read (what it would show of /etc/passwd).
    let secret = tempfile::tempdir().unwrap();
    let secret_file = secret.path().join("secret.ts");
    std::fs::write(&secret_file, "SECRET-CONTENT\n").unwrap();
    std::fs::write(&file, &cached).unwrap();
    edit_cache(&file, |cache| {
        let diagnostic = cached_diagnostic(cache);
        diagnostic["message"] = "PLANTED".into();
        diagnostic["labels"] = serde_json::json!([{
            "place": {"path": secret_file, "display": "secret.ts", "start": 0, "end": 6},
            "message": "here"
        }]);
    });
    let (_, report, _) = json(dir.path(), &[]);
    assert!(!messages(&report)[0].contains("PLANTED"), "{report:#}");
    assert!(!report.to_string().contains("secret.ts"), "{report:#}");
}

#[test]
fn fix_derives_its_edits_afresh_rather_than_from_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    write_aged(dir.path(), "src/a.ts", FIXABLE, 60);
    let output = prodlint(dir.path(), &["check", "--format", "json"]);
    assert!(output.status.success());
    let file = cache_file(dir.path());
    edit_cache(&file, |cache| {
        let diagnostic = &mut cache["entries"]["src/a.ts"]["diagnostics"][0];
        diagnostic["fix"]["edits"][0]["replacement"] = "PLANTED".into();
    });
    let output = prodlint(dir.path(), &["check", "--fix"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("src/a.ts")).unwrap(),
        "const a = 1;\n"
    );
}

/// Copies a directory tree.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Every path under `dir` whose name is `name`.
fn find_named(dir: &Path, name: &str) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        if entry.file_name() == name {
            found.push(entry.path());
        }
        if entry.file_type().unwrap().is_dir() {
            found.extend(find_named(&entry.path(), name));
        }
    }
    found
}

/// A crate whose calls into a locked dependency are checked against the dependency's
/// sources (a fake registry beside it).
fn crate_with_dependency() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/option-result-misuse/dependency");
    copy_tree(&fixture, dir.path());
    dir
}

#[test]
fn no_cache_writes_nothing_and_cache_dir_holds_the_dependency_signatures() {
    let dir = crate_with_dependency();
    let (_, report, stderr) = json(dir.path(), &["--no-cache"]);
    assert!(
        !report["diagnostics"].as_array().unwrap().is_empty(),
        "the dependency's signatures were used: {stderr}"
    );
    assert_eq!(
        find_named(dir.path(), ".prodlint_cache"),
        Vec::<std::path::PathBuf>::new()
    );

    let elsewhere = tempfile::tempdir().unwrap();
    let cache = elsewhere.path().join("cache");
    let (_, again, _) = json(dir.path(), &["--cache-dir", cache.to_str().unwrap()]);
    assert_eq!(again["diagnostics"], report["diagnostics"]);
    assert_eq!(
        find_named(dir.path(), ".prodlint_cache"),
        Vec::<std::path::PathBuf>::new()
    );
    let tables = find_named(&cache.join("deps-v4"), "names");
    assert_eq!(tables.len(), 1, "one name table, for the locked minidb");
    assert!(tables[0].ends_with("minidb-0.3.1/names"), "{tables:?}");
}

/// The stale-dependency-api fixture's workspace: `app` locks codec 0.2.0 from the fake
/// registry beside it.
fn workspace_with_locked_sources() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/stale-dependency-api/workspace");
    copy_tree(&fixture, dir.path());
    dir
}

fn stale_findings(report: &Value) -> Vec<(String, u64)> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "stale-dependency-api")
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// stale-dependency-api on one file of the fixture's workspace, with a cache directory:
/// the findings, and the cache, whose module facts are the files of locked crates read.
fn stale_findings_with_cache(file: &str) -> (Vec<(String, u64)>, tempfile::TempDir) {
    let dir = workspace_with_locked_sources();
    let cache = tempfile::tempdir().unwrap();
    let cache_dir = cache.path().to_str().unwrap();
    let args = [
        "--select",
        "stale-dependency-api",
        "--cache-dir",
        cache_dir,
        file,
    ];
    let (_, report, _) = json(dir.path(), &args);
    (stale_findings(&report), cache)
}

#[test]
fn a_module_behind_a_glob_is_read_only_when_it_could_answer() {
    // codec's `widgets` re-exports four modules by globs; the first is written by an
    // attribute macro, so an unknown answer is already there for any name it does not
    // declare, and `dial.rs`, which neither has the names looked up nor re-exports
    // anything, cannot change one.
    let (findings, cache) = stale_findings_with_cache("app/src/widget_use.rs");
    assert_eq!(findings, vec![("app/src/widget_use.rs".to_string(), 2)]);
    let mut read: Vec<String> = find_named(&cache.path().join("deps-v4"), "widgets")
        .iter()
        .flat_map(|d| std::fs::read_dir(d).unwrap().flatten())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    read.sort();
    assert_eq!(
        read,
        ["bindings.rs.json", "button.rs.json", "panel.rs.json"]
    );
}

#[test]
fn the_macros_modules_export_are_looked_for_only_for_a_macro_name() {
    // Only a `macro_rules!` can be exported from a module below the root; finding the
    // exported ones reads every module file, which a name no `macro_rules!` of the crate
    // defines does not need.
    let (findings, cache) = stale_findings_with_cache("app/src/root_use.rs");
    assert_eq!(findings, vec![("app/src/root_use.rs".to_string(), 2)]);
    let read = find_named(&cache.path().join("deps-v4"), "widgets");
    assert!(read.is_empty(), "{read:?}");
    assert!(!find_named(&cache.path().join("deps-v4"), "lib.rs.json").is_empty());
}

#[test]
fn the_module_facts_of_locked_sources_are_kept_in_the_cache_dir_and_read_back() {
    let dir = workspace_with_locked_sources();
    let args = ["--select", "stale-dependency-api"];
    let (_, uncached, _) = json(dir.path(), &[&args[..], &["--no-cache"]].concat());
    assert_eq!(
        find_named(dir.path(), ".prodlint_cache"),
        Vec::<std::path::PathBuf>::new()
    );
    let elsewhere = tempfile::tempdir().unwrap();
    let cache = elsewhere.path().join("cache");
    let with_cache = [&args[..], &["--cache-dir", cache.to_str().unwrap()]].concat();
    let (_, first, stderr) = json(dir.path(), &with_cache);
    assert!(!stale_findings(&first).is_empty(), "{stderr}");
    assert_eq!(stale_findings(&first), stale_findings(&uncached));
    let facts = find_named(&cache.join("deps-v4"), "lib.rs.json");
    assert!(
        facts
            .iter()
            .any(|f| f.ends_with("codec-0.2.0/api-v1/src/lib.rs.json")),
        "{facts:?}"
    );

    // The second run reads codec's module facts from the cache, not its sources: with
    // the root file emptied, it still knows what the root declared.
    let root = dir.path().join(
        "fake-cargo-home/registry/src/index.crates.io-1949cf8c6b5b557f/codec-0.2.0/src/lib.rs",
    );
    std::fs::write(&root, "").unwrap();
    let (_, second, _) = json(dir.path(), &with_cache);
    assert_eq!(stale_findings(&second), stale_findings(&first));
    let (_, fresh, _) = json(dir.path(), &[&args[..], &["--no-cache"]].concat());
    assert_ne!(stale_findings(&fresh), stale_findings(&first));
}

#[test]
fn a_package_manifest_cannot_lead_resolution_out_of_the_project() {
    let root = project(&[
        ("outside/index.js", "export const secret = 1;\n"),
        (
            "app/package.json",
            "{\"name\": \"app\", \"type\": \"module\"}\n",
        ),
        (
            "app/src/a.js",
            "import { missing } from 'pkg';\nimport { other } from 'good';\n",
        ),
        (
            "app/node_modules/pkg/package.json",
            "{\"name\": \"pkg\", \"main\": \"../../../outside/index.js\"}\n",
        ),
        (
            "app/node_modules/good/package.json",
            "{\"name\": \"good\", \"main\": \"index.js\"}\n",
        ),
        ("app/node_modules/good/index.js", "export const fine = 1;\n"),
    ]);
    let (_, report, stderr) = json(&root.path().join("app"), &["--no-cache"]);
    let text = report.to_string();
    assert!(!text.contains("outside"), "{report:#}\n{stderr}");
    // The look-alike inside its package is resolved and checked.
    let rules: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["import-mismatch"], "{report:#}");
    assert_eq!(report["diagnostics"][0]["line"], 2);
}

#[test]
fn a_relative_import_cannot_lead_resolution_out_of_the_project() {
    let root = project(&[
        ("outside/lib.js", "export const secret = 1;\n"),
        (
            "app/package.json",
            "{\"name\": \"app\", \"type\": \"module\"}\n",
        ),
        (
            "app/src/a.js",
            "import { missing } from '../../outside/lib.js';\nimport { other } from './b.js';\n",
        ),
        ("app/src/b.js", "export const fine = 1;\n"),
    ]);
    let (_, report, stderr) = json(&root.path().join("app"), &["--no-cache"]);
    assert!(
        !report.to_string().contains("outside"),
        "{report:#}\n{stderr}"
    );
    // The look-alike inside the project is resolved and checked.
    let places: Vec<(&str, u64)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["rule"].as_str().unwrap(), d["line"].as_u64().unwrap()))
        .collect();
    assert_eq!(places, [("import-mismatch", 2)], "{report:#}");
}

/// Runs prodlint, failing the test (rather than hanging it) if the run does not end.
#[cfg(unix)]
fn run_to_end(dir: &Path, args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_prodlint"))
        .args(args)
        .current_dir(dir)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    for _ in 0..600 {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    child.kill().unwrap();
    panic!("prodlint {args:?} never ended");
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success());
}

#[cfg(unix)]
#[test]
fn fifos_named_like_sources_and_manifests_never_hang_a_run() {
    let dir = project(&[
        (
            "package.json",
            "{\"name\": \"app\", \"type\": \"module\"}\n",
        ),
        (
            "src/a.js",
            "import { x } from 'pkg';\nexport const y = x;\n",
        ),
        ("node_modules/pkg/index.js", "export const x = 1;\n"),
    ]);
    mkfifo(&dir.path().join("node_modules/pkg/package.json"));
    mkfifo(&dir.path().join("src/b.ts"));
    mkfifo(&dir.path().join("tsconfig.json"));
    let output = run_to_end(dir.path(), &["check", "--no-cache", "--format", "json"]);
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["summary"]["files"], 1, "{report:#}");

    let output = run_to_end(dir.path(), &["check", "--no-cache", "src/b.ts"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("src/b.ts: not a regular file"), "{stderr}");
}

/// prodlint as a user that permissions apply to: as root (which reads everything), the
/// run drops to `nobody`.
#[cfg(unix)]
fn unprivileged(dir: &Path, args: &[&str]) -> Output {
    use std::os::unix::fs::PermissionsExt;
    let root = Command::new("id").arg("-u").output().unwrap().stdout == b"0\n";
    let mut command = if root {
        // `nobody` must be able to enter the project and write nothing there.
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        let mut command = Command::new("setpriv");
        command
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(env!("CARGO_BIN_EXE_prodlint"));
        command
    } else {
        Command::new(env!("CARGO_BIN_EXE_prodlint"))
    };
    command
        .args(args)
        .current_dir(dir)
        .env_remove("GITHUB_ACTIONS")
        .output()
        .unwrap()
}

#[cfg(unix)]
#[test]
fn unreadable_directories_and_files_are_errors_with_the_reason() {
    use std::os::unix::fs::PermissionsExt;
    let dir = project(&[
        ("src/a.ts", "export const a = 1;\n"),
        ("src/locked/b.ts", "export const b = 1;\n"),
        ("src/secret.ts", "export const c = 1;\n"),
        ("lib/c.ts", "export const c = 1;\n"),
    ]);
    for (path, mode) in [
        ("src", 0o755),
        ("src/locked", 0o000),
        ("src/secret.ts", 0o000),
        ("lib", 0o700),
    ] {
        std::fs::set_permissions(dir.path().join(path), std::fs::Permissions::from_mode(mode))
            .unwrap();
    }
    let output = unprivileged(
        dir.path(),
        &["check", "--no-cache", "--format", "json", "src"],
    );
    let report: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stderr)));
    let errors: Vec<(String, String)> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["path"].as_str().unwrap().into(),
                e["message"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        errors,
        [
            (
                "src/locked".to_string(),
                "cannot read: Permission denied (os error 13)".to_string()
            ),
            (
                "src/secret.ts".to_string(),
                "cannot read: Permission denied (os error 13)".to_string()
            ),
        ],
        "{report:#}"
    );
    assert_eq!(
        output.status.code(),
        Some(1),
        "an unread file fails the run"
    );

    // Named on the command line, below a directory that cannot be entered: not "no such file".
    let output = unprivileged(dir.path(), &["check", "--no-cache", "lib/c.ts"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("cannot read lib/c.ts: Permission denied (os error 13)"),
        "{stderr}"
    );
}

#[test]
fn a_byte_order_mark_is_no_column_and_no_syntax_error_and_a_lone_cr_ends_a_line() {
    let dir = project(&[
        (
            "bom.rs",
            "\u{feff}fn main() { let x = std::env::var(\"U\").unwrap_or(\"http://localhost:1\".into()); }\n",
        ),
        ("bom.ts", "\u{feff}export const a = process.env.A || 'http://localhost:1';\n"),
        (
            "cr.ts",
            "const a = 1;\rexport const b = process.env.B || 'http://localhost:2';\r",
        ),
    ]);
    let (code, report, stderr) = json(dir.path(), &["--no-cache"]);
    assert_eq!(code, 1, "{report:#}\n{stderr}");
    assert_eq!(
        report["errors"],
        serde_json::json!([]),
        "a Rust file with a BOM parses"
    );
    let places: Vec<(String, u64, u64)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap().into(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        places,
        [
            ("bom.rs".to_string(), 1, 50),
            ("bom.ts".to_string(), 1, 35),
            ("cr.ts".to_string(), 2, 35),
        ]
    );
}

/// `(path, severity)` of each diagnostic.
fn severities(report: &Value) -> Vec<(String, String)> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap().into(),
                d["severity"].as_str().unwrap().into(),
            )
        })
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn each_file_uses_the_nearest_config_and_config_overrides() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for (path, text) in [
        (
            "prodlint.toml",
            "[rules.hardcoded-url]\nseverity = \"error\"\n",
        ),
        (
            "packages/web/prodlint.toml",
            "exclude = [\"gen\"]\n[rules.hardcoded-url]\nseverity = \"off\"\n",
        ),
        ("src/a.ts", LOCAL_FALLBACK),
        ("packages/web/src/b.ts", LOCAL_FALLBACK),
        ("packages/web/gen/c.ts", LOCAL_FALLBACK),
        ("packages/api/src/d.ts", LOCAL_FALLBACK),
    ] {
        write_aged(root, path, text, 60);
    }
    let (code, report, stderr) = json(root, &[]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        severities(&report),
        pairs(&[("packages/api/src/d.ts", "error"), ("src/a.ts", "error")]),
        "the web package's own config turns the rule off and excludes gen/"
    );
    assert_eq!(report["summary"]["files"], 3);

    // A pre-commit run names files from the repository's root: the same.
    let (_, named, _) = json(root, &["packages/web/src/b.ts", "src/a.ts"]);
    assert_eq!(severities(&named), pairs(&[("src/a.ts", "error")]));

    // --config applies to every file.
    let (_, given, _) = json(root, &["--config", "prodlint.toml", "--no-cache"]);
    assert_eq!(given["summary"]["files"], 4);
    assert_eq!(
        severities(&given),
        pairs(&[
            ("packages/api/src/d.ts", "error"),
            ("packages/web/gen/c.ts", "error"),
            ("packages/web/src/b.ts", "error"),
            ("src/a.ts", "error"),
        ])
    );

    // The cache follows the config files: an edited one, and a new one nearer a file.
    write_aged(
        root,
        "packages/web/prodlint.toml",
        "exclude = [\"gen\"]\n",
        30,
    );
    write_aged(
        root,
        "packages/api/prodlint.toml",
        "[rules.hardcoded-url]\nseverity = \"info\"\n",
        30,
    );
    let (_, after, _) = json(root, &[]);
    assert_eq!(
        severities(&after),
        pairs(&[
            ("packages/api/src/d.ts", "info"),
            ("packages/web/src/b.ts", "error"),
            ("src/a.ts", "error"),
        ])
    );

    // A broken config that applies to a checked file stops the run, naming it.
    write_aged(root, "packages/api/prodlint.toml", "bogus = 1\n", 30);
    let output = prodlint(root, &["check"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("packages/api/prodlint.toml:1"), "{stderr}");
}

#[test]
fn an_edit_that_keeps_size_and_modification_time_is_seen() {
    let dir = tempfile::tempdir().unwrap();
    write_aged(dir.path(), "src/api.ts", LOCAL_FALLBACK, 60);
    let path = dir.path().join("src/api.ts");
    let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
    let (_, first, _) = json(dir.path(), &[]);
    assert_eq!(first["diagnostics"].as_array().unwrap().len(), 1);
    // The same length, the same modification time, other content.
    let edited = LOCAL_FALLBACK.replace("http://localhost:3000", "process.env.API_URL__");
    assert_eq!(edited.len(), LOCAL_FALLBACK.len());
    std::fs::write(&path, &edited).unwrap();
    let file = std::fs::File::options().write(true).open(&path).unwrap();
    file.set_modified(modified).unwrap();
    drop(file);
    assert_eq!(
        std::fs::metadata(&path).unwrap().modified().unwrap(),
        modified
    );
    let (_, second, _) = json(dir.path(), &[]);
    assert_eq!(second["diagnostics"], serde_json::json!([]), "{second:#}");
}

#[test]
fn a_finding_on_a_giant_line_is_shown_as_a_short_snippet() {
    let line = format!(
        "const p = [{}0]; export async function g(ids) {{ for (const id of ids) {{ await prisma.user.findUnique({{ where: {{ id }} }}); }} }} const q = [{}0];\n",
        "1, ".repeat(300_000),
        "2, ".repeat(300_000)
    );
    // The loop steps over a parameter: reported with `loops-over-inputs`.
    let dir = project(&[
        ("big.js", &line),
        (
            "prodlint.toml",
            "[rules.n-plus-one]\nloops-over-inputs = true\n",
        ),
    ]);
    let output = prodlint(dir.path(), &["check", "--no-cache", "--format", "pretty"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.len() < 2_000, "{} bytes", stdout.len());
    assert!(stdout.contains("[big.js:1:900077]"), "{stdout}");
    assert!(stdout.contains("… 1, 1, "), "{stdout}");
    assert!(
        stdout.contains("prisma.user.findUnique({ where: { id } }); } } const q = [2, 2"),
        "{stdout}"
    );
}

/// The `run:` scripts of the composite action's steps, in order.
fn action_scripts() -> Vec<String> {
    let action =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("action.yml")).unwrap();
    let mut scripts = Vec::new();
    let mut lines = action.lines().peekable();
    while let Some(line) = lines.next() {
        let trimmed = line.trim_start();
        let Some(rest) = trimmed.strip_prefix("run:") else {
            continue;
        };
        let indent = line.len() - trimmed.len();
        let mut script = String::new();
        if rest.trim() == "|" {
            while let Some(next) = lines.peek() {
                let next_indent = next.len() - next.trim_start().len();
                if !next.trim().is_empty() && next_indent <= indent {
                    break;
                }
                script.push_str(next.trim_start());
                script.push('\n');
                lines.next();
            }
        } else {
            script.push_str(rest.trim().trim_matches('\''));
        }
        scripts.push(script);
    }
    scripts
}

#[test]
fn the_action_passes_inputs_as_environment_variables_never_into_scripts() {
    let scripts = action_scripts();
    assert_eq!(scripts.len(), 3, "{scripts:#?}");
    for script in &scripts {
        assert!(
            !script.contains("${{"),
            "an expression inside a script: {script}"
        );
    }
    // The SARIF step with hostile inputs: they are words, never commands.
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("prodlint/bin");
    std::fs::create_dir_all(&bin).unwrap();
    let fake = bin.join("prodlint");
    std::fs::write(
        &fake,
        "#!/bin/sh\nfor a in \"$@\"; do echo \"[$a]\"; done\n",
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let output = Command::new("bash")
        .args(["-eo", "pipefail", "-c", &scripts[1]])
        .current_dir(dir.path())
        .env("RUNNER_TEMP", dir.path())
        .env("PRODLINT_PATHS", "src $(touch pwned) *")
        .env(
            "PRODLINT_ARGS",
            "--select hardcoded-url\"; touch pwned2; \"",
        )
        .env("PRODLINT_SARIF", "out.sarif")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(!dir.path().join("pwned").exists() && !dir.path().join("pwned2").exists());
    let words = std::fs::read_to_string(dir.path().join("out.sarif")).unwrap();
    assert_eq!(
        words,
        "[check]\n[src]\n[$(touch]\n[pwned)]\n[*]\n[--select]\n[hardcoded-url\";]\n[touch]\n[pwned2;]\n[\"]\n[--format]\n[sarif]\n"
    );
}

#[test]
fn paths_in_rule_options_are_relative_to_the_config_that_sets_them() {
    let dir = crate_with_dependency();
    let (_, inside, _) = json(dir.path(), &["--no-cache"]);
    let from_inside: Vec<(String, Value)> = inside["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                format!("crate/{}", d["path"].as_str().unwrap()),
                d["line"].clone(),
            )
        })
        .collect();
    assert!(!from_inside.is_empty());
    // The same crate checked from the directory above: its config's `cargo-home` still
    // names the fake registry beside it.
    let parent = tempfile::tempdir().unwrap();
    std::fs::rename(dir.path(), parent.path().join("crate")).unwrap();
    let (_, above, stderr) = json(parent.path(), &["--no-cache", "crate"]);
    let from_above: Vec<(String, Value)> = above["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["path"].as_str().unwrap().to_string(), d["line"].clone()))
        .collect();
    assert_eq!(from_above, from_inside, "{stderr}");
}

#[test]
fn a_tsconfig_cannot_extend_a_config_outside_the_project() {
    // The same `paths` mapping, once from a base config inside the package and once from
    // one outside it: only the first is read.
    let paths = |to: &str| {
        format!("{{\"compilerOptions\": {{\"paths\": {{\"@lib/*\": [\"{to}/lib/*\"]}}}}}}\n")
    };
    let root = project(&[
        ("outside/tsconfig.json", &paths("../app/web")),
        (
            "app/package.json",
            "{\"name\": \"app\", \"type\": \"module\"}\n",
        ),
        ("app/base.json", &paths("./inside")),
        (
            "app/inside/tsconfig.json",
            "{\"extends\": \"../base.json\"}\n",
        ),
        ("app/inside/lib/thing.ts", "export const other = 1;\n"),
        (
            "app/inside/a.ts",
            "import { missing } from '@lib/thing';\nexport const y = missing;\n",
        ),
        (
            "app/web/tsconfig.json",
            "{\"extends\": \"../../outside/tsconfig.json\"}\n",
        ),
        ("app/web/lib/thing.ts", "export const other = 1;\n"),
        (
            "app/web/a.ts",
            "import { missing } from '@lib/thing';\nexport const y = missing;\n",
        ),
    ]);
    let (_, report, stderr) = json(&root.path().join("app"), &["--no-cache"]);
    let found: Vec<(&str, &str)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["rule"].as_str().unwrap(), d["path"].as_str().unwrap()))
        .collect();
    assert_eq!(
        found,
        [("import-mismatch", "inside/a.ts")],
        "{report:#}\n{stderr}"
    );
}
