//! The module graph, queried lazily: what a resolved module is (an ES module, CommonJS,
//! `export =`, a Vue component, JSON) and whether it provides an export, following
//! `export * from` and CommonJS re-exports (`module.exports = require()`, `__exportStar`)
//! through the resolver with a cycle guard. Each file is parsed once per run
//! ([`ModuleFacts`]); nothing here is built for files no import reaches.
//!
//! Every answer is three-valued: found, missing, or unknown. Unknown (a file that did not
//! parse, a CommonJS module whose exports cannot be listed without running it, a star
//! export into something unresolvable) is the answer whenever there is doubt.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use prodlint_core::{Project, SourceFile, Span};

use crate::resolve::{Resolved, Resolvers, View};
use crate::{Imported, ModuleFacts};

/// What kind of module a file is, as far as its exports go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// ES module syntax and no CommonJS exports.
    EsModule,
    /// CommonJS exports and no ES module syntax: `module.exports` is the default export.
    CommonJs,
    /// TypeScript `export = x`: the default export under `esModuleInterop`.
    ExportAssignment,
    /// A `.vue` single-file component: its default export is the component.
    VueComponent,
    /// JSON: its default export is the value.
    Json,
    /// A script with neither, a file with both, an asset, a file that did not parse.
    Unknown,
}

/// The answer to "does this module provide that export?".
#[derive(Debug, Clone)]
pub enum Lookup {
    Found {
        file: Arc<SourceFile>,
        span: Span,
        type_only: bool,
    },
    Missing,
    Unknown,
}

impl Lookup {
    pub fn is_missing(&self) -> bool {
        matches!(self, Lookup::Missing)
    }
}

const SCRIPT_EXTENSIONS: &[&str] = &["js", "mjs", "cjs", "jsx", "ts", "mts", "cts", "tsx"];

fn extension(path: &Path) -> &str {
    path.extension().and_then(|e| e.to_str()).unwrap_or("")
}

/// Whether the module graph reads `path`'s imports and exports (a script, not a component,
/// JSON or an asset).
pub fn is_script(path: &Path) -> bool {
    SCRIPT_EXTENSIONS.contains(&extension(path))
}

/// The parsed facts of a module file, or `None` for files that are not scripts.
pub fn facts(project: &Project, path: &Path) -> Option<Arc<ModuleFacts>> {
    is_script(path).then(|| project.index::<ModuleFacts>(&path.to_path_buf()))
}

pub fn format(project: &Project, path: &Path) -> Format {
    match extension(path) {
        "vue" => return Format::VueComponent,
        "json" => return Format::Json,
        _ => {}
    }
    let Some(facts) = facts(project, path) else {
        return Format::Unknown;
    };
    let Some(info) = &facts.info else {
        return Format::Unknown;
    };
    if info.export_assignment.is_some() {
        return Format::ExportAssignment;
    }
    let cjs = &info.commonjs;
    // In an ES module `exports` can only be a local variable (`const exports = {}`):
    // names and calls on it say nothing. `module.exports =` or an `__esModule` marker next
    // to ES syntax is a hybrid that loaders disagree on.
    let commonjs_assigned =
        cjs.assigned_value.is_some() || !cjs.reexports.is_empty() || cjs.es_module_marker;
    match (info.has_module_syntax, cjs.is_empty()) {
        (true, _) if !commonjs_assigned => Format::EsModule,
        (false, false) => Format::CommonJs,
        _ => Format::Unknown,
    }
}

/// The format as `view` loads the file: Node loads a `.js` file of a `"type": "module"`
/// package as an ES module, so one written as CommonJS (`module.exports = …`) has no
/// exports there (and throws `module is not defined` as it loads).
pub fn format_in(project: &Project, path: &Path, view: View) -> Format {
    let format = format(project, path);
    let node = matches!(view, View::NodeImport | View::Require);
    if format == Format::CommonJs
        && node
        && extension(path) == "js"
        && crate::runtime::in_module_package(project, path)
    {
        return Format::EsModule;
    }
    format
}

fn file_start() -> Span {
    Span::new(0, 0)
}

/// Whether `path` has a default export (ES `export default`, or a CommonJS, `export =`,
/// Vue or JSON module, whose default always exists).
pub fn find_default(project: &Project, path: &Path, view: View) -> Lookup {
    match format_in(project, path, view) {
        Format::EsModule => {
            let facts = facts(project, path).expect("an ES module has facts");
            let info = facts.info.as_ref().expect("parsed");
            match info.export("default") {
                Some(export) => Lookup::Found {
                    file: Arc::clone(&facts.file),
                    span: export.span,
                    type_only: export.type_only,
                },
                None => Lookup::Missing,
            }
        }
        Format::CommonJs | Format::ExportAssignment => {
            let facts = facts(project, path).expect("a script has facts");
            let info = facts.info.as_ref().expect("parsed");
            let span = info
                .export_assignment
                .or(info.commonjs.assigned_value)
                .unwrap_or_else(file_start);
            Lookup::Found {
                file: Arc::clone(&facts.file),
                span,
                type_only: false,
            }
        }
        Format::VueComponent | Format::Json | Format::Unknown => Lookup::Unknown,
    }
}

/// Whether `path` provides the named export `name` (never `default`), following star
/// exports and CommonJS re-exports as `view` resolves them.
pub fn find_named(project: &Project, path: &Path, name: &str, view: View) -> Lookup {
    let mut visited = HashSet::new();
    find_named_in(project, path, name, view, &mut visited)
}

