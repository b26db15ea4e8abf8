use std::path::{Path, PathBuf};
use std::sync::Arc;

use prodlint_core::{
    Applicability, ConfigError, Diagnostic, Edit, Fix, RuleMeta, RuleOptions, Severity, SourceFile,
    Span,
};
use prodlint_rust::crate_index::{crate_key, CrateIndex};
use prodlint_rust::deps::{CargoHome, DepKey, LockedCrates};
use prodlint_rust::ra_ap_syntax::ast::{self, HasArgList, HasName};
use prodlint_rust::ra_ap_syntax::{AstNode, SyntaxKind, TextRange};
use prodlint_rust::std_api::StdApi;
use prodlint_rust::{is_in_test_code, span};
use serde::Deserialize;

use crate::{Rule, RustContext};

mod cannot_fail;
mod db_write;
mod infer;

use cannot_fail::{
    builds_runtime, constant_input, constant_setter, never_fails, serializes_into_memory,
    since_the_epoch, waits_on_watch,
};
use db_write::DbWrite;
use infer::{closure_arity, Deps, Env, Fact, Proof};

prodlint_macros::declare_rule! {
    /// ## What it does
    /// Finds `Option` methods called on a `Result` and `Result` methods called on an
    /// `Option` (`.ok_or_else(..)` on a `Result`, `.map_err(..)` on an `Option`), without
    /// compiling, and names the signature that proves the receiver's type: a function or
    /// method of the workspace, a std API, or a locked dependency's source at the exact
    /// version of `Cargo.lock` (read from the Cargo registry, `$CARGO_HOME/registry/src`).
    ///
    /// It also warns where a `Result` is known and its error is silently discarded
    /// (`let _ = fallible();`, a `fallible().ok();` statement; not channel sends and a
    /// datagram's `send_to`, waits on a tokio `watch` channel, `OnceCell::set` and
    /// process-wide defaults such as rustls' `install_default` or a logger's `try_init`,
    /// cleanup such as `remove_file`, killing a child (`kill`, and the `wait` that reaps
    /// it), a transaction's `rollback`, a cleanup followed by `return Err(..)` (its error
    /// adds nothing to the one returned), `dotenv()` and the other loaders of `dotenv` and
    /// `dotenvy` (`dotenvy::from_path(..)`), an error logged in `.map_err(..)` (by
    /// a log macro, also a project's own such as `debug_warn!`) or handled in
    /// `.inspect_err(..)` before it is dropped, nor inside `impl Drop`, where ignoring is
    /// the idiom), and where `.unwrap()` is called on a known `Result` in production code
    /// (not tests, benches, examples, `build.rs`, procedural macro crates, modules declared
    /// under `#[cfg(test)]`, `fn main` or a `static`'s initializer such as
    /// `LazyLock::new(|| ..)`; `.expect("why")` documents an invariant and is not
    /// reported, nor are its spellings `.context("why").unwrap()`,
    /// `.map_err(|_| format!("why")).unwrap()` and `.ok_or_else(|| panic!("why")).unwrap()`).
    /// Left alone, because the input cannot cause their error: a lock's poisoning, building
    /// the tokio runtime, serializing into memory with serde_json (`to_string`, `to_vec`,
    /// `to_value` and their pretty forms) or bincode 1 (`serialize`), which fail only for a
    /// type whose `Serialize` errs or whose map keys are not strings, on every run alike,
    /// bindings tested with `.is_err()` or `if let Err(..) = r` first, the clock since
    /// `UNIX_EPOCH` (an error only for a clock set before 1970), calls of workspace
    /// functions whose every way out is `Ok(..)` (an `impl FromStr` whose fallback arm is
    /// `Ok`, no `?` in the body), calls that only constants reach (literals,
    /// `None`, variants, `const` items of the file, constructors such as `Type::new` or
    /// `Type::default()` given constants, immutable bindings of those, even through `if`/`match`, and the
    /// parameters of a private function that every call in the file gives constants), and
    /// setters (`set_*`) given constants; and an `.unwrap()` where clippy's `unwrap_used`
    /// is allowed or expected (`#[expect(clippy::unwrap_used)]` on an enclosing
    /// expression, statement or item, `#![allow(..)]` at the top of the file): the author
    /// has decided there. Test support is test code too: a file under a `test_*` folder
    /// or named `test_*.rs` (`test_helpers.rs`), and a crate whose package name ends in
    /// the word `integration`, `tests`, `testing` or `e2e` (`server-integration`, not
    /// `slack-integrations`).
    ///
    /// Discarded results of database writes are reported whether or not the `Result` type
    /// is known, because the library tells it: `let _ =`, a `.ok();` statement, or a bare
    /// statement (`unused_must_use` says nothing after `let _ =`, and a `.ok()` silences
    /// it) on sea-orm's `Entity::delete_many()….exec(db)` and the other `EntityTrait`
    /// writes, an `ActiveModel`'s `insert`/`update`/`save`/`delete(db)` and a `Model`'s
    /// `delete(db)`; diesel's `insert_into`/`update`/`delete`/`sql_query` run with
    /// `execute`/`get_result`; sqlx's `query(..)`/`query!(..)` and their kin, or a value
    /// whose type is sqlx's `Query`, run with `execute` (not a literal `SELECT`). Which
    /// library a call belongs to comes from where its receiver was built (the library's
    /// functions or macros through the file's imports, a sea-orm model by its written
    /// type, its literal, `.into_active_model()`, a field set with `Set(..)` or a row read
    /// with `.one(db)`), with the library's trait in scope and the library in
    /// `Cargo.lock`: a `Vec::insert`, a `HashMap::insert` or a cache's `update` is not a
    /// write.
    ///
    /// The receiver's type must be known for sure: a chain whose first call's return type
    /// is known, a binding with a written type or a known initializer, a parameter,
    /// `self.field`, `?`, `.await`, and the combinators that turn one into the other
    /// (`.ok()`, `.ok_or(..)`, `.map_err(..)`). Closures, generics, macros and methods whose
    /// definitions disagree are unknown, and unknown means silent.
    ///
    /// ## Why is this bad?
    /// Library APIs change shape between versions: tantivy's `Schema::get_field` returns
    /// `Result<Field, TantivyError>` since 0.20, not `Option<Field>`, so
    /// `schema.get_field("id").ok_or_else(|| anyhow!("missing field"))?` no longer compiles,
    /// and a workspace that builds crate by crate finds out late, once per call. A
    /// discarded `Result` hides a failed write or send until the data is missing in
    /// production; an `.unwrap()` on a `Result` turns a bad input into a crash.
    ///
    /// ## Example
    /// ```rs
    /// let id = schema.get_field("id").ok_or_else(|| anyhow!("missing field: id"))?;
    /// let user = users.get(&key).map_err(|_| Error::NotFound)?; // HashMap::get: Option
    /// let _ = std::fs::remove_file(&path);
    /// ```
    ///
    /// ## Use instead
    /// ```rs
    /// let id = schema.get_field("id").map_err(|_| anyhow!("missing field: id"))?;
    /// let user = users.get(&key).ok_or_else(|| Error::NotFound)?;
    /// if let Err(error) = std::fs::remove_file(&path) {
    ///     tracing::warn!(%error, "could not remove {}", path.display());
    /// }
    /// ```
    ///
    /// ## Options
    /// ```toml
    /// [rules.option-result-misuse]
    /// # Where the Cargo registry is (relative to this file), instead of $CARGO_HOME or
    /// # ~/.cargo. Dependency signatures come from `<cargo-home>/registry/src`.
    /// cargo-home = "/opt/cargo"
    /// # The warnings for discarded errors and for `.unwrap()` on a `Result`.
    /// discarded = true
    /// unwrap = true
    /// ```
    ///
    /// The dependency index is cached per crate and version in `.prodlint_cache/` beside
    /// `Cargo.lock`. When dependency sources are absent, prodlint says so once and checks
    /// what the workspace and std tell it.
    pub static META = {
        id: "option-result-misuse",
        languages: [Rust],
        severity: Error,
        severity_by_finding: "error for an `Option` method called on a `Result` or a `Result` method on an `Option`, which does not compile; warning for a discarded error (a database write's among them) and for `.unwrap()` on a `Result` in production code",
        summary: "Option methods called on a Result and Result methods on an Option (with the signature that proves it), discarded errors, and unwrap on a Result in production code",
        fix: Safe,
    }
}

