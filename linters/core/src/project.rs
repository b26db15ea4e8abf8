//! What a run knows beyond the file being checked: the contents of other files (editor
//! buffers and standard input win over the disk) and indexes built from them on demand.
//!
//! Rules that need facts from other files (the struct behind `self`, the module an import
//! points at, the other composables of a Nuxt app) ask for an index by type and key; it is
//! built once, by the first thread that asks, while other threads asking for the same key
//! wait and those asking for other keys go on. That is how a pre-commit hook that names
//! three files still sees their whole project, and pays only for what those files need.

use std::any::{Any, TypeId};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::hash::Hash;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, RwLock};

use crate::dependency::{Dependency, DependencyState};
use crate::source::SourceFile;

/// A fact about the project, built from files on first use and then shared read-only.
///
/// `build` may ask the project for other indexes, but never (even indirectly) for its own
/// key: that would wait on itself. Indexes over graphs with cycles (re-exports) keep
/// per-node facts here and follow the edges at query time with a visited set.
pub trait ProjectIndex: Send + Sync + Sized + 'static {
    type Key: Clone + Eq + Hash + Send + Sync + 'static;

    /// Whether the index reads the file system behind the project's back (a resolver with
    /// its own cache), so that what it read is not recorded: an editor's project then drops
    /// it whenever anything on disk may have changed.
    const READS_DISK_DIRECTLY: bool = false;

    fn build(project: &Project, key: &Self::Key) -> Self;
}

/// What a view read: directly, and through the indexes it used. An index's dependencies
/// are one shared set, so that a thousand files using one crate index do not each copy the
/// crate's file list.
#[derive(Debug, Default, Clone)]
pub struct Dependencies {
    pub direct: BTreeSet<Dependency>,
    /// One set per index used, each listed once.
    pub indexes: Vec<Arc<BTreeSet<Dependency>>>,
}

impl Dependencies {
    /// Everything, in one set.
    pub fn flatten(&self) -> BTreeSet<Dependency> {
        let mut all = self.direct.clone();
        for index in &self.indexes {
            all.extend(index.iter().cloned());
        }
        all
    }
}

/// The dependencies recorded by one view of the project.
#[derive(Debug, Default)]
struct Recorder {
    dependencies: Mutex<Recorded>,
}

#[derive(Debug, Default)]
struct Recorded {
    dependencies: Dependencies,
    /// The addresses of the sets in `dependencies.indexes`, so that a view using thousands
    /// of indexes (a crate index over every file of a workspace) lists each once without
    /// comparing it with all the others.
    index_sets: HashSet<usize>,
}

impl Recorded {
    /// Lists an index's dependency set once, however many times it is used.
    fn add_index(&mut self, set: &Arc<BTreeSet<Dependency>>) {
        if self.index_sets.insert(Arc::as_ptr(set) as usize) {
            self.dependencies.indexes.push(Arc::clone(set));
        }
    }
}

/// Where a built index came from: what its build read, and, in an editor's project, how
/// the disk looked right after (to tell later whether it still holds).
struct Provenance {
    /// Everything the build read, what the indexes it used read included: what a result
    /// cache entry that used the index depends on.
    dependencies: Arc<BTreeSet<Dependency>>,
    /// What the build read itself.
    direct: BTreeSet<Dependency>,
    /// The state of each of those right after the build ([`Project::long_lived`] only).
    states: Vec<DependencyState>,
    /// The `dependencies` of the indexes the build used: it holds while they do, so that
    /// a crate index over a thousand files need not check those files itself.
    nested: Vec<Arc<BTreeSet<Dependency>>>,
}

type Built<T> = (Arc<T>, Provenance);
type Slot<T> = Arc<OnceLock<Built<T>>>;

/// The built indexes of one type, by key.
struct SlotMap<T: ProjectIndex>(Mutex<HashMap<T::Key, Slot<T>>>);

/// Indexes taken out of the project, to be freed.
type Dropped = Vec<Box<dyn Any + Send>>;

/// A [`SlotMap`] of any index type, for what the project does to all of them.
trait AnySlotMap: Send + Sync + 'static {
    fn as_any(self: Arc<Self>) -> Arc<dyn Any + Send + Sync>;
    fn reads_disk_directly(&self) -> bool;
    /// Keeps the built indexes `holds` accepts and moves the rest (and any still being
    /// built) to `dropped`.
    fn retain(&self, holds: &dyn Fn(&Provenance) -> bool, dropped: &mut Dropped);
    /// The addresses of the dependency sets of the built indexes (they name the indexes).
    fn built(&self, out: &mut HashSet<usize>);
}

