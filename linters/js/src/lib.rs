//! The TS/JS front end: parses `.ts .tsx .mts .cts .js .jsx .mjs .cjs` files, the top-level
//! `<script>` blocks of `.vue` and `.svelte` components and the frontmatter of `.astro`
//! components with swc.
//!
//! Each file is parsed without a `SourceMap` (which is not `Send`): the input starts at
//! `BytePos(1)`, so a swc span maps to a byte offset by subtracting one. A component is
//! parsed with everything outside its script blocks blanked to spaces ([`sfc`]), which
//! keeps every offset, line and column of the original file.

use prodlint_core::nesting::{self, Dialect, TooDeep};
use prodlint_core::{Comment, Span};
use swc_common::comments::SingleThreadedComments;
use swc_common::input::StringInput;
use swc_common::BytePos;
use swc_ecma_ast::Program;
use swc_ecma_parser::{EsSyntax, Parser, Syntax, TsSyntax};

pub mod ambient_modules;
pub mod auto_imports;
pub mod binding_use;
pub mod call_summary;
mod depth;
pub mod dev_scripts;
pub mod email_templates;
pub mod env_readers;
pub mod graph;
pub mod guarded;
mod jsx;
pub mod listen_hosts;
pub mod modes;
mod module_info;
pub mod project_sources;
pub mod resolve;
pub mod runtime;
pub mod sfc;
pub mod socket_clients;
pub mod test_code;

pub use binding_use::{BindingUse, BindingUses};
pub use jsx::is_jsx_text;
pub use module_info::{
    module_info, pattern_idents, AmbientModule, CommonJsExports, Export, Import, ImportBinding,
    ImportKind, Imported, ModuleInfo, ReExportSource, StarExport,
};
pub use swc_ecma_ast as ast;
pub use swc_ecma_visit as visit;
pub use test_code::imports_test_framework;

pub(crate) use project_sources::{parse_project_sources, project_sources};

/// The extensions this front end reads.
pub const EXTENSIONS: &[&str] = &[
    "ts", "tsx", "mts", "cts", "js", "jsx", "mjs", "cjs", "vue", "svelte", "astro",
];

/// Whether `path` names a TypeScript declaration file (`.d.ts`, `.d.mts`, `.d.cts`).
pub fn is_declaration_file(path: &str) -> bool {
    [".d.ts", ".d.mts", ".d.cts"]
        .iter()
        .any(|suffix| path.ends_with(suffix))
}

/// One parsed file. `Program` is `Send + Sync`, so parsed files can be kept for a later phase.
pub struct JsFile {
    pub program: Program,
    pub comments: Vec<Comment>,
    /// Errors the parser recovered from: the tree is usable but the code is not valid.
    pub recovered_errors: Vec<(Span, String)>,
    /// Blocks of a component that were not read (a `<script lang="coffee">`), with why.
    pub skipped_blocks: Vec<(Span, String)>,
}

/// A file swc could not parse at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub span: Span,
    pub message: String,
    /// The file nests beyond prodlint's depth limits (`prodlint_core::nesting`): it may be
    /// valid code, but is not parsed or checked.
    pub too_deep: bool,
}

impl ParseError {
    fn too_deep(too_deep: TooDeep) -> ParseError {
        ParseError {
            span: too_deep.span,
            message: too_deep.message(),
            too_deep: true,
        }
    }
}

const START: u32 = 1;

/// Converts a swc span of a file parsed here into a byte span of that file.
pub fn span(span: swc_common::Span) -> Span {
    Span::new(
        span.lo.0.saturating_sub(START),
        span.hi.0.saturating_sub(START),
    )
}

