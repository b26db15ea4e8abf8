//! The project's own TS/JS sources as project-wide indexes read them (the setting readers,
//! the servers' hosts, the socket clients, the developer scripts): listed once per run and
//! read once for the markers of all of them, whichever index asks first.
//!
//! Each of those indexes used to walk the whole tree and read every file for its own
//! markers; on a monorepo of 9,000 directories the walk alone cost more than the rule that
//! asked, and every further index paid it again.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};

use aho_corasick::AhoCorasick;
use prodlint_core::{Project, ProjectIndex};

use crate::{parse, JsFile, EXTENSIONS};

/// Directories that hold no project source.
const SKIPPED_DIRS: &[&str] = &[
    "node_modules",
    "dist",
    "build",
    "target",
    "coverage",
    "vendor",
    "out",
];

/// At most this many files are looked at by a project-wide index (a monorepo's files of
/// interest are near the top): the first ones in path order.
const MAX_PROJECT_FILES: usize = 20_000;

/// The TS/JS source files under a directory (the key), in path order: `node_modules`,
/// build output, hidden directories, declaration files and minified bundles are skipped.
#[derive(Debug, Default)]
pub struct ProjectSources {
    pub files: Vec<PathBuf>,
}

impl ProjectIndex for ProjectSources {
    /// An absolute, normalized directory.
    type Key = PathBuf;

    fn build(project: &Project, root: &PathBuf) -> ProjectSources {
        ProjectSources {
            files: list_sources(project, root, rayon::current_num_threads()),
        }
    }
}

/// The files of `root`'s project sources, listed once per run.
pub(crate) fn project_sources(project: &Project, root: &Path) -> Arc<ProjectSources> {
    project.index::<ProjectSources>(&prodlint_core::normalize(&project.cwd, root))
}

fn is_skipped_dir(name: &str) -> bool {
    name.starts_with('.') || SKIPPED_DIRS.contains(&name)
}

fn is_source(name: &str) -> bool {
    let extension = name.rsplit('.').next().unwrap_or("");
    EXTENSIONS.contains(&extension) && !name.ends_with(".min.js") && !name.ends_with(".d.ts")
}

