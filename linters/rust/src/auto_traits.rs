//! Whether a type is `Send` and whether it is `Sync`, reasoned over the crate index and a
//! knowledge table (data/auto_traits.txt) of std and ecosystem types, with the real rules
//! of the wrappers (`Arc<T>` is `Send + Sync` iff `T: Send + Sync`, `Mutex<T>` is `Sync`
//! iff `T: Send`, `&T` is `Send` iff `T: Sync`, …).
//!
//! Unknown types are assumed `Send + Sync`: a finding must come from something known.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock, RwLock};

use prodlint_core::{Project, ProjectIndex, Span};

use crate::crate_index::{Adt, AutoImpls, CrateIndex, Item};
use crate::deps::{DepKey, DepTypes, LockedCrates};
use crate::types::{normalize_std, DynTy, PathTy, Ty};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AutoTrait {
    Send,
    Sync,
}

impl fmt::Display for AutoTrait {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AutoTrait::Send => "Send",
            AutoTrait::Sync => "Sync",
        })
    }
}

/// How a type gets one auto trait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    Never,
    Always,
    /// Every type argument has the same trait.
    All,
    /// The first type argument has `Send` and/or `Sync`.
    Arg {
        send: bool,
        sync: bool,
    },
}

/// What held across an `.await` risks besides `Send`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GuardKind {
    Lock,
    RefCell,
}

#[derive(Debug, Clone)]
pub struct Known {
    pub send: Need,
    pub sync: Need,
    pub drop: bool,
    pub guard: Option<GuardKind>,
}

/// The knowledge table: built-in entries and the user's `not_send`/`not_sync`.
#[derive(Debug, Clone, Default)]
pub struct KnownTypes {
    by_path: HashMap<String, Known>,
    /// User entries written as a bare name.
    by_name: HashMap<String, Known>,
}

const BUILTIN: &str = include_str!("../data/auto_traits.txt");

fn parse_need(text: &str) -> Option<Need> {
    Some(match text {
        "never" => Need::Never,
        "always" => Need::Always,
        "all" => Need::All,
        "T" => Need::Arg {
            send: false,
            sync: false,
        },
        "T:Send" => Need::Arg {
            send: true,
            sync: false,
        },
        "T:Sync" => Need::Arg {
            send: false,
            sync: true,
        },
        "T:Send+Sync" => Need::Arg {
            send: true,
            sync: true,
        },
        _ => return None,
    })
}

impl KnownTypes {
    /// Parses the table format of data/auto_traits.txt.
    pub fn parse(text: &str) -> Result<KnownTypes, String> {
        let mut out = KnownTypes::default();
        for (number, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let columns: Vec<&str> = line.split_whitespace().collect();
            let [path, send, sync, flags] = columns.as_slice() else {
                return Err(format!("line {}: expected 4 columns", number + 1));
            };
            let (Some(send), Some(sync)) = (parse_need(send), parse_need(sync)) else {
                return Err(format!("line {}: unknown rule", number + 1));
            };
            let flags: Vec<&str> = flags.split(',').collect();
            let guard = if flags.contains(&"lock") {
                Some(GuardKind::Lock)
            } else if flags.contains(&"refcell") {
                Some(GuardKind::RefCell)
            } else {
                None
            };
            out.by_path.insert(
                path.to_string(),
                Known {
                    send,
                    sync,
                    drop: flags.contains(&"drop"),
                    guard,
                },
            );
        }
        Ok(out)
    }

    pub fn builtin() -> &'static KnownTypes {
        static TABLE: OnceLock<KnownTypes> = OnceLock::new();
        TABLE.get_or_init(|| KnownTypes::parse(BUILTIN).expect("data/auto_traits.txt parses"))
    }

    /// The built-in table plus the user's entries (`my_crate::Handle` or a bare `Handle`).
    pub fn with_user(not_send: &[String], not_sync: &[String]) -> KnownTypes {
        let mut out = KnownTypes::builtin().clone();
        let mut add = |path: &String, send: bool| {
            let path = normalize_std(path.trim());
            let map = if path.contains("::") {
                &mut out.by_path
            } else {
                &mut out.by_name
            };
            let entry = map.entry(path).or_insert(Known {
                send: Need::Always,
                sync: Need::Always,
                drop: true,
                guard: None,
            });
            if send {
                entry.send = Need::Never;
            } else {
                entry.sync = Need::Never;
            }
        };
        not_send.iter().for_each(|p| add(p, true));
        not_sync.iter().for_each(|p| add(p, false));
        out
    }

    pub fn lookup(&self, ty: &PathTy) -> Option<&Known> {
        if let Some(known) = self.by_path.get(&ty.path) {
            return Some(known);
        }
        if self.by_name.is_empty() {
            return None;
        }
        let name = ty.path.rsplit("::").next()?;
        self.by_name.get(name)
    }
}

