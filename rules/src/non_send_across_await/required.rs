//! Whether the future of a workspace async function is `Send`, across the workspace: its
//! own body (a value that is not `Send` alive across an `.await`, a parameter that is not
//! `Send`) and the futures it awaits (the front end's [`FutureCalls`]), to a fixpoint.
//!
//! A function's own culprit comes from the same analysis a checked file gets, run once on
//! that function alone when some question reaches it, as if its future had to be `Send`. "Not `Send`" is then reachability over the await graph: a future is not
//! `Send` if it has a culprit of its own or awaits one that is not. It is computed on
//! demand, depth first with the functions on the current path as the cycle guard, and
//! remembered; an answer "Send" that a cycle cut short is not remembered (a "not Send"
//! always is: it cannot change).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use prodlint_core::{Project, ProjectIndex, Span};
use prodlint_rust::auto_traits::{AutoTraitFacts, AutoTraitKey};
use prodlint_rust::future_calls::{FnId, FutureCalls, SendSites};
use prodlint_rust::ra_ap_syntax::ast::{self, HasName};
use prodlint_rust::ra_ap_syntax::{AstNode, TextRange, TextSize};
use prodlint_rust::SharedParse;

use super::analysis::{Analysis, Finding, Requirement};

/// What makes a future not `Send`: a place in some file of the workspace.
#[derive(Debug, Clone)]
pub struct Culprit {
    pub file: PathBuf,
    pub at: Span,
    /// `` `cache` (`Rc<String>`) is alive across an `.await` ``.
    pub message: String,
    /// The functions awaited on the way, outermost first (`load`, `refresh`): the culprit
    /// is in the last.
    pub via: Vec<String>,
}

/// The answers so far, per crate index and knowledge table: built once per run, filled on
/// demand by the files checked.
pub struct FutureSummaries {
    facts: Arc<AutoTraitFacts>,
    /// Where the workspace requires futures to be `Send`.
    pub sites: Arc<SendSites>,
    /// The own culprit of each future asked about.
    own: Mutex<HashMap<FnId, Option<Culprit>>>,
    settled: Mutex<HashMap<FnId, Option<Culprit>>>,
}

impl ProjectIndex for FutureSummaries {
    type Key = AutoTraitKey;

    fn build(project: &Project, key: &AutoTraitKey) -> FutureSummaries {
        FutureSummaries {
            facts: project.index::<AutoTraitFacts>(key),
            sites: project.index::<SendSites>(key),
            own: Mutex::default(),
            settled: Mutex::default(),
        }
    }
}

impl FutureSummaries {
    fn calls(&self) -> &FutureCalls {
        &self.facts.index.futures
    }

    /// Why the future of `id` is not `Send`, if it is not.
    pub fn not_send(&self, project: &Project, id: &FnId) -> Option<Culprit> {
        let mut path = Vec::new();
        self.search(project, id, &mut path).0
    }

    /// The answer for `id`, and whether a cycle cut it short.
    fn search(
        &self,
        project: &Project,
        id: &FnId,
        on_path: &mut Vec<FnId>,
    ) -> (Option<Culprit>, bool) {
        if let Some(settled) = self.settled.lock().unwrap().get(id) {
            return (settled.clone(), false);
        }
        if on_path.contains(id) {
            return (None, true);
        }
        let own = self.own_culprit(project, id);
        let mut answer = own;
        let mut cut = false;
        if answer.is_none() {
            on_path.push(id.clone());
            let calls = self.calls();
            let crate_names = &self.facts.index.crate_names;
            let awaits = calls.files.get(&id.0).map(|f| f.awaits.as_slice());
            for awaited in awaits.unwrap_or_default() {
                if awaited.in_fn != Some(id.1) {
                    continue;
                }
                let Some(callee) = calls.resolve(&awaited.callee, crate_names) else {
                    continue;
                };
                let (found, was_cut) = self.search(project, &callee, on_path);
                cut |= was_cut;
                if let Some(mut culprit) = found {
                    let name = calls
                        .function(&callee)
                        .map_or(String::new(), |f| f.name.clone());
                    culprit.via.insert(0, name);
                    answer = Some(culprit);
                    break;
                }
            }
            on_path.pop();
        }
        if answer.is_some() || !cut {
            self.settled
                .lock()
                .unwrap()
                .insert(id.clone(), answer.clone());
        }
        let cut = cut && answer.is_none();
        (answer, cut)
    }

    /// The own culprit of a future, from the analysis of its function alone.
    fn own_culprit(&self, project: &Project, id: &FnId) -> Option<Culprit> {
        if let Some(found) = self.own.lock().unwrap().get(id) {
            return found.clone();
        }
        let computed = self.analyse(project, id);
        let mut own = self.own.lock().unwrap();
        own.entry(id.clone()).or_insert(computed).clone()
    }

