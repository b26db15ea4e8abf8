//! Which files a run checks: the walk of the given directories (parallel, honouring
//! `.gitignore` and `.ignore`), the files named explicitly, and the config's excludes.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ignore::{WalkBuilder, WalkState};
use prodlint_core::{Config, ConfigError, Configs};

use crate::report::FileError;

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

/// The extensions prodlint checks, as a user reads them: `.rs, .ts, .tsx, …`.
pub fn supported_extensions() -> String {
    RUST_EXTENSIONS
        .iter()
        .chain(prodlint_js::EXTENSIONS)
        .map(|extension| format!(".{extension}"))
        .collect::<Vec<_>>()
        .join(", ")
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

/// Whether `config`'s `exclude` patterns cover the file at `path` (relative paths are
/// relative to `cwd`); the patterns are relative to the config's directory.
pub fn is_excluded(config: &Config, path: &Path, cwd: &Path) -> bool {
    if !config.has_excludes() {
        return false;
    }
    let file = prodlint_core::normalize(cwd, path);
    let root = prodlint_core::normalize(cwd, &config.root);
    if let Ok(relative) = file.strip_prefix(&root) {
        return config.is_excluded(&slash_path(relative));
    }
    // Through a symbolic link on one side or the other.
    let canonical = |path: &Path| path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    canonical(&file)
        .strip_prefix(canonical(&root))
        .is_ok_and(|relative| config.is_excluded(&slash_path(relative)))
}

/// Whether the configuration of the file at `path` excludes it; an error when that
/// configuration does not load.
fn excluded_by_its_config(configs: &Configs, path: &Path, cwd: &Path) -> Result<bool, ConfigError> {
    let config = configs.for_file(&prodlint_core::normalize(cwd, path))?;
    Ok(is_excluded(&config, path, cwd))
}

/// What a walk found: the files to check, and the directories and files it could not
/// read, with the operating system's reason.
pub struct Discovered {
    pub files: Vec<Candidate>,
    pub errors: Vec<FileError>,
    /// Config files that apply to some file and do not load.
    pub config_errors: Vec<ConfigError>,
}

/// A walk error as a file error: the path it names and the operating system's message.
fn walk_error(error: ignore::Error, cwd: &Path) -> FileError {
    let mut path = None;
    let mut error = &error;
    loop {
        match error {
            ignore::Error::WithPath { path: at, err } => {
                path.get_or_insert_with(|| display_path(at, cwd));
                error = err;
            }
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                error = err;
            }
            _ => break,
        }
    }
    let message = match error {
        ignore::Error::Io(io) => format!("cannot read: {io}"),
        other => other.to_string(),
    };
    FileError {
        path: path.unwrap_or_default(),
        line: None,
        column: None,
        message,
    }
}

/// The files to check under `paths`, sorted by display path. Explicit files are checked
/// even when `.gitignore` would skip them (a hook passes exactly the files it wants).
pub fn discover(paths: &[PathBuf], configs: &Configs, cwd: &Path, threads: usize) -> Discovered {
    let found = Mutex::new(Vec::new());
    let errors = Mutex::new(Vec::new());
    let config_errors = Mutex::new(Vec::new());
    // Whether a file is excluded by its configuration (a config that does not load is
    // recorded, and its files are left out).
    let excludes = |path: &Path| match excluded_by_its_config(configs, path, cwd) {
        Ok(excluded) => excluded,
        Err(error) => {
            config_errors.lock().unwrap().push(error);
            true
        }
    };
    for root in paths {
        if root.is_file() {
            if is_supported(root) && !excludes(root) {
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
            let errors = &errors;
            let excludes = &excludes;
            Box::new(move |entry| {
                let entry = match entry {
                    Ok(entry) => entry,
                    Err(error) => {
                        errors.lock().unwrap().push(walk_error(error, cwd));
                        return WalkState::Continue;
                    }
                };
                let path = entry.path();
                if entry.file_type().is_some_and(|t| t.is_file())
                    && is_supported(path)
                    && !excludes(path)
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
    let mut errors = errors.into_inner().unwrap();
    errors.sort();
    errors.dedup();
    let mut config_errors = config_errors.into_inner().unwrap();
    config_errors.sort_by(|a, b| a.path.cmp(&b.path));
    config_errors.dedup();
    Discovered {
        files: found,
        errors,
        config_errors,
    }
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