/// One field on the way from a type to the reason it lacks a trait.
#[derive(Debug, Clone)]
pub struct Step {
    /// The type that has the field (`P2PRegistry`).
    pub owner: String,
    pub field: String,
    pub file: PathBuf,
    pub span: Span,
    /// The field's type as rendered (`Arc<RwLock<Swarm<P2PBehaviour>>>`).
    pub field_ty: String,
}

/// Why a type is not `Send` (or not `Sync`): the fields that lead to the culprit, and the
/// culprit itself.
#[derive(Debug, Clone)]
pub struct Why {
    pub chain: Vec<Step>,
    /// `Swarm<P2PBehaviour>` is not `Sync`.
    pub culprit: String,
    pub culprit_trait: AutoTrait,
    /// A short note on the wrapper rule that carried it, when one did (`RwLock<T>` is
    /// `Sync` only if `T: Send + Sync`).
    pub note: Option<String>,
    /// The culprit is a generic parameter (or `impl Trait` argument) without the bound.
    pub generic: bool,
}

impl Why {
    pub fn summary(&self) -> String {
        format!("`{}` is not `{}`", self.culprit, self.culprit_trait)
    }
}

/// The definition a dependency's path names among those of its name: the one at that path,
/// else the only one (the path goes through a re-export: `rand::rngs::ThreadRng` is
/// defined in `rand::rngs::thread`). Several (alternative `#[cfg]`s, or types of one name
/// in different modules) and none are unknown; so are several at the path itself, which
/// only `#[cfg]`s can give (sea-query's `RcOrArc<T>`, an `Rc` without its `thread-safe`
/// feature and an `Arc` with it): which one is compiled depends on features and targets.
fn dep_item<'a>(found: &'a DepTypes, p: &PathTy) -> Option<Item<'a>> {
    let written = |path: &String| *path == p.path || p.relative.as_ref() == Some(path);
    let mut adts = found.adts.iter().filter(|a| written(&a.path));
    let mut aliases = found.aliases.iter().filter(|a| written(&a.path));
    match (adts.next(), aliases.next()) {
        (Some(adt), None) => {
            let shape = |a: &'a crate::crate_index::Adt| a.fields.iter().map(|f| (&f.name, &f.ty));
            let same = |other: &'a crate::crate_index::Adt| shape(other).eq(shape(adt));
            return adts.all(same).then_some(Item::Adt(adt));
        }
        (None, Some(alias)) => {
            return aliases
                .all(|other| other.ty == alias.ty)
                .then_some(Item::Alias(alias));
        }
        (Some(_), Some(_)) => return None,
        (None, None) => {}
    }
    match (found.adts.as_slice(), found.aliases.as_slice()) {
        ([adt], []) => Some(Item::Adt(adt)),
        ([], [alias]) => Some(Item::Alias(alias)),
        _ => None,
    }
}