#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
struct Options {
    cargo_home: Option<String>,
    discarded: bool,
    unwrap: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            cargo_home: None,
            discarded: true,
            unwrap: true,
        }
    }
}

pub struct OptionResultMisuse {
    options: Options,
    cargo_home: CargoHome,
}

impl OptionResultMisuse {
    pub fn build(options: &RuleOptions) -> Result<Box<dyn Rule>, ConfigError> {
        let mut parsed: Options = options.parse()?;
        Ok(Box::new(OptionResultMisuse {
            cargo_home: CargoHome::new(parsed.cargo_home.take(), options.config_dir()),
            options: parsed,
        }))
    }
}

/// `Option` methods that `Result` does not have.
const OPTION_ONLY: &[&str] = &[
    "ok_or",
    "ok_or_else",
    "filter",
    "zip",
    "xor",
    "take",
    "take_if",
    "replace",
    "insert",
    "get_or_insert",
    "get_or_insert_with",
    "get_or_insert_default",
    "is_some",
    "is_none",
    "is_some_and",
    "is_none_or",
    "unzip",
];

/// `Result` methods that `Option` does not have.
const RESULT_ONLY: &[&str] = &[
    "map_err",
    "ok",
    "err",
    "unwrap_err",
    "expect_err",
    "is_ok",
    "is_err",
    "is_ok_and",
    "is_err_and",
    "inspect_err",
    "into_ok",
];

