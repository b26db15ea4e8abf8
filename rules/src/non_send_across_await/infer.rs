//! Just enough local type inference to know what a binding holds: written types, the
//! constructors of known wrappers (`Rc::new(..)`), struct literals, field accesses through
//! `self`, the lock and borrow methods (`.lock().unwrap()`, `.borrow_mut()`,
//! `.lock().await`), and the return types of the functions and methods that calls reach:
//! the workspace's (through module paths and `use` aliases, with the impl's type arguments)
//! and the locked dependencies' (read from their sources). Anything else is unknown, and
//! unknown means silent.

use std::cell::RefCell;
use std::collections::HashMap;

use prodlint_rust::auto_traits::{DepSources, KnownTypes};
use prodlint_rust::crate_index::{CrateIndex, FnSig, Item};
use prodlint_rust::deps::{dep_free_fns, dep_methods, DepFn};
use prodlint_rust::ra_ap_syntax::ast::{self, HasArgList};
use prodlint_rust::ra_ap_syntax::{AstNode, SyntaxNode, TextRange, TextSize};
use prodlint_rust::types::{binding_pat, path_segments, PathTy, Scope, Ty};

/// A `let` binding or a parameter with the type we know for it.
#[derive(Debug, Clone)]
pub struct Binding {
    pub name: String,
    /// Where the binding is introduced (its pattern).
    pub range: TextRange,
    /// Uses after this offset see it (the end of its `let` statement).
    pub visible_from: TextSize,
    pub ty: Ty,
}

pub struct Env<'a> {
    pub scope: Scope,
    pub index: &'a CrateIndex,
    pub known: &'a KnownTypes,
    /// The locked dependencies, when the workspace has a `Cargo.lock`.
    pub deps: Option<DepSources<'a>>,
    pub bindings: Vec<Binding>,
    /// What `infer` gave each expression, with the bindings there were (they are only
    /// appended to): a method chain's links each infer their receiver more than once
    /// (`x.lock()` as a std lock, then as a method of its type), which without this is
    /// exponential in the chain's length.
    pub inferred: RefCell<HashMap<(SyntaxNode, usize), Option<Ty>>>,
}

/// What a call returns, and whether it is an `async fn` (then `.await` gives it).
#[derive(Debug, Clone, PartialEq)]
struct Returns {
    ty: Ty,
    is_async: bool,
}

/// The one return type that every definition of a function agrees on (definitions under
/// alternative `#[cfg]`s may not): `None` for `()`, generic or unknown results.
fn agreed(returns: impl Iterator<Item = Option<Returns>>) -> Option<Returns> {
    let mut out: Option<Returns> = None;
    for r in returns {
        let r = r?;
        if matches!(r.ty, Ty::Opaque | Ty::Param(_)) {
            return None;
        }
        match &out {
            None => out = Some(r),
            Some(first) if *first == r => {}
            Some(_) => return None,
        }
    }
    out
}

fn of_sigs<'s>(sigs: impl IntoIterator<Item = &'s FnSig>, self_args: &[Ty]) -> Option<Returns> {
    agreed(sigs.into_iter().map(|s| {
        Some(Returns {
            ty: s.ret_for(self_args)?,
            is_async: s.is_async,
        })
    }))
}

fn of_deps(defs: &[DepFn]) -> Option<Returns> {
    agreed(defs.iter().map(|d| {
        Some(Returns {
            ty: d.ret_ty()?,
            is_async: d.is_async,
        })
    }))
}

fn std_path(path: &str, args: Vec<Ty>) -> Ty {
    Ty::Path(PathTy {
        path: path.to_string(),
        relative: None,
        local: false,
        args,
    })
}

/// Constructors that return the type they are called on.
const CONSTRUCTORS: &[&str] = &[
    "new",
    "default",
    "from",
    "new_cyclic",
    "with_capacity",
    "pin",
];

impl<'a> Env<'a> {
    pub fn lookup(&self, name: &str, at: TextSize) -> Option<&Binding> {
        self.bindings
            .iter()
            .rev()
            .find(|b| b.name == name && b.visible_from <= at)
    }

