//! `--fix` and `--diff`: applying the safe fixes of a run.
//!
//! A fix is taken whole or not at all. Fixes are considered in a fixed order (path, place,
//! rule), and one whose edits overlap an edit already taken is left for the next run, so
//! the result does not depend on thread scheduling. The fixed text of each file is parsed
//! again and the file is left alone if that parse is worse than the original's. Only files
//! checked in this run are written; writes are atomic, never through a symbolic link or
//! into a read-only file, and a file that changed on disk since it was read is not touched
//! (`crate::fs::replace_checked`).

use std::collections::BTreeMap;
use std::path::PathBuf;

use prodlint_core::{Applicability, Diagnostic, Span};

/// The fixed text of one file.
pub struct FileFix {
    pub path: PathBuf,
    pub display: String,
    pub original: String,
    pub fixed: String,
    pub fixes: usize,
}

/// What planning found.
pub struct Plan {
    pub files: Vec<FileFix>,
    /// Fixes left out because they overlapped a fix taken before them.
    pub overlapping: usize,
    /// Files whose fixed text did not parse as well as the original (left alone).
    pub rejected: Vec<String>,
    /// Fixes left out because they edit a file this run did not check.
    pub unchecked: usize,
}

fn overlaps(a: Span, b: Span) -> bool {
    (a.start < b.end && b.start < a.end) || (a.start == b.start && (a.is_empty() || b.is_empty()))
}

/// Syntax errors in `text`, for comparing a fixed file with its original.
fn syntax_errors(display: &str, text: &str) -> usize {
    if display.ends_with(".rs") {
        prodlint_rust::RustFile::parse(text).syntax_errors().len()
    } else {
        match prodlint_js::parse(display, text) {
            Ok(parsed) => parsed.recovered_errors.len(),
            Err(_) => usize::MAX,
        }
    }
}

struct FileEdits {
    path: PathBuf,
    original: String,
    edits: Vec<(Span, String)>,
    fixes: usize,
}

/// Plans the safe fixes of `diagnostics`; `checked` tells the files (by display path) that
/// this run checked, the only ones a fix may edit.
pub fn plan(diagnostics: &[Diagnostic], checked: &dyn Fn(&str) -> bool) -> Plan {
    let mut unchecked = 0;
    let mut candidates: Vec<&Diagnostic> = diagnostics
        .iter()
        .filter(|d| {
            d.fix
                .as_ref()
                .is_some_and(|f| f.applicability == Applicability::Safe && !f.edits.is_empty())
        })
        .filter(|d| {
            let edits = &d.fix.as_ref().unwrap().edits;
            let inside = edits.iter().all(|edit| checked(&edit.file.display));
            unchecked += usize::from(!inside);
            inside
        })
        .collect();
    candidates.sort_by(|a, b| {
        let first = |d: &Diagnostic| {
            let edit = &d.fix.as_ref().unwrap().edits[0];
            (edit.file.display.clone(), edit.span.start, edit.span.end)
        };
        (first(a), a.rule, &a.message).cmp(&(first(b), b.rule, &b.message))
    });

    let mut files: BTreeMap<String, FileEdits> = BTreeMap::new();
    let mut overlapping = 0;
    for diagnostic in candidates {
        let fix = diagnostic.fix.as_ref().unwrap();
        let clashes = fix.edits.iter().any(|edit| {
            files.get(&edit.file.display).is_some_and(|taken| {
                taken.edits.iter().any(|(span, replacement)| {
                    overlaps(*span, edit.span)
                        && !(*span == edit.span && *replacement == edit.replacement)
                })
            })
        });
        if clashes {
            overlapping += 1;
            continue;
        }
        for edit in &fix.edits {
            let entry = files
                .entry(edit.file.display.clone())
                .or_insert_with(|| FileEdits {
                    path: edit.file.path.clone(),
                    original: edit.file.text.clone(),
                    edits: Vec::new(),
                    fixes: 0,
                });
            // The same edit from two diagnostics is made once.
            if !entry
                .edits
                .iter()
                .any(|(span, r)| *span == edit.span && *r == edit.replacement)
            {
                entry.edits.push((edit.span, edit.replacement.clone()));
            }
        }
        for display in fix.edits.iter().map(|e| &e.file.display) {
            files.get_mut(display).unwrap().fixes += 1;
        }
    }

    let mut plan = Plan {
        files: Vec::new(),
        overlapping,
        rejected: Vec::new(),
        unchecked,
    };
    for (display, mut file) in files {
        file.edits
            .sort_by_key(|(span, _)| std::cmp::Reverse((span.start, span.end)));
        let mut fixed = file.original.clone();
        for (span, replacement) in &file.edits {
            fixed.replace_range(span.start as usize..span.end as usize, replacement);
        }
        if syntax_errors(&display, &fixed) > syntax_errors(&display, &file.original) {
            plan.rejected.push(display);
            continue;
        }
        plan.files.push(FileFix {
            path: file.path,
            display,
            original: file.original,
            fixed,
            fixes: file.fixes,
        });
    }
    plan
}

/// What applying a plan did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Applied {
    pub files: usize,
    /// The fixes in the files written.
    pub fixes: usize,
    /// Why each file left alone was left alone.
    pub errors: Vec<String>,
}

/// Writes the fixed files.
pub fn apply(plan: &Plan) -> Applied {
    let mut applied = Applied::default();
    for file in &plan.files {
        match crate::fs::replace_checked(
            &file.path,
            file.original.as_bytes(),
            file.fixed.as_bytes(),
        ) {
            Ok(()) => {
                applied.files += 1;
                applied.fixes += file.fixes;
            }
            Err(error) => applied
                .errors
                .push(format!("{}: not fixed: {error}", file.display)),
        }
    }
    applied
}

