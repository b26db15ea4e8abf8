//! Rust: whether `self.field.method(..)` (or `self.method(..)`) performs a round trip in the
//! method it calls, in whichever file of the crate that method is, following `self.x.y()`
//! and `self.y()` calls on the way: the field's type comes from the crate index (struct
//! fields with resolved types; `Arc`, `Box`, `Rc` and references are looked through) and
//! the method's body from [`MethodBodies`]. Computed on demand, depth first, with the
//! methods on the current path as the cycle guard.

use std::sync::Arc;

use prodlint_core::Project;
use prodlint_rust::crate_index::{Adt, CrateIndex, Item};
use prodlint_rust::method_bodies::MethodBodies;
use prodlint_rust::ra_ap_syntax::ast;
use prodlint_rust::ra_ap_syntax::{AstNode, SyntaxNode};
use prodlint_rust::types::{PathTy, Scope, Ty};

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

    /// The round trip a call of the loop at `node` reaches through a method of the crate,
    /// with the calls on the way: `self.store.load(id)` or `self.load(id)`.
    pub fn call(
        &self,
        node: &SyntaxNode,
        chain: &super::Chain,
        awaited: bool,
    ) -> Option<(Access, Vec<Hop>)> {
        let adt = self.enclosing_adt(node)?;
        let mut path = Vec::new();
        self.through(adt, chain, awaited, &mut path)
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
        if let Some(access) = access_in(self.rule, &body) {
            let hop = Hop {
                file: Arc::clone(&bodies.file),
                span: access.span,
                message: format!("`{shown}` calls `{}` here", access.call),
            };
            return Some((access, vec![hop]));
        }
        path.push(key);
        let mut found = None;
        for node in body.descendants() {
            let Some((expr, awaited)) = call_at(&node, false) else {
                continue;
            };
            let inner = chain(&expr);
            if let Some((access, mut hops)) = self.through(owner, &inner, awaited, path) {
                let at = inner.last().expect("a call has a segment").at.expr;
                hops.insert(
                    0,
                    Hop {
                        file: Arc::clone(&bodies.file),
                        span: at,
                        message: format!("`{shown}` calls `{}` here", render_chain(&inner)),
                    },
                );
                found = Some((access, hops));
                break;
            }
        }
        path.pop();
        found
    }
}