fn syntax_for(path: &str, component: Option<sfc::ScriptLang>) -> Syntax {
    let extension = path.rsplit('.').next().unwrap_or("");
    let ts = |tsx| {
        Syntax::Typescript(TsSyntax {
            tsx,
            decorators: true,
            dts: is_declaration_file(path),
            // Astro's frontmatter may `return Astro.redirect(…)` at its top level, which
            // TypeScript's grammar allows only with early errors off.
            no_early_errors: extension == "astro",
            ..TsSyntax::default()
        })
    };
    let es = Syntax::Es(EsSyntax {
        // JSX in `.js` files is common in React projects.
        jsx: true,
        decorators: true,
        import_attributes: true,
        explicit_resource_management: true,
        // CommonJS modules and Astro's frontmatter (`return Astro.redirect(…)`) may return.
        allow_return_outside_function: extension == "cjs" || extension == "astro",
        ..EsSyntax::default()
    });
    match (extension, component) {
        (_, Some(sfc::ScriptLang::Ts)) => ts(false),
        (_, Some(sfc::ScriptLang::Tsx)) => ts(true),
        (_, Some(_)) => es,
        ("ts" | "mts" | "cts", None) => ts(false),
        ("tsx", None) => ts(true),
        _ => es,
    }
}

/// The text of a `.vue` file with everything but the contents of its top-level `<script>`
/// blocks replaced by spaces (line breaks kept), and whether a block is TypeScript.
pub fn vue_script_text(text: &str) -> (String, bool) {
    let extracted = sfc::extract("a.vue", text);
    (
        extracted.blank_outside(text),
        extracted.lang().is_typescript(),
    )
}

/// Parses one file; `path` decides the dialect (TypeScript, TSX, JSX, a component's blocks).
/// A file nested beyond the depth limits is an error (`too_deep`), found before the parser
/// recurses into it, or in the tree it built.
///
/// swc's parser asserts on some inputs rather than returning an error (a parameter
/// pattern its `.d.ts` mode does not expect, for one): such a panic is this file's parse
/// error, never the end of the run.
pub fn parse(path: &str, text: &str) -> Result<JsFile, ParseError> {
    parse_with(path, text, true)
}

/// [`parse`] for the facts of a module (its imports and exports): the comments, which only
/// a file's own check reads, are not collected.
pub fn parse_module(path: &str, text: &str) -> Result<JsFile, ParseError> {
    parse_with(path, text, false)
}