impl Rule for OptionResultMisuse {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn reads_crate_index(&self) -> bool {
        true
    }

    fn check_rust(&self, ctx: &RustContext<'_>, out: &mut Vec<Diagnostic>) {
        let tree = ctx.tree.syntax();
        let calls: Vec<ast::MethodCallExpr> = tree
            .descendants()
            .filter_map(ast::MethodCallExpr::cast)
            .filter(|c| c.name_ref().is_some_and(|n| worth_checking(n.text())))
            .collect();
        let discards: Vec<ast::LetStmt> = tree
            .descendants()
            .filter_map(ast::LetStmt::cast)
            .filter(|l| matches!(l.pat(), Some(ast::Pat::WildcardPat(_))) && l.ty().is_none())
            .collect();
        // Statements that drop a value: `write.execute(..).await;`, `write.ok();`.
        let statements: Vec<ast::Expr> = tree
            .descendants()
            .filter_map(ast::ExprStmt::cast)
            .filter(|s| s.semicolon_token().is_some())
            .filter_map(|s| s.expr())
            .filter(|e| matches!(e, ast::Expr::AwaitExpr(_) | ast::Expr::MethodCallExpr(_)))
            .collect();
        if calls.is_empty() && discards.is_empty() && statements.is_empty() {
            return;
        }
        let project = ctx.project;
        let path = prodlint_core::normalize(&project.cwd, &ctx.file.path);
        let index = CrateIndex::for_file(project, &path);
        let std = project.index::<StdApi>(&());
        let root = crate_key(project, &path);
        let deps = DepKey::for_root(project, &root, self.cargo_home.get(&project.cwd)).map(|key| {
            let locked = project.index::<LockedCrates>(&key);
            Deps { key, locked }
        });
        let file_scope = index.file_scope(&path, ctx.tree);
        let env = Env {
            project,
            index: &index,
            std: &std,
            deps: deps.as_ref(),
            file_scope: &file_scope,
            scopes: Default::default(),
        };
        let mut labels = Labels { ctx, path };
        let production = !ctx.is_test_file && !ctx.is_tooling_file;
        for call in &calls {
            let Some(name) = call.name_ref().map(|n| n.text().to_string()) else {
                continue;
            };
            let Some(receiver) = call.receiver() else {
                continue;
            };
            let Some(fact) = env.infer(&receiver) else {
                continue;
            };
            let Some(shape) = fact.ty.shape() else {
                continue;
            };
            let arity = closure_arity(call);
            let wrong = match (shape, name.as_str()) {
                ("Result", n) if OPTION_ONLY.contains(&n) => true,
                ("Option", n) if RESULT_ONLY.contains(&n) => true,
                ("Result", "or_else" | "unwrap_or_else") => arity == Some(0),
                ("Option", "or_else" | "unwrap_or_else") => arity == Some(1),
                _ => false,
            };
            if wrong {
                out.push(wrong_method(
                    &mut labels,
                    call,
                    &name,
                    &receiver,
                    shape,
                    &fact,
                ));
                continue;
            }
            if !production || is_in_test_code(call.syntax()) || shape != "Result" {
                continue;
            }
            let statement = call
                .syntax()
                .parent()
                .and_then(ast::ExprStmt::cast)
                .is_some();
            if name == "ok" && statement && env.db_write(&receiver).is_some() {
                continue; // reported as a discarded database write, with the statements
            }
            if name == "ok"
                && statement
                && self.options.discarded
                && no_args(call)
                && !best_effort(&receiver)
                && !constant_setter(&receiver)
                && !waits_on_watch(&fact)
                && !in_drop(call.syntax())
                && !on_the_way_out(call.syntax())
                && !never_fails(project, &fact)
            {
                out.push(discarded(
                    &mut labels,
                    call.syntax().text_range(),
                    &receiver,
                    &fact,
                    "`.ok()` throws it away",
                ));
            } else if name == "unwrap"
                && self.options.unwrap
                && !fact.lock
                && !in_start_up(call.syntax())
                && !constant_input(&receiver)
                && !constant_setter(&receiver)
                && !builds_runtime(&fact)
                && !serializes_into_memory(&fact)
                && !since_the_epoch(&receiver)
                && !checked_before(&receiver, call)
                && !unwrap_has_message(&receiver)
                && !prodlint_rust::is_clippy_lint_allowed(call.syntax(), "unwrap_used")
                && !never_fails(project, &fact)
            {
                out.push(unwrap(&mut labels, call, &name, &receiver, &fact));
            }
        }
        if !production || !self.options.discarded {
            return;
        }
        for stmt in discards {
            let Some(init) = stmt.initializer() else {
                continue;
            };
            if is_in_test_code(stmt.syntax())
                || best_effort(&init)
                || in_drop(stmt.syntax())
                || on_the_way_out(stmt.syntax())
            {
                continue;
            }
            if let Some(write) = env.db_write(&init) {
                out.push(discarded_write(
                    &labels,
                    stmt.syntax().text_range(),
                    &init,
                    &write,
                    "`let _ =` drops the `Result`",
                ));
                continue;
            }
            let Some(fact) = env.infer(&init) else {
                continue;
            };
            if fact.ty.shape() != Some("Result")
                || constant_setter(&init)
                || waits_on_watch(&fact)
                || never_fails(project, &fact)
            {
                continue;
            }
            out.push(discarded(
                &mut labels,
                stmt.syntax().text_range(),
                &init,
                &fact,
                "`let _ =` drops the `Result`",
            ));
        }
        for expr in statements {
            if is_in_test_code(expr.syntax()) || in_drop(expr.syntax()) {
                continue;
            }
            let (write_expr, how) = match &expr {
                ast::Expr::MethodCallExpr(m)
                    if m.name_ref().is_some_and(|n| n.text() == "ok") && no_args(m) =>
                {
                    let Some(receiver) = m.receiver() else {
                        continue;
                    };
                    (receiver, "`.ok()` throws it away")
                }
                other => (other.clone(), "the statement drops the `Result`"),
            };
            if best_effort(&write_expr) {
                continue;
            }
            if let Some(write) = env.db_write(&write_expr) {
                out.push(discarded_write(
                    &labels,
                    expr.syntax().text_range(),
                    &write_expr,
                    &write,
                    how,
                ));
            }
        }
    }
}

