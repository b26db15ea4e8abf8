//! Files that are test code because of how their module is declared: `#[cfg(test)] mod
//! testutils;` in `service/email/mod.rs` makes `service/email/testutils.rs` (and every module
//! below it) a part of the test build only, whatever the file is named.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use prodlint_core::{Project, ProjectIndex};
use ra_ap_syntax::ast::{self, HasAttrs, HasModuleItem, HasName};

use crate::{is_test_attr, SharedParse};

/// How many declaring files up the walk goes (`a/b/c/d.rs` declared by `a/b/c.rs`, declared
/// by `a/b.rs`, …); module trees are rarely deeper.
const MAX_DEPTH: usize = 12;

/// Whether `file` is a module declared under a test `cfg` by the file that declares it, or
/// lies inside such a module. The declaring file is the first that exists of `dir/mod.rs`,
/// `dir.rs`, `dir/lib.rs` and `dir/main.rs` for `dir/name.rs`, and the same one level up for
/// `dir/mod.rs`; a crate root (`lib.rs`, `main.rs` with no declaring file) ends the walk.
/// `#[path = ".."]` declarations are not followed.
pub fn is_test_module_file(project: &Project, file: &Path) -> bool {
    let mut current = prodlint_core::normalize(&project.cwd, file);
    for _ in 0..MAX_DEPTH {
        let Some((name, declaring)) = declaring_file(project, &current) else {
            return false;
        };
        if project
            .index::<TestModuleDecls>(&declaring)
            .0
            .contains(&name)
        {
            return true;
        }
        current = declaring;
    }
    false
}

/// The module name of `file` and the file that declares it (its parent module's file; see
/// [`is_test_module_file`] for the candidates).
pub fn declaring_file(project: &Project, file: &Path) -> Option<(String, PathBuf)> {
    let stem = file.file_stem()?.to_str()?;
    let dir = file.parent()?;
    let (name, dir) = match stem {
        // A crate root: nothing declares it (short of `#[path]`).
        "lib" | "main" => return None,
        "mod" => (dir.file_name()?.to_str()?.to_string(), dir.parent()?),
        _ => (stem.to_string(), dir),
    };
    let mut candidates = vec![dir.join("mod.rs")];
    if let (Some(parent), Some(dir_name)) = (dir.parent(), dir.file_name()) {
        let mut sibling = dir_name.to_os_string();
        sibling.push(".rs");
        candidates.push(parent.join(sibling));
    }
    candidates.push(dir.join("lib.rs"));
    candidates.push(dir.join("main.rs"));
    candidates
        .into_iter()
        .find(|c| c != file && project.exists(c))
        .map(|c| (name, c))
}

/// The names of the modules a file declares under a test `cfg` (`#[cfg(test)] mod a;`,
/// `#[cfg(any(test, feature = "testing"))] pub mod b;`).
#[derive(Debug, Default)]
pub struct TestModuleDecls(HashSet<String>);

impl ProjectIndex for TestModuleDecls {
    type Key = PathBuf;

    fn build(project: &Project, file: &PathBuf) -> TestModuleDecls {
        let Ok(text) = project.read(file) else {
            return TestModuleDecls::default();
        };
        // Most declaring files declare no module under a test `cfg`: no tree for them.
        if !text.contains("cfg(") || !text.contains("test") || !text.contains("mod ") {
            return TestModuleDecls::default();
        }
        // The declaring file is a file of the workspace: the parse its check uses.
        let parsed = project.index::<SharedParse>(file).get(&text);
        let mut names = HashSet::new();
        collect(parsed.tree().items(), &mut names);
        TestModuleDecls(names)
    }
}

fn collect(items: impl Iterator<Item = ast::Item>, names: &mut HashSet<String>) {
    for item in items {
        let ast::Item::Module(module) = item else {
            continue;
        };
        // Inline modules (`mod tests { .. }`) are test code already by their attributes;
        // only declarations of files count here.
        if module.item_list().is_some() {
            continue;
        }
        if module.attrs().any(|a| is_test_attr(&a)) {
            if let Some(name) = module.name() {
                names.insert(name.text().trim_start_matches("r#").to_string());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(files: &[(&str, &str)]) -> (tempfile::TempDir, Project) {
        let dir = tempfile::tempdir().unwrap();
        prodlint_core::write_tree(dir.path(), files).unwrap();
        let project = Project::new(dir.path().to_path_buf());
        (dir, project)
    }

    #[test]
    fn modules_declared_under_a_test_cfg_and_what_they_hold() {
        let (dir, project) = project(&[
            ("src/lib.rs", "mod service;\n#[cfg(test)]\nmod support;\n"),
            ("src/service/mod.rs", "mod email;\n"),
            (
                "src/service/email.rs",
                "#[cfg(any(test, feature = \"testing\"))]\npub mod testutils;\nmod templates;\n",
            ),
            ("src/service/email/testutils.rs", "pub mod server;\n"),
            ("src/service/email/testutils/server.rs", ""),
            ("src/service/email/templates.rs", ""),
            ("src/support/mod.rs", "pub mod db;\n"),
            ("src/support/db.rs", ""),
            ("src/bin/tool.rs", ""),
        ]);
        let at = |p: &str| is_test_module_file(&project, &dir.path().join(p));
        assert!(at("src/service/email/testutils.rs"));
        assert!(at("src/service/email/testutils/server.rs"));
        assert!(at("src/support/mod.rs"));
        assert!(at("src/support/db.rs"));
        assert!(!at("src/service/email/templates.rs"));
        assert!(!at("src/service/email.rs"));
        assert!(!at("src/service/mod.rs"));
        assert!(!at("src/lib.rs"));
        assert!(!at("src/bin/tool.rs"));
    }
}
