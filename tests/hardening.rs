//! What a repository cannot make prodlint do: write or read outside it through planted
//! links, caches, lock files or FIFOs; and how odd input is reported rather than lost.

mod common;

use common::{prodlint, project};
use std::path::Path;

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
