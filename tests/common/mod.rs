//! Helpers shared by the test files that drive the built binary.

use std::path::{Path, PathBuf};

/// A temporary project with these files (paths relative to its root).
#[allow(dead_code)]
pub fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

/// Runs the built binary in `dir`, outside GitHub Actions' environment.
#[allow(dead_code)] // not every test file runs the binary
pub fn prodlint(dir: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_prodlint"))
        .args(args)
        .current_dir(dir)
        .env_remove("GITHUB_ACTIONS")
        .output()
        .expect("prodlint runs")
}

/// Sets a file's modification time well in the past, as for files not touched this second
/// (the cache does not trust stamps of files modified in the last two seconds).
#[allow(dead_code)]
pub fn age(path: &Path, seconds: u64) {
    let file = std::fs::File::options().write(true).open(path).unwrap();
    file.set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(seconds))
        .unwrap();
}

#[allow(dead_code)]
pub fn write_aged(dir: &Path, path: &str, text: &str, seconds: u64) {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    age(&path, seconds);
}

/// The result cache file of a project with one cached run.
#[allow(dead_code)]
pub fn cache_file(root: &Path) -> PathBuf {
    std::fs::read_dir(root.join(".prodlint_cache"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "json"))
        .expect("a cache file")
}

/// `(path, line, message)` of each label of a JSON diagnostic.
#[allow(dead_code)]
pub fn labels(diagnostic: &serde_json::Value) -> Vec<(String, u64, String)> {
    diagnostic["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["path"].as_str().unwrap().to_string(),
                l["line"].as_u64().unwrap(),
                l["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}
