//! What a run knows beyond the file being checked: the contents of other files (editor
//! buffers and standard input win over the disk) and indexes built from them on demand.
//!
//! Rules that need facts from other files (the struct behind `self`, the module an import
//! points at, the other composables of a Nuxt app) ask for an index by type and key; it is
//! built once, by the first thread that asks, while other threads asking for the same key
//! wait and those asking for other keys go on. That is how a pre-commit hook that names
//! three files still sees their whole project, and pays only for what those files need.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::hash::Hash;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, RwLock};

/// A fact about the project, built from files on first use and then shared read-only.
///
/// `build` may ask the project for other indexes, but never (even indirectly) for its own
/// key: that would wait on itself. Indexes over graphs with cycles (re-exports) keep
/// per-node facts here and follow the edges at query time with a visited set.
pub trait ProjectIndex: Send + Sync + Sized + 'static {
    type Key: Clone + Eq + Hash + Send + Sync + 'static;

    fn build(project: &Project, key: &Self::Key) -> Self;
}

type Slot<T> = Arc<OnceLock<Arc<T>>>;
type SlotMap<T> = Mutex<HashMap<<T as ProjectIndex>::Key, Slot<T>>>;

/// The project of one run (or, in the editor, of one session).
pub struct Project {
    /// The working directory: relative paths are resolved against it.
    pub cwd: PathBuf,
    overrides: RwLock<HashMap<PathBuf, Arc<str>>>,
    indexes: Mutex<HashMap<TypeId, Arc<dyn Any + Send + Sync>>>,
}

/// `a/./b/../c` → `a/c`, made absolute against `cwd`, without touching the disk.
pub fn normalize(cwd: &Path, path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        cwd.join(path)
    };
    let mut out = PathBuf::new();
    for component in joined.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

impl Project {
    pub fn new(cwd: PathBuf) -> Project {
        Project {
            cwd,
            overrides: RwLock::default(),
            indexes: Mutex::default(),
        }
    }

    /// Makes `text` the content of `path` for this project (an unsaved editor buffer, stdin).
    pub fn set_override(&self, path: &Path, text: Arc<str>) {
        let path = normalize(&self.cwd, path);
        self.overrides.write().unwrap().insert(path, text);
    }

    pub fn remove_override(&self, path: &Path) {
        let path = normalize(&self.cwd, path);
        self.overrides.write().unwrap().remove(&path);
    }

    /// A file's text: the override if there is one, else the disk.
    pub fn read(&self, path: &Path) -> io::Result<Arc<str>> {
        let normalized = normalize(&self.cwd, path);
        if let Some(text) = self.overrides.read().unwrap().get(&normalized) {
            return Ok(Arc::clone(text));
        }
        let bytes = std::fs::read(&normalized)?;
        String::from_utf8(bytes)
            .map(Arc::from)
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "not valid UTF-8"))
    }

    /// Whether a file exists, for the project (overrides count).
    pub fn exists(&self, path: &Path) -> bool {
        let normalized = normalize(&self.cwd, path);
        self.overrides.read().unwrap().contains_key(&normalized) || normalized.is_file()
    }

    /// The index `T` for `key`, built on first use.
    pub fn index<T: ProjectIndex>(&self, key: &T::Key) -> Arc<T> {
        let map = {
            let mut indexes = self.indexes.lock().unwrap();
            let any = indexes
                .entry(TypeId::of::<T>())
                .or_insert_with(|| Arc::new(SlotMap::<T>::default()) as Arc<dyn Any + Send + Sync>);
            Arc::clone(any)
                .downcast::<SlotMap<T>>()
                .expect("one map type per index type")
        };
        let slot = Arc::clone(map.lock().unwrap().entry(key.clone()).or_default());
        Arc::clone(slot.get_or_init(|| Arc::new(T::build(self, key))))
    }

    /// Forgets every index (files changed): the next request rebuilds what it needs.
    pub fn invalidate_indexes(&self) {
        self.indexes.lock().unwrap().clear();
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    static BUILDS: AtomicUsize = AtomicUsize::new(0);

    struct LineCount(usize);

    impl ProjectIndex for LineCount {
        type Key = PathBuf;

        fn build(project: &Project, key: &PathBuf) -> LineCount {
            BUILDS.fetch_add(1, Ordering::SeqCst);
            LineCount(project.read(key).map(|t| t.lines().count()).unwrap_or(0))
        }
    }

    #[test]
    fn indexes_are_built_once_per_key_and_overrides_win() {
        let dir = std::env::temp_dir().join(format!("prodlint-project-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("a.ts"), "1\n2\n").unwrap();
        let project = Project::new(dir.clone());
        project.set_override(Path::new("b.ts"), Arc::from("1\n2\n3\n"));
        let before = BUILDS.load(Ordering::SeqCst);
        std::thread::scope(|scope| {
            for _ in 0..8 {
                scope.spawn(|| {
                    assert_eq!(project.index::<LineCount>(&dir.join("a.ts")).0, 2);
                    assert_eq!(project.index::<LineCount>(&dir.join("./x/../b.ts")).0, 3);
                });
            }
        });
        assert_eq!(BUILDS.load(Ordering::SeqCst) - before, 2);
        assert!(project.exists(Path::new("b.ts")) && !project.exists(Path::new("c.ts")));
        project.invalidate_indexes();
        project.index::<LineCount>(&dir.join("a.ts"));
        assert_eq!(BUILDS.load(Ordering::SeqCst) - before, 3);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