    /// The type a field access on `ty` reaches, through references and smart pointers.
    pub fn field(&self, ty: &Ty, name: &str) -> Option<Ty> {
        let ty = self.deref_all(ty);
        let Ty::Path(p) = &ty else { return None };
        match self.index.item(p)? {
            Item::Adt(adt) => {
                let field = adt.fields.iter().find(|f| f.name == name)?;
                Some(field.ty.substitute(&adt.generics, &p.args))
            }
            Item::Alias(alias) => {
                let expanded = alias.ty.substitute(&alias.generics, &p.args);
                self.field(&expanded, name)
            }
        }
    }

    /// Strips references, `Box`, `Arc`, `Rc`, `Pin` and aliases: what method calls and field
    /// accesses see.
    pub fn deref_all(&self, ty: &Ty) -> Ty {
        let mut current = ty.clone();
        for _ in 0..16 {
            current = match &current {
                Ty::Ref { inner, .. } => (**inner).clone(),
                Ty::Path(p) => {
                    let wrapper = matches!(
                        p.path.as_str(),
                        "std::boxed::Box" | "std::sync::Arc" | "std::rc::Rc" | "std::pin::Pin"
                    );
                    if wrapper {
                        match p.args.first() {
                            Some(arg) => arg.clone(),
                            None => return Ty::Opaque,
                        }
                    } else if let Some(Item::Alias(alias)) = self.index.item(p) {
                        alias.ty.substitute(&alias.generics, &p.args)
                    } else {
                        return current;
                    }
                }
                _ => return current,
            };
        }
        current
    }

    pub fn infer(&self, expr: &ast::Expr) -> Option<Ty> {
        let key = (expr.syntax().clone(), self.bindings.len());
        if let Some(known) = self.inferred.borrow().get(&key) {
            return known.clone();
        }
        let ty = self.infer_uncached(expr);
        self.inferred.borrow_mut().insert(key, ty.clone());
        ty
    }

    fn infer_uncached(&self, expr: &ast::Expr) -> Option<Ty> {
        match expr {
            ast::Expr::ParenExpr(e) => self.infer(&e.expr()?),
            ast::Expr::PathExpr(p) => {
                let path = p.path()?;
                let segments = path_segments(&path);
                if segments.len() != 1 {
                    return None;
                }
                self.lookup(&segments[0], expr.syntax().text_range().start())
                    .map(|b| b.ty.clone())
            }
            ast::Expr::RefExpr(r) => Some(Ty::Ref {
                mutable: r.mut_token().is_some(),
                inner: Box::new(self.infer(&r.expr()?)?),
            }),
            ast::Expr::FieldExpr(f) => {
                let receiver = self.infer(&f.expr()?)?;
                self.field(&receiver, f.name_ref()?.text().as_ref())
            }
            ast::Expr::TryExpr(t) => self.infer(&t.expr()?)?.success().cloned(),
            ast::Expr::RecordExpr(r) => Some(self.scope.path_ty(&r.path()?)),
            ast::Expr::CallExpr(call) => self.infer_call(call),
            ast::Expr::MethodCallExpr(call) => self.infer_method(call),
            ast::Expr::AwaitExpr(a) => self.infer_await(a),
            _ => None,
        }
    }

    fn infer_call(&self, call: &ast::CallExpr) -> Option<Ty> {
        if let Some(ty) = self.infer_constructor(call) {
            return Some(ty);
        }
        self.call_returns(call)
            .filter(|r| !r.is_async)
            .map(|r| r.ty)
    }

