use std::collections::HashSet;
use std::sync::Arc;

use prodlint_core::{
    normalize, ConfigError, Diagnostic, RuleMeta, RuleOptions, Severity, SourceFile, Span,
};
use prodlint_js::auto_imports::{
    app_roots, AutoImports, Clash, Definition, FileClash, Origin, ScopeKind,
};

use crate::{JsContext, Rule};

prodlint_macros::declare_rule! {
    /// ## What it does
    /// Finds names that a framework auto-imports from more than one place, so that the
    /// framework silently picks one: two files of a Nuxt app's `composables/` or `utils/`
    /// exporting `useWebSocket`, a util named like another file's default export, an app
    /// composable that replaces one auto-imported by a module (`@vueuse/nuxt`,
    /// `@pinia/nuxt`) or by Nuxt itself (`useFetch`, `useState`, `ref`), two components
    /// whose paths give the same name (`components/BaseButton.vue` and
    /// `components/base/Button.vue`), two files of `server/utils/` exporting one name, and
    /// the same in a Vite app's unplugin-auto-import `dirs`.
    ///
    /// Scopes are computed the way the framework does (matched against nuxt 3.21.11,
    /// unimport 6.x, nitropack 2.13, @vueuse/nuxt 11.3.0 and @pinia/nuxt 0.5.5):
    /// - a Nuxt app is a directory with `nuxt.config.{ts,js,mjs}`; its client scope holds
    ///   the exports of the **top-level** files of `composables/` and `utils/` (nested
    ///   files are not scanned unless a glob in `imports.dirs` reaches them or an
    ///   `index.ts` re-exports them), a default export named after its file
    ///   (`utils/random-entry.ts` → `randomEntry`), the directories in `imports.dirs`, the
    ///   same of every local layer (`extends: ['./base']`, `layers/*`), `stores/` with
    ///   `@pinia/nuxt`, and the names of Nuxt's, vue's and the listed modules' presets;
    /// - the component names of each layer's `components/`;
    /// - the server scope (`server/utils/**`, `nitro.imports.dirs`), separate from the client
    ///   scope: a server util and a composable with one name do not clash.
    ///
    /// nuxt.config is read statically: literal strings, arrays and objects. A value that is
    /// computed (a variable, a spread, a call) leaves that option at its default. The
    /// presets' names come from the installed packages when `node_modules` has them
    /// (`@vueuse/metadata`), else from a dated table of the common presets.
    ///
    /// Each definition is reported in its own file, with labels at the other definitions,
    /// and says which one the framework keeps:
    /// - **error** when two definitions have the same precedence: unimport keeps the one
    ///   it scans last (Nuxt prints `Duplicated imports "X", the one from "A" has been
    ///   ignored and "B" is used` once, during the build) and Nuxt keeps the first of two
    ///   components. Replacing one of Nuxt's own auto-imports (`useFetch`, `ref`) is
    ///   such a case, too;
    /// - **warning** when one silently wins: an app composable over a module's preset
    ///   (VueUse's imports have a lower priority), the app over one of its layers.
    ///
    /// ## Why is this bad?
    /// The warning, if any, scrolls past during `nuxt dev` and never fails a build: the app
    /// calls a different function than its author meant, and which one depends on file
    /// names. Code written for VueUse's `useWebSocket` gets the app's `useWebSocket`,
    /// with another signature, everywhere.
    ///
    /// ## Example
    /// ```ts
    /// // composables/useWebSocket.ts
    /// export function useWebSocket(url: string) { /* … */ }
    /// // composables/useOptimizedWebSocket.ts
    /// export function useWebSocket(url: string, options: Options) { /* … */ }
    /// ```
    ///
    /// ## Use instead
    /// ```ts
    /// // composables/useOptimizedWebSocket.ts
    /// export function useOptimizedWebSocket(url: string, options: Options) { /* … */ }
    /// ```
    ///
    /// When a replacement is intended (an app composable that deliberately overrides a
    /// layer's), say so with `// prodlint-ignore duplicate-auto-import: reason`.
    pub static META = {
        id: "duplicate-auto-import",
        languages: [JavaScript],
        severity: Error,
        summary: "A name that Nuxt or unplugin-auto-import auto-imports from more than one file or preset, so the framework silently picks one",
        fix: None,
    }
}

/// No options: an unknown key is a configuration error.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
struct Options {}

pub struct DuplicateAutoImport;

impl DuplicateAutoImport {
    pub fn build(options: &RuleOptions) -> Result<Box<dyn Rule>, ConfigError> {
        let Options {} = options.parse()?;
        Ok(Box::new(DuplicateAutoImport))
    }
}

// No `reads_module_facts`: an app's index is built by the first of its files checked,
// before most of the others are parsed, and reads their facts itself. Having every file
// checked provide its facts for it made each file of every project pay, apps or not.
impl Rule for DuplicateAutoImport {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_js(&self, ctx: &JsContext<'_>, out: &mut Vec<Diagnostic>) {
        let path = normalize(&ctx.project.cwd, &ctx.file.path);
        // Outermost app first: a layer's own clashes are reported once, as the app sees
        // them.
        let mut reported: HashSet<(ScopeKind, String, u32)> = HashSet::new();
        for root in app_roots(ctx.project, &path) {
            let scopes = ctx.project.index::<AutoImports>(&root);
            for found in scopes.clashes_of(&path) {
                let Definition {
                    origin: Origin::File { span, .. },
                    ..
                } = &found.clash.definitions[found.definition]
                else {
                    continue;
                };
                if reported.insert((found.scope, found.clash.name.clone(), span.start)) {
                    out.push(diagnostic(ctx.file, &found));
                }
            }
        }
    }
}

