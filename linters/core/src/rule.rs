use crate::diagnostic::Severity;

/// Where a rule's documentation is published; the rule id and `.md` follow.
pub const DOCS_BASE_URL: &str = "https://github.com/prodlint/prodlint/blob/main/docs/rules/";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Language {
    Rust,
    /// TypeScript and JavaScript, including the `<script>` blocks of Vue files.
    JavaScript,
}

impl Language {
    pub fn as_str(self) -> &'static str {
        match self {
            Language::Rust => "Rust",
            Language::JavaScript => "TS/JS",
        }
    }
}

/// Whether a rule's diagnostics can carry a fix, and of which kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixAvailability {
    None,
    /// Some diagnostics carry a fix that `--fix` applies.
    Safe,
    /// Some diagnostics carry a fix that an editor offers but `--fix` does not apply.
    Suggestion,
}

/// What the registry, `prodlint rules`, `prodlint explain` and the SARIF and docs writers
/// know of a rule. Built by `prodlint_macros::declare_rule!` from the rule's declaration, so the
/// documentation lives in one place: the doc comment on that declaration.
#[derive(Debug)]
pub struct RuleMeta {
    /// Stable kebab-case id, used in configuration, suppressions and every output format.
    pub id: &'static str,
    pub languages: &'static [Language],
    pub default_severity: Severity,
    /// For a rule whose findings carry the severity of what they find (`hardcoded-url`:
    /// error, warning or info by where an address goes): which gets which. The
    /// `default_severity` is then only the level SARIF declares for the rule.
    pub severity_by_finding: Option<&'static str>,
    /// One line: what the rule finds.
    pub summary: &'static str,
    /// The doc comment of the declaration, each line as written after `///`.
    pub raw_docs: &'static str,
    pub fix: FixAvailability,
}

impl RuleMeta {
    /// The documentation as Markdown, with the one space after each `///` removed.
    pub fn docs(&self) -> String {
        let mut out = String::with_capacity(self.raw_docs.len());
        for line in self.raw_docs.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out.trim().to_string() + "\n"
    }

    pub fn docs_url(&self) -> String {
        format!("{DOCS_BASE_URL}{}.md", self.id)
    }

    /// The default severity as `prodlint rules` shows it: `varies` where each finding
    /// carries its own.
    pub fn severity_label(&self) -> &'static str {
        match self.severity_by_finding {
            Some(_) => "varies",
            None => self.default_severity.as_str(),
        }
    }

    pub fn languages_text(&self) -> String {
        self.languages
            .iter()
            .map(|l| l.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}