    /// What the function a call's path names returns: a free function of the workspace, an
    /// associated function of a workspace type, or a free function of a locked dependency.
    fn call_returns(&self, call: &ast::CallExpr) -> Option<Returns> {
        let ast::Expr::PathExpr(callee) = call.expr()? else {
            return None;
        };
        let path = callee.path()?;
        let segments = path_segments(&path);
        if let [name] = segments.as_slice() {
            // A closure or a fn pointer in a local.
            if self.is_local(name, call.syntax()) {
                return None;
            }
        }
        if let Some(qualifier) = path.qualifier() {
            if let Ty::Path(owner) = self.scope.path_ty(&qualifier) {
                if let Some(Item::Adt(adt)) = self.index.item(&owner) {
                    let method = segments.last()?;
                    let sigs = self.index.method_candidates(&adt.path, method, false);
                    return of_sigs(sigs, &owner.args);
                }
            }
        }
        let resolved = self.scope.resolve(&segments);
        if let Some(sigs) = self.index.free_fn(&resolved) {
            return of_sigs(sigs, &[]);
        }
        if resolved.local {
            return None;
        }
        let deps = self.deps.as_ref()?;
        let (lib, _) = resolved.path.split_once("::")?;
        if !self.is_dependency(lib) {
            return None;
        }
        let defs = dep_free_fns(deps.project, &deps.key, lib, segments.last()?);
        of_deps(&defs)
    }

    /// What a method of a workspace type or of a locked dependency's type returns.
    fn method_returns(&self, call: &ast::MethodCallExpr) -> Option<Returns> {
        let name = call.name_ref()?.text().to_string();
        let receiver = self.deref_all(&self.infer(&call.receiver()?)?);
        let Ty::Path(p) = &receiver else { return None };
        if let Some(item) = self.index.item(p) {
            let Item::Adt(adt) = item else { return None };
            return of_sigs(
                self.index.method_candidates(&adt.path, &name, true),
                &p.args,
            );
        }
        self.dep_method_returns(p, &name, true)
    }

    /// The type of a value made by an associated function of a locked dependency's type
    /// (`ThreadPool::new()`, or a `let` binding of it): asked only where a method's
    /// parameter bounds matter, since reading every constructor's signature from the
    /// sources costs a parse of each dependency file defining one of that name.
    pub fn dep_constructed(&self, expr: &ast::Expr) -> Option<Ty> {
        let call = match expr {
            ast::Expr::CallExpr(call) => call.clone(),
            ast::Expr::PathExpr(p) => {
                let name = p.path()?.as_single_name_ref()?.text().to_string();
                let pat = binding_pat(&name, p.syntax())?;
                let stmt = pat.syntax().parent().and_then(ast::LetStmt::cast)?;
                match stmt.initializer()? {
                    ast::Expr::CallExpr(call) => call,
                    _ => return None,
                }
            }
            _ => return None,
        };
        let ast::Expr::PathExpr(callee) = call.expr()? else {
            return None;
        };
        let path = callee.path()?;
        let Ty::Path(owner) = self.scope.path_ty(&path.qualifier()?) else {
            return None;
        };
        let name = path.segment()?.name_ref()?.text().to_string();
        self.dep_method_returns(&owner, &name, false)
            .filter(|r| !r.is_async)
            .map(|r| r.ty)
    }

    /// What a method (`has_self`) or associated function of a locked dependency's type
    /// returns, read from its sources (`Self` is that type).
    fn dep_method_returns(&self, owner: &PathTy, name: &str, has_self: bool) -> Option<Returns> {
        let deps = self.deps.as_ref()?;
        let (lib, _) = owner.path.split_once("::")?;
        if !self.is_dependency(lib) || owner.local || self.index.item(owner).is_some() {
            return None;
        }
        let type_name = owner.path.rsplit("::").next()?;
        of_deps(&dep_methods(
            deps.project,
            &deps.key,
            &deps.locked,
            lib,
            type_name,
            name,
            has_self,
        ))
    }

    /// A library name of a locked registry crate, not std nor a crate of the workspace.
    fn is_dependency(&self, lib: &str) -> bool {
        lib != "std"
            && !prodlint_rust::crate_index::is_workspace_crate(&self.index.crate_names, lib)
            && self.deps.as_ref().is_some_and(|d| d.locked.is_locked(lib))
    }

