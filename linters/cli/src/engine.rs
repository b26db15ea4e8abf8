//! The run: read and parse each file once, run every active rule on it, apply the file's
//! suppressions, and gather the results in a deterministic order. Files are independent
//! here, so they are processed in parallel on rayon's pool with nothing shared but
//! read-only rules.

use std::collections::BTreeSet;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use prodlint_core::{
    is_test_path, is_tooling_config, Config, ConfigError, Dependency, Diagnostic, Project,
    RuleMeta, Severity, SourceFile, Stamp, Suppressions,
};
use prodlint_js::resolve::UnresolvedSpecifiers;
use prodlint_rules::{invalid_suppression, JsContext, Rule, RustContext, REGISTRY};
use prodlint_rust::crate_index::{crate_key, CrateIndex};
use rayon::prelude::*;

use crate::cache::{Cache, Results};
use crate::discover::Candidate;
use crate::report::{FileError, Note, Report};

/// A rule that will run, with the severity the configuration gives it (if any).
pub struct ActiveRule {
    pub rule: Box<dyn Rule>,
    pub severity: Option<Severity>,
}

/// The rules of a run, built from the configuration and `--select`/`--ignore`.
pub struct RuleSet {
    pub rules: Vec<ActiveRule>,
}

impl RuleSet {
    pub fn build(
        config: &Config,
        select: &[String],
        ignore: &[String],
    ) -> Result<RuleSet, ConfigError> {
        let mut rules = Vec::new();
        for entry in REGISTRY {
            let id = entry.meta.id;
            if (!select.is_empty() && !select.iter().any(|s| s == id))
                || ignore.iter().any(|s| s == id)
            {
                continue;
            }
            let settings = config.rule(id);
            let severity = match settings.severity {
                Some(None) => continue,
                Some(Some(severity)) => Some(severity),
                None => None,
            };
            rules.push(ActiveRule {
                rule: (entry.build)(&settings.options)?,
                severity,
            });
        }
        Ok(RuleSet { rules })
    }

    fn is_active(&self, id: &str) -> bool {
        self.rules.iter().any(|r| r.rule.meta().id == id)
    }
}

/// A file to lint: where it is, and its text when it does not come from disk (stdin, an
/// editor's buffer).
#[derive(Clone)]
pub struct Input {
    pub candidate: Candidate,
    pub text: Option<String>,
}

struct FileOutcome {
    diagnostics: Vec<Diagnostic>,
    errors: Vec<FileError>,
    notes: Vec<Note>,
}

fn position(file: &SourceFile, offset: u32) -> (Option<u32>, Option<u32>) {
    let at = file.line_col(offset);
    (Some(at.line), Some(at.column))
}

/// Runs each rule's hook, turning a panic in a rule into an error for that file, so one
/// bad rule or file never ends the run.
fn run_rule(
    active: &ActiveRule,
    file: &SourceFile,
    out: &mut Vec<Diagnostic>,
    errors: &mut Vec<FileError>,
    check: impl FnOnce(&dyn Rule, &mut Vec<Diagnostic>),
) {
    let mut found = Vec::new();
    let result = catch_unwind(AssertUnwindSafe(|| check(&*active.rule, &mut found)));
    match result {
        Ok(()) => {
            if let Some(severity) = active.severity {
                found.iter_mut().for_each(|d| d.severity = severity);
            }
            out.extend(found);
        }
        Err(panic) => {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            errors.push(FileError {
                path: file.display.clone(),
                line: None,
                column: None,
                message: format!(
                    "internal error in rule `{}`: {message}",
                    active.rule.meta().id
                ),
            });
        }
    }
}

/// A file to lint with the rules of its configuration, and the config files that decide
/// which configuration that is (what a cached result also depends on).
pub struct Job {
    pub input: Input,
    pub rules: Arc<RuleSet>,
    pub config_files: Vec<PathBuf>,
}

/// A file to check, with its rules and the config files that chose them.
type CheckJob<'a> = (Candidate, &'a RuleSet, &'a [PathBuf]);