/// Traits that do not imply `Send` or `Sync` (none has them among its supertraits): `dyn
/// Fn()` alone is neither, nor is a `P: AsRef<Path>`. Traits of std, and the I/O and stream
/// traits of tokio, futures and bytes that async code bounds its parameters with (the
/// dependency reader indexes types, not traits).
const PLAIN_TRAITS: &[&str] = &[
    "std::ops::Fn",
    "std::ops::FnMut",
    "std::ops::FnOnce",
    "std::ops::Deref",
    "std::ops::DerefMut",
    "std::any::Any",
    "std::error::Error",
    "std::future::Future",
    "std::future::IntoFuture",
    "std::iter::Iterator",
    "std::iter::IntoIterator",
    "std::fmt::Debug",
    "std::fmt::Display",
    "std::io::Read",
    "std::io::Write",
    "std::io::BufRead",
    "std::io::Seek",
    "std::convert::AsRef",
    "std::convert::AsMut",
    "std::convert::Into",
    "std::convert::From",
    "std::convert::TryInto",
    "std::convert::TryFrom",
    "std::clone::Clone",
    "std::marker::Copy",
    "std::marker::Sized",
    "std::marker::Unpin",
    "std::default::Default",
    "std::string::ToString",
    "std::borrow::ToOwned",
    "std::borrow::Borrow",
    "std::hash::Hash",
    "std::cmp::PartialEq",
    "std::cmp::Eq",
    "std::cmp::PartialOrd",
    "std::cmp::Ord",
    "std::str::FromStr",
    "std::os::fd::AsRawFd",
    "std::os::fd::AsFd",
    "std::os::unix::io::AsRawFd",
    "std::os::unix::io::AsFd",
    "tokio::io::AsyncRead",
    "tokio::io::AsyncWrite",
    "tokio::io::AsyncBufRead",
    "tokio::io::AsyncSeek",
    "futures::Stream",
    "futures::stream::Stream",
    "futures::Sink",
    "futures::io::AsyncRead",
    "futures::io::AsyncWrite",
    "futures_core::Stream",
    "futures_core::stream::Stream",
    "tokio_stream::Stream",
    "bytes::Buf",
    "bytes::BufMut",
];

/// What a memoised answer is about: a resolved type definition with its type arguments,
/// and the question (an auto trait, or `None` for "dropping it runs code").
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct MemoKey {
    path: String,
    args: Vec<Ty>,
    question: Option<AutoTrait>,
}

#[derive(Debug, Clone)]
enum Answer {
    Lacks(Option<Why>),
    NeedsDrop(bool),
}

/// Settled answers per type definition and arguments, shared by every [`Reasoner`] over the
/// same crate index and knowledge table (so a workspace's types are each visited once per
/// run, not once per file that reaches them).
#[derive(Debug, Default)]
pub struct Memo {
    settled: RwLock<HashMap<MemoKey, Answer>>,
}

/// A crate index, the knowledge table the rule is configured with, and the answers given so
/// far: built once per crate index and table, and shared by the files checked against it.
pub struct AutoTraitFacts {
    pub index: Arc<CrateIndex>,
    pub known: KnownTypes,
    memo: Memo,
    /// The lock file's key and its registry crates, when there is a `Cargo.lock`.
    deps: Option<(DepKey, Arc<LockedCrates>)>,
}

/// The crate index root, the user's `not_send` and `not_sync` entries, and the Cargo home
/// whose registry has the dependencies' sources.
pub type AutoTraitKey = (PathBuf, Vec<String>, Vec<String>, PathBuf);

impl ProjectIndex for AutoTraitFacts {
    type Key = AutoTraitKey;

    fn build(
        project: &Project,
        (root, not_send, not_sync, cargo_home): &AutoTraitKey,
    ) -> AutoTraitFacts {
        let deps = DepKey::for_root(project, root, cargo_home).map(|key| {
            let locked = project.index::<LockedCrates>(&key);
            (key, locked)
        });
        AutoTraitFacts {
            index: project.index::<CrateIndex>(root),
            known: KnownTypes::with_user(not_send, not_sync),
            memo: Memo::default(),
            deps,
        }
    }
}

impl AutoTraitFacts {
    /// A reasoner over these facts for one file's check (`project` is that check's view,
    /// so that what it reads of the dependencies is recorded).
    pub fn reasoner<'a>(&'a self, project: &'a Project) -> Reasoner<'a> {
        Reasoner {
            index: &self.index,
            known: &self.known,
            memo: MemoRef::Shared(&self.memo),
            search: RefCell::default(),
            deps: self.deps.as_ref().map(|(key, locked)| DepSources {
                project,
                key: key.clone(),
                locked: Arc::clone(locked),
            }),
        }
    }
}

enum MemoRef<'a> {
    Shared(&'a Memo),
    Own(Memo),
}

impl MemoRef<'_> {
    fn get(&self) -> &Memo {
        match self {
            MemoRef::Shared(memo) => memo,
            MemoRef::Own(memo) => memo,
        }
    }
}