    /// Whether `name` is a local binding (a parameter, a `let`, a closure's parameter)
    /// where `node` uses it.
    fn is_local(&self, name: &str, node: &SyntaxNode) -> bool {
        binding_pat(name, node).is_some()
    }

    /// `Rc::new(..)`, `Type::default()`, `Rc::clone(&x)`: constructors of known wrappers
    /// and of workspace types.
    fn infer_constructor(&self, call: &ast::CallExpr) -> Option<Ty> {
        let ast::Expr::PathExpr(callee) = call.expr()? else {
            return None;
        };
        let path = callee.path()?;
        let method = path.segment()?.name_ref()?.text().to_string();
        let qualifier = path.qualifier()?;
        let ty = self.scope.path_ty(&qualifier);
        let Ty::Path(mut p) = ty else { return None };
        let first_arg = call.arg_list().and_then(|a| a.args().next());
        if method == "clone" {
            // `Rc::clone(&x)`
            let arg = self.infer(&first_arg?)?;
            return match arg {
                Ty::Ref { inner, .. } => Some(*inner),
                other => Some(other),
            };
        }
        if !CONSTRUCTORS.contains(&method.as_str()) {
            return None;
        }
        let known = self.known.lookup(&p).is_some();
        let ours = self.index.item(&p).is_some();
        if !known && !ours {
            return None;
        }
        if known && p.args.is_empty() {
            if let Some(arg) = first_arg.filter(|_| method == "new" || method == "pin") {
                p.args = vec![self.infer(&arg).unwrap_or(Ty::Opaque)];
            }
        }
        Some(Ty::Path(p))
    }

    fn infer_method(&self, call: &ast::MethodCallExpr) -> Option<Ty> {
        if let Some(ty) = self.infer_known_method(call) {
            return Some(ty);
        }
        self.method_returns(call)
            .filter(|r| !r.is_async)
            .map(|r| r.ty)
    }

    /// The methods of std's and parking_lot's locks, `RefCell`, `Result` and `Option`.
    fn infer_known_method(&self, call: &ast::MethodCallExpr) -> Option<Ty> {
        let name = call.name_ref()?.text().to_string();
        let receiver_expr = call.receiver()?;
        let no_args = call.arg_list().is_none_or(|a| a.args().next().is_none());
        match name.as_str() {
            "unwrap" | "expect" | "unwrap_or_else" | "unwrap_or_default" => {
                if let Some(guard) = self.unknown_std_lock(&receiver_expr) {
                    return Some(guard);
                }
                self.infer(&receiver_expr)?.success().cloned()
            }
            "lock" | "read" | "write" if no_args => {
                let receiver = self.deref_all(&self.infer(&receiver_expr)?);
                let Ty::Path(lock) = &receiver else {
                    return None;
                };
                let inner = lock.args.first().cloned().unwrap_or(Ty::Opaque);
                let guard = |path: &str| std_path(path, vec![inner.clone()]);
                let result = |path: &str| std_path("std::result::Result", vec![guard(path)]);
                Some(match (lock.path.as_str(), name.as_str()) {
                    ("std::sync::Mutex", "lock") => result("std::sync::MutexGuard"),
                    ("std::sync::RwLock", "read") => result("std::sync::RwLockReadGuard"),
                    ("std::sync::RwLock", "write") => result("std::sync::RwLockWriteGuard"),
                    ("parking_lot::Mutex", "lock") => guard("parking_lot::MutexGuard"),
                    ("parking_lot::FairMutex", "lock") => guard("parking_lot::FairMutexGuard"),
                    ("parking_lot::ReentrantMutex", "lock") => {
                        guard("parking_lot::ReentrantMutexGuard")
                    }
                    ("parking_lot::RwLock", "read") => guard("parking_lot::RwLockReadGuard"),
                    ("parking_lot::RwLock", "write") => guard("parking_lot::RwLockWriteGuard"),
                    _ => return None,
                })
            }
            "borrow" | "borrow_mut" if no_args => {
                let receiver = self.deref_all(&self.infer(&receiver_expr)?);
                let Ty::Path(cell) = &receiver else {
                    return None;
                };
                if cell.path != "std::cell::RefCell" {
                    return None;
                }
                let inner = cell.args.first().cloned().unwrap_or(Ty::Opaque);
                let path = if name == "borrow" {
                    "std::cell::Ref"
                } else {
                    "std::cell::RefMut"
                };
                Some(std_path(path, vec![inner]))
            }
            "clone" if no_args => match self.infer(&receiver_expr)? {
                Ty::Ref { inner, .. } => Some(*inner),
                // Guards do not implement `Clone` as a method (`Ref::clone` is an associated
                // function for this reason): `.clone()` reaches the guarded value through
                // `Deref`, and the guard is a temporary dropped at the end of the statement.
                Ty::Path(p) if is_guard_path(&p.path) => p.args.into_iter().next(),
                other => Some(other),
            },
            _ => None,
        }
    }