impl<T: ProjectIndex> AnySlotMap for SlotMap<T> {
    fn as_any(self: Arc<Self>) -> Arc<dyn Any + Send + Sync> {
        self
    }

    fn reads_disk_directly(&self) -> bool {
        T::READS_DISK_DIRECTLY
    }

    fn retain(&self, holds: &dyn Fn(&Provenance) -> bool, dropped: &mut Dropped) {
        let mut slots = self.0.lock().unwrap();
        let gone = slots
            .extract_if(|_, slot| !slot.get().is_some_and(|(_, provenance)| holds(provenance)));
        dropped.extend(gone.map(|(_, slot)| Box::new(slot) as Box<dyn Any + Send>));
    }

    fn built(&self, out: &mut HashSet<usize>) {
        for slot in self.0.lock().unwrap().values() {
            if let Some((_, provenance)) = slot.get() {
                out.insert(Arc::as_ptr(&provenance.dependencies) as usize);
            }
        }
    }
}

struct Shared {
    overrides: RwLock<HashMap<PathBuf, Arc<str>>>,
    indexes: Mutex<HashMap<TypeId, Arc<dyn AnySlotMap>>>,
    /// Whether built indexes keep the state of what they read ([`Project::refresh`]).
    keeps_states: bool,
    /// Where indexes may keep what outlives the run (dependency signatures); `None`:
    /// nothing is written.
    cache_dir: Option<PathBuf>,
}

