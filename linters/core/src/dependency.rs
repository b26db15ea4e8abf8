//! What a check or an index read, and how to tell later that it changed: the result cache
//! stores these states between runs, and the editor's project checks them between jobs.
//!
//! A file is known by its stamp (size and modification time: one `stat` tells it is
//! unchanged) and, where the state outlives the process, by a hash of its content, which
//! decides when the stamp differs but the content may not (a fresh checkout, a restored CI
//! cache, a `touch`).

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

/// What tells that a file changed without reading it: its size and modification time,
/// and (as git's index keeps them) its inode and inode change time, which a write changes
/// even when it keeps the size and sets the modification time back (`touch -r`, a tool
/// that restores times, a checkout within the same second).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    pub len: u64,
    pub modified_ns: u128,
    /// The inode change time (0 where the system has none).
    #[serde(default)]
    pub changed_ns: u128,
    /// The inode number (0 where the system has none).
    #[serde(default)]
    pub inode: u64,
}

impl Stamp {
    /// The stamp of the file at `path`, `None` when there is no file there (a directory
    /// is no file: its entries are a [`Dependency::Dir`]).
    pub fn of(path: &Path) -> Option<Stamp> {
        let metadata = std::fs::metadata(path).ok().filter(|m| m.is_file())?;
        let (changed_ns, inode) = inode_times(&metadata);
        Some(Stamp {
            len: metadata.len(),
            modified_ns: modified_ns(&metadata)?,
            changed_ns,
            inode,
        })
    }
}

#[cfg(unix)]
fn inode_times(metadata: &std::fs::Metadata) -> (u128, u64) {
    use std::os::unix::fs::MetadataExt;
    let changed = u128::try_from(metadata.ctime()).unwrap_or(0) * 1_000_000_000
        + u128::try_from(metadata.ctime_nsec()).unwrap_or(0);
    (changed, metadata.ino())
}

#[cfg(not(unix))]
fn inode_times(_: &std::fs::Metadata) -> (u128, u64) {
    (0, 0)
}

fn modified_ns(metadata: &std::fs::Metadata) -> Option<u128> {
    Some(
        metadata
            .modified()
            .ok()?
            .duration_since(UNIX_EPOCH)
            .ok()?
            .as_nanos(),
    )
}

/// A directory's modification time; `None` when there is no directory there.
fn dir_modified(path: &Path) -> Option<u128> {
    let metadata = std::fs::metadata(path).ok().filter(|m| m.is_dir())?;
    modified_ns(&metadata)
}

/// The name of the directory where prodlint keeps its result cache by default.
pub const CACHE_DIR_NAME: &str = ".prodlint_cache";

/// A directory's entry names, hashed; `None` when it cannot be listed. The cache
/// directory is not among them: its creation by the first run, beside the sources, is no
/// change of the project, and must not invalidate every result that depends on the
/// listing of its parent.
fn listing(path: &Path) -> Option<String> {
    let mut names: Vec<String> = std::fs::read_dir(path)
        .ok()?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|name| name != CACHE_DIR_NAME)
        .collect();
    names.sort();
    let mut hasher = Sha256::new();
    for name in names {
        hasher.update(name.as_bytes());
        hasher.update([0]);
    }
    Some(format!("{:x}", hasher.finalize()))
}

/// The hash of a file's content, as stored in states.
fn content_hash(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

/// A file's state: its stamp, and the hash of its content when it was taken with one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileState {
    pub stamp: Stamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hash: Option<String>,
}

/// How a dependency compares with a state taken earlier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// The same stamp (or listing).
    Same,
    /// Another stamp, the same content: the state is right but should be taken again.
    SameContent,
    Changed,
}

impl FileState {
    /// The state of the file at `path` (`None`: no file there), hashed if `hashed`.
    pub fn of(path: &Path, hashed: bool) -> Option<FileState> {
        let stamp = Stamp::of(path)?;
        let hash = if hashed {
            Some(content_hash(&crate::files::read_regular(path).ok()?))
        } else {
            None
        };
        Some(FileState { stamp, hash })
    }

    /// How the file at `path` compares with this state.
    pub fn freshness(&self, path: &Path) -> Freshness {
        match Stamp::of(path) {
            None => Freshness::Changed,
            Some(stamp) if stamp == self.stamp => Freshness::Same,
            Some(_) => match (&self.hash, crate::files::read_regular(path)) {
                (Some(hash), Ok(bytes)) if content_hash(&bytes) == *hash => Freshness::SameContent,
                _ => Freshness::Changed,
            },
        }
    }
}

