//! The TS/JS front end: parses `.ts .tsx .mts .cts .js .jsx .mjs .cjs` and the `<script>`
//! blocks of `.vue` files with swc.
//!
//! Each file is parsed without a `SourceMap` (which is not `Send`): the input starts at
//! `BytePos(1)`, so a swc span maps to a byte offset by subtracting one. A `.vue` file is
//! parsed with everything outside its script blocks blanked to spaces, which keeps every
//! offset, line and column of the original file.

use prodlint_core::{Comment, Span};
use swc_common::comments::SingleThreadedComments;
use swc_common::input::StringInput;
use swc_common::BytePos;
use swc_ecma_ast::Program;
use swc_ecma_parser::{EsSyntax, Parser, Syntax, TsSyntax};

pub mod auto_imports;
pub mod graph;
mod module_info;
pub mod resolve;
pub mod socket_clients;

pub use module_info::{
    module_info, AmbientModule, CommonJsExports, Export, Import, ImportBinding, ImportKind,
    Imported, ModuleInfo, ReExportSource, StarExport,
};
pub use swc_ecma_ast as ast;
pub use swc_ecma_visit as visit;

/// The extensions this front end reads.
pub const EXTENSIONS: &[&str] = &["ts", "tsx", "mts", "cts", "js", "jsx", "mjs", "cjs", "vue"];

/// One parsed file. `Program` is `Send + Sync`, so parsed files can be kept for a later phase.
pub struct JsFile {
    pub program: Program,
    pub comments: Vec<Comment>,
    /// Errors the parser recovered from: the tree is usable but the code is not valid.
    pub recovered_errors: Vec<(Span, String)>,
}

/// A file swc could not parse at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub span: Span,
    pub message: String,
}

const START: u32 = 1;

/// Converts a swc span of a file parsed here into a byte span of that file.
pub fn span(span: swc_common::Span) -> Span {
    Span::new(
        span.lo.0.saturating_sub(START),
        span.hi.0.saturating_sub(START),
    )
}

fn syntax_for(path: &str, script_is_ts: bool) -> Syntax {
    let extension = path.rsplit('.').next().unwrap_or("");
    let ts = |tsx| {
        Syntax::Typescript(TsSyntax {
            tsx,
            decorators: true,
            dts: path.ends_with(".d.ts") || path.ends_with(".d.mts") || path.ends_with(".d.cts"),
            ..TsSyntax::default()
        })
    };
    match extension {
        "ts" | "mts" | "cts" => ts(false),
        "tsx" => ts(true),
        "vue" if script_is_ts => ts(false),
        _ => Syntax::Es(EsSyntax {
            // JSX in `.js` files is common in React projects.
            jsx: true,
            decorators: true,
            import_attributes: true,
            explicit_resource_management: true,
            allow_return_outside_function: extension == "cjs",
            ..EsSyntax::default()
        }),
    }
}

/// The text of a `.vue` file with everything but the contents of its `<script>` blocks
/// replaced by spaces (line breaks kept), and whether a block is TypeScript.
pub fn vue_script_text(text: &str) -> (String, bool) {
    let mut out: Vec<u8> = text
        .bytes()
        .map(|b| if b == b'\n' || b == b'\r' { b } else { b' ' })
        .collect();
    let mut is_ts = false;
    let lower = text.to_ascii_lowercase();
    let mut from = 0;
    while let Some(open) = lower[from..].find("<script").map(|i| i + from) {
        let after_name = open + "<script".len();
        // `<scripts>` or `<script-x>` are other elements.
        if !lower[after_name..].starts_with(|c: char| c == '>' || c.is_whitespace()) {
            from = after_name;
            continue;
        }
        let Some(tag_end) = lower[open..].find('>').map(|i| i + open + 1) else {
            break;
        };
        let tag = &lower[open..tag_end];
        if tag.contains("lang=\"ts\"") || tag.contains("lang='ts'") || tag.contains("lang=\"tsx\"")
        {
            is_ts = true;
        }
        let Some(close) = lower[tag_end..].find("</script").map(|i| i + tag_end) else {
            break;
        };
        out[tag_end..close].copy_from_slice(&text.as_bytes()[tag_end..close]);
        from = close;
    }
    // Only ASCII bytes were replaced and whole multi-byte sequences copied back, so the
    // blanked text is still UTF-8; a multi-byte character outside a block became spaces.
    (String::from_utf8(out).expect("blanking keeps UTF-8"), is_ts)
}

/// Parses one file; `path` decides the dialect (TypeScript, TSX, JSX, Vue).
pub fn parse(path: &str, text: &str) -> Result<JsFile, ParseError> {
    let (vue_text, vue_ts);
    let (source, syntax) = if path.ends_with(".vue") {
        (vue_text, vue_ts) = vue_script_text(text);
        (vue_text.as_str(), syntax_for(path, vue_ts))
    } else {
        (text, syntax_for(path, false))
    };
    let end = START + source.len() as u32;
    let comments = SingleThreadedComments::default();
    let input = StringInput::new(source, BytePos(START), BytePos(end));
    let mut parser = Parser::new(syntax, input, Some(&comments));
    let result = parser.parse_program();
    let recovered_errors: Vec<(Span, String)> = parser
        .take_errors()
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
    })?;
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

impl prodlint_core::ProjectIndex for ModuleFacts {
    /// An absolute, normalized path.
    type Key = std::path::PathBuf;

    fn build(project: &prodlint_core::Project, path: &std::path::PathBuf) -> ModuleFacts {
        let display = match path.strip_prefix(&project.cwd) {
            Ok(relative) => relative.to_string_lossy().replace('\\', "/"),
            Err(_) => path.to_string_lossy().replace('\\', "/"),
        };
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
        match parse(&file.display, &file.text) {
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
