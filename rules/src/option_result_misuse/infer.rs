//! Conservative receiver inference: is this expression an `Option` or a `Result`, and which
//! signature says so? Method-call chains whose first call's return type is known (the
//! workspace's crate index, the std table, the locked dependencies' sources), bindings with
//! a written type or a known initializer, parameters, `self.field`, `?`, `.await` and the
//! combinators that turn one into the other. Anything else (closures, generics, macros,
//! methods whose definitions disagree) is unknown, and unknown means silent.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::Arc;

use prodlint_core::{Project, Span};
use prodlint_rust::crate_index::{CrateIndex, FnSig, Item};
use prodlint_rust::deps::{dep_free_fns, dep_methods, DepFn, DepKey, DepRet, LockedCrates};
use prodlint_rust::ra_ap_syntax::ast::{
    self, HasArgList, HasGenericParams, HasModuleItem, HasName,
};
use prodlint_rust::ra_ap_syntax::{AstNode, SyntaxKind, SyntaxNode};
use prodlint_rust::span;
use prodlint_rust::std_api::{Returns, StdApi};
use prodlint_rust::types::{binding_pat, generic_params, path_segments, Scope, Ty};

/// What an expression is, as far as this rule cares.
#[derive(Debug, Clone)]
pub enum RTy {
    Option(Box<RTy>),
    Result(Box<RTy>),
    Iter,
    /// What calling an `async fn` gives; `.await` opens it.
    Future(Box<RTy>),
    /// A named type: `krate` is `""` for the workspace (then `ty` is its path), `"std"`, or a
    /// dependency's library name.
    Named {
        name: String,
        krate: String,
        ty: Option<Ty>,
        args: Vec<RTy>,
    },
    Unknown,
}

impl RTy {
    pub fn shape(&self) -> Option<&'static str> {
        match self {
            RTy::Option(_) => Some("Option"),
            RTy::Result(_) => Some("Result"),
            _ => None,
        }
    }

    fn inner(&self) -> RTy {
        match self {
            RTy::Option(i) | RTy::Result(i) => (**i).clone(),
            _ => RTy::Unknown,
        }
    }
}

fn named_std(name: &str) -> RTy {
    RTy::Named {
        name: name.into(),
        krate: "std".into(),
        ty: None,
        args: Vec::new(),
    }
}

/// Types whose methods the std table knows, as dependencies name them by last segment.
const STD_NAMES: &[&str] = &[
    "Vec",
    "String",
    "str",
    "HashMap",
    "BTreeMap",
    "HashSet",
    "BTreeSet",
    "VecDeque",
    "Path",
    "PathBuf",
    "File",
    "OsStr",
    "OsString",
    "Duration",
    "Instant",
    "SystemTime",
];

/// Where the fact that something is an `Option` or a `Result` comes from.
#[derive(Debug, Clone)]
pub enum Proof {
    /// A signature in the workspace.
    Workspace {
        file: PathBuf,
        span: Span,
        what: String,
        /// The return types (file, span) of every function definition the call may take;
        /// empty when the fact is not a function's (a field).
        defs: Vec<(PathBuf, Span)>,
    },
    Std {
        what: String,
    },
    Dep {
        krate: String,
        version: String,
        what: String,
        file: PathBuf,
        line: u32,
        ret_text: String,
    },
    /// A written type in this file.
    Written {
        span: Span,
        what: String,
    },
    /// A combinator of `Option`/`Result` (`.ok()`, `.ok_or(..)`).
    Combinator {
        what: String,
    },
}

#[derive(Debug, Clone)]
pub struct Fact {
    pub ty: RTy,
    pub proof: Option<Proof>,
    /// Whether the fact comes from a call of std's `Mutex::lock`/`RwLock::read`/`write`
    /// (poisoning) — callers use it to tell idioms from defects.
    pub lock: bool,
}

impl Fact {
    fn new(ty: RTy, proof: Option<Proof>) -> Fact {
        Fact {
            ty,
            proof,
            lock: false,
        }
    }
}

/// The locked dependencies of the file's workspace, when there is a `Cargo.lock`.
pub struct Deps {
    pub key: DepKey,
    pub locked: Arc<LockedCrates>,
}

