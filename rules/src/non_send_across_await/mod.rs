use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use prodlint_core::{ConfigError, Diagnostic, RuleMeta, RuleOptions, SourceFile, Span};
use prodlint_rust::auto_traits::{AutoTraitFacts, GuardKind, Why};
use prodlint_rust::crate_index::crate_key;
use prodlint_rust::deps::CargoHome;
use serde::Deserialize;

use crate::{Rule, RustContext};

mod analysis;
mod infer;
mod required;

use analysis::{Analysis, Finding, Requirement};
use required::FutureSummaries;

prodlint_macros::declare_rule! {
    /// ## What it does
    /// Finds futures that must be `Send` but are not, and lock guards held across `.await`,
    /// without compiling. It knows where `Send` is required:
    /// - methods of an `#[async_trait]` impl (not `#[async_trait(?Send)]`; under any path
    ///   or imported name of the macro: `tower_lsp::async_trait`, `use async_trait::async_trait
    ///   as at`): their future holds `&self` for the whole body, so a `Self` that is not `Sync` breaks every
    ///   method, even those that never touch the culprit field;
    /// - impls of traits declared with `Send`/`Sync` supertraits (`trait Registry: Send + Sync`);
    /// - `tokio::spawn`, `tokio::task::spawn(_blocking)`, `std::thread::spawn`,
    ///   `rayon::spawn`, `.spawn(..)` on a runtime, handle or `JoinSet`, and async functions
    ///   spawned by name (`tokio::spawn(run(conn))`); a workspace that defines a `spawn`
    ///   method of its own taking a future without a `Send` bound (a thread-per-core
    ///   executor's `fn spawn(&self, f: impl Future + 'static)`) has its `.spawn(..)` calls
    ///   taken for that one, unless the receiver's type says otherwise;
    /// - functions and methods of the locked dependencies whose parameter is bounded `Send`
    ///   as a future or closure, read from their sources at the version of `Cargo.lock`
    ///   (`F: Future + Send`, `impl Future<Output = T> + Send`, `F: FnOnce() -> R + Send`):
    ///   `smol::spawn`, `futures::executor::ThreadPool::spawn_ok` (by the receiver's type),
    ///   a runtime crate's own spawners. Not `actix_rt::spawn` nor `spawn_local`, whose
    ///   futures need not be `Send`, nor a bound on the output only (`T: Send` of
    ///   `F: Future<Output = T>`); a name whose definitions disagree is unknown, so silent;
    /// - functions returning `impl Future + Send` or `BoxFuture`, `.boxed()`, and the
    ///   `call` of a `tower::Service` impl whose `type Future` is a `Send` `BoxFuture`;
    /// - framework handlers, recognised by the path their registration or attribute resolves
    ///   to (through `use` aliases), never by a name alone: axum handlers registered in
    ///   any file of the workspace (`get(h)`, `post`, .., `any`, `on(filter, h)`,
    ///   `get(a).post(b)`, `.layer(from_fn(h))`, `from_fn_with_state`), warp handlers
    ///   (`.and_then(h)` and `.then(h)` on a filter chain that starts at a `warp::` function
    ///   or macro), poem's `#[handler]`, rocket's route attributes (`#[get]`, `#[post]`, ..,
    ///   imported, written `#[rocket::get]`, or by `#[macro_use] extern crate rocket`),
    ///   tonic services (`#[tonic::async_trait]`) and `#[tauri::command]`. actix-web
    ///   handlers need not be `Send` (each worker runs on one thread) and stay silent, as
    ///   do a workspace function named `get` and `and_then` on a future;
    /// - a workspace async fn (or method returning `impl Future`) whose future any file of
    ///   the workspace hands to a spawner, to a function of the workspace that passes its
    ///   argument on to one (`fn spawn_job<F: Future>(f: F) { tokio::spawn(f); }`), or to a
    ///   parameter bounded `Future + Send` (of the workspace or of a dependency), also from
    ///   another crate (`tokio::spawn(jobs::worker::run(id))`, through `use` aliases,
    ///   re-exports, `Type::method(..)`, `self.method()` and `async move { run(id).await }`):
    ///   reported inside the callee, with a label at the call or registration.
    ///
    /// A future is also not `Send` when it awaits a workspace future that is not: each
    /// workspace async fn is summarised once per run (what it holds across its awaits, and
    /// the futures it awaits, followed to a fixpoint), and an `.await` of such a future where
    /// `Send` is required (or in every async fn, with `every_async_fn`) is reported, with a
    /// label at the culprit inside the callee.
    ///
    /// It reasons over the crate index (struct, enum and union fields resolved through
    /// `use` items, type aliases, `unsafe impl Send/Sync`) with the real rules of the
    /// wrappers (`Arc<T>` is `Send + Sync` iff `T: Send + Sync`, `Mutex<T>` is `Sync` iff
    /// `T: Send`, `RwLock<T>` is `Sync` iff `T: Send + Sync`, `&T` is `Send` iff `T: Sync`)
    /// and a table of types that are not `Send` or not `Sync` (`Rc`, `RefCell`, `Cell`,
    /// std and parking_lot guards, raw pointers, `dyn Trait` without `+ Send`,
    /// `libp2p::Swarm`, `tokio::task::LocalSet`, …). A dependency's type that the table does
    /// not list is read from its sources at the version of `Cargo.lock`
    /// (`$CARGO_HOME/registry/src`): its fields, `unsafe impl Send/Sync` and re-exports
    /// (`tree_sitter::Node` holds a raw pointer, `rand::rngs::ThreadRng` an `Rc`). Each
    /// distinct type is examined once per run. Unknown types are assumed `Send + Sync`; so is
    /// a dependency's type defined more than once under `#[cfg]`s (sea-query's `RcOrArc<T>`,
    /// an `Rc` or an `Arc` by a feature), since which definition is compiled is not read.
    ///
    /// A binding's type is the one written, or what its initializer gives: constructors of
    /// known wrappers, fields, lock and borrow methods, and the return types of the functions
    /// and methods that calls reach, in the workspace (through module paths and `use`
    /// aliases; a wrapper `Mutex<T>` whose `lock()` returns a std guard gives it for that
    /// `T`; an `async fn` through `.await`) and in the locked dependencies' sources
    /// (`rand::rng()` returns a `ThreadRng`). Definitions that disagree, generic and unknown
    /// results stay unknown.
    ///
    /// The future an `.await` polls is part of the awaiting future's state until it
    /// completes: a hand-written future whose type is known from the declared return type of
    /// the function that makes it (`Op::submit(..)?.await`, where `Op` holds an `Rc`), or a
    /// `LocalBoxFuture`, makes the awaiting future not `Send`.
    ///
    /// A binding is held across an `.await` when its type has drop glue (guards, `Rc`) and
    /// its scope contains the await, or when it is used after the await. Temporaries (a
    /// guard borrowed by a method call, up to the `.await` itself:
    /// `m.lock().unwrap().fetch(k).await`) live to the end of their statement, through a
    /// `match`, a `while let` and a `for`, and by the drop scopes of the crate's edition
    /// (its `Cargo.toml`, `edition.workspace = true` included) through an `if let` and a
    /// block's tail expression: before 2024 an `if let` scrutinee's temporaries live through
    /// the `else` and a plain block's tail temporaries to the end of the enclosing
    /// statement; from 2024 they end before the `else` and with the block. A `let`-`else`
    /// initializer's temporaries end before its `else` block in every edition. Where `Send`
    /// is required, `drop(guard)` before the await does not help: the compiler decides by
    /// scope, so only a block that ends before the await does. Lock guards (std,
    /// parking_lot) and `RefCell` borrows held across an `.await` are reported in every
    /// async function (a deadlock or a panic), unless dropped before the await.
    ///
    /// ## Why is this bad?
    /// A future that is not `Send` cannot be spawned on a multi-threaded runtime or
    /// returned from an `#[async_trait]` method; the compiler says "future cannot be sent
    /// between threads safely" only after a full build, once per method, far from the field
    /// that causes it. A `std::sync::Mutex` guard held across an `.await` blocks the
    /// executor thread: another task that takes the same lock on that thread deadlocks.
    ///
    /// ## Example
    /// ```rs
    /// pub struct P2PRegistry {
    ///     swarm: Arc<RwLock<Swarm<P2PBehaviour>>>, // Swarm is Send but not Sync
    /// }
    ///
    /// #[async_trait]
    /// impl Registry for P2PRegistry {
    ///     async fn lookup(&self, key: Key) -> Option<Peer> { .. } // future is not Send
    /// }
    ///
    /// async fn bump(counter: &std::sync::Mutex<u64>) {
    ///     let mut n = counter.lock().unwrap();
    ///     *n += 1;
    ///     flush().await; // the guard is still held here
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```rs
    /// pub struct P2PRegistry {
    ///     commands: mpsc::Sender<Command>, // a task owns the Swarm and serves commands
    /// }
    ///
    /// async fn bump(counter: &std::sync::Mutex<u64>) {
    ///     {
    ///         let mut n = counter.lock().unwrap();
    ///         *n += 1;
    ///     } // the guard ends here
    ///     flush().await;
    /// }
    /// ```
    ///
    /// ## Options
    /// ```toml
    /// [rules.non-send-across-await]
    /// # Types that are not Send (or not Sync), by path or bare name, added to the table.
    /// not_send = ["my_ffi::Handle"]
    /// not_sync = ["my_crate::Scratch"]
    /// # Check every async fn as if its future had to be Send, like clippy's
    /// # `future_not_send` (for crates whose futures all go to a multi-threaded runtime).
    /// # A generic parameter or `impl Trait` argument counts as Send (the future is then
    /// # Send whenever the arguments are) and as Sync only where its bounds say so.
    /// every_async_fn = false
    /// # Where the Cargo registry is (relative to this file), instead of $CARGO_HOME or
    /// # ~/.cargo. Dependency types come from `<cargo-home>/registry/src`.
    /// cargo-home = "/opt/cargo"
    /// ```
    pub static META = {
        id: "non-send-across-await",
        languages: [Rust],
        severity: Error,
        summary: "futures that must be Send but hold something that is not (an #[async_trait] self that is not Sync, a guard or Rc across .await), and lock guards held across .await",
        fix: None,
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct Options {
    not_send: Vec<String>,
    not_sync: Vec<String>,
    every_async_fn: bool,
    #[serde(rename = "cargo-home")]
    cargo_home: Option<String>,
}

pub struct NonSendAcrossAwait {
    /// The user's `not_send` and `not_sync` entries, which the knowledge table adds.
    not_send: Vec<String>,
    not_sync: Vec<String>,
    every_async_fn: bool,
    cargo_home: CargoHome,
}

impl NonSendAcrossAwait {
    pub fn build(options: &RuleOptions) -> Result<Box<dyn Rule>, ConfigError> {
        let parsed: Options = options.parse()?;
        for (key, list) in [
            ("not_send", &parsed.not_send),
            ("not_sync", &parsed.not_sync),
        ] {
            if let Some(bad) = list
                .iter()
                .find(|p| p.trim().is_empty() || p.contains(['<', ' ']))
            {
                return Err(options.error(key, format!("`{bad}` is not a type path")));
            }
        }
        Ok(Box::new(NonSendAcrossAwait {
            not_send: parsed.not_send,
            not_sync: parsed.not_sync,
            cargo_home: CargoHome::new(parsed.cargo_home, options.config_dir()),
            every_async_fn: parsed.every_async_fn,
        }))
    }
}

impl Rule for NonSendAcrossAwait {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn reads_crate_index(&self) -> bool {
        true
    }

    fn check_rust(&self, ctx: &RustContext<'_>, out: &mut Vec<Diagnostic>) {
        if ctx.is_test_file || ctx.is_tooling_file {
            return;
        }
        let text = &ctx.file.text;
        if !text.contains("async") && !text.contains("spawn") && !text.contains("impl") {
            return;
        }
        let path = prodlint_core::normalize(&ctx.project.cwd, &ctx.file.path);
        let cargo_home = self.cargo_home.get(&ctx.project.cwd);
        let key = (
            crate_key(ctx.project, &path),
            self.not_send.clone(),
            self.not_sync.clone(),
            cargo_home.to_path_buf(),
        );
        let facts = ctx.project.index::<AutoTraitFacts>(&key);
        let index = &facts.index;
        let scope = index.file_scope(&path, ctx.tree);
        let summaries = ctx.project.index::<FutureSummaries>(&key);
        let checked = path.clone();
        let awaited = |at: Span| summaries.awaited_not_send(ctx.project, &checked, at);
        let mut analysis = Analysis::new(index, facts.reasoner(ctx.project));
        analysis.every_async_fn = self.every_async_fn;
        analysis.edition = index
            .files
            .get(&path)
            .map_or_else(Default::default, |f| f.edition);
        analysis.required_elsewhere = summaries.required_in(&path);
        analysis.sites = Some(&summaries.sites);
        analysis.awaited = Some(&awaited);
        analysis.run(ctx.tree, &scope);
        let mut files = Files {
            ctx,
            path,
            cache: HashMap::new(),
        };
        for finding in analysis.findings {
            out.push(diagnostic(&mut files, finding));
        }
    }
}

/// The files labels point into, read once per check.
struct Files<'c, 'a> {
    ctx: &'c RustContext<'a>,
    /// The checked file's path, absolute.
    path: PathBuf,
    cache: HashMap<PathBuf, Option<Arc<SourceFile>>>,
}

impl Files<'_, '_> {
    fn get(&mut self, path: Option<&Path>) -> Option<Arc<SourceFile>> {
        let Some(path) = path else {
            return Some(Arc::clone(self.ctx.file));
        };
        if path == self.path {
            return Some(Arc::clone(self.ctx.file));
        }
        let project = self.ctx.project;
        self.cache
            .entry(path.to_path_buf())
            .or_insert_with(|| project.source_file(path))
            .clone()
    }
}

fn with_requirement(files: &mut Files<'_, '_>, d: Diagnostic, r: &Requirement) -> Diagnostic {
    match files.get(r.file.as_deref()) {
        Some(file) => d.with_label(&file, r.span, r.message.clone()),
        None => d,
    }
}

/// Labels at each field on the way to the culprit, in whatever file declares it.
fn with_why(files: &mut Files<'_, '_>, mut d: Diagnostic, why: &Why) -> Diagnostic {
    let last = why.chain.len().saturating_sub(1);
    for (i, step) in why.chain.iter().enumerate() {
        let Some(file) = files.get(Some(&step.file)) else {
            continue;
        };
        let message = if i == last {
            let note = why
                .note
                .as_deref()
                .map(|n| format!(" ({n})"))
                .unwrap_or_default();
            format!(
                "`{}.{}: {}` makes `{}` not `{}`: {}{note}",
                step.owner,
                step.field,
                step.field_ty,
                step.owner,
                why.culprit_trait,
                why.summary()
            )
        } else {
            format!("through `{}.{}: {}`", step.owner, step.field, step.field_ty)
        };
        d = d.with_label(&file, step.span, message);
    }
    d
}

fn culprit_text(why: &Why) -> String {
    match (why.chain.first(), why.note.as_deref()) {
        (Some(step), _) => format!(
            "field `{}` ({}{})",
            step.field,
            why.summary(),
            why.note
                .as_deref()
                .map(|n| format!("; {n}"))
                .unwrap_or_default()
        ),
        (None, Some(note)) => format!("{} ({note})", why.summary()),
        (None, None) => why.summary(),
    }
}

/// What to do about a type that is not `Sync` (or `Send`) because of what it holds.
fn type_help(why: &Why, local_trait: Option<&str>) -> String {
    let culprit = &why.culprit;
    let mut help = if why.generic {
        let t = why.culprit_trait;
        let bound = if culprit.starts_with("impl ") {
            format!("`{culprit} + {t}`")
        } else {
            format!("the bound `{culprit}: {t}`")
        };
        format!("add {bound}, so that the future is `Send` for every argument that is")
    } else if culprit.starts_with("Swarm") {
        format!(
            "move the `{culprit}` into a task of its own that owns it and drives it, and give this type a `tokio::sync::mpsc::Sender` of commands (with a `oneshot` sender for each reply): the handle is `Send + Sync` and no lock is needed"
        )
    } else if why.note.as_deref().is_some_and(|n| n.contains("RwLock<T>")) {
        format!(
            "`{culprit}` is `Send` but not `Sync`: a `Mutex` instead of the `RwLock` is `Sync` (`Mutex<T>` needs only `T: Send`), or let a task own it and take commands over an `mpsc` channel"
        )
    } else {
        format!(
            "replace `{culprit}` with a thread-safe equivalent (`Arc` for `Rc`, `Mutex` or `tokio::sync::Mutex` for `RefCell`/`Cell`, `+ Send + Sync` on a `dyn Trait`), or let a task own it and take commands over an `mpsc` channel"
        )
    };
    if let Some(name) = local_trait {
        help.push_str(&format!(
            "; if `{name}` is only ever used on one thread, declare it and its impls with `#[async_trait(?Send)]`"
        ));
    }
    help
}

fn diagnostic(files: &mut Files<'_, '_>, finding: Finding) -> Diagnostic {
    let ctx_file = Arc::clone(files.ctx.file);
    let new = |span: Span, message: String| {
        Diagnostic::new(META.id, META.default_severity, &ctx_file, span, message)
    };
    match finding {
        Finding::Capture {
            at,
            method,
            what,
            what_span,
            ty,
            lacking,
            why,
            requirement,
        } => {
            let message = if why.chain.is_empty() {
                // The captured type is the culprit itself (`Rc<T>`, a generic `T`).
                format!(
                    "the future of `{method}` is not `Send`: it captures `{what}` and {}",
                    culprit_text(&why)
                )
            } else {
                format!(
                    "the future of `{method}` is not `Send`: it captures `{what}` and `{}` is not `{lacking}` because of its {}",
                    ty.display(),
                    culprit_text(&why)
                )
            };
            let label = if what.starts_with('&') {
                format!("`{what}` is held by the future for the whole body, even by methods that never touch the field")
            } else {
                format!("`{what}` is held by the future")
            };
            let trait_name = requirement.message.split('`').nth(3).map(str::to_string);
            let d = new(at, message)
                .with_label(&ctx_file, what_span, label)
                .with_help(type_help(&why, trait_name.as_deref().or(Some("the trait"))));
            let d = with_requirement(files, d, &requirement);
            with_why(files, d, &why)
        }
        Finding::Impl {
            at,
            self_ty,
            trait_name,
            lacking,
            why,
            requirement,
        } => {
            let message = format!(
                "`{}` is not `{lacking}`, but `{trait_name}` requires it: its {}",
                self_ty.display(),
                culprit_text(&why)
            );
            let d = new(at, message).with_help(type_help(&why, None));
            let d = with_requirement(files, d, &requirement);
            with_why(files, d, &why)
        }
        Finding::AwaitsNotSend {
            await_span,
            callee,
            culprit,
            requirement,
        } => {
            let through = match culprit.via.as_slice() {
                [] | [_] => String::new(),
                via => format!(" (through `{}`)", via.join("` → `")),
            };
            let message = format!(
                "this future must be `Send`, but it awaits `{callee}`, whose future is not{through}: {}",
                culprit.message
            );
            let mut d = new(await_span, message).with_help(
                "make the awaited future `Send` (end the culprit's scope before its `.await`, or use a `Send` equivalent), or run this work on a `LocalSet` with `spawn_local`",
            );
            if let Some(file) = files.get(Some(&culprit.file)) {
                d = d.with_label(
                    &file,
                    culprit.at,
                    format!("`{callee}`'s future is not `Send`: {}", culprit.message),
                );
            }
            with_requirement(files, d, &requirement)
        }
        Finding::AwaitedNotSend {
            await_span,
            operand,
            ty,
            why,
            requirement,
        } => {
            let message = format!(
                "this future must be `Send`, but the future it awaits here, `{}`, is not: {}",
                ty.display(),
                culprit_text(&why)
            );
            let d = new(await_span, message)
                .with_label(
                    &ctx_file,
                    operand,
                    "held by the awaiting future until it completes",
                )
                .with_help(
                    "await a `Send` future here, or run this work on a `LocalSet` with `spawn_local`",
                );
            with_requirement(files, d, &requirement)
        }
        Finding::SpawnCapture {
            at,
            spawner,
            name,
            binding,
            use_span,
            ty,
            why,
        } => {
            let message = format!(
                "`{name}` is moved into `{spawner}` but `{}` is not `Send`{}",
                ty.display(),
                if why.chain.is_empty() {
                    String::new()
                } else {
                    format!(" because of its {}", culprit_text(&why))
                }
            );
            let d = new(at, message)
                .with_label(&ctx_file, binding, format!("`{name}` is declared here"))
                .with_label(&ctx_file, use_span, "and captured here")
                .with_help(format!(
                    "create the value inside the task, or use a `Send` equivalent (`Arc` for `Rc`, `Mutex` for `RefCell`); work that must stay on one thread goes to `tokio::task::spawn_local` on a `LocalSet`. {}",
                    type_help(&why, None)
                ));
            with_why(files, d, &why)
        }
        Finding::Held {
            await_span,
            held_span,
            name,
            ty,
            guard,
            why,
            requirement,
            dropped_at,
        } => {
            let what = match &name {
                Some(name) => format!("`{name}` (`{}`)", ty.display()),
                None => format!("a temporary `{}`", ty.display()),
            };
            let message = match (&requirement, guard) {
                (Some(_), Some(GuardKind::Lock)) => format!(
                    "{what} is held across this `.await`: the future is not `Send`, and the lock stays taken while the task is suspended"
                ),
                (Some(_), Some(GuardKind::RefCell)) => format!(
                    "{what} is held across this `.await`: the future is not `Send`, and the `RefCell` stays borrowed while the task is suspended"
                ),
                (Some(_), None) => format!(
                    "{what} is alive across this `.await`, so the future is not `Send`: {}",
                    why.as_ref().map(culprit_text).unwrap_or_default()
                ),
                (None, Some(GuardKind::RefCell)) => format!(
                    "{what} is held across this `.await`: any other borrow while the task is suspended panics"
                ),
                (None, _) => format!(
                    "{what} is held across this `.await`: the lock stays taken while the task is suspended, and another task that takes it on this thread deadlocks"
                ),
            };
            let held_label = if name.is_some() {
                "held from here to the end of its scope"
            } else {
                "this temporary lives to the end of the statement"
            };
            let mut d = new(await_span, message).with_label(&ctx_file, held_span, held_label);
            if let Some(dropped) = dropped_at {
                d = d.with_label(
                    &ctx_file,
                    dropped,
                    "`drop()` here does not end the scope: the compiler still counts the value as held by the future",
                );
            }
            let help = match guard {
                Some(GuardKind::Lock) if requirement.is_some() => "end the guard's scope before the `.await`: put the lock and its use in a block `{ let g = m.lock().unwrap(); … }` (`drop(g)` is not enough where the future must be `Send`), or use `tokio::sync::Mutex`, whose guard may be held across `.await`".to_string(),
                Some(GuardKind::Lock) => "release the lock before the `.await`: put the lock and its use in a block, or `drop()` the guard before awaiting; if the lock must be held while awaiting, use `tokio::sync::Mutex`".to_string(),
                Some(GuardKind::RefCell) => "end the borrow before the `.await`: copy out what you need in a block (`let v = { cell.borrow().clone() };`), or use a `tokio::sync::Mutex` if the value must stay borrowed while awaiting".to_string(),
                None => format!(
                    "create the value after the last `.await`, or keep it in a block that ends before the `.await` (`drop()` is not enough: the compiler goes by scope). {}",
                    why.as_ref().map(|w| type_help(w, None)).unwrap_or_default()
                ),
            };
            d = d.with_help(help);
            if let Some(requirement) = &requirement {
                d = with_requirement(files, d, requirement);
            }
            if let Some(why) = &why {
                d = with_why(files, d, why);
            }
            d
        }
    }
}
