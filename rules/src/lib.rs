//! prodlint's rules: one file each, the documentation in the doc comment of its
//! `declare_rule!` (prodlint_macros, which checks the declaration as it compiles), and the
//! registry that the command line, the configuration and the reporters read.

use std::sync::Arc;

use prodlint_core::{ConfigError, Diagnostic, Project, RuleMeta, RuleOptions, SourceFile};
use prodlint_js::JsFile;
use prodlint_rust::RustFile;

pub mod duplicate_auto_import;
pub mod hardcoded_url;
pub mod import_mismatch;
pub mod instrument_unknown_param;
pub mod invalid_suppression;
pub mod n_plus_one;
pub mod non_send_across_await;
pub mod option_result_misuse;
pub mod stale_dependency_api;
pub mod ws_broadcast_to_sender;

/// What a rule sees of a Rust file.
pub struct RustContext<'a> {
    pub file: &'a Arc<SourceFile>,
    pub parsed: &'a RustFile,
    pub tree: &'a prodlint_rust::ra_ap_syntax::ast::SourceFile,
    /// Other files and the indexes built from them.
    pub project: &'a Project,
    /// Test, benchmark or example code by its path (`tests/`, `*_test.rs`, `examples/`).
    pub is_test_file: bool,
    /// Build tooling by its path (`build.rs`).
    pub is_tooling_file: bool,
}

/// What a rule sees of a TS/JS file (or a Vue file's script blocks).
pub struct JsContext<'a> {
    pub file: &'a Arc<SourceFile>,
    pub parsed: &'a JsFile,
    /// Other files and the indexes built from them.
    pub project: &'a Project,
    /// Test code by its path (`*.test.ts`, `__tests__/`, `e2e/`).
    pub is_test_file: bool,
    /// Build or dev-tool configuration by its path (`vite.config.ts`).
    pub is_tooling_file: bool,
}

/// A configured rule. Hooks that a rule does not need keep their empty defaults.
pub trait Rule: Send + Sync {
    fn meta(&self) -> &'static RuleMeta;

    fn check_rust(&self, _ctx: &RustContext<'_>, _out: &mut Vec<Diagnostic>) {}

    fn check_js(&self, _ctx: &JsContext<'_>, _out: &mut Vec<Diagnostic>) {}

    /// Whether the rule's check of a Rust file reads the crate index of the file's crate
    /// or workspace (`prodlint_rust::crate_index`), so that the engine builds it before
    /// the checks start.
    fn reads_crate_index(&self) -> bool {
        false
    }

    /// Whether the rule's check of a TS/JS file reads the module facts of other files
    /// (`prodlint_js::ModuleFacts`: what they import and export), so that each file checked
    /// provides its own from the parse its check made. Without such a rule no file's facts
    /// are made.
    fn reads_module_facts(&self) -> bool {
        false
    }
}

/// A rule in the registry: its metadata and how to build it from its options, so that
/// option errors surface when the configuration is loaded, not in the middle of a run.
pub struct RuleEntry {
    pub meta: &'static RuleMeta,
    pub build: fn(&RuleOptions) -> Result<Box<dyn Rule>, ConfigError>,
}

prodlint_macros::rule_registry! {
    /// Every rule, in the order `prodlint rules` lists them: the defects that break
    /// production first, the hygiene of suppressions last. Each line names the type that
    /// implements a rule, in the module whose `declare_rule!` declares its `META`.
    pub static REGISTRY: &[RuleEntry] = [
        non_send_across_await::NonSendAcrossAwait,
        option_result_misuse::OptionResultMisuse,
        stale_dependency_api::StaleDependencyApi,
        instrument_unknown_param::InstrumentUnknownParam,
        import_mismatch::ImportMismatch,
        duplicate_auto_import::DuplicateAutoImport,
        n_plus_one::NPlusOne,
        hardcoded_url::HardcodedUrl,
        ws_broadcast_to_sender::WsBroadcastToSender,
        invalid_suppression::InvalidSuppression,
    ];
}

pub fn rule_ids() -> Vec<&'static str> {
    REGISTRY.iter().map(|entry| entry.meta.id).collect()
}

/// A rule's page, as `prodlint explain` prints it and docs/rules/ID.md holds it.
pub fn markdown(meta: &RuleMeta) -> String {
    let fix = match meta.fix {
        prodlint_core::FixAvailability::None => "none",
        prodlint_core::FixAvailability::Safe => "safe (applied by `--fix`)",
        prodlint_core::FixAvailability::Suggestion => {
            "suggested (offered in the editor, not applied by `--fix`)"
        }
    };
    format!(
        "# {}\n\n{}.\n\n- Languages: {}\n- Default severity: {}\n- Fix: {}\n\n{}",
        meta.id,
        meta.summary,
        meta.languages_text(),
        match meta.severity_by_finding {
            Some(by_finding) => format!("by finding: {by_finding}"),
            None => meta.default_severity.to_string(),
        },
        fix,
        meta.docs()
    )
}

pub fn find(id: &str) -> Option<&'static RuleEntry> {
    REGISTRY.iter().find(|entry| entry.meta.id == id)
}