pub struct Env<'a> {
    pub project: &'a Project,
    pub index: &'a CrateIndex,
    pub std: &'a StdApi,
    pub deps: Option<&'a Deps>,
    /// The file's top-level scope.
    pub file_scope: &'a Scope,
    /// The scopes found so far, by the innermost module, function, impl or trait around
    /// a node (`None`: the file's top level), which alone decide it.
    pub scopes: RefCell<HashMap<Option<SyntaxNode>, Rc<At>>>,
}

/// Where an expression sits: its module, its impl's `Self`, its generics.
pub(super) struct At {
    pub(super) scope: Scope,
}

impl Env<'_> {
    /// The scope at `node`: found once per module, function, impl or trait of the file
    /// (every call of a function body asks it).
    pub(super) fn scope_at(&self, node: &SyntaxNode) -> Rc<At> {
        let owner = node.ancestors().find(|a| {
            matches!(
                a.kind(),
                SyntaxKind::MODULE | SyntaxKind::FN | SyntaxKind::IMPL | SyntaxKind::TRAIT
            )
        });
        if let Some(at) = self.scopes.borrow().get(&owner) {
            return Rc::clone(at);
        }
        let at = Rc::new(self.scope_of(node));
        self.scopes.borrow_mut().insert(owner, Rc::clone(&at));
        at
    }

    fn scope_of(&self, node: &SyntaxNode) -> At {
        let mut scope = self.file_scope.clone();
        let mut modules = Vec::new();
        let mut innermost_module: Option<ast::Module> = None;
        let mut generics = Vec::new();
        for ancestor in node.ancestors() {
            if let Some(m) = ast::Module::cast(ancestor.clone()) {
                if let Some(name) = m.name() {
                    modules.push(name.text().to_string());
                }
                if innermost_module.is_none() {
                    innermost_module = Some(m);
                }
            } else if let Some(f) = ast::Fn::cast(ancestor.clone()) {
                generics.extend(generic_params(f.generic_param_list()));
                if let Some(body) = f.body().and_then(|b| b.stmt_list()) {
                    for stmt in body.statements() {
                        if let ast::Stmt::Item(ast::Item::Use(u)) = stmt {
                            scope.add_use(&u);
                        }
                    }
                }
            } else if let Some(i) = ast::Impl::cast(ancestor.clone()) {
                generics.extend(generic_params(i.generic_param_list()));
                if scope.self_ty.is_none() {
                    let mut impl_scope = scope.clone();
                    impl_scope.generics = generics.clone();
                    scope.self_ty = i.self_ty().map(|t| impl_scope.ty(&t));
                }
            } else if let Some(t) = ast::Trait::cast(ancestor.clone()) {
                generics.extend(generic_params(t.generic_param_list()));
                generics.push("Self".into());
            }
        }
        if let Some(m) = innermost_module {
            modules.reverse();
            let module = format!("{}::{}", self.file_scope.module, modules.join("::"));
            let mut inner = Scope::new(&self.file_scope.crate_name, &module);
            for item in m.item_list().into_iter().flat_map(|l| l.items()) {
                if let ast::Item::Use(u) = item {
                    inner.add_use(&u);
                }
            }
            inner.self_ty = scope.self_ty.clone();
            scope = inner;
        }
        scope.generics = generics;
        At { scope }
    }

    /// What an expression is, if that is known for sure.
    pub fn infer(&self, expr: &ast::Expr) -> Option<Fact> {
        let at = self.scope_at(expr.syntax());
        self.infer_in(&at, expr, 0)
    }

    fn infer_in(&self, at: &At, expr: &ast::Expr, depth: u32) -> Option<Fact> {
        if depth > 24 {
            return None;
        }
        let depth = depth + 1;
        match expr {
            ast::Expr::ParenExpr(e) => self.infer_in(at, &e.expr()?, depth),
            ast::Expr::RefExpr(r) => self.infer_in(at, &r.expr()?, depth),
            ast::Expr::Literal(l) => match l.kind() {
                ast::LiteralKind::String(_) => Some(Fact::new(named_std("str"), None)),
                _ => None,
            },
            ast::Expr::PathExpr(p) => {
                let path = p.path()?;
                let segments = path_segments(&path);
                if segments.len() != 1 {
                    return None;
                }
                if segments[0] == "self" {
                    let ty = at.scope.self_ty.as_ref()?;
                    return Some(Fact::new(self.rty(ty), None));
                }
                self.binding(at, &segments[0], expr.syntax(), depth)
            }
            ast::Expr::FieldExpr(f) => {
                let receiver = self.infer_in(at, &f.expr()?, depth)?;
                let name = f.name_ref()?.text().to_string();
                self.field(&receiver.ty, &name)
            }
            ast::Expr::TryExpr(t) => {
                let inner = self.infer_in(at, &t.expr()?, depth)?;
                inner.ty.shape()?;
                Some(Fact::new(inner.ty.inner(), None))
            }
            ast::Expr::AwaitExpr(a) => {
                let inner = self.infer_in(at, &a.expr()?, depth)?;
                match inner.ty {
                    RTy::Future(ret) => Some(Fact::new(*ret, inner.proof)),
                    _ => None,
                }
            }
            ast::Expr::CallExpr(call) => self.infer_call(at, call, depth),
            ast::Expr::MethodCallExpr(call) => self.infer_method(at, call, depth),
            _ => None,
        }
    }

    /// A binding's type: the nearest binding of `name` visible at `node`; only a `let` or
    /// a parameter whose whole pattern is the name has a type we know.
    fn binding(&self, at: &At, name: &str, node: &SyntaxNode, depth: u32) -> Option<Fact> {
        let pat = binding_pat(name, node)?;
        if pat.at_token().is_some() || pat.ref_token().is_some() {
            return None;
        }
        let parent = pat.syntax().parent()?;
        if let Some(param) = ast::Param::cast(parent.clone()) {
            // Only the parameters of a function item (not a closure).
            let list = param.syntax().parent()?;
            ast::Fn::cast(list.parent()?)?;
            let ty = param.ty()?;
            return Some(Fact::new(
                self.written(&at.scope, &ty),
                Some(Proof::Written {
                    span: span(ty.syntax().text_range()),
                    what: format!("`{name}` is declared `{}`", ty.syntax().text()),
                }),
            ));
        }
        let stmt = ast::LetStmt::cast(parent)?;
        if stmt.let_else().is_some() {
            return None;
        }
        if let Some(ty) = stmt.ty() {
            let written = self.written(&at.scope, &ty);
            if matches!(written, RTy::Unknown) {
                return None;
            }
            return Some(Fact::new(
                written,
                Some(Proof::Written {
                    span: span(ty.syntax().text_range()),
                    what: format!("`{name}` is declared `{}`", ty.syntax().text()),
                }),
            ));
        }
        self.infer_in(at, &stmt.initializer()?, depth)
    }

    /// A type written in this file, with `str`/`String` kept (the index drops primitives).
    fn written(&self, scope: &Scope, ty: &ast::Type) -> RTy {
        match ty {
            ast::Type::RefType(r) => match r.ty() {
                Some(inner) => self.written(scope, &inner),
                None => RTy::Unknown,
            },
            ast::Type::PathType(p) if p.syntax().text() == "str" => named_std("str"),
            ast::Type::ImplTraitType(_) | ast::Type::DynTraitType(_) => RTy::Unknown,
            _ => self.rty(&scope.ty(ty)),
        }
    }

    /// A resolved type as this rule sees it.
    pub fn rty(&self, ty: &Ty) -> RTy {
        self.rty_depth(ty, 0)
    }

    fn rty_depth(&self, ty: &Ty, depth: u32) -> RTy {
        if depth > 8 {
            return RTy::Unknown;
        }
        match ty {
            Ty::Ref { inner, .. } => self.rty_depth(inner, depth + 1),
            Ty::Array(_) => named_std("slice"),
            Ty::Path(p) => {
                let args: Vec<RTy> = p
                    .args
                    .iter()
                    .map(|a| self.rty_depth(a, depth + 1))
                    .collect();
                let first = || args.first().cloned().unwrap_or(RTy::Unknown);
                match self.index.item(p) {
                    Some(Item::Alias(alias)) => {
                        let expanded = alias.ty.substitute(&alias.generics, &p.args);
                        return self.rty_depth(&expanded, depth + 1);
                    }
                    Some(Item::Adt(adt)) => {
                        return RTy::Named {
                            name: adt.path.rsplit("::").next().unwrap_or("").to_string(),
                            krate: String::new(),
                            ty: Some(ty.clone()),
                            args,
                        }
                    }
                    None => {}
                }
                let last = p.path.rsplit("::").next().unwrap_or("");
                match last {
                    "Option" => return RTy::Option(Box::new(first())),
                    // `io::Result<T>`, `anyhow::Result<T>`: aliases of `Result` keep its name.
                    "Result" => return RTy::Result(Box::new(first())),
                    _ => {}
                }
                if p.local {
                    return RTy::Unknown;
                }
                let krate = p.path.split("::").next().unwrap_or("");
                if krate == "std" || (p.path == last && STD_NAMES.contains(&last)) {
                    return RTy::Named {
                        name: last.into(),
                        krate: "std".into(),
                        ty: None,
                        args,
                    };
                }
                match self.deps {
                    Some(deps) if deps.locked.is_locked(krate) && p.path != last => RTy::Named {
                        name: last.into(),
                        krate: krate.into(),
                        ty: None,
                        args,
                    },
                    _ => RTy::Unknown,
                }
            }
            _ => RTy::Unknown,
        }
    }

    fn field(&self, receiver: &RTy, name: &str) -> Option<Fact> {
        let RTy::Named {
            krate,
            ty: Some(Ty::Path(p)),
            ..
        } = deref(receiver)
        else {
            return None;
        };
        if !krate.is_empty() {
            return None;
        }
        let Item::Adt(adt) = self.index.item(&p)? else {
            return None;
        };
        let field = adt.fields.iter().find(|f| f.name == name)?;
        let ty = field.ty.substitute(&adt.generics, &p.args);
        let rty = self.rty(&ty);
        if matches!(rty, RTy::Unknown) {
            return None;
        }
        Some(Fact::new(
            rty,
            Some(Proof::Workspace {
                defs: Vec::new(),
                file: adt.file.clone(),
                span: field.span,
                what: format!(
                    "field `{}::{name}`",
                    adt.path.rsplit("::").next().unwrap_or("")
                ),
            }),
        ))
    }

    fn infer_call(&self, at: &At, call: &ast::CallExpr, depth: u32) -> Option<Fact> {
        let ast::Expr::PathExpr(callee) = call.expr()? else {
            return None;
        };
        let path = callee.path()?;
        let segments = path_segments(&path);
        if segments.len() == 1 && self.binding_exists(&segments[0], call.syntax()) {
            return None; // a closure or fn pointer in a local
        }
        if segments.len() >= 2 {
            let owner = &segments[segments.len() - 2];
            if owner.starts_with(|c: char| c.is_ascii_uppercase()) || owner == "Self" {
                // `Type::f(..)`: an associated function or a method called by path.
                let method = segments.last()?;
                let owner_ty = if owner == "Self" && segments.len() == 2 {
                    self.rty(at.scope.self_ty.as_ref()?)
                } else {
                    let qualifier = path.qualifier()?;
                    self.rty(&at.scope.path_ty(&qualifier))
                };
                if let Some(fact) = self.method_of(&owner_ty, method, false) {
                    return Some(fact);
                }
                if let RTy::Named { krate, .. } = &owner_ty {
                    if krate == "std" {
                        let resolved = at.scope.resolve(&segments);
                        return self.std_fn(&resolved.path);
                    }
                }
                return None;
            }
        }
        let resolved = at.scope.resolve(&segments);
        if let Some(sigs) = self.index.free_fn(&resolved) {
            return self.fact_of_sigs(sigs.iter().collect());
        }
        if resolved.local {
            return None;
        }
        let krate = resolved.path.split("::").next().unwrap_or("");
        if krate == "std" {
            return self.std_fn(&resolved.path);
        }
        let _ = depth;
        let name = segments.last()?;
        let deps = self.deps?;
        if !deps.locked.is_locked(krate) {
            return None;
        }
        let defs = dep_free_fns(self.project, &deps.key, krate, name);
        self.fact_of_deps(&defs.iter().collect::<Vec<_>>(), name)
    }

    fn std_fn(&self, path: &str) -> Option<Fact> {
        let returns = self.std.function(path)?;
        let short = path.strip_prefix("std::").unwrap_or(path);
        Some(self.fact_of_std(returns, format!("`{short}`")))
    }

    fn fact_of_std(&self, returns: &Returns, what: String) -> Fact {
        let proof = Some(Proof::Std { what });
        match returns {
            Returns::Option => Fact::new(RTy::Option(Box::new(RTy::Unknown)), proof),
            Returns::Result => Fact::new(RTy::Result(Box::new(RTy::Unknown)), proof),
            Returns::Iterator => Fact::new(RTy::Iter, None),
            Returns::Type(name) => Fact::new(named_std(name), None),
        }
    }

    fn binding_exists(&self, name: &str, node: &SyntaxNode) -> bool {
        let Some(body) = node.ancestors().find(|a| a.kind() == SyntaxKind::FN) else {
            return false;
        };
        body.descendants()
            .filter_map(ast::IdentPat::cast)
            .any(|p| p.name().is_some_and(|n| n.text() == name))
    }

    fn infer_method(&self, at: &At, call: &ast::MethodCallExpr, depth: u32) -> Option<Fact> {
        let name = call.name_ref()?.text().to_string();
        let receiver = self.infer_in(at, &call.receiver()?, depth)?;
        let arity = closure_arity(call);
        let combinator = |ty: RTy, what: &str| {
            Some(Fact::new(
                ty,
                Some(Proof::Combinator {
                    what: format!("`.{name}()` returns {what}"),
                }),
            ))
        };
        let keep = || Some(Fact::new(receiver.ty.clone(), receiver.proof.clone()));
        let unknown_inner = |r: &RTy| match r {
            RTy::Option(_) => RTy::Option(Box::new(RTy::Unknown)),
            _ => RTy::Result(Box::new(RTy::Unknown)),
        };
        match &receiver.ty {
            RTy::Option(inner) => match name.as_str() {
                "ok_or" | "ok_or_else" | "context" | "with_context" => {
                    combinator(RTy::Result(inner.clone()), "a `Result`")
                }
                "filter" | "or" | "xor" | "take" | "replace" | "as_ref" | "as_mut" | "as_deref"
                | "cloned" | "copied" | "inspect" | "clone" => keep(),
                "or_else" if arity == Some(0) => keep(),
                "map" | "and_then" => Some(Fact::new(
                    unknown_inner(&receiver.ty),
                    receiver.proof.clone(),
                )),
                "unwrap" | "expect" | "unwrap_or_default" | "unwrap_unchecked" => {
                    Some(Fact::new(receiver.ty.inner(), None))
                }
                "iter" => Some(Fact::new(RTy::Iter, None)),
                _ => None,
            },
            RTy::Result(inner) => match name.as_str() {
                "ok" => combinator(RTy::Option(inner.clone()), "an `Option`"),
                "err" => combinator(RTy::Option(Box::new(RTy::Unknown)), "an `Option`"),
                "map_err" | "inspect_err" | "as_ref" | "as_mut" | "as_deref" | "cloned"
                | "copied" | "inspect" | "context" | "with_context" | "clone" => keep(),
                "or_else" if arity == Some(1) => keep(),
                "map" | "and_then" => Some(Fact::new(
                    unknown_inner(&receiver.ty),
                    receiver.proof.clone(),
                )),
                "unwrap" | "expect" | "unwrap_or_default" | "unwrap_unchecked" => {
                    Some(Fact::new(receiver.ty.inner(), None))
                }
                _ => None,
            },
            RTy::Iter => {
                let returns = self.std.method("Iterator", &name)?;
                Some(self.fact_of_std(returns, format!("`Iterator::{name}`")))
            }
            RTy::Named { .. } => self.method_of(&receiver.ty, &name, true),
            _ => None,
        }
    }

    /// A method (or associated function) of a named type.
    fn method_of(&self, receiver: &RTy, method: &str, has_self: bool) -> Option<Fact> {
        let receiver = deref(receiver);
        let RTy::Named {
            name, krate, ty, ..
        } = &receiver
        else {
            return None;
        };
        match krate.as_str() {
            "" => {
                let target = self.canonical(ty.as_ref()?)?;
                self.fact_of_sigs(self.index.method_candidates(&target, method, has_self))
            }
            "std" => {
                let returns = self.std.method(name, method)?;
                let fact = self.fact_of_std(returns, format!("`{name}::{method}`"));
                let lock = matches!(
                    (name.as_str(), method),
                    ("Mutex", "lock") | ("RwLock", "read" | "write")
                );
                Some(Fact { lock, ..fact })
            }
            lib => {
                let deps = self.deps?;
                let defs = dep_methods(
                    self.project,
                    &deps.key,
                    &deps.locked,
                    lib,
                    name,
                    method,
                    has_self,
                );
                self.fact_of_deps(&defs.iter().collect::<Vec<_>>(), method)
            }
        }
    }

    fn canonical(&self, ty: &Ty) -> Option<String> {
        let Ty::Path(p) = ty else { return None };
        match self.index.item(p) {
            Some(Item::Adt(adt)) => Some(adt.path.clone()),
            _ => None,
        }
    }

    /// One fact from the workspace definitions of a function, if they agree.
    fn fact_of_sigs(&self, sigs: Vec<&FnSig>) -> Option<Fact> {
        let first = *sigs.first()?;
        let facts: Vec<RTy> = sigs
            .iter()
            .map(|s| {
                let ret = s.ret.as_ref().map_or(RTy::Unknown, |r| {
                    let mentions_generic = matches!(r, Ty::Param(_));
                    if mentions_generic {
                        RTy::Unknown
                    } else {
                        self.rty(r)
                    }
                });
                if s.is_async {
                    RTy::Future(Box::new(ret))
                } else {
                    ret
                }
            })
            .collect();
        let shape = |t: &RTy| match t {
            RTy::Future(inner) => inner.shape().map(|s| format!("future {s}")),
            other => other.shape().map(String::from),
        };
        let first_shape = shape(&facts[0]);
        if facts.iter().any(|f| shape(f) != first_shape) {
            return None;
        }
        if first_shape.is_none() && facts.len() > 1 {
            return None;
        }
        let owner = first.path.rsplit("::").nth(1).unwrap_or("");
        let what = if first.self_ty.is_some() || first.trait_path.is_some() {
            format!("`{owner}::{}`", first.name)
        } else {
            format!("`{}`", first.name)
        };
        Some(Fact::new(
            facts[0].clone(),
            Some(Proof::Workspace {
                file: first.file.clone(),
                span: first.span,
                what,
                defs: sigs.iter().map(|s| (s.file.clone(), s.span)).collect(),
            }),
        ))
    }

    /// One fact from a dependency's definitions of a function, if they agree.
    fn fact_of_deps(&self, defs: &[&DepFn], name: &str) -> Option<Fact> {
        let first = *defs.first()?;
        if defs
            .iter()
            .any(|d| d.ret != first.ret || d.is_async != first.is_async)
        {
            return None;
        }
        let named = |n: &Option<String>| match n {
            Some(n) => self.dep_named(n, &first.lib),
            None => RTy::Unknown,
        };
        let ty = match &first.ret {
            DepRet::Option(inner) => RTy::Option(Box::new(named(inner))),
            DepRet::Result(inner) => RTy::Result(Box::new(named(inner))),
            DepRet::Named(n) => self.dep_named(n, &first.lib),
            DepRet::Unit | DepRet::Unknown => return None,
        };
        let ty = if first.is_async {
            RTy::Future(Box::new(ty))
        } else {
            ty
        };
        let what = match &first.self_ty {
            Some(owner) => format!("`{owner}::{name}`"),
            None => format!("`{}::{name}`", first.lib),
        };
        Some(Fact::new(
            ty,
            Some(Proof::Dep {
                krate: first.krate.clone(),
                version: first.version.clone(),
                what,
                file: first.file.clone(),
                line: first.line,
                ret_text: first.ret_text.clone(),
            }),
        ))
    }

    fn dep_named(&self, name: &str, lib: &str) -> RTy {
        if STD_NAMES.contains(&name) {
            return named_std(name);
        }
        if name.starts_with(|c: char| c.is_ascii_uppercase()) {
            RTy::Named {
                name: name.into(),
                krate: lib.into(),
                ty: None,
                args: Vec::new(),
            }
        } else {
            RTy::Unknown
        }
    }
}

/// Through `Box`, `Arc`, `Rc` and `Pin` to what method calls see.
fn deref(ty: &RTy) -> RTy {
    let mut current = ty.clone();
    for _ in 0..8 {
        match &current {
            RTy::Named {
                name, krate, args, ..
            } if krate == "std" && matches!(name.as_str(), "Box" | "Arc" | "Rc" | "Pin") => {
                current = args.first().cloned().unwrap_or(RTy::Unknown);
            }
            _ => break,
        }
    }
    current
}

/// The number of parameters of a closure passed as the only argument.
pub fn closure_arity(call: &ast::MethodCallExpr) -> Option<usize> {
    let args: Vec<ast::Expr> = call.arg_list()?.args().collect();
    match args.as_slice() {
        [ast::Expr::ClosureExpr(c)] => Some(c.param_list()?.params().count()),
        _ => None,
    }
}
