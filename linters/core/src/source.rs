use std::path::PathBuf;
use std::sync::Arc;

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
    /// Built on the first question about lines: most files read for their facts (the
    /// targets of imports in node_modules) are never shown, and their text can be large.
    line_index: std::sync::OnceLock<LineIndex>,
    /// For an excerpt made for showing ([`SourceFile::shortened`]): the file it was cut
    /// from, so that a snippet's header gives the line and column there.
    origin: Option<(Arc<SourceFile>, Excerpt)>,
}

/// Lines longer than this (in bytes) are cut for showing: a minified bundle's 10 MB line
/// would otherwise be printed whole for each finding on it.
pub const SHOWN_LINE_LIMIT: usize = 240;

/// How much of a long line is shown on each side of a span.
const SHOWN_CONTEXT: usize = 60;

/// What an excerpt kept of its file: pieces of the text, in order, with `…` between them.
#[derive(Debug, Clone, Default)]
pub struct Excerpt {
    /// `(start in the file, end in the file, start in the excerpt)`.
    pieces: Vec<(u32, u32, u32)>,
}

impl Excerpt {
    /// Where an offset of the file is in the excerpt (an offset cut out maps to the
    /// start of the next piece kept).
    pub fn to_excerpt(&self, offset: u32) -> u32 {
        let at = self.pieces.partition_point(|&(_, end, _)| end < offset);
        match self.pieces.get(at) {
            Some(&(start, _, shown)) => shown + offset.saturating_sub(start),
            None => self
                .pieces
                .last()
                .map_or(0, |&(start, end, shown)| shown + end - start),
        }
    }

    /// Where an offset of the excerpt is in the file.
    fn to_file(&self, offset: u32) -> u32 {
        let at = self
            .pieces
            .partition_point(|&(start, end, shown)| shown + (end - start) < offset);
        match self.pieces.get(at) {
            Some(&(start, end, shown)) => (start + offset.saturating_sub(shown)).min(end),
            None => self.pieces.last().map_or(0, |&(_, end, _)| end),
        }
    }
}

/// The UTF-8 byte order mark: not a character of the first line's columns.
const BOM: char = '\u{feff}';

/// A line index in which a lone CR ends a line, as it does in editors and the Language
/// Server Protocol (`\n`, `\r\n` and `\r`). line-index counts only `\n`, so it indexes a
/// copy with each lone CR made a LF: the same length, so the same offsets.
fn line_index(text: &str) -> LineIndex {
    let bytes = text.as_bytes();
    let lone_cr = |i: usize| bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n');
    // Most files have no CR at all: one fast search settles them.
    if !text.contains('\r') || !(0..bytes.len()).any(lone_cr) {
        return LineIndex::new(text);
    }
    let unified: Vec<u8> = (0..bytes.len())
        .map(|i| if lone_cr(i) { b'\n' } else { bytes[i] })
        .collect();
    // CR and LF are ASCII: the bytes around them are untouched, so still UTF-8.
    LineIndex::new(std::str::from_utf8(&unified).expect("ASCII replaced by ASCII"))
}

impl SourceFile {
    fn lines(&self) -> &LineIndex {
        self.line_index.get_or_init(|| line_index(&self.text))
    }

    pub fn new(path: PathBuf, display: String, text: String) -> SourceFile {
        SourceFile {
            path,
            display,
            text,
            line_index: std::sync::OnceLock::new(),
            origin: None,
        }
    }

