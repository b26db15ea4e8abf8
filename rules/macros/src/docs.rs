//! The checks of a rule's doc comment: its sections and its example blocks.

use proc_macro2::Span;

use crate::examples::{self, Dialect};

/// One `///` line: its text after `///`, and where it is.
pub struct DocLine {
    pub text: String,
    pub span: Span,
}

/// The sections every rule's page has; `## Use instead` and `## Options` are optional.
pub const REQUIRED_SECTIONS: &[&str] = &["## What it does", "## Why is this bad?", "## Example"];

/// A fenced block: its info string and its lines, by index into the doc lines.
struct Block {
    info: String,
    fence: usize,
    lines: Vec<usize>,
}

/// The line as the page shows it: without the one space after `///`.
fn page_text(line: &DocLine) -> &str {
    line.text.strip_prefix(' ').unwrap_or(&line.text)
}

/// The problems of the doc comment; `anchor` is where a missing section is reported.
pub fn check(docs: &[DocLine], anchor: Span) -> Vec<syn::Error> {
    let mut errors = Vec::new();
    let mut headings = Vec::new();
    let mut blocks = Vec::new();
    let mut open: Option<Block> = None;
    for (index, line) in docs.iter().enumerate() {
        let text = page_text(line);
        let fence = text.trim_start().starts_with("```");
        match (&mut open, fence) {
            (Some(_), true) => blocks.extend(open.take()),
            (Some(block), false) => block.lines.push(index),
            (None, true) => {
                open = Some(Block {
                    info: text.trim_start().trim_start_matches('`').trim().to_string(),
                    fence: index,
                    lines: Vec::new(),
                })
            }
            (None, false) => headings.push(text.trim_end()),
        }
    }
    if let Some(block) = open {
        errors.push(syn::Error::new(
            docs[block.fence].span,
            "this code block is not closed: end it with a line of ```",
        ));
    }
    for section in REQUIRED_SECTIONS {
        if !headings.contains(section) {
            errors.push(syn::Error::new(
                anchor,
                format!(
                    "the rule's documentation has no `{section}` section: every rule's doc comment has `## What it does`, `## Why is this bad?` and `## Example`"
                ),
            ));
        }
    }
    for block in &blocks {
        // The language is the info string's first word (```rs, ```ts title="x").
        let language = block.info.split_whitespace().next().unwrap_or("");
        let Some(dialect) = Dialect::of(language) else {
            continue;
        };
        let code: String = block
            .lines
            .iter()
            .flat_map(|&index| [page_text(&docs[index]), "\n"])
            .collect();
        if let Err(problem) = examples::parse(dialect, &code) {
            // A problem past the last line (an unexpected end) is the closing fence's.
            let at = block
                .lines
                .get(problem.line)
                .copied()
                .unwrap_or(block.fence + block.lines.len() + 1);
            errors.push(syn::Error::new(
                docs[at.min(docs.len() - 1)].span,
                format!(
                    "this ```{language} example does not parse as {}: {}",
                    dialect.name(),
                    problem.message
                ),
            ));
        }
    }
    errors
}
