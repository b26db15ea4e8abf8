//! The linting thread. The main loop sends it jobs (every open document of one workspace,
//! with its text and rules); it runs them through [`engine::lint_each`], the CLI's own
//! code path, and
//! sends the reports back. Jobs that queued up while it was busy are merged, so that only
//! the newest text of each workspace is linted; the main loop then drops any result whose
//! document changed since the job was made. A panic that escapes the engine's per-rule
//! catch is caught here and reported, and the thread goes on.

use std::collections::{BTreeSet, VecDeque};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::Arc;

use crossbeam_channel::{Receiver, Sender};
use prodlint_core::{normalize, Project};

use crate::discover::Candidate;
use crate::engine::{self, Input, RuleSet};
use crate::report::Report;

/// One open document as a job sees it.
pub struct JobDoc {
    /// The document's key in the server (its URI).
    pub key: String,
    /// Bumped on every change of the document: a result for an older one is stale.
    pub generation: u64,
    pub candidate: Candidate,
    pub text: String,
    /// The rules of the document's nearest config file.
    pub rules: Arc<RuleSet>,
}

pub struct Job {
    pub root: PathBuf,
    pub project: Arc<Project>,
    pub docs: Vec<JobDoc>,
    /// Documents closed since the last job: their text is the disk's again.
    pub closed: Vec<PathBuf>,
    /// Whether files on disk may have changed since the last job.
    pub disk_changed: bool,
}

pub struct Linted {
    pub root: PathBuf,
    /// `(key, generation)` of each document linted.
    pub docs: Vec<(String, u64)>,
    /// `Err` with the panic's message when linting panicked.
    pub report: Result<Report, String>,
}

/// Merges queued jobs: for each workspace the newest documents, and every closed file.
fn coalesce(mut queue: VecDeque<Job>) -> VecDeque<Job> {
    let mut merged: VecDeque<Job> = VecDeque::new();
    while let Some(job) = queue.pop_front() {
        match merged.iter_mut().find(|j| j.root == job.root) {
            Some(earlier) => {
                let mut closed = std::mem::take(&mut earlier.closed);
                closed.extend(job.closed.iter().cloned());
                let disk_changed = earlier.disk_changed || job.disk_changed;
                *earlier = Job {
                    closed,
                    disk_changed,
                    ..job
                };
            }
            None => merged.push_back(job),
        }
    }
    merged
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}

fn run(job: Job) -> Linted {
    let docs = job
        .docs
        .iter()
        .map(|d| (d.key.clone(), d.generation))
        .collect();
    let report = catch_unwind(AssertUnwindSafe(|| {
        // A debug build panics here on request, so that a test can see the server survive.
        #[cfg(debug_assertions)]
        if let Ok(marker) = std::env::var("PRODLINT_LSP_TEST_PANIC") {
            if job.docs.iter().any(|d| d.text.contains(&marker)) {
                panic!("test panic: a document contains {marker:?}");
            }
        }
        // Indexes outlive a job: only those built from a buffer that changed, or from
        // files on disk that changed since, are rebuilt (in a large crate or app, typing
        // in one file then costs that file, not the whole project).
        let project = &job.project;
        let mut edited = BTreeSet::new();
        for path in &job.closed {
            if project.remove_override(path) {
                edited.insert(normalize(&project.cwd, path));
            }
        }
        let mut inputs = Vec::with_capacity(job.docs.len());
        for doc in job.docs {
            let path = &doc.candidate.path;
            if project.set_override(path, Arc::from(doc.text)) {
                edited.insert(normalize(&project.cwd, path));
            }
            // The buffer is the project's override now: the engine reads it from there.
            inputs.push(engine::Job {
                input: Input {
                    candidate: doc.candidate,
                    text: None,
                },
                rules: doc.rules,
                // Results are not cached: no config file to watch for them.
                config_files: Vec::new(),
            });
        }
        project.refresh(&edited, job.disk_changed);
        engine::lint_each(&inputs, &job.project, None)
    }))
    .map_err(|panic| panic_message(&*panic));
    Linted {
        root: job.root,
        docs,
        report,
    }
}

/// Runs until the job channel closes.
pub fn work(jobs: Receiver<Job>, results: Sender<Linted>) {
    while let Ok(first) = jobs.recv() {
        let mut queue = VecDeque::from([first]);
        queue.extend(jobs.try_iter());
        for job in coalesce(queue) {
            if results.send(run(job)).is_err() {
                return;
            }
        }
    }
}
