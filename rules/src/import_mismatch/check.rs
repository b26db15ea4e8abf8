use std::path::{Path, PathBuf};
use std::sync::Arc;

use prodlint_core::{normalize, Applicability, Diagnostic, Project, Span};
use prodlint_js::ambient_modules::AmbientModuleNames;
use prodlint_js::graph::{self, Format, Lookup};
use prodlint_js::resolve::{
    describe_route, is_compile_time_macro, Resolved, Resolvers, UnresolvedSpecifiers, View,
};
use prodlint_js::runtime::{own_manifest, runtime_of, Runtime};
use prodlint_js::{
    module_info, BindingUse, BindingUses, Import, ImportBinding, ImportKind, Imported,
};

use super::{
    missing_from_types, missing_named, named_as_default, no_default, replace, type_used_as_value,
    Anchor, Target, TypeView,
};
use crate::JsContext;

/// What is wrong with one binding, as one view of the target sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Problem {
    NoDefault,
    MissingNamed {
        commonjs: bool,
    },
    NamedAsDefault,
    /// A name the type view gives as a type only, used as a value: nothing provides it at
    /// run time.
    TypeUsedAsValue,
}

pub(super) fn check(ctx: &JsContext<'_>, out: &mut Vec<Diagnostic>, type_view: bool) {
    let display = &ctx.file.display;
    if display.ends_with(".d.ts") || display.ends_with(".d.mts") || display.ends_with(".d.cts") {
        return;
    }
    // A `.cts` file's imports compile to `require()`; their interop is TypeScript's.
    let is_cts = display.ends_with(".cts");
    let is_ts = match display.rsplit('.').next() {
        Some("ts" | "tsx" | "mts" | "cts") => true,
        Some("vue") => prodlint_js::vue_script_text(&ctx.file.text).1,
        _ => false,
    };
    let from = normalize(&ctx.project.cwd, &ctx.file.path);
    // The engine has usually made this file's module facts from this very parse, for the
    // files that import it: its imports are read from there rather than walked again.
    let own_facts = ctx
        .project
        .is_built::<prodlint_js::ModuleFacts>(&from)
        .then(|| ctx.project.index::<prodlint_js::ModuleFacts>(&from))
        .filter(|facts| facts.file.text == ctx.file.text);
    let walked;
    let info = match own_facts.as_ref().and_then(|facts| facts.info.as_ref()) {
        Some(info) => info,
        None => {
            walked = module_info(&ctx.parsed.program);
            &walked
        }
    };
    // Which view an import binding is checked against: TypeScript erases a binding used
    // only in type positions (and, in a `.ts` file, one not used at all: a `.vue`
    // template may use what its script does not), so nothing of it is loaded at run time.
    let uses = BindingUses::of(&ctx.parsed.program);
    let unused_is_erased = is_ts && !display.ends_with(".vue");
    // Node or a bundler: which files of a package an ES import loads.
    let runtime = runtime_of(ctx.project, &from);
    let resolvers = ctx.project.index::<Resolvers>(&());
    // TypeScript compiled to CommonJS: `import` becomes `require()`, and a default import
    // goes through `esModuleInterop`'s helper, which gives a module without `__esModule`
    // whole. Named imports are checked against what `require()` loads; default imports
    // are left to TypeScript.
    let compiled_to_commonjs =
        is_cts || (is_ts && !display.ends_with(".mts") && resolvers.compiles_to_commonjs(&from));
    // How the file uses what a binding imports (in a JavaScript file, every binding is a
    // value: nothing is erased).
    let use_of = |import: &Import, binding: &ImportBinding| match (&binding.local, &import.kind) {
        _ if !is_ts => BindingUse::Value,
        (Some(local), ImportKind::Static) => uses.get(local),
        _ => BindingUse::Ambiguous,
    };
    // `import type`, `{ type X }`, or a binding used only as a type: nothing of it runs.
    let is_erased = |import: &Import, binding: &ImportBinding| {
        binding.type_only
            || match use_of(import, binding) {
                BindingUse::TypeOnly => true,
                BindingUse::Unused => unused_is_erased,
                BindingUse::Value | BindingUse::Ambiguous => false,
            }
    };
    let mut ambient = None;
    for import in &info.imports {
        if is_compile_time_macro(&import.specifier) {
            continue;
        }
        if type_view && is_ts {
            let erased: Vec<&ImportBinding> = import
                .bindings
                .iter()
                .filter(|b| is_erased(import, b))
                .collect();
            if !erased.is_empty() {
                let types = ErasedImport {
                    ctx,
                    from: &from,
                    import,
                    resolvers: &resolvers,
                };
                types.check(&erased, &mut ambient, out);
            }
        }
        // `with { type: "json" | "text" | "bytes" | "css" }` loads data, whose default
        // export is the content: there are no module exports to check.
        if import.type_only
            || import
                .attribute_type
                .as_deref()
                .is_some_and(|t| t != "javascript")
        {
            continue;
        }
        let required = import.kind == ImportKind::Require
            || (compiled_to_commonjs && import.kind != ImportKind::Dynamic);
        let views: &[View] = match import.kind {
            ImportKind::Static | ImportKind::ReExport | ImportKind::Require if required => {
                &[View::Require]
            }
            ImportKind::Static | ImportKind::ReExport => match runtime {
                Runtime::Node => &[View::NodeImport],
                Runtime::Bundler => &[View::BundlerImport],
                Runtime::Undecided => &[View::NodeImport, View::BundlerImport],
            },
            _ => continue,
        };
        let bindings: Vec<(&ImportBinding, BindingUse)> = import
            .bindings
            .iter()
            .filter(|b| b.imported != Imported::Namespace && !is_erased(import, b))
            .filter(|b| !(required && b.imported == Imported::Default))
            .map(|b| (b, use_of(import, b)))
            .collect();
        if bindings.is_empty() || is_mocked(&ctx.file.text, &import.specifier) {
            continue;
        }
        let mut targets: Vec<(View, PathBuf)> = Vec::new();
        let mut builtin = false;
        for &view in views {
            match resolvers.resolve(ctx.project, &from, &import.specifier, view) {
                Resolved::File(path) => {
                    if !targets.iter().any(|(_, p)| *p == path) {
                        targets.push((view, path));
                    }
                }
                Resolved::Builtin => builtin = true,
                Resolved::NotFound => {}
            }
        }
        if builtin {
            continue;
        }
        if targets.is_empty() {
            // A package that ships only declarations: check names against them.
            match resolvers.resolve(ctx.project, &from, &import.specifier, View::Types) {
                Resolved::File(path) if is_declaration(&path) => {
                    targets.push((View::Types, path));
                }
                Resolved::Builtin => continue,
                // Only TypeScript finds it (a tsconfig `paths` entry Node does not read):
                // the runtime view is unresolved.
                Resolved::File(_) | Resolved::NotFound => {
                    ctx.project.index::<UnresolvedSpecifiers>(&()).record(
                        &from,
                        import.specifier_span.start,
                        &import.specifier,
                    );
                    continue;
                }
            }
        }
        let checker = Checker {
            ctx,
            from: &from,
            import,
            required,
            is_ts,
            resolvers: &resolvers,
        };
        for (binding, used) in bindings {
            if let Some(diagnostic) = checker.binding(binding, used, &targets) {
                out.push(diagnostic);
            }
        }
    }
}

