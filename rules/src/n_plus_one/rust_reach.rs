//! Rust: whether `self.field.method(..)` (or `self.method(..)`) performs a round trip in the
//! method it calls, in whichever file of the crate that method is, following `self.x.y()`
//! and `self.y()` calls on the way: the field's type comes from the crate index (struct
//! fields with resolved types; `Arc`, `Box`, `Rc` and references are looked through) and
//! the method's body from [`MethodBodies`]. Computed on demand, depth first, with the
//! methods on the current path as the cycle guard.

use std::borrow::Cow;
use std::sync::Arc;

use prodlint_core::Project;
use prodlint_rust::crate_index::{Adt, CrateIndex, Item};
use prodlint_rust::method_bodies::MethodBodies;
use prodlint_rust::ra_ap_syntax::ast;
use prodlint_rust::ra_ap_syntax::{AstNode, SyntaxNode};
use prodlint_rust::span;
use prodlint_rust::types::{binding_pat, path_segments, PathTy, Scope, Ty};

use super::reach::MAX_CALL_HOPS;
use super::rust::{access_in, call_at, chain};
use super::{render_chain, Access, Hop, NPlusOne};

/// Wrappers whose methods are the inner type's: `Arc<Store>`, `Box<dyn ..>` (not a
/// struct: unknown), `&'a Store`.
fn unwrap_ty(ty: &Ty) -> Option<&PathTy> {
    match ty {
        Ty::Ref { inner, .. } => unwrap_ty(inner),
        Ty::Path(path) => {
            let last = path.path.rsplit("::").next().unwrap_or("");
            if matches!(last, "Arc" | "Rc" | "Box") {
                path.args.first().and_then(unwrap_ty)
            } else {
                Some(path)
            }
        }
        _ => None,
    }
}

pub(super) struct RustReach<'a> {
    rule: &'a NPlusOne,
    project: &'a Project,
    index: Arc<CrateIndex>,
    scope: Scope,
}