    /// `x.lock().unwrap()` (or `.read()`, `.write()`) where `x`'s type is unknown: only
    /// std's locks return a `LockResult` from these, so this is a std guard.
    fn unknown_std_lock(&self, receiver: &ast::Expr) -> Option<Ty> {
        let ast::Expr::MethodCallExpr(call) = receiver else {
            return None;
        };
        let name = call.name_ref()?.text().to_string();
        let no_args = call.arg_list().is_none_or(|a| a.args().next().is_none());
        if !no_args {
            return None;
        }
        let path = match name.as_str() {
            "lock" => "std::sync::MutexGuard",
            "read" => "std::sync::RwLockReadGuard",
            "write" => "std::sync::RwLockWriteGuard",
            _ => return None,
        };
        // A known receiver decides by itself.
        if let Some(ty) = call.receiver().and_then(|r| self.infer(&r)) {
            if !matches!(
                self.deref_all(&ty),
                Ty::Opaque | Ty::Param(_) | Ty::Generic(..)
            ) {
                return None;
            }
        }
        Some(std_path(path, vec![Ty::Opaque]))
    }

    /// `m.lock().await` on an async lock: its guard, which is `Send` when `T` is; a call of
    /// an `async fn` of the workspace or a dependency: what it returns.
    fn infer_await(&self, a: &ast::AwaitExpr) -> Option<Ty> {
        let call = match a.expr()? {
            ast::Expr::MethodCallExpr(call) => call,
            ast::Expr::CallExpr(call) => {
                return self
                    .call_returns(&call)
                    .filter(|r| r.is_async)
                    .map(|r| r.ty);
            }
            _ => return None,
        };
        if let Some(ty) = self.infer_async_lock(&call) {
            return Some(ty);
        }
        self.method_returns(&call)
            .filter(|r| r.is_async)
            .map(|r| r.ty)
    }

    fn infer_async_lock(&self, call: &ast::MethodCallExpr) -> Option<Ty> {
        let name = call.name_ref()?.text().to_string();
        let receiver = self.deref_all(&self.infer(&call.receiver()?)?);
        let Ty::Path(lock) = &receiver else {
            return None;
        };
        let inner = lock.args.first().cloned().unwrap_or(Ty::Opaque);
        let path = match (lock.path.as_str(), name.as_str()) {
            ("tokio::sync::Mutex", "lock") => "tokio::sync::MutexGuard",
            ("tokio::sync::RwLock", "read") => "tokio::sync::RwLockReadGuard",
            ("tokio::sync::RwLock", "write") => "tokio::sync::RwLockWriteGuard",
            _ => return None,
        };
        Some(std_path(path, vec![inner]))
    }
}

/// Lock guards and `RefCell` borrows, whose `.clone()` clones what they guard.
fn is_guard_path(path: &str) -> bool {
    let name = path.rsplit("::").next().unwrap_or(path);
    matches!(
        name,
        "Ref"
            | "RefMut"
            | "MutexGuard"
            | "RwLockReadGuard"
            | "RwLockWriteGuard"
            | "MappedMutexGuard"
            | "ReentrantMutexGuard"
            | "RwLockUpgradableReadGuard"
    )
}
