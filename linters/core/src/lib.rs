//! The engine's shared vocabulary: source files with their line index, spans, diagnostics
//! (which render through miette), rule metadata, configuration and suppression comments.
//!
//! Nothing here knows a syntax tree: the front ends (`prodlint_rust`, `prodlint_js`) turn
//! their trees into the [`Span`]s and [`Comment`]s this crate understands.

mod config;
mod dependency;
mod diagnostic;
pub mod env_reader;
mod files;
mod generated;
pub mod modes;
pub mod nesting;
mod panic;
mod paths;
mod project;
mod rule;
mod source;
mod suppress;

pub use config::{Config, ConfigError, Configs, RuleOptions, CONFIG_FILE_NAME};
pub use dependency::{Dependency, DependencyState, FileState, Freshness, Stamp, CACHE_DIR_NAME};
pub use diagnostic::{Applicability, Diagnostic, Edit, Fix, Label, Severity};
pub use files::{
    not_regular, read_regular, read_regular_to_string, temporary_beside, write_and_sync,
    write_atomically, write_tree,
};
pub use generated::is_generated;
pub use panic::{catch_quietly, install_quiet_hook};
pub use paths::{is_test_path, is_tooling_config};
pub use project::{normalize, Dependencies, Project, ProjectIndex};
pub use rule::{FixAvailability, Language, RuleMeta, DOCS_BASE_URL};
pub use source::{Comment, LineCol, SourceFile, Span};
pub use suppress::{SuppressionProblem, Suppressions, REASON_PLACEHOLDER};
