//! The result cache: a file's findings are reused when neither it nor anything its check
//! read has changed.
//!
//! An entry is keyed by the file's display path and holds the file's state: its size,
//! modification time, inode and inode change time, and the hash of the text that was
//! checked. It lists the dependencies
//! its check recorded through the project (other files, files it looked for and did not
//! find, directory listings), each with its state then; an entry is used only when every
//! one of them is unchanged. So a changed composable, crate file or installed package
//! invalidates exactly the files whose checks read it. A file whose stamp differs is
//! compared by its content hash, so that a fresh checkout (a CI job restoring the cache)
//! reuses the results, and takes the new stamps for the next run.
//!
//! One cache file per configuration: its name hashes prodlint's version, the config file's
//! text, the rules and the working directory, so that any of those changing starts afresh.
//!
//! A cache can only change what is reported about the files it describes, and a
//! repository cannot plant one: a cache directory that is a symbolic link or holds files
//! tracked by git is not used ([`Cache::open`] says why), every rule, path and span of an
//! entry is checked against the current files before use (a place in another file must
//! be one the check recorded reading), and a run that applies fixes derives them afresh
//! rather than taking them from the cache ([`Cache::reuse`]).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::UNIX_EPOCH;

use prodlint_core::{
    Applicability, Dependencies, Dependency, DependencyState, Diagnostic, Edit, FileState, Fix,
    Freshness, Label, Severity, SourceFile, Span, Stamp,
};
use prodlint_js::resolve::Unresolved;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::report::{FileError, Note};

/// Bump when the format changes (4: stamps with the inode and its change time, unresolved
/// imports and notes).
const FORMAT: u32 = 4;

/// Files modified this recently are not cached: a second edit within the file system's
/// timestamp granularity could leave size and time unchanged ("racy" stamps, as git calls
/// them), and the entry would outlive the content it describes.
const RACY_NS: u128 = 2_000_000_000;

/// Whether a file modified at `modified_ns` was modified too recently for its stamp to be
/// trusted.
fn too_recent(modified_ns: u128) -> bool {
    let now = std::time::SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    modified_ns + RACY_NS > now
}