/// The bindings of one import that TypeScript erases, checked against the type view only.
struct ErasedImport<'a, 'c> {
    ctx: &'a JsContext<'c>,
    from: &'a Path,
    import: &'a Import,
    resolvers: &'a Resolvers,
}

impl ErasedImport<'_, '_> {
    fn check(
        &self,
        bindings: &[&ImportBinding],
        ambient: &mut Option<Arc<AmbientModuleNames>>,
        out: &mut Vec<Diagnostic>,
    ) {
        let project = self.ctx.project;
        let specifier = &self.import.specifier;
        if is_mocked(&self.ctx.file.text, specifier) {
            return;
        }
        let Resolved::File(path) =
            self.resolvers
                .resolve(project, self.from, specifier, View::Types)
        else {
            return;
        };
        if !is_declaration(&path) && !is_ts_source(&path) {
            return;
        }
        for binding in bindings {
            let Imported::Named(name) = &binding.imported else {
                continue;
            };
            if name == "default"
                || !graph::find_named(project, &path, name, View::Types).is_missing()
            {
                continue;
            }
            // The project may add the name: `declare module "x" { export interface … }`.
            let ambient = ambient
                .get_or_insert_with(|| project.index::<AmbientModuleNames>(&project.cwd.clone()));
            if ambient.covers(specifier) {
                return;
            }
            let facts = project.index::<prodlint_js::ModuleFacts>(&path);
            let types = Target {
                file: Arc::clone(&facts.file),
                route: describe_route(project, specifier, &path, View::Types),
                names: graph::export_names(project, &path, View::Types, 40),
                view: View::Types,
                loaded_as_es_module: false,
            };
            out.push(missing_from_types(
                self.ctx.file,
                binding.span,
                name,
                specifier,
                &types,
                first_export(project, &path).as_ref(),
            ));
        }
    }
}

