//! Source snippets with labels and help, rendered by miette's graphical handler. Labels in
//! other files come through the diagnostic's `related()` reports, each with its own snippet.

use std::fmt;
use std::io::{self, IsTerminal, Write};

use miette::{GraphicalReportHandler, GraphicalTheme};

use super::{FileError, Report};

/// Width used when the output is not a terminal (and when a terminal does not say).
pub const DEFAULT_WIDTH: usize = 100;

/// How to draw. Off a terminal everything is plain and fixed, so the output is the same on
/// every machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// ANSI colours.
    pub color: bool,
    /// Box-drawing characters rather than ASCII art.
    pub unicode: bool,
    /// Make the rule id a terminal hyperlink (OSC 8) to its documentation.
    pub hyperlinks: bool,
    /// Where lines wrap.
    pub width: usize,
}

impl Options {
    /// Plain, deterministic output: unicode without colours or links, 100 columns wide.
    pub fn plain() -> Options {
        Options {
            color: false,
            unicode: true,
            hyperlinks: false,
            width: DEFAULT_WIDTH,
        }
    }

    /// Links and the terminal's width only when standard output is a terminal; colours as
    /// decided by `--color` and the environment ([`super::color::enabled`]).
    pub fn for_stdout(color: bool) -> Options {
        let stdout = io::stdout();
        if !stdout.is_terminal() {
            return Options {
                color,
                ..Options::plain()
            };
        }
        Options {
            color,
            unicode: true,
            hyperlinks: supports_hyperlinks::on(supports_hyperlinks::Stream::Stdout),
            width: terminal_size::terminal_size_of(&stdout)
                .map_or(DEFAULT_WIDTH, |(width, _)| usize::from(width.0)),
        }
    }

    fn handler(&self) -> GraphicalReportHandler {
        let theme = match (self.unicode, self.color) {
            (true, true) => GraphicalTheme::unicode(),
            (true, false) => GraphicalTheme::unicode_nocolor(),
            (false, true) => GraphicalTheme::ascii(),
            (false, false) => GraphicalTheme::none(),
        };
        let handler = GraphicalReportHandler::new_themed(theme)
            .with_width(self.width)
            // Rule ids, option names and URLs are full of hyphens: never split at them.
            .with_word_splitter(textwrap::WordSplitter::NoHyphenation)
            .without_syntax_highlighting();
        if self.hyperlinks {
            handler.with_links(true)
        } else {
            // No URL at all: `prodlint explain RULE` prints the docs.
            handler.with_urls(false)
        }
    }
}

/// A file that could not be read or parsed, as a snippet-less miette report.
struct FileErrorReport<'a>(&'a FileError);

impl fmt::Display for FileErrorReport<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let error = self.0;
        match (error.line, error.column) {
            (Some(line), Some(column)) => {
                write!(f, "{}:{line}:{column}: {}", error.path, error.message)
            }
            (Some(line), None) => write!(f, "{}:{line}: {}", error.path, error.message),
            _ => write!(f, "{}: {}", error.path, error.message),
        }
    }
}

impl fmt::Debug for FileErrorReport<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for FileErrorReport<'_> {}

impl miette::Diagnostic for FileErrorReport<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        Some(miette::Severity::Error)
    }

    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.0.kind()))
    }
}

pub fn write(report: &Report, out: &mut dyn Write, options: &Options) -> io::Result<()> {
    let handler = options.handler();
    let mut first = true;
    let mut render = |diagnostic: &dyn miette::Diagnostic| -> io::Result<()> {
        let mut text = String::new();
        handler
            .render_report(&mut text, diagnostic)
            .map_err(|_| io::Error::other("cannot render a diagnostic"))?;
        // miette pads the gutter of empty source lines; trailing blanks only get in the way
        // (of diffs, of editors that strip them from saved output).
        let mut text: String = text
            .lines()
            .map(|line| line.trim_end_matches(' '))
            .collect::<Vec<_>>()
            .join("\n");
        text.push('\n');
        if !first {
            writeln!(out)?;
        }
        first = false;
        out.write_all(text.as_bytes())
    };
    for diagnostic in &report.diagnostics {
        match diagnostic.shortened() {
            Some(shown) => render(&shown)?,
            None => render(diagnostic)?,
        }
    }
    for error in &report.errors {
        render(&FileErrorReport(error))?;
    }
    Ok(())
}
