//! The modules a project's own TypeScript declares or augments with `declare module "x"`
//! (in `.d.ts` files, in `.ts` files, in generated ones such as `.nuxt/`): the type view of
//! such a specifier is the package's declarations merged with these, so a name missing from
//! the package's declarations may still be there. Read once per run, on first use, from
//! every TypeScript and `.vue` file under the project root outside `node_modules`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use prodlint_core::{Project, ProjectIndex, SourceFile, Span};

use crate::ModuleFacts;

/// The specifiers of the project's `declare module "…"` blocks (patterns such as `*.svg`
/// included as written), and the files that hold them.
pub struct AmbientModuleNames(pub BTreeSet<String>, pub Vec<PathBuf>);

/// A name a project's `declare module "x" { … }` exports.
pub struct DeclaredExport {
    pub file: Arc<SourceFile>,
    pub span: Span,
    /// An interface, a type alias or `export type`: erased before anything runs.
    pub type_only: bool,
}

const EXTENSIONS: &[&str] = &["ts", "tsx", "mts", "cts", "vue"];
/// Directories and files visited at most: a bound on a project that is not one.
const MAX_ENTRIES: usize = 200_000;

impl ProjectIndex for AmbientModuleNames {
    /// The project root.
    type Key = PathBuf;

    fn build(project: &Project, root: &PathBuf) -> AmbientModuleNames {
        let mut names = BTreeSet::new();
        let mut files = Vec::new();
        let mut pending = vec![root.clone()];
        let mut visited = 0;
        while let Some(dir) = pending.pop() {
            let Ok(entries) = project.read_dir(&dir) else {
                continue;
            };
            for (path, is_dir) in entries {
                visited += 1;
                if visited > MAX_ENTRIES {
                    files.sort();
                    return AmbientModuleNames(names, files);
                }
                let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
                if is_dir {
                    if name != "node_modules" && name != ".git" {
                        pending.push(path);
                    }
                } else if has_extension(&path) {
                    if let Ok(text) = project.read(&path) {
                        if declared_modules(&text, &mut names) {
                            files.push(path);
                        }
                    }
                }
            }
        }
        files.sort();
        AmbientModuleNames(names, files)
    }
}

fn has_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.contains(&e))
}

/// The quoted names after each `declare module` in `text`; whether there was one.
fn declared_modules(text: &str, names: &mut BTreeSet<String>) -> bool {
    let mut found = false;
    for (at, _) in text.match_indices("declare module") {
        let rest = text[at + "declare module".len()..].trim_start();
        let Some(quote) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            continue;
        };
        if let Some(end) = rest[1..].find(quote) {
            names.insert(rest[1..1 + end].to_string());
            found = true;
        }
    }
    found
}

impl AmbientModuleNames {
    /// Whether the project declares or augments `specifier`, or a wildcard covers it.
    pub fn covers(&self, specifier: &str) -> bool {
        self.0.iter().any(|name| match name.split_once('*') {
            Some((prefix, suffix)) => specifier.starts_with(prefix) && specifier.ends_with(suffix),
            None => name == specifier,
        })
    }

    /// The export `name` of the project's `declare module "specifier" { … }` blocks (named
    /// exactly, not through a wildcard), in the first file that declares it. Where a value
    /// and a type share the name, the value.
    pub fn declared_export(
        &self,
        project: &Project,
        specifier: &str,
        name: &str,
    ) -> Option<DeclaredExport> {
        if !self.0.contains(specifier) {
            return None;
        }
        self.1.iter().find_map(|path| {
            let facts = project.index::<ModuleFacts>(path);
            let export = facts
                .info
                .as_ref()?
                .ambient_modules
                .iter()
                .filter(|module| module.name == specifier)
                .filter_map(|module| module.info.export(name))
                .min_by_key(|export| export.type_only)?;
            Some(DeclaredExport {
                file: Arc::clone(&facts.file),
                span: export.span,
                type_only: export.type_only,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_and_augmented_modules() {
        let mut names = BTreeSet::new();
        declared_modules(
            "declare module 'vue' {\n  interface X {}\n}\ndeclare module \"*.svg\";\ndeclare module Foo {}\n",
            &mut names,
        );
        let names = AmbientModuleNames(names, Vec::new());
        assert!(names.covers("vue"));
        assert!(names.covers("./icons/a.svg"));
        assert!(!names.covers("Foo") && !names.covers("vue-router"));
    }
}