/// A TypeScript source file: its own declarations, types included in its exports.
fn is_ts_source(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("ts" | "tsx" | "mts" | "cts")
    ) && !is_declaration(path)
}

/// Whether the package that holds `path` names declarations (`types`, `typings`, or a
/// `types` condition in `exports`) that this resolution did not reach: what TypeScript
/// then reads depends on its `moduleResolution`.
fn package_declares_types(project: &Project, path: &Path) -> bool {
    own_manifest(project, path)
        .is_some_and(|m| m.text.contains("\"types\"") || m.text.contains("\"typings\""))
}

/// The declaration file TypeScript looks for beside a JavaScript file, if it exists.
fn declaration_beside(path: &Path) -> Option<PathBuf> {
    let extension = match path.extension()?.to_str()? {
        "js" | "jsx" => "d.ts",
        "mjs" => "d.mts",
        "cjs" => "d.cts",
        _ => return None,
    };
    let declaration = path.with_extension(extension);
    declaration.is_file().then_some(declaration)
}

fn is_declaration(path: &Path) -> bool {
    let name = path.to_string_lossy();
    name.ends_with(".d.ts") || name.ends_with(".d.mts") || name.ends_with(".d.cts")
}

/// `vi.mock("x", …)`, `jest.mock("x")`: the test replaces the module, exports and all.
fn is_mocked(text: &str, specifier: &str) -> bool {
    text.match_indices("mock(").any(|(at, _)| {
        let rest = text[at + "mock(".len()..].trim_start();
        let mut chars = rest.chars();
        matches!(chars.next(), Some('"' | '\'' | '`'))
            && chars.as_str().starts_with(specifier)
            && chars.as_str()[specifier.len()..].starts_with(['"', '\'', '`'])
    })
}

struct Checker<'a, 'c> {
    ctx: &'a JsContext<'c>,
    from: &'a Path,
    import: &'a Import,
    /// Loaded by `require()` (directly, or as TypeScript compiles it to CommonJS).
    required: bool,
    is_ts: bool,
    resolvers: &'a Resolvers,
}

impl Checker<'_, '_> {
    fn project(&self) -> &Project {
        self.ctx.project
    }

    /// The diagnostic for one binding: reported only when every view that resolved the
    /// specifier finds the same problem.
    fn binding(
        &self,
        binding: &ImportBinding,
        used: BindingUse,
        targets: &[(View, PathBuf)],
    ) -> Option<Diagnostic> {
        let mut problem = None;
        for (view, path) in targets {
            let found = self.judge(binding, used, path, *view)?;
            if problem.is_some_and(|p| p != found) {
                return None;
            }
            problem = Some(found);
        }
        let (view, path) = &targets[0];
        self.diagnostic(binding, problem?, path, *view)
    }

    fn judge(
        &self,
        binding: &ImportBinding,
        used: BindingUse,
        path: &Path,
        view: View,
    ) -> Option<Problem> {
        let project = self.project();
        let declarations_only = view == View::Types;
        match &binding.imported {
            Imported::Default => {
                if declarations_only || self.required {
                    return None;
                }
                match graph::find_default(project, path, view) {
                    Lookup::Missing => {
                        // `export default interface X` in the declarations: a type.
                        if self.is_ts
                            && !is_ts_source(path)
                            && matches!(self.type_view("default"), Some(TypeView::TypeOnly(_)))
                        {
                            return None;
                        }
                        Some(Problem::NoDefault)
                    }
                    Lookup::Found { .. } => {
                        let local = binding.local.as_deref()?;
                        self.named_as_default(path, local, view)
                            .then_some(Problem::NamedAsDefault)
                    }
                    Lookup::Unknown => None,
                }
            }
            Imported::Named(name) => {
                // `import { default as x }` is a default import; `require(x).default`
                // looks the name up like any other property of what `require()` gives.
                if name == "default" && !self.required {
                    return None;
                }
                let format = graph::format_in(project, path, view);
                let missing = Problem::MissingNamed {
                    commonjs: format == Format::CommonJs,
                };
                match graph::find_named(project, path, name, view) {
                    Lookup::Missing if self.is_ts && !declarations_only && !is_ts_source(path) => {
                        // The runtime view lacks the name; the type view tells a missing
                        // value from a type, which is erased unless it is used as a value.
                        match (self.type_view(name)?, used) {
                            (
                                TypeView::Value(_)
                                | TypeView::Missing(_)
                                | TypeView::NoDeclarations,
                                _,
                            ) => Some(missing),
                            (TypeView::TypeOnly(_), BindingUse::Value) => {
                                Some(Problem::TypeUsedAsValue)
                            }
                            (TypeView::TypeOnly(_), _) => None,
                        }
                    }
                    Lookup::Missing => Some(missing),
                    // A TypeScript source is both views: a type it exports, used as a value.
                    Lookup::Found {
                        type_only: true, ..
                    } if used == BindingUse::Value && is_ts_source(path) => {
                        Some(Problem::TypeUsedAsValue)
                    }
                    _ => None,
                }
            }
            Imported::Namespace => None,
        }
    }

