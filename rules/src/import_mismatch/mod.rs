use std::sync::Arc;

use prodlint_core::{
    Applicability, ConfigError, Diagnostic, Edit, Fix, RuleMeta, RuleOptions, Severity, SourceFile,
    Span,
};

use prodlint_js::resolve::View;
use serde::Deserialize;

use crate::{JsContext, Rule};

mod check;

prodlint_macros::declare_rule! {
    /// ## What it does
    /// Checks every `import` (and `export … from`, and `const { a } = require(…)`) against
    /// the module it loads, resolved the way Node and bundlers resolve it: package.json
    /// `exports` and `imports` maps with the conditions of the importing file (`import`,
    /// `module`, `node` for ES imports, `require` for `require()`), `main` and `module`,
    /// `type: module` and `.mjs`/`.cjs`, tsconfig `paths`, `baseUrl` and `extends`, `.js`
    /// written for a `.ts` file, index files, pnpm's symlinked `node_modules`, and, for what
    /// these leave unresolved, the aliases of the file's framework: a Nuxt app's `~/`, `@/`,
    /// `~~/`, `@@/`, `#shared/` and nuxt.config `alias` (also before `nuxt prepare` writes
    /// `.nuxt/tsconfig.json`), and a literal `resolve.alias` in vite.config. It reports:
    ///
    /// - a **default import of an ES module that has no default export**: the value is
    ///   `undefined` and the first use throws (`X is not a constructor`);
    /// - a **named import that the module does not export**, after following `export *`
    ///   chains: an ES module fails to link (`SyntaxError: The requested module does not
    ///   provide an export named …`); from a CommonJS module it is reported only when every
    ///   export can be listed the way Node's cjs-module-lexer lists them;
    /// - (warning) a **default import named like one of the module's named exports** while
    ///   the default export is something else (`no-named-as-default`).
    ///
    /// - a **type used as a value**: a name the declarations give as a type only
    ///   (`interface`, `type`, `export type`), used by the file as a value: TypeScript
    ///   erases it, so nothing provides it at run time;
    /// - `require("x").default` of a module that has no `default` (a CommonJS module whose
    ///   exports can be listed, or an ES module): the value is `undefined`.
    ///
    /// **Two views of every module.** The *type view* is what TypeScript reads: the
    /// `types` condition of `exports`, `types`/`typings`, `@types/*`, `.d.ts` files and
    /// their `export *` and `import { X } from "./chunk"; export { X }` chains, merged with
    /// the project's own `declare module "x" { … }` blocks (declarations written for an
    /// untyped package, or augmentations of a typed one). The *runtime view* is the JavaScript file that Node or the bundler loads. An import binding that
    /// a TypeScript file uses only in type positions (annotations, `implements`, an
    /// interface's `extends`, generic arguments, `as` and `satisfies`, `typeof x` in a type,
    /// ambient declarations), or not at all, is erased before anything runs and is not
    /// checked against the runtime view; `import type` and `{ type X }` likewise. A
    /// binding used as a value is checked against the runtime view, and its message says
    /// what the type view has: the types promise the name but the JavaScript lacks it, or
    /// the name is a type only. A name that is also declared elsewhere in the file (a
    /// parameter, a nested variable) may be either, and is checked as before: reported
    /// only when the types do not give it as a type. A `.vue` file's template uses what
    /// its script imports, so an unused import there is a value.
    ///
    /// **Which runtime.** Decided per package (the nearest package.json): a bundler's
    /// config beside it (`vite.config.*`, `webpack.config.*`,
    /// `rollup.config.*`, `rspack.config.*`, `angular.json`, …) or a bundler among its
    /// dependencies makes it bundled, and ES imports are checked against the `browser`
    /// (also its object form) and `module` fields and the `import`, `module` and `browser`
    /// conditions, as a bundler builds for the browser; a `bin` field, or a `start`, `dev`
    /// or `serve` script that runs `node`, `ts-node`, `tsx`, `nodemon` or `nest`, makes it
    /// a Node program, checked against `main` and the `node` and `import` conditions, with
    /// Node's reading of `"type": "module"` (a `.js` file written as CommonJS in such a
    /// package is an ES module without exports). A framework that also renders on the
    /// server (Next, Nuxt, Astro, SvelteKit, Remix, Gatsby) bundles the same code for the
    /// browser and with Node's conditions for the server: like a package where neither or
    /// both signs apply, its imports are reported only when both views load a module
    /// that lacks the export.
    ///
    /// A bare specifier of an installed or declared dependency resolves into
    /// node_modules even when tsconfig `baseUrl` would reach a local folder of that name;
    /// an explicit `paths` entry for it is honoured. Node itself reads neither `paths` nor
    /// `baseUrl`: in a Node program (as decided above) whose package shows no sign of
    /// mapping them at run time (`tsconfig-paths`, `tsx`, `@swc-node/register`,
    /// `tsc-alias`, `typescript-transform-paths`, Nest's CLI or `module-alias` among its
    /// dependencies or scripts, a jest `moduleNameMapper`, or an `imports` or
    /// `_moduleAliases` field in package.json, in its package.json or one above it), an
    /// import that resolves only through them does not load: it is counted as unresolved
    /// and not checked, rather than checked against the aliased file.
    ///
    /// A default import of a CommonJS module is fine (`module.exports` is the default), as
    /// is one of a TypeScript `export =` module, a `.vue` component or JSON. Packages that
    /// ship only declarations are checked for named imports against them. It stays silent
    /// on type-only imports, namespace imports, specifiers mocked in the file
    /// (`vi.mock("x")`), compile-time macros (`@lingui/macro`, `twin.macro`: what
    /// babel-plugin-macros replaces while compiling), and specifiers it cannot resolve
    /// (virtual modules, bundler aliases; `--verbose` lists them, and the summary counts
    /// the imports of declared packages that are not installed) or whose exports it cannot
    /// list. TypeScript that
    /// compiles to CommonJS (`.cts`, or `"module": "commonjs"` in its tsconfig) imports
    /// through `require()`: its named imports are checked against what `require()` loads,
    /// its default imports are left to `esModuleInterop`.
    ///
    /// ## Why is this bad?
    /// The mistake is invisible until the code runs: `esModuleInterop` and bundler interop
    /// can hide it from the type checker, and a package's ESM build (chosen through its
    /// `exports` map) may differ from the CommonJS build the tests were written against.
    ///
    /// ## Example
    /// ```ts
    /// // node_modules/@acme/client/dist/index.mjs: export class Client { … }
    /// import Client from "@acme/client";
    /// const client = new Client(); // TypeError: Client is not a constructor
    /// ```
    ///
    /// ## Use instead
    /// ```ts
    /// import { Client } from "@acme/client";
    /// ```
    ///
    /// ## Options
    /// ```toml
    /// [rules.import-mismatch]
    /// # Also warn when a name imported for its type only (erased before the code runs) is
    /// # not in the type view either: tsc rejects the import, nothing fails at run time.
    /// # Off by default: the project's `declare module "x"` blocks are taken into account,
    /// # but augmentations that other packages make, and `typesVersions`, are not.
    /// type_view = true
    /// ```
    pub static META = {
        id: "import-mismatch",
        languages: [JavaScript],
        severity: Error,
        summary: "Default and named imports that the resolved module does not export",
        fix: Safe,
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct Options {
    type_view: bool,
}

pub struct ImportMismatch {
    /// Check type-only bindings against the type view (warnings).
    type_view: bool,
}

impl ImportMismatch {
    pub fn build(options: &RuleOptions) -> Result<Box<dyn Rule>, ConfigError> {
        let parsed: Options = options.parse()?;
        Ok(Box::new(ImportMismatch {
            type_view: parsed.type_view,
        }))
    }
}

impl Rule for ImportMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn reads_module_facts(&self) -> bool {
        true
    }

    fn check_js(&self, ctx: &JsContext<'_>, out: &mut Vec<Diagnostic>) {
        check::check(ctx, out, self.type_view);
    }
}

/// Where the resolver took a specifier, for messages.
pub(crate) struct Target {
    pub file: Arc<SourceFile>,
    /// `package.json \`exports["."].import\` (the \`import\` condition)`, when known.
    pub route: Option<String>,
    /// The module's named exports, for messages (`None` when not known).
    pub names: Option<Vec<String>>,
    /// The runtime view that chose the file.
    pub view: View,
    /// Why a file written as CommonJS is an ES module in this view, when it is.
    pub loaded_as_es_module: bool,
}

/// What the type view (the declarations TypeScript reads) says of a name.
pub(crate) enum TypeView {
    /// Declared as a value (`declare function`, `declare const`, a class): the types
    /// promise something that runs.
    Value(Anchor),
    /// An interface, a type alias or `export type`: erased before anything runs.
    TypeOnly(Anchor),
    /// Not in the declarations (the anchor is the top of the file).
    Missing(Anchor),
    /// The package ships no declarations: what runs is all there is.
    NoDeclarations,
}

/// Who loads the file a runtime view picks, for messages.
fn loader(view: View) -> &'static str {
    match view {
        View::NodeImport => "Node's ES loader",
        View::BundlerImport => "a bundler",
        View::Require => "`require()`",
        View::Types => "TypeScript",
    }
}