fn parse_with(path: &str, text: &str, keep_comments: bool) -> Result<JsFile, ParseError> {
    let script_text;
    let mut skipped_blocks = Vec::new();
    let (source, syntax) = if sfc::is_component(path) {
        let extracted = sfc::extract(path, text);
        script_text = extracted.blank_outside(text);
        skipped_blocks = extracted.skipped.clone();
        (
            script_text.as_str(),
            syntax_for(path, Some(extracted.lang())),
        )
    } else {
        (text, syntax_for(path, None))
    };
    let dialect = match syntax {
        Syntax::Typescript(TsSyntax { tsx: false, .. }) => Dialect::Ts,
        Syntax::Typescript(TsSyntax { tsx: true, .. }) => Dialect::Tsx,
        _ => Dialect::Js,
    };
    if let Some(too_deep) = nesting::scan(source, dialect) {
        return Err(ParseError::too_deep(too_deep));
    }
    let end = START + source.len() as u32;
    let comments = SingleThreadedComments::default();
    let input = StringInput::new(source, BytePos(START), BytePos(end));
    // swc asserts on some malformed input (an import attribute list that is not an
    // object): a failed assertion there is this file's parse error, not the run's end.
    let (result, recovered) = prodlint_core::catch_quietly(|| {
        let sink: Option<&dyn swc_common::comments::Comments> = match keep_comments {
            true => Some(&comments),
            false => None,
        };
        let mut parser = Parser::new(syntax, input, sink);
        let result = parser.parse_program();
        (result, parser.take_errors())
    })
    .map_err(|panic| ParseError {
        span: Span::new(0, 0),
        message: format!("the parser failed: {panic}"),
        too_deep: false,
    })?;
    let recovered_errors: Vec<(Span, String)> = recovered
        .into_iter()
        .map(|error| {
            (
                span(swc_common::Spanned::span(&error)),
                error.kind().msg().into_owned(),
            )
        })
        .collect();
    let program = result.map_err(|error| ParseError {
        span: span(swc_common::Spanned::span(&error)),
        message: error.kind().msg().into_owned(),
        too_deep: false,
    })?;
    if let Some(too_deep) = depth::too_deep(&program) {
        return Err(ParseError::too_deep(too_deep));
    }
    let (leading, trailing) = comments.take_all();
    let mut all: Vec<Comment> = leading
        .borrow()
        .values()
        .chain(trailing.borrow().values())
        .flatten()
        .map(|comment| Comment {
            span: span(comment.span),
            text: comment.text.to_string(),
        })
        .collect();
    all.sort_by_key(|comment| comment.span);
    all.dedup();
    Ok(JsFile {
        program,
        comments: all,
        recovered_errors,
        skipped_blocks,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_each_dialect() {
        for (path, text) in [
            ("a.ts", "const x: number = 1; export default x;"),
            ("a.tsx", "export const A = () => <div>{1 as number}</div>;"),
            ("a.js", "export const A = () => <div/>;"),
            ("a.cjs", "module.exports = { a: require('x') };"),
            ("a.d.ts", "declare module 'x' { export const y: number; }"),
            (
                "a.ts",
                "@Injectable() class S { constructor(private p: P) {} }",
            ),
        ] {
            assert!(parse(path, text).is_ok(), "{path}: {text}");
        }
    }

    #[test]
    fn a_parser_assertion_is_a_parse_error() {
        let error = parse("a.ts", "import c from './d.json' with n\" };\n")
            .err()
            .unwrap();
        assert!(error.message.starts_with("the parser failed"), "{error:?}");
    }

    #[test]
    fn a_fatal_error_has_a_place_and_message() {
        let error = parse("a.ts", "function f() {\n  return x +;\n}")
            .err()
            .unwrap();
        assert!(error.span.start >= 15, "{error:?}");
        assert!(!error.message.is_empty());
    }

    #[test]
    fn spans_and_comments_are_byte_offsets_of_the_file() {
        let text = "// head\nconst u = 'x'; /* tail */";
        let file = parse("a.js", text).unwrap();
        let texts: Vec<_> = file.comments.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, [" head", " tail "]);
        let head = file.comments[0].span;
        assert_eq!(&text[head.start as usize..head.end as usize], "// head");
    }

    #[test]
    fn components_parse_in_their_dialect_at_exact_positions() {
        let svelte = "<script context=\"module\" lang=\"ts\">\n  export const ssr: boolean = false;\n</script>\n<script lang=\"ts\">\n  let { url = 'http://localhost:3000' }: { url?: string } = $props();\n  $: doubled = 2;\n</script>\n<a href={url}>é</a>\n";
        let astro = "---\nimport Layout from '../layouts/Layout.astro';\nconst api: string = import.meta.env.API ?? 'http://localhost:3000';\nif (!api) return Astro.redirect('/404');\n---\n<Layout><h1>{api}</h1></Layout>\n";
        let vue_tsx = "<script setup lang=\"tsx\">\nconst A = () => <div>{1 as number}</div>;\n</script>\n<template><A/></template>\n";
        let vue_coffee = "<script lang=\"coffee\">\nx = -> 1\n</script>\n<script setup>\nconst a = 1;\n</script>\n";
        for (path, text, needle) in [
            ("a.svelte", svelte, "let { url"),
            ("a.astro", astro, "const api"),
            ("a.vue", vue_tsx, "const A"),
            ("b.vue", vue_coffee, "const a"),
        ] {
            let file = parse(path, text).unwrap_or_else(|e| panic!("{path}: {e:?}"));
            assert!(
                file.recovered_errors.is_empty(),
                "{path}: {:?}",
                file.recovered_errors
            );
            let body = match &file.program {
                swc_ecma_ast::Program::Module(module) => module
                    .body
                    .iter()
                    .map(|item| span(swc_common::Spanned::span(item)).start as usize)
                    .collect::<Vec<_>>(),
                swc_ecma_ast::Program::Script(script) => script
                    .body
                    .iter()
                    .map(|item| span(swc_common::Spanned::span(item)).start as usize)
                    .collect(),
            };
            assert!(
                body.contains(&text.find(needle).unwrap()),
                "{path}: {body:?}"
            );
        }
        let skipped = parse("b.vue", vue_coffee).unwrap().skipped_blocks;
        assert_eq!(skipped.len(), 1);
        assert!(skipped[0].1.contains("coffee"));
    }

    #[test]
    fn a_parser_panic_is_the_files_parse_error() {
        // swc asserts on an assignment in a declaration file's `export default`.
        let text = "declare module 'x' {\n    export default t = Record<string, any>;\n}\n";
        let error = parse("virtual.d.ts", text).err().expect("a parse error");
        assert!(error.message.contains("parser failed"), "{}", error.message);
        assert!(parse("ok.d.ts", "export declare const a: number;\n").is_ok());
    }

    #[test]
    fn vue_scripts_keep_their_offsets() {
        let text = "<template>\n  <p>é</p>\n</template>\n<script setup lang=\"ts\">\nconst a: string = 'http://x';\n</script>\n";
        let (blanked, is_ts) = vue_script_text(text);
        assert!(is_ts);
        assert_eq!(blanked.len(), text.len());
        let at = text.find("const").unwrap();
        assert_eq!(&blanked[at..at + 5], "const");
        assert!(!blanked.contains("template"));
        let file = parse("a.vue", text).unwrap();
        let swc_ecma_ast::Program::Script(script) = &file.program else {
            panic!("a script")
        };
        assert_eq!(
            span(swc_common::Spanned::span(&script.body[0])).start as usize,
            at
        );
    }
}

/// A module read and parsed on demand for the facts other files need (what it exports),
/// once per run: the target of an import, another composable of a Nuxt app.
pub struct ModuleFacts {
    /// The file, for labels that point into it.
    pub file: std::sync::Arc<prodlint_core::SourceFile>,
    /// `None` when the file could not be read or parsed (`error` says why).
    pub info: Option<ModuleInfo>,
    pub error: Option<String>,
}

impl ModuleFacts {
    /// How a file is shown in labels: relative to the working directory where it can be.
    fn display(project: &prodlint_core::Project, path: &std::path::Path) -> String {
        match path.strip_prefix(&project.cwd) {
            Ok(relative) => relative.to_string_lossy().replace('\\', "/"),
            Err(_) => path.to_string_lossy().replace('\\', "/"),
        }
    }

    /// The facts of a file that has just been parsed for its own check (`path` absolute and
    /// normalized, `text` what was parsed), kept for the files that import it so that they
    /// need not parse it again. Facts already built are left as they are. Only for script
    /// files, the only ones whose facts the module graph asks for.
    pub fn provide(
        project: &prodlint_core::Project,
        path: &std::path::Path,
        text: &str,
        parsed: &JsFile,
    ) {
        if !graph::is_script(path) {
            return;
        }
        let key = path.to_path_buf();
        project.index_or_provide::<ModuleFacts>(&key, |builder| {
            // What depends on these facts depends on the file. A run's project takes the
            // text the check read; an editor's stamps the file's state after the build, so
            // it reads the file again, and a text that is not the one parsed (it changed
            // in between) is parsed again.
            let current = if builder.keeps_states() {
                builder.read(path).is_ok_and(|read| *read == *text)
            } else {
                builder.record_file(path);
                true
            };
            if !current {
                return <ModuleFacts as prodlint_core::ProjectIndex>::build(builder, &key);
            }
            ModuleFacts {
                file: std::sync::Arc::new(prodlint_core::SourceFile::new(
                    key.clone(),
                    ModuleFacts::display(builder, path),
                    text.to_string(),
                )),
                info: Some(module_info(&parsed.program)),
                error: None,
            }
        });
    }
}

impl prodlint_core::ProjectIndex for ModuleFacts {
    /// An absolute, normalized path.
    type Key = std::path::PathBuf;

    fn build(project: &prodlint_core::Project, path: &std::path::PathBuf) -> ModuleFacts {
        let display = ModuleFacts::display(project, path);
        let (text, error) = match project.read(path) {
            Ok(text) => (text.to_string(), None),
            Err(error) => (String::new(), Some(error.to_string())),
        };
        let file = std::sync::Arc::new(prodlint_core::SourceFile::new(path.clone(), display, text));
        if let Some(error) = error {
            return ModuleFacts {
                file,
                info: None,
                error: Some(error),
            };
        }
        match parse_module(&file.display, &file.text) {
            Ok(parsed) => ModuleFacts {
                info: Some(module_info(&parsed.program)),
                file,
                error: None,
            },
            Err(error) => ModuleFacts {
                file,
                info: None,
                error: Some(error.message),
            },
        }
    }
}

#[cfg(test)]
mod facts_tests {
    use super::*;

    fn export_names(facts: &ModuleFacts) -> Vec<String> {
        let info = facts.info.as_ref().unwrap();
        info.exports.iter().map(|e| e.name.clone()).collect()
    }

    #[test]
    fn facts_provided_by_a_check_are_those_of_the_text_on_record() {
        let cwd = std::env::temp_dir().join(format!("prodlint-provided-{}", std::process::id()));
        let project = prodlint_core::Project::new(cwd.clone());
        let path = cwd.join("src/a.ts");
        let text = "export const a = 1;\nexport default a;\n";
        project.set_override(&path, std::sync::Arc::from(text));
        let parsed = parse("src/a.ts", text).unwrap();
        ModuleFacts::provide(&project, &path, text, &parsed);
        let facts = project.index::<ModuleFacts>(&path);
        assert_eq!(export_names(&facts), ["a", "default"]);
        assert_eq!(facts.file.display, "src/a.ts");
        // What uses the facts depends on the file, though they were not read from it.
        let user = project.recording();
        user.index::<ModuleFacts>(&path);
        let read = user.dependencies().flatten();
        assert!(read.contains(&prodlint_core::Dependency::File(path.clone())));
        // An editor's project stamps the files its indexes read: a text that is no longer
        // the file's (it changed after the check read it) is not taken there, and the facts
        // are those of what the file holds.
        let editor = prodlint_core::Project::long_lived(cwd.clone());
        let other = cwd.join("src/b.ts");
        editor.set_override(&other, std::sync::Arc::from("export const b = 2;\n"));
        let stale = parse("src/b.ts", "export const old = 1;\n").unwrap();
        ModuleFacts::provide(&editor, &other, "export const old = 1;\n", &stale);
        assert_eq!(export_names(&editor.index::<ModuleFacts>(&other)), ["b"]);
        // Components are not scripts: the module graph never asks for their facts.
        let component = cwd.join("src/C.vue");
        ModuleFacts::provide(&project, &component, text, &parsed);
        project.set_override(&component, std::sync::Arc::from("<template/>"));
        assert!(project.index::<ModuleFacts>(&component).info.is_some());
        assert!(export_names(&project.index::<ModuleFacts>(&component)).is_empty());
    }

    #[test]
    fn module_facts_are_read_through_the_project() {
        let cwd = std::env::temp_dir();
        let project = prodlint_core::Project::new(cwd.clone());
        let path = cwd.join("prodlint-facts-test/composables/useA.ts");
        project.set_override(
            &path,
            std::sync::Arc::from("export const useA = () => 1;\nexport default useA;\n"),
        );
        let facts = project.index::<ModuleFacts>(&path);
        let names: Vec<_> = facts
            .info
            .as_ref()
            .unwrap()
            .exports
            .iter()
            .map(|e| e.name.as_str())
            .collect();
        assert_eq!(names, ["useA", "default"]);
        assert_eq!(
            facts.file.display,
            "prodlint-facts-test/composables/useA.ts"
        );
        let missing = project.index::<ModuleFacts>(&cwd.join("prodlint-facts-test/none.ts"));
        assert!(missing.info.is_none() && missing.error.is_some());
    }
}