    /// The file for showing `spans`: itself, or, when a line is longer than
    /// [`SHOWN_LINE_LIMIT`], an excerpt in which long lines keep only the text around the
    /// spans on them (the first part of the line when there is none), with `…` where text
    /// is cut. Map spans into it with the [`Excerpt`].
    pub fn shortened(file: &Arc<SourceFile>, spans: &[Span]) -> Option<(Arc<SourceFile>, Excerpt)> {
        let text = &file.text;
        let mut line_start = 0;
        let mut long = false;
        let mut pieces: Vec<(usize, usize)> = Vec::new();
        for line in text.split_inclusive('\n') {
            let line_end = line_start + line.trim_end_matches(['\n', '\r']).len();
            let next = line_start + line.len();
            if line_end - line_start <= SHOWN_LINE_LIMIT {
                pieces.push((line_start, next));
            } else {
                long = true;
                let boundary = |mut at: usize, forward: bool| {
                    while !text.is_char_boundary(at) {
                        if forward {
                            at += 1
                        } else {
                            at -= 1
                        }
                    }
                    at
                };
                let mut windows: Vec<(usize, usize)> = spans
                    .iter()
                    .map(|span| (span.start as usize, span.end as usize))
                    .filter(|&(start, end)| start <= line_end && end >= line_start)
                    .map(|(start, end)| {
                        let start = start.max(line_start);
                        let end = end.min(start + SHOWN_LINE_LIMIT).min(line_end);
                        (
                            boundary(start.saturating_sub(SHOWN_CONTEXT).max(line_start), false),
                            boundary((end + SHOWN_CONTEXT).min(line_end), true),
                        )
                    })
                    .collect();
                if windows.is_empty() {
                    windows.push((line_start, boundary(line_start + SHOWN_LINE_LIMIT, false)));
                }
                windows.sort_unstable();
                for window in windows {
                    match pieces.last_mut() {
                        Some(last) if last.1 >= window.0 && last.0 >= line_start => {
                            last.1 = last.1.max(window.1)
                        }
                        _ => pieces.push(window),
                    }
                }
                pieces.push((line_end, next));
            }
            line_start = next;
        }
        if !long {
            return None;
        }
        let mut shown = String::new();
        let mut excerpt = Excerpt::default();
        let mut previous_end = 0;
        for (start, end) in pieces {
            if start > previous_end {
                shown.push('…');
            }
            excerpt
                .pieces
                .push((start as u32, end as u32, shown.len() as u32));
            shown.push_str(&text[start..end]);
            previous_end = end;
        }
        let mut short = SourceFile::new(file.path.clone(), file.display.clone(), shown);
        short.origin = Some((Arc::clone(file), excerpt.clone()));
        Some((Arc::new(short), excerpt))
    }