impl Target {
    fn resolved_text(&self, specifier: &str) -> String {
        let how = match &self.route {
            Some(route) => format!(" through {route}"),
            None => String::new(),
        };
        let loaded = match self.loaded_as_es_module {
            true => " (a `.js` file in a `\"type\": \"module\"` package, which Node loads as an ES module: its `module.exports` is no export)",
            false => "",
        };
        format!(
            "\"{specifier}\" resolves to `{}`{how}{loaded}",
            self.file.display
        )
    }

    /// The same, naming the view: `for Node's ES loader, "x" resolves to …`.
    fn runtime_text(&self, specifier: &str) -> String {
        format!(
            "at run time ({}), {}",
            loader(self.view),
            self.resolved_text(specifier)
        )
    }

    fn names_text(&self) -> String {
        match &self.names {
            Some(names) if names.is_empty() => "no named exports".to_string(),
            Some(names) => {
                let shown: Vec<String> = names.iter().take(8).map(|n| format!("`{n}`")).collect();
                let more = if names.len() > 8 { ", …" } else { "" };
                format!("the named exports {}{more}", shown.join(", "))
            }
            None => "its named exports".to_string(),
        }
    }
}

/// A place in the target to point at: an export, or the top of the file.
pub(crate) struct Anchor {
    pub file: Arc<SourceFile>,
    pub span: Span,
}

