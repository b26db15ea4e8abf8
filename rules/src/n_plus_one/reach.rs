//! Whether a TS/JS call performs a data-access round trip, directly or through the calls
//! it makes, following the project's call summaries
//! ([`prodlint_js::call_summary::CallSummaries`]) across classes and files: `this.m()`
//! to the method of the same class, `this.users.load()` to the method of the class that
//! the field `users` is declared, injected or constructed as (imported or not), `f()` to
//! the function of the file or the one imported. A field whose type comes from a client
//! package (`Repository<User>` from `typeorm`, `PrismaClient`, `Redis` from `ioredis`,
//! a GraphQL client) names its library by that type, not by the method called on it.
//!
//! "Performs a round trip" is the least fixpoint over the call graph: a function does if
//! one of its calls is a round trip or goes to a function that does. It is computed on
//! demand, depth first with the functions on the current path as the cycle guard, and
//! remembered per checked file; a result that a cycle cut short is not remembered.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use prodlint_core::Project;
use prodlint_js::call_summary::{
    ArgShape, CallChain, CallSeg, CallSummaries, ClassSummary, FieldKind,
};
use prodlint_js::resolve::{Resolved, Resolvers, View};
use prodlint_js::Imported;

use super::catalogue::Lang;
use super::js::to_chain;
use super::{pages, render_chain, Hop, NPlusOne};

/// How many functions of the project a round trip is looked for in, counting the one the
/// loop calls: two hops (the loop's call → a function → a function whose body makes the
/// round trip). A query found deeper sits under a unit of work (a schema change per field,
/// deleting a whole base), not a lookup a maintainer would batch, so it stays silent.
pub(super) const MAX_CALL_HOPS: usize = 2;

/// How many fields deep a receiver is followed: `this.store.model.post.update()`.
const MAX_FIELD_DEPTH: usize = 6;

/// A round trip that a call reaches.
#[derive(Debug, Clone)]
pub(super) struct Trip {
    pub library: String,
    pub help: String,
    /// The round trip as shown: `this.repo.findOne`.
    pub call: String,
    /// Each call on the way, the round trip last.
    pub hops: Vec<Hop>,
}

/// A function or method by its file, class and name.
type TargetKey = (PathBuf, Option<String>, String);

/// A function or method of some module.
#[derive(Clone)]
pub(super) struct Target {
    summaries: Arc<CallSummaries>,
    class: Option<String>,
    name: String,
}

impl Target {
    fn key(&self) -> TargetKey {
        (
            self.summaries.file.path.clone(),
            self.class.clone(),
            self.name.clone(),
        )
    }

    /// `UsersService.load`, `saveAll`.
    fn shown(&self) -> String {
        match &self.class {
            Some(class) => format!("{class}.{}", self.name),
            None => self.name.clone(),
        }
    }
}

/// What a call chain is, by what its receiver is.
pub(super) enum Resolution {
    /// A call of a function or method of the project.
    Target(Target),
    /// The same call with its receiver said by what it is: `this.repo.save()` with
    /// `repo: Repository<User>` from `typeorm` is `repository.save()`; a field assigned
    /// `dataSource.getRepository(User)` reads as that chain.
    Rewritten(CallChain),
    /// Nothing known beyond the names in the chain.
    Unknown,
}

/// The receiver name a client package's type stands for in the catalogue, or the
/// GraphQL client, whose calls are requests to one endpoint and not SQL.
fn canonical_receiver(specifier: &str, type_name: &str) -> Option<&'static str> {
    let package = specifier;
    let ty = type_name.rsplit('.').next().unwrap_or(type_name);
    Some(match package {
        "typeorm" => match ty {
            "Repository" | "TreeRepository" | "MongoRepository" => "repository",
            "EntityManager" => "manager",
            "DataSource" | "Connection" | "QueryRunner" => "dataSource",
            _ => return None,
        },
        "@prisma/client" => "prisma",
        "ioredis" | "redis" | "@redis/client" => "redis",
        "pg" | "mysql2" | "mysql2/promise" => "pool",
        "@apollo/client" | "@apollo/client/core" | "graphql-request" | "urql" | "@urql/core" => {
            "graphqlClient"
        }
        "axios" => "axios",
        "@nestjs/axios" => "httpService",
        _ => return None,
    })
}