/// Calls whose failure is routinely harmless, so that ignoring it is the idiom: a channel
/// send fails only when the receiver is gone, a `OnceCell::set` or a process-wide default
/// (rustls' `install_default`, a logger's or tracing subscriber's `try_init`,
/// `set_global_default`, `set_logger`) only when one is already set, which libraries and
/// helpers called more than once rely on, cleanup (`remove_file`, `disable_raw_mode`) when
/// there is nothing left to clean, a transaction's `rollback` (called on the way out of a
/// failure that is already being reported; the database rolls back a dropped transaction
/// anyway), `dotenv()`, whose error is the usual case where no `.env` file is deployed,
/// and a datagram's `send_to`, which the protocol over UDP expects to lose now and then
/// (the peer asks again).
const BEST_EFFORT: &[&str] = &[
    "rollback",
    "dotenv",
    "send",
    "send_to",
    "try_send",
    "blocking_send",
    "send_replace",
    "send_async",
    "send_timeout",
    "set",
    "install_default",
    "try_init",
    "set_global_default",
    "set_logger",
    "set_boxed_logger",
    "remove_file",
    "remove_dir",
    "remove_dir_all",
    "disable_raw_mode",
    "flush",
    "shutdown",
    "kill",
];

fn best_effort(expr: &ast::Expr) -> bool {
    let mut current = expr.clone();
    loop {
        let next = match &current {
            ast::Expr::AwaitExpr(a) => a.expr(),
            ast::Expr::ParenExpr(p) => p.expr(),
            ast::Expr::MethodCallExpr(m) => {
                if logs_error(m) || reaps_killed(m) {
                    return true;
                }
                return m
                    .name_ref()
                    .is_some_and(|n| BEST_EFFORT.contains(&n.text()));
            }
            ast::Expr::CallExpr(c) => {
                let Some(ast::Expr::PathExpr(p)) = c.expr() else {
                    return false;
                };
                let last = p
                    .path()
                    .and_then(|p| p.segment())
                    .and_then(|s| s.name_ref());
                // `dotenvy::from_path(..)`, `dotenv::from_filename(..)`: every loader of a
                // `.env` file, whose absence is the deployed case.
                let first = p.path().and_then(|p| p.first_segment()?.name_ref());
                return last.is_some_and(|n| BEST_EFFORT.contains(&n.text()))
                    || first.is_some_and(|n| matches!(n.text(), "dotenv" | "dotenvy"));
            }
            _ => return false,
        };
        match next {
            Some(n) => current = n,
            None => return false,
        }
    }
}

