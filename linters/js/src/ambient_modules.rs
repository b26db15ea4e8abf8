//! The modules a project's own TypeScript declares or augments with `declare module "x"`
//! (in `.d.ts` files, in `.ts` files, in generated ones such as `.nuxt/`): the type view of
//! such a specifier is the package's declarations merged with these, so a name missing from
//! the package's declarations may still be there. Read once per run, on first use, from
//! every TypeScript and `.vue` file under the project root outside `node_modules`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use prodlint_core::{Project, ProjectIndex};

/// The specifiers of the project's `declare module "…"` blocks (patterns such as `*.svg`
/// included as written).
pub struct AmbientModuleNames(pub BTreeSet<String>);

const EXTENSIONS: &[&str] = &["ts", "tsx", "mts", "cts", "vue"];
/// Directories and files visited at most: a bound on a project that is not one.
const MAX_ENTRIES: usize = 200_000;

impl ProjectIndex for AmbientModuleNames {
    /// The project root.
    type Key = PathBuf;

    fn build(project: &Project, root: &PathBuf) -> AmbientModuleNames {
        let mut names = BTreeSet::new();
        let mut pending = vec![root.clone()];
        let mut visited = 0;
        while let Some(dir) = pending.pop() {
            let Ok(entries) = project.read_dir(&dir) else {
                continue;
            };
            for (path, is_dir) in entries {
                visited += 1;
                if visited > MAX_ENTRIES {
                    return AmbientModuleNames(names);
                }
                let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
                if is_dir {
                    if name != "node_modules" && name != ".git" {
                        pending.push(path);
                    }
                } else if has_extension(&path) {
                    if let Ok(text) = project.read(&path) {
                        declared_modules(&text, &mut names);
                    }
                }
            }
        }
        AmbientModuleNames(names)
    }
}

fn has_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.contains(&e))
}

/// The quoted names after each `declare module` in `text`.
fn declared_modules(text: &str, names: &mut BTreeSet<String>) {
    for (at, _) in text.match_indices("declare module") {
        let rest = text[at + "declare module".len()..].trim_start();
        let Some(quote) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            continue;
        };
        if let Some(end) = rest[1..].find(quote) {
            names.insert(rest[1..1 + end].to_string());
        }
    }
}

impl AmbientModuleNames {
    /// Whether the project declares or augments `specifier`, or a wildcard covers it.
    pub fn covers(&self, specifier: &str) -> bool {
        self.0.iter().any(|name| match name.split_once('*') {
            Some((prefix, suffix)) => specifier.starts_with(prefix) && specifier.ends_with(suffix),
            None => name == specifier,
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
        let names = AmbientModuleNames(names);
        assert!(names.covers("vue"));
        assert!(names.covers("./icons/a.svg"));
        assert!(!names.covers("Foo") && !names.covers("vue-router"));
    }
}