    /// How the type view of the specifier (its declarations, or the TypeScript source,
    /// merged with the project's `declare module "x" { … }`) gives `name`; `None` when it
    /// is not known (no declarations, unlistable exports).
    fn type_view(&self, name: &str) -> Option<TypeView> {
        let package = self.package_type_view(name);
        if let Some(TypeView::Value(_) | TypeView::TypeOnly(_)) = package {
            return package;
        }
        let project = self.project();
        let declared = project
            .index::<AmbientModuleNames>(&project.cwd.clone())
            .declared_export(project, &self.import.specifier, name);
        match declared {
            Some(export) => {
                let anchor = Anchor {
                    file: export.file,
                    span: export.span,
                };
                Some(match export.type_only {
                    true => TypeView::TypeOnly(anchor),
                    false => TypeView::Value(anchor),
                })
            }
            None => package,
        }
    }

    /// How the package's own declarations (or TypeScript source) give `name`.
    fn package_type_view(&self, name: &str) -> Option<TypeView> {
        let Resolved::File(path) = self.resolvers.resolve(
            self.ctx.project,
            self.from,
            &self.import.specifier,
            View::Types,
        ) else {
            return None;
        };
        // A JavaScript file is no type view: TypeScript reads the declarations beside it
        // (`index.d.mts` for `index.mjs`), or the package's `types`; without either, the
        // package has none.
        let path = match is_declaration(&path) || is_ts_source(&path) {
            true => path,
            false => match declaration_beside(&path) {
                Some(declaration) => declaration,
                None if package_declares_types(self.project(), &path) => return None,
                None => return Some(TypeView::NoDeclarations),
            },
        };
        let found = if name == "default" {
            graph::find_default(self.project(), &path, View::Types)
        } else {
            graph::find_named(self.project(), &path, name, View::Types)
        };
        match found {
            Lookup::Found {
                file,
                span,
                type_only,
            } => {
                let anchor = Anchor { file, span };
                Some(match type_only {
                    true => TypeView::TypeOnly(anchor),
                    false => TypeView::Value(anchor),
                })
            }
            Lookup::Missing => {
                let facts = self.project().index::<prodlint_js::ModuleFacts>(&path);
                Some(TypeView::Missing(Anchor {
                    file: Arc::clone(&facts.file),
                    span: Span::new(0, 0),
                }))
            }
            Lookup::Unknown => None,
        }
    }

    /// Whether a default import named `local` takes the default of an ES module that also
    /// has a named export `local` bound to something else.
    fn named_as_default(&self, path: &Path, local: &str, view: View) -> bool {
        if graph::format(self.project(), path) != Format::EsModule {
            return false;
        }
        let Some(facts) = graph::facts(self.project(), path) else {
            return false;
        };
        let Some(info) = &facts.info else {
            return false;
        };
        let Some(export) = info.export(local) else {
            return false;
        };
        if export.type_only || export.from.is_some() {
            return false;
        }
        let _ = view;
        match (info.export_local(local), info.export_local("default")) {
            (Some(named), Some(default)) => info.unaliased(named) != info.unaliased(default),
            (Some(_), None) => true,
            _ => false,
        }
    }

    fn target(&self, path: &Path, view: View) -> Target {
        let facts = self
            .project()
            .index::<prodlint_js::ModuleFacts>(&path.to_path_buf());
        Target {
            file: Arc::clone(&facts.file),
            route: describe_route(self.project(), &self.import.specifier, path, view),
            names: graph::export_names(self.project(), path, view, 40),
            view,
            loaded_as_es_module: graph::format(self.project(), path) == Format::CommonJs
                && graph::format_in(self.project(), path, view) == Format::EsModule,
        }
    }