/// `consume_token(..).await.ok(); return Err(e);`: on the way out of a failure, a cleanup's
/// own error adds nothing to the one the function returns, as with a transaction's
/// rollback. The statement must be followed, in its block, by `return Err(..)` or a tail
/// `Err(..)`.
fn on_the_way_out(node: &prodlint_rust::ra_ap_syntax::SyntaxNode) -> bool {
    let Some(stmt) = node
        .ancestors()
        .find(|n| ast::ExprStmt::can_cast(n.kind()) || ast::LetStmt::can_cast(n.kind()))
    else {
        return false;
    };
    let Some(list) = stmt.parent().and_then(ast::StmtList::cast) else {
        return false;
    };
    let later_return = stmt
        .siblings(prodlint_rust::ra_ap_syntax::Direction::Next)
        .skip(1)
        .filter_map(ast::ExprStmt::cast)
        .filter_map(|s| s.expr())
        .any(|e| returns_err(&e));
    later_return
        || list
            .tail_expr()
            .is_some_and(|e| returns_err(&e) || is_err_call(&e))
}

fn returns_err(expr: &ast::Expr) -> bool {
    matches!(expr, ast::Expr::ReturnExpr(r) if r.expr().is_some_and(|e| is_err_call(&e)))
}

fn is_err_call(expr: &ast::Expr) -> bool {
    matches!(expr, ast::Expr::CallExpr(c)
        if matches!(c.expr(), Some(ast::Expr::PathExpr(p)) if p.syntax().text() == "Err"))
}

/// `let _ = child.kill(); let _ = child.wait();`: waiting for a child just killed only
/// reaps it, and there is nothing to do if that fails.
fn reaps_killed(call: &ast::MethodCallExpr) -> bool {
    if !call
        .name_ref()
        .is_some_and(|n| matches!(n.text(), "wait" | "try_wait"))
    {
        return false;
    }
    let Some(receiver) = call.receiver() else {
        return false;
    };
    called_before(&receiver, call, &["kill()", "start_kill()"])
}

/// Macros that report an error where someone will see it.
const LOG_MACROS: &[&str] = &[
    "error", "warn", "info", "debug", "trace", "event", "eprintln", "println", "log",
];

/// `.map_err(|e| { warn!(..); e })` or `.inspect_err(|e| error!(..))`: the error is logged
/// before it is dropped, which is handling it. A project's own logging macros count when a
/// word of their name is one of the log macros' (`debug_warn!`, `log_error!`). An
/// `.inspect_err(..)` exists only for what it does with the error, so any call or macro in
/// its closure (`metrics::record(&e)`, `report(&e)`) counts; `.map_err(..)` also converts,
/// and counts only with a log macro.
fn logs_error(call: &ast::MethodCallExpr) -> bool {
    let Some(method) = call.name_ref() else {
        return false;
    };
    let inspects = match method.text() {
        "inspect_err" => true,
        "map_err" => false,
        _ => return false,
    };
    let Some(ast::Expr::ClosureExpr(closure)) = call.arg_list().and_then(|a| a.args().next())
    else {
        return false;
    };
    let Some(body) = closure.body() else {
        return false;
    };
    body.syntax().descendants().any(|node| {
        if let Some(mac) = ast::MacroCall::cast(node.clone()) {
            let name = mac.path().and_then(|p| p.segment()?.name_ref());
            inspects || name.is_some_and(|n| is_log_macro(n.text()))
        } else {
            inspects
                && (ast::CallExpr::can_cast(node.kind())
                    || ast::MethodCallExpr::can_cast(node.kind()))
        }
    })
}

fn is_log_macro(name: &str) -> bool {
    name.split('_').any(|word| LOG_MACROS.contains(&word))
}

/// `.context("no object output").unwrap()`: anyhow's or eyre's context is the panic's
/// message, as `.expect("why")` gives it; so is an error mapped to a written message
/// (`.map_err(|_| format!("cannot create {path}"))`, `.ok_or("no segments")`). And
/// `.ok_or_else(|| panic!("no segments"))` panics itself, with its message, before the
/// `unwrap` could.
fn unwrap_has_message(receiver: &ast::Expr) -> bool {
    let ast::Expr::MethodCallExpr(m) = receiver else {
        return false;
    };
    let Some(name) = m.name_ref() else {
        return false;
    };
    let first_arg = m.arg_list().and_then(|a| a.args().next());
    let closure_body = || match &first_arg {
        Some(ast::Expr::ClosureExpr(c)) => c.body(),
        _ => None,
    };
    match name.text() {
        "context" | "with_context" | "wrap_err" | "wrap_err_with" => true,
        "map_err" | "ok_or_else" => closure_body().is_some_and(|body| is_message(&body)),
        "ok_or" => first_arg.is_some_and(|arg| is_message(&arg)),
        _ => false,
    }
}