    /// Whether the text starts with a byte order mark, and `offset` is past it.
    fn after_bom(&self, offset: u32) -> bool {
        self.text.starts_with(BOM) && offset as usize >= BOM.len_utf8()
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
        let offset = self.clamp(offset);
        let utf8 = self.lines().line_col(TextSize::from(offset));
        let wide = self
            .lines()
            .to_wide(encoding, utf8)
            .expect("a clamped offset is always on a character boundary");
        // The byte order mark is one character (and one UTF-16 unit) of line 1.
        let bom = u32::from(wide.line == 0 && self.after_bom(offset));
        LineCol {
            line: wide.line + 1,
            column: wide.col + 1 - bom,
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
        let bom = u32::from(line == 0 && self.text.starts_with(BOM));
        let utf8 = self.lines().to_utf8(
            WideEncoding::Utf16,
            line_index::WideLineCol {
                line,
                col: column + bom,
            },
        )?;
        self.lines().offset(utf8).map(u32::from)
    }

    /// The 1-based number of the line holding `offset`.
    pub fn line_of(&self, offset: u32) -> u32 {
        self.lines()
            .line_col(TextSize::from(self.clamp(offset)))
            .line
            + 1
    }

    /// The text of a 1-based line without its line ending.
    pub fn line_text(&self, line: u32) -> &str {
        match self.lines().line(line.saturating_sub(1)) {
            Some(range) => {
                let text = &self.text[range];
                let text = text.trim_end_matches(['\n', '\r']);
                if line == 1 {
                    text.trim_start_matches(BOM)
                } else {
                    text
                }
            }
            None => "",
        }
    }

    /// The byte offset at which a 1-based line starts.
    pub fn line_start(&self, line: u32) -> Option<u32> {
        self.lines()
            .line(line.saturating_sub(1))
            .map(|r| u32::from(r.start()))
    }

    /// Whether the text before `offset` on its line is only white space.
    pub fn starts_line(&self, offset: u32) -> bool {
        let offset = self.clamp(offset) as usize;
        let line_start = self.text[..offset].rfind(['\n', '\r']).map_or(0, |i| i + 1);
        self.text[line_start..offset]
            .trim_start_matches(BOM)
            .trim()
            .is_empty()
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
        // An excerpt's header gives the place in the file it was cut from.
        let (line, column) = match &self.origin {
            Some((file, excerpt)) => {
                let at = file.line_col(excerpt.to_file(span.offset() as u32));
                (at.line as usize - 1, at.column as usize - 1)
            }
            None => (contents.line(), contents.column()),
        };
        Ok(Box::new(
            miette::MietteSpanContents::new_named(
                self.display.clone(),
                contents.data(),
                *contents.span(),
                line,
                column,
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

    #[test]
    fn a_lone_cr_ends_a_line() {
        let file = SourceFile::new("a.ts".into(), "a.ts".into(), "a\rb\r\nc\nd".into());
        let at = |needle: &str| file.line_col(file.text.find(needle).unwrap() as u32);
        assert_eq!(at("b"), LineCol { line: 2, column: 1 });
        assert_eq!(at("c"), LineCol { line: 3, column: 1 });
        assert_eq!(at("d"), LineCol { line: 4, column: 1 });
        assert_eq!(file.line_text(1), "a");
        assert_eq!(file.line_text(2), "b");
        assert_eq!(file.offset_of_utf16(1, 0), Some(2));
        assert!(file.starts_line(2));
    }

    #[test]
    fn a_byte_order_mark_is_not_a_column() {
        let file = SourceFile::new("a.ts".into(), "a.ts".into(), "\u{feff}let x;\ny".into());
        let x = file.text.find('x').unwrap() as u32;
        assert_eq!(file.line_col(x), LineCol { line: 1, column: 5 });
        assert_eq!(file.line_col_utf16(x), (0, 4));
        assert_eq!(file.offset_of_utf16(0, 4), Some(x));
        assert_eq!(file.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(file.line_text(1), "let x;");
        assert!(file.starts_line(3));
        let y = file.text.find('y').unwrap() as u32;
        assert_eq!(file.line_col(y), LineCol { line: 2, column: 1 });
    }

    #[test]
    fn a_giant_line_is_shown_around_its_spans() {
        let line = format!("{}needle{}", "a".repeat(5_000_000), "b".repeat(5_000_000));
        let file = Arc::new(SourceFile::new(
            "a.js".into(),
            "a.js".into(),
            format!("short\n{line}\nend\n"),
        ));
        let start = file.text.find("needle").unwrap() as u32;
        let span = Span::new(start, start + 6);
        let (short, excerpt) = SourceFile::shortened(&file, &[span]).unwrap();
        assert!(
            short.text.len() < 2 * (SHOWN_CONTEXT + 6) + 20,
            "{}",
            short.text.len()
        );
        assert!(short.text.starts_with("short\n…a"));
        assert!(short.text.ends_with("b…\nend\n"));
        let shown = Span::new(excerpt.to_excerpt(span.start), excerpt.to_excerpt(span.end));
        assert_eq!(short.slice(shown), "needle");
        assert_eq!(excerpt.to_file(shown.start), span.start);
        // Short lines are shown whole: no excerpt.
        let plain = Arc::new(SourceFile::new("b.js".into(), "b.js".into(), "x\n".into()));
        assert!(SourceFile::shortened(&plain, &[Span::new(0, 1)]).is_none());
    }
}