/// Whether any file among `states` was modified too recently for its stamp to be trusted.
fn is_racy(states: &[DependencyState]) -> bool {
    states
        .iter()
        .filter_map(DependencyState::modified_ns)
        .any(too_recent)
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Place {
    path: PathBuf,
    display: String,
    start: u32,
    end: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct CachedLabel {
    place: Place,
    message: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct CachedEdit {
    place: Place,
    replacement: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct CachedFix {
    message: String,
    safe: bool,
    edits: Vec<CachedEdit>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct CachedDiagnostic {
    rule: String,
    severity: Severity,
    start: u32,
    end: u32,
    message: String,
    help: Option<String>,
    labels: Vec<CachedLabel>,
    fix: Option<CachedFix>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct CachedError {
    line: Option<u32>,
    column: Option<u32>,
    message: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    /// The file itself, with the hash of the text that was checked.
    file: FileState,
    /// What the check read itself.
    dependencies: Vec<DependencyState>,
    /// The keys of the dependency sets of the indexes it used (in [`CacheFile::groups`]).
    groups: Vec<String>,
    diagnostics: Vec<CachedDiagnostic>,
    errors: Vec<CachedError>,
    /// The imports the check could not resolve, for the summary and `--verbose`.
    unresolved: Vec<CachedUnresolved>,
    /// Notes (blocks not checked), shaped as errors are.
    notes: Vec<CachedError>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct CachedUnresolved {
    offset: u32,
    specifier: String,
    package_missing: bool,
}

/// A file's results, to store.
pub struct Results<'a> {
    pub diagnostics: &'a [Diagnostic],
    pub errors: &'a [FileError],
    pub unresolved: &'a [(u32, Unresolved)],
    pub notes: &'a [Note],
}

/// A file's results as the cache gives them back.
pub struct CachedOutcome {
    pub diagnostics: Vec<Diagnostic>,
    pub errors: Vec<FileError>,
    pub unresolved: Vec<(u32, Unresolved)>,
    pub notes: Vec<Note>,
}

#[derive(Serialize, Deserialize)]
struct CacheFile {
    format: u32,
    entries: HashMap<String, Entry>,
    /// The dependency set of an index, by a hash of its paths: stored once however many
    /// files used it.
    groups: HashMap<String, Vec<DependencyState>>,
}

/// The cache of one run. Lookups and stores come from the worker threads.
pub struct Cache {
    file: PathBuf,
    old: HashMap<String, Entry>,
    old_groups: HashMap<String, Vec<DependencyState>>,
    new: Mutex<HashMap<String, Entry>>,
    new_groups: Mutex<HashMap<String, Vec<DependencyState>>>,
    /// Whether an old group is unchanged, checked once per run.
    valid_groups: Mutex<HashMap<String, bool>>,
    /// The key of an index's dependency set, by the set's address (`None`: racy).
    group_keys: Mutex<HashMap<usize, Option<String>>>,
    /// Other files read back for labels and fixes, once each.
    sources: Mutex<HashMap<PathBuf, Arc<SourceFile>>>,
    /// The state of each dependency as first taken in this run: a `package.json` that a
    /// thousand checks read is hashed once.
    states: Mutex<HashMap<Dependency, DependencyState>>,
    /// Relative paths in entries are relative to this directory.
    cwd: PathBuf,
    /// Whether entries are used (a run that applies fixes only stores them).
    reuse: bool,
}

/// Why a cache directory is not to be used, if it is not: it is a symbolic link, not a
/// directory, or holds files tracked by git.
pub fn refusal(dir: &Path) -> Option<String> {
    let metadata = std::fs::symlink_metadata(dir).ok()?;
    if metadata.file_type().is_symlink() {
        return Some(format!(
            "the cache directory {} is a symbolic link; the cache is not used",
            dir.display()
        ));
    }
    if !metadata.is_dir() {
        return Some(format!(
            "the cache directory {} is not a directory; the cache is not used",
            dir.display()
        ));
    }
    // A cache that came with the repository could say anything about its files.
    let tracked = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["ls-files", "-z", "--", "."])
        .stderr(std::process::Stdio::null())
        .output()
        .is_ok_and(|output| output.status.success() && !output.stdout.is_empty());
    tracked.then(|| {
        format!(
            "the cache directory {} holds files tracked by git; the cache is not used (remove them from the repository)",
            dir.display()
        )
    })
}

/// Whether `span` lies in `text` on character boundaries.
fn fits(text: &str, start: u32, end: u32) -> bool {
    start <= end && text.is_char_boundary(start as usize) && text.is_char_boundary(end as usize)
}

impl Cache {
    /// Opens the cache in `dir` for this configuration (`key_parts` are hashed into the
    /// name). A missing or unreadable cache is an empty one. The caller has made sure that
    /// `dir` is to be used ([`refusal`]).
    pub fn open(dir: &Path, cwd: &Path, key_parts: &[&str]) -> Cache {
        let mut hasher = Sha256::new();
        for part in [env!("CARGO_PKG_VERSION")].iter().chain(key_parts) {
            hasher.update(part.as_bytes());
            hasher.update([0]);
        }
        let key = format!("{:x}", hasher.finalize());
        let file = dir.join(format!("results-v{FORMAT}-{}.json", &key[..16]));
        let (old, old_groups) = std::fs::symlink_metadata(&file)
            .ok()
            .filter(|metadata| metadata.is_file())
            .and_then(|_| prodlint_core::read_regular(&file).ok())
            .and_then(|bytes| serde_json::from_slice::<CacheFile>(&bytes).ok())
            .filter(|cache| cache.format == FORMAT)
            .map(|cache| (cache.entries, cache.groups))
            .unwrap_or_default();
        Cache {
            file,
            old,
            old_groups,
            new: Mutex::default(),
            new_groups: Mutex::default(),
            valid_groups: Mutex::default(),
            group_keys: Mutex::default(),
            sources: Mutex::default(),
            states: Mutex::default(),
            cwd: cwd.to_path_buf(),
            reuse: true,
        }
    }

    /// Stops using entries (they are still stored): for a run that applies fixes, whose
    /// edits are derived from the files themselves.
    pub fn store_only(&mut self) {
        self.reuse = false;
    }

    /// The states taken again of dependencies whose content is the same (`None` if one is
    /// too recent to trust).
    fn restamped(&self, states: &[DependencyState]) -> Option<Vec<DependencyState>> {
        let states: Vec<DependencyState> = states
            .iter()
            .map(|state| self.state(&state.dependency()))
            .collect();
        (!is_racy(&states)).then_some(states)
    }

    /// The state of `dependency` now (as first taken in this run).
    fn state(&self, dependency: &Dependency) -> DependencyState {
        if let Some(state) = self.states.lock().unwrap().get(dependency) {
            return state.clone();
        }
        let state = DependencyState::now(dependency);
        self.states
            .lock()
            .unwrap()
            .insert(dependency.clone(), state.clone());
        state
    }

    fn group_unchanged(&self, key: &str) -> bool {
        if let Some(valid) = self.valid_groups.lock().unwrap().get(key) {
            return *valid;
        }
        let Some(states) = self.old_groups.get(key) else {
            return false;
        };
        let freshness: Vec<Freshness> = states.iter().map(DependencyState::freshness).collect();
        let valid = !freshness.contains(&Freshness::Changed);
        self.valid_groups
            .lock()
            .unwrap()
            .insert(key.to_string(), valid);
        if valid {
            // Files with new stamps and the same content: take their states again, so that
            // the next run needs no hashing.
            let states = if freshness.contains(&Freshness::SameContent) {
                self.restamped(states).unwrap_or_else(|| states.clone())
            } else {
                states.clone()
            };
            self.new_groups
                .lock()
                .unwrap()
                .insert(key.to_string(), states);
        }
        valid
    }

    fn source(&self, path: &Path, display: &str) -> Option<Arc<SourceFile>> {
        if let Some(file) = self.sources.lock().unwrap().get(path) {
            return Some(Arc::clone(file));
        }
        let text = prodlint_core::read_regular_to_string(path).ok()?;
        let file = Arc::new(SourceFile::new(
            path.to_path_buf(),
            display.to_string(),
            text,
        ));
        self.sources
            .lock()
            .unwrap()
            .insert(path.to_path_buf(), Arc::clone(&file));
        Some(file)
    }

    /// The cached findings of a file, if it and everything its check read are unchanged.
    pub fn lookup(
        &self,
        path: &Path,
        display: &str,
        known_rules: &[&'static str],
    ) -> Option<CachedOutcome> {
        if !self.reuse {
            return None;
        }
        let entry = self.old.get(display)?;
        let mut freshness = vec![entry.file.freshness(path)];
        freshness.extend(entry.dependencies.iter().map(DependencyState::freshness));
        if freshness.contains(&Freshness::Changed)
            || !entry.groups.iter().all(|key| self.group_unchanged(key))
        {
            return None;
        }
        let mut diagnostics = Vec::with_capacity(entry.diagnostics.len());
        if !entry.diagnostics.is_empty() {
            let file = self.source(path, display)?;
            // Other files an entry may point into: those its check read.
            let read = |other: &Path| {
                let other = prodlint_core::normalize(&self.cwd, other);
                let recorded = |states: &[DependencyState]| {
                    states
                        .iter()
                        .any(|state| state.dependency() == Dependency::File(other.clone()))
                };
                recorded(&entry.dependencies)
                    || entry.groups.iter().any(|key| {
                        self.old_groups
                            .get(key)
                            .is_some_and(|states| recorded(states))
                    })
            };
            let place = |place: &Place| -> Option<(Arc<SourceFile>, Span)> {
                let file = if place.path == path {
                    Arc::clone(&file)
                } else if read(&place.path) {
                    self.source(&place.path, &place.display)?
                } else {
                    return None;
                };
                fits(&file.text, place.start, place.end)
                    .then(|| (file, Span::new(place.start, place.end)))
            };
            for cached in &entry.diagnostics {
                let rule = *known_rules.iter().find(|id| **id == cached.rule)?;
                if !fits(&file.text, cached.start, cached.end) {
                    return None;
                }
                let mut diagnostic = Diagnostic::new(
                    rule,
                    cached.severity,
                    &file,
                    Span::new(cached.start, cached.end),
                    cached.message.clone(),
                );
                diagnostic.help = cached.help.clone();
                for label in &cached.labels {
                    let (file, span) = place(&label.place)?;
                    diagnostic.labels.push(Label {
                        file,
                        span,
                        message: label.message.clone(),
                    });
                }
                if let Some(fix) = &cached.fix {
                    let mut edits = Vec::new();
                    for edit in &fix.edits {
                        let (file, span) = place(&edit.place)?;
                        edits.push(Edit {
                            file,
                            span,
                            replacement: edit.replacement.clone(),
                        });
                    }
                    let applicability = if fix.safe {
                        Applicability::Safe
                    } else {
                        Applicability::Suggestion
                    };
                    diagnostic.fix = Some(Fix {
                        message: fix.message.clone(),
                        applicability,
                        edits,
                    });
                }
                diagnostics.push(diagnostic);
            }
        }
        let errors = entry
            .errors
            .iter()
            .map(|e| FileError {
                path: display.to_string(),
                line: e.line,
                column: e.column,
                message: e.message.clone(),
            })
            .collect();
        let notes = entry
            .notes
            .iter()
            .map(|n| Note {
                path: display.to_string(),
                line: n.line,
                column: n.column,
                message: n.message.clone(),
            })
            .collect();
        let mut kept = entry.clone();
        if freshness.contains(&Freshness::SameContent) {
            // A fresh checkout or a touched file: same content, new stamps. Take them,
            // unless they are too recent to trust (the hash then decides next time too).
            let file = FileState::of(path, true).filter(|file| file.hash == entry.file.hash);
            let dependencies = self.restamped(&entry.dependencies);
            if let (Some(file), Some(dependencies)) = (file, dependencies) {
                if !too_recent(file.stamp.modified_ns) {
                    kept.file = file;
                    kept.dependencies = dependencies;
                }
            }
        }
        self.new.lock().unwrap().insert(display.to_string(), kept);
        let unresolved = entry
            .unresolved
            .iter()
            .map(|u| {
                let unresolved = Unresolved {
                    specifier: u.specifier.clone(),
                    package_missing: u.package_missing,
                };
                (u.offset, unresolved)
            })
            .collect();
        Some(CachedOutcome {
            diagnostics,
            errors,
            unresolved,
            notes,
        })
    }

    /// Records a file's findings and what its check depended on. The file's stamp was
    /// taken before its text was read (`stamp_before`): if the file has another stamp now,
    /// it changed during the run and nothing is stored, so the hash stored is that of the
    /// text that was checked.
    pub fn store(
        &self,
        path: &Path,
        display: &str,
        stamp_before: Option<Stamp>,
        dependencies: &Dependencies,
        results: Results<'_>,
    ) {
        let Results {
            diagnostics,
            errors,
            unresolved,
            notes,
        } = results;
        let Some(file) = FileState::of(path, true) else {
            return;
        };
        if stamp_before.as_ref() != Some(&file.stamp) {
            return;
        }
        let states: Vec<DependencyState> = dependencies
            .direct
            .iter()
            .map(|dependency| self.state(dependency))
            .collect();
        if too_recent(file.stamp.modified_ns) || is_racy(&states) {
            return;
        }
        let mut groups = Vec::new();
        for set in &dependencies.indexes {
            let address = Arc::as_ptr(set) as usize;
            let known = self.group_keys.lock().unwrap().get(&address).cloned();
            let key = match known {
                Some(key) => key,
                None => {
                    let states: Vec<DependencyState> = set
                        .iter()
                        .map(|dependency| self.state(dependency))
                        .collect();
                    let key = (!is_racy(&states)).then(|| {
                        let mut hasher = Sha256::new();
                        for dependency in set.iter() {
                            let (kind, path) = match dependency {
                                Dependency::File(path) => ("f", path),
                                Dependency::Dir(path) => ("d", path),
                            };
                            hasher.update(kind.as_bytes());
                            hasher.update(path.to_string_lossy().as_bytes());
                            hasher.update([0]);
                        }
                        format!("{:x}", hasher.finalize())
                    });
                    if let Some(key) = &key {
                        self.new_groups.lock().unwrap().insert(key.clone(), states);
                    }
                    self.group_keys.lock().unwrap().insert(address, key.clone());
                    key
                }
            };
            match key {
                Some(key) => groups.push(key),
                None => return,
            }
        }
        let place = |file: &SourceFile, span: Span| Place {
            path: file.path.clone(),
            display: file.display.clone(),
            start: span.start,
            end: span.end,
        };
        let entry = Entry {
            file,
            dependencies: states,
            groups,
            diagnostics: diagnostics
                .iter()
                .map(|d| CachedDiagnostic {
                    rule: d.rule.to_string(),
                    severity: d.severity,
                    start: d.span.start,
                    end: d.span.end,
                    message: d.message.clone(),
                    help: d.help.clone(),
                    labels: d
                        .labels
                        .iter()
                        .map(|l| CachedLabel {
                            place: place(&l.file, l.span),
                            message: l.message.clone(),
                        })
                        .collect(),
                    fix: d.fix.as_ref().map(|f| CachedFix {
                        message: f.message.clone(),
                        safe: f.applicability == Applicability::Safe,
                        edits: f
                            .edits
                            .iter()
                            .map(|e| CachedEdit {
                                place: place(&e.file, e.span),
                                replacement: e.replacement.clone(),
                            })
                            .collect(),
                    }),
                })
                .collect(),
            errors: errors
                .iter()
                .map(|e| CachedError {
                    line: e.line,
                    column: e.column,
                    message: e.message.clone(),
                })
                .collect(),
            unresolved: unresolved
                .iter()
                .map(|(offset, u)| CachedUnresolved {
                    offset: *offset,
                    specifier: u.specifier.clone(),
                    package_missing: u.package_missing,
                })
                .collect(),
            notes: notes
                .iter()
                .map(|n| CachedError {
                    line: n.line,
                    column: n.column,
                    message: n.message.clone(),
                })
                .collect(),
        };
        self.new.lock().unwrap().insert(display.to_string(), entry);
    }

    /// Writes the cache: this run's entries, and the earlier ones of files this run did
    /// not check (a pre-commit hook checks a few files of many) that still exist.
    pub fn save(self) -> std::io::Result<()> {
        let mut entries = self.new.into_inner().unwrap();
        let mut groups = self.new_groups.into_inner().unwrap();
        for (display, entry) in self.old {
            if !entries.contains_key(&display) && Path::new(&display).exists() {
                for key in &entry.groups {
                    if let Some(states) = self.old_groups.get(key) {
                        groups.entry(key.clone()).or_insert_with(|| states.clone());
                    }
                }
                entries.insert(display, entry);
            }
        }
        let dir = self.file.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)?;
        if std::fs::symlink_metadata(dir).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(std::io::Error::other(
                "the cache directory is a symbolic link",
            ));
        }
        // Created only if absent (O_EXCL): never written through a link planted there.
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(dir.join(".gitignore"))
        {
            Ok(mut ignore) => std::io::Write::write_all(
                &mut ignore,
                b"# prodlint's cache: never committed.\n*\n",
            )?,
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(error) => return Err(error),
        }
        let bytes = serde_json::to_vec(&CacheFile {
            format: FORMAT,
            entries,
            groups,
        })
        .expect("serializable");
        prodlint_core::write_atomically(&self.file, &bytes)
    }
}