/// The project of one run (or, in the editor, of one session).
///
/// A `Project` is a view of shared state; [`Project::recording`] makes a view that also
/// records what is read through it, including what the indexes it uses read when they were
/// built. That is what a cache entry of a checked file depends on.
pub struct Project {
    /// The working directory: relative paths are resolved against it.
    pub cwd: PathBuf,
    shared: Arc<Shared>,
    recorder: Option<Arc<Recorder>>,
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
        Project::with_states(cwd, false)
    }

    /// A project that lives across runs (an editor session): its indexes keep the state of
    /// the files they read, so that [`Project::refresh`] drops only those that changed.
    pub fn long_lived(cwd: PathBuf) -> Project {
        Project::with_states(cwd, true)
    }

    fn with_states(cwd: PathBuf, keeps_states: bool) -> Project {
        Project {
            cwd,
            shared: Arc::new(Shared {
                overrides: RwLock::default(),
                indexes: Mutex::default(),
                keeps_states,
                cache_dir: None,
            }),
            recorder: None,
        }
    }

    /// The project with `dir` as the directory where indexes may keep files between runs
    /// (without one, they write nothing). Set before the project is shared.
    pub fn with_cache_dir(mut self, dir: PathBuf) -> Project {
        Arc::get_mut(&mut self.shared)
            .expect("the cache directory is set before the project is shared")
            .cache_dir = Some(normalize(&self.cwd, &dir));
        self
    }

    /// Where indexes may keep files between runs, if anywhere.
    pub fn cache_dir(&self) -> Option<&Path> {
        self.shared.cache_dir.as_deref()
    }

    /// A view of the same project that records every file and directory read through it.
    pub fn recording(&self) -> Project {
        Project {
            cwd: self.cwd.clone(),
            shared: Arc::clone(&self.shared),
            recorder: Some(Arc::default()),
        }
    }

    /// What this view recorded (empty for a view that does not record).
    pub fn dependencies(&self) -> Dependencies {
        self.recorder
            .as_ref()
            .map(|r| r.dependencies.lock().unwrap().dependencies.clone())
            .unwrap_or_default()
    }

    /// Records in this view what another view recorded: for a result computed once
    /// through its own recording view and then shared, so that every user of the result
    /// depends on what computing it read.
    pub fn replay(&self, dependencies: &Dependencies) {
        let Some(recorder) = &self.recorder else {
            return;
        };
        let mut recorded = recorder.dependencies.lock().unwrap();
        recorded
            .dependencies
            .direct
            .extend(dependencies.direct.iter().cloned());
        for set in &dependencies.indexes {
            recorded.add_index(set);
        }
    }

    fn record(&self, dependency: Dependency) {
        if let Some(recorder) = &self.recorder {
            recorder
                .dependencies
                .lock()
                .unwrap()
                .dependencies
                .direct
                .insert(dependency);
        }
    }

    /// Makes `text` the content of `path` for this project (an unsaved editor buffer,
    /// stdin). Returns whether that changed what the project reads there.
    pub fn set_override(&self, path: &Path, text: Arc<str>) -> bool {
        let path = normalize(&self.cwd, path);
        let previous = self
            .shared
            .overrides
            .write()
            .unwrap()
            .insert(path, text.clone());
        previous.is_none_or(|previous| previous != text)
    }

    /// Makes the disk the content of `path` again. Returns whether it had an override.
    pub fn remove_override(&self, path: &Path) -> bool {
        let path = normalize(&self.cwd, path);
        self.shared
            .overrides
            .write()
            .unwrap()
            .remove(&path)
            .is_some()
    }

    /// Whether the project has any override (an editor buffer, stdin).
    pub fn has_overrides(&self) -> bool {
        !self.shared.overrides.read().unwrap().is_empty()
    }

    /// Whether the project has an override (an editor buffer, stdin) for `path`.
    pub fn has_override(&self, path: &Path) -> bool {
        let path = normalize(&self.cwd, path);
        self.shared.overrides.read().unwrap().contains_key(&path)
    }

    /// A file's text: the override if there is one, else the disk.
    pub fn read(&self, path: &Path) -> io::Result<Arc<str>> {
        let normalized = normalize(&self.cwd, path);
        self.record(Dependency::File(normalized.clone()));
        if let Some(text) = self.shared.overrides.read().unwrap().get(&normalized) {
            return Ok(Arc::clone(text));
        }
        crate::files::read_regular_to_string(&normalized).map(Arc::from)
    }

    /// Records that this view depends on the text of `path`, read through the project by
    /// the caller a moment ago: for facts made from that text without reading it again.
    pub fn record_file(&self, path: &Path) {
        self.record(Dependency::File(normalize(&self.cwd, path)));
    }

    /// Whether built indexes keep the state of the files they read right after the build
    /// (an editor's project, [`Project::long_lived`]): facts made from a text read earlier
    /// must then be checked against the disk, or a change in between would be stamped as
    /// seen.
    pub fn keeps_states(&self) -> bool {
        self.shared.keeps_states
    }

    /// A file as a [`SourceFile`] for labels that point into it, shown relative to the
    /// working directory.
    pub fn source_file(&self, path: &Path) -> Option<Arc<SourceFile>> {
        let text = self.read(path).ok()?;
        let normalized = normalize(&self.cwd, path);
        let display = normalized
            .strip_prefix(&self.cwd)
            .unwrap_or(&normalized)
            .to_string_lossy()
            .replace('\\', "/");
        Some(Arc::new(SourceFile::new(
            path.to_path_buf(),
            display,
            text.to_string(),
        )))
    }

    /// Whether a file exists, for the project (overrides count).
    pub fn exists(&self, path: &Path) -> bool {
        let normalized = normalize(&self.cwd, path);
        self.record(Dependency::File(normalized.clone()));
        self.shared
            .overrides
            .read()
            .unwrap()
            .contains_key(&normalized)
            || normalized.is_file()
    }

    /// Whether a directory exists (recorded as a dependency on its listing, which tells
    /// when it appears or goes).
    pub fn is_dir(&self, path: &Path) -> bool {
        let normalized = normalize(&self.cwd, path);
        self.record(Dependency::Dir(normalized.clone()));
        normalized.is_dir()
    }

    /// The entries of a directory, sorted, as `(path, is_dir)`.
    pub fn read_dir(&self, dir: &Path) -> io::Result<Vec<(PathBuf, bool)>> {
        let normalized = normalize(&self.cwd, dir);
        self.record(Dependency::Dir(normalized.clone()));
        let mut entries: Vec<(PathBuf, bool)> = std::fs::read_dir(&normalized)?
            .flatten()
            // Not part of the project, nor of the listing it is recorded by.
            .filter(|entry| entry.file_name() != crate::dependency::CACHE_DIR_NAME)
            .map(|entry| {
                let is_dir = entry.file_type().map(|t| t.is_dir()).unwrap_or(false)
                    || (entry.file_type().is_ok_and(|t| t.is_symlink()) && entry.path().is_dir());
                (entry.path(), is_dir)
            })
            .collect();
        entries.sort();
        Ok(entries)
    }

    /// Whether the index `T` for `key` has been built (or provided) already; nothing is
    /// built by asking.
    pub fn is_built<T: ProjectIndex>(&self, key: &T::Key) -> bool {
        let Some(any) = self
            .shared
            .indexes
            .lock()
            .unwrap()
            .get(&TypeId::of::<T>())
            .cloned()
        else {
            return false;
        };
        let map = any
            .as_any()
            .downcast::<SlotMap<T>>()
            .expect("one map type per index type");
        let slots = map.0.lock().unwrap();
        slots.get(key).is_some_and(|slot| slot.get().is_some())
    }

    /// The index `T` for `key`, built on first use. The files its build read become
    /// dependencies of this view too.
    pub fn index<T: ProjectIndex>(&self, key: &T::Key) -> Arc<T> {
        self.index_or_provide(key, |builder| T::build(builder, key))
    }

    /// The index `T` for `key`: the one built already, or else what `provide` makes, as
    /// though `T::build` had made it (what `provide` reads through the project it is given
    /// becomes the index's dependencies). For facts that a phase has at hand anyway, such
    /// as those of a file just parsed for its own check, so that it is not parsed again
    /// when another file asks for them.
    pub fn index_or_provide<T: ProjectIndex>(
        &self,
        key: &T::Key,
        provide: impl FnOnce(&Project) -> T,
    ) -> Arc<T> {
        let map = {
            let mut indexes = self.shared.indexes.lock().unwrap();
            let any = indexes
                .entry(TypeId::of::<T>())
                .or_insert_with(|| Arc::new(SlotMap::<T>(Mutex::default())) as Arc<dyn AnySlotMap>);
            Arc::clone(any)
                .as_any()
                .downcast::<SlotMap<T>>()
                .expect("one map type per index type")
        };
        let slot = Arc::clone(map.0.lock().unwrap().entry(key.clone()).or_default());
        let (value, provenance) = slot.get_or_init(|| {
            let builder = self.recording();
            let value = provide(&builder);
            let read = builder.dependencies();
            let states = if self.shared.keeps_states {
                read.direct.iter().map(DependencyState::stamped).collect()
            } else {
                Vec::new()
            };
            let provenance = Provenance {
                dependencies: Arc::new(read.flatten()),
                nested: read.indexes,
                direct: read.direct,
                states,
            };
            (Arc::new(value), provenance)
        });
        if let Some(recorder) = &self.recorder {
            recorder
                .dependencies
                .lock()
                .unwrap()
                .add_index(&provenance.dependencies);
        }
        Arc::clone(value)
    }

    /// Drops the indexes that may no longer hold, keeping the rest for the next run: those
    /// that read a path in `edited` (editor buffers changed, opened or closed) and, in a
    /// [`Project::long_lived`] one, those whose files or directories on disk changed since
    /// they were built; then those built from an index that was dropped. Indexes that read
    /// the disk behind the project's back go too when the disk changed, as far as the
    /// others tell or as `disk_changed` says. Returns how many indexes were dropped.
    pub fn refresh(&self, edited: &BTreeSet<PathBuf>, disk_changed: bool) -> usize {
        let maps: Vec<Arc<dyn AnySlotMap>> = self
            .shared
            .indexes
            .lock()
            .unwrap()
            .values()
            .cloned()
            .collect();
        let (direct, tracked): (Vec<_>, Vec<_>) = maps
            .iter()
            .cloned()
            .partition(|map| map.reads_disk_directly());
        let on_disk =
            |provenance: &Provenance| provenance.states.iter().all(DependencyState::unchanged);
        let not_edited = |provenance: &Provenance| {
            !edited
                .iter()
                .any(|path| provenance.direct.contains(&Dependency::File(path.clone())))
        };
        let mut for_disk = Dropped::new();
        let mut dropped = Dropped::new();
        for map in &tracked {
            map.retain(&on_disk, &mut for_disk);
            map.retain(&not_edited, &mut dropped);
        }
        if disk_changed || !for_disk.is_empty() {
            for map in &direct {
                map.retain(&|_| false, &mut for_disk);
            }
        }
        dropped.append(&mut for_disk);
        // An index built from one that is gone goes too, up the chain.
        loop {
            let mut alive = HashSet::new();
            for map in &maps {
                map.built(&mut alive);
            }
            let before = dropped.len();
            for map in &maps {
                let holds = |provenance: &Provenance| {
                    provenance
                        .nested
                        .iter()
                        .all(|set| alive.contains(&(Arc::as_ptr(set) as usize)))
                };
                map.retain(&holds, &mut dropped);
            }
            if dropped.len() == before {
                break;
            }
        }
        let count = dropped.len();
        // A crate index is a great many small allocations: free them off the path from
        // the keystroke to the diagnostics.
        if count > 0 {
            std::thread::spawn(move || drop(dropped));
        }
        count
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
        let edited: BTreeSet<PathBuf> = [dir.join("a.ts")].into();
        assert_eq!(project.refresh(&edited, false), 1);
        project.index::<LineCount>(&dir.join("a.ts"));
        assert_eq!(BUILDS.load(Ordering::SeqCst) - before, 3);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_provided_index_is_not_built_and_a_built_one_not_replaced() {
        let dir = std::env::temp_dir().join(format!("prodlint-provide-{}", std::process::id()));
        let project = Project::new(dir.clone());
        let recording = project.recording();
        let path = dir.join("p.ts");
        project.set_override(&path, Arc::from("1\n"));
        let before = BUILDS.load(Ordering::SeqCst);
        let provided = recording.index_or_provide::<LineCount>(&path, |builder| {
            let _ = builder.read(&path);
            LineCount(7)
        });
        assert_eq!(provided.0, 7);
        // Later users get what was provided, without a build.
        assert_eq!(project.index::<LineCount>(&path).0, 7);
        assert_eq!(BUILDS.load(Ordering::SeqCst), before);
        // And the view that provided it depends on what providing it read.
        assert!(recording
            .dependencies()
            .flatten()
            .contains(&Dependency::File(path.clone())));
        let again = project.index_or_provide::<LineCount>(&path, |_| LineCount(9));
        assert_eq!(again.0, 7);
    }

    #[test]
    fn a_replayed_view_depends_on_what_another_read() {
        let dir = std::env::temp_dir().join(format!("prodlint-replay-{}", std::process::id()));
        let project = Project::new(dir.clone());
        let first = project.recording();
        let _ = first.exists(&dir.join("package.json"));
        let second = project.recording();
        assert!(second.dependencies().flatten().is_empty());
        second.replay(&first.dependencies());
        assert_eq!(
            second.dependencies().flatten(),
            first.dependencies().flatten()
        );
        // A view that records nothing stays so.
        project.replay(&first.dependencies());
        assert!(project.dependencies().flatten().is_empty());
    }

    struct Listing(usize);

    impl ProjectIndex for Listing {
        type Key = PathBuf;

        fn build(project: &Project, dir: &PathBuf) -> Listing {
            let entries = project.read_dir(dir).unwrap_or_default();
            for (path, _) in &entries {
                let _ = project.read(path);
            }
            Listing(entries.len())
        }
    }

    #[test]
    fn a_recording_view_sees_what_its_indexes_read() {
        let dir = std::env::temp_dir().join(format!("prodlint-deps-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("a.ts"), "a").unwrap();
        std::fs::write(dir.join("b.ts"), "b").unwrap();
        let project = Project::new(dir.clone());
        let first = project.recording();
        assert_eq!(first.index::<Listing>(&dir).0, 2);
        let expected: BTreeSet<Dependency> = [
            Dependency::Dir(dir.clone()),
            Dependency::File(dir.join("a.ts")),
            Dependency::File(dir.join("b.ts")),
        ]
        .into();
        assert_eq!(first.dependencies().flatten(), expected);
        // A second view that uses the index already built still depends on what built it.
        let second = project.recording();
        second.index::<Listing>(&dir);
        let _ = second.exists(Path::new("c.ts"));
        let mut with_probe = expected.clone();
        with_probe.insert(Dependency::File(dir.join("c.ts")));
        assert_eq!(second.dependencies().flatten(), with_probe);
        assert!(
            project.dependencies().flatten().is_empty(),
            "the plain view records nothing"
        );
        std::fs::remove_dir_all(dir).unwrap();
    }

    static RESOLVER_BUILDS: AtomicUsize = AtomicUsize::new(0);

    /// Stands for an index that reads the disk itself (a resolver with its own cache).
    struct Resolver;

    impl ProjectIndex for Resolver {
        type Key = ();
        const READS_DISK_DIRECTLY: bool = true;

        fn build(_: &Project, _: &()) -> Resolver {
            RESOLVER_BUILDS.fetch_add(1, Ordering::SeqCst);
            Resolver
        }
    }

    /// Like `LineCount`, without its counter (tests run in parallel).
    struct Lines(usize);

    impl ProjectIndex for Lines {
        type Key = PathBuf;

        fn build(project: &Project, key: &PathBuf) -> Lines {
            Lines(project.read(key).map(|t| t.lines().count()).unwrap_or(0))
        }
    }

    #[test]
    fn refresh_drops_only_what_changed() {
        let dir = std::env::temp_dir().join(format!("prodlint-refresh-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("d")).unwrap();
        std::fs::write(dir.join("a.ts"), "1\n").unwrap();
        std::fs::write(dir.join("d/x.ts"), "x").unwrap();
        let project = Project::long_lived(dir.clone());
        assert!(project.set_override(&dir.join("b.ts"), Arc::from("1\n2\n")));
        assert!(!project.set_override(&dir.join("b.ts"), Arc::from("1\n2\n")));
        let build = || {
            (
                project.index::<Lines>(&dir.join("a.ts")).0,
                project.index::<Lines>(&dir.join("b.ts")).0,
                project.index::<Listing>(&dir.join("d")).0,
                project.index::<Resolver>(&()),
            )
        };
        build();
        let nothing = BTreeSet::new();
        assert_eq!(project.refresh(&nothing, false), 0, "nothing changed");

        // An edited buffer drops what read it, and nothing else.
        assert!(project.set_override(&dir.join("b.ts"), Arc::from("1\n")));
        let edited: BTreeSet<PathBuf> = [dir.join("b.ts")].into();
        assert_eq!(project.refresh(&edited, false), 1);
        assert_eq!(build().1, 1);

        // A file changed on disk, and a file added to a listed directory: the indexes
        // that read them go, and so does the one that reads the disk itself.
        let resolver_builds = RESOLVER_BUILDS.load(Ordering::SeqCst);
        // A directory's time has the file system's granularity: let it move on.
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(dir.join("a.ts"), "1\n2\n3\n").unwrap();
        std::fs::write(dir.join("d/y.ts"), "y").unwrap();
        assert_eq!(project.refresh(&nothing, false), 3);
        assert_eq!(build().0, 3);
        assert_eq!(build().2, 2);
        assert_eq!(RESOLVER_BUILDS.load(Ordering::SeqCst), resolver_builds + 1);

        // The client's word that the disk changed is enough for the last one.
        assert_eq!(project.refresh(&nothing, true), 1);
        std::fs::remove_dir_all(dir).unwrap();
    }

    /// An index built from two others.
    struct Sum(usize);

    impl ProjectIndex for Sum {
        type Key = (PathBuf, PathBuf);

        fn build(project: &Project, (a, b): &(PathBuf, PathBuf)) -> Sum {
            Sum(project.index::<Lines>(a).0 + project.index::<Lines>(b).0)
        }
    }

    #[test]
    fn an_index_built_from_a_dropped_one_is_dropped_too() {
        let dir = std::env::temp_dir().join(format!("prodlint-nested-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("a.ts"), "1\n").unwrap();
        let project = Project::long_lived(dir.clone());
        project.set_override(&dir.join("b.ts"), Arc::from("1\n2\n"));
        let key = (dir.join("a.ts"), dir.join("b.ts"));
        assert_eq!(project.index::<Sum>(&key).0, 3);
        assert_eq!(project.refresh(&BTreeSet::new(), false), 0);
        // The edit drops `Lines` of b.ts, and so `Sum`; `Lines` of a.ts stays.
        project.set_override(&dir.join("b.ts"), Arc::from("1\n"));
        let edited: BTreeSet<PathBuf> = [dir.join("b.ts")].into();
        assert_eq!(project.refresh(&edited, false), 2);
        assert_eq!(project.index::<Sum>(&key).0, 2);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn any_project_drops_what_read_an_edited_buffer() {
        let dir = std::env::temp_dir().join(format!("prodlint-edited-{}", std::process::id()));
        let project = Project::new(dir.clone());
        project.set_override(&dir.join("a.ts"), Arc::from("1\n"));
        assert_eq!(project.index::<Lines>(&dir.join("a.ts")).0, 1);
        project.set_override(&dir.join("a.ts"), Arc::from("1\n2\n"));
        let edited: BTreeSet<PathBuf> = [dir.join("a.ts")].into();
        assert_eq!(project.refresh(&edited, false), 1);
        assert_eq!(project.index::<Lines>(&dir.join("a.ts")).0, 2);
    }
}
