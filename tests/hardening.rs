//! What a repository cannot make prodlint do: write or read outside it through planted
//! links, caches, lock files or FIFOs; and how odd input is reported rather than lost.

mod common;

use common::{cache_file, prodlint, project, write_aged};
use std::path::Path;
use std::process::Command;

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
    assert!(stderr.contains("applied 1 fixes in 1 files"), "{stderr}");
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
    assert_eq!(code, 0, "{stderr}");
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
    assert_eq!(code, 0, "{stderr}");
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