fn find_named_in(
    project: &Project,
    path: &Path,
    name: &str,
    view: View,
    visited: &mut HashSet<PathBuf>,
) -> Lookup {
    if !visited.insert(path.to_path_buf()) {
        // A cycle adds nothing the first visit did not already see.
        return Lookup::Missing;
    }
    let format = format_in(project, path, view);
    if !matches!(format, Format::EsModule | Format::CommonJs) {
        return Lookup::Unknown;
    }
    let facts = facts(project, path).expect("a script has facts");
    let info = facts.info.as_ref().expect("parsed");
    let resolvers = project.index::<Resolvers>(&());
    let mut unknown = false;
    let mut follow =
        |specifier: &str, view: View, visited: &mut HashSet<PathBuf>, name: &str| match resolvers
            .resolve(project, path, specifier, view)
        {
            Resolved::File(target) => match find_named_in(project, &target, name, view, visited) {
                Lookup::Missing => None,
                Lookup::Unknown => {
                    unknown = true;
                    None
                }
                found => Some(found),
            },
            Resolved::Builtin | Resolved::NotFound => {
                unknown = true;
                None
            }
        };
    match format {
        Format::EsModule => {
            if let Some(export) = info.export(name) {
                // The type view of `import { X } from "./chunk"; export { X }` (how bundled
                // declarations split into chunk files read): whether `X` is a type is
                // known only in the chunk.
                if view == View::Types && !export.type_only {
                    if let Some((import, binding)) = info
                        .export_local(name)
                        .and_then(|l| info.imported_binding(l))
                    {
                        let Imported::Named(imported) = &binding.imported else {
                            return Lookup::Found {
                                file: Arc::clone(&facts.file),
                                span: export.span,
                                type_only: import.type_only || binding.type_only,
                            };
                        };
                        if import.type_only || binding.type_only {
                            return Lookup::Found {
                                file: Arc::clone(&facts.file),
                                span: export.span,
                                type_only: true,
                            };
                        }
                        return match follow(&import.specifier, view, visited, imported) {
                            Some(found) => found,
                            None => Lookup::Unknown,
                        };
                    }
                }
                return Lookup::Found {
                    file: Arc::clone(&facts.file),
                    span: export.span,
                    type_only: export.type_only,
                };
            }
            // An ES module's own `export *` is resolved with import conditions.
            let star_view = if view == View::Require {
                View::NodeImport
            } else {
                view
            };
            for star in &info.star_exports {
                if let Some(found) = follow(&star.specifier, star_view, visited, name) {
                    return found;
                }
            }
        }
        Format::CommonJs => {
            if let Some((_, span)) = info.commonjs.names.iter().find(|(n, _)| n == name) {
                return Lookup::Found {
                    file: Arc::clone(&facts.file),
                    span: *span,
                    type_only: false,
                };
            }
            if info.commonjs.unlisted || opaque_assignment(&facts) {
                return Lookup::Unknown;
            }
            let cjs_view = if view == View::Types {
                View::Types
            } else {
                View::Require
            };
            for specifier in &info.commonjs.reexports {
                if let Some(found) = follow(specifier, cjs_view, visited, name) {
                    return found;
                }
            }
        }
        _ => unreachable!(),
    }
    if unknown {
        Lookup::Unknown
    } else {
        Lookup::Missing
    }
}

/// `module.exports = <something>` whose properties cannot be listed. esbuild's
/// `module.exports = __toCommonJS(src)` is listed by its `0 && (module.exports = {…})`
/// annotation, as Node's lexer reads it.
fn opaque_assignment(facts: &ModuleFacts) -> bool {
    let Some(info) = &facts.info else {
        return true;
    };
    match info.commonjs.assigned_value {
        None => false,
        Some(span) => {
            let text = facts
                .file
                .text
                .get(span.start as usize..span.end as usize)
                .unwrap_or("");
            !text.starts_with("__toCommonJS(") || info.commonjs.names.is_empty()
        }
    }
}

/// The names a module exports, its own first, then those reached through star exports
/// (at most `limit`), for messages. `None` when the list is not known.
pub fn export_names(
    project: &Project,
    path: &Path,
    view: View,
    limit: usize,
) -> Option<Vec<String>> {
    let mut names = Vec::new();
    let mut visited = HashSet::new();
    collect_names(project, path, view, limit, &mut names, &mut visited)?;
    Some(names)
}

fn collect_names(
    project: &Project,
    path: &Path,
    view: View,
    limit: usize,
    names: &mut Vec<String>,
    visited: &mut HashSet<PathBuf>,
) -> Option<()> {
    if !visited.insert(path.to_path_buf()) || names.len() >= limit {
        return Some(());
    }
    let format = format_in(project, path, view);
    let facts = facts(project, path)?;
    let info = facts.info.as_ref()?;
    let push = |name: &str, names: &mut Vec<String>| {
        if name != "default" && names.len() < limit && !names.iter().any(|n| n == name) {
            names.push(name.to_string());
        }
    };
    let resolvers = project.index::<Resolvers>(&());
    match format {
        Format::EsModule => {
            info.exports.iter().for_each(|e| push(&e.name, names));
            for star in &info.star_exports {
                if let Resolved::File(target) =
                    resolvers.resolve(project, path, &star.specifier, view)
                {
                    collect_names(project, &target, view, limit, names, visited)?;
                }
            }
        }
        Format::CommonJs => {
            info.commonjs.names.iter().for_each(|(n, _)| push(n, names));
            for specifier in &info.commonjs.reexports {
                if let Resolved::File(target) =
                    resolvers.resolve(project, path, specifier, View::Require)
                {
                    collect_names(project, &target, View::Require, limit, names, visited)?;
                }
            }
        }
        _ => return None,
    }
    Some(())
}