    fn diagnostic(
        &self,
        binding: &ImportBinding,
        problem: Problem,
        path: &Path,
        view: View,
    ) -> Option<Diagnostic> {
        let file = self.ctx.file;
        let specifier = &self.import.specifier;
        let target = self.target(path, view);
        let only_binding =
            self.import.bindings.len() == 1 && self.import.kind == ImportKind::Static;
        match problem {
            Problem::NoDefault => {
                let local = binding.local.as_deref()?;
                let same_name = match graph::find_named(self.project(), path, local, view) {
                    Lookup::Found { file, span, .. } => Some(Anchor { file, span }),
                    _ => None,
                };
                let fix = (same_name.is_some() && only_binding).then(|| {
                    replace(
                        file,
                        binding.span,
                        format!("{{ {local} }}"),
                        format!("import the named export `{local}`"),
                        Applicability::Safe,
                    )
                });
                let has_same_name = same_name.is_some();
                let anchor = same_name.or_else(|| first_export(self.project(), path));
                Some(no_default(
                    file,
                    binding.span,
                    local,
                    specifier,
                    &target,
                    has_same_name,
                    anchor.as_ref(),
                    fix,
                ))
            }
            Problem::MissingNamed { commonjs } => {
                let Imported::Named(name) = &binding.imported else {
                    return None;
                };
                let local = binding.local.as_deref().unwrap_or(name);
                // The reverse: the default export is the binding named like the import.
                let default = graph::find_default(self.project(), path, view);
                let default_anchor = match &default {
                    Lookup::Found { file, span, .. } => Some(Anchor {
                        file: Arc::clone(file),
                        span: *span,
                    }),
                    _ => None,
                };
                let default_is_name = !commonjs
                    && graph::facts(self.project(), path)
                        .and_then(|f| {
                            f.info
                                .as_ref()
                                .map(|i| i.default_export_local.as_deref() == Some(name.as_str()))
                        })
                        .unwrap_or(false);
                let fix = if default_is_name && only_binding {
                    braces(&file.text, self.import.span, self.import.specifier_span).map(|span| {
                        replace(
                            file,
                            span,
                            local.to_string(),
                            format!("import the default export as `{local}`"),
                            Applicability::Safe,
                        )
                    })
                } else {
                    None
                };
                let anchor = if default_is_name {
                    default_anchor
                } else {
                    first_export(self.project(), path)
                };
                let types = match self.is_ts && !is_ts_source(path) {
                    true => self.type_view(name),
                    false => None,
                };
                Some(missing_named(
                    file,
                    binding.span,
                    name,
                    local,
                    specifier,
                    &target,
                    commonjs,
                    self.required,
                    types.as_ref(),
                    anchor.as_ref(),
                    fix,
                ))
            }
            Problem::TypeUsedAsValue => {
                let Imported::Named(name) = &binding.imported else {
                    return None;
                };
                let types = match is_ts_source(path) {
                    true => match graph::find_named(self.project(), path, name, view) {
                        Lookup::Found { file, span, .. } => Anchor { file, span },
                        _ => return None,
                    },
                    false => match self.type_view(name)? {
                        TypeView::TypeOnly(anchor) => anchor,
                        _ => return None,
                    },
                };
                Some(type_used_as_value(
                    file,
                    binding.span,
                    name,
                    specifier,
                    &target,
                    &types,
                ))
            }
            Problem::NamedAsDefault => {
                let local = binding.local.as_deref()?;
                let Lookup::Found {
                    file: named_file,
                    span,
                    ..
                } = graph::find_named(self.project(), path, local, view)
                else {
                    return None;
                };
                let fix = only_binding.then(|| {
                    replace(
                        file,
                        binding.span,
                        format!("{{ {local} }}"),
                        format!("import the named export `{local}`"),
                        Applicability::Suggestion,
                    )
                });
                Some(named_as_default(
                    file,
                    binding.span,
                    local,
                    specifier,
                    &target,
                    &Anchor {
                        file: named_file,
                        span,
                    },
                    fix,
                ))
            }
        }
    }
}

/// The first export a module declares, to point a label at its export list.
fn first_export(project: &Project, path: &Path) -> Option<Anchor> {
    let facts = graph::facts(project, path)?;
    let info = facts.info.as_ref()?;
    let span = info
        .exports
        .first()
        .map(|e| e.span)
        .or_else(|| info.star_exports.first().map(|s| s.span))
        .or_else(|| info.commonjs.names.first().map(|(_, s)| *s))?;
    Some(Anchor {
        file: Arc::clone(&facts.file),
        span,
    })
}

/// The span of `{ … }` in `import { … } from "x"`.
fn braces(text: &str, import: Span, specifier: Span) -> Option<Span> {
    let head = text.get(import.start as usize..specifier.start as usize)?;
    let open = head.find('{')?;
    let close = head.rfind('}')?;
    (open < close).then(|| Span::new(import.start + open as u32, import.start + close as u32 + 1))
}
