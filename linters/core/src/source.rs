use std::path::PathBuf;

use line_index::{LineIndex, TextSize, WideEncoding};

/// A byte range in one file's text, `start..end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: u32, end: u32) -> Span {
        debug_assert!(start <= end, "span {start}..{end} is reversed");
        Span { start, end }
    }

    pub fn len(&self) -> u32 {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    pub fn contains(&self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }
}

/// A 1-based line and a 1-based column counted in characters (Unicode scalar values).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: u32,
    pub column: u32,
}

/// One comment as the front end found it: its span covers the delimiters, `text` does not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    pub span: Span,
    pub text: String,
}

/// A file being linted: where it lives, how it is shown, and its text with a line index.
///
/// Diagnostics hold an `Arc<SourceFile>` so that a reporter can render a snippet from any
/// file a diagnostic points into, including labels in other files.
#[derive(Debug)]
pub struct SourceFile {
    /// The path used to read the file.
    pub path: PathBuf,
    /// The path as reported: relative to the working directory where possible, with `/`.
    pub display: String,
    pub text: String,
    line_index: LineIndex,
}

impl SourceFile {
    pub fn new(path: PathBuf, display: String, text: String) -> SourceFile {
        let line_index = LineIndex::new(&text);
        SourceFile {
            path,
            display,
            text,
            line_index,
        }
    }

    /// The text of a span, clamped to the file and to character boundaries so that a span
    /// from a recovering parser never panics.
    pub fn slice(&self, span: Span) -> &str {
        let start = self.clamp(span.start) as usize;
        let end = (self.clamp(span.end) as usize).max(start);
        &self.text[start..end]
    }

    /// The offset clamped to the text and moved back to a character boundary, so that a
    /// span from a recovering parser never makes a reporter panic.
    fn clamp(&self, offset: u32) -> u32 {
        let mut offset = (offset as usize).min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset as u32
    }

    fn wide(&self, offset: u32, encoding: WideEncoding) -> LineCol {
        let utf8 = self.line_index.line_col(TextSize::from(self.clamp(offset)));
        let wide = self
            .line_index
            .to_wide(encoding, utf8)
            .expect("a clamped offset is always on a character boundary");
        LineCol {
            line: wide.line + 1,
            column: wide.col + 1,
        }
    }

    /// 1-based line and character column of a byte offset.
    pub fn line_col(&self, offset: u32) -> LineCol {
        self.wide(offset, WideEncoding::Utf32)
    }

    /// 0-based line and UTF-16 column, as the Language Server Protocol counts them.
    pub fn line_col_utf16(&self, offset: u32) -> (u32, u32) {
        let lc = self.wide(offset, WideEncoding::Utf16);
        (lc.line - 1, lc.column - 1)
    }

    /// The byte offset of a 0-based line and UTF-16 column (from an editor).
    pub fn offset_of_utf16(&self, line: u32, column: u32) -> Option<u32> {
        let utf8 = self.line_index.to_utf8(
            WideEncoding::Utf16,
            line_index::WideLineCol { line, col: column },
        )?;
        self.line_index.offset(utf8).map(u32::from)
    }

    /// The 1-based number of the line holding `offset`.
    pub fn line_of(&self, offset: u32) -> u32 {
        self.line_index
            .line_col(TextSize::from(self.clamp(offset)))
            .line
            + 1
    }

    /// The text of a 1-based line without its line ending.
    pub fn line_text(&self, line: u32) -> &str {
        match self.line_index.line(line.saturating_sub(1)) {
            Some(range) => {
                let text = &self.text[range];
                text.trim_end_matches(['\n', '\r'])
            }
            None => "",
        }
    }

    /// The byte offset at which a 1-based line starts.
    pub fn line_start(&self, line: u32) -> Option<u32> {
        self.line_index
            .line(line.saturating_sub(1))
            .map(|r| u32::from(r.start()))
    }

    /// Whether the text before `offset` on its line is only white space.
    pub fn starts_line(&self, offset: u32) -> bool {
        let offset = self.clamp(offset) as usize;
        let line_start = self.text[..offset].rfind('\n').map_or(0, |i| i + 1);
        self.text[line_start..offset].trim().is_empty()
    }

    fn language(&self) -> &'static str {
        match self.display.rsplit('.').next() {
            Some("rs") => "Rust",
            Some("ts" | "mts" | "cts") => "TypeScript",
            Some("tsx") => "TSX",
            Some("jsx") => "JSX",
            Some("vue") => "Vue",
            Some("svelte") => "Svelte",
            Some("astro") => "Astro",
            _ => "JavaScript",
        }
    }
}

impl miette::SourceCode for SourceFile {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let contents = self
            .text
            .read_span(span, context_lines_before, context_lines_after)?;
        Ok(Box::new(
            miette::MietteSpanContents::new_named(
                self.display.clone(),
                contents.data(),
                *contents.span(),
                contents.line(),
                contents.column(),
                contents.line_count(),
            )
            .with_language(self.language()),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters_and_utf16_units() {
        let file = SourceFile::new("a.ts".into(), "a.ts".into(), "let é = '😀x';\nfoo".into());
        let x = file.text.find('x').unwrap() as u32;
        // l e t ␠ é ␠ = ␠ ' 😀 x : x is the 11th character.
        assert_eq!(
            file.line_col(x),
            LineCol {
                line: 1,
                column: 11
            }
        );
        // 😀 is two UTF-16 units, so x is at 0-based UTF-16 column 11.
        assert_eq!(file.line_col_utf16(x), (0, 11));
        assert_eq!(file.offset_of_utf16(0, 11), Some(x));
        let foo = file.text.find("foo").unwrap() as u32;
        assert_eq!(file.line_col(foo), LineCol { line: 2, column: 1 });
        assert_eq!(file.line_text(1), "let é = '😀x';");
        assert_eq!(file.line_start(2), Some(foo));
    }

    #[test]
    fn offsets_inside_a_character_or_past_the_end_are_clamped() {
        let file = SourceFile::new("a.rs".into(), "a.rs".into(), "é".into());
        assert_eq!(file.line_col(1), LineCol { line: 1, column: 1 });
        assert_eq!(file.line_col(99), LineCol { line: 1, column: 2 });
    }
}