/// The outcome of a file whose cached results still hold, if the file may use the cache.
fn cached_outcome(
    candidate: &Candidate,
    project: &Project,
    cache: Option<&Cache>,
    known_rules: &[&'static str],
) -> Option<FileOutcome> {
    let cache = cache.filter(|_| !project.has_override(&candidate.path))?;
    let cached = cache.lookup(&candidate.path, &candidate.display, known_rules)?;
    let own_path = prodlint_core::normalize(&project.cwd, &candidate.path);
    project
        .index::<UnresolvedSpecifiers>(&())
        .restore(&own_path, cached.unresolved);
    Some(FileOutcome {
        diagnostics: cached.diagnostics,
        errors: cached.errors,
        notes: cached.notes,
    })
}

/// Checks a file whose results are not cached, and stores them if the file may use the
/// cache.
fn lint_file(
    candidate: Candidate,
    rules: &RuleSet,
    config_files: &[PathBuf],
    project: &Project,
    cache: Option<&Cache>,
    known_rules: &[&'static str],
) -> FileOutcome {
    let cacheable = cache.filter(|_| !project.has_override(&candidate.path));
    let Some(cache) = cacheable else {
        return check_file(candidate, rules, project, known_rules);
    };
    let own_path = prodlint_core::normalize(&project.cwd, &candidate.path);
    let unresolved = project.index::<UnresolvedSpecifiers>(&());
    // Stamp first, then read: an edit during the run makes the stamp stale, never the text.
    let stamp = Stamp::of(&candidate.path);
    let display = candidate.display.clone();
    let candidate_path = candidate.path.clone();
    let recording = project.recording();
    let outcome = check_file(candidate, rules, &recording, known_rules);
    let failed_rule = outcome
        .errors
        .iter()
        .any(|e| e.message.starts_with("internal error"));
    if !failed_rule {
        let mut dependencies = recording.dependencies();
        dependencies
            .direct
            .remove(&Dependency::File(own_path.clone()));
        dependencies.direct.extend(
            config_files
                .iter()
                .map(|file| Dependency::File(prodlint_core::normalize(&project.cwd, file))),
        );
        cache.store(
            &candidate_path,
            &display,
            stamp,
            &dependencies,
            Results {
                diagnostics: &outcome.diagnostics,
                errors: &outcome.errors,
                unresolved: &unresolved.of_file(&own_path),
                notes: &outcome.notes,
            },
        );
    }
    outcome
}

/// Builds the crate indexes that the checks of these Rust files will read, before any
/// check starts. Built on demand instead, an index would be built inside the first check
/// that asks for it, while every other worker that asks waits for it: its parallel parse of
/// the crate's files would run on one thread.
fn build_crate_indexes(jobs: &[CheckJob], project: &Project) {
    let keys: BTreeSet<PathBuf> = jobs
        .par_iter()
        .filter(|(candidate, rules, _)| {
            candidate.path.extension().is_some_and(|e| e == "rs")
                && rules.rules.iter().any(|r| r.rule.reads_crate_index())
        })
        .map(|(candidate, ..)| crate_key(project, &candidate.path))
        .collect();
    keys.par_iter().for_each(|key| {
        project.index::<CrateIndex>(key);
    });
}

/// A file nested beyond the depth limits: reported where the limit was crossed, and not
/// checked.
fn too_deep_error(file: &SourceFile, span: prodlint_core::Span, message: String) -> FileError {
    let (line, column) = position(file, span.start);
    FileError {
        path: file.display.clone(),
        line,
        column,
        message,
    }
}

/// Reads, parses and checks one file.
fn check_file(
    candidate: Candidate,
    rules: &RuleSet,
    project: &Project,
    known_rules: &[&str],
) -> FileOutcome {
    let Candidate {
        path,
        display,
        project_path,
    } = candidate;
    let text = match project.read(&path) {
        Ok(text) => text.to_string(),
        Err(error) => {
            let message = if error.kind() == std::io::ErrorKind::InvalidData {
                "not valid UTF-8".to_string()
            } else {
                format!("cannot read: {error}")
            };
            let errors = vec![FileError {
                path: display,
                line: None,
                column: None,
                message,
            }];
            return FileOutcome {
                diagnostics: Vec::new(),
                errors,
                notes: Vec::new(),
            };
        }
    };
    let mut errors = Vec::new();
    let mut notes = Vec::new();
    let file = Arc::new(SourceFile::new(path, display, text));
    let is_test_file = is_test_path(&project_path);
    let is_tooling_file = is_tooling_config(&project_path);
    let mut diagnostics = Vec::new();
    let push_syntax_errors = |found: Vec<(prodlint_core::Span, String)>,
                              errors: &mut Vec<FileError>| {
        // The first error is the one to fix; the rest usually follow from it.
        if let Some((span, message)) = found.into_iter().next() {
            let (line, column) = position(&file, span.start);
            errors.push(FileError {
                path: file.display.clone(),
                line,
                column,
                message: format!("syntax error: {message}"),
            });
        }
    };

    let comments = if file.display.ends_with(".rs") {
        let normalized = prodlint_core::normalize(&project.cwd, &file.path);
        let is_tooling_file =
            is_tooling_file || prodlint_rust::crate_index::is_proc_macro_file(project, &normalized);
        let is_test_file = is_test_file
            || prodlint_rust::test_modules::is_test_module_file(project, &normalized)
            || prodlint_rust::crate_index::is_test_support_file(project, &normalized);
        let shared = project.index::<prodlint_rust::SharedParse>(&normalized);
        let parsed = shared.get(&file.text);
        if let Some(too_deep) = parsed.too_deep() {
            errors.push(too_deep_error(&file, too_deep.span, too_deep.message()));
            return FileOutcome {
                diagnostics,
                errors,
                notes: Vec::new(),
            };
        }
        push_syntax_errors(parsed.syntax_errors(), &mut errors);
        let tree = parsed.tree();
        let ctx = RustContext {
            file: &file,
            parsed: &parsed,
            tree: &tree,
            project,
            is_test_file,
            is_tooling_file,
        };
        for active in &rules.rules {
            run_rule(active, &file, &mut diagnostics, &mut errors, |rule, out| {
                rule.check_rust(&ctx, out)
            });
        }
        shared.release();
        parsed.comments()
    } else {
        match prodlint_js::parse(&file.display, &file.text) {
            Ok(parsed) => {
                // The files that import this one read its exports from this parse.
                if rules.rules.iter().any(|r| r.rule.reads_module_facts()) {
                    let normalized = prodlint_core::normalize(&project.cwd, &file.path);
                    prodlint_js::ModuleFacts::provide(project, &normalized, &file.text, &parsed);
                }
                // A declaration file is never compiled, and TypeScript does not check
                // its grammar either under `skipLibCheck`, which nearly every project
                // sets: an error the parser recovered from there (`declare` inside a
                // `declare module` block) breaks nothing, and a file error would fail
                // the run for it. A declaration file that does not parse at all is
                // still reported below.
                if !prodlint_js::is_declaration_file(&file.display) {
                    push_syntax_errors(parsed.recovered_errors.clone(), &mut errors);
                }
                for (span, why) in &parsed.skipped_blocks {
                    let (line, column) = position(&file, span.start);
                    notes.push(Note {
                        path: file.display.clone(),
                        line,
                        column,
                        message: why.clone(),
                    });
                }
                // A harness in a folder whose name does not say test still imports its
                // test runner.
                let is_test_file =
                    is_test_file || prodlint_js::imports_test_framework(&parsed.program);
                let ctx = JsContext {
                    file: &file,
                    parsed: &parsed,
                    project,
                    is_test_file,
                    is_tooling_file,
                };
                for active in &rules.rules {
                    run_rule(active, &file, &mut diagnostics, &mut errors, |rule, out| {
                        rule.check_js(&ctx, out)
                    });
                }
                parsed.comments
            }
            Err(error) if error.too_deep => {
                errors.push(too_deep_error(&file, error.span, error.message));
                return FileOutcome {
                    diagnostics,
                    errors,
                    notes,
                };
            }
            Err(error) => {
                push_syntax_errors(vec![(error.span, error.message)], &mut errors);
                return FileOutcome {
                    diagnostics,
                    errors,
                    notes,
                };
            }
        }
    };

    let mut suppressions = Suppressions::parse(&file, &comments, known_rules);
    let mut diagnostics = suppressions.filter(diagnostics);
    if let Some(active) = rules
        .rules
        .iter()
        .find(|r| r.rule.meta().id == invalid_suppression::META.id)
    {
        let problems = suppressions.problems(&|id| rules.is_active(id));
        let mut found: Vec<Diagnostic> = problems
            .iter()
            .map(|p| invalid_suppression::diagnostic(&file, p))
            .collect();
        if let Some(severity) = active.severity {
            found.iter_mut().for_each(|d| d.severity = severity);
        }
        diagnostics.extend(found);
    }
    FileOutcome {
        diagnostics,
        errors,
        notes,
    }
}

/// Lints each file with the rules of its own configuration ([`Job`]) and returns the
/// sorted report. The order of the jobs and the number of threads do not change the
/// result.
///
/// With a cache, files whose results are still valid are not read at all (but for those
/// with findings, to show them).
pub fn lint_each(jobs: &[Job], project: &Project, cache: Option<&Cache>) -> Report {
    let jobs = jobs
        .iter()
        .map(|job| (job.input.clone(), &*job.rules, job.config_files.as_slice()))
        .collect();
    lint_jobs(jobs, project, cache)
}

fn lint_jobs(
    jobs: Vec<(Input, &RuleSet, &[PathBuf])>,
    project: &Project,
    cache: Option<&Cache>,
) -> Report {
    let started = Instant::now();
    let known_rules = prodlint_rules::rule_ids();
    let files = jobs.len();
    let mut metas: Vec<&'static RuleMeta> = Vec::new();
    for (_, rules, _) in &jobs {
        for active in &rules.rules {
            if !metas.iter().any(|m| m.id == active.rule.meta().id) {
                metas.push(active.rule.meta());
            }
        }
    }
    // In the registry's order, as with one rule set.
    metas.sort_by_key(|m| known_rules.iter().position(|id| *id == m.id));
    let jobs: Vec<(Candidate, &RuleSet, &[PathBuf])> = jobs
        .into_iter()
        .map(|(input, rules, config_files)| {
            if let Some(text) = input.text {
                project.set_override(&input.candidate.path, Arc::from(text));
            }
            (input.candidate, rules, config_files)
        })
        .collect();
    let looked_up: Vec<Result<FileOutcome, CheckJob>> = jobs
        .into_par_iter()
        .map(|job| cached_outcome(&job.0, project, cache, &known_rules).ok_or(job))
        .collect();
    let mut outcomes = Vec::new();
    let mut to_check = Vec::new();
    for result in looked_up {
        match result {
            Ok(outcome) => outcomes.push(outcome),
            Err(job) => to_check.push(job),
        }
    }
    build_crate_indexes(&to_check, project);
    outcomes.par_extend(
        to_check
            .into_par_iter()
            .map(|(candidate, rules, config_files)| {
                lint_file(candidate, rules, config_files, project, cache, &known_rules)
            }),
    );
    let mut diagnostics = Vec::new();
    let mut errors = Vec::new();
    let mut notes = Vec::new();
    for outcome in outcomes {
        diagnostics.extend(outcome.diagnostics);
        errors.extend(outcome.errors);
        notes.extend(outcome.notes);
    }
    diagnostics.sort_by(|a, b| {
        let (a_start, b_start) = (a.file.line_col(a.span.start), b.file.line_col(b.span.start));
        (&a.file.display, a_start, a.rule, &a.message, a.span.end).cmp(&(
            &b.file.display,
            b_start,
            b.rule,
            &b.message,
            b.span.end,
        ))
    });
    errors.sort();
    notes.sort();
    Report {
        diagnostics,
        errors,
        notes,
        files,
        elapsed_ms: started.elapsed().as_millis(),
        unchecked_package_imports: project
            .index::<UnresolvedSpecifiers>(&())
            .missing_packages(),
        rules: metas,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs the rules `select` on the TS files of `files` and says whether the module facts
    /// of `lone.ts`, which nothing imports, were made.
    fn facts_made(select: &str, files: &[(&str, &str)]) -> bool {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        let project = Project::new(dir.path().to_path_buf());
        let rules =
            Arc::new(RuleSet::build(&Config::default(), &[select.to_string()], &[]).unwrap());
        let jobs: Vec<Job> = files
            .iter()
            .map(|(name, _)| Job {
                input: Input {
                    candidate: Candidate {
                        path: dir.path().join(name),
                        display: name.to_string(),
                        project_path: name.to_string(),
                    },
                    text: None,
                },
                rules: Arc::clone(&rules),
                config_files: Vec::new(),
            })
            .collect();
        let report = lint_each(&jobs, &project, None);
        assert!(report.errors.is_empty(), "{:?}", report.errors);
        project.is_built::<prodlint_js::ModuleFacts>(&dir.path().join("lone.ts"))
    }

    #[test]
    fn module_facts_are_made_only_for_rules_that_read_them() {
        let files = [
            ("lone.ts", "export const a = 1;\n"),
            ("b.ts", "export const b = 2;\n"),
        ];
        assert!(facts_made("import-mismatch", &files));
        assert!(!facts_made("invalid-suppression", &files));
    }
}
