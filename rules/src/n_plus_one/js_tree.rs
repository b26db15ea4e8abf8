//! Trees written a node at a time: a function that creates each item of a loop and calls
//! itself with the created row to create the item's children (`const created = await
//! tx.folder.create(..); await createFolders(folder.children, created.id);`). Each child
//! needs its parent's new id, so the nodes of one level could at best be written
//! together, and the trees seen so written are a template's or one request's few
//! folders: neither the write nor the call down is reported.

use std::collections::HashSet;

use prodlint_core::Span;
use prodlint_js::ast::*;
use prodlint_js::span;
use prodlint_js::visit::{Visit, VisitWith};

use prodlint_js::call_summary::{member_prop, strip};

/// The calls to leave out (by their span): each write whose result a loop passes to a
/// call of the function around it, and that call.
pub(super) fn tree_builds(program: &Program) -> HashSet<Span> {
    let mut functions = Functions::default();
    program.visit_with(&mut functions);
    functions.skips
}

/// Finds each named function and looks at the loops of its own body.
#[derive(Default)]
struct Functions {
    skips: HashSet<Span>,
}

impl Functions {
    fn function_body(&mut self, name: &str, body: &dyn Fn(&mut Loops)) {
        let mut loops = Loops {
            name,
            skips: &mut self.skips,
        };
        body(&mut loops);
    }
}

impl Visit for Functions {
    fn visit_fn_decl(&mut self, decl: &FnDecl) {
        let name = decl.ident.sym.to_string();
        self.function_body(&name, &|loops| decl.function.body.visit_with(loops));
        decl.visit_children_with(self);
    }

    fn visit_var_declarator(&mut self, declarator: &VarDeclarator) {
        if let (Pat::Ident(name), Some(init)) = (&declarator.name, &declarator.init) {
            let name = name.id.sym.to_string();
            match strip(init) {
                Expr::Arrow(arrow) => {
                    self.function_body(&name, &|loops| arrow.body.visit_with(loops));
                }
                Expr::Fn(function) => {
                    self.function_body(&name, &|loops| function.function.body.visit_with(loops));
                }
                _ => {}
            }
        }
        declarator.visit_children_with(self);
    }

    fn visit_class_method(&mut self, method: &ClassMethod) {
        if let PropName::Ident(name) = &method.key {
            let name = name.sym.to_string();
            self.function_body(&name, &|loops| method.function.body.visit_with(loops));
        }
        method.visit_children_with(self);
    }
}

/// The loops of one function's body (not of the functions inside it).
struct Loops<'a> {
    name: &'a str,
    skips: &'a mut HashSet<Span>,
}

impl Loops<'_> {
    fn body(&mut self, body: &Stmt) {
        let mut iteration = Iteration {
            name: self.name,
            created: Vec::new(),
            calls_down: Vec::new(),
        };
        body.visit_with(&mut iteration);
        for (call, names) in &iteration.calls_down {
            let parents: Vec<Span> = iteration
                .created
                .iter()
                .filter(|(name, _)| names.contains(name))
                .map(|(_, write)| *write)
                .collect();
            if !parents.is_empty() {
                self.skips.insert(*call);
                self.skips.extend(parents);
            }
        }
    }
}

impl Visit for Loops<'_> {
    fn visit_function(&mut self, _: &Function) {}
    fn visit_arrow_expr(&mut self, _: &ArrowExpr) {}
    fn visit_class(&mut self, _: &Class) {}

    fn visit_for_of_stmt(&mut self, stmt: &ForOfStmt) {
        self.body(&stmt.body);
        stmt.visit_children_with(self);
    }

    fn visit_for_in_stmt(&mut self, stmt: &ForInStmt) {
        self.body(&stmt.body);
        stmt.visit_children_with(self);
    }

    fn visit_for_stmt(&mut self, stmt: &ForStmt) {
        self.body(&stmt.body);
        stmt.visit_children_with(self);
    }
}

/// One loop body: the names bound to a created row, and the calls of the function
/// itself with the names their arguments use.
struct Iteration<'a> {
    name: &'a str,
    /// `created` in `const created = await tx.folder.create(..)`, with the write's span.
    created: Vec<(String, Span)>,
    calls_down: Vec<(Span, HashSet<String>)>,
}

/// A write that makes a row: a `create`, `insert`, `save` or `upsert` call in the chain (`tx.folder.create`, `db.insert(..).values(..).returning`).
fn creates_row(call: &CallExpr) -> bool {
    let chain = prodlint_js::call_summary::chain(&Expr::Call(call.clone()));
    chain.iter().filter(|seg| seg.call).any(|seg| {
        let lower = seg.name.to_ascii_lowercase();
        ["create", "insert", "save", "upsert"]
            .iter()
            .any(|write| lower.starts_with(write))
    })
}

impl Iteration<'_> {
    /// Whether `callee` is the function around the loop: `createFolders(..)`,
    /// `this.createFolders(..)`.
    fn is_self(&self, callee: &Callee) -> bool {
        let Callee::Expr(callee) = callee else {
            return false;
        };
        match strip(callee) {
            Expr::Ident(ident) => &*ident.sym == self.name,
            Expr::Member(member) => {
                matches!(strip(&member.obj), Expr::This(_))
                    && member_prop(&member.prop).as_deref() == Some(self.name)
            }
            _ => false,
        }
    }
}

impl Visit for Iteration<'_> {
    fn visit_function(&mut self, _: &Function) {}
    fn visit_arrow_expr(&mut self, _: &ArrowExpr) {}
    fn visit_class(&mut self, _: &Class) {}

    fn visit_var_declarator(&mut self, declarator: &VarDeclarator) {
        if let Some(init) = &declarator.init {
            if let Expr::Await(awaited) = strip(init) {
                if let Expr::Call(call) = strip(&awaited.arg) {
                    if creates_row(call) {
                        let mut names = HashSet::new();
                        super::js_items::pat_names(&declarator.name, &mut names);
                        self.created
                            .extend(names.into_iter().map(|name| (name, span(call.span))));
                    }
                }
            }
        }
        declarator.visit_children_with(self);
    }

    fn visit_call_expr(&mut self, call: &CallExpr) {
        if self.is_self(&call.callee) {
            struct Idents(HashSet<String>);
            impl Visit for Idents {
                fn visit_ident(&mut self, ident: &Ident) {
                    self.0.insert(ident.sym.to_string());
                }
                fn visit_member_prop(&mut self, _: &MemberProp) {}
            }
            let mut idents = Idents(HashSet::new());
            call.args.visit_with(&mut idents);
            self.calls_down.push((span(call.span), idents.0));
        }
        call.visit_children_with(self);
    }
}
