//! What a check or an index read, and how to tell later that it changed: the result cache
//! stores these states between runs, and the editor's project checks them between jobs.

use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Something a check or an index read, and so depends on: a file's content (or its
/// absence), or a directory's list of entries.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Dependency {
    File(PathBuf),
    Dir(PathBuf),
}

/// A file's size and modification time: enough to tell that it changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    pub len: u64,
    pub modified_ns: u128,
}

impl Stamp {
    /// The stamp of the file at `path`, `None` when there is no file there (a directory
    /// is no file: its entries are a [`Dependency::Dir`]).
    pub fn of(path: &Path) -> Option<Stamp> {
        let metadata = std::fs::metadata(path).ok().filter(|m| m.is_file())?;
        let modified_ns = metadata
            .modified()
            .ok()?
            .duration_since(UNIX_EPOCH)
            .ok()?
            .as_nanos();
        Some(Stamp {
            len: metadata.len(),
            modified_ns,
        })
    }
}

/// A directory's entry names, hashed; `None` when it cannot be listed.
fn listing(path: &Path) -> Option<String> {
    let mut names: Vec<String> = std::fs::read_dir(path)
        .ok()?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    let mut hasher = Sha256::new();
    for name in names {
        hasher.update(name.as_bytes());
        hasher.update([0]);
    }
    Some(format!("{:x}", hasher.finalize()))
}

/// A dependency as it is on disk at one moment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum DependencyState {
    /// A file: its stamp, `None` when it did not exist.
    File(PathBuf, Option<Stamp>),
    /// A directory: the hash of its entries, `None` when it did not exist.
    Dir(PathBuf, Option<String>),
}

impl DependencyState {
    pub fn now(dependency: &Dependency) -> DependencyState {
        match dependency {
            Dependency::File(path) => DependencyState::File(path.clone(), Stamp::of(path)),
            Dependency::Dir(path) => DependencyState::Dir(path.clone(), listing(path)),
        }
    }

    /// Whether the disk still shows what it showed when this state was taken.
    pub fn unchanged(&self) -> bool {
        match self {
            DependencyState::File(path, then) => Stamp::of(path) == *then,
            DependencyState::Dir(path, then) => listing(path) == *then,
        }
    }

    pub fn path(&self) -> &Path {
        match self {
            DependencyState::File(path, _) | DependencyState::Dir(path, _) => path,
        }
    }
}