/// The fixes as a unified diff, `a/PATH` against `b/PATH`.
pub fn diff(plan: &Plan) -> String {
    let mut out = String::new();
    for file in &plan.files {
        let diff = similar::TextDiff::from_lines(&file.original, &file.fixed);
        out.push_str(
            &diff
                .unified_diff()
                .context_radius(3)
                .header(
                    &format!("a/{}", file.display),
                    &format!("b/{}", file.display),
                )
                .to_string(),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use prodlint_core::{Edit, Fix, Severity, SourceFile};

    use super::*;

    fn with_fix(
        file: &Arc<SourceFile>,
        rule: &'static str,
        edits: &[(u32, u32, &str)],
    ) -> Diagnostic {
        Diagnostic::new(
            rule,
            Severity::Warning,
            file,
            Span::new(edits[0].0, edits[0].1),
            "m",
        )
        .with_fix(Fix {
            message: "fix".into(),
            applicability: Applicability::Safe,
            edits: edits
                .iter()
                .map(|(s, e, r)| Edit {
                    file: Arc::clone(file),
                    span: Span::new(*s, *e),
                    replacement: r.to_string(),
                })
                .collect(),
        })
    }

    #[test]
    fn overlapping_fixes_are_resolved_in_a_fixed_order() {
        let file = Arc::new(SourceFile::new(
            "a.ts".into(),
            "a.ts".into(),
            "const a = 1;\nconst b = 2;\n".into(),
        ));
        let diagnostics = vec![
            with_fix(&file, "r2", &[(6, 7, "x")]), // overlaps the fix below, which sorts first
            with_fix(&file, "r1", &[(6, 7, "y")]),
            with_fix(&file, "r1", &[(19, 20, "z")]),
            with_fix(&file, "r3", &[(19, 20, "z")]), // the same edit: made once
        ];
        let plan = plan(&diagnostics, &|_| true);
        assert_eq!(plan.overlapping, 1);
        assert_eq!(plan.files[0].fixed, "const y = 1;\nconst z = 2;\n");
        let mut reversed = diagnostics.clone();
        reversed.reverse();
        assert_eq!(
            super::plan(&reversed, &|_| true).files[0].fixed,
            plan.files[0].fixed,
            "independent of input order"
        );
    }

    #[test]
    fn a_fix_that_breaks_the_syntax_is_rejected() {
        let file = Arc::new(SourceFile::new(
            "a.ts".into(),
            "a.ts".into(),
            "const a = f(1);\n".into(),
        ));
        let plan = plan(&[with_fix(&file, "r", &[(13, 14, "")])], &|_| true);
        assert!(plan.files.is_empty());
        assert_eq!(plan.rejected, ["a.ts"]);
        let file = Arc::new(SourceFile::new(
            "a.rs".into(),
            "a.rs".into(),
            "fn a() { f(1); }\n".into(),
        ));
        assert_eq!(
            super::plan(&[with_fix(&file, "r", &[(12, 13, "")])], &|_| true).rejected,
            ["a.rs"]
        );
    }

    #[test]
    fn suggestions_are_not_applied_and_the_diff_is_unified() {
        let file = Arc::new(SourceFile::new(
            "/p/a.ts".into(),
            "a.ts".into(),
            "let a = 1;\n".into(),
        ));
        let mut suggestion = with_fix(&file, "r", &[(4, 5, "b")]);
        suggestion.fix.as_mut().unwrap().applicability = Applicability::Suggestion;
        assert!(plan(&[suggestion], &|_| true).files.is_empty());
        let plan = plan(&[with_fix(&file, "r", &[(4, 5, "b")])], &|_| true);
        assert_eq!(
            diff(&plan),
            "--- a/a.ts\n+++ b/a.ts\n@@ -1 +1 @@\n-let a = 1;\n+let b = 1;\n"
        );
    }

    #[test]
    fn a_fix_that_edits_a_file_not_checked_is_left_out() {
        let checked = Arc::new(SourceFile::new(
            "a.ts".into(),
            "a.ts".into(),
            "let a;\n".into(),
        ));
        let other = Arc::new(SourceFile::new(
            "b.ts".into(),
            "b.ts".into(),
            "let b;\n".into(),
        ));
        let mut reaching = with_fix(&checked, "r", &[(4, 5, "x")]);
        reaching.fix.as_mut().unwrap().edits.push(Edit {
            file: Arc::clone(&other),
            span: Span::new(4, 5),
            replacement: "y".into(),
        });
        let plan = plan(
            &[reaching, with_fix(&checked, "r", &[(0, 3, "var")])],
            &|d| d == "a.ts",
        );
        assert_eq!(plan.unchecked, 1);
        assert_eq!(plan.files.len(), 1);
        assert_eq!(plan.files[0].fixed, "var a;\n");
    }

    #[test]
    fn only_fixes_written_are_counted() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.ts");
        std::fs::write(&path, "let a;\n").unwrap();
        let file = Arc::new(SourceFile::new(
            path.clone(),
            "a.ts".into(),
            "let a;\n".into(),
        ));
        let plan = plan(&[with_fix(&file, "r", &[(4, 5, "b")])], &|_| true);
        std::fs::write(&path, "let a; // edited meanwhile\n").unwrap();
        let applied = apply(&plan);
        assert_eq!((applied.files, applied.fixes), (0, 0));
        assert!(
            applied.errors[0].contains("changed on disk"),
            "{:?}",
            applied.errors
        );
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "let a; // edited meanwhile\n",
            "the edit is kept"
        );
    }
}
