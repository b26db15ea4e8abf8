//! Which version of a dependency a workspace package uses, and which of its features are
//! on: `Cargo.lock`'s package graph and the workspace's `Cargo.toml` declarations.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use prodlint_core::{Project, ProjectIndex};

use crate::crate_index::Manifest;

/// One `[[package]]` of `Cargo.lock`.
#[derive(Debug, Clone)]
pub struct LockPackage {
    pub name: String,
    pub version: String,
    /// From a registry (not a path or git dependency: a workspace member has none).
    pub registry: bool,
    pub member: bool,
    /// `(name, version)`; the version only where the lock names it (several are locked).
    pub deps: Vec<(String, Option<String>)>,
}

/// The package graph of one `Cargo.lock` (keyed by its directory).
#[derive(Debug, Default)]
pub struct LockGraph {
    pub packages: Vec<LockPackage>,
}

impl ProjectIndex for LockGraph {
    type Key = PathBuf;

    fn build(project: &Project, root: &PathBuf) -> LockGraph {
        let Ok(text) = project.read(&root.join("Cargo.lock")) else {
            return LockGraph::default();
        };
        let Ok(lock) = text.parse::<toml::Table>() else {
            return LockGraph::default();
        };
        let packages = lock
            .get("package")
            .and_then(|p| p.as_array())
            .map(Vec::as_slice)
            .unwrap_or_default();
        let packages = packages
            .iter()
            .map(|package| {
                let text = |k: &str| package.get(k).and_then(|v| v.as_str()).unwrap_or("");
                let source = text("source");
                let deps = package
                    .get("dependencies")
                    .and_then(|d| d.as_array())
                    .map(|a| {
                        a.iter()
                            .filter_map(|d| d.as_str())
                            .map(|d| {
                                let mut parts = d.split(' ');
                                let name = parts.next().unwrap_or(d).to_string();
                                (name, parts.next().map(String::from))
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                LockPackage {
                    name: text("name").to_string(),
                    version: text("version").to_string(),
                    registry: source.starts_with("registry+") || source.starts_with("sparse+"),
                    member: source.is_empty(),
                    deps,
                }
            })
            .collect();
        LockGraph { packages }
    }
}

impl LockGraph {
    pub fn package(&self, name: &str, version: &str) -> Option<&LockPackage> {
        self.packages
            .iter()
            .find(|p| p.name == name && p.version == version)
    }

    /// The workspace member of this name.
    pub fn member(&self, name: &str) -> Option<&LockPackage> {
        self.packages.iter().find(|p| p.member && p.name == name)
    }

    /// The package that `from`'s dependency `name` resolves to.
    pub fn dependency(&self, from: &LockPackage, name: &str) -> Option<&LockPackage> {
        let (_, version) = from.deps.iter().find(|(n, _)| n == name)?;
        let mut found = self
            .packages
            .iter()
            .filter(|p| p.name == name && version.as_ref().is_none_or(|v| *v == p.version));
        let first = found.next()?;
        // A name without a version is unique in the lock; be sure.
        found.next().is_none().then_some(first)
    }

    /// The dependency of `from` whose library is `lib` (`tokio_util` for `tokio-util`).
    pub fn dependency_by_lib(&self, from: &LockPackage, lib: &str) -> Option<&LockPackage> {
        let name = from
            .deps
            .iter()
            .find(|(n, _)| n.replace('-', "_") == lib)
            .map(|(n, _)| n.clone())?;
        self.dependency(from, &name)
    }

    /// Whether a package outside the workspace depends on this one (and may turn on
    /// features of its own).
    pub fn has_outside_dependents(&self, package: &LockPackage) -> bool {
        self.packages.iter().filter(|p| !p.member).any(|p| {
            p.deps.iter().any(|(n, v)| {
                *n == package.name && v.as_ref().is_none_or(|v| *v == package.version)
            })
        })
    }
}

/// One dependency as a workspace package's `Cargo.toml` declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclaredDep {
    /// The package's name (`package = ".."` when renamed).
    pub package: String,
    pub features: Vec<String>,
    pub default_features: bool,
}

/// The dependencies of one workspace package, by the library name that paths use.
#[derive(Debug, Default)]
pub struct PackageDeps {
    /// `[package] name`.
    pub name: String,
    pub deps: HashMap<String, DeclaredDep>,
}

impl ProjectIndex for PackageDeps {
    /// The package's directory.
    type Key = PathBuf;

    fn build(project: &Project, dir: &PathBuf) -> PackageDeps {
        let manifest = manifest_of(project, dir);
        let Some(manifest) = &manifest.0 else {
            return PackageDeps::default();
        };
        let workspace = workspace_root(project, dir)
            .and_then(|root| {
                let manifest = manifest_of(project, &root);
                let deps = manifest.0.as_ref()?.get("workspace")?.get("dependencies")?;
                deps.as_table().cloned()
            })
            .unwrap_or_default();
        let mut out = PackageDeps {
            name: manifest
                .get("package")
                .and_then(|p| p.get("name"))
                .and_then(|n| n.as_str())
                .unwrap_or("")
                .to_string(),
            deps: HashMap::new(),
        };
        let mut tables: Vec<&toml::Table> = Vec::new();
        for key in ["dependencies", "dev-dependencies", "build-dependencies"] {
            tables.extend(manifest.get(key).and_then(|t| t.as_table()));
        }
        if let Some(targets) = manifest.get("target").and_then(|t| t.as_table()) {
            for target in targets.values() {
                for key in ["dependencies", "dev-dependencies", "build-dependencies"] {
                    tables.extend(target.get(key).and_then(|t| t.as_table()));
                }
            }
        }
        for table in tables {
            for (key, value) in table {
                let inherited = value
                    .get("workspace")
                    .and_then(|w| w.as_bool())
                    .unwrap_or(false);
                let base = if inherited { workspace.get(key) } else { None };
                let declared = declared(key, value, base);
                let lib = key.replace('-', "_");
                match out.deps.get_mut(&lib) {
                    Some(known) => {
                        known.features.extend(declared.features);
                        known.default_features |= declared.default_features;
                    }
                    None => {
                        out.deps.insert(lib, declared);
                    }
                }
            }
        }
        // `[features] tpm = ["kanidm-hsm-crypto/tpm"]`: the package's own features may turn
        // on its dependencies' features; any of them may be on.
        if let Some(features) = manifest.get("features").and_then(|f| f.as_table()) {
            for implied in features.values().filter_map(|v| v.as_array()).flatten() {
                let Some((dep, feature)) = implied.as_str().and_then(|f| f.split_once('/')) else {
                    continue;
                };
                let dep = dep.trim_end_matches('?').replace('-', "_");
                if let Some(known) = out.deps.get_mut(&dep) {
                    known.features.push(feature.to_string());
                }
            }
        }
        out
    }
}

/// The `Cargo.toml` of `dir`, parsed once per run.
fn manifest_of(project: &Project, dir: &Path) -> Arc<Manifest> {
    project.index::<Manifest>(&dir.to_path_buf())
}

/// The directory of the `[workspace]` manifest above `dir`, itself included.
fn workspace_root(project: &Project, dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .find(|d| (manifest_of(project, d).0.as_ref()).is_some_and(|t| t.contains_key("workspace")))
        .map(Path::to_path_buf)
}

/// A declaration (`"1"`, `{ version, features, default-features, package }`), completed by
/// its `[workspace.dependencies]` entry when it says `workspace = true`.
fn declared(key: &str, value: &toml::Value, base: Option<&toml::Value>) -> DeclaredDep {
    let strings = |v: Option<&toml::Value>| -> Vec<String> {
        v.and_then(|f| f.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    };
    let field = |k: &str| value.get(k).or_else(|| base.and_then(|b| b.get(k)));
    let mut features = strings(value.get("features"));
    features.extend(strings(base.and_then(|b| b.get("features"))));
    let default_features = field("default-features")
        .or_else(|| field("default_features"))
        .and_then(|d| d.as_bool())
        .unwrap_or(true);
    DeclaredDep {
        package: field("package")
            .and_then(|p| p.as_str())
            .unwrap_or(key)
            .to_string(),
        features,
        default_features,
    }
}

/// The features of a dependency that the workspace turns on: what its members declare
/// (and `default` unless every declaration turns it off), expanded through the
/// dependency's `[features]` table. `None` when a package outside the workspace depends
/// on it too, since that one may turn on more.
pub fn enabled_features(
    project: &Project,
    graph: &LockGraph,
    package: &LockPackage,
    declarations: &[DeclaredDep],
    crate_dir: &Path,
) -> Option<BTreeSet<String>> {
    if graph.has_outside_dependents(package) || declarations.is_empty() {
        return None;
    }
    let manifest = manifest_of(project, crate_dir);
    let manifest = manifest.0.as_ref()?;
    let table = manifest
        .get("features")
        .and_then(|f| f.as_table())
        .cloned()
        .unwrap_or_default();
    let mut pending: Vec<String> = declarations
        .iter()
        .flat_map(|d| d.features.iter().cloned())
        .collect();
    if declarations.iter().any(|d| d.default_features) {
        pending.push("default".into());
    }
    let mut on = BTreeSet::new();
    while let Some(feature) = pending.pop() {
        // `dep:x` turns on the optional dependency `x`; `x/y` turns on `x` and its `y`
        // (outside this crate); `x?/y` does not turn on `x`.
        let feature = match feature.split_once('/') {
            Some((_, _)) if feature.contains("?/") => continue,
            Some((dep, _)) => dep.to_string(),
            None => feature,
        };
        let feature = feature.strip_prefix("dep:").unwrap_or(&feature).to_string();
        if !on.insert(feature.clone()) {
            continue;
        }
        if let Some(implied) = table.get(&feature).and_then(|v| v.as_array()) {
            pending.extend(implied.iter().filter_map(|v| v.as_str().map(String::from)));
        }
    }
    Some(on)
}

/// [`enabled_features`] of a locked package for the workspace at a root, once per run.
pub struct WorkspaceFeatures(pub Option<BTreeSet<String>>);

impl ProjectIndex for WorkspaceFeatures {
    /// The workspace root, the directory of its `Cargo.lock`, the package's name and
    /// version, and the directory of its sources.
    type Key = (PathBuf, PathBuf, String, String, PathBuf);

    fn build(project: &Project, key: &Self::Key) -> WorkspaceFeatures {
        let (root, lock_root, name, version, crate_dir) = key;
        let graph = project.index::<LockGraph>(lock_root);
        WorkspaceFeatures(graph.package(name, version).and_then(|package| {
            let declarations = declarations_of(project, root, name);
            enabled_features(project, &graph, package, &declarations, crate_dir)
        }))
    }
}

/// [`enabled_features`] of `package` (whose sources are in `crate_dir`) for the workspace
/// at `root`, locked by the `Cargo.lock` in `lock_root`, through the run's
/// [`WorkspaceFeatures`] index.
pub fn workspace_features(
    project: &Project,
    root: &Path,
    lock_root: &Path,
    package: &LockPackage,
    crate_dir: &Path,
) -> Option<BTreeSet<String>> {
    let key = (
        root.to_path_buf(),
        lock_root.to_path_buf(),
        package.name.clone(),
        package.version.clone(),
        crate_dir.to_path_buf(),
    );
    project.index::<WorkspaceFeatures>(&key).0.clone()
}

/// Every workspace member's declarations of the package `name`.
pub fn declarations_of(project: &Project, workspace_root: &Path, name: &str) -> Vec<DeclaredDep> {
    let members = (manifest_of(project, workspace_root).0.as_ref())
        .and_then(|t| t.get("workspace").cloned())
        .map(|w| crate::crate_index::workspace_members(project, workspace_root, &w))
        .unwrap_or_default();
    let mut dirs = vec![workspace_root.to_path_buf()];
    dirs.extend(members);
    dirs.sort();
    dirs.dedup();
    dirs.iter()
        .flat_map(|dir| {
            let deps = project.index::<PackageDeps>(dir);
            deps.deps
                .values()
                .filter(|d| d.package == name)
                .cloned()
                .collect::<Vec<_>>()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(lock: &str) -> LockGraph {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("Cargo.lock"), lock).unwrap();
        let project = Project::new(dir.path().to_path_buf());
        LockGraph::build(&project, &dir.path().to_path_buf())
    }

    const LOCK: &str = "version = 4\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\ndependencies = [\"hyper 1.1.0\", \"tokio-util\"]\n[[package]]\nname = \"hyper\"\nversion = \"0.14.28\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n[[package]]\nname = \"hyper\"\nversion = \"1.1.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n[[package]]\nname = \"tokio-util\"\nversion = \"0.7.10\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\ndependencies = [\"hyper 0.14.28\"]\n";

    #[test]
    fn versions_by_the_lock_entry_of_the_package() {
        let graph = graph(LOCK);
        let app = graph.member("app").unwrap();
        assert_eq!(graph.dependency(app, "hyper").unwrap().version, "1.1.0");
        assert_eq!(
            graph.dependency_by_lib(app, "tokio_util").unwrap().version,
            "0.7.10"
        );
        let util = graph.package("tokio-util", "0.7.10").unwrap();
        assert_eq!(graph.dependency(util, "hyper").unwrap().version, "0.14.28");
        assert!(graph.has_outside_dependents(graph.package("hyper", "0.14.28").unwrap()));
        assert!(!graph.has_outside_dependents(graph.package("hyper", "1.1.0").unwrap()));
    }

    #[test]
    fn features_expand_through_the_dependency_table() {
        let graph = graph(LOCK);
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("Cargo.toml"),
            "[package]\nname = \"hyper\"\nversion = \"1.1.0\"\n[features]\ndefault = [\"client\"]\nclient = [\"dep:want\"]\nserver = [\"http1\"]\nhttp1 = []\nhttp2 = [\"h2?/std\"]\nffi = [\"libc/std\"]\n",
        )
        .unwrap();
        let project = Project::new(dir.path().to_path_buf());
        let hyper = graph.package("hyper", "1.1.0").unwrap();
        let declared = |features: &[&str], default_features| DeclaredDep {
            package: "hyper".into(),
            features: features.iter().map(|f| f.to_string()).collect(),
            default_features,
        };
        let on = |declarations: &[DeclaredDep]| {
            enabled_features(&project, &graph, hyper, declarations, dir.path())
                .unwrap()
                .into_iter()
                .collect::<Vec<_>>()
        };
        assert_eq!(on(&[declared(&[], true)]), ["client", "default", "want"]);
        assert_eq!(on(&[declared(&["server"], false)]), ["http1", "server"]);
        assert_eq!(
            on(&[declared(&["http2", "ffi"], false)]),
            ["ffi", "http2", "libc"]
        );
        let shared = graph.package("hyper", "0.14.28").unwrap();
        assert!(
            enabled_features(&project, &graph, shared, &[declared(&[], true)], dir.path())
                .is_none()
        );
    }
}
