use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::rule::DOCS_BASE_URL;
use crate::source::{SourceFile, Span};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A secondary place a diagnostic points at, in the same file or another one.
#[derive(Debug, Clone)]
pub struct Label {
    pub file: Arc<SourceFile>,
    pub span: Span,
    pub message: String,
}

/// Whether `--fix` may apply a fix unattended, or only an editor may offer it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applicability {
    /// Keeps the program's meaning: applied by `--fix`.
    Safe,
    /// Probably what the author meant, but a person should look: offered, never applied.
    Suggestion,
}

#[derive(Debug, Clone)]
pub struct Edit {
    pub file: Arc<SourceFile>,
    pub span: Span,
    pub replacement: String,
}

#[derive(Debug, Clone)]
pub struct Fix {
    pub message: String,
    pub applicability: Applicability,
    pub edits: Vec<Edit>,
}

/// One finding. Rules build it with [`Diagnostic::new`] and the `with_*` methods; the engine
/// then settles its severity from the configuration.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub rule: &'static str,
    pub severity: Severity,
    pub file: Arc<SourceFile>,
    pub span: Span,
    pub message: String,
    pub help: Option<String>,
    pub labels: Vec<Label>,
    pub fix: Option<Fix>,
}

impl Diagnostic {
    pub fn new(
        rule: &'static str,
        severity: Severity,
        file: &Arc<SourceFile>,
        span: Span,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            rule,
            severity,
            file: Arc::clone(file),
            span,
            message: message.into(),
            help: None,
            labels: Vec::new(),
            fix: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn with_label(
        mut self,
        file: &Arc<SourceFile>,
        span: Span,
        message: impl Into<String>,
    ) -> Diagnostic {
        self.labels.push(Label {
            file: Arc::clone(file),
            span,
            message: message.into(),
        });
        self
    }

    pub fn with_fix(mut self, fix: Fix) -> Diagnostic {
        self.fix = Some(fix);
        self
    }

    /// The order every reporter uses: path, line, column, then rule and message so that
    /// two findings at one place never swap between runs.
    pub fn sort_key(&self) -> (&str, u32, u32, &str, &str) {
        (
            &self.file.display,
            self.span.start,
            self.span.end,
            self.rule,
            &self.message,
        )
    }

    pub fn docs_url(&self) -> String {
        format!("{DOCS_BASE_URL}{}.md", self.rule)
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Diagnostic {}

fn miette_span(span: Span) -> miette::SourceSpan {
    miette::SourceSpan::new((span.start as usize).into(), span.len() as usize)
}

impl Diagnostic {
    /// The diagnostic as a snippet shows it: the files with a line longer than
    /// [`crate::source::SHOWN_LINE_LIMIT`] replaced by excerpts around its spans
    /// ([`SourceFile::shortened`]); `None` when every line is short enough to show.
    pub fn shortened(&self) -> Option<Diagnostic> {
        let spans_in = |file: &Arc<SourceFile>| -> Vec<Span> {
            let mut spans: Vec<Span> = self
                .labels
                .iter()
                .filter(|label| Arc::ptr_eq(&label.file, file))
                .map(|label| label.span)
                .collect();
            if Arc::ptr_eq(&self.file, file) {
                spans.push(self.span);
            }
            spans
        };
        let mut changed = false;
        let mut shorten = |file: &Arc<SourceFile>, span: Span| -> (Arc<SourceFile>, Span) {
            match SourceFile::shortened(file, &spans_in(file)) {
                Some((short, excerpt)) => {
                    changed = true;
                    let start = excerpt.to_excerpt(span.start);
                    (
                        short,
                        Span::new(start, excerpt.to_excerpt(span.end).max(start)),
                    )
                }
                None => (Arc::clone(file), span),
            }
        };
        let mut shown = self.clone();
        (shown.file, shown.span) = shorten(&self.file, self.span);
        for label in &mut shown.labels {
            (label.file, label.span) = shorten(&label.file, label.span);
            // Labels in the diagnostic's own file stay in the same (shortened) file.
            if label.file.display == shown.file.display {
                label.file = Arc::clone(&shown.file);
            }
        }
        changed.then_some(shown)
    }
}

// A label in another file renders as a related report with that file's snippet, so a
// label is itself a (one-span, advice-level) miette diagnostic.
impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Label {}

impl miette::Diagnostic for Label {
    fn severity(&self) -> Option<miette::Severity> {
        Some(miette::Severity::Advice)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&*self.file)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        Some(Box::new(std::iter::once(
            miette::LabeledSpan::new_with_span(None, miette_span(self.span)),
        )))
    }
}

impl miette::Diagnostic for Diagnostic {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.rule))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        let help = self.help.as_deref()?;
        Some(Box::new(help))
    }

    fn url<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.docs_url()))
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&*self.file)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let primary = miette::LabeledSpan::new_primary_with_span(None, miette_span(self.span));
        let same_file = self
            .labels
            .iter()
            .filter(|label| label.file.display == self.file.display)
            .map(|label| {
                miette::LabeledSpan::new_with_span(
                    Some(label.message.clone()),
                    miette_span(label.span),
                )
            });
        Some(Box::new(std::iter::once(primary).chain(same_file)))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        let mut others = self
            .labels
            .iter()
            .filter(|label| label.file.display != self.file.display)
            .map(|label| label as &dyn miette::Diagnostic)
            .peekable();
        others.peek()?;
        Some(Box::new(others))
    }
}