    fn analyse(&self, project: &Project, (file, at): &FnId) -> Option<Culprit> {
        let function = self.calls().files.get(file)?.fns.get(*at)?;
        let text = project.read(file).ok()?;
        let parsed = project.index::<SharedParse>(file).get(&text);
        let tree = parsed.tree();
        let index = &self.facts.index;
        let scope = index.file_scope(file, &tree);
        let mut analysis = Analysis::new(index, self.facts.reasoner(project));
        analysis.every_async_fn = true;
        analysis.sites = Some(&self.sites);
        analysis.only_fns = Some(HashSet::from([function.name_span.start]));
        analysis.run(&tree, &scope);
        analysis.findings.iter().find_map(|finding| {
            let (at, message) = culprit_of(finding)?;
            // Part of the function's own future, not of an async block or closure in it.
            in_own_future(&tree, function.range, at).then(|| Culprit {
                file: file.clone(),
                at,
                message,
                via: Vec::new(),
            })
        })
    }
}

/// Where a finding of the every-async-fn analysis says the future is not `Send`.
///
/// A future that is not `Send` only for some of its type parameters (`database: &impl
/// Queries`, not bounded `Sync`) is no culprit for its callers: the compiler checks it
/// with the types a call gives it, and a handler that passes a `Sync` database compiles.
/// The definition itself is still reported where the analysis runs on it.
fn culprit_of(finding: &Finding) -> Option<(Span, String)> {
    let generic = match finding {
        Finding::Held { why: Some(why), .. }
        | Finding::AwaitedNotSend { why, .. }
        | Finding::Capture { why, .. } => why.generic,
        _ => false,
    };
    if generic {
        return None;
    }
    match finding {
        Finding::Held {
            await_span,
            name,
            ty,
            why: Some(_),
            requirement: Some(_),
            ..
        } => {
            let what = match name {
                Some(name) => format!("`{name}` (`{}`)", ty.display()),
                None => format!("a temporary `{}`", ty.display()),
            };
            Some((*await_span, format!("{what} is alive across this `.await`")))
        }
        Finding::AwaitedNotSend { await_span, ty, .. } => Some((
            *await_span,
            format!("the future it awaits, `{}`, is not `Send`", ty.display()),
        )),
        Finding::Capture {
            what_span,
            what,
            ty,
            lacking,
            ..
        } => Some((
            *what_span,
            format!(
                "the future captures `{what}`, and `{}` is not `{lacking}`",
                ty.display()
            ),
        )),
        _ => None,
    }
}

/// Whether `at` is in the body of the function at `range` itself: not inside an async
/// block, closure or nested item of it.
fn in_own_future(tree: &ast::SourceFile, range: Span, at: Span) -> bool {
    let at = TextRange::new(TextSize::from(at.start), TextSize::from(at.end));
    let fn_range = TextRange::new(TextSize::from(range.start), TextSize::from(range.end));
    let Some(element) = tree.syntax().covering_element(at).into_node().or_else(|| {
        tree.syntax()
            .covering_element(at)
            .into_token()
            .and_then(|t| t.parent())
    }) else {
        return false;
    };
    for node in element.ancestors() {
        if let Some(f) = ast::Fn::cast(node.clone()) {
            return f.syntax().text_range() == fn_range && f.name().is_some();
        }
        if ast::ClosureExpr::can_cast(node.kind())
            || ast::BlockExpr::cast(node.clone()).is_some_and(|b| b.async_token().is_some())
        {
            return false;
        }
    }
    false
}

impl FutureSummaries {
    /// The functions of `file` whose future some call of the workspace requires to be
    /// `Send`, by the start of their name, with that call.
    pub fn required_in(&self, file: &Path) -> HashMap<u32, Requirement> {
        let calls = self.calls();
        let Some(futures) = calls.files.get(file) else {
            return HashMap::new();
        };
        let mut out = HashMap::new();
        for (i, f) in futures.fns.iter().enumerate() {
            let Some(site) = self.sites.required.get(&(file.to_path_buf(), i)) else {
                continue;
            };
            out.insert(
                f.name_span.start,
                Requirement {
                    file: (site.file != file).then(|| site.file.clone()),
                    span: site.at,
                    message: site.message.clone(),
                },
            );
        }
        out
    }

    /// The callee (as written) of the `.await` at `at` in `file` and why its future is not
    /// `Send`, when it is a workspace future that is not. The awaits of a spawned `async
    /// move { f(x).await }` are left out: `f` itself is required, and reported inside.
    pub fn awaited_not_send(
        &self,
        project: &Project,
        file: &Path,
        at: Span,
    ) -> Option<(String, Culprit)> {
        let calls = self.calls();
        if self
            .sites
            .forwarded_awaits
            .contains(&(file.to_path_buf(), at))
        {
            return None;
        }
        let awaited = calls.files.get(file)?.awaits.iter().find(|a| a.at == at)?;
        let id = calls.resolve(&awaited.callee, &self.facts.index.crate_names)?;
        let culprit = self.not_send(project, &id)?;
        Some((awaited.callee.shown.clone(), culprit))
    }
}