/// The state of one search through the type graph.
///
/// Auto traits are coinductive (a type that reaches itself through its fields has the trait
/// if nothing else denies it) and "needs drop" is inductive the other way round: either
/// way, a type met again while it is still being examined is assumed to have the answer
/// that does not stop the search (`Send`; no drop). An answer that relied on such an
/// assumption about a type lower on the stack is provisional: it is reused while that type
/// is examined, and settled or thrown away with that type's own answer (kept when the
/// assumption held, since then every type below it was examined under a true assumption).
/// So each distinct type is examined once, whatever the shape of the graph.
///
/// Answers that relied on no assumption at all are the same whoever asks first, and go to
/// the shared [`Memo`]; those settled through a cycle depend, in the field they name, on
/// where the search entered the cycle, and stay with this reasoner (one file's check, in a
/// fixed order), so that the output does not depend on which thread asked first.
#[derive(Default)]
struct Search {
    stack: Vec<MemoKey>,
    /// The lowest stack position an answer being computed relied on.
    lowest: usize,
    /// Whether the answer being computed was cut short (polymorphic recursion, or nesting
    /// beyond [`MAX_DEPTH`]): then it depends on where the search started, and is not kept.
    cut: bool,
    /// Answers that rely on types still on the stack, with the lowest position relied on.
    provisional: Vec<(MemoKey, Answer, usize)>,
    /// Answers settled through a cycle.
    settled_here: HashMap<MemoKey, Answer>,
    /// How many type definitions this reasoner examined field by field.
    examined: usize,
}

pub struct Reasoner<'a> {
    pub index: &'a CrateIndex,
    pub known: &'a KnownTypes,
    memo: MemoRef<'a>,
    search: RefCell<Search>,
    /// Where dependency types are read from, when the workspace has a `Cargo.lock`.
    deps: Option<DepSources<'a>>,
}

/// The locked dependencies' sources, for the types the workspace does not define.
#[derive(Clone)]
pub struct DepSources<'a> {
    pub project: &'a Project,
    pub key: DepKey,
    pub locked: Arc<LockedCrates>,
}

/// How many type definitions and alias expansions deep the search goes, at most.
const MAX_DEPTH: usize = 128;

/// How often one type definition may be on the stack with different arguments before the
/// search stops there: substitution can grow types without end
/// (`struct S<T>(Box<S<Vec<T>>>)`).
const MAX_INSTANCES: usize = 4;