/// A written message (`"no segments"`, `format!(..)`, `"..".to_string()`), or a macro that
/// panics with one (`panic!`, `unreachable!`).
fn is_message(expr: &ast::Expr) -> bool {
    match expr {
        ast::Expr::Literal(l) => matches!(l.kind(), ast::LiteralKind::String(_)),
        ast::Expr::BlockExpr(b) => b.stmt_list().is_some_and(|l| {
            l.statements().next().is_none() && l.tail_expr().is_some_and(|e| is_message(&e))
        }),
        ast::Expr::MacroExpr(m) => m
            .macro_call()
            .and_then(|c| c.path()?.segment()?.name_ref())
            .is_some_and(|n| matches!(n.text(), "format" | "panic" | "unreachable")),
        ast::Expr::MethodCallExpr(m) => {
            m.name_ref()
                .is_some_and(|n| matches!(n.text(), "to_string" | "to_owned" | "into"))
                && m.receiver().is_some_and(|r| is_message(&r))
        }
        _ => false,
    }
}

/// Inside `impl Drop`: there is no caller to give an error to.
fn in_drop(node: &prodlint_rust::ra_ap_syntax::SyntaxNode) -> bool {
    node.ancestors().filter_map(ast::Impl::cast).any(|i| {
        i.trait_()
            .is_some_and(|t| t.syntax().text().to_string().ends_with("Drop"))
    })
}

/// `if r.is_err() { return …; } let v = r.unwrap();`: a binding tested before it is
/// unwrapped (the test's text in the same function, before the call).
fn checked_before(receiver: &ast::Expr, call: &ast::MethodCallExpr) -> bool {
    matches!(receiver, ast::Expr::PathExpr(_))
        && (called_before(receiver, call, &["is_err()", "is_ok()"])
            || matched_err_before(receiver, call))
}

/// `if let Err(e) = r { return …; } let v = r.unwrap();`: the binding's error is matched
/// on a line of the same function before the call (the text `if let Err(…) = r {`).
fn matched_err_before(receiver: &ast::Expr, call: &ast::MethodCallExpr) -> bool {
    let tested = format!(") = {} {{", receiver.syntax().text());
    text_before(call).is_some_and(|before| {
        before.lines().any(|line| {
            line.find("if let Err(")
                .is_some_and(|at| line[at..].contains(&tested))
        })
    })
}

/// Whether the text of `receiver.method()`, for one of `methods`, comes before `call` in
/// its function.
fn called_before(receiver: &ast::Expr, call: &ast::MethodCallExpr, methods: &[&str]) -> bool {
    let name = receiver.syntax().text().to_string();
    text_before(call).is_some_and(|before| {
        methods
            .iter()
            .any(|m| before.contains(&format!("{name}.{m}")))
    })
}

/// The text of the function around `call`, up to the call.
fn text_before(call: &ast::MethodCallExpr) -> Option<String> {
    let body = call.syntax().ancestors().find_map(ast::Fn::cast)?;
    let start = body.syntax().text_range().start();
    let end = call.syntax().text_range().start();
    let mut text = body.syntax().text().to_string();
    text.truncate(usize::from(end - start));
    Some(text)
}

fn worth_checking(name: &str) -> bool {
    OPTION_ONLY.contains(&name)
        || RESULT_ONLY.contains(&name)
        || matches!(name, "or_else" | "unwrap_or_else" | "unwrap")
}

fn no_args(call: &ast::MethodCallExpr) -> bool {
    call.arg_list().is_none_or(|a| a.args().next().is_none())
}

/// Start-up code, where a panic is an exit with a message: inside `fn main`, or in the
/// initializer of a `static` (`LazyLock::new(|| ..)`, `Lazy::new`), which runs once, on the
/// first use, and cannot hold an error for later: a key or setting read there is checked by
/// the first request of every run, and a program that forces it in `main` fails at start.
fn in_start_up(node: &prodlint_rust::ra_ap_syntax::SyntaxNode) -> bool {
    node.ancestors().any(|n| {
        ast::Static::can_cast(n.kind())
            || ast::Fn::cast(n).is_some_and(|f| f.name().is_some_and(|n| n.text() == "main"))
    })
}

/// The files that labels point into.
struct Labels<'c, 'a> {
    ctx: &'c RustContext<'a>,
    path: PathBuf,
}

impl Labels<'_, '_> {
    fn file(&self, path: &Path) -> Option<Arc<SourceFile>> {
        if path == self.path {
            return Some(Arc::clone(self.ctx.file));
        }
        self.ctx.project.source_file(path)
    }