fn place(definition: &Definition) -> String {
    match &definition.origin {
        Origin::File { file, .. } => format!("`{}`", file.display),
        Origin::Preset { from, added_by, .. } if added_by == "nuxt" || added_by == "nuxt-pages" => {
            format!("Nuxt's own auto-imports (`{from}`)")
        }
        Origin::Preset { from, added_by, .. } => format!("`{from}` (auto-imported by {added_by})"),
    }
}

fn list(places: &[String]) -> String {
    match places {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The primary span: the export, or for a component (which has none) the first line.
fn primary_span(file: &SourceFile, span: Span, scope: ScopeKind) -> Span {
    if scope == ScopeKind::Components && span.is_empty() {
        let end = file.text.find('\n').unwrap_or(file.text.len());
        return Span::new(0, end.min(file.text.len()) as u32);
    }
    span
}

fn diagnostic(file: &Arc<SourceFile>, found: &FileClash<'_>) -> Diagnostic {
    let FileClash {
        scope,
        clash,
        definition,
    } = *found;
    let Clash {
        name,
        definitions,
        kept,
        ..
    } = clash;
    let this = &definitions[definition];
    let Origin::File { span, via, .. } = &this.origin else {
        unreachable!("only file definitions are reported")
    };
    let framework = scope.framework();
    let what = if scope == ScopeKind::Components {
        format!("component `{name}`")
    } else {
        format!("`{name}`")
    };
    let others: Vec<&Definition> = definitions
        .iter()
        .enumerate()
        .filter(|&(i, _)| i != definition)
        .map(|(_, d)| d)
        .collect();
    let tie = others.iter().any(|d| d.priority == this.priority);
    let severity = if tie {
        Severity::Error
    } else {
        Severity::Warning
    };
    let is_kept = *kept == definition;
    let other_files = others.iter().filter(|d| d.path().is_some()).count();
    let presets: Vec<&&Definition> = others.iter().filter(|d| d.path().is_none()).collect();

    let message = if is_kept {
        let places: Vec<String> = others.iter().map(|d| place(d)).collect();
        if other_files == 0 && !tie {
            format!(
                "{what} shadows the auto-import from {}: every auto-imported {what} in the app calls this one",
                list(&places)
            )
        } else {
            format!(
                "{what} is also auto-imported from {}: {framework} uses this one and ignores the other{}",
                list(&places),
                if places.len() > 1 { "s" } else { "" }
            )
        }
    } else {
        format!(
            "{what} from this file is ignored: {framework} auto-imports {what} from {} instead",
            place(&definitions[*kept])
        )
    };

    let help = if scope == ScopeKind::Components {
        "two component files resolve to one name and Nuxt keeps only one (with a warning during the build): rename or move one of them so that its path gives another name".to_string()
    } else if tie {
        let nuxt_own = presets.iter().any(|d| {
            matches!(&d.origin, Origin::Preset { added_by, .. } if added_by == "nuxt" || added_by == "nuxt-pages")
        });
        if nuxt_own {
            format!("Nuxt's own code relies on its {what}; replacing it breaks Nuxt (it logs an error during the build): rename this export")
        } else {
            format!(
                "{framework} keeps the definition it scans last and only prints a warning during the build, so which function runs depends on file names: give each export its own name, or import it explicitly from its file"
            )
        }
    } else if is_kept && other_files == 0 {
        format!(
            "code written for the package's {what} gets this one, with no warning: rename this export, or, if replacing it is intended, say so with `// prodlint-ignore duplicate-auto-import: reason`"
        )
    } else if is_kept {
        "this definition overrides a layer's: if that is intended, say so with `// prodlint-ignore duplicate-auto-import: reason`, else rename it".to_string()
    } else {
        "this export is never auto-imported: rename it, or import it explicitly where it is meant"
            .to_string()
    };

    let mut diagnostic = Diagnostic::new(
        META.id,
        severity,
        file,
        primary_span(file, *span, scope),
        message,
    )
    .with_help(help);
    if let Some((via_file, via_span)) = via {
        diagnostic = diagnostic.with_label(
            via_file,
            *via_span,
            "brought into the auto-imports by this `export *`",
        );
    }
    for (i, other) in definitions.iter().enumerate() {
        if i == definition {
            continue;
        }
        let Origin::File {
            file: other_file,
            span: other_span,
            via: other_via,
            ..
        } = &other.origin
        else {
            continue;
        };
        let status = if i == *kept { "used" } else { "ignored" };
        let label = if scope == ScopeKind::Components {
            format!("also resolves to `{name}` ({status})")
        } else {
            format!("`{name}` also exported here ({status})")
        };
        diagnostic = diagnostic.with_label(
            other_file,
            primary_span(other_file, *other_span, scope),
            label,
        );
        if let Some((via_file, via_span)) = other_via {
            diagnostic = diagnostic.with_label(
                via_file,
                *via_span,
                format!("re-exports `{name}` into the auto-imports"),
            );
        }
    }
    diagnostic
}