/// The sources under `root`, in path order, listed on up to `threads` threads that share
/// one stack of directories still to read. A listing that passes [`MAX_PROJECT_FILES`] is
/// abandoned for the sequential walk, which stops at exactly that many in path order
/// (what a tree with a symbolic link loop needs too).
fn list_sources(project: &Project, root: &Path, threads: usize) -> Vec<PathBuf> {
    struct Walk {
        pending: Vec<PathBuf>,
        /// Threads reading a directory, which may add more.
        busy: usize,
        found: usize,
        over: bool,
    }
    let state = Mutex::new(Walk {
        pending: vec![root.to_path_buf()],
        busy: 0,
        found: 0,
        over: false,
    });
    let wake = Condvar::new();
    let worker = || {
        let mut files = Vec::new();
        let mut walk = state.lock().unwrap();
        loop {
            if walk.over {
                break;
            }
            let Some(dir) = walk.pending.pop() else {
                if walk.busy == 0 {
                    break;
                }
                walk = wake.wait(walk).unwrap();
                continue;
            };
            walk.busy += 1;
            drop(walk);
            let mut dirs = Vec::new();
            let before = files.len();
            for (path, is_dir) in project.read_dir(&dir).unwrap_or_default() {
                let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
                if is_dir {
                    if !is_skipped_dir(name) {
                        dirs.push(path);
                    }
                } else if is_source(name) {
                    files.push(path);
                }
            }
            walk = state.lock().unwrap();
            walk.busy -= 1;
            walk.found += files.len() - before;
            walk.over |= walk.found > MAX_PROJECT_FILES;
            walk.pending.extend(dirs);
            wake.notify_all();
        }
        files
    };
    let threads = threads.max(1);
    let mut files: Vec<PathBuf> = if threads == 1 {
        worker()
    } else {
        std::thread::scope(|scope| {
            let runs: Vec<_> = (0..threads).map(|_| scope.spawn(worker)).collect();
            runs.into_iter()
                .flat_map(|run| run.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
                .collect()
        })
    };
    if state.into_inner().unwrap().over {
        return walk_in_order(project, root);
    }
    files.sort();
    files
}

/// The first [`MAX_PROJECT_FILES`] sources under `root` in path order, walked depth first
/// on one thread (directories read in sorted order give their files in path order).
fn walk_in_order(project: &Project, root: &Path) -> Vec<PathBuf> {
    fn walk(project: &Project, dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = project.read_dir(dir) else {
            return;
        };
        for (path, is_dir) in entries {
            if out.len() >= MAX_PROJECT_FILES {
                return;
            }
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if is_dir {
                if !is_skipped_dir(name) {
                    walk(project, &path, out);
                }
            } else if is_source(name) {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(project, root, &mut files);
    files
}

/// The sets of markers of the project-wide indexes that read the project's sources: what
/// a file has to contain to be worth parsing for the index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Marked {
    /// A function that reads an environment variable by a computed name
    /// ([`crate::env_readers`]).
    EnvReads,
    /// A server started ([`crate::listen_hosts`]).
    Servers,
    /// A WebSocket or Socket.IO client ([`crate::socket_clients`]).
    SocketClients,
}

impl Marked {
    const ALL: [Marked; 3] = [Marked::EnvReads, Marked::Servers, Marked::SocketClients];

    fn markers(self) -> &'static [&'static str] {
        match self {
            Marked::EnvReads => crate::env_readers::MARKERS,
            Marked::Servers => crate::listen_hosts::MARKERS,
            Marked::SocketClients => crate::socket_clients::MARKERS,
        }
    }

    fn bit(self) -> u8 {
        1 << self as u8
    }
}

/// Which sets of markers each source under a directory (the key) contains: every source
/// read once, for all the indexes, by the first of them that is built. Only the files
/// with a marker are kept.
#[derive(Debug, Default)]
struct MarkedSources {
    files: Vec<(PathBuf, u8)>,
}

impl ProjectIndex for MarkedSources {
    type Key = PathBuf;

    fn build(project: &Project, root: &PathBuf) -> MarkedSources {
        let markers: Vec<(&str, u8)> = Marked::ALL
            .iter()
            .flat_map(|set| set.markers().iter().map(|m| (*m, set.bit())))
            .collect();
        // Leftmost-first matches, which the vectorised searchers serve, see every marker:
        // none starts inside another (a unit test checks it).
        let searcher = AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostFirst)
            .build(markers.iter().map(|(m, _)| m))
            .expect("the markers are a handful of short strings");
        let every = Marked::ALL.iter().fold(0, |all, set| all | set.bit());
        let sources = project_sources(project, root);
        let masks = parallel_map(&sources.files, rayon::current_num_threads(), |path| {
            let text = project.read(path).ok()?;
            let mut mask = 0;
            for found in searcher.find_iter(&*text) {
                mask |= markers[found.pattern().as_usize()].1;
                if mask == every {
                    break;
                }
            }
            (mask != 0).then_some(mask)
        });
        MarkedSources {
            files: sources
                .files
                .iter()
                .zip(masks)
                .filter_map(|(path, mask)| Some((path.clone(), mask?)))
                .collect(),
        }
    }
}

/// Parses the sources under `root` that contain one of the markers of `set`, and gives
/// each to `each` in path order; files that cannot be read or parsed are skipped, as a
/// project-wide index knows nothing from them.
pub(crate) fn parse_marked_sources(
    project: &Project,
    root: &Path,
    set: Marked,
    each: impl FnMut(PathBuf, JsFile),
) {
    let root = prodlint_core::normalize(&project.cwd, root);
    let marked = project.index::<MarkedSources>(&root);
    let files: Vec<PathBuf> = marked
        .files
        .iter()
        .filter(|(_, mask)| mask & set.bit() != 0)
        .map(|(path, _)| path.clone())
        .collect();
    parse_files(project, &files, |_| true, each);
}

/// Parses the sources under `root` whose text names one of `names` as a module
/// specifier's last segment (a cheap filter before parsing), and gives each to `each` in
/// path order; files that cannot be read or parsed are skipped. For an index whose names
/// depend on the project (the stems of its candidate scripts); fixed markers belong in
/// [`Marked`], read in the shared pass.
pub(crate) fn parse_project_sources(
    project: &Project,
    root: &Path,
    names: &[&str],
    each: impl FnMut(PathBuf, JsFile),
) {
    let sources = project_sources(project, root);
    // One pass over each text for all the names (a project's scripts may be dozens).
    let Ok(searcher) = AhoCorasick::new(names) else {
        return;
    };
    parse_files(
        project,
        &sources.files,
        |text| names_a_specifier(&searcher, text),
        each,
    );
}

/// Whether `text` has one of the searcher's names where a specifier's last segment
/// stands: after a `/` or a quote, before a quote, `/` or the `.` of an extension
/// (`'./test'`, `"../scripts/test.plugin.js"`, `` `./docs/` ``). A name that is only a
/// word of the text (`test` in `it("tests …")`) is not: stems such as `test`, `index`'s
/// folder `docs`, `config` are words of most files, which would all be parsed again.
fn names_a_specifier(searcher: &AhoCorasick, text: &str) -> bool {
    let bytes = text.as_bytes();
    searcher.find_overlapping_iter(text).any(|found| {
        let before = found.start().checked_sub(1).map(|at| bytes[at]);
        let after = bytes.get(found.end()).copied();
        // `=` for a component's unquoted `<script src=widget.js>`.
        matches!(before, Some(b'/' | b'\'' | b'"' | b'`' | b'='))
            && matches!(after, Some(b'\'' | b'"' | b'`' | b'/' | b'.'))
    })
}

/// Reads and parses the `files` whose text `wanted` accepts, and gives each to `each` in
/// the files' order.
///
/// Reading and parsing run on all cores, a batch of files at a time (so that only a
/// batch's trees are held at once): such an index is built inside the first check that
/// asks for it, and read file by file on that one thread it was a sequential phase of the
/// run that grew with the project while the other workers waited for it. The threads are
/// scoped OS threads, not the check pool's: a pool worker waiting here for pool jobs could
/// pick up a check that asks for this same index and wait on itself.
fn parse_files(
    project: &Project,
    files: &[PathBuf],
    wanted: impl Fn(&str) -> bool + Sync,
    mut each: impl FnMut(PathBuf, JsFile),
) {
    const BATCH: usize = 512;
    // The run's thread count (`--threads`), which is the check pool's.
    let threads = rayon::current_num_threads();
    for batch in files.chunks(BATCH) {
        let parsed = parallel_map(batch, threads, |path| {
            let text = project.read(path).ok()?;
            if !wanted(&text) {
                return None;
            }
            parse(&path.to_string_lossy(), &text).ok()
        });
        for (path, parsed) in batch.iter().zip(parsed) {
            if let Some(parsed) = parsed {
                each(path.clone(), parsed);
            }
        }
    }
}

/// `f` of each item, in the items' order, on up to `threads` scoped threads that each take
/// a contiguous run of the items.
fn parallel_map<I: Sync, T: Send>(
    items: &[I],
    threads: usize,
    f: impl Fn(&I) -> Option<T> + Sync,
) -> Vec<Option<T>> {
    // Too few items to be worth a thread each.
    const MIN_PER_THREAD: usize = 16;
    let threads = threads.min(items.len() / MIN_PER_THREAD).max(1);
    if threads == 1 {
        return items.iter().map(&f).collect();
    }
    let per_thread = items.len().div_ceil(threads);
    let f = &f;
    std::thread::scope(|scope| {
        let runs: Vec<_> = items
            .chunks(per_thread)
            .map(|run| scope.spawn(move || run.iter().map(f).collect::<Vec<_>>()))
            .collect();
        runs.into_iter()
            .flat_map(|run| run.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_stand_where_a_specifier_ends() {
        let searcher = AhoCorasick::new(["test", "docs", "widget"]).unwrap();
        for text in [
            "import { x } from './test';",
            "const t = require(\"../scripts/test.plugin.js\");",
            "await import(`./docs/`);",
            "export * from '../test-utils/x'; import y from '../test'",
            "<script src=\"/scripts/widget.js\"></script>",
            "<script src=widget.js></script>",
        ] {
            assert!(names_a_specifier(&searcher, text), "{text}");
        }
        for text in [
            "it('tests the docs', () => {});",
            "import { test } from 'vitest'; // see docs/",
            "const widgets = './widgets';",
            "import x from './test-utils';",
            "test",
        ] {
            assert!(!names_a_specifier(&searcher, text), "{text}");
        }
    }

    #[test]
    fn no_marker_starts_inside_another() {
        let markers: Vec<&str> = Marked::ALL
            .iter()
            .flat_map(|set| set.markers().iter().copied())
            .collect();
        for a in &markers {
            for b in &markers {
                if a != b {
                    assert!(!a.starts_with(b), "{b} is a prefix of {a}");
                }
                for (at, _) in a.char_indices().skip(1) {
                    let tail = &a[at..];
                    assert!(
                        !tail.starts_with(b) && !b.starts_with(tail),
                        "{b} can start inside {a}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_parallel_map_keeps_the_items_order_for_any_thread_count() {
        let items: Vec<u32> = (0..1000).collect();
        let expected: Vec<Option<u32>> = items
            .iter()
            .map(|&i| (i % 3 != 0).then_some(i * 2))
            .collect();
        for threads in [1, 2, 3, 8] {
            let got = parallel_map(&items, threads, |&i| (i % 3 != 0).then_some(i * 2));
            assert_eq!(got, expected, "{threads} threads");
        }
    }

    /// A tree of sources in nested folders, with look-alikes that are no project source.
    fn tree() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        // More files than a batch and than a thread's minimum.
        for i in 0..700 {
            let folder = dir.path().join(format!("src/m{}/d{}", i % 7, i % 3));
            std::fs::create_dir_all(&folder).unwrap();
            let text = match i % 5 {
                0 => format!("const s{i} = new WebSocket(url);\n"),
                1 => format!("export const e{i} = (n) => process.env[n];\n"),
                2 => format!("app.listen(PORT); const s{i} = new WebSocket(u);\n"),
                3 => format!("import {{ y }} from './helpers';\nexport const x{i} = y;\n"),
                _ => format!("// the helpers are elsewhere\nexport const x{i} = {i};\n"),
            };
            std::fs::write(folder.join(format!("f{i:03}.ts")), text).unwrap();
        }
        std::fs::write(dir.path().join("src/broken.ts"), "new WebSocket(\n").unwrap();
        for skipped in ["node_modules/p", ".git", "dist", "src/out"] {
            std::fs::create_dir_all(dir.path().join(skipped)).unwrap();
            std::fs::write(dir.path().join(skipped).join("x.ts"), "new WebSocket(u)").unwrap();
        }
        std::fs::write(dir.path().join("src/types.d.ts"), "new WebSocket(u)").unwrap();
        std::fs::write(dir.path().join("src/a.min.js"), "new WebSocket(u)").unwrap();
        std::fs::write(dir.path().join("src/notes.md"), "new WebSocket(u)").unwrap();
        dir
    }

    #[test]
    fn a_parallel_listing_gives_the_files_of_the_ordered_walk() {
        let dir = tree();
        let project = Project::new(dir.path().to_path_buf());
        let walked = walk_in_order(&project, dir.path());
        assert_eq!(walked.len(), 701);
        assert!(walked.windows(2).all(|w| w[0] < w[1]), "in path order");
        for threads in [1, 2, 3, 8] {
            assert_eq!(
                list_sources(&project, dir.path(), threads),
                walked,
                "{threads} threads"
            );
        }
        // And the listing records the directories it read, as the walk did.
        let recording = project.recording();
        list_sources(&recording, dir.path(), 2);
        let read = recording.dependencies().flatten();
        assert!(read.contains(&prodlint_core::Dependency::Dir(
            dir.path().join("src/m3/d1")
        )));
        assert!(!read.contains(&prodlint_core::Dependency::Dir(
            dir.path().join("node_modules")
        )));
    }

    #[test]
    fn a_listing_past_the_limit_is_the_first_files_in_path_order() {
        let dir = tempfile::tempdir().unwrap();
        for folder in ["a", "b/c", "b/d", "e"] {
            std::fs::create_dir_all(dir.path().join(folder)).unwrap();
            for i in 0..(MAX_PROJECT_FILES / 3) {
                std::fs::write(dir.path().join(folder).join(format!("{i:05}.js")), "").unwrap();
            }
        }
        let project = Project::new(dir.path().to_path_buf());
        let listed = list_sources(&project, dir.path(), 2);
        assert_eq!(listed.len(), MAX_PROJECT_FILES);
        assert_eq!(listed, walk_in_order(&project, dir.path()));
        assert!(listed.first().unwrap().starts_with(dir.path().join("a")));
        let in_last = listed
            .iter()
            .filter(|p| p.starts_with(dir.path().join("e")));
        assert_eq!(
            in_last.count(),
            MAX_PROJECT_FILES - 3 * (MAX_PROJECT_FILES / 3)
        );
    }

    #[test]
    fn marked_sources_are_parsed_in_path_order_and_only_those_of_the_set() {
        let dir = tree();
        let project = Project::new(dir.path().to_path_buf());
        let containing = |markers: &[&str]| -> Vec<PathBuf> {
            walk_in_order(&project, dir.path())
                .into_iter()
                .filter(|p| {
                    let text = std::fs::read_to_string(p).unwrap();
                    markers.iter().any(|m| text.contains(m)) && !p.ends_with("broken.ts")
                })
                .collect()
        };
        let marked = |set: Marked| {
            let mut seen = Vec::new();
            parse_marked_sources(&project, dir.path(), set, |path, _| seen.push(path));
            seen
        };
        let sockets = marked(Marked::SocketClients);
        assert_eq!(sockets.len(), 280);
        assert_eq!(sockets, containing(crate::socket_clients::MARKERS));
        let env = marked(Marked::EnvReads);
        assert_eq!(env.len(), 140);
        assert_eq!(env, containing(crate::env_readers::MARKERS));
        let servers = marked(Marked::Servers);
        assert_eq!(servers.len(), 140);
        assert_eq!(servers, containing(crate::listen_hosts::MARKERS));
        // An index's own names read the same listing, and only where a specifier ends.
        let mut seen = Vec::new();
        parse_project_sources(&project, dir.path(), &["helpers"], |path, _| {
            seen.push(path)
        });
        assert_eq!(seen.len(), 140);
        assert_eq!(seen, containing(&["'./helpers'"]));
    }
}