impl<'a> RustReach<'a> {
    pub fn new(
        rule: &'a NPlusOne,
        project: &'a Project,
        path: &std::path::Path,
        tree: &ast::SourceFile,
    ) -> RustReach<'a> {
        let index = CrateIndex::for_file(project, path);
        let scope = index.file_scope(path, tree);
        RustReach {
            rule,
            project,
            index,
            scope,
        }
    }

    fn adt(&self, ty: &PathTy) -> Option<&Adt> {
        match self.index.item(ty)? {
            Item::Adt(adt) => Some(adt),
            Item::Alias(_) => None,
        }
    }

    /// The struct of the `impl` a node is in.
    fn enclosing_adt(&self, node: &SyntaxNode) -> Option<&Adt> {
        let imp = node.ancestors().find_map(ast::Impl::cast)?;
        let ast::Type::PathType(path_type) = imp.self_ty()? else {
            return None;
        };
        let ty = self.scope.path_ty(&path_type.path()?);
        self.adt(ty.path()?)
    }

    /// The round trip a call of the loop at `node` reaches through a function of the
    /// crate, with the calls on the way: `self.store.load(id)`, `self.load(id)`, or a path
    /// (`device_keys::get(&eui)`, `get_user(id, pool)` brought in by `use`,
    /// `crate::storage::get(..)`, `User::find(conn, id)`).
    pub fn call(
        &self,
        node: &SyntaxNode,
        expr: &ast::Expr,
        chain: &super::Chain,
        awaited: bool,
    ) -> Option<(Access, Vec<Hop>)> {
        let mut path = Vec::new();
        if let Some(callee) = path_of_call(expr) {
            let adt = self.enclosing_adt(node);
            let scope = with_local_uses(&self.scope, node);
            return self.by_path(&scope, adt, node, &callee, awaited, &mut path);
        }
        let adt = self.enclosing_adt(node)?;
        self.through(adt, chain, awaited, &mut path)
    }

    /// A function called by its path, written at `node` in `scope` (in an impl of `adt`,
    /// for `Self::f`).
    fn by_path(
        &self,
        scope: &Scope,
        adt: Option<&Adt>,
        node: &SyntaxNode,
        callee: &ast::Path,
        awaited: bool,
        path: &mut Vec<(String, String)>,
    ) -> Option<(Access, Vec<Hop>)> {
        let segments = path_segments(callee);
        let name = segments.last()?;
        if let [only] = segments.as_slice() {
            if binding_pat(only, node).is_some() {
                // A closure or a function pointer the function holds, not the item.
                return None;
            }
        }
        let (owner, sig) = match callee.qualifier() {
            Some(qualifier) if qualifier.syntax().text() == "Self" => {
                let owner = adt?;
                let sig = self.index.method_candidates(&owner.path, name, false);
                (Some(owner), *sig.first()?)
            }
            Some(qualifier) => match scope.path_ty(&qualifier) {
                Ty::Path(ty) if self.adt(&ty).is_some() => {
                    let owner = self.adt(&ty)?;
                    let sig = self.index.method_candidates(&owner.path, name, false);
                    (Some(owner), *sig.first()?)
                }
                _ => (
                    None,
                    self.index.free_fn(&scope.resolve(&segments))?.first()?,
                ),
            },
            None => (
                None,
                self.index.free_fn(&scope.resolve(&segments))?.first()?,
            ),
        };
        let key = (sig.path.clone(), String::new());
        if path.contains(&key) || path.len() >= MAX_CALL_HOPS {
            return None;
        }
        let bodies = self.project.index::<MethodBodies>(&sig.file);
        let function = bodies.of_sig(sig)?;
        if function.is_async && !awaited {
            return None;
        }
        let body = bodies.body(function)?;
        let shown = callee.syntax().text().to_string();
        path.push(key);
        let found = self.in_body(&bodies, &sig.file, &body, owner, &shown, path);
        path.pop();
        found
    }

    /// The round trip a body makes, itself or through a call in it (`self.m()` in a method
    /// of `owner`, a function by path), with a hop at the call that leads there.
    fn in_body(
        &self,
        bodies: &MethodBodies,
        file: &std::path::Path,
        body: &SyntaxNode,
        owner: Option<&Adt>,
        shown: &str,
        path: &mut Vec<(String, String)>,
    ) -> Option<(Access, Vec<Hop>)> {
        if let Some(access) = access_in(self.rule, body, &std::cell::OnceCell::new()) {
            let hop = Hop {
                file: Arc::clone(&bodies.file),
                span: access.span,
                message: format!("`{shown}` calls `{}` here", access.call),
            };
            return Some((access, vec![hop]));
        }
        if path.len() >= MAX_CALL_HOPS {
            return None;
        }
        let scope = std::cell::OnceCell::new();
        for node in body.descendants() {
            let Some((expr, awaited)) = call_at(&node, true) else {
                continue;
            };
            let found = match path_of_call(&expr) {
                Some(callee) => {
                    let scope = scope.get_or_init(|| match bodies.tree() {
                        Some(tree) => self.index.file_scope(file, &tree),
                        None => Scope::default(),
                    });
                    let scope = with_local_uses(scope, &node);
                    self.by_path(&scope, owner, &node, &callee, awaited, path)
                        .map(|(access, hops)| (access, hops, callee.syntax().text().to_string()))
                }
                None => {
                    let inner = chain(&expr);
                    owner
                        .and_then(|owner| self.through(owner, &inner, awaited, path))
                        .map(|(access, hops)| (access, hops, render_chain(&inner)))
                }
            };
            if let Some((access, mut hops, called)) = found {
                hops.insert(
                    0,
                    Hop {
                        file: Arc::clone(&bodies.file),
                        span: span(expr.syntax().text_range()),
                        message: format!("`{shown}` calls `{called}` here"),
                    },
                );
                return Some((access, hops));
            }
        }
        None
    }

    /// `self.m()` or `self.field.m()` on an instance of `adt`.
    fn through(
        &self,
        adt: &Adt,
        call: &super::Chain,
        awaited: bool,
        path: &mut Vec<(String, String)>,
    ) -> Option<(Access, Vec<Hop>)> {
        let (owner, method) = match call.as_slice() {
            [this, method] if this.name == "self" && !this.call && method.call => {
                (adt, &method.name)
            }
            [this, field, method]
                if this.name == "self" && !this.call && !field.call && method.call =>
            {
                let field = adt.fields.iter().find(|f| f.name == field.name)?;
                (self.adt(unwrap_ty(&field.ty)?)?, &method.name)
            }
            _ => return None,
        };
        let key = (owner.path.clone(), method.clone());
        if path.contains(&key) || path.len() >= MAX_CALL_HOPS {
            return None;
        }
        let owner_name = owner.path.rsplit("::").next().unwrap_or(&owner.path);
        let sig_file = self
            .index
            .methods
            .get(method.as_str())?
            .iter()
            .find(|sig| {
                sig.self_ty
                    .as_ref()
                    .and_then(|ty| ty.path())
                    .and_then(|ty| self.adt(ty))
                    .is_some_and(|found| found.path == owner.path)
            })?
            .file
            .clone();
        let bodies = self.project.index::<MethodBodies>(&sig_file);
        let function = bodies.method(owner_name, method)?;
        if function.is_async && !awaited {
            // An async method called without `.await` does nothing yet.
            return None;
        }
        let body = bodies.body(function)?;
        let shown = format!("{owner_name}::{method}");
        path.push(key);
        let found = self.in_body(&bodies, &sig_file, &body, Some(owner), &shown, path);
        path.pop();
        found
    }
}

/// The path a call names, `device_keys::get` in `device_keys::get(&eui)`; `None` for a
/// method call or a call of something else (a closure in a field, `(f)(x)`).
fn path_of_call(expr: &ast::Expr) -> Option<ast::Path> {
    match expr {
        ast::Expr::CallExpr(call) => match call.expr()? {
            ast::Expr::PathExpr(path) => path.path(),
            _ => None,
        },
        _ => None,
    }
}

/// `scope` with the `use` items of the blocks around `node` (`use super::db;` at the top
/// of a function body).
fn with_local_uses<'s>(scope: &'s Scope, node: &SyntaxNode) -> Cow<'s, Scope> {
    let mut out = Cow::Borrowed(scope);
    for block in node.ancestors().filter_map(ast::StmtList::cast) {
        for item in block.statements() {
            if let ast::Stmt::Item(ast::Item::Use(u)) = item {
                out.to_mut().add_use(&u);
            }
        }
    }
    out
}
