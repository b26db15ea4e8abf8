//! Which files a run checks: the walk of the given directories (parallel, honouring
//! `.gitignore` and `.ignore`), the files named explicitly, and the config's excludes.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ignore::{WalkBuilder, WalkState};
use prodlint_core::Config;

/// Directories never worth walking: dependencies, build output, framework caches.
const SKIPPED_DIRS: &[&str] = &[
    "node_modules",
    "target",
    "dist",
    "build",
    ".git",
    ".nuxt",
    ".output",
    ".next",
    ".svelte-kit",
    "coverage",
];

const RUST_EXTENSIONS: &[&str] = &["rs"];

/// A file to check.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Candidate {
    /// The path to read.
    pub path: PathBuf,
    /// As reported: relative to the working directory where possible, with `/`.
    pub display: String,
    /// Relative to the directory that was walked (or as given for explicit files): what
    /// path-based judgements (test code, tooling) look at, so that a checkout that happens
    /// to live under `~/tests/` is not all test code.
    pub project_path: String,
}

pub fn is_supported(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if name.ends_with(".min.js") || name.ends_with(".bundle.js") {
        return false;
    }
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    RUST_EXTENSIONS.contains(&extension) || prodlint_js::EXTENSIONS.contains(&extension)
}

/// `/`-separated text of a path, without a leading `./`.
pub fn slash_path(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    let mut text = text.as_str();
    while let Some(rest) = text.strip_prefix("./") {
        text = rest;
    }
    text.to_string()
}

/// The path as shown to the user: relative to `cwd` when it lies below it.
pub fn display_path(path: &Path, cwd: &Path) -> String {
    if path.is_absolute() {
        if let Ok(relative) = path.strip_prefix(cwd) {
            return slash_path(relative);
        }
    }
    slash_path(path)
}

/// Whether the config's `exclude` patterns cover `path`.
/// The config's `exclude` patterns, with the directory they are relative to resolved once
/// per run rather than once per file.
struct Excludes<'a> {
    config: &'a Config,
    cwd: &'a Path,
    /// The canonical config root; `None` when there is nothing to exclude.
    root: Option<PathBuf>,
}

impl<'a> Excludes<'a> {
    fn new(config: &'a Config, cwd: &'a Path) -> Excludes<'a> {
        let root = config.has_excludes().then(|| {
            let root = cwd.join(&config.root);
            root.canonicalize().unwrap_or(root)
        });
        Excludes { config, cwd, root }
    }

    fn contains(&self, path: &Path) -> bool {
        let Some(root) = &self.root else { return false };
        let file = self.cwd.join(path);
        let file = file.canonicalize().unwrap_or(file);
        file.strip_prefix(root)
            .is_ok_and(|relative| self.config.is_excluded(&slash_path(relative)))
    }
}

/// Whether the config excludes `path` (relative paths are relative to `cwd`).
pub fn is_excluded(config: &Config, path: &Path, cwd: &Path) -> bool {
    Excludes::new(config, cwd).contains(path)
}

/// The files to check under `paths`, sorted by display path. Explicit files are checked
/// even when `.gitignore` would skip them (a hook passes exactly the files it wants).
pub fn discover(paths: &[PathBuf], config: &Config, cwd: &Path, threads: usize) -> Vec<Candidate> {
    let found = Mutex::new(Vec::new());
    let excludes = Excludes::new(config, cwd);
    for root in paths {
        if root.is_file() {
            if is_supported(root) && !excludes.contains(root) {
                let display = display_path(root, cwd);
                found.lock().unwrap().push(Candidate {
                    path: root.clone(),
                    project_path: display.clone(),
                    display,
                });
            }
            continue;
        }
        let walker = WalkBuilder::new(root)
            .require_git(false)
            .threads(threads)
            .filter_entry(|entry| {
                let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
                !(is_dir
                    && entry.depth() > 0
                    && SKIPPED_DIRS.contains(&entry.file_name().to_str().unwrap_or("")))
            })
            .build_parallel();
        walker.run(|| {
            let found = &found;
            let excludes = &excludes;
            Box::new(move |entry| {
                let Ok(entry) = entry else {
                    return WalkState::Continue;
                };
                let path = entry.path();
                if entry.file_type().is_some_and(|t| t.is_file())
                    && is_supported(path)
                    && !excludes.contains(path)
                {
                    let project_path = path
                        .strip_prefix(root)
                        .map(slash_path)
                        .unwrap_or_else(|_| slash_path(path));
                    found.lock().unwrap().push(Candidate {
                        path: path.to_path_buf(),
                        display: display_path(path, cwd),
                        project_path,
                    });
                }
                WalkState::Continue
            })
        });
    }
    let mut found = found.into_inner().unwrap();
    found.sort_by(|a, b| a.display.cmp(&b.display));
    found.dedup_by(|a, b| a.display == b.display);
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_are_supported() {
        for name in [
            "a.rs",
            "a.ts",
            "a.tsx",
            "a.mjs",
            "App.vue",
            "Page.svelte",
            "index.astro",
        ] {
            assert!(is_supported(Path::new(name)), "{name}");
        }
        for name in [
            "a.min.js",
            "a.bundle.js",
            "a.css",
            "a.html",
            "a.md",
            "svelte",
            "astro",
        ] {
            assert!(!is_supported(Path::new(name)), "{name}");
        }
    }
}