impl<'a> Reasoner<'a> {
    /// A reasoner with answers of its own (see [`AutoTraitFacts::reasoner`] for shared ones).
    pub fn new(index: &'a CrateIndex, known: &'a KnownTypes) -> Reasoner<'a> {
        Reasoner {
            index,
            known,
            memo: MemoRef::Own(Memo::default()),
            search: RefCell::default(),
            deps: None,
        }
    }

    /// Reads the types the crate index does not define from the locked dependencies.
    pub fn with_deps(mut self, deps: DepSources<'a>) -> Reasoner<'a> {
        self.deps = Some(deps);
        self
    }

    /// Where dependency types and signatures are read from, if the workspace has a
    /// `Cargo.lock`.
    pub fn deps(&self) -> Option<&DepSources<'a>> {
        self.deps.as_ref()
    }

    /// How many type definitions (with their arguments) were examined field by field: at
    /// most one per distinct definition, question and arguments.
    pub fn examined(&self) -> usize {
        self.search.borrow().examined
    }

    /// `None` when `ty` has the trait or nothing is known against it.
    pub fn lacks(&self, ty: &Ty, t: AutoTrait) -> Option<Why> {
        self.lacks_inner(ty, t, 0)
    }

    /// The answer for a type definition: settled, provisional, assumed (it is being
    /// examined), or computed by `compute` and recorded.
    fn memoised(
        &self,
        key: MemoKey,
        assumed: Answer,
        holds: fn(&Answer) -> bool,
        compute: impl FnOnce() -> Answer,
    ) -> Answer {
        if let Some(answer) = self.memo.get().settled.read().unwrap().get(&key) {
            return answer.clone();
        }
        let position = {
            let mut search = self.search.borrow_mut();
            if let Some(answer) = search.settled_here.get(&key) {
                return answer.clone();
            }
            if let Some(at) = search.stack.iter().position(|k| *k == key) {
                search.lowest = search.lowest.min(at);
                return assumed;
            }
            let instances = search.stack.iter().filter(|k| k.path == key.path).count();
            if instances >= MAX_INSTANCES {
                search.cut = true;
                return assumed;
            }
            if let Some((_, answer, relies_on)) =
                search.provisional.iter().find(|(k, _, _)| *k == key)
            {
                let (answer, relies_on) = (answer.clone(), *relies_on);
                search.lowest = search.lowest.min(relies_on);
                return answer;
            }
            search.stack.push(key.clone());
            search.examined += 1;
            search.stack.len() - 1
        };
        let (outer_lowest, outer_cut, provisional_from) = {
            let mut search = self.search.borrow_mut();
            let saved = (search.lowest, search.cut, search.provisional.len());
            search.lowest = usize::MAX;
            search.cut = false;
            saved
        };
        let answer = compute();
        let mut search = self.search.borrow_mut();
        search.stack.pop();
        let (lowest, cut) = (search.lowest, search.cut);
        search.lowest = outer_lowest.min(lowest);
        search.cut = outer_cut || cut;
        if cut {
            return answer;
        }
        if lowest == usize::MAX {
            // Relied on no assumption (nor did anything below it).
            let mut settled = self.memo.get().settled.write().unwrap();
            settled.entry(key).or_insert_with(|| answer.clone());
        } else if lowest >= position {
            // Relied on nothing below itself: settled, and so is what relied only on it
            // if its assumption held.
            let below: Vec<(MemoKey, Answer, usize)> =
                search.provisional.drain(provisional_from..).collect();
            if holds(&answer) {
                for (k, a, _) in below {
                    search.settled_here.entry(k).or_insert(a);
                }
            }
            search.settled_here.insert(key, answer.clone());
        } else {
            for entry in &mut search.provisional[provisional_from..] {
                entry.2 = entry.2.min(lowest);
            }
            search.provisional.push((key, answer.clone(), lowest));
        }
        answer
    }

    fn lacks_inner(&self, ty: &Ty, t: AutoTrait, depth: usize) -> Option<Why> {
        if depth > MAX_DEPTH {
            self.search.borrow_mut().cut = true;
            return None;
        }
        let culprit = |ty: &Ty, t: AutoTrait| Why {
            chain: Vec::new(),
            culprit: ty.display(),
            culprit_trait: t,
            note: None,
            generic: matches!(ty, Ty::Generic(..)),
        };
        match ty {
            Ty::Ptr => Some(culprit(ty, t)),
            Ty::Ref { mutable, inner } => {
                let need = if t == AutoTrait::Send && *mutable {
                    AutoTrait::Send
                } else {
                    AutoTrait::Sync
                };
                let mut why = self.lacks_inner(inner, need, depth)?;
                if t == AutoTrait::Send && !*mutable && why.note.is_none() {
                    why.note = Some("`&T` is `Send` only if `T: Sync`".to_string());
                }
                Some(why)
            }
            Ty::Tuple(items) => items
                .iter()
                .find_map(|item| self.lacks_inner(item, t, depth)),
            Ty::Array(inner) => self.lacks_inner(inner, t, depth),
            Ty::Dyn(d) => {
                if d.traits.is_empty() || self.bounds_imply(d, t)? {
                    return None;
                }
                let mut why = culprit(ty, t);
                why.note = Some(format!("a `dyn Trait` is `{t}` only if written `+ {t}`"));
                Some(why)
            }
            // A future that is `Send` whenever its type parameters are is conditionally
            // `Send`, as clippy's `future_not_send` sees it: a parameter counts as `Send`.
            // `Sync` is a requirement beyond that (`&T`, `Arc<T>`, `&self` of a type
            // holding `T`): `Send` arguments that are not `Sync` make the future not `Send`.
            Ty::Generic(_, _) if t == AutoTrait::Send => None,
            Ty::Generic(name, bounds) => {
                if self.bounds_imply(bounds, t)? {
                    return None;
                }
                let mut why = culprit(ty, t);
                why.note = Some(format!(
                    "`{name}` is not bounded `{t}`: any `Send` argument that is not `{t}` makes the future not `Send`"
                ));
                Some(why)
            }
            Ty::Param(_) | Ty::Opaque => None,
            Ty::Path(p) => self.lacks_path(ty, p, t, depth),
        }
    }

    /// Whether bounds (of a `dyn`, a generic parameter) imply the auto trait: written, or
    /// required by a trait of the workspace; `None` when a trait is one nothing is known
    /// about, which might require it.
    fn bounds_imply(&self, bounds: &DynTy, t: AutoTrait) -> Option<bool> {
        let written = match t {
            AutoTrait::Send => bounds.send,
            AutoTrait::Sync => bounds.sync,
        };
        if written {
            return Some(true);
        }
        let mut implied = false;
        for tr in &bounds.traits {
            if PLAIN_TRAITS.contains(&tr.path.as_str()) {
                continue;
            }
            if self.index.trait_info(tr).is_some() {
                let (send, sync) = self.index.trait_requires(tr);
                implied |= match t {
                    AutoTrait::Send => send,
                    AutoTrait::Sync => sync,
                };
                continue;
            }
            return None;
        }
        Some(implied)
    }

    fn lacks_path(&self, ty: &Ty, p: &PathTy, t: AutoTrait, depth: usize) -> Option<Why> {
        if let Some(known) = self.known.lookup(p) {
            let need = match t {
                AutoTrait::Send => known.send,
                AutoTrait::Sync => known.sync,
            };
            return match need {
                Need::Never => Some(Why {
                    chain: Vec::new(),
                    culprit: ty.display(),
                    culprit_trait: t,
                    note: None,
                    generic: false,
                }),
                Need::Always => None,
                Need::All => p
                    .args
                    .iter()
                    .find_map(|arg| self.lacks_inner(arg, t, depth)),
                Need::Arg { send, sync } => {
                    let arg = p.args.first()?;
                    let wrapper = ty.last_segment().unwrap_or("");
                    let rule = match (send, sync) {
                        (true, true) => "Send + Sync",
                        (true, false) => "Send",
                        (false, true) => "Sync",
                        (false, false) => return self.lacks_inner(arg, t, depth),
                    };
                    let note = format!("`{wrapper}<T>` is `{t}` only if `T: {rule}`");
                    let found = if send {
                        self.lacks_inner(arg, AutoTrait::Send, depth)
                    } else {
                        None
                    };
                    let found = found.or_else(|| {
                        if sync {
                            self.lacks_inner(arg, AutoTrait::Sync, depth)
                        } else {
                            None
                        }
                    })?;
                    let mut found = found;
                    if found.note.is_none() {
                        found.note = Some(note);
                    }
                    Some(found)
                }
            };
        }
        if let Some(item) = self.index.item(p) {
            return match item {
                Item::Alias(alias) => {
                    let expanded = alias.ty.substitute(&alias.generics, &p.args);
                    self.lacks_inner(&expanded, t, depth + 1)
                }
                Item::Adt(adt) => {
                    let promised = self.index.auto_impl(&adt.path);
                    self.lacks_adt(ty, adt, promised, p, t, depth)
                }
            };
        }
        let found = self.dep_types(p)?;
        match dep_item(&found, p)? {
            Item::Alias(alias) => {
                let expanded = alias.ty.substitute(&alias.generics, &p.args);
                self.lacks_inner(&expanded, t, depth + 1)
            }
            Item::Adt(adt) => {
                let promised = found.auto_impls.get(&adt.path).cloned();
                self.lacks_adt(ty, adt, promised.unwrap_or_default(), p, t, depth)
            }
        }
    }

    /// The definitions of a dependency's type of this name, when the path names a locked
    /// registry crate (not std, not a crate of the workspace) whose sources are present.
    fn dep_types(&self, p: &PathTy) -> Option<Arc<DepTypes>> {
        let deps = self.deps.as_ref()?;
        // Inside a dependency's sources, `ffi::TSNode` is written relative to its module:
        // either form may start with the crate's name.
        let lib = [Some(&p.path), p.relative.as_ref()]
            .into_iter()
            .flatten()
            .filter_map(|path| path.split_once("::").map(|(first, _)| first))
            .find(|lib| {
                *lib != "std"
                    && !crate::crate_index::is_workspace_crate(&self.index.crate_names, lib)
                    && deps.locked.is_locked(lib)
            })?;
        let name = p.path.rsplit("::").next()?;
        let key = (deps.key.clone(), lib.to_string(), name.to_string());
        Some(deps.project.index::<DepTypes>(&key))
    }

    fn lacks_adt(
        &self,
        ty: &Ty,
        adt: &Adt,
        promised: AutoImpls,
        p: &PathTy,
        t: AutoTrait,
        depth: usize,
    ) -> Option<Why> {
        if let Some(requires) = promised.promised(t) {
            // `unsafe impl<T: Send> Send for X<T>`: what it promises holds for the
            // arguments its bounds accept.
            for &(at, needed) in requires {
                let Some(arg) = p.args.get(at) else { continue };
                if let Some(mut why) = self.lacks_inner(arg, needed, depth + 1) {
                    if why.note.is_none() {
                        why.note = Some(format!(
                            "`{}` is `{t}` only if its argument is `{needed}` (its `unsafe impl`)",
                            ty.display()
                        ));
                    }
                    return Some(why);
                }
            }
            return None;
        }
        let key = MemoKey {
            path: adt.path.clone(),
            args: p.args.clone(),
            question: Some(t),
        };
        let holds = |a: &Answer| matches!(a, Answer::Lacks(None));
        let answer = self.memoised(key, Answer::Lacks(None), holds, || {
            Answer::Lacks(self.lacks_fields(ty, adt, p, t, depth))
        });
        match answer {
            Answer::Lacks(why) => why,
            Answer::NeedsDrop(_) => None,
        }
    }

    /// The first field of a type definition that lacks the trait, with the way to it.
    fn lacks_fields(
        &self,
        ty: &Ty,
        adt: &Adt,
        p: &PathTy,
        t: AutoTrait,
        depth: usize,
    ) -> Option<Why> {
        for field in &adt.fields {
            let field_ty = field.ty.substitute(&adt.generics, &p.args);
            if let Some(mut why) = self.lacks_inner(&field_ty, t, depth + 1) {
                why.chain.insert(
                    0,
                    Step {
                        owner: ty.display(),
                        field: field.name.clone(),
                        file: adt.file.clone(),
                        span: field.span,
                        field_ty: field.ty.display(),
                    },
                );
                return Some(why);
            }
        }
        None
    }

    /// Whether dropping a value of this type runs code (so it lives to the end of its
    /// scope, not to its last use). Unknown types are assumed not to.
    pub fn needs_drop(&self, ty: &Ty) -> bool {
        self.needs_drop_inner(ty, 0)
    }

    fn needs_drop_inner(&self, ty: &Ty, depth: usize) -> bool {
        if depth > MAX_DEPTH {
            self.search.borrow_mut().cut = true;
            return false;
        }
        match ty {
            Ty::Tuple(items) => items.iter().any(|i| self.needs_drop_inner(i, depth)),
            Ty::Array(inner) => self.needs_drop_inner(inner, depth),
            Ty::Path(p) => {
                if let Some(known) = self.known.lookup(p) {
                    return known.drop || p.args.iter().any(|a| self.needs_drop_inner(a, depth));
                }
                if let Some(item) = self.index.item(p) {
                    return self.item_needs_drop(item, p, depth);
                }
                // A dependency's type, from its sources (`rand::rngs::ThreadRng` holds an
                // `Rc`).
                let Some(found) = self.dep_types(p) else {
                    return false;
                };
                match dep_item(&found, p) {
                    Some(item) => self.item_needs_drop(item, p, depth),
                    None => false,
                }
            }
            // Any type the bounds allow, drop glue included: the compiler keeps it to the
            // end of its scope.
            Ty::Generic(..) => true,
            _ => false,
        }
    }

    fn item_needs_drop(&self, item: Item<'_>, p: &PathTy, depth: usize) -> bool {
        match item {
            Item::Adt(adt) => {
                let key = MemoKey {
                    path: adt.path.clone(),
                    args: p.args.clone(),
                    question: None,
                };
                let holds = |a: &Answer| matches!(a, Answer::NeedsDrop(false));
                let answer = self.memoised(key, Answer::NeedsDrop(false), holds, || {
                    Answer::NeedsDrop(adt.fields.iter().any(|f| {
                        let field_ty = f.ty.substitute(&adt.generics, &p.args);
                        self.needs_drop_inner(&field_ty, depth + 1)
                    }))
                });
                matches!(answer, Answer::NeedsDrop(true))
            }
            Item::Alias(alias) => {
                self.needs_drop_inner(&alias.ty.substitute(&alias.generics, &p.args), depth + 1)
            }
        }
    }

    /// A lock guard or RefCell borrow, by its type.
    pub fn guard(&self, ty: &Ty) -> Option<GuardKind> {
        match ty {
            Ty::Path(p) => self.known.lookup(p).and_then(|k| k.guard),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests;