/// A dependency as it is on disk at one moment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum DependencyState {
    /// A file: its state, `None` when it did not exist.
    File(PathBuf, Option<FileState>),
    /// A directory: the hash of its entries, `None` when it did not exist.
    Dir(PathBuf, Option<String>),
    /// A directory by its modification time, which changes when an entry is added, removed
    /// or renamed: one `stat` instead of a listing, for states kept in one process (an
    /// editor's project walks thousands of directories of a large workspace).
    DirStamp(PathBuf, Option<u128>),
}

impl DependencyState {
    /// The dependency now, files with their content hash: for states kept across runs.
    pub fn now(dependency: &Dependency) -> DependencyState {
        DependencyState::take(dependency, true)
    }

    /// The dependency now, by stamps alone: for states kept in one process, where hashing
    /// every file an index read would cost more than rebuilding it.
    pub fn stamped(dependency: &Dependency) -> DependencyState {
        match dependency {
            Dependency::Dir(path) => DependencyState::DirStamp(path.clone(), dir_modified(path)),
            file => DependencyState::take(file, false),
        }
    }

    fn take(dependency: &Dependency, hashed: bool) -> DependencyState {
        match dependency {
            Dependency::File(path) => {
                DependencyState::File(path.clone(), FileState::of(path, hashed))
            }
            Dependency::Dir(path) => DependencyState::Dir(path.clone(), listing(path)),
        }
    }

    pub fn freshness(&self) -> Freshness {
        let same = |same: bool| {
            if same {
                Freshness::Same
            } else {
                Freshness::Changed
            }
        };
        match self {
            DependencyState::File(path, Some(state)) => state.freshness(path),
            DependencyState::File(path, None) => same(Stamp::of(path).is_none()),
            DependencyState::Dir(path, then) => same(listing(path) == *then),
            DependencyState::DirStamp(path, then) => same(dir_modified(path) == *then),
        }
    }

    /// Whether the disk still shows what it showed when this state was taken.
    pub fn unchanged(&self) -> bool {
        self.freshness() != Freshness::Changed
    }

    /// What this is the state of.
    pub fn dependency(&self) -> Dependency {
        match self {
            DependencyState::File(path, _) => Dependency::File(path.clone()),
            DependencyState::Dir(path, _) | DependencyState::DirStamp(path, _) => {
                Dependency::Dir(path.clone())
            }
        }
    }

    /// The modification time of the file, if this is an existing file.
    pub fn modified_ns(&self) -> Option<u128> {
        match self {
            DependencyState::File(_, Some(state)) => Some(state.stamp.modified_ns),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_touched_file_with_the_same_content_is_unchanged_and_an_edit_is_not() {
        let dir = std::env::temp_dir().join(format!("prodlint-state-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("a.rs");
        std::fs::write(&path, "fn a() {}\n").unwrap();
        let age = |seconds: u64| {
            let file = std::fs::File::options().write(true).open(&path).unwrap();
            let time = std::time::SystemTime::now() - std::time::Duration::from_secs(seconds);
            file.set_modified(time).unwrap();
        };
        age(60);
        let dependency = Dependency::File(path.clone());
        let hashed = DependencyState::now(&dependency);
        let stamped = DependencyState::stamped(&dependency);
        assert_eq!(hashed.freshness(), Freshness::Same);
        age(30);
        assert_eq!(hashed.freshness(), Freshness::SameContent);
        assert_eq!(stamped.freshness(), Freshness::Changed, "no hash to decide");
        std::fs::write(&path, "fn b() {}\n").unwrap();
        age(30);
        assert_eq!(
            hashed.freshness(),
            Freshness::Changed,
            "same size, another content"
        );
        std::fs::remove_file(&path).unwrap();
        assert_eq!(hashed.freshness(), Freshness::Changed);
        assert_eq!(
            DependencyState::now(&dependency).freshness(),
            Freshness::Same,
            "still absent"
        );
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_directory_changes_when_an_entry_comes_or_goes() {
        let dir = std::env::temp_dir().join(format!("prodlint-dir-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let dependency = Dependency::Dir(dir.clone());
        let listed = DependencyState::now(&dependency);
        let stamped = DependencyState::stamped(&dependency);
        assert!(listed.unchanged() && stamped.unchanged());
        // A directory's time has the file system's granularity: let it move on.
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(dir.join("new.rs"), "").unwrap();
        assert!(!listed.unchanged());
        assert!(!stamped.unchanged());
        // The result cache appearing beside the sources is no change of the listing.
        let listed = DependencyState::now(&dependency);
        std::fs::create_dir_all(dir.join(CACHE_DIR_NAME)).unwrap();
        assert!(
            listed.unchanged(),
            "the cache directory is not part of the listing"
        );
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(
            DependencyState::stamped(&dependency),
            DependencyState::DirStamp(dir.clone(), None)
        );
    }
}