    /// The fact's source as a phrase, and a label at it.
    fn proof(&self, d: Diagnostic, fact: &Fact, shape: &str) -> (Diagnostic, String) {
        let Some(proof) = &fact.proof else {
            return (d, String::new());
        };
        match proof {
            Proof::Workspace {
                file, span, what, ..
            } => {
                let phrase = format!("{what} returns `{shape}`");
                let d = match self.file(file) {
                    Some(f) => {
                        let ty = f
                            .text
                            .get(span.start as usize..span.end as usize)
                            .unwrap_or("");
                        let message = if ty.is_empty() || !ty.contains(shape) {
                            phrase.clone()
                        } else {
                            format!("{what}: `{ty}`")
                        };
                        d.with_label(&f, *span, message)
                    }
                    None => d,
                };
                (d, phrase)
            }
            Proof::Std { what } => (d, format!("std: {what} returns `{shape}`")),
            Proof::Dep {
                krate,
                version,
                what,
                file,
                line,
                ret_text,
            } => {
                let phrase = format!("{krate} {version}: {what} returns `{shape}`");
                let d = match self.file(file) {
                    Some(f) => {
                        let start = f
                            .text
                            .split_inclusive('\n')
                            .take(line.saturating_sub(1) as usize)
                            .map(str::len)
                            .sum::<usize>();
                        let len = f.text[start..].find('\n').unwrap_or(f.text.len() - start);
                        let trimmed = f.text[start..start + len].trim_start();
                        let start = start + (len - trimmed.len());
                        let end = start + trimmed.trim_end().len();
                        d.with_label(
                            &f,
                            Span::new(start as u32, end as u32),
                            format!("{krate} {version}: `-> {ret_text}`"),
                        )
                    }
                    None => d,
                };
                (d, phrase)
            }
            Proof::Written { span, what } => {
                let d = d.with_label(self.ctx.file, *span, what.clone());
                (d, what.clone())
            }
            Proof::Combinator { what } => (d, what.clone()),
        }
    }
}

fn article(shape: &str) -> &'static str {
    if shape == "Option" {
        "an `Option`"
    } else {
        "a `Result`"
    }
}

fn snippet(expr: &ast::Expr) -> String {
    // Without comments: `// …` would swallow the rest of the one line.
    let text: String = expr
        .syntax()
        .descendants_with_tokens()
        .filter_map(|e| e.into_token())
        .filter(|t| t.kind() != SyntaxKind::COMMENT)
        .map(|t| t.text().to_string())
        .collect();
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let one_line = one_line.replace(" .", ".");
    if one_line.chars().count() > 48 {
        let cut: String = one_line.chars().take(45).collect();
        format!("{cut}…")
    } else {
        one_line
    }
}

fn call_span(call: &ast::MethodCallExpr) -> Span {
    let start = call
        .name_ref()
        .map(|n| n.syntax().text_range().start())
        .unwrap_or_else(|| call.syntax().text_range().start());
    span(TextRange::new(start, call.syntax().text_range().end()))
}

fn wrong_method(
    labels: &mut Labels<'_, '_>,
    call: &ast::MethodCallExpr,
    name: &str,
    receiver: &ast::Expr,
    shape: &str,
    fact: &Fact,
) -> Diagnostic {
    let file = labels.ctx.file;
    let other = if shape == "Result" {
        "Option"
    } else {
        "Result"
    };
    let what = snippet(receiver);
    let arity = closure_arity(call);
    let message = if matches!(name, "or_else" | "unwrap_or_else") {
        let wants = if shape == "Result" {
            "a closure that takes the error (`|e| …`)"
        } else {
            "a closure without arguments (`|| …`)"
        };
        format!(
            "`{what}` is {}, whose `.{name}()` takes {wants}: this does not compile",
            article(shape)
        )
    } else {
        format!(
            "`.{name}()` is a method of `{other}`, but `{what}` is {}: this does not compile",
            article(shape)
        )
    };
    let d = Diagnostic::new(META.id, Severity::Error, file, call_span(call), message);
    let (mut d, phrase) = labels.proof(d, fact, shape);
    if !phrase.is_empty() {
        d.message = format!("{} ({phrase})", d.message);
    }
    let fix = fix_for(file, call, name, shape, arity);
    let help = match (shape, name) {
        ("Result", "ok_or" | "ok_or_else") => {
            "a `Result` already carries an error: replace it with `.map_err(|_| …)` (or keep it: `.map_err(|e| …)`)".to_string()
        }
        ("Option", "map_err") => "an `Option` has no error to map: make one with `.ok_or_else(|| …)`".to_string(),
        ("Option", "ok") => "an `Option` is already what `.ok()` would give: remove `.ok()`".to_string(),
        ("Result", "is_some" | "is_none") => "use `.is_ok()` / `.is_err()` on a `Result`".to_string(),
        ("Option", "is_ok" | "is_err") => "use `.is_some()` / `.is_none()` on an `Option`".to_string(),
        _ => format!("check the signature: this is a `{shape}`, not an `{other}`"),
    };
    d = d.with_help(help);
    if let Some(fix) = fix {
        d = d.with_fix(fix);
    }
    d
}