fn is_package(specifier: &str) -> bool {
    !(specifier.starts_with('.') || specifier.starts_with('/'))
}

pub(super) struct Reach<'a> {
    rule: &'a NPlusOne,
    project: &'a Project,
    resolvers: std::cell::OnceCell<Arc<Resolvers>>,
    /// By function, by how many hops were left when it was searched, and by the
    /// argument positions given nothing (see [`Reach::round_trip`]).
    memo: RefCell<HashMap<(TargetKey, usize, u32), Option<Trip>>>,
}

impl<'a> Reach<'a> {
    pub fn new(rule: &'a NPlusOne, project: &'a Project) -> Reach<'a> {
        Reach {
            rule,
            project,
            resolvers: std::cell::OnceCell::new(),
            memo: RefCell::new(HashMap::new()),
        }
    }

    /// The module an import of `from` leads to, if it is a source file of the project.
    fn module(&self, from: &Path, specifier: &str) -> Option<Arc<CallSummaries>> {
        let resolvers = self
            .resolvers
            .get_or_init(|| self.project.index::<Resolvers>(&()));
        let from = prodlint_core::normalize(&self.project.cwd, from);
        let Resolved::File(path) =
            resolvers.resolve(self.project, &from, specifier, View::BundlerImport)
        else {
            return None;
        };
        if path.components().any(|c| c.as_os_str() == "node_modules")
            || path.to_string_lossy().ends_with(".d.ts")
        {
            return None;
        }
        Some(self.project.index::<CallSummaries>(&path))
    }

    /// The class a type name means in a module: one of its own, or one it imports from
    /// another module of the project. `Err(specifier)` when it comes from a package.
    fn class_of(
        &self,
        summaries: &Arc<CallSummaries>,
        type_name: &str,
    ) -> Option<Result<(Arc<CallSummaries>, String), String>> {
        let root = type_name.split('.').next().unwrap_or(type_name);
        if summaries.classes.contains_key(type_name) {
            return Some(Ok((Arc::clone(summaries), type_name.to_string())));
        }
        let import = summaries.imports.get(root)?;
        if is_package(&import.specifier)
            && self
                .module(&summaries.file.path, &import.specifier)
                .is_none()
        {
            return Some(Err(import.specifier.clone()));
        }
        let module = self.module(&summaries.file.path, &import.specifier)?;
        let exported = match &import.imported {
            Imported::Named(name) => name.as_str(),
            Imported::Default => "default",
            Imported::Namespace => type_name.split_once('.')?.1,
        };
        let local = module.exported_local(exported)?.to_string();
        module
            .classes
            .contains_key(&local)
            .then_some(Ok((module, local)))
    }

    /// What a call chain made in `summaries`, in the class `class` (if any), calls.
    pub fn resolve(
        &self,
        summaries: &Arc<CallSummaries>,
        class: Option<&str>,
        chain: &CallChain,
    ) -> Resolution {
        let class_summary: Option<&ClassSummary> = class.and_then(|c| summaries.classes.get(c));
        match chain.as_slice() {
            [this, method] if this.name == "this" && !this.call && method.call => {
                match class_summary {
                    Some(found) if found.methods.contains_key(&method.name) => {
                        Resolution::Target(Target {
                            summaries: Arc::clone(summaries),
                            class: Some(found.name.clone()),
                            name: method.name.clone(),
                        })
                    }
                    _ => Resolution::Unknown,
                }
            }
            [this, field, rest @ ..]
                if this.name == "this" && !this.call && !field.call && !rest.is_empty() =>
            {
                match class_summary {
                    Some(found) => self.through_field(summaries, found, field, rest, 0),
                    None => Resolution::Unknown,
                }
            }
            [function] if function.call => {
                if summaries.functions.contains_key(&function.name) {
                    return Resolution::Target(Target {
                        summaries: Arc::clone(summaries),
                        class: None,
                        name: function.name.clone(),
                    });
                }
                let Some(import) = summaries.imports.get(&function.name) else {
                    return Resolution::Unknown;
                };
                let Imported::Named(exported) = &import.imported else {
                    return Resolution::Unknown;
                };
                let Some(module) = self.module(&summaries.file.path, &import.specifier) else {
                    return Resolution::Unknown;
                };
                match module.exported_local(exported).map(str::to_string) {
                    Some(local) if module.functions.contains_key(&local) => {
                        Resolution::Target(Target {
                            summaries: module,
                            class: None,
                            name: local,
                        })
                    }
                    _ => Resolution::Unknown,
                }
            }
            _ => Resolution::Unknown,
        }
    }

    /// `field.rest…` read on an instance of `class` (of `summaries`): `this.users.load()`
    /// is the method `load` of the class of `users`; `this.store.model.post.update()`
    /// goes on through the field `model` of the class of `store`.
    fn through_field(
        &self,
        summaries: &Arc<CallSummaries>,
        class: &ClassSummary,
        field: &CallSeg,
        rest: &[CallSeg],
        depth: usize,
    ) -> Resolution {
        let Some(kind) = class.fields.get(&field.name) else {
            return Resolution::Unknown;
        };
        let ty = match kind {
            FieldKind::Init(init) => {
                let mut rewritten = init.clone();
                rewritten.extend(rest.iter().cloned());
                return Resolution::Rewritten(rewritten);
            }
            FieldKind::Type(ty) => ty,
        };
        match self.class_of(summaries, &ty.name) {
            Some(Ok((module, class_name))) => {
                let class = &module.classes[&class_name];
                match rest {
                    [method] if method.call && class.methods.contains_key(&method.name) => {
                        Resolution::Target(Target {
                            summaries: Arc::clone(&module),
                            class: Some(class_name.clone()),
                            name: method.name.clone(),
                        })
                    }
                    [next, more @ ..]
                        if !next.call && !more.is_empty() && depth < MAX_FIELD_DEPTH =>
                    {
                        self.through_field(&module, class, next, more, depth + 1)
                    }
                    _ => Resolution::Unknown,
                }
            }
            Some(Err(specifier)) => match canonical_receiver(&specifier, &ty.name) {
                Some(receiver) => {
                    let mut rewritten = vec![CallSeg {
                        name: receiver.to_string(),
                        call: false,
                        ..field.clone()
                    }];
                    rewritten.extend(rest.iter().cloned());
                    Resolution::Rewritten(rewritten)
                }
                None => Resolution::Unknown,
            },
            None => Resolution::Unknown,
        }
    }

    /// Whether a function hands its work to a client the catalogue does not know: a call
    /// on a field whose type comes from a package without a catalogue entry
    /// (`this.cache.get(key)` with `cache: Cache` from `cache-manager`). Then the call of
    /// the function is judged by its own names, as if it were not followed.
    pub fn is_opaque(&self, target: &Target) -> bool {
        let summaries = &target.summaries;
        let Some(class) = target.class.as_ref().and_then(|c| summaries.classes.get(c)) else {
            return false;
        };
        let Some(function) = class.methods.get(&target.name) else {
            return false;
        };
        function.calls.iter().any(|call| match call.as_slice() {
            [this, field, _, ..] if this.name == "this" && !field.call => {
                match class.fields.get(&field.name) {
                    Some(FieldKind::Type(ty)) => matches!(
                        self.class_of(summaries, &ty.name),
                        Some(Err(specifier)) if canonical_receiver(&specifier, &ty.name).is_none()
                    ),
                    _ => false,
                }
            }
            _ => false,
        })
    }

    /// Whether a chain is a catalogue call, a read of a page included.
    pub fn is_access(&self, chain: &CallChain) -> bool {
        self.inner(chain).is_some()
    }

    /// The round trip a chain makes by itself: a catalogue call that does not page.
    pub fn direct(&self, summaries: &CallSummaries, chain: &CallChain) -> Option<(Trip, usize)> {
        let found = self.inner(chain)?;
        if pages(&to_chain(chain), found.1, &summaries.file) {
            return None;
        }
        Some(found)
    }

    /// [`Reach::direct`] for a call inside a function the loop calls: arguments that
    /// mention `skip` or `cursor` there are passed through (`findMany({ skip, take,
    /// where })` with what the caller gave, often nothing), so they do not make a page.
    fn inner(&self, chain: &CallChain) -> Option<(Trip, usize)> {
        let converted = to_chain(chain);
        let (entry, len) = self.rule.data_access(Lang::Js, &converted, true)?;
        let call = render_chain(&converted[..len]);
        Some((
            Trip {
                library: entry.library.clone(),
                help: entry.help.clone(),
                call,
                hops: Vec::new(),
            },
            len,
        ))
    }

    /// The first round trip a function or method makes, directly or through its calls,
    /// when called with arguments shaped `given`: a call that the function makes only
    /// when a parameter is given (`if (teamId) { await … }`) does not count for a caller
    /// that gives nothing there.
    pub fn round_trip(&self, target: &Target, given: &ArgShape) -> Option<Trip> {
        let mut path = Vec::new();
        self.round_trip_at(target, given, &mut path).0
    }

    /// The trip, and whether the search was cut short by a cycle.
    fn round_trip_at(
        &self,
        target: &Target,
        given: &ArgShape,
        path: &mut Vec<TargetKey>,
    ) -> (Option<Trip>, bool) {
        let key = target.key();
        if path.len() >= MAX_CALL_HOPS {
            return (None, false);
        }
        let hops_left = MAX_CALL_HOPS - path.len();
        let memo_key = (key.clone(), hops_left, given.nothing_given());
        if let Some(known) = self.memo.borrow().get(&memo_key) {
            return (known.clone(), false);
        }
        if path.contains(&key) {
            return (None, true);
        }
        let summaries = &target.summaries;
        let function = match &target.class {
            Some(class) => summaries
                .classes
                .get(class)
                .and_then(|c| c.methods.get(&target.name)),
            None => summaries.functions.get(&target.name),
        };
        let Some(function) = function else {
            return (None, false);
        };
        path.push(key.clone());
        let mut cut = false;
        let mut found = None;
        for (index, call) in function.calls.iter().enumerate() {
            let here = call.last().expect("a call chain has a segment");
            let required = function.guards.get(index).map_or(&[][..], Vec::as_slice);
            if required
                .iter()
                .any(|&position| given.gives_nothing_at(position))
            {
                continue;
            }
            let shown = render_chain(&to_chain(call));
            // `getFactTable(id)` with a parameter `getFactTable`: what the caller handed
            // in, not the function of that name.
            let resolution = if function.calls_local(call) {
                Resolution::Unknown
            } else {
                self.resolve(summaries, target.class.as_deref(), call)
            };
            let trip = match &resolution {
                Resolution::Target(callee) => {
                    let (trip, was_cut) = self.round_trip_at(callee, &here.args, path);
                    cut |= was_cut;
                    trip.map(|mut trip| {
                        trip.hops.insert(
                            0,
                            Hop {
                                file: Arc::clone(&summaries.file),
                                span: here.expr,
                                message: format!("`{}` calls `{shown}` here", target.shown()),
                            },
                        );
                        trip
                    })
                }
                Resolution::Rewritten(rewritten) => self.inner(rewritten).map(|(mut trip, _)| {
                    trip.call = shown.clone();
                    trip
                }),
                Resolution::Unknown => self.inner(call).map(|(trip, _)| trip),
            };
            let trip = trip.map(|mut trip| {
                if trip.hops.is_empty() {
                    trip.hops.push(Hop {
                        file: Arc::clone(&summaries.file),
                        span: here.expr,
                        message: format!("`{}` calls `{}` here", target.shown(), trip.call),
                    });
                }
                trip
            });
            if trip.is_some() {
                found = trip;
                break;
            }
        }
        path.pop();
        if found.is_some() || !cut {
            self.memo.borrow_mut().insert(memo_key, found.clone());
        }
        (found, cut)
    }
}
