//! Whether a type is `Send` and whether it is `Sync`, reasoned over the crate index and a
//! knowledge table (data/auto_traits.txt) of std and ecosystem types, with the real rules
//! of the wrappers (`Arc<T>` is `Send + Sync` iff `T: Send + Sync`, `Mutex<T>` is `Sync`
//! iff `T: Send`, `&T` is `Send` iff `T: Sync`, …).
//!
//! Unknown types are assumed `Send + Sync`: a finding must come from something known.

use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::OnceLock;

use prodlint_core::Span;

use crate::crate_index::{CrateIndex, Item};
use crate::types::{normalize_std, PathTy, Ty};

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
}

impl Why {
    pub fn summary(&self) -> String {
        format!("`{}` is not `{}`", self.culprit, self.culprit_trait)
    }
}

/// Traits of std that do not imply `Send` or `Sync`: `dyn Fn()` alone is neither.
const PLAIN_STD_TRAITS: &[&str] = &[
    "std::ops::Fn",
    "std::ops::FnMut",
    "std::ops::FnOnce",
    "std::any::Any",
    "std::error::Error",
    "std::future::Future",
    "std::iter::Iterator",
    "std::fmt::Debug",
    "std::fmt::Display",
    "std::io::Read",
    "std::io::Write",
];

pub struct Reasoner<'a> {
    pub index: &'a CrateIndex,
    pub known: &'a KnownTypes,
}

impl<'a> Reasoner<'a> {
    pub fn new(index: &'a CrateIndex, known: &'a KnownTypes) -> Reasoner<'a> {
        Reasoner { index, known }
    }

    /// `None` when `ty` has the trait or nothing is known against it.
    pub fn lacks(&self, ty: &Ty, t: AutoTrait) -> Option<Why> {
        let mut stack = Vec::new();
        self.lacks_inner(ty, t, &mut stack, 0)
    }

    fn lacks_inner(
        &self,
        ty: &Ty,
        t: AutoTrait,
        stack: &mut Vec<(String, AutoTrait)>,
        depth: usize,
    ) -> Option<Why> {
        if depth > 48 {
            return None;
        }
        let culprit = |ty: &Ty, t: AutoTrait| Why {
            chain: Vec::new(),
            culprit: ty.display(),
            culprit_trait: t,
            note: None,
        };
        match ty {
            Ty::Ptr => Some(culprit(ty, t)),
            Ty::Ref { mutable, inner } => {
                let need = if t == AutoTrait::Send && *mutable {
                    AutoTrait::Send
                } else {
                    AutoTrait::Sync
                };
                let mut why = self.lacks_inner(inner, need, stack, depth + 1)?;
                if t == AutoTrait::Send && !*mutable && why.note.is_none() {
                    why.note = Some("`&T` is `Send` only if `T: Sync`".to_string());
                }
                Some(why)
            }
            Ty::Tuple(items) => items
                .iter()
                .find_map(|item| self.lacks_inner(item, t, stack, depth + 1)),
            Ty::Array(inner) => self.lacks_inner(inner, t, stack, depth + 1),
            Ty::Dyn(d) => {
                let written = match t {
                    AutoTrait::Send => d.send,
                    AutoTrait::Sync => d.sync,
                };
                if written || d.traits.is_empty() {
                    return None;
                }
                // Each trait must be one we know everything about.
                let mut implied = false;
                for tr in &d.traits {
                    if PLAIN_STD_TRAITS.contains(&tr.path.as_str()) {
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
                if implied {
                    None
                } else {
                    let mut why = culprit(ty, t);
                    why.note = Some(format!("a `dyn Trait` is `{t}` only if written `+ {t}`"));
                    Some(why)
                }
            }
            Ty::Param(_) | Ty::Opaque => None,
            Ty::Path(p) => self.lacks_path(ty, p, t, stack, depth),
        }
    }

    fn lacks_path(
        &self,
        ty: &Ty,
        p: &PathTy,
        t: AutoTrait,
        stack: &mut Vec<(String, AutoTrait)>,
        depth: usize,
    ) -> Option<Why> {
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
                }),
                Need::Always => None,
                Need::All => p
                    .args
                    .iter()
                    .find_map(|arg| self.lacks_inner(arg, t, stack, depth + 1)),
                Need::Arg { send, sync } => {
                    let arg = p.args.first()?;
                    let wrapper = ty.last_segment().unwrap_or("");
                    let rule = match (send, sync) {
                        (true, true) => "Send + Sync",
                        (true, false) => "Send",
                        (false, true) => "Sync",
                        (false, false) => return self.lacks_inner(arg, t, stack, depth + 1),
                    };
                    let note = format!("`{wrapper}<T>` is `{t}` only if `T: {rule}`");
                    let found = if send {
                        self.lacks_inner(arg, AutoTrait::Send, stack, depth + 1)
                    } else {
                        None
                    };
                    let found = found.or_else(|| {
                        if sync {
                            self.lacks_inner(arg, AutoTrait::Sync, stack, depth + 1)
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
        match self.index.item(p)? {
            Item::Alias(alias) => {
                let expanded = alias.ty.substitute(&alias.generics, &p.args);
                self.lacks_inner(&expanded, t, stack, depth + 1)
            }
            Item::Adt(adt) => {
                let promised = self.index.auto_impl(&adt.path);
                let promised = match t {
                    AutoTrait::Send => promised.send,
                    AutoTrait::Sync => promised.sync,
                };
                if promised == Some(true) {
                    return None;
                }
                let key = (adt.path.clone(), t);
                if stack.contains(&key) {
                    return None;
                }
                stack.push(key);
                let mut result = None;
                for field in &adt.fields {
                    let field_ty = field.ty.substitute(&adt.generics, &p.args);
                    if let Some(mut why) = self.lacks_inner(&field_ty, t, stack, depth + 1) {
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
                        result = Some(why);
                        break;
                    }
                }
                stack.pop();
                result
            }
        }
    }

    /// Whether dropping a value of this type runs code (so it lives to the end of its
    /// scope, not to its last use). Unknown types are assumed not to.
    pub fn needs_drop(&self, ty: &Ty) -> bool {
        self.needs_drop_inner(ty, 0)
    }

    fn needs_drop_inner(&self, ty: &Ty, depth: usize) -> bool {
        if depth > 32 {
            return false;
        }
        match ty {
            Ty::Tuple(items) => items.iter().any(|i| self.needs_drop_inner(i, depth + 1)),
            Ty::Array(inner) => self.needs_drop_inner(inner, depth + 1),
            Ty::Path(p) => {
                if let Some(known) = self.known.lookup(p) {
                    return known.drop
                        || p.args.iter().any(|a| self.needs_drop_inner(a, depth + 1));
                }
                match self.index.item(p) {
                    Some(Item::Adt(adt)) => adt.fields.iter().any(|f| {
                        self.needs_drop_inner(&f.ty.substitute(&adt.generics, &p.args), depth + 1)
                    }),
                    Some(Item::Alias(alias)) => self.needs_drop_inner(
                        &alias.ty.substitute(&alias.generics, &p.args),
                        depth + 1,
                    ),
                    None => false,
                }
            }
            _ => false,
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