fn with_anchor(
    diagnostic: Diagnostic,
    anchor: Option<&Anchor>,
    target: &Target,
    message: String,
) -> Diagnostic {
    match anchor {
        Some(anchor) => diagnostic.with_label(&anchor.file, anchor.span, message),
        None => diagnostic.with_label(&target.file, Span::new(0, 0), message),
    }
}

/// `import X from "m"` where `m` is an ES module without a default export.
#[allow(clippy::too_many_arguments)]
pub(crate) fn no_default(
    file: &Arc<SourceFile>,
    span: Span,
    local: &str,
    specifier: &str,
    target: &Target,
    has_same_name: bool,
    anchor: Option<&Anchor>,
    fix: Option<Fix>,
) -> Diagnostic {
    let message =
        format!("`{local}` is imported as the default export of \"{specifier}\", which has none");
    let help = match has_same_name {
        true => format!(
            "{}, an ES module without a default export, so `{local}` is undefined at run time; it has a named export `{local}`: import it as `import {{ {local} }} from \"{specifier}\"`",
            target.resolved_text(specifier)
        ),
        false => format!(
            "{}, an ES module without a default export, so `{local}` is undefined at run time; it has {}: import one of them by name, or `import * as {local}` for the namespace",
            target.resolved_text(specifier),
            target.names_text()
        ),
    };
    let diagnostic =
        Diagnostic::new(META.id, META.default_severity, file, span, message).with_help(help);
    let label = match has_same_name {
        true => format!("`{local}` is a named export here, and there is no default export"),
        false => format!(
            "no default export in this module; it has {}",
            target.names_text()
        ),
    };
    let diagnostic = with_anchor(diagnostic, anchor, target, label);
    match fix {
        Some(fix) => diagnostic.with_fix(fix),
        None => diagnostic,
    }
}

/// `import { x } from "m"` where `m` does not export `x`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn missing_named(
    file: &Arc<SourceFile>,
    span: Span,
    name: &str,
    local: &str,
    specifier: &str,
    target: &Target,
    commonjs: bool,
    required: bool,
    types: Option<&TypeView>,
    default: Option<&Anchor>,
    fix: Option<Fix>,
) -> Diagnostic {
    let kind = if commonjs {
        "a CommonJS module"
    } else {
        "an ES module"
    };
    let message = format!("\"{specifier}\" has no export named `{name}`");
    let consequence = if required && name == "default" {
        "`require(…).default` is `undefined`"
    } else if required {
        "the destructured value is `undefined`"
    } else if commonjs {
        "Node's ES loader rejects the import and a bundler gives `undefined`"
    } else {
        "the import fails to link (`SyntaxError: … does not provide an export named`)"
    };
    let close: Vec<&String> = target
        .names
        .iter()
        .flatten()
        .filter(|n| n.eq_ignore_ascii_case(name))
        .collect();
    let advice = if let Some(close) = close.first() {
        format!("did you mean `{close}`?")
    } else if fix.is_some() {
        format!(
            "its default export is `{name}`: import it as `import {local} from \"{specifier}\"`"
        )
    } else {
        format!("it has {}", target.names_text())
    };
    let types = match types {
        Some(TypeView::Value(types)) => format!(
            " (its types, `{}`, promise `{name}`, but the JavaScript that runs does not have it)",
            types.file.display
        ),
        Some(TypeView::Missing(types)) => {
            format!(
                " (its types, `{}`, do not have it either)",
                types.file.display
            )
        }
        Some(TypeView::TypeOnly(_) | TypeView::NoDeclarations) | None => String::new(),
    };
    let help = format!(
        "{}, {kind} without `{name}`{types}, so {consequence}; {advice}",
        target.runtime_text(specifier)
    );
    let diagnostic =
        Diagnostic::new(META.id, META.default_severity, file, span, message).with_help(help);
    let label = match (default, fix.is_some()) {
        (Some(_), true) => format!("`{name}` is the default export here, not a named one"),
        _ => format!(
            "no export `{name}` in this module; it has {}",
            target.names_text()
        ),
    };
    let diagnostic = with_anchor(diagnostic, default, target, label);
    match fix {
        Some(fix) => diagnostic.with_fix(fix),
        None => diagnostic,
    }
}

