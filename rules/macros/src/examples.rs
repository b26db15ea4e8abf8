//! Parsing an example block in the language its fence names.

use swc_common::{sync::Lrc, FileName, SourceMap, Spanned};
use swc_ecma_parser::{EsSyntax, Parser, StringInput, Syntax, TsSyntax};

#[derive(Clone, Copy)]
pub enum Dialect {
    Rust,
    TypeScript,
    Tsx,
    /// JavaScript with JSX, as the JS front end parses `.js` files.
    JavaScript,
}

impl Dialect {
    /// The dialect of a fence's language; `None` for blocks that are not checked (`toml`,
    /// `text`, a block without a language).
    pub fn of(language: &str) -> Option<Dialect> {
        Some(match language {
            "rs" | "rust" => Dialect::Rust,
            "ts" | "typescript" | "mts" | "cts" => Dialect::TypeScript,
            "tsx" => Dialect::Tsx,
            "js" | "javascript" | "jsx" | "mjs" | "cjs" => Dialect::JavaScript,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Dialect::Rust => "Rust (a file, or the body of `fn main` as rustdoc reads an example)",
            Dialect::TypeScript => "a TypeScript module",
            Dialect::Tsx => "a TSX module",
            Dialect::JavaScript => "a JavaScript module",
        }
    }
}

/// Why an example does not parse: the parser's message, and the line of the example
/// (0-based) it points at.
pub struct Problem {
    pub line: usize,
    pub message: String,
}

pub fn parse(dialect: Dialect, code: &str) -> Result<(), Problem> {
    match dialect {
        Dialect::Rust => rust(code),
        Dialect::TypeScript => ecma(code, ts(false)),
        Dialect::Tsx => ecma(code, ts(true)),
        Dialect::JavaScript => ecma(
            code,
            Syntax::Es(EsSyntax {
                jsx: true,
                decorators: true,
                import_attributes: true,
                explicit_resource_management: true,
                ..EsSyntax::default()
            }),
        ),
    }
}

fn ts(tsx: bool) -> Syntax {
    Syntax::Typescript(TsSyntax {
        tsx,
        decorators: true,
        ..TsSyntax::default()
    })
}

/// Parses the example with syn as rustdoc reads one: a file when it has a `fn main`, else
/// the body of a `fn main` wrapped around it (a few statements, with or without items).
///
/// Inside a procedural macro, proc-macro2 hands text to the compiler's lexer, whose tokens
/// all carry the macro's call site; its own lexer (the fallback) records where in the text
/// each token is, so the example is parsed with it, and the compiler's tokens are used
/// again before anything is expanded. rustc expands one macro at a time on its thread, and
/// nothing else runs in between.
fn rust(code: &str) -> Result<(), Problem> {
    // Lines the wrapping adds before the example's first.
    let (text, lines_before) = if code.contains("fn main") {
        (code.to_string(), 0)
    } else {
        (format!("fn main() {{\n{code}}}\n"), 1)
    };
    proc_macro2::fallback::force();
    let result = syn::parse_file(&text).map_err(|error| {
        let start = error.span().start();
        Problem {
            // The fallback's lines are 1-based; line 0 is no place in the text (the end
            // of the input), nor is the closing line of the wrapping.
            line: start
                .line
                .checked_sub(1 + lines_before)
                .unwrap_or(usize::MAX),
            message: error.to_string(),
        }
    });
    // The fallback keeps every parsed text for its spans; these are done with.
    proc_macro2::extra::invalidate_current_thread_spans();
    proc_macro2::fallback::unforce();
    result.map(drop)
}

/// Parses the example as a module with swc; an error the parser recovered from is still
/// an error in an example.
fn ecma(code: &str, syntax: Syntax) -> Result<(), Problem> {
    let source_map: Lrc<SourceMap> = Lrc::default();
    let file = source_map.new_source_file(Lrc::new(FileName::Anon), code.to_string());
    let mut parser = Parser::new(syntax, StringInput::from(&*file), None);
    let result = parser.parse_module();
    let error = match result {
        Err(error) => error,
        Ok(_) => match parser.take_errors().into_iter().next() {
            Some(error) => error,
            None => return Ok(()),
        },
    };
    let position = source_map.lookup_char_pos(error.span().lo);
    Err(Problem {
        line: position.line.saturating_sub(1),
        message: error.kind().msg().into_owned(),
    })
}
