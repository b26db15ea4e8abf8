//! `check --watch`: runs the check, then again each time a file it could depend on
//! changes. Each run is a fresh `prodlint check` process with the same arguments (less
//! `--watch`), so it is exactly the run a user would start by hand, and the result cache
//! makes it check only what changed.

use std::path::{Component, Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use notify::{RecursiveMode, Watcher};

/// How long to wait for more events after one: an editor's save or a `git checkout` is
/// many events, and should be one run.
const SETTLE: Duration = Duration::from_millis(200);

/// Directories whose changes never change a result (prodlint's own cache among them, so
/// a run does not trigger the next).
const IGNORED_DIRS: &[&str] = &[".git", ".prodlint_cache", "target", "node_modules"];

/// Files other than sources whose changes can change a result.
const INPUT_FILES: &[&str] = &[
    prodlint_core::CONFIG_FILE_NAME,
    "package.json",
    "tsconfig.json",
    "jsconfig.json",
    "Cargo.toml",
    "Cargo.lock",
];

/// Whether a change to `path` can change what a check reports.
pub fn is_relevant(path: &Path) -> bool {
    let ignored = path.components().any(|component| match component {
        Component::Normal(name) => IGNORED_DIRS.iter().any(|dir| name == *dir),
        _ => false,
    });
    if ignored {
        return false;
    }
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    INPUT_FILES.contains(&name)
        || name.ends_with(".config.ts")
        || crate::discover::is_supported(path)
}

/// Runs `prodlint check ARGS` now and after every relevant change under `paths`, until
/// interrupted.
pub fn run(check_args: Vec<std::ffi::OsString>, paths: &[PathBuf]) -> Result<u8, String> {
    let exe = std::env::current_exe()
        .map_err(|error| format!("--watch: cannot find the prodlint binary: {error}"))?;
    let (sender, events) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if let Ok(event) = event {
            if event.paths.iter().any(|path| is_relevant(path)) {
                let _ = sender.send(());
            }
        }
    })
    .map_err(|error| format!("--watch: {error}"))?;
    for path in paths {
        watcher
            .watch(path, RecursiveMode::Recursive)
            .map_err(|error| format!("--watch: cannot watch {}: {error}", path.display()))?;
    }
    loop {
        let status = std::process::Command::new(&exe)
            .arg("check")
            .args(&check_args)
            .status()
            .map_err(|error| format!("--watch: cannot run a check: {error}"))?;
        if status.code() == Some(2) {
            eprintln!("prodlint: the check failed; fix the problem above and save again");
        }
        eprintln!("prodlint: watching for changes (Ctrl-C to stop)");
        if events.recv().is_err() {
            return Ok(0);
        }
        while events.recv_timeout(SETTLE).is_ok() {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_changes_that_can_change_a_result_count() {
        assert!(is_relevant(Path::new("/p/src/a.ts")));
        assert!(is_relevant(Path::new("/p/src/lib.rs")));
        assert!(is_relevant(Path::new("/p/prodlint.toml")));
        assert!(is_relevant(Path::new("/p/Cargo.lock")));
        assert!(!is_relevant(Path::new(
            "/p/.prodlint_cache/results-v4-x.json"
        )));
        assert!(!is_relevant(Path::new("/p/node_modules/x/index.js")));
        assert!(!is_relevant(Path::new("/p/.git/index")));
        assert!(!is_relevant(Path::new("/p/README.md")));
    }
}