/// `import { T } from "m"` where `T` is a type only, and the file uses `T` as a value.
pub(crate) fn type_used_as_value(
    file: &Arc<SourceFile>,
    span: Span,
    name: &str,
    specifier: &str,
    target: &Target,
    types: &Anchor,
) -> Diagnostic {
    let message =
        format!("`{name}` is only a type in \"{specifier}\", but this file uses it as a value");
    let help = format!(
        "its types (`{}`) give `{name}` as a type only, which TypeScript erases, and {}, which has no export `{name}`: the value is missing at run time; use `{name}` in types only (`import type {{ {name} }}`), or import the value that implements it",
        types.file.display,
        target.runtime_text(specifier)
    );
    Diagnostic::new(META.id, META.default_severity, file, span, message)
        .with_help(help)
        .with_label(
            &types.file,
            types.span,
            format!("the type view: `{name}` is a type only here"),
        )
}

/// `import type { X } from "m"` (or `X` used only as a type) where the declarations of
/// `m` have no `X`: tsc rejects it, nothing fails at run time.
pub(crate) fn missing_from_types(
    file: &Arc<SourceFile>,
    span: Span,
    name: &str,
    specifier: &str,
    types: &Target,
    anchor: Option<&Anchor>,
) -> Diagnostic {
    let message = format!(
        "the types of \"{specifier}\" have no export named `{name}`: tsc rejects this import"
    );
    let close: Option<&String> = types
        .names
        .iter()
        .flatten()
        .find(|n| n.eq_ignore_ascii_case(name));
    let advice = match close {
        Some(close) => format!("did you mean `{close}`?"),
        None => format!("they have {}", types.names_text()),
    };
    let help = format!(
        "in the type view (what TypeScript reads), {}, which does not export `{name}`; `{name}` is used only as a type and is erased, so nothing fails at run time, but the project does not type-check; {advice}",
        types.resolved_text(specifier)
    );
    let diagnostic =
        Diagnostic::new(META.id, Severity::Warning, file, span, message).with_help(help);
    with_anchor(
        diagnostic,
        anchor,
        types,
        format!("no export `{name}` in these declarations"),
    )
}

/// `import foo from "m"` where `m` also has a named export `foo` that is not its default.
pub(crate) fn named_as_default(
    file: &Arc<SourceFile>,
    span: Span,
    local: &str,
    specifier: &str,
    target: &Target,
    named: &Anchor,
    fix: Option<Fix>,
) -> Diagnostic {
    let message = format!(
        "`{local}` is imported as the default export of \"{specifier}\", but `{local}` is also one of its named exports, and a different value"
    );
    let help = format!(
        "{}; if you meant the named export, write `import {{ {local} }} from \"{specifier}\"`; if you meant the default, give it another name",
        target.resolved_text(specifier)
    );
    let diagnostic = Diagnostic::new(META.id, Severity::Warning, file, span, message)
        .with_help(help)
        .with_label(
            &named.file,
            named.span,
            format!("the named export `{local}`"),
        );
    match fix {
        Some(fix) => diagnostic.with_fix(fix),
        None => diagnostic,
    }
}

pub(crate) fn replace(
    file: &Arc<SourceFile>,
    span: Span,
    replacement: String,
    message: String,
    applicability: Applicability,
) -> Fix {
    Fix {
        message,
        applicability,
        edits: vec![Edit {
            file: Arc::clone(file),
            span,
            replacement,
        }],
    }
}