/// The edits that turn the call into its counterpart, where the shape of the argument
/// makes it mechanical.
fn fix_for(
    file: &Arc<SourceFile>,
    call: &ast::MethodCallExpr,
    name: &str,
    shape: &str,
    arity: Option<usize>,
) -> Option<Fix> {
    let name_span = span(call.name_ref()?.syntax().text_range());
    let edit = |span: Span, text: &str| Edit {
        file: Arc::clone(file),
        span,
        replacement: text.to_string(),
    };
    let closure = || -> Option<ast::ClosureExpr> {
        match call.arg_list()?.args().next()? {
            ast::Expr::ClosureExpr(c) => Some(c),
            _ => None,
        }
    };
    let params_span = || {
        closure()
            .and_then(|c| c.param_list())
            .map(|p| span(p.syntax().text_range()))
    };
    let (message, edits) = match (shape, name) {
        ("Result", "ok_or_else") if arity == Some(0) => (
            "replace `.ok_or_else(|| …)` with `.map_err(|_| …)`",
            vec![edit(name_span, "map_err"), edit(params_span()?, "|_|")],
        ),
        ("Result", "ok_or") => {
            let arg = call.arg_list()?.args().next()?;
            let arg_span = span(arg.syntax().text_range());
            (
                "replace `.ok_or(e)` with `.map_err(|_| e)`",
                vec![
                    edit(name_span, "map_err"),
                    edit(Span::new(arg_span.start, arg_span.start), "|_| "),
                ],
            )
        }
        ("Option", "map_err") if arity == Some(1) => {
            let c = closure()?;
            let param = c.param_list()?.params().next()?;
            if param.syntax().text() != "_" {
                return None; // the closure uses the error that is not there
            }
            (
                "replace `.map_err(|_| …)` with `.ok_or_else(|| …)`",
                vec![edit(name_span, "ok_or_else"), edit(params_span()?, "||")],
            )
        }
        ("Result", "is_some") => (
            "replace `.is_some()` with `.is_ok()`",
            vec![edit(name_span, "is_ok")],
        ),
        ("Result", "is_none") => (
            "replace `.is_none()` with `.is_err()`",
            vec![edit(name_span, "is_err")],
        ),
        ("Option", "is_ok") => (
            "replace `.is_ok()` with `.is_some()`",
            vec![edit(name_span, "is_some")],
        ),
        ("Option", "is_err") => (
            "replace `.is_err()` with `.is_none()`",
            vec![edit(name_span, "is_none")],
        ),
        ("Result", "or_else" | "unwrap_or_else") if arity == Some(0) => (
            "give the closure the error's parameter: `|_|`",
            vec![edit(params_span()?, "|_|")],
        ),
        _ => return None,
    };
    Some(Fix {
        message: message.to_string(),
        applicability: Applicability::Safe,
        edits,
    })
}

fn discarded(
    labels: &mut Labels<'_, '_>,
    at: TextRange,
    expr: &ast::Expr,
    fact: &Fact,
    how: &str,
) -> Diagnostic {
    let message = format!(
        "the error of `{}` is silently discarded: {how}",
        snippet(expr)
    );
    let d = Diagnostic::new(
        META.id,
        Severity::Warning,
        labels.ctx.file,
        span(at),
        message,
    );
    let (d, phrase) = labels.proof(d, fact, "Result");
    let help = "propagate it with `?`, or handle it (`if let Err(error) = … { log it }`); if failing is truly harmless, say why with `// prodlint-ignore option-result-misuse: reason`";
    d.with_help(if phrase.is_empty() {
        help.to_string()
    } else {
        format!("{phrase}; {help}")
    })
}

fn discarded_write(
    labels: &Labels<'_, '_>,
    at: TextRange,
    expr: &ast::Expr,
    write: &DbWrite,
    how: &str,
) -> Diagnostic {
    let message = format!(
        "the error of a database {} is silently discarded: `{}` runs {}'s `{}`, and {how}",
        write.kind,
        snippet(expr),
        write.lib,
        write.write,
    );
    Diagnostic::new(
        META.id,
        Severity::Warning,
        labels.ctx.file,
        span(at),
        message,
    )
    .with_help(
        "when the write fails, the data is not there and nothing says so: propagate the error with `?`, or handle it (`if let Err(error) = … { log it, retry or report it }`)",
    )
}

fn unwrap(
    labels: &mut Labels<'_, '_>,
    call: &ast::MethodCallExpr,
    name: &str,
    receiver: &ast::Expr,
    fact: &Fact,
) -> Diagnostic {
    let message = format!(
        "`.{name}()` on the `Result` of `{}` panics on an error, in production code",
        snippet(receiver)
    );
    let d = Diagnostic::new(
        META.id,
        Severity::Warning,
        labels.ctx.file,
        call_span(call),
        message,
    );
    let (d, phrase) = labels.proof(d, fact, "Result");
    let help = "return the error with `?` (add context with `.map_err(..)` or anyhow's `.context(..)`), or handle it; keep `.expect(\"why this cannot fail\")` only for real invariants";
    d.with_help(if phrase.is_empty() {
        help.to_string()
    } else {
        format!("{phrase}; {help}")
    })
}
